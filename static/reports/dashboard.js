// The district dashboard's charts, drawn from the data the page embeds with json_script.
(function () {
  var node = document.getElementById("dashboard-charts");
  if (!node || typeof Chart === "undefined") {
    return;
  }
  var charts = JSON.parse(node.textContent);
  var colours = ["#198754", "#0d6efd", "#ffc107", "#dc3545", "#6c757d"];
  var stacked = { competitions: true, plans: true };
  Object.keys(charts).forEach(function (name) {
    var canvas = document.getElementById("chart-" + name);
    var chart = charts[name];
    if (!canvas || !chart.labels.length) {
      return;
    }
    chart.datasets.forEach(function (dataset, index) {
      dataset.backgroundColor = colours[index % colours.length];
    });
    new Chart(canvas, {
      type: "bar",
      data: chart,
      options: {
        plugins: { legend: { display: chart.datasets.length > 1 } },
        scales: {
          x: { stacked: !!stacked[name] },
          y: { stacked: !!stacked[name], beginAtZero: true, ticks: { precision: 0 } }
        }
      }
    });
  });
})();
