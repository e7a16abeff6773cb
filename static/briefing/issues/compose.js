// Drag and drop ordering of sections and items on the compose page.
// Each list with data-order-url sends its whole new order to the server; the
// up/down buttons are plain forms and work without this script.
(function () {
  "use strict";

  var status = document.querySelector(".order-status");
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");

  function say(text, isError) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function saveOrder(list) {
    var body = new FormData();
    Array.prototype.forEach.call(list.children, function (child) {
      body.append("order", child.dataset.id);
    });
    return fetch(list.dataset.orderUrl, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok || !data.ok) throw new Error(data.error || "保存失败");
          say(data.message + "（页面刷新后按钮随之更新）");
          return data;
        });
      })
      .catch(function (error) {
        say(error.message + " 页面将刷新以显示当前顺序。", true);
        window.setTimeout(function () { window.location.reload(); }, 1500);
      });
  }

  function currentOrder(list) {
    return Array.prototype.map.call(list.children, function (child) {
      return child.dataset.id;
    }).join(",");
  }

  function setUp(list) {
    var dragged = null;
    var before = "";

    list.addEventListener("dragstart", function (event) {
      var row = event.target.closest("[data-id]");
      if (!row || row.parentElement !== list) return;
      event.stopPropagation();
      dragged = row;
      before = currentOrder(list);
      row.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", row.dataset.id);
    });

    list.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      event.stopPropagation();
      var over = event.target.closest("[data-id]");
      while (over && over.parentElement !== list) {
        over = over.parentElement.closest("[data-id]");
      }
      if (!over || over === dragged) return;
      var box = over.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      list.insertBefore(dragged, after ? over.nextSibling : over);
    });

    list.addEventListener("drop", function (event) {
      if (!dragged) return;
      event.preventDefault();
      event.stopPropagation();
    });

    list.addEventListener("dragend", function (event) {
      if (!dragged) return;
      event.stopPropagation();
      var row = dragged;
      dragged = null;
      row.classList.remove("dragging");
      if (currentOrder(list) !== before) saveOrder(list);
    });
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("[data-order-url]"), setUp
  );

  // After an up/down form the page comes back at #item-N: put the keyboard
  // focus back on the same button so it can be pressed again.
  Array.prototype.forEach.call(
    document.querySelectorAll(".row-buttons form"), function (form) {
      form.addEventListener("submit", function () {
        try {
          window.sessionStorage.setItem("issueMove", form.elements.direction.value);
        } catch (e) { /* storage may be off; focus falls back to the first */ }
      });
    }
  );
  function restoreFocus() {
    var target = document.getElementById(window.location.hash.slice(1));
    var direction = null;
    try {
      direction = window.sessionStorage.getItem("issueMove");
      window.sessionStorage.removeItem("issueMove");
    } catch (e) { /* see above */ }
    if (!target) return;
    var buttons = target.querySelector(".row-buttons");
    var input = buttons && direction &&
      buttons.querySelector("input[name=direction][value=" + direction + "]");
    var button = input ? input.form.querySelector("button") :
      buttons && buttons.querySelector("button");
    if (button) button.focus();
  }
  if (window.location.hash) {
    // After load: the browser's own jump to #item-N would otherwise reset focus.
    window.addEventListener("load", function () { window.setTimeout(restoreFocus, 0); });
  }
})();
