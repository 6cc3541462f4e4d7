/* Score sheet: show the weighted total live as the judge picks levels (the server recomputes it). */
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-total]");
  if (!form) { return; }
  var box = form.querySelector(".live-total");
  var output = form.querySelector("[data-total]");
  var criteria = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-weight]"));
  if (!box || !output || !criteria.length) { return; }
  function update() {
    var sum = 0, weights = 0, complete = true;
    criteria.forEach(function (fieldset) {
      var weight = parseFloat(fieldset.getAttribute("data-weight")) || 0;
      var low = parseFloat(fieldset.getAttribute("data-min"));
      var high = parseFloat(fieldset.getAttribute("data-max"));
      var checked = fieldset.querySelector("input[type=radio]:checked");
      weights += weight;
      if (!checked || high === low) { complete = false; return; }
      sum += weight * (parseFloat(checked.value) - low) / (high - low);
    });
    output.textContent = complete && weights > 0 ? (100 * sum / weights).toFixed(1) : "—";
  }
  box.hidden = false;
  form.addEventListener("change", update);
  update();
})();
