// Progressive enhancement only: every page works without this file.
// Fills a <datalist> from /api/v1/autocomplete, which returns values from readable cases only.
(function () {
  "use strict";
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var url = input.getAttribute("data-autocomplete");
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var prefix = input.value.trim();
      if (prefix.length < 2 || !list) { return; }
      timer = setTimeout(function () {
        fetch(url + "?limit=10&prefix=" + encodeURIComponent(prefix), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : { items: [] }; })
          .then(function (data) {
            list.replaceChildren();
            data.items.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 200);
    });
  }
  // A search box over a list of tick boxes (the To field): shows the entries that match.
  function filter(input) {
    var list = document.getElementById(input.getAttribute("data-filter-list"));
    if (!list) { return; }
    input.hidden = false;
    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase().split(/\s+/);
      list.querySelectorAll("li[data-search]").forEach(function (li) {
        var text = li.getAttribute("data-search");
        var checked = li.querySelector("input:checked");
        li.hidden = !checked && !words.every(function (w) { return text.indexOf(w) >= 0; });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filter-list]").forEach(filter);
    document.querySelectorAll("input[data-autocomplete]").forEach(attach);
  });
})();

// On a phone a table shows one card per row (app.css); each cell gets its column's heading
// as `data-label` so the card says what each value is.
(function () {
  "use strict";
  function headings(table) {
    var names = [];
    table.querySelectorAll("thead tr:first-child > th").forEach(function (th) {
      for (var i = 0; i < (th.colSpan || 1); i += 1) { names.push(th.textContent.trim()); }
    });
    return names;
  }
  function label(table) {
    var names = headings(table);
    if (!names.length) { return; }
    table.querySelectorAll("tbody > tr").forEach(function (row) {
      var column = 0;
      Array.prototype.forEach.call(row.cells, function (cell) {
        var name = names[column];
        if (name && cell.colSpan === 1 && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", name);
        }
        column += cell.colSpan || 1;
      });
    });
  }
  function labelAll() { document.querySelectorAll("table.grid").forEach(label); }
  // The menu shows as a row on wide screens through ::details-content; where a browser lacks
  // that selector, open the <details> on wide screens instead.
  function openMenuOnWideScreens() {
    var menu = document.querySelector("details.menu");
    var supported = window.CSS && CSS.supports && CSS.supports("selector(::details-content)");
    if (menu && !supported && window.matchMedia("(min-width: 901px)").matches) {
      menu.open = true;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    labelAll();
    openMenuOnWideScreens();
    // Rows added live (the inbox) get their labels too.
    new MutationObserver(labelAll).observe(document.body, { childList: true, subtree: true });
  });
})();
