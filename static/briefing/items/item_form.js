// Item form helpers (no inline script: the CSP forbids it).
// - warns before leaving the page with unsaved changes;
// - "预览合并结果" shows, without a round trip, how the pasted text will be
//   joined into paragraphs (the server does the real joining on "合并硬换行",
//   with the same rules as briefing.importing.join_hard_breaks).
(function () {
  "use strict";
  var form = document.getElementById("item-form");
  if (!form) { return; }

  var dirty = false;
  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function () { dirty = false; });
  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest(".ck-editor")) { dirty = true; }
  });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) {
      event.preventDefault();
      event.returnValue = form.dataset.unsavedWarning || "";
    }
  });

  var SECTION = /^【[^】]{1,20}】$/;
  var ENDS = "。！？）)”";
  var ASCII = /[A-Za-z0-9.,%]/;

  function median(values) {
    var sorted = values.slice().sort(function (a, b) { return a - b; });
    var mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  function joinHardBreaks(text) {
    var lines = text.split(/\r?\n/).map(function (l) { return l.trim(); })
      .filter(function (l) { return l.length > 0; });
    if (!lines.length) { return []; }
    var full = median(lines.map(function (l) { return l.length; }));
    var paragraphs = [];
    var current = "";
    lines.forEach(function (line) {
      if (SECTION.test(line)) {
        if (current) { paragraphs.push(current); }
        paragraphs.push(line);
        current = "";
        return;
      }
      if (current && ASCII.test(current.slice(-1)) && ASCII.test(line[0])) {
        current += " " + line;
      } else {
        current += line;
      }
      if (ENDS.indexOf(line.slice(-1)) !== -1 && line.length < 0.85 * full) {
        paragraphs.push(current);
        current = "";
      }
    });
    if (current) { paragraphs.push(current); }
    return paragraphs;
  }

  var previewButton = form.querySelector("[data-merge-preview]");
  var output = form.querySelector("[data-merge-output]");
  var pasted = form.querySelector("textarea[name=pasted_text]");
  if (previewButton && output && pasted) {
    previewButton.addEventListener("click", function () {
      var paragraphs = joinHardBreaks(pasted.value);
      output.hidden = false;
      output.textContent = paragraphs.length
        ? "合并后共 " + paragraphs.length + " 段：\n\n" + paragraphs.join("\n\n")
        : "请先粘贴文字。";
    });
  }
})();
