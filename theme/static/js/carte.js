/* Home map: every venue from donnees/carte.json, clustered. The list below the map holds
   the same venues, so the page stays usable without JavaScript or without tiles. */
(function () {
  "use strict";
  var el = document.getElementById("carte");
  if (!el || !window.L) { return; }
  var map = L.map(el, { scrollWheelZoom: false, minZoom: 2 });
  map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);  // metropolitan France; overseas below
  L.tileLayer(el.dataset.tiles, {
    subdomains: el.dataset.subdomains || "abc",
    maxZoom: Number(el.dataset.maxzoom) || 19,
    attribution: el.dataset.attribution
  }).addTo(map);
  var group = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
  var siteurl = el.dataset.siteurl || "";
  var icon = L.divIcon({ className: "tl-marker", iconSize: [18, 18], html: "" });
  var OVERSEAS = [
    ["Guadeloupe", -61.9, 15.8, -60.9, 16.6], ["Martinique", -61.3, 14.35, -60.75, 14.95],
    ["Guyane", -54.7, 2.1, -51.5, 5.9], ["La Réunion", 55.2, -21.45, 55.9, -20.8],
    ["Mayotte", 44.9, -13.1, 45.35, -12.6]
  ];

  function link(id, name) {
    var a = document.createElement("a");
    a.href = siteurl + "/lieux/" + encodeURIComponent(id) + "/";
    a.textContent = name;
    return a;
  }

  fetch(el.dataset.source).then(function (r) { return r.json(); }).then(function (data) {
    var col = {};
    data.colonnes.forEach(function (name, i) { col[name] = i; });
    var markers = data.lieux.map(function (row) {
      var m = L.marker([row[col.lat], row[col.lon]], {
        icon: icon, title: row[col.nom], alt: row[col.nom], venueId: row[col.id]
      });
      m.bindPopup(function () {
        var box = document.createElement("div");
        box.appendChild(link(row[col.id], row[col.nom]));
        box.appendChild(document.createElement("br"));
        box.appendChild(document.createTextNode(row[col.commune]));
        return box;
      });
      return m;
    });
    group.addLayers(markers);
    map.addLayer(group);
    var counts = OVERSEAS.map(function (t) {
      return markers.filter(function (m) {
        var p = m.getLatLng();
        return p.lng >= t[1] && p.lng <= t[3] && p.lat >= t[2] && p.lat <= t[4];
      }).length;
    });
    var box = document.getElementById("outre-mer");
    OVERSEAS.forEach(function (t, i) {
      if (!counts[i]) { return; }
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = t[0] + " (" + counts[i] + ")";
      b.addEventListener("click", function () { map.fitBounds([[t[2], t[1]], [t[4], t[3]]]); });
      li.appendChild(b);
      box.querySelector("ul").appendChild(li);
      box.hidden = false;
    });
    el.dataset.loaded = String(markers.length);
  });
  window.tierslieux = { map: map, cluster: group };
})();
