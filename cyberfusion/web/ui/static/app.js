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
