// The desk's pages.
// - Focus: the element marked data-focus gets it on load: a refused form's error summary,
//   the kiosk code after login, the first question after a code. A link of the summary
//   moves focus to its field and shows the field's question with it (GOV.UK pattern).
// - The hand-over form asks only what applies: a block with data-when="field=v1,v2" (and
//   data-when-also for a second condition) shows only while the answers match. The server
//   drops the answers of hidden questions and asks again for any that apply.
// - The receipt's Print button (hidden without script) prints the receipt (station.css).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var target = document.querySelector("[data-focus]");
  if (target) { target.focus(); }

  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var hidden = field.closest(".hidden-by-answer");
      if (hidden) { hidden.classList.remove("hidden-by-answer"); }
      var question = field.closest("fieldset, .question") || field;
      question.scrollIntoView();
      field.focus({preventScroll: true});
    });
  }

  var print = document.querySelector("button.print-receipt");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }

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
