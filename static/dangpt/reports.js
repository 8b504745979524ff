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
  // Long category labels ("Condition: Measure") overlap on a phone: such bar charts lie on
  // their side, one row per label, and the box grows with the rows.
  var horizontal = data.type === "bar" && data.labels.some(function (label) {
    return String(label).length > 16;
  });
  // Words wrapped onto lines (Chart.js draws an array label as lines), narrower on phones.
  function wrap(label, width) {
    var lines = [];
    String(label).split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= width) {
        lines[last] += " " + word;
      } else {
        lines.push(word);
      }
    });
    return lines;
  }
  var labels = data.labels;
  if (horizontal) {
    var width = canvas.parentNode.clientWidth < 576 ? 16 : 36;
    labels = data.labels.map(function (label) { return wrap(label, width); });
    var lines = labels.reduce(function (most, l) { return Math.max(most, l.length); }, 1);
    canvas.parentNode.style.height = Math.max(280, 80 + data.labels.length * (16 + 16 * lines)) + "px";
  }
  var valueAxis = {
    stacked: Boolean(data.stacked),
    beginAtZero: true,
    ticks: {
      precision: 0,  // counts are whole numbers
      callback: function (value) { return value + unit; }
    }
  };
  if (unit === "%") {
    valueAxis.min = 0;
    valueAxis.max = 100;
  }
  var categoryAxis = { stacked: Boolean(data.stacked) };
  var chart = new Chart(canvas, {
    type: data.type,
    data: {
      labels: labels,
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
      indexAxis: horizontal ? "y" : "x",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
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
