// The hand-over form asks only what applies: a block with data-when="field=v1,v2" (and
// data-when-also for a second condition) shows only while the answers match. The server
// drops the answers of hidden questions and asks again for any that apply.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.handover");
  if (!form) { return; }
  function value(name) {
    var checked = form.querySelector("[name='" + name + "']:checked");
    if (checked) { return checked.value; }
    var field = form.querySelector("select[name='" + name + "'], input[name='" + name + "']:not([type=radio])");
    return field ? field.value : "";
  }
  function matches(rule) {
    if (!rule) { return true; }
    var parts = rule.split("=");
    return parts[1].split(",").indexOf(value(parts[0])) !== -1;
  }
  function update() {
    form.querySelectorAll("[data-when]").forEach(function (block) {
      var shown = matches(block.getAttribute("data-when")) && matches(block.getAttribute("data-when-also"));
      block.classList.toggle("hidden-by-answer", !shown);
    });
  }
  form.addEventListener("change", update);
  update();
});
