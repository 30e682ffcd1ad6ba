// Rows of a Django formset added and removed in the browser, for every page that has one
// (the application's tables, the rating card's entries). Markup: a .formset[data-prefix]
// holding the management form, a .formset-rows box of .formset-row elements, a
// <template class="empty-row"> of Django's empty form, an .add-row button and .remove-row
// buttons. A removed row ticks its DELETE box and hides; nothing is lost until the form is saved.
(function () {
  "use strict";

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

  document.querySelectorAll(".formset[data-prefix]").forEach(function (formset) {
    var prefix = formset.dataset.prefix;
    var total = formset.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var body = formset.querySelector(".formset-rows");
    var template = formset.querySelector("template.empty-row");
    var add = formset.querySelector(".add-row");
    if (!total || !body || !template || !add) return;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, index);
      body.insertAdjacentHTML("beforeend", html);
      total.value = index + 1;
      renumber(formset);
      var first = body.lastElementChild.querySelector("input:not([type=hidden]), textarea, select");
      if (first) first.focus();
      formset.dispatchEvent(new Event("input", { bubbles: true }));
    });
    formset.addEventListener("click", function (event) {
      var button = event.target.closest(".remove-row");
      if (!button) return;
      var row = button.closest(".formset-row");
      var box = row.querySelector("input[name$='-DELETE']");
      if (box) box.checked = true;
      row.classList.add("d-none");
      renumber(formset);
      formset.dispatchEvent(new Event("input", { bubbles: true }));
    });
  });
})();
