// The calendar grid: drag a visit onto a time to move it, and move around with the arrow keys.
// No inline scripts or styles (CSP). Without this script every time and visit is still a link.
(function () {
  "use strict";

  function setUpDragging(grid, form) {
    var dragged = null;
    grid.addEventListener("dragstart", function (event) {
      var link = event.target.closest && event.target.closest("[data-move-url]");
      if (!link) { return; }
      dragged = link;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", link.getAttribute("data-move-url"));
      link.classList.add("cal-dragging");
    });
    grid.addEventListener("dragend", function () {
      if (dragged) { dragged.classList.remove("cal-dragging"); }
      grid.querySelectorAll(".cal-drop").forEach(function (cell) { cell.classList.remove("cal-drop"); });
    });
    grid.addEventListener("dragover", function (event) {
      var cell = event.target.closest && event.target.closest("td[data-start]");
      if (!dragged || !cell || !cell.getAttribute("data-start")) { return; }
      event.preventDefault();
      grid.querySelectorAll(".cal-drop").forEach(function (c) { c.classList.remove("cal-drop"); });
      cell.classList.add("cal-drop");
    });
    grid.addEventListener("drop", function (event) {
      var cell = event.target.closest && event.target.closest("td[data-start]");
      if (!dragged || !cell || !cell.getAttribute("data-start")) { return; }
      event.preventDefault();
      // The server moves it through the booking service and answers in words on this page.
      form.action = dragged.getAttribute("data-move-url");
      form.elements.start.value = cell.getAttribute("data-start");
      form.elements.therapist.value = cell.getAttribute("data-therapist");
      form.submit();
    });
  }

  // Roving focus: one Tab stop for the whole grid, arrow keys between times and visits.
  function setUpKeys(grid) {
    var items = Array.prototype.slice.call(grid.querySelectorAll(".cal-focus"));
    if (!items.length) { return; }
    function pos(el) {
      return { r0: +el.getAttribute("data-r0"), r1: +el.getAttribute("data-r1"), c: +el.getAttribute("data-c") };
    }
    function at(row, col) {
      return items.find(function (el) { var p = pos(el); return p.c === col && p.r0 <= row && row < p.r1; });
    }
    function move(from, to) {
      from.setAttribute("tabindex", "-1");
      to.setAttribute("tabindex", "0");
      to.focus();
      to.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
    var columns = Math.max.apply(null, items.map(function (el) { return pos(el).c; })) + 1;
    var rows = Math.max.apply(null, items.map(function (el) { return pos(el).r1; }));
    items.forEach(function (el) { el.setAttribute("tabindex", "-1"); });
    (grid.querySelector(".cal-appt") || items[0]).setAttribute("tabindex", "0");
    grid.addEventListener("keydown", function (event) {
      var current = event.target.closest && event.target.closest(".cal-focus");
      if (!current) { return; }
      var p = pos(current);
      var target = null;
      var step = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] }[event.key];
      if (!step) { return; }
      event.preventDefault();
      var row = step[0] < 0 ? p.r0 - 1 : step[0] > 0 ? p.r1 : p.r0;
      var col = p.c + step[1];
      // Skip cells with nothing to do (unavailable times) until something focusable comes up.
      while (!target && row >= 0 && row < rows && col >= 0 && col < columns) {
        target = at(row, col);
        if (!target) { row += step[0]; col += step[1]; }
      }
      if (target) { move(current, target); }
    });
    grid.addEventListener("focusin", function (event) {
      var el = event.target.closest && event.target.closest(".cal-focus");
      if (!el) { return; }
      items.forEach(function (other) { if (other !== el) { other.setAttribute("tabindex", "-1"); } });
      el.setAttribute("tabindex", "0");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var grid = document.getElementById("calendar-grid");
    if (!grid) { return; }
    var form = document.getElementById("cal-move-form");
    if (form) { setUpDragging(grid, form); }
    setUpKeys(grid);
  });
})();
