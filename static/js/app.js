// Small behaviours shared by every page. No inline scripts or styles: the CSP forbids them.
(function () {
  "use strict";

  // Elements carrying data-colour (e.g. appointment cards) get a coloured left border;
  // setting it through the CSSOM is allowed by the style-src 'self' policy.
  function paintColours(root) {
    root.querySelectorAll("[data-colour]").forEach(function (element) {
      var colour = element.getAttribute("data-colour");
      if (/^#[0-9a-fA-F]{3,8}$/.test(colour)) {
        element.style.borderLeft = "4px solid " + colour;
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    paintColours(document);
    // <select data-submit-on-change> submits its form when the choice changes.
    document.querySelectorAll("[data-submit-on-change]").forEach(function (field) {
      field.addEventListener("change", function () {
        field.form.submit();
      });
    });
    // <input type=checkbox data-reveals="id_x">: the field id_x (with its label) shows only
    // while the box is ticked; without scripts it always shows.
    document.querySelectorAll("[data-reveals]").forEach(function (box) {
      var target = document.getElementById(box.getAttribute("data-reveals"));
      if (!target) {
        return;
      }
      var wrapper = target.closest("[id^='div_id_']") || target;
      var sync = function () {
        wrapper.hidden = !box.checked;
      };
      box.addEventListener("change", sync);
      sync();
    });
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    paintColours(event.target);
    // The swapped-in content's heading takes focus, so a screen reader announces the new day
    // and the keyboard continues from there rather than from a button that no longer exists.
    var heading = event.target.querySelector("h1, h2, h3");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });
})();
