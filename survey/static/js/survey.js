/* Participant survey: keep a draft in localStorage, count characters, submit once.
   Vanilla JS, no build step; the form still works without it (server-side fallback id). */
(function () {
  "use strict";

  var PREFIX = "pingjia:draft:";
  var SENT = "pingjia:sent:";  // the last confirmed submission id per session
  var SKIP = { csrf_token: true };

  // localStorage throws in some private modes and when full; a draft is a convenience,
  // never a reason to break the form.
  function readDraft(code) {
    try {
      var raw = window.localStorage.getItem(PREFIX + code);
      return raw ? JSON.parse(raw) : null;
    } catch (e) {
      return null;
    }
  }

  function writeDraft(code, draft) {
    try {
      window.localStorage.setItem(PREFIX + code, JSON.stringify(draft));
      return true;
    } catch (e) {
      return false;
    }
  }

  function readSent(code) {
    try {
      return window.localStorage.getItem(SENT + code);
    } catch (e) {
      return null;
    }
  }

  function removeDraft(code) {
    try {
      window.localStorage.removeItem(PREFIX + code);
    } catch (e) { /* nothing to clear */ }
  }

  // crypto.randomUUID exists only on HTTPS/localhost; a LAN deployment may be plain HTTP.
  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var b = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(b);
    } else {
      for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function fieldValues(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name]) return;
      if (el.type === "radio") {
        if (el.checked) values[el.name] = el.value;
      } else if (el.type !== "submit" && el.type !== "button") {
        values[el.name] = el.value;
      }
    });
    return values;
  }

  function applyValues(form, values) {
    Object.keys(values).forEach(function (name) {
      if (SKIP[name]) return;
      var els = form.querySelectorAll('[name="' + name + '"]');
      Array.prototype.forEach.call(els, function (el) {
        if (el.type === "radio") {
          el.checked = el.value === values[name];
        } else {
          el.value = values[name];
        }
      });
    });
  }

  function updateCounter(textarea) {
    var target = document.getElementById(textarea.getAttribute("data-counter"));
    if (!target) return;
    var n = textarea.value.length;
    var max = parseInt(textarea.getAttribute("maxlength"), 10) || 0;
    target.querySelector("[data-count]").textContent = n;
    target.classList.toggle("sv-counter-near", max > 0 && n >= max * 0.9 && n <= max);
    target.classList.toggle("sv-counter-over", max > 0 && n > max);
  }

  function timeLabel(ms) {
    var d = new Date(ms);
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(d.getHours()) + ":" + two(d.getMinutes());
  }

  function initSurvey(form) {
    var code = form.getAttribute("data-code");
    var idField = form.querySelector('[name="submission_id"]');
    var note = document.getElementById("draft-note");
    var clearButton = document.getElementById("draft-clear");
    var button = document.getElementById("submit-button");
    var submitError = document.getElementById("submit-error");
    var posted = form.getAttribute("data-posted") === "1";
    var draft = readDraft(code);

    if (posted) {
      // The server re-rendered what was just sent (and may have issued a fresh id):
      // that is newer than any draft.
    } else if (draft && draft.fields) {
      applyValues(form, draft.fields);
      var typed = Object.keys(draft.fields).some(function (k) {
        return k !== "submission_id" && draft.fields[k];
      });
      if (note && typed) {
        note.textContent = "已恢复您上次未提交的填写内容（保存于 " + timeLabel(draft.savedAt) + "）。";
        note.hidden = false;
      }
    }
    if (!posted && !(draft && draft.fields && draft.fields.submission_id)) {
      // Back from the thank-you page, the browser refills the form from its history: a
      // resubmit of that is the same answer, so it keeps the id the server already has.
      var nav = window.performance && performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
      var sent = readSent(code);
      idField.value = nav && nav.type === "back_forward" && sent ? sent : newUuid();
    }

    function save() {
      var ok = writeDraft(code, { savedAt: Date.now(), fields: fieldValues(form) });
      if (clearButton) clearButton.hidden = !ok;
    }
    save();

    var textareas = form.querySelectorAll("[data-counter]");
    Array.prototype.forEach.call(textareas, updateCounter);
    form.addEventListener("input", function (ev) {
      if (ev.target.hasAttribute && ev.target.hasAttribute("data-counter")) updateCounter(ev.target);
      save();
    });
    form.addEventListener("change", save);

    // Picking an organisation from the roster fills in its type, if none is chosen yet.
    var org = form.querySelector('[name="organisation"]');
    var list = document.getElementById("org-list");
    if (org && list) {
      org.addEventListener("change", function () {
        if (form.querySelector('[name="organisation_type"]:checked')) return;
        Array.prototype.forEach.call(list.options, function (opt) {
          if (opt.value === org.value.trim()) {
            var radio = form.querySelector('[name="organisation_type"][value="' + opt.getAttribute("data-type") + '"]');
            if (radio) { radio.checked = true; save(); }
          }
        });
      });
    }

    if (clearButton) {
      clearButton.addEventListener("click", function () {
        if (!window.confirm("确定清空已填写的全部内容吗？")) return;
        removeDraft(code);
        window.location.replace(form.getAttribute("action"));
      });
    }

    function setBusy(busy) {
      button.disabled = busy;
      if (busy) {
        button.setAttribute("data-idle-text", button.textContent);
        button.textContent = button.getAttribute("data-busy-text");
      } else if (button.getAttribute("data-idle-text")) {
        button.textContent = button.getAttribute("data-idle-text");
      }
    }

    var submitting = false;
    form.addEventListener("submit", function (ev) {
      if (submitting) { ev.preventDefault(); return; }
      // An over-limit body would be refused unread; say so before sending it.
      var limit = parseInt(form.getAttribute("data-limit"), 10);
      if (limit && window.URLSearchParams && window.FormData) {
        var size = new URLSearchParams(new FormData(form)).toString().length;
        if (size > limit) {
          ev.preventDefault();
          submitError.textContent = "填写内容过多，超过了提交上限，请删减“存在问题”或“意见建议”后再提交。";
          submitError.hidden = false;
          return;
        }
      }
      save();
      submitting = true;
      // Disable after the browser has collected the form data, so the second tap is inert.
      window.setTimeout(function () { setBusy(true); }, 0);
      // A dropped connection leaves the page in place: allow a retry (same id, stored once).
      window.setTimeout(function () { submitting = false; setBusy(false); }, 15000);
    });

    // Back from the thank-you page restores this page from the cache with the button busy.
    window.addEventListener("pageshow", function (ev) {
      if (ev.persisted) { submitting = false; setBusy(false); }
    });
  }

  function initThanks(el) {
    var code = el.getAttribute("data-clear-draft");
    var draft = readDraft(code);
    // Only the draft this submission came from; a newer one (another tab) is kept.
    if (!draft || !draft.fields || !draft.fields.submission_id ||
        draft.fields.submission_id === el.getAttribute("data-submission-id")) {
      removeDraft(code);
    }
    try {
      window.localStorage.setItem(SENT + code, el.getAttribute("data-submission-id"));
    } catch (e) { /* private mode: a back-and-resubmit may then store a second copy */ }
  }

  var form = document.getElementById("survey-form");
  if (form) initSurvey(form);
  var thanks = document.querySelector("[data-clear-draft]");
  if (thanks) initThanks(thanks);
})();
