// The kiosk's script (its quick exit is quick-exit.js, shared with the site).
//
// - After `[station] kiosk_idle_seconds` (data-kiosk-idle) without a touch, a key or a
//   scroll (and while no audio plays), the kiosk goes back to its language list, replacing
//   the page in the history: nothing of the last person's language, search or code stays
//   on the screen.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
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
