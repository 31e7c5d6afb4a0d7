/* Report editor: live character counts (the whole body and （二）), an "unsaved" note per
   block with a warning before leaving the page, Ctrl+S saves the block being typed in.
   Saving one block reloads the page: the unsaved text of every block is kept in
   sessionStorage (per block and version) and put back, so nothing typed is lost.
   Plain JS, no build step; without it every button still works as an ordinary form. */
(function () {
  "use strict";

  var forms = Array.prototype.slice.call(document.querySelectorAll(".re-form"));
  if (!forms.length) return;
  var bodyOut = document.getElementById("re-body-chars");
  var problemsOut = document.getElementById("re-problems-chars");
  var counts = document.getElementById("re-count");
  var submitting = false;

  function length(text) {
    return text.split("\n").map(function (l) { return l.trim(); }).join("").length;
  }

  function recount() {
    var total = 0;
    forms.forEach(function (form) {
      var area = form.querySelector("textarea");
      var n = length(area.value);
      total += n;
      var label = document.querySelector('.re-chars[data-for="' + area.id + '"]');
      if (label) label.textContent = n + " 字";
      if (area.id === "text-problems" && problemsOut) {
        problemsOut.textContent = n;
        problemsOut.classList.toggle("over", n > Number(counts.getAttribute("data-problems-target")));
      }
    });
    if (bodyOut) {
      bodyOut.textContent = total;
      bodyOut.classList.toggle("over", total > Number(counts.getAttribute("data-body-target")));
    }
  }

  function storeKey(form) {
    return "re:" + location.pathname + ":" + form.querySelector("textarea").id + ":" +
      form.querySelector('input[name="version"]').value;
  }

  function keepUnsaved(except) {
    forms.forEach(function (form) {
      if (form !== except && dirty(form)) {
        try { sessionStorage.setItem(storeKey(form), form.querySelector("textarea").value); } catch (e) { /* full */ }
      }
    });
  }

  function dirty(form) {
    var area = form.querySelector("textarea");
    return area.value !== area.defaultValue;
  }

  forms.forEach(function (form) {
    var area = form.querySelector("textarea");
    var note = form.querySelector(".re-dirty");
    area.addEventListener("input", function () {
      note.textContent = dirty(form) ? "有未保存的修改" : "";
      recount();
    });
    area.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && (event.key === "s" || event.key === "S")) {
        event.preventDefault();
        form.querySelector('button[value="save"]').click();
      }
    });
    form.addEventListener("submit", function () {
      // Every block typed in is kept under its version: a save that works moves the block to
      // a new version (nothing to put back); one that fails (an expired page) finds it again.
      submitting = true;
      keepUnsaved(null);
    });
    var kept = null;
    try { kept = sessionStorage.getItem(storeKey(form)); } catch (e) { /* private mode */ }
    if (kept !== null && kept !== area.value && !form.closest(".re-block").querySelector(".flash-error")) {
      area.value = kept;
      note.textContent = "已恢复上次未保存的修改";
    }
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting) return;
    if (forms.some(dirty)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  recount();
})();
