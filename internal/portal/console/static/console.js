// The console works without this script. It adds two things: the wizard's
// "Skip" remembered in this browser's local storage, and a reload while a
// connectivity test is running.
(function () {
  "use strict";
  var key = "jwo.console.wizard.skipped";
  var wizard = document.getElementById("wizard");
  var skip = document.getElementById("wizard-skip");
  var stored = false;
  try { stored = window.localStorage.getItem(key) === "1"; } catch (e) { /* storage refused: show the wizard */ }
  if (wizard) {
    if (stored) {
      wizard.hidden = true;
    } else if (skip) {
      skip.hidden = false;
      skip.addEventListener("click", function () {
        try { window.localStorage.setItem(key, "1"); } catch (e) { /* nothing to remember it in */ }
        wizard.hidden = true;
      });
    }
  }
  if (document.querySelector("[data-running]")) {
    window.setTimeout(function () { window.location.reload(); }, 1000);
  }
})();
