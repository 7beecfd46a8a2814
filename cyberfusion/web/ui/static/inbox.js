// Live inbox: progressive enhancement over a page that works without it.
// Opens a server-sent event stream of the organisation's notifications; each new one is
// added to the list (as text, never HTML) and the thread table and TLP banner are
// refreshed from the server-rendered page.
(function () {
  "use strict";
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var doc = new DOMParser().parseFromString(html, "text/html");
        ["#threads", ".tlp-banner", "[data-count=threads]", "[data-count=unread]"].forEach(function (sel) {
          var fresh = doc.querySelector(sel), old = document.querySelector(sel);
          if (fresh && old) { old.replaceWith(fresh); }
        });
      })
      .catch(function () { /* the next event retries */ });
  }
  function add(list, note) {
    var item = document.createElement("li");
    item.className = "unread fresh";
    item.dataset.note = note.id;
    var prio = document.createElement("span");
    prio.className = "prio prio-" + note.priority;
    prio.textContent = note.priority;
    item.appendChild(prio);
    item.appendChild(document.createTextNode(" "));
    if (note.thread_id) {
      var link = document.createElement("a");
      link.href = "/threads/" + note.thread_id;
      link.textContent = note.title;
      item.appendChild(link);
    } else {
      item.appendChild(document.createTextNode(note.title));
    }
    list.insertBefore(item, list.firstChild);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var list = document.getElementById("notes");
    var status = document.querySelector("[data-live-status]");
    if (!list || !window.EventSource) { return; }
    var source = new EventSource(list.getAttribute("data-events"));
    source.addEventListener("open", function () {
      if (status) {
        status.textContent = status.getAttribute("data-live-status") ||
          "Live: new requests appear here as they arrive.";
      }
    });
    source.addEventListener("notification", function (event) {
      var note = JSON.parse(event.data);
      if (list.querySelector("[data-note='" + note.id + "']")) { return; }
      add(list, note);
      refresh();
    });
  });
})();
