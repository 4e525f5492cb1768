/* Venue page: a small situation map with the venue's point(s). A position that is only
   the commune's centre (data-approx) gets a hollow marker and a wider view: the point is
   not the venue itself. */
(function () {
  "use strict";
  var el = document.getElementById("mini-carte");
  if (!el || !window.L) { return; }
  var points = el.dataset.points.split(";").map(function (p) {
    return p.split(",").map(Number);
  });
  var approx = el.dataset.approx === "commune";
  var map = L.map(el, { scrollWheelZoom: false, keyboard: false });
  L.tileLayer(el.dataset.tiles, {
    subdomains: el.dataset.subdomains || "abc",
    maxZoom: Number(el.dataset.maxzoom) || 19,
    attribution: el.dataset.attribution
  }).addTo(map);
  var icon = L.divIcon({ className: approx ? "tl-marker tl-marker-approx" : "tl-marker",
                         iconSize: [18, 18], html: "" });
  points.forEach(function (p) { L.marker(p, { icon: icon, keyboard: false }).addTo(map); });
  if (points.length === 1) { map.setView(points[0], approx ? 13 : 15); }
  else { map.fitBounds(points, { padding: [20, 20] }); }
})();
