// Drag-and-drop ordering of the book (SortableJS). The order travels in hidden inputs:
// "sections" lists the section ids, "section-<id>" (or "section-none") the article ids.
(function () {
  "use strict";
  var lists = document.querySelectorAll(".article-list");
  lists.forEach(function (list) {
    new Sortable(list, { group: "articles", animation: 150 });
  });
  var sectionList = document.getElementById("section-list");
  if (sectionList) {
    new Sortable(sectionList, { handle: ".section-handle", animation: 150 });
  }
  document.getElementById("order-form").addEventListener("submit", function () {
    lists.forEach(function (list) {
      var ids = Array.prototype.map.call(list.querySelectorAll("li[data-id]"), function (li) { return li.dataset.id; });
      list.parentNode.querySelector('input[name="section-' + list.dataset.section + '"]').value = ids.join(",");
    });
    var sections = Array.prototype.map.call(document.querySelectorAll(".section-card"), function (card) { return card.dataset.id; });
    document.getElementById("sections-input").value = sections.join(",");
  });
})();
