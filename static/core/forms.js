// A second click on a form's button while its first submission is on its way
// is ignored: a double click must not save an item twice or sign an issue off
// twice. Runs in the capture phase, before the pages' own submit handlers.
// A page's script that holds the submission and sends it itself afterwards
// (item_form.js checks the session first) marks the form data-resubmit.
(function () {
  "use strict";
  var WAIT_MS = 10000; // after this the form may be sent again (a lost reply)
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") { return; }
    if (form.hasAttribute("data-resubmit")) {
      form.removeAttribute("data-resubmit");
      return;
    }
    if (form.hasAttribute("data-submitting")) {
      event.preventDefault();
      event.stopImmediatePropagation();
      return;
    }
    form.setAttribute("data-submitting", "");
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      form.removeAttribute("data-submitting");
      form.removeAttribute("aria-busy");
    }, WAIT_MS);
  }, true);
  // Back to a page kept in the browser's cache: its forms can be used again.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    var busy = document.querySelectorAll("form[data-submitting]");
    for (var i = 0; i < busy.length; i++) {
      busy[i].removeAttribute("data-submitting");
      busy[i].removeAttribute("aria-busy");
    }
  });
})();
