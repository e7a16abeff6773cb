// A form, or the button that sends it, marked data-confirm="问题？" asks
// before it is sent (deleting an attachment, issuing a 通报: no way back). Listens in the capture phase on window, which
// runs before core/forms.js (capture on document): a cancelled submission
// never reaches forms.js, so the form is not marked as being sent and can be
// used again at once.
(function () {
  "use strict";
  window.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) { return; }
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (!question) { return; }
    // A script that held the submission and sends it again itself
    // (data-resubmit, see forms.js) was already confirmed.
    if (form.hasAttribute("data-resubmit")) { return; }
    if (!window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
})();
