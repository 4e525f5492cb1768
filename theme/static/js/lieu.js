/* Venue page: a small situation map with the venue's point(s). */
(function () {
  "use strict";
  var el = document.getElementById("mini-carte");
  if (!el || !window.L) { return; }
  var points = el.dataset.points.split(";").map(function (p) {
    return p.split(",").map(Number);
  });
  var map = L.map(el, { scrollWheelZoom: false, keyboard: false });
  L.tileLayer(el.dataset.tiles, {
    subdomains: el.dataset.subdomains || "abc",
    maxZoom: Number(el.dataset.maxzoom) || 19,
    attribution: el.dataset.attribution
  }).addTo(map);
  var icon = L.divIcon({ className: "tl-marker", iconSize: [18, 18], html: "" });
  points.forEach(function (p) { L.marker(p, { icon: icon, keyboard: false }).addTo(map); });
  if (points.length === 1) { map.setView(points[0], 15); }
  else { map.fitBounds(points, { padding: [20, 20] }); }
})();
