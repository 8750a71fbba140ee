// The console works without this script. It adds one thing: a reload of
// View Details while a test is running.
(function () {
  "use strict";
  if (document.querySelector("[data-running]")) {
    window.setTimeout(function () { window.location.reload(); }, 1000);
  }
})();
