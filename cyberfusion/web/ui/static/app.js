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
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-autocomplete]").forEach(attach);
  });
})();
