/* The Leaflet map: background tiles, marker clusters, and one marker per point of each
   venue with a popup linking to its page. Leaflet and its cluster plugin are classic
   scripts loaded before the modules run, so `L` is a global here. */
import { mapEl, embed } from "./page.js";
import { venueLink } from "./links.js";

// Set by createMap(); importers see them through live bindings.
export let map = null;
export let cluster = null;
let icon = null;

export function createMap() {
  map = L.map(mapEl, { scrollWheelZoom: embed, minZoom: 2 });
  map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);
  L.tileLayer(mapEl.dataset.tiles, {
    subdomains: mapEl.dataset.subdomains || "abc",
    maxZoom: Number(mapEl.dataset.maxzoom) || 19,
    attribution: mapEl.dataset.attribution
  }).addTo(map);
  cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50,
                                   chunkedLoading: true });
  map.addLayer(cluster);
  icon = L.divIcon({ className: "tl-marker", iconSize: [18, 18], html: "" });
}

/* Gives a venue its markers (v.markers), one per point; they are shown by view.js. */
export function addMarkers(v) {
  v.markers = v.points.map(function (p) {
    var m = L.marker(p, { icon: icon, title: v.nom, alt: v.nom, venueId: v.id });
    m.bindPopup(function () {
      var box = document.createElement("div");
      box.appendChild(venueLink(v));
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(v.commune));
      return box;
    });
    return m;
  });
}
