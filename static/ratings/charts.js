// Charts of the rating pages, drawn from data the page embeds with json_script.
(function () {
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var distribution = data("distribution-data");
  var canvas = document.getElementById("distribution-chart");
  if (distribution && canvas) {
    new Chart(canvas, {
      type: "bar",
      data: { labels: distribution.labels, datasets: [{ label: canvas.getAttribute("aria-label"), data: distribution.counts, backgroundColor: "#0d6efd" }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  var indicators = data("indicator-data");
  canvas = document.getElementById("indicator-chart");
  if (indicators && canvas) {
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: indicators.labels,
        datasets: [
          { label: indicators.mine_label || "●", data: indicators.mine, backgroundColor: "#0d6efd" },
          { label: indicators.average_label || "○", data: indicators.average, backgroundColor: "#adb5bd" }
        ]
      },
      options: {
        indexAxis: "y",
        scales: {
          x: { beginAtZero: true },
          // On a phone the indicators' names do not fit beside the bars: their numbers do
          // (the table below names them; the tooltip shows the whole name).
          y: {
            ticks: {
              callback: function (value) {
                var label = this.getLabelForValue(value);
                if (canvas.clientWidth >= 576) return label;
                var number = /^\s*(\d+)\./.exec(label);
                return number ? number[1] : label.slice(0, 10) + "…";
              }
            }
          }
        }
      }
    });
  }
})();
