// Users list with `--users-list-ajax` ([U] salesforce.md §H.Q1): the paging links and rolodex letters
// fetch the next list and swap the list, its paginator and the rolodex in place, without a
// page load — the way enhanced Setup lists re-render. Plain links without this script.
(function () {
  "use strict";
  var PARTS = [".rolodex", ".listRelatedObject", ".listElementBottomNav"];
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (!(t instanceof Element)) return;
    var link = t.closest(".listElementBottomNav a, .rolodex a.listItem");
    if (!link || ev.defaultPrevented) return;
    ev.preventDefault();
    fetch(link.getAttribute("href"), { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.text();
      })
      .then(function (html) {
        var next = new DOMParser().parseFromString(html, "text/html");
        PARTS.forEach(function (sel) {
          var now = document.querySelector(sel);
          var fresh = next.querySelector(sel);
          if (now && fresh) now.replaceWith(document.importNode(fresh, true));
        });
        document.body.setAttribute("data-sim-rerenders", String(Number(document.body.getAttribute("data-sim-rerenders") || "0") + 1));
      })
      .catch(function () {
        window.location.href = link.getAttribute("href");
      });
  });
})();
