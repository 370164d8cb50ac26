// Permission set assignment page (salesforce.md §H.Q1 1c): moves options between the dueling
// lists, posts the whole enabled list on Save, and navigates buttons that carry data-href
// (the CSP forbids inline handlers).
(function () {
  "use strict";
  function move(fromId, toId) {
    var from = document.getElementById(fromId);
    var to = document.getElementById(toId);
    if (!from || !to) return;
    Array.prototype.slice.call(from.options).forEach(function (o) {
      if (o.selected) {
        o.selected = false;
        to.appendChild(o);
      }
    });
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var nav = t.closest("[data-href]");
    if (nav) {
      ev.preventDefault();
      window.location.href = nav.getAttribute("data-href");
      return;
    }
    var img = t.closest("a.duelingAdd, a.duelingRemove");
    if (!img) return;
    ev.preventDefault();
    if (img.classList.contains("duelingAdd")) move("availableList", "enabledList");
    else move("enabledList", "availableList");
  });
  document.addEventListener("submit", function (ev) {
    var enabled = document.getElementById("enabledList");
    var available = document.getElementById("availableList");
    if (!enabled || !ev.target.contains(enabled)) return;
    Array.prototype.forEach.call(enabled.options, function (o) { o.selected = true; });
    if (available) Array.prototype.forEach.call(available.options, function (o) { o.selected = false; });
  });
})();
