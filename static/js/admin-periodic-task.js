// The back office's periodic-task form (django-celery-beat): under the crontab field, how the
// chosen schedule reads. The package does this in an inline <script>, which the
// Content-Security-Policy refuses (templates/admin/djcelery/change_periodictask_form.html).
(function ($) {
  "use strict";
  var readableCrontabs = JSON.parse(document.getElementById("readable-crontabs").textContent);
  var originalCrontabHelp = JSON.parse(document.getElementById("crontab-help").textContent);

  function updateCrontabHelp(additional) {
    var help = $(".field-crontab .help");
    help.text(originalCrontabHelp);
    help.append(document.createElement("br"), document.createTextNode("Translation: " + additional));
  }

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    updateCrontabHelp(readableCrontabs[$("#id_crontab").val()]);
  });
})(django.jQuery);
