// The quick exit of the site's and the kiosk's pages (one script for both: the site copies
// it into its static/, the station serves it). Without script the link still leaves for the
// same neutral page (`[site] quick_exit_url`); with it, the page is replaced in the history
// (Back does not return to it), and the Escape key and three Shift presses within a second
// leave as well as a tap.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var exit = document.querySelector("[data-quick-exit]");
  if (!exit) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    window.location.replace(exit.href);
  }
  var shifts = [];
  exit.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); return; }
    if (event.key === "Shift" && !event.repeat) {
      var now = Date.now();
      shifts = shifts.filter(function (t) { return now - t < 1000; });
      shifts.push(now);
      if (shifts.length >= 3) { shifts = []; leave(event); }
    }
  });
});
