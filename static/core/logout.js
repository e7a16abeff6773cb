// On logout, drop the drafts that item_form.js kept in this browser: office
// computers are shared, and the next person must not find someone's text.
(function () {
  "use strict";
  var form = document.querySelector("form[data-logout]");
  if (!form || !window.localStorage) { return; }
  form.addEventListener("submit", function () {
    document.documentElement.setAttribute("data-logging-out", "");
    for (var i = window.localStorage.length - 1; i >= 0; i--) {
      var key = window.localStorage.key(i);
      if (key && key.indexOf("jianbao:autosave:") === 0) {
        window.localStorage.removeItem(key);
      }
    }
  });
})();
