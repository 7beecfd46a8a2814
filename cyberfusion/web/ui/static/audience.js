// Progressive enhancement only: the case form's "Preview" button does the same without it.
// Lists, as the handling fields change, who would see the case (GET /cases/audience, which
// applies the access decision to each organisation).
(function () {
  "use strict";
  var FIELDS = ["tlp", "hit_policy", "release", "exclude", "partners"];
  function query(form) {
    var params = new URLSearchParams();
    FIELDS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!field) { return; }
      if (field.multiple) {
        Array.prototype.forEach.call(field.selectedOptions, function (o) { params.append(name, o.value); });
      } else {
        params.append(name, field.value);
      }
    });
    var personal = form.elements.namedItem("personal_data");
    if (personal && personal.checked) { params.append("personal_data", "1"); }
    return params.toString();
  }
  function show(list, data) {
    list.replaceChildren();
    data.items.forEach(function (item) {
      var li = document.createElement("li");
      li.dataset.org = item.org;
      li.dataset.access = item.access;
      li.textContent = item.name;
      if (item.access === "hit") {
        var em = document.createElement("em");
        em.textContent = list.dataset.hitLabel || "learns of a match only";
        li.append(" — ", em);
      }
      list.appendChild(li);
    });
    data.issues.forEach(function (issue) {
      var li = document.createElement("li");
      li.className = "error";
      li.textContent = issue.location + ": " + issue.detail;
      list.appendChild(li);
    });
  }
  function attach(section) {
    var form = section.closest("form");
    var list = section.querySelector("#audience");
    var url = section.getAttribute("data-audience-url");
    var timer = null;
    function refresh() {
      clearTimeout(timer);
      timer = setTimeout(function () {
        fetch(url + "?" + query(form), { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (data) { show(list, data); })
          .catch(function () { /* the Preview button still works */ });
      }, 150);
    }
    form.addEventListener("change", refresh);
    refresh();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("section[data-audience-url]").forEach(attach);
  });
})();
