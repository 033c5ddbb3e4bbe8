// The kiosk's quick exit: the page is replaced in the history (Back does not return to it)
// and the Escape key does the same. Without script, the link still leads to /welcome.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  function leave(event) {
    if (event) { event.preventDefault(); }
    window.location.replace("/welcome");
  }
  document.querySelectorAll("[data-quick-exit]").forEach(function (link) {
    link.addEventListener("click", leave);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); }
  });
});
