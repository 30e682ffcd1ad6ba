// The editor's files (applications/views/uploads.py): a chosen file is uploaded at once, in
// chunks that resume after a lost connection or a page reload (choosing the same file again
// continues where the bytes stopped), so a refused save of the form never loses it; «remove»
// hides the file with an undo and sends the removal when the undo window closes, with the
// form's save (hidden inputs), or on leaving the page. Without this script the form's own file
// field and the per-file delete forms do the same on «Save».
(function () {
  "use strict";
  var form = document.getElementById("application-form");
  var box = document.getElementById("uploader");
  if (!form || !box || !window.fetch || !window.FormData || !window.Blob) return;
  var input = form.querySelector("input[type=file][name='attach-file']");
  var kindSelect = form.querySelector("select[name='attach-kind']");
  var list = document.getElementById("attachment-list");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var msg = box.dataset;
  var startUrl = msg.startUrl;
  var removeUrl = msg.removeUrl;
  var undoSeconds = parseInt(msg.undoSeconds || "10", 10);
  var RETRIES = 6;
  var active = 0; // uploads under way
  var waiting = null; // the form's save pressed while an upload was under way
  var submitting = false;
  var pending = {}; // attachment id -> {hidden, notice, timer}

  function say(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : all;
    });
  }

  function bytes(n) {
    var lang = document.documentElement.lang || "ru";
    if (n < 1024 * 1024) {
      return Math.ceil(n / 1024).toLocaleString(lang) + " " + msg.unitKb;
    }
    var mb = n / 1024 / 1024;
    return mb.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " " + msg.unitMb;
  }

  function elements(id) {
    return document.querySelectorAll("[data-attachment='" + id + "']");
  }

  // --- uploads ---------------------------------------------------------------------------
  if (input) {
    var hint = document.getElementById("upload-hint");
    if (hint && msg.msgHint) hint.textContent = msg.msgHint;
    var status = document.createElement("div");
    status.className = "upload-status mt-2 d-none";
    status.setAttribute("aria-live", "polite");
    status.innerHTML =
      '<div class="progress" style="height: .75rem"><div class="progress-bar" role="progressbar"' +
      ' aria-valuemin="0" aria-valuemax="100" style="width: 0%"></div></div><div class="small mt-1 upload-text"></div>';
    var bar = status.querySelector(".progress-bar");
    var text = status.querySelector(".upload-text");
    var error = document.createElement("div");
    error.className = "invalid-feedback d-block upload-error";
    error.setAttribute("role", "alert");
    input.insertAdjacentElement("afterend", status);
    status.insertAdjacentElement("afterend", error);

    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (file) upload(file, kindSelect ? kindSelect.value : "other");
    });
  }

  function progress(loaded, file) {
    status.classList.remove("d-none");
    bar.parentElement.classList.remove("d-none");
    var percent = file.size ? Math.min(100, Math.floor((loaded * 100) / file.size)) : 100;
    bar.style.width = percent + "%";
    bar.setAttribute("aria-valuenow", String(percent));
    text.textContent = say(msg.msgProgress, {
      name: file.name,
      done: bytes(loaded),
      total: bytes(file.size),
      percent: percent + " %",
    });
  }

  function upload(file, kind) {
    active += 1;
    error.textContent = "";
    progress(0, file);
    var retries = 0;
    var finished = false;

    function finish() {
      if (finished) return;
      finished = true;
      active -= 1;
      // The file went by itself (or was refused): the form's save must not carry it again.
      input.value = "";
      if (active === 0 && waiting) {
        var button = waiting;
        waiting = null;
        form.requestSubmit(button === true ? undefined : button);
      }
    }

    function fail(message) {
      waiting = null; // the save waits for the person to see why the file is not there
      status.classList.add("d-none");
      error.textContent = message;
      finish();
    }

    function retry() {
      if (retries >= RETRIES) return fail(msg.msgLost);
      retries += 1;
      text.textContent = msg.msgRetry;
      // Ask the server again how far it got, then go on from there.
      setTimeout(begin, 1000 * Math.pow(2, retries - 1));
    }

    function parse(response) {
      try {
        return JSON.parse(response);
      } catch (e) {
        return null;
      }
    }

    function begin() {
      var data = new FormData();
      data.append("kind", kind);
      data.append("name", file.name);
      data.append("size", String(file.size));
      data.append("fingerprint", String(file.lastModified || 0));
      fetch(startUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token },
      }).then(
        function (response) {
          return response.text().then(function (body) {
            var answer = parse(body);
            if (response.ok && answer) return send(answer.upload, answer.offset, answer.chunk);
            if (response.status >= 500 || !answer) return retry();
            fail(answer.error || msg.msgFailed);
          });
        },
        retry
      );
    }

    function send(id, offset, chunk) {
      var end = Math.min(offset + chunk, file.size);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", startUrl + id + "/?offset=" + offset);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = function (event) {
        progress(offset + event.loaded, file);
      };
      xhr.upload.onload = function () {
        if (end === file.size) text.textContent = say(msg.msgChecking, { name: file.name });
      };
      xhr.onload = function () {
        var answer = parse(xhr.responseText);
        if (xhr.status === 200 && answer) {
          retries = 0;
          if (answer.attachment) return attached(answer);
          return send(id, answer.offset, chunk);
        }
        // A chunk lost on the way: the server says where its bytes end.
        if (xhr.status === 409 && answer && typeof answer.offset === "number") return send(id, answer.offset, chunk);
        if (xhr.status >= 500 || !answer) return retry();
        fail(answer.error || msg.msgFailed);
      };
      xhr.onerror = retry;
      xhr.send(file.slice(offset, end));
    }

    function attached(answer) {
      (answer.replaced || []).forEach(function (id) {
        elements(id).forEach(function (element) {
          element.remove();
        });
      });
      var item = answer.attachment;
      var empty = document.getElementById("no-attachments");
      if (empty) empty.remove();
      var row = document.createElement("li");
      row.setAttribute("data-attachment", item.id);
      row.textContent = item.label + ": ";
      row.insertAdjacentHTML("beforeend", item.html);
      list.appendChild(row);
      document.querySelectorAll("[data-kind-list='" + item.kind + "']").forEach(function (line) {
        line.insertAdjacentHTML("beforeend", item.html);
      });
      bar.style.width = "100%";
      bar.parentElement.classList.add("d-none");
      text.textContent = say(msg.msgDone, { name: item.name });
      finish();
    }

    begin();
  }

  form.addEventListener("submit", function (event) {
    if (active > 0) {
      event.preventDefault();
      waiting = event.submitter || true;
      if (text) text.textContent = msg.msgWait;
      return;
    }
    submitting = true; // the removals still waiting travel with the form as hidden inputs
  });

  // --- removal with an undo --------------------------------------------------------------
  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-remove-attachment]");
    if (!button) return;
    event.preventDefault();
    var holder = button.closest("li[data-attachment]") || button.closest("[data-attachment]");
    remove(button.getAttribute("data-remove-attachment"), holder);
  });

  function remove(id, holder) {
    if (pending[id]) return;
    elements(id).forEach(function (element) {
      element.classList.add("d-none");
    });
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "delete-attachment";
    hidden.value = id;
    form.appendChild(hidden);
    var notice = document.createElement(holder.tagName === "LI" ? "li" : "span");
    notice.className = "attachment-undo text-muted small";
    notice.setAttribute("role", "status");
    notice.textContent = msg.msgRemoved + " ";
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "btn btn-link btn-sm p-0 align-baseline";
    undo.textContent = msg.msgUndo;
    undo.addEventListener("click", function () {
      restore(id);
    });
    notice.appendChild(undo);
    holder.insertAdjacentElement("afterend", notice);
    pending[id] = {
      hidden: hidden,
      notice: notice,
      timer: setTimeout(function () {
        commit([id]);
      }, undoSeconds * 1000),
    };
    undo.focus();
  }

  function restore(id) {
    var item = pending[id];
    if (!item) return;
    clearTimeout(item.timer);
    item.hidden.remove();
    item.notice.remove();
    delete pending[id];
    elements(id).forEach(function (element) {
      element.classList.remove("d-none");
    });
  }

  function removal(ids) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    ids.forEach(function (id) {
      data.append("attachment", id);
    });
    return data;
  }

  function commit(ids) {
    fetch(removeUrl, { method: "POST", body: removal(ids), credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        ids.forEach(function (id) {
          var item = pending[id];
          if (!item) return;
          item.hidden.remove();
          item.notice.remove();
          delete pending[id];
          elements(id).forEach(function (element) {
            element.remove();
          });
        });
      })
      .catch(function () {
        // Kept as pending: the form's save or leaving the page sends the removal.
      });
  }

  window.addEventListener("pagehide", function () {
    var ids = Object.keys(pending);
    if (!ids.length || submitting || !navigator.sendBeacon) return;
    navigator.sendBeacon(removeUrl, removal(ids));
  });
})();
