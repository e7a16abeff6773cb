// Item form helpers (no inline script: the CSP forbids it).
// - warns before leaving the page with unsaved changes;
// - text pasted with hard line breaks (from a PDF) is joined into paragraphs
//   at once, with a button to undo the joining; a live 字数 under the editor;
// - "预览合并结果" shows, without a round trip, how the pasted text will be
//   joined into paragraphs (the server does the real joining on "合并硬换行",
//   with the same rules as briefing.importing.join_hard_breaks);
// - autosave: keeps a copy of the text in localStorage until the server has it,
//   so a draft survives an expired session. See below.
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

  // Text copied from a PDF: every printed line a line of its own. Most lines
  // (all but the last of the text) are about as long as each other and do not
  // end a sentence; a paragraph's last line is shorter and does.
  var SENTENCE_END = "。！？；：”…";
  function looksHardBroken(text) {
    var lines = text.split(/\r?\n/).map(function (l) { return l.trim(); })
      .filter(function (l) { return l.length > 0; });
    if (lines.length < 3) { return false; }
    var inner = lines.slice(0, -1);
    var full = median(inner.map(function (l) { return l.length; }));
    if (full < 10) { return false; }
    var even = inner.filter(function (l) {
      return Math.abs(l.length - full) <= Math.max(2, 0.15 * full);
    }).length;
    var open = inner.filter(function (l) {
      return SENTENCE_END.indexOf(l.slice(-1)) === -1;
    }).length;
    return even >= 0.6 * inner.length && open >= 0.6 * inner.length;
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function paragraphsHtml(paragraphs) {
    return paragraphs.map(function (p) { return "<p>" + escapeHtml(p) + "</p>"; })
      .join("");
  }

  // What the editor would have made of the text unjoined: one line, one line.
  function linesHtml(text) {
    return paragraphsHtml(text.split(/\r?\n/).map(function (l) { return l.trim(); })
      .filter(function (l) { return l.length > 0; }));
  }

  function showPasteNotice(editor, textarea, lines, paragraphs, original) {
    var old = form.querySelector(".paste-notice");
    if (old) { old.remove(); }
    var notice = document.createElement("div");
    notice.className = "message info paste-notice";
    notice.setAttribute("role", "status");
    var text = document.createElement("span");
    text.textContent = "粘贴的文字每行断开（" + lines + " 行），已合并为 " +
      paragraphs + " 段。";
    var undo = document.createElement("button");
    undo.type = "button";
    undo.className = "button small";
    undo.textContent = "撤销合并";
    notice.appendChild(text);
    notice.appendChild(undo);
    var field = textarea.closest(".field") || textarea.parentNode;
    field.appendChild(notice);
    undo.addEventListener("click", function () {
      editor.execute("undo");
      var fragment = editor.data.toModel(
        editor.data.htmlProcessor.toView(linesHtml(original)));
      editor.model.insertContent(fragment);
      editor.editing.view.focus();
      text.textContent = "已撤销合并，保留原来的分行。";
      undo.remove();
    });
  }

  // 字数: characters of the text as offices count them (not white space);
  // the same rule as briefing.hygiene.char_count.
  function countChars(editor) {
    var root = editor.model.document.getRoot();
    var count = 0;
    Array.prototype.forEach.call(
      Array.from(editor.model.createRangeIn(root).getItems()),
      function (node) {
        if (node.is("$textProxy")) { count += node.data.replace(/\s/g, "").length; }
      });
    return count;
  }

  function showCount(editor, output) {
    var count = countChars(editor);
    var guide = parseInt(output.dataset.lengthGuide || "0", 10);
    var text = "正文 " + count + " 字";
    if (guide) {
      text += count > guide
        ? "（建议不超过 " + guide + " 字，已超出 " + (count - guide) + " 字）"
        : "（建议不超过 " + guide + " 字）";
    }
    output.textContent = text;
    output.classList.toggle("over", Boolean(guide) && count > guide);
  }

  function setUpEditor(textarea, editor) {
    editor.editing.view.document.on("clipboardInput", function (event, data) {
      if (data.method !== "paste") { return; }
      var text = data.dataTransfer.getData("text/plain") || "";
      if (!looksHardBroken(text)) { return; }
      var paragraphs = joinHardBreaks(text);
      data.content = editor.data.htmlProcessor.toView(paragraphsHtml(paragraphs));
      var lines = text.split(/\r?\n/).filter(function (l) { return l.trim(); });
      window.setTimeout(function () {
        showPasteNotice(editor, textarea, lines.length, paragraphs.length, text);
      }, 0);
    }, { priority: "high" });
    var output = form.querySelector("[data-char-count]");
    if (output) {
      editor.model.document.on("change:data", function () {
        showCount(editor, output);
      });
      showCount(editor, output);
    }
  }

  // django-ckeditor-5 keeps one callback per editor: the helpers here share it.
  var waitingFor = {};
  function whenEditorReady(textarea, callback) {
    var ready = window.editors && window.editors[textarea.id];
    if (ready) { callback(ready); return true; }
    if (typeof window.ckeditorRegisterCallback !== "function") { return false; }
    if (!waitingFor[textarea.id]) {
      waitingFor[textarea.id] = [];
      window.ckeditorRegisterCallback(textarea.id, function (editor) {
        waitingFor[textarea.id].forEach(function (fn) { fn(editor); });
      });
    }
    waitingFor[textarea.id].push(callback);
    return true;
  }

  Array.prototype.forEach.call(
    form.querySelectorAll("textarea.django_ckeditor_5"),
    function (textarea) {
      whenEditorReady(textarea, function (editor) { setUpEditor(textarea, editor); });
    });

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

  // --- autosave ---------------------------------------------------------------
  // The form's text is copied to localStorage (key: user + item id or "new",
  // from data-autosave-key) every few seconds and on input, whenever it differs
  // from what the server sent. On submit the browser first asks the server
  // (HEAD on this page) whether the session is still alive: only then is the
  // copy dropped, because only then will the server take the text. With an
  // expired session the POST ends on the login page, which brings the user
  // back here; the copy is still there and a notice offers 恢复 / 放弃.
  var KEY_PREFIX = "jianbao:autosave:";
  var SAVE_EVERY_MS = 5000;
  var SAVE_DELAY_MS = 800;
  var KEEP_DAYS = 30;
  if (!form.dataset.autosaveKey || !window.localStorage) { return; }
  var storageKey = KEY_PREFIX + form.dataset.autosaveKey;
  var SKIP = { csrfmiddlewaretoken: true, version: true, action: true };
  var TEXT_TYPES = {
    text: true, tel: true, email: true, url: true, search: true, number: true,
    textarea: true, "select-one": true
  };
  var richAreas = Array.prototype.slice.call(
    form.querySelectorAll("textarea.django_ckeditor_5"));
  var baseline = null;
  var paused = false;      // a saved copy is waiting for 恢复 / 放弃
  var submitting = false;  // the text is on its way to the server
  var probed = false;      // the session check before submit is done
  var timer = null;

  function storage(action, value) {
    try {
      if (action === "get") {
        var raw = window.localStorage.getItem(storageKey);
        return raw ? JSON.parse(raw) : null;
      }
      if (action === "set") {
        window.localStorage.setItem(storageKey, JSON.stringify(value));
      } else {
        window.localStorage.removeItem(storageKey);
      }
    } catch (error) {
      // Storage full, disabled or holding garbage: autosave is best effort.
    }
    return null;
  }

  function editorFor(textarea) {
    return (window.editors && window.editors[textarea.id]) || null;
  }

  function snapshot() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name] || !TEXT_TYPES[el.type] || el.disabled) {
        return;
      }
      var editor = richAreas.indexOf(el) !== -1 ? editorFor(el) : null;
      fields[el.name] = editor ? editor.getData() : el.value;
    });
    return fields;
  }

  function same(a, b) {
    var names = Object.keys(a).concat(Object.keys(b));
    for (var i = 0; i < names.length; i++) {
      if ((a[names[i]] || "") !== (b[names[i]] || "")) { return false; }
    }
    return true;
  }

  function saveNow() {
    // After logout (core/logout.js marks the page) nothing may be kept.
    var loggingOut = document.documentElement.hasAttribute("data-logging-out");
    if (baseline === null || submitting || paused || loggingOut) { return; }
    var fields = snapshot();
    if (same(fields, baseline)) {
      storage("remove");
    } else {
      storage("set", { savedAt: Date.now(), fields: fields });
    }
  }

  function saveSoon() {
    window.clearTimeout(timer);
    timer = window.setTimeout(saveNow, SAVE_DELAY_MS);
  }

  function restore(fields) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !Object.prototype.hasOwnProperty.call(fields, el.name) ||
          SKIP[el.name] || !TEXT_TYPES[el.type]) {
        return;
      }
      var editor = richAreas.indexOf(el) !== -1 ? editorFor(el) : null;
      if (editor) {
        editor.setData(fields[el.name]);
      } else {
        el.value = fields[el.name];
      }
    });
    dirty = true;
  }

  function two(n) { return (n < 10 ? "0" : "") + n; }

  function showNotice(copy) {
    var when = new Date(copy.savedAt);
    var title = (copy.fields.title || "").trim();
    var notice = document.createElement("div");
    notice.className = "message warning autosave-notice";
    notice.setAttribute("role", "alert");
    var text = document.createElement("p");
    text.textContent = "本机保存有您尚未保存到系统的内容（自动保存于 " +
      (when.getMonth() + 1) + "月" + when.getDate() + "日 " +
      two(when.getHours()) + ":" + two(when.getMinutes()) +
      (title ? "，标题“" + title.slice(0, 40) + "”" : "") +
      "），与本页当前内容不同。恢复后请核对，再保存。";
    var restoreButton = document.createElement("button");
    restoreButton.type = "button";
    restoreButton.className = "button primary";
    restoreButton.textContent = "恢复";
    var dropButton = document.createElement("button");
    dropButton.type = "button";
    dropButton.className = "button";
    dropButton.textContent = "放弃";
    var buttons = document.createElement("div");
    buttons.className = "autosave-actions";
    buttons.appendChild(restoreButton);
    buttons.appendChild(dropButton);
    notice.appendChild(text);
    notice.appendChild(buttons);
    form.parentNode.insertBefore(notice, form);

    restoreButton.addEventListener("click", function () {
      restore(copy.fields);
      paused = false;
      saveNow();
      notice.setAttribute("role", "status");
      text.textContent = "已恢复本机保存的内容，请核对后点“保存草稿”或“提交”。";
      buttons.remove();
    });
    dropButton.addEventListener("click", function () {
      paused = false;
      storage("remove");
      notice.remove();
    });
  }

  function start() {
    if (baseline !== null) { return; }
    baseline = snapshot();
    var copy = storage("get");
    var tooOld = copy && Date.now() - copy.savedAt > KEEP_DAYS * 86400000;
    if (!copy || !copy.fields || tooOld || same(copy.fields, baseline)) {
      storage("remove");
    } else {
      paused = true;
      showNotice(copy);
    }
    // Text the server put in but did not save (导入Word, 合并硬换行) is a
    // change like a typed one: kept until it is saved.
    if (form.hasAttribute("data-autosave-unsaved") && !paused) {
      baseline = {};
      saveNow();
    }
    form.addEventListener("input", saveSoon);
    form.addEventListener("change", saveSoon);
    richAreas.forEach(function (el) {
      var editor = editorFor(el);
      if (editor) { editor.model.document.on("change:data", saveSoon); }
    });
    window.setInterval(saveNow, SAVE_EVERY_MS);
    window.addEventListener("pagehide", saveNow);
  }

  // Start once every rich-text editor exists (its data is the body's text);
  // without the editor bundle the synced textarea is read instead.
  var waiting = richAreas.filter(function (el) { return !editorFor(el); });
  if (!waiting.length || typeof window.ckeditorRegisterCallback !== "function") {
    start();
  } else {
    waiting.forEach(function (el) {
      whenEditorReady(el, function () {
        waiting = waiting.filter(function (other) { return other !== el; });
        if (!waiting.length) { start(); }
      });
    });
    // An editor that fails to load must not leave the form unprotected.
    window.setTimeout(start, 10000);
  }

  // Back to this page from the browser's cache: it is an open form again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { probed = false; submitting = false; }
  });

  form.addEventListener("submit", function (event) {
    if (probed || baseline === null) { return; }
    event.preventDefault();
    var submitter = event.submitter || null;
    var fields = snapshot();
    // A copy still waiting for 恢复 / 放弃 stays unless the user wrote over it.
    var keepCopy = paused && same(fields, baseline);
    if (!keepCopy && !same(fields, baseline)) {
      storage("set", { savedAt: Date.now(), fields: fields });
    }
    submitting = true;
    window.clearTimeout(timer);
    window.fetch(window.location.href, {
      method: "HEAD",
      credentials: "same-origin",
      redirect: "manual",
      cache: "no-store"
    }).then(function (response) {
      // A redirect means the session is gone (to the login page): keep the copy.
      if (!keepCopy && response.ok && response.type !== "opaqueredirect") {
        storage("remove");
      }
    }).catch(function () {
      // Offline: keep the copy.
    }).then(function () {
      probed = true;
      dirty = false;
      form.setAttribute("data-resubmit", "");  // not a second click (forms.js)
      if (submitter && form.requestSubmit) {
        form.requestSubmit(submitter);
      } else if (form.requestSubmit) {
        form.requestSubmit();
      } else {
        form.submit();
      }
    });
  });
})();
