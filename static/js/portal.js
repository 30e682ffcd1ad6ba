// Behaviour every page may use, bound from data attributes: the Content-Security-Policy allows
// no inline scripts and no onclick=/onchange=/onsubmit= attributes (settings.CONTENT_SECURITY_POLICY).
//
//   <form data-confirm="Отозвать заявку?">          asks before the form is sent
//   <button type="submit" data-confirm="…">          asks before this button sends its form
//   <select data-autosubmit>                          sends its form when the choice changes
(function () {
  "use strict";

  // Capture phase: the question comes before any other submit handler of the page, and a
  // «Cancel» stops them all.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
      if (question && !window.confirm(question)) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!field.matches || !field.matches("[data-autosubmit]") || !field.form) return;
    if (field.form.requestSubmit) {
      field.form.requestSubmit();
    } else {
      field.form.submit();
    }
  });
})();
