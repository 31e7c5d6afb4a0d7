/* Analysis page: while a job is queued or running, poll its JSON status, show the stage and
   progress, and reload the page when it ends (the result, or the failure and 重试).
   Plain JS, no build step; without it the page refreshes itself (<noscript> meta refresh). */
(function () {
  "use strict";

  var box = document.getElementById("run-status");
  if (!box) return;
  // A reload that fires while the person is already leaving (a link, the back button) would
  // cancel their navigation and put them back here: while the page is being left, never reload.
  // A download link also starts as a navigation but the page stays: after a moment, reload again.
  var leaving = false;
  window.addEventListener("beforeunload", function () {
    leaving = true;
    window.setTimeout(function () { leaving = false; }, 3000);
  });
  function reload() { if (!leaving) window.location.reload(); }
  if (box.getAttribute("data-active") !== "true") {
    if (box.getAttribute("data-clouds-pending") === "true") waitForClouds(box.getAttribute("data-status-url"));
    return;
  }
  var url = box.getAttribute("data-status-url");
  var state = box.querySelector(".run-state");
  var stage = box.querySelector(".run-stage");
  var count = box.querySelector(".run-count");
  var bar = box.querySelector(".run-progress");
  var delay = 500;  // results show as soon as they are saved: look often

  function show(s) {
    state.textContent = s.status_label;
    stage.textContent = s.stage_label;
    count.textContent = s.total ? s.done + " / " + s.total : "";
    if (s.total) {
      bar.max = s.total;
      bar.value = s.done;
    } else {
      bar.removeAttribute("value");  // indeterminate until the stage knows its size
    }
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (s) {
        show(s);
        if (s.active) {
          delay = 500;
          window.setTimeout(poll, delay);
        } else {
          reload();  // done: the stored result; failed: the reason and 重试
        }
      })
      .catch(function () {
        // A network blip or a restarting server: keep trying, less often.
        stage.textContent = "暂时无法获取进度，正在重试……";
        delay = Math.min(delay * 2, 10000);
        window.setTimeout(poll, delay);
      });
  }

  window.setTimeout(poll, delay);

  // Results show first; the word clouds follow from a background task: reload once they exist.
  function waitForClouds(statusUrl) {
    var tries = 0;
    function look() {
      fetch(statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.clouds > 0 && !s.active) reload();
          else if (++tries < 600) window.setTimeout(look, 1000);  // a busy machine draws slowly
        })
        .catch(function () { if (++tries < 600) window.setTimeout(look, 2000); });
    }
    window.setTimeout(look, 1000);
  }
})();
