// Paper entry page: Enter saves from anywhere (Shift+Enter for a new line in the text boxes),
// an organisation picked from the roster fills in its type, and after an error the cursor
// starts at the first field to correct.
(function () {
  "use strict";
  var form = document.getElementById("paper-form");
  if (!form) return;
  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending) { event.preventDefault(); return; }  // a second Enter while the first is on its way
    sending = true;
  });
  form.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (event.target.tagName === "TEXTAREA") {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
  // After a refused save, start at the first field to correct rather than at the top.
  var firstError = form.querySelector(".has-error input, .has-error textarea");
  if (firstError) { firstError.focus(); if (firstError.select) firstError.select(); }
  var organisation = document.getElementById("organisation");
  var type = document.getElementById("organisation_type");
  var options = document.querySelectorAll("#org-list option");
  organisation.addEventListener("change", function () {
    if (type.value.trim()) return;
    for (var i = 0; i < options.length; i++) {
      if (options[i].value === organisation.value.trim()) { type.value = options[i].dataset.type; return; }
    }
  });
})();
