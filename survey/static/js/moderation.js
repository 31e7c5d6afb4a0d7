// The wall's moderation queue (templates/wall/moderation.html): a (approve), h (hide), r (restore),
// j/k to move; each decision posts in place and the list is re-read. New comments appear as
// answers arrive (live.js); the focused comment keeps its focus across redraws when it is still there.
(function () {
  "use strict";
  var app = document.getElementById("mod-app");
  if (!app || !window.PingjiaLive) return;
  var list = document.getElementById("mod-list");
  var toast = document.getElementById("mod-toast");
  var token = document.querySelector("meta[name=csrf-token]").getAttribute("content");
  var listUrl = app.getAttribute("data-list-url");
  var focusId = null, shown = list.innerHTML;

  function items() { return Array.prototype.slice.call(list.querySelectorAll(".mod-item")); }

  function focusOn(item) {
    items().forEach(function (i) { i.classList.remove("is-focus"); });
    if (!item) { focusId = null; return; }
    item.classList.add("is-focus");
    item.focus({preventScroll: false});
    focusId = item.getAttribute("data-comment");
  }

  function draw(html) {
    if (html === shown) return;
    shown = html;
    var index = items().findIndex(function (i) { return i.getAttribute("data-comment") === focusId; });
    list.innerHTML = html;
    var again = focusId && list.querySelector('.mod-item[data-comment="' + focusId + '"]');
    var all = items();
    focusOn(again || all[Math.min(Math.max(index, 0), all.length - 1)] || null);
  }

  var live = window.PingjiaLive.follow({
    stream: app.getAttribute("data-stream-url"), url: listUrl, accept: "text/html",
    poll: parseInt(app.getAttribute("data-poll-seconds"), 10) || 3, onData: draw
  });

  function decide(form) {
    var body = new FormData(form);
    body.set("csrf_token", token);
    fetch(form.getAttribute("action"), {method: "POST", body: body, credentials: "same-origin",
                        headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) { toast.textContent = data.message; live.read(); })
      .catch(function () { toast.textContent = "操作未完成，请检查网络后重试"; });
  }

  list.addEventListener("submit", function (e) {
    e.preventDefault();
    var item = e.target.closest(".mod-item");
    if (item) focusOn(item);
    decide(e.target);
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || /INPUT|TEXTAREA|SELECT/.test(e.target.tagName)) return;
    var all = items();
    var current = list.querySelector(".mod-item.is-focus");
    var at = all.indexOf(current);
    if (e.key === "j" || e.key === "k") {
      focusOn(all[Math.min(Math.max(at + (e.key === "j" ? 1 : -1), 0), all.length - 1)]);
      e.preventDefault();
      return;
    }
    var action = {a: "approve", h: "hide", r: "restore"}[e.key];
    if (!action || !current) return;
    var button = current.querySelector('button[data-action="' + action + '"]');
    if (button) { e.preventDefault(); decide(button.form); }
  });

  focusOn(items()[0] || null);
})();
