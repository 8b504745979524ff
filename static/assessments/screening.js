// Show a screening question only when it applies (data-show-regions, data-show-onset) and hide a
// runner self-check when a high-risk site is chosen (data-hide-regions). Hidden inputs are
// disabled so their answers are not sent. Without this script every question is shown.
(function () {
  "use strict";

  const form = document.querySelector("form[data-screening-form]");
  if (!form) {
    return;
  }

  function chosen(name) {
    return Array.from(form.querySelectorAll('input[name="' + name + '"]:checked')).map(
      function (input) {
        return input.value;
      }
    );
  }

  function words(value) {
    return value ? value.split(" ") : [];
  }

  function anyIn(wanted, picked) {
    return wanted.some(function (value) {
      return picked.indexOf(value) !== -1;
    });
  }

  function update() {
    const regions = chosen("regions");
    const onset = chosen("onset");
    form.querySelectorAll("[data-conditional]").forEach(function (element) {
      const showRegions = words(element.dataset.showRegions);
      const showOnset = words(element.dataset.showOnset);
      const hideRegions = words(element.dataset.hideRegions);
      let show = true;
      if (showRegions.length && !anyIn(showRegions, regions)) {
        show = false;
      }
      if (showOnset.length && !anyIn(showOnset, onset)) {
        show = false;
      }
      if (hideRegions.length && anyIn(hideRegions, regions)) {
        show = false;
      }
      element.hidden = !show;
      element.querySelectorAll("input, select, textarea").forEach(function (input) {
        input.disabled = !show;
      });
    });
    form.querySelectorAll("[data-shown-at-high-risk]").forEach(function (element) {
      element.hidden = !anyIn(words(element.dataset.shownAtHighRisk), regions);
    });
  }

  form.addEventListener("change", update);
  update();
})();
