// The open session's staff page: the answer count and the latest answers stay current.
// Only the elements marked data-live are replaced (from a fresh copy of this page), so focus,
// scroll position and a screen reader's place are kept; the button pauses and resumes.
(function () {
  "use strict";
  var holder = document.querySelector("[data-live-every]");
  var button = document.getElementById("live-toggle");
  if (!holder || !button || !window.fetch || !window.DOMParser) return;
  var seconds = parseInt(holder.getAttribute("data-live-every"), 10) || 30;
  var timer = null;

  function update() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (el) {
          var copy = fresh.getElementById(el.id);
          if (copy && copy.innerHTML !== el.innerHTML) el.innerHTML = copy.innerHTML;
        });
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }

  function start() { timer = window.setInterval(update, seconds * 1000); }

  button.hidden = false;
  button.addEventListener("click", function () {
    var pausing = timer !== null;
    if (pausing) {
      window.clearInterval(timer);
      timer = null;
    } else {
      update();
      start();
    }
    button.setAttribute("aria-pressed", pausing ? "true" : "false");
    button.textContent = pausing ? "恢复自动更新" : "暂停自动更新";
  });
  start();
})();
