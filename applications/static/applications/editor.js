// The application editor: everything the page holds (fields, table rows added, changed or
// removed) is saved in the background a few seconds after the last change, and the bar says
// exactly what is not saved yet. Rows are added and removed by static/js/formset-rows.js.
//
// Every save carries the revision the page is based on. When the application was saved
// elsewhere (another tab, another coordinator) the server saves nothing (409): autosave stops,
// the bar says so, and «Save» shows both versions to choose from. Leaving the page with
// changes not saved yet asks first.
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  if (!form) return;

  var status = document.getElementById("autosave-status");
  var revision = form.querySelector("input[name=revision]");
  var words = form.dataset;
  var DELAY = 3000; // after the last keystroke
  var LONGEST = 20000; // however long the typing goes on
  var RETRY = 15000; // after a network error

  var dirty = false; // changed since the last save that reached the server
  var inFlight = null; // the running save (a Promise) or null
  var stopped = words.conflict === "1"; // a conflict: only «Save» may write now
  var submitting = false;
  var timer = null;
  var firstChange = 0;

  function say(text, tone) {
    if (!status) return;
    status.textContent = text;
    status.className = "small " + ({ error: "text-danger fw-semibold", warn: "text-warning-emphasis" }[tone] || "text-muted");
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(save, delay);
  }

  function changed(event) {
    // Files are uploaded as soon as they are chosen (uploads.js): choosing one changes nothing unsaved.
    var target = event && event.target;
    if (target && target.name && (target.type === "file" || target.name.indexOf("attach-") === 0)) return;
    if (!dirty) firstChange = Date.now();
    dirty = true;
    if (stopped) return;
    say(words.msgUnsaved, "warn");
    schedule(Math.max(0, Math.min(DELAY, LONGEST - (Date.now() - firstChange))));
  }

  function setRowIds(tables) {
    Object.keys(tables || {}).forEach(function (prefix) {
      tables[prefix].forEach(function (pk, index) {
        var input = form.querySelector("input[name='" + prefix + "-" + index + "-id']");
        if (input) input.value = pk;
      });
    });
  }

  function save() {
    clearTimeout(timer);
    if (stopped || submitting || !dirty) return Promise.resolve();
    if (inFlight) return inFlight.then(save);
    var data = new FormData(form);
    Array.from(data.keys()).forEach(function (key) {
      if (data.get(key) instanceof File || key.indexOf("attach-") === 0) data.delete(key);
    });
    dirty = false;
    say(words.msgSaving);
    inFlight = fetch(form.dataset.autosaveUrl, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
    })
      .then(function (response) {
        return response.json().then(function (result) {
          return { ok: response.ok, result: result };
        });
      })
      .then(function (answer) {
        var result = answer.result;
        if (answer.ok && result.saved) {
          if (revision && result.revision) revision.value = result.revision;
          setRowIds(result.tables);
          say(result.message, result.unsaved && result.unsaved.length ? "warn" : "");
          if (dirty) schedule(DELAY);
        } else {
          dirty = true; // nothing of it was written
          if (result.conflict || !answer.ok) stopped = true;
          say(result.message, "error");
        }
      })
      .catch(function () {
        dirty = true;
        say(words.msgOffline, "error");
        schedule(RETRY);
      })
      .finally(function () {
        inFlight = null;
      });
    return inFlight;
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // «Save» waits for a background save on its way, so that both carry the same revision.
  form.addEventListener("submit", function (event) {
    if (inFlight && !submitting) {
      event.preventDefault();
      var submitter = event.submitter;
      inFlight.then(function () {
        submitting = true;
        if (form.requestSubmit) form.requestSubmit(submitter || undefined);
        else form.submit();
      });
      return;
    }
    submitting = true;
    clearTimeout(timer);
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || (!dirty && !inFlight)) return;
    event.preventDefault();
    event.returnValue = words.msgLeave; // browsers show their own text
    return words.msgLeave;
  });

  if (stopped) {
    say(words.msgChoose, "error");
    var panel = document.getElementById("conflict");
    if (panel) panel.focus();
  }
})();
