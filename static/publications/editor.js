// Turns every textarea.rich-text of the article form into a Quill editor. The textarea
// stays the form field: it is filled from the editor on submit, and the editor starts from
// the textarea (so a form shown again after an error keeps what was typed). The server
// sanitises whatever arrives; pictures are kept inside the text as data: URIs.
(function () {
  "use strict";
  var toolbar = [
    [{ header: [3, 4, false] }],
    ["bold", "italic", "underline", { script: "sub" }, { script: "super" }],
    [{ list: "ordered" }, { list: "bullet" }],
    ["blockquote", "link", "image"],
    ["clean"],
  ];
  var editors = [];
  document.querySelectorAll("textarea.rich-text").forEach(function (textarea) {
    var holder = document.createElement("div");
    holder.className = "bg-white";
    holder.style.minHeight = "12rem";
    textarea.style.display = "none";
    textarea.parentNode.insertBefore(holder, textarea);
    var quill = new Quill(holder, { theme: "snow", modules: { toolbar: toolbar, table: true } });
    if (textarea.value) {
      quill.clipboard.dangerouslyPasteHTML(textarea.value);
    }
    editors.push([quill, textarea]);
  });
  var form = document.getElementById("article-form");
  if (form) {
    form.addEventListener("submit", function () {
      editors.forEach(function (pair) {
        var quill = pair[0];
        var filled = quill.getText().trim() || quill.root.querySelector("img");
        pair[1].value = filled ? quill.root.innerHTML : "";
      });
    });
  }
})();
