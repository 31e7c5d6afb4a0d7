/* The review workspace: keyboard and buttons send each staff decision as JSON (CSRF token in
   a header), then swap in the board the server renders, so the page updates in place.
   Plain JS, no build step, no network but this server. */
(function () {
  "use strict";

  var app = document.getElementById("rv-app");
  if (!app) return;
  var urls = {
    board: app.dataset.boardUrl, act: app.dataset.actUrl, themes: app.dataset.themesUrl,
    recent: app.dataset.recentUrl, history: app.dataset.historyUrl
  };
  var categories = JSON.parse(app.dataset.categories).map(function (c) {
    return { key: c[0], id: c[1], name: c[2] };
  });
  var reasons = JSON.parse(app.dataset.reasons);  // [[id, name], ...]
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var main = document.getElementById("rv-main");
  var dialog = document.getElementById("rv-dialog");
  var dialogTitle = document.getElementById("rv-dialog-title");
  var dialogBody = document.getElementById("rv-dialog-body");
  var toastBox = document.getElementById("rv-toast");
  var filters = document.getElementById("rv-filters");
  var selectedLabel = document.getElementById("rv-selected");

  // The CSP allows no inline style: the bar's first width comes from its data attribute.
  var progressBar = document.getElementById("rv-progress-bar");
  if (progressBar) progressBar.style.width = progressBar.dataset.percent + "%";

  var focusId = null;
  var selected = new Set();
  var everything = null;  // "select all": {filter, count, state} of what the filter shows, resolved on the server
  var pendingG = false;  // g then a digit: jump to that category
  var anchorId = null;  // where a shift-selection started
  var queue = Promise.resolve();  // actions run one after another, in the order staff made them
  var waiting = 0;  // actions sent or waiting their turn

  // ---- rows, focus, selection -----------------------------------------------------------

  function rows() { return Array.prototype.slice.call(main.querySelectorAll(".rv-st")); }
  function rowById(id) { return id ? main.querySelector('.rv-st[data-id="' + id + '"]') : null; }
  function current() { return rowById(focusId); }

  function setFocus(row) {
    if (!row) return;
    var old = current();
    if (old) old.classList.remove("is-focus");
    row.classList.add("is-focus");
    focusId = row.dataset.id;
    // A board refreshed while staff type a search keeps the caret in the search box.
    if (!typing(document.activeElement)) {
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
    }
    updateBar();
  }

  function moveFocus(delta, extend) {
    var list = rows();
    if (!list.length) return;
    var i = list.indexOf(current());
    var next = list[i < 0 ? 0 : Math.max(0, Math.min(list.length - 1, i + delta))];
    if (extend) {
      if (i >= 0) select(list[i], true);
      select(next, true);
    }
    setFocus(next);
  }

  function select(row, on) {
    if (everything) {  // leaving "select all": back to the rows picked one by one
      everything = null;
      rows().forEach(function (r) { r.classList.remove("is-selected"); r.querySelector(".rv-check input").checked = false; });
    }
    var id = row.dataset.id;
    if (on === undefined) on = !selected.has(id);
    if (on) selected.add(id); else selected.delete(id);
    row.classList.toggle("is-selected", on);
    row.querySelector(".rv-check input").checked = on;
    anchorId = id;
    updateBar();
  }

  function selectRange(toRow) {
    var list = rows();
    var a = list.indexOf(rowById(anchorId)), b = list.indexOf(toRow);
    if (a < 0) { select(toRow, true); return; }
    var lo = Math.min(a, b), hi = Math.max(a, b);
    for (var i = lo; i <= hi; i++) select(list[i], true);
  }

  function clearSelection() {
    everything = null;
    selected.clear();
    rows().forEach(function (r) {
      r.classList.remove("is-selected");
      r.querySelector(".rv-check input").checked = false;
    });
    updateBar();
  }

  function updateBar() {
    if (everything) selectedLabel.textContent = "已选全部 " + everything.count + " 条（按当前筛选）";
    else if (selected.size) selectedLabel.textContent = "已选 " + selected.size + " 条";
    else selectedLabel.textContent = current() ? "当前 1 条" : "未选择意见";
  }

  function targets() {
    if (everything) return new Array(everything.count);  // only its length is read
    if (selected.size) return Array.from(selected).map(Number);
    var row = current();
    return row ? [Number(row.dataset.id)] : [];
  }

  // ---- talking to the server ------------------------------------------------------------

  function toast(message, isError) {
    toastBox.textContent = message;
    toastBox.classList.toggle("is-error", !!isError);
    toastBox.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { toastBox.hidden = true; }, isError ? 8000 : 4000);
  }

  function query() {
    var params = new URLSearchParams();
    new FormData(filters).forEach(function (value, key) { if (String(value).trim()) params.set(key, value); });
    var q = params.toString();
    return q ? "?" + q : "";
  }

  function get(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    });
  }

  function reload(advanceFrom) {
    var list = rows();
    var index = list.indexOf(current());
    var nextId = null;
    if (advanceFrom) {  // after a decision on one statement, go on to the one after it
      var at = list.indexOf(rowById(advanceFrom));
      if (at >= 0 && at + 1 < list.length) nextId = list[at + 1].dataset.id;
    }
    var ticket = ++reload.latest;
    var focusAtStart = focusId;
    return Promise.all([get(urls.board + query()), get(urls.recent)]).then(function (pages) {
      if (ticket !== reload.latest) return;  // a newer refresh (another filter, an action) is on its way
      main.innerHTML = pages[0];
      document.getElementById("rv-recent").innerHTML = pages[1];
      var board = document.getElementById("rv-board");
      var options = document.getElementById("rv-theme-options");  // themes change with merges and splits
      if (options) document.getElementById("rv-theme-filter").innerHTML = options.innerHTML;
      var reviewed = Number(board.dataset.reviewed), total = Number(board.dataset.total);
      document.getElementById("rv-progress-text").textContent = "已审核 " + reviewed + " / " + total;
      document.getElementById("rv-progress-bar").style.width = (total ? Math.round(100 * reviewed / total) : 0) + "%";
      var keep = new Set();
      selected.forEach(function (id) { var r = rowById(id); if (r) { keep.add(id); r.classList.add("is-selected"); r.querySelector(".rv-check input").checked = true; } });
      selected = keep;
      var fresh = rows();
      // a statement the user went to while the board was loading wins over the one after the decision
      var moved = focusId !== focusAtStart && rowById(focusId);
      var target = moved || rowById(nextId) || rowById(focusId) || fresh[Math.min(Math.max(index, 0), fresh.length - 1)];
      focusId = null;
      if (target) setFocus(target); else updateBar();
    }).catch(function () { toast("无法刷新页面内容，请检查网络后刷新页面", true); });
  }

  reload.latest = 0;

  function send(payload, options) {
    // An action made while the last one is still saving (or its board still reloading) waits
    // for it; dropping it unseen lost a split typed right after a merge.
    waiting += 1;
    document.body.classList.add("rv-busy");
    queue = queue.then(function () { return post(payload, options); }).then(function () {
      waiting -= 1;
      if (!waiting) document.body.classList.remove("rv-busy");
    });
    return queue;
  }

  function post(payload, options) {
    return fetch(urls.act, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(payload)
    }).then(function (r) {
      return r.json().catch(function () {
        throw { chinese: r.status === 400 ? "页面已过期，请刷新页面后重试" : "服务器出错（" + r.status + "），请稍后再试" };
      });
    }).then(function (data) {
      if (data.stale) { toast(data.error, true); clearSelection(); return reload(); }  // show the current state
      if (data.error) { toast(data.error, true); return; }
      toast(data.message);
      if (!(options && options.keepSelection)) clearSelection();
      return reload(options && options.advanceFrom);
    }).catch(function (e) {
      toast((e && e.chinese) || "网络中断，操作未保存，请重试", true);
    });
  }

  function onStatements(payload) {
    if (everything) { payload.all = everything; send(payload); return; }
    var ids = targets();
    if (!ids.length) { toast("请先选择意见（j/k 移动，空格选中）", true); return; }
    payload.statements = ids;
    payload.versions = statementVersions(ids);
    var single = !selected.size && ids.length === 1;
    send(payload, { advanceFrom: single ? String(ids[0]) : null });
  }

  // The kind key: e steps 问题 → 建议 → 肯定 → 无实质内容 → 问题, Shift+E the other way, from
  // the kind of the first statement it applies to.
  var KIND_ORDER = ["problem", "suggestion", "praise", "none"];
  function stepKind(step) {
    var ids = targets();
    if (!ids.length) { toast("请先选择意见（j/k 移动，空格选中）", true); return; }
    var row = everything ? rows()[0] : rowById(String(ids[0]));
    var at = Math.max(0, KIND_ORDER.indexOf(row ? row.dataset.kind : "problem"));
    onStatements({ action: "set_kind", kind: KIND_ORDER[(at + step + KIND_ORDER.length) % KIND_ORDER.length] });
  }

  function statementVersions(ids) {
    // The version of each row as this page shows it: a row changed since is refused, and the
    // server refuses a request without the version of every row it changes.
    var out = {};
    ids.forEach(function (id) { var r = rowById(String(id)); if (r) out[id] = Number(r.dataset.version); });
    return out;
  }

  function sendWithThemes(payload, ids) {
    // Each theme's version as the board shows it; a theme not on the board (the queue, a
    // filtered board) as the theme list gives it now. The server refuses a theme action
    // without the version of every theme it changes.
    var out = {}, missing = [];
    ids.forEach(function (id) {
      var article = main.querySelector('.rv-theme[data-theme="' + id + '"]');
      if (article && article.dataset.version) out[id] = Number(article.dataset.version);
      else missing.push(id);
    });
    payload.theme_versions = out;
    if (!missing.length) { send(payload); return; }
    loadThemes().then(function (data) {
      data.themes.forEach(function (t) { if (missing.indexOf(t.id) >= 0) out[t.id] = t.version; });
      send(payload);
    }).catch(function () { toast("无法读取主题列表，请刷新页面", true); });
  }

  function selectAll() {
    var board = document.getElementById("rv-board");
    var count = Number(board.dataset.allCount || 0);
    if (!count) { toast("没有可选的意见", true); return; }
    selected.clear();
    rows().forEach(function (r) { r.classList.add("is-selected"); r.querySelector(".rv-check input").checked = true; });
    everything = { filter: board.dataset.allFilter || "", count: count, state: board.dataset.allState };
    updateBar();
  }

  // ---- the theme a theme action applies to --------------------------------------------

  function themeOf(el) {
    var article = el && el.closest(".rv-theme");
    if (article && article.dataset.theme) return { id: Number(article.dataset.theme), label: article.dataset.label };
    var row = el && el.closest(".rv-st");
    if (row && row.dataset.theme) return { id: Number(row.dataset.theme), label: null };
    return null;
  }

  function currentTheme(el) {
    var theme = themeOf(el || current());
    if (!theme) toast("当前意见不属于任何主题；请先用 j/k 选到某个主题中的意见", true);
    return theme;
  }

  function loadThemes() {
    return fetch(urls.themes, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); });
  }

  function withLabel(theme) {
    if (theme.label) return Promise.resolve(theme);
    return loadThemes().then(function (data) {
      var found = data.themes.filter(function (t) { return t.id === theme.id; })[0];
      return { id: theme.id, label: found ? found.label : "（主题）" };
    });
  }

  // ---- dialogs --------------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function openDialog(title, body, onKey) {
    dialogTitle.textContent = title;
    dialogBody.innerHTML = "";
    dialogBody.appendChild(body);
    dialog.onkeydown = onKey || null;
    if (!dialog.open) dialog.showModal();
    var first = dialogBody.querySelector("input, button");
    if (first) first.focus();
  }

  function closeDialog() { if (dialog.open) dialog.close(); }

  dialog.addEventListener("close", function () {
    var row = current();
    if (row) row.focus({ preventScroll: true });
  });

  function choiceList(items, pick) {
    // items: [{key, label, value}]; a digit key picks the item showing that key
    var list = el("ul", { "class": "rv-choices" });
    items.forEach(function (item) {
      var li = el("li");
      var b = el("button", { type: "button", "class": "rv-choice" });
      if (item.key) b.appendChild(el("kbd", {}, item.key));
      b.appendChild(document.createTextNode(" " + item.label));
      if (item.note) b.appendChild(el("span", { "class": "muted small" }, " " + item.note));
      b.addEventListener("click", function () { closeDialog(); pick(item.value); });
      li.appendChild(b);
      list.appendChild(li);
    });
    return list;
  }

  function keyPicker(items, pick) {
    return function (e) {
      var item = items.filter(function (i) { return i.key && i.key === e.key; })[0];
      if (item && !(e.target.matches && e.target.matches("input"))) {
        e.preventDefault();
        closeDialog();
        pick(item.value);
      }
    };
  }

  function categoryDialog() {
    if (!targets().length) { toast("请先选择意见（j/k 移动，空格选中）", true); return; }
    var items = categories.map(function (c) { return { key: c.key, label: c.name, value: c.id }; });
    openDialog("移到类别（" + targets().length + " 条）", choiceList(items, categoryThemeDialog), keyPicker(items, categoryThemeDialog));
  }

  function categoryThemeDialog(categoryId) {
    // Then the theme in that category: the nearest one by default (never "no theme").
    var name = categories.filter(function (c) { return c.id === categoryId; })[0].name;
    loadThemes().then(function (data) {
      var items = [{ key: "0", label: "自动放入最接近的主题", value: null }].concat(
        data.themes.filter(function (t) { return t.category === categoryId; }).map(function (t, i) {
          return { key: i < 9 ? String(i + 1) : "", label: t.label, note: t.size + " 条", value: t.id };
        }));
      var pick = function (theme) {
        var payload = { action: "move_category", category: categoryId };
        if (theme) payload.theme = theme;
        onStatements(payload);
      };
      openDialog("移到“" + name + "”的哪个主题（" + targets().length + " 条）", choiceList(items, pick), keyPicker(items, pick));
    }).catch(function () { toast("无法读取主题列表，请刷新页面", true); });
  }

  function jumpTheme(delta) {
    var articles = Array.prototype.slice.call(main.querySelectorAll(".rv-theme")).filter(function (a) { return a.querySelector(".rv-st"); });
    if (!articles.length) return;
    var here = current() ? current().closest(".rv-theme") : null;
    var at = articles.indexOf(here);
    var next = articles[at < 0 ? 0 : Math.max(0, Math.min(articles.length - 1, at + delta))];
    setFocus(next.querySelector(".rv-st"));
  }

  function jumpCategory(key) {
    var c = categories.filter(function (c) { return c.key === key; })[0];
    var section = c && main.querySelector('.rv-cat[data-category="' + c.id + '"]');
    var row = section && section.querySelector(".rv-st");
    if (row) setFocus(row); else if (c) toast("“" + c.name + "”中没有意见", true);
  }

  function moveToCategoryKey(key) {
    var c = categories.filter(function (c) { return c.key === key; })[0];
    if (c) onStatements({ action: "move_category", category: c.id });
  }

  function excludeDialog() {
    if (!targets().length) { toast("请先选择意见（j/k 移动，空格选中）", true); return; }
    var items = reasons.map(function (r, i) { return { key: String(i + 1), label: r[1], value: r[0] }; });
    var pick = function (reason) { onStatements({ action: "exclude", reason: reason }); };
    var body = el("div");
    body.appendChild(el("p", { "class": "muted small" }, "排除的意见不计入统计和报告，参会人员的原始回答不会删除。"));
    body.appendChild(choiceList(items, pick));
    openDialog("排除原因（" + targets().length + " 条）", body, keyPicker(items, pick));
  }

  function themePicker(title, exclude, extra, pick) {
    // A searchable list of themes; Enter picks the first one shown, arrows move through them.
    loadThemes().then(function (data) {
      var body = el("div", { "class": "rv-picker" });
      var input = el("input", { type: "search", placeholder: "输入主题名称筛选，回车选择第一个", "aria-label": "筛选主题" });
      body.appendChild(input);
      var items = (extra || []).concat(data.themes.filter(function (t) { return exclude.indexOf(t.id) < 0; })
        .map(function (t) { return { label: t.label, note: t.category_name + " · " + t.size + " 条", value: t.id }; }));
      var list = choiceList(items, pick);
      body.appendChild(list);
      input.addEventListener("input", function () {
        var words = input.value.trim().toLowerCase();
        Array.prototype.forEach.call(list.children, function (li) {
          li.hidden = words && li.textContent.toLowerCase().indexOf(words) < 0;
        });
      });
      openDialog(title, body, function (e) {
        var buttons = Array.prototype.filter.call(list.querySelectorAll("button"), function (b) { return !b.parentNode.hidden; });
        var at = buttons.indexOf(document.activeElement);
        if (e.key === "Enter" && e.target === input && buttons.length) { e.preventDefault(); buttons[0].click(); }
        else if (e.key === "ArrowDown") { e.preventDefault(); (buttons[at + 1] || buttons[0]).focus(); }
        else if (e.key === "ArrowUp") { e.preventDefault(); if (at <= 0) input.focus(); else buttons[at - 1].focus(); }
      });
    }).catch(function () { toast("无法读取主题列表，请刷新页面", true); });
  }

  function themeDialog() {
    var ids = targets();
    if (!ids.length) { toast("请先选择意见（j/k 移动，空格选中）", true); return; }
    var extra = [{ label: "新主题", note: "把这 " + ids.length + " 条拆出为一个新主题", value: "new" }];
    themePicker("移到主题（" + ids.length + " 条）", [], extra, function (value) {
      if (value === "new") onStatements({ action: "new_theme" });
      else onStatements({ action: "move_theme", theme: value });
    });
  }

  function mergeDialog(from) {
    var sources = [];
    if (selected.size) {
      selected.forEach(function (id) { var r = rowById(id); if (r && r.dataset.theme) sources.push(Number(r.dataset.theme)); });
      sources = sources.filter(function (t, i) { return sources.indexOf(t) === i; });
    } else {
      var theme = currentTheme(from);
      if (!theme) return;
      sources = [theme.id];
    }
    if (!sources.length) { toast("所选意见不属于任何主题", true); return; }
    var title = sources.length === 1 ? "把当前主题合并到…" : "把所选意见所在的 " + sources.length + " 个主题合并到…";
    themePicker(title, sources, [], function (target) {
      sendWithThemes({ action: "merge", theme: target, themes: sources }, sources.concat([target]));
    });
  }

  function splitDialog(from) {
    var theme = currentTheme(from);
    var ids = selected.size ? targets() : [];
    if (!theme && !ids.length) return;
    var body = el("div", { "class": "rv-form" });
    if (theme) {
      var row = el("p");
      var label = el("label", {}, "重新聚成 ");
      var k = el("input", { type: "number", min: "2", max: "9", value: "2", inputmode: "numeric", "class": "rv-k", "aria-label": "拆成几个主题" });
      label.appendChild(k);
      label.appendChild(document.createTextNode(" 个主题"));
      row.appendChild(label);
      var go = el("button", { type: "button", "class": "btn-small" }, "拆分");
      go.addEventListener("click", function () { closeDialog(); sendWithThemes({ action: "split", theme: theme.id, k: Number(k.value) }, [theme.id]); });
      k.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); go.click(); } });
      row.appendChild(go);
      body.appendChild(row);
    }
    if (ids.length) {
      var row2 = el("p");
      var name = el("input", { type: "text", placeholder: "新主题名称（可不填，由程序命名）", "aria-label": "新主题名称" });
      var go2 = el("button", { type: "button", "class": "btn-small" }, "把所选 " + ids.length + " 条拆为新主题");
      go2.addEventListener("click", function () { closeDialog(); send({ action: "new_theme", statements: ids, versions: statementVersions(ids), label: name.value }); });
      name.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); go2.click(); } });
      row2.appendChild(name);
      row2.appendChild(go2);
      body.appendChild(row2);
    }
    var show = function (t) { openDialog(t ? "拆分主题“" + t.label + "”" : "拆出新主题", body); };
    if (theme) withLabel(theme).then(show); else show(null);
  }

  function renameDialog(from) {
    var theme = currentTheme(from);
    if (!theme) return;
    withLabel(theme).then(function (t) {
      var body = el("div", { "class": "rv-form" });
      var input = el("input", { type: "text", maxlength: "200", "aria-label": "主题名称" });
      input.value = t.label;
      var go = el("button", { type: "button", "class": "btn-small" }, "保存名称");
      go.addEventListener("click", function () { closeDialog(); sendWithThemes({ action: "rename", theme: t.id, label: input.value }, [t.id]); });
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); go.click(); } });
      body.appendChild(input);
      body.appendChild(go);
      openDialog("重命名主题", body);
      input.select();
    });
  }

  function historyDialog(row) {
    row = row || current();
    if (!row) { toast("请先用 j/k 选到一条意见", true); return; }
    get(urls.history.replace(/\/0\/history$/, "/" + row.dataset.id + "/history")).then(function (html) {
      var body = el("div");
      body.innerHTML = html;
      openDialog("意见历史", body);
    }).catch(function () { toast("无法读取历史，请刷新页面", true); });
  }

  function toggleHelp() {
    var help = document.getElementById("rv-help");
    help.open = !help.open;
    if (help.open) help.scrollIntoView({ block: "nearest" });
  }

  // ---- keyboard -------------------------------------------------------------------------

  function typing(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  document.addEventListener("keydown", function (e) {
    if (dialog.open || e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
    var key = e.key;
    var handled = true;
    if (pendingG) {
      pendingG = false;
      if (/^[0-9]$/.test(key)) { jumpCategory(key); e.preventDefault(); return; }
    }
    if (key === "j" || key === "J" || key === "ArrowDown" && e.shiftKey) moveFocus(1, e.shiftKey);
    else if (key === "k" || key === "K" || key === "ArrowUp" && e.shiftKey) moveFocus(-1, e.shiftKey);
    else if (key === " ") { var row = current(); if (row) select(row); else moveFocus(0); }
    else if (/^[0-9]$/.test(key)) moveToCategoryKey(key);
    else if (key === "n") jumpTheme(1);
    else if (key === "p") jumpTheme(-1);
    else if (key === "g") pendingG = true;
    else if (key === "a") selectAll();
    else if (key === "c") onStatements({ action: "confirm" });
    else if (key === "e") stepKind(1);
    else if (key === "E") stepKind(-1);
    else if (key === "x") excludeDialog();
    else if (key === "i") onStatements({ action: "include" });
    else if (key === "u") send({ action: "undo" }, { keepSelection: true });
    else if (key === "t") themeDialog();
    else if (key === "m") mergeDialog();
    else if (key === "s") splitDialog();
    else if (key === "r") renameDialog();
    else if (key === "h") historyDialog();
    else if (key === "/") { var q = document.getElementById("rv-search"); q.focus(); q.select(); }
    else if (key === "?") toggleHelp();
    else if (key === "Escape") clearSelection();
    else handled = false;
    if (handled) e.preventDefault();
  });

  // Escape in the search box or a filter leaves it, so the shortcuts work again.
  filters.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    e.preventDefault();  // a search box would clear itself (and the filter with it): keep what was typed
    e.stopPropagation();
    if (pending) { pending = null; applyFilters(); }  // what was typed applies now rather than after the pause
    e.target.blur();
    var row = current() || rows()[0];
    if (row) setFocus(row);
  });

  // ---- pointer and touch ----------------------------------------------------------------

  main.addEventListener("click", function (e) {
    var row = e.target.closest(".rv-st");
    var act = e.target.closest("[data-act]");
    if (act && act.dataset.act === "history") { if (row) setFocus(row); historyDialog(row); return; }
    if (act) {
      var first = act.closest(".rv-theme").querySelector(".rv-st");
      if (first && !selected.size) setFocus(first);
      if (act.dataset.act === "rename") renameDialog(act);
      else if (act.dataset.act === "merge") mergeDialog(act);
      else if (act.dataset.act === "split") splitDialog(act);
      return;
    }
    if (!row) return;
    if (e.target.closest(".rv-check")) {
      if (e.target.tagName !== "INPUT") return;  // the label forwards its click to the box
      e.preventDefault();
      if (e.shiftKey) selectRange(row); else select(row);
      setFocus(row);
      setTimeout(function () { row.querySelector(".rv-check input").checked = selected.has(row.dataset.id); }, 0);
      return;
    }
    if (e.shiftKey && anchorId) selectRange(row);
    setFocus(row);
  });

  document.getElementById("rv-bar").addEventListener("click", function (e) {
    var b = e.target.closest("[data-act]");
    if (!b) return;
    var act = b.dataset.act;
    if (act === "confirm") onStatements({ action: "confirm" });
    else if (act === "all") selectAll();
    else if (act === "category") categoryDialog();
    else if (act === "theme") themeDialog();
    else if (act === "exclude") excludeDialog();
    else if (act === "include") onStatements({ action: "include" });
    else if (act === "kind") stepKind(1);
    else if (act === "undo") send({ action: "undo" }, { keepSelection: true });
  });

  document.getElementById("rv-recent").addEventListener("click", function (e) {
    var b = e.target.closest("[data-undo]");
    if (b) send({ action: "undo", action_id: Number(b.dataset.undo) }, { keepSelection: true });
  });

  // ---- filters: applied in place, kept in the address so a reload keeps them -------------

  var pending = null;
  function applyFilters() {
    clearTimeout(pending);
    pending = null;
    if (everything) clearSelection();  // "all" meant what the old filter showed
    history.replaceState(null, "", location.pathname + query());
    reload();
  }
  filters.addEventListener("submit", function (e) { e.preventDefault(); applyFilters(); });
  filters.addEventListener("change", applyFilters);
  filters.addEventListener("input", function (e) {
    if (e.target.name === "q" || e.target.type === "number") { clearTimeout(pending); pending = setTimeout(applyFilters, 350); }
  });

  if (window.matchMedia("(max-width: 1099px)").matches) document.getElementById("rv-help").open = false;
  // On a phone the filters fold away (unless some are set) so the statements come first.
  var anyFilter = false;
  new FormData(filters).forEach(function (value, key) { if (key !== "mode" && String(value).trim()) anyFilter = true; });
  if (window.matchMedia("(max-width: 600px)").matches && !anyFilter) {
    document.getElementById("rv-filter-box").open = false;
  }
  var firstRow = rows()[0];
  if (firstRow) setFocus(firstRow);
  window.scrollTo(0, 0);
})();
