// The network graph: fetches cytoscape elements from the API (readable cases only) and
// draws them. Progressive enhancement: the page's tables carry the same information.
(function () {
  "use strict";
  // Later rules win: the whole label on hover or selection comes after the per-kind ones.
  var STYLE = [
    { selector: "node", style: { "label": "data(short)", "font-size": 9, "text-wrap": "ellipsis",
      "text-max-width": 140, "color": "#1c2330" } },
    { selector: "node[kind = 'case']", style: { "background-color": "#1f4e8c", "width": 18, "height": 18 } },
    { selector: "node[kind = 'value']", style: { "shape": "round-rectangle", "background-color": "#e8a33d",
      "width": 12, "height": 12, "font-size": 8, "color": "#5b6472" } },
    { selector: "node[kind = 'more']", style: { "shape": "diamond", "background-color": "#8a8f98",
      "width": 22, "height": 22 } },
    { selector: "node.wallet", style: { "background-color": "#e8a33d" } },
    { selector: "node.hash", style: { "background-color": "#7b4fa6" } },
    { selector: "node.infra", style: { "background-color": "#1d8a7a" } },
    { selector: "node.account", style: { "background-color": "#c0392b" } },
    { selector: "node.other", style: { "background-color": "#9aa3ad" } },
    { selector: "edge", style: { "width": 1, "line-color": "#b8c0cc", "curve-style": "haystack" } },
    { selector: "node.hover, node:selected", style: { "label": "data(label)", "font-size": 10,
      "color": "#1c2330", "z-index": 10, "text-background-color": "#ffffff",
      "text-background-opacity": 0.9, "text-background-padding": 2 } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#a40000" } }
  ];
  // Short labels keep a busy graph legible: a case is "#id", a value its first characters;
  // hovering or selecting a node shows its whole label.
  function shortLabel(d) {
    if (d.kind === "case") { return "#" + d.case; }
    if (d.kind === "value" && d.label.length > 18) { return d.label.slice(0, 17) + "\u2026"; }
    return d.label;
  }
  // The legend's kinds of shared value, by observable type.
  var KINDS = {
    wallet: ["btc_wallet", "eth_wallet", "xmr_wallet"],
    hash: ["md5", "sha1", "sha256", "sha512", "ssdeep", "ja3"],
    infra: ["ipv4", "ipv6", "cidr", "domain", "url", "asn"],
    account: ["email", "iban", "phone", "username"]
  };
  function kindOf(type) {
    var found = "other";
    Object.keys(KINDS).forEach(function (k) { if (KINDS[k].indexOf(type) >= 0) { found = k; } });
    return found;
  }
  function draw(box, data) {
    data.elements.forEach(function (el) {
      if (!el.data.source) { el.data.short = shortLabel(el.data); }
      if (el.data.kind === "value") { el.classes = kindOf(el.data.type); }
    });
    var cy = window.cytoscape({ container: box, elements: data.elements, style: STYLE,
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 20000,
                idealEdgeLength: 70, nodeOverlap: 20, padding: 20 },
      maxZoom: 1.6, minZoom: 0.1 });
    cy.on("mouseover", "node", function (evt) { evt.target.addClass("hover"); });
    cy.on("mouseout", "node", function (evt) { evt.target.removeClass("hover"); });
    cy.on("tap", "node[kind = 'case']", function (evt) {
      box.setAttribute("data-selected", evt.target.data("case"));
    });
    cy.on("dbltap", "node[kind = 'case']", function (evt) {
      window.location.href = "/cases/" + evt.target.data("case");
    });
    box.setAttribute("data-nodes", String(cy.nodes().length));
    box.setAttribute("data-ready", "1");
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("graph");
    if (!box || !window.cytoscape) { return; }
    fetch(box.getAttribute("data-graph-url"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { elements: [] }; })
      .then(function (data) { draw(box, data); })
      .catch(function () { box.textContent = "The graph could not be loaded."; });
  });
})();
