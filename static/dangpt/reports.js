// Draws a manager report's chart with the vendored Chart.js from the page's json_script data.
// No inline scripts, so the page works under the strict CSP.
(function () {
  "use strict";
  var source = document.getElementById("report-chart-data");
  var canvas = document.getElementById("report-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var colours = ["#0b5d5e", "#b4541a", "#5b4a9e", "#6c757d"];
  var unit = data.unit || "";
  var chart = new Chart(canvas, {
    type: data.type,
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (set, i) {
        return {
          label: set.label,
          data: set.data,
          backgroundColor: colours[i % colours.length],
          borderColor: colours[i % colours.length],
          spanGaps: true,
          tension: 0
        };
      })
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { stacked: Boolean(data.stacked) },
        y: {
          stacked: Boolean(data.stacked),
          beginAtZero: true,
          ticks: {
            callback: function (value) { return value + unit; }
          }
        }
      },
      plugins: {
        tooltip: {
          callbacks: {
            label: function (item) { return item.dataset.label + ": " + item.formattedValue + unit; }
          }
        }
      }
    }
  });
  canvas.setAttribute("data-rendered", String(chart.data.labels.length));
})();
