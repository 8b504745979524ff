// The runner's session form: "I did the whole session" ticks every exercise; bars get widths.
(function () {
  "use strict";
  var all = document.querySelector("[data-check-all]");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-done]"));
  if (all) {
    all.checked = boxes.length > 0 && boxes.every(function (b) { return b.checked; });
    all.addEventListener("change", function () {
      boxes.forEach(function (box) { box.checked = all.checked; });
    });
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        all.checked = boxes.every(function (b) { return b.checked; });
      });
    });
  }
  document.querySelectorAll("[data-width]").forEach(function (bar) {
    var value = Math.max(0, Math.min(100, parseInt(bar.getAttribute("data-width"), 10) || 0));
    bar.style.width = value + "%";
  });
})();
