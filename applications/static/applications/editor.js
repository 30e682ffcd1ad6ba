// The application editor: add and remove table rows in the browser, and save the fields
// in the background. No library: rows are cloned from a <template> of Django's empty form.
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  if (!form) return;

  function renumber(formset) {
    var n = 0;
    formset.querySelectorAll(".formset-row").forEach(function (row) {
      if (!row.classList.contains("d-none")) {
        n += 1;
        var cell = row.querySelector(".row-number");
        if (cell) cell.textContent = n + ".";
      }
    });
  }

  document.querySelectorAll(".formset").forEach(function (formset) {
    var prefix = formset.dataset.prefix;
    var total = formset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var body = formset.querySelector(".formset-rows");
    var template = formset.querySelector("template.empty-row");
    formset.querySelector(".add-row").addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, index);
      body.insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
      renumber(formset);
      var first = body.lastElementChild.querySelector("input, textarea, select");
      if (first) first.focus();
    });
    formset.addEventListener("click", function (event) {
      var button = event.target.closest(".remove-row");
      if (!button) return;
      var row = button.closest(".formset-row");
      var box = row.querySelector("input[name$='-DELETE']");
      if (box) box.checked = true;
      row.classList.add("d-none");
      renumber(formset);
    });
  });

  // Autosave: the application's own fields every minute when something changed.
  var status = document.getElementById("autosave-status");
  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  setInterval(function () {
    if (!dirty) return;
    dirty = false;
    var data = new FormData(form);
    Array.from(data.keys()).forEach(function (key) {
      if (data.get(key) instanceof File) data.delete(key);
    });
    fetch(form.dataset.autosaveUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (result) { if (status) status.textContent = result.message; })
      .catch(function () { dirty = true; });
  }, 60000);
})();
