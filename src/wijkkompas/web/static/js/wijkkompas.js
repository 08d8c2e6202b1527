/* wijkkompas: charts from embedded JSON, map clicks to area profiles, sortable tables.
   No framework; works with keyboard; nothing loads from the network. */
(function () {
  "use strict";

  function renderCharts(root) {
    if (!window.Plotly) { return; }
    (root || document).querySelectorAll(".plotly-chart[data-figure]").forEach(function (el) {
      var data = document.getElementById(el.getAttribute("data-figure"));
      if (!data) { return; }
      var fig = JSON.parse(data.textContent);
      window.Plotly.newPlot(el, fig.data, fig.layout, {
        displayModeBar: false, responsive: true, scrollZoom: false
      }).then(function () {
        if (el.id !== "kaart" && el.id !== "kaart-wat-als") { return; }
        el.on("plotly_click", function (ev) {
          var p = ev && ev.points && ev.points[0];
          var url = p && ((p.data && p.data.meta) || p.customdata);
          if (url) { window.location.href = url; }
        });
      });
    });
  }

  function cellValue(row, index, type) {
    var cell = row.children[index];
    if (!cell) { return ""; }
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent.trim();
    if (type === "number") {
      var n = parseFloat(raw);
      return isNaN(n) ? Infinity : n;
    }
    return raw.toLocaleLowerCase();
  }

  function sortTable(table, th) {
    var headers = Array.prototype.slice.call(th.parentNode.children);
    var index = headers.indexOf(th);
    var type = th.getAttribute("data-type") || "text";
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { if (h.hasAttribute("aria-sort")) { h.setAttribute("aria-sort", "none"); } });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, type), y = cellValue(b, index, type);
      if (x === y) { return 0; }
      var r = (type === "number") ? (x - y) : (x < y ? -1 : 1);
      return ascending ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    var status = table.parentNode.querySelector(".sort-status");
    if (status) { status.textContent = th.textContent.trim() + (ascending ? " ▲" : " ▼"); }
  }

  function makeSortable(table) {
    // Once per table: htmx settles can reach a table that is already enhanced, and a second
    // pass would wrap the sort button in another one (two arrows per header).
    if (table.hasAttribute("data-sortable-ready")) { return; }
    table.setAttribute("data-sortable-ready", "");
    var status = document.createElement("p");
    status.className = "sort-status visually-hidden";
    status.setAttribute("aria-live", "polite");
    table.parentNode.insertBefore(status, table.nextSibling);
    table.querySelectorAll("thead th[aria-sort]").forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) { button.appendChild(th.firstChild); }
      th.appendChild(button);
      button.addEventListener("click", function () { sortTable(table, th); });
    });
  }

  function enhance(root) {
    root.querySelectorAll("table.sortable").forEach(makeSortable);
    renderCharts(root);
  }

  // Content swapped in by htmx (what-if results, rank interval): same enhancements.
  document.addEventListener("htmx:afterSettle", function (ev) {
    var target = ev.detail && ev.detail.target;
    if (target) {
      target.removeAttribute("aria-busy");
      enhance(target);
    }
  });

  // Folded tables are printed unfolded.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.fold").forEach(function (d) { d.open = true; });
  });

  function init() {
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    renderCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else { init(); }
})();
