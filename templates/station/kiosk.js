// The kiosk's script. Without it the quick exit is still a plain link to the same page.
//
// - The quick exit leaves for `[site] quick_exit_url` (a neutral page outside the station),
//   replacing the page in the history (Back does not return to it); the Escape key and
//   three Shift presses within a second do the same.
// - After `[station] kiosk_idle_seconds` (data-kiosk-idle) without a touch, a key or a
//   scroll (and while no audio plays), the kiosk goes back to its language list, replacing
//   the page in the history: nothing of the last person's language, search or code stays
//   on the screen.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var exit = document.querySelector("[data-quick-exit]");
  function leave(event) {
    if (event) { event.preventDefault(); }
    window.location.replace(exit.href);
  }
  var shifts = [];
  if (exit) {
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
  }

  var bar = document.querySelector("[data-kiosk-idle]");
  var seconds = bar ? parseInt(bar.getAttribute("data-kiosk-idle"), 10) : 0;
  if (!(seconds > 0)) { return; }
  var timer = null;
  function untouched() {  // the language list as the next person should find it
    var field = document.getElementById("q");
    return window.location.pathname === "/kiosk/" && !window.location.search &&
      !(field && field.value) && window.scrollY === 0;
  }
  function listening() {  // the leaflet read aloud takes minutes: no reset while it plays
    return Array.prototype.some.call(document.querySelectorAll("audio"), function (a) {
      return !a.paused && !a.ended;
    });
  }
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (untouched() || listening()) { arm(); } else { window.location.replace("/kiosk/"); }
    }, seconds * 1000);
  }
  ["pointerdown", "keydown", "input", "scroll", "wheel", "touchstart"].forEach(function (name) {
    document.addEventListener(name, arm, {capture: true, passive: true});
  });
  arm();
});
