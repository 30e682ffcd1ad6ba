// The application editor: save the fields in the background (rows are added and removed by
// static/js/formset-rows.js).
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  if (!form) return;

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
