/* Registration form: show the parent/guardian fieldset only to people under
   the guardian age. Progressive enhancement: without this script the fieldset
   simply stays visible. No dependencies, safe to load with <script defer>. */
(function () {
  "use strict";

  function init() {
    var input = document.getElementById("f-birth_year");
    var fieldset = document.getElementById("guardian");
    if (!input || !fieldset) {
      return;
    }

    // Keep digits only, so stray quotes or spaces in the attribute are tolerated.
    function numberAttr(name) {
      return parseInt(String(input.getAttribute(name) || "").replace(/\D/g, ""), 10);
    }

    var guardianAge = numberAttr("data-guardian-age");
    var thisYear = numberAttr("data-this-year");
    if (isNaN(guardianAge) || isNaN(thisYear)) {
      return;
    }

    // Server-side errors inside the fieldset must always stay visible.
    function hasErrors() {
      return fieldset.querySelector(".error") !== null;
    }

    function isMinor(value) {
      var text = String(value || "").trim();
      if (!/^\d{4}$/.test(text)) {
        return false;
      }
      var year = parseInt(text, 10);
      if (year > thisYear) {
        return false;
      }
      return thisYear - year < guardianAge;
    }

    function update() {
      var show = hasErrors() || isMinor(input.value);
      if (show) {
        fieldset.removeAttribute("hidden");
      } else {
        fieldset.setAttribute("hidden", "");
      }
    }

    input.addEventListener("input", update);
    input.addEventListener("change", update);
    update();
  }

  try {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  } catch (e) {
    // Fail safe: leave the page as the server rendered it.
  }
})();
