// Draws an outcome-measure trend from the page's json_script data: scores over time with the
// measurement error (MDC) band around the baseline. No inline scripts, so the page works under a strict CSP.
(function () {
  "use strict";
  var source = document.getElementById("trend-data");
  var canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labels = data.points.map(function (p) { return p.date; });
  var scores = data.points.map(function (p) { return p.score; });
  var datasets = [];
  if (data.band) {
    var low = labels.map(function () { return data.band.low; });
    var high = labels.map(function () { return data.band.high; });
    datasets.push({
      label: "Measurement error band (low)", data: low, borderWidth: 0, pointRadius: 0, fill: false,
    });
    datasets.push({
      label: "Within measurement error", data: high, borderWidth: 0, pointRadius: 0,
      backgroundColor: "rgba(108, 117, 125, 0.18)", fill: "-1",
    });
  }
  datasets.push({
    label: data.name, data: scores, borderColor: "#0d6efd", backgroundColor: "#0d6efd",
    pointRadius: 5, tension: 0,
  });
  var chart = new Chart(canvas, {
    type: "line",
    data: { labels: labels, datasets: datasets },
    options: {
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { min: 0, max: data.max, title: { display: true, text: "Score" } } },
      plugins: {
        legend: { labels: { filter: function (item) { return item.text !== "Measurement error band (low)"; } } },
      },
    },
  });
  // Lets tests and assistive tooling read what was drawn.
  canvas.dataset.pointsDrawn = String(chart.getDatasetMeta(datasets.length - 1).data.length);
})();
