// The site's quick exit: the page is replaced in the history (Back does not return to it)
// and the Escape key does the same. Without script, the link still leaves the page.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var link = document.querySelector("[data-quick-exit]");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); }
  });
});
