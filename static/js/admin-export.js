// The back office's export page: «select all» ticks or clears every field of the export
// (bound here rather than in an onchange= attribute, which the Content-Security-Policy refuses).
// onSelectToggleChange comes from django-import-export's export_selectable_fields.js.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  document.querySelectorAll(".select-toggle").forEach(function (box) {
    box.addEventListener("change", window.onSelectToggleChange);
  });
});
