// The wall (templates/wall/wall.html): redraws a section only when its data changed, so the
// projector does not flicker; bar widths are set here (the CSP allows no style attributes).
(function () {
  "use strict";
  var root = document.getElementById("wall");
  if (!root || !window.PingjiaLive) return;
  var shown = {};

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function widths(scope) {
    scope.querySelectorAll("[data-percent]").forEach(function (s) {
      s.style.width = s.getAttribute("data-percent") + "%";
    });
  }

  function replace(id, items, draw, empty) {
    var list = document.getElementById(id);
    var key = JSON.stringify(items);
    if (shown[id] === key) return;
    shown[id] = key;
    var fresh = document.createDocumentFragment();
    if (!items.length && empty) fresh.appendChild(el("li", "wall-empty", empty));
    items.forEach(function (item) { fresh.appendChild(draw(item)); });
    list.replaceChildren(fresh);
    widths(list);
  }

  function goal(g) {
    var li = el("li");
    li.appendChild(el("span", "goal-name", g.name));
    var bar = el("span", "goal-bar");
    ["agree", "neutral", "disagree"].forEach(function (part) {
      var s = el("span", part, g[part] || "");
      s.setAttribute("data-percent", g.n ? (100 * g[part] / g.n).toFixed(1) : 0);
      bar.appendChild(s);
    });
    li.appendChild(bar);
    li.appendChild(el("span", "goal-n", "n=" + g.n));
    return li;
  }

  function theme(t) {
    var li = el("li");
    li.appendChild(el("strong", null, t.name));
    li.appendChild(el("span", null, t.count + " 条"));
    li.appendChild(el("small", null, t.kinds));
    return li;
  }

  function comment(c) {
    var li = el("li");
    li.setAttribute("data-comment", c.id);
    li.appendChild(el("p", null, c.text));
    li.appendChild(el("small", null, (c.type || "") + " · " + c.field));
    return li;
  }

  function type(pair) {
    var li = el("li");
    li.appendChild(el("span", null, pair[0]));
    li.appendChild(el("strong", null, pair[1]));
    return li;
  }

  // On the projector the comments column is as high as the screen: a comment that would be cut
  // at the bottom edge is left out whole (the newest are at the top) rather than shown half.
  // The theme tiles under the goals likewise: a row the screen would cut is left out whole.
  function fit() {
    var section = document.querySelector(".wall-comments");
    var items = section.querySelectorAll("li");
    var tiles = document.querySelectorAll("#wall-themes li");
    items.forEach(function (li) { li.hidden = false; });
    tiles.forEach(function (li) { li.hidden = false; });
    if (getComputedStyle(section).overflow !== "hidden") return;  // a phone: the page scrolls
    var bottom = section.getBoundingClientRect().bottom;
    items.forEach(function (li) {
      if (li.getBoundingClientRect().bottom > bottom) li.hidden = true;
    });
    var wall = document.querySelector(".wall");
    var edge = Math.min(window.innerHeight,
      wall.getBoundingClientRect().bottom - parseFloat(getComputedStyle(wall).paddingBottom || "0"));
    tiles.forEach(function (li) {
      if (li.getBoundingClientRect().bottom > edge) li.hidden = true;
    });
  }

  function draw(state) {
    document.getElementById("wall-total").textContent = state.total;
    replace("wall-types", state.by_type, type);
    replace("wall-goals", state.goals, goal);
    replace("wall-themes", state.themes, theme, state.analysed ? "暂无意见主题" : "分析完成后在这里显示意见主题");
    replace("wall-comments", state.comments, comment, "工作人员审核通过的意见会显示在这里");
    fit();
  }

  widths(root);
  fit();
  window.addEventListener("resize", fit);
  var connection = document.getElementById("wall-connection");
  window.PingjiaLive.follow({
    stream: root.getAttribute("data-stream-url"),
    url: root.getAttribute("data-state-url"),
    poll: parseInt(root.getAttribute("data-poll-seconds"), 10) || 3,
    onData: draw,
    onStatus: function (state, text) {
      connection.setAttribute("data-state", state);
      connection.textContent = text;
    }
  });
})();
