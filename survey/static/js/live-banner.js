// The late-answer banner ("有 N 份新答卷尚未分析") on the staff pages, kept current without a
// reload: the page's slot (data-late-slot) is re-read when the stream announces an answer,
// or every few seconds when no stream flows (live.js).
(function () {
  "use strict";
  var slot = document.querySelector("[data-late-slot]");
  if (!slot || !window.PingjiaLive) return;
  var shown = slot.innerHTML.trim();
  window.PingjiaLive.follow({
    stream: slot.getAttribute("data-stream-url"), url: slot.getAttribute("data-banner-url"),
    accept: "text/html", poll: 5,
    onData: function (html) {
      html = html.trim();
      if (html === shown) return;
      shown = html;
      slot.innerHTML = html;
    }
  });
})();
