// The form error summary (templates/_error_summary.html): focus it when the page loads, so a
// screen reader reads it and the keyboard starts there; each link focuses the field it names.
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (!summary) {
    return;
  }
  // Focus now, and again once the page has loaded if nothing else took focus meanwhile (on a
  // phone the browser may still be laying the page out when this runs).
  summary.focus();
  window.addEventListener("load", function () {
    if (!document.activeElement || document.activeElement === document.body) {
      summary.focus();
    }
  });
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) {
      return;
    }
    event.preventDefault();
    // Scroll so the field's label shows above it, then focus the field itself.
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
  });
})();
