// Weekly distance chart of the run log, drawn with the vendored Chart.js from JSON in the page.
(function () {
  "use strict";
  var source = document.getElementById("volume-data");
  var canvas = document.getElementById("volume-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var chart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [{ label: data.series_label, data: data.km, backgroundColor: "#0b5d5e" }]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: { legend: { display: false } },
      scales: { y: { beginAtZero: true, title: { display: true, text: data.unit_label } } }
    }
  });
  canvas.setAttribute("data-rendered", String(chart.data.datasets[0].data.length));
})();
