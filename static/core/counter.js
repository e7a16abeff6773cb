// Inputs marked data-count with a maxlength show "12/200 字" under them
// (core.widgets.CountedTextInput): the browser stops typing and cuts a longer
// paste at the limit without a word, so the writer sees where the limit is.
(function () {
  "use strict";
  function attach(input) {
    var limit = parseInt(input.getAttribute("maxlength"), 10);
    if (!limit) { return; }
    var counter = document.createElement("div");
    counter.className = "char-count";
    counter.id = input.id + "_count";
    counter.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", counter);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    function update() {
      var used = Array.from(input.value).length;
      counter.textContent = used + "/" + limit + " 字" + (used >= limit ? "（已到上限）" : "");
      counter.classList.toggle("full", used >= limit);
    }
    input.addEventListener("input", update);
    update();
  }
  function start() {
    document.querySelectorAll("input[data-count][maxlength]").forEach(attach);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
