/* The Leaflet map: two background layers (OpenStreetMap France, Plan IGN) with a switch,
   the outlines of the départements under the markers (drawn from the site's own file, so
   the map is never a grey void when tiles cannot load), marker clusters with one marker
   per venue, and popups that say what a visitor needs. An itinerant venue has one marker
   (one venue in the cluster counts) at its first stop; opening it draws all its stops,
   linked. A venue nobody confirmed since the dataset it was imported from gets a hollow
   marker and says so in its popup; the datasets of the venues shown are credited in the
   map's attribution (CC BY requires it). Leaflet is a classic script loaded before the
   modules run, so `L` is a global; clusters.js draws the clusters. */
import { mapEl, embed } from "./page.js";
import { venueLink } from "./links.js";
import { openingText } from "./hours.js";
import { ClusterLayer } from "./clusters.js";

// Set by createMap(); importers see them through live bindings.
export let map = null;
export let cluster = null;
let icons = null;  // class name -> the shared divIcon
let credited = [];  // the attribution strings currently added to the map
let stopsLayer = null;  // the stops of the itinerant venue whose popup is open
let outlineLayer = null, tilesFailing = false;

/* Land stands out from the sea when tiles fail; over tiles, the outlines barely tint. */
function tilesState(failing) {
  if (failing === tilesFailing) { return; }
  tilesFailing = failing;
  if (outlineLayer) { outlineLayer.setStyle({ fillOpacity: failing ? 0.9 : 0.1 }); }
}

export const METROPOLE = [[41.3, -5.2], [51.1, 9.6]];

function tiles(url, options) {
  return L.tileLayer(url, Object.assign({ maxZoom: 19 }, options))
    .on("tileerror", function () { tilesState(true); })
    .on("tileload", function () { tilesState(false); });
}

/* The départements' outlines, in their own pane under the markers. */
function outlines() {
  var url = mapEl.dataset.outlines;
  if (!url) { return; }
  map.createPane("contours");
  map.getPane("contours").style.zIndex = 250;  // above tiles (200), under markers
  fetch(url).then(function (r) { return r.json(); }).then(function (geo) {
    outlineLayer = L.geoJSON(geo, {
      pane: "contours", interactive: false, attribution: mapEl.dataset.outlinesAttribution,
      style: { color: "#7d8799", weight: 1, opacity: 0.8, fillColor: "#fbfaf4",
               fillOpacity: tilesFailing ? 0.9 : 0.1 }
    }).addTo(map);
    mapEl.dataset.outlines = "drawn";
  }).catch(function () { /* the markers still show */ });
}

var waiting = [];  // what runs once the markers being added are clustered
function afterClustering() {
  performance.mark("tierslieux:clustered");
  var run = waiting;
  waiting = [];
  run.forEach(function (fn) { fn(); });
}

/* Runs `fn` once the markers added last are clustered (and their icons drawn). */
export function clustered(fn) { waiting.push(fn); }

export function createMap() {
  map = L.map(mapEl, { scrollWheelZoom: embed, minZoom: 2, zoomControl: false });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.attributionControl.setPrefix(
    '<a href="https://leafletjs.com" title="Bibliothèque de cartes interactives">Leaflet</a>');
  map.fitBounds(METROPOLE);
  var osm = tiles(mapEl.dataset.tiles, {
    subdomains: mapEl.dataset.subdomains || "abc",
    maxZoom: Number(mapEl.dataset.maxzoom) || 19,
    attribution: mapEl.dataset.attribution
  }).addTo(map);
  var layers = { "OpenStreetMap France": osm };
  if (mapEl.dataset.ignTiles) {
    layers["Plan IGN"] = tiles(mapEl.dataset.ignTiles, {
      maxZoom: Number(mapEl.dataset.ignMaxzoom) || 19,
      attribution: mapEl.dataset.ignAttribution
    });
  }
  L.control.layers(layers, null, { position: "topright" }).addTo(map);
  var toggle = mapEl.querySelector(".leaflet-control-layers-toggle");
  if (toggle) { toggle.title = "Fond de carte"; toggle.setAttribute("aria-label", "Fond de carte"); }
  outlines();
  // Whatever can wait for the markers (clustered()) runs once they are clustered and drawn.
  cluster = new ClusterLayer().on("clustered", afterClustering);
  map.addLayer(cluster);
  icons = {};
  map.on("popupclose", function () {
    if (stopsLayer) { map.removeLayer(stopsLayer); stopsLayer = null; }
  });
}

function text(tag, className, content) {
  var el = document.createElement(tag);
  if (className) { el.className = className; }
  el.textContent = content;
  return el;
}

/* « Title » (year), © author, licence: the same credit as on the venue's page. */
function creditLine(c) {
  var p = document.createElement("p");
  p.className = "popup-credit";
  p.appendChild(document.createTextNode("Source : «\u00a0"));
  var a = document.createElement("a");
  a.href = c.url;
  a.textContent = c.titre;
  if (embed) { a.target = "_blank"; a.rel = "noopener"; }
  p.appendChild(c.url ? a : document.createTextNode(c.titre));
  p.appendChild(document.createTextNode("\u00a0» (" + c.annee + ")" +
    (c.auteur ? ", © " + c.auteur : "") + ", licence " + c.licence));
  return p;
}

/* Directions to a point, on OpenStreetMap (the visitor picks the start there). */
export function directionsLink(point, label) {
  var a = document.createElement("a");
  a.href = "https://www.openstreetmap.org/directions?to=" + point[0] + "%2C" + point[1];
  a.textContent = label || "Itinéraire";
  a.className = "directions";
  a.target = "_blank";
  a.rel = "noopener";
  return a;
}

/* Status and confirmation badges, for popups and list items. */
export function badges(v) {
  var out = [];
  if (v.statut !== "ouvert") {
    out.push(text("span", "badge badge-" + v.statut, v.statutLabel));
  }
  if (!v.confirme) { out.push(text("span", "badge badge-unconfirmed", "non confirmé")); }
  else if (v.aVerifier) { out.push(text("span", "badge badge-stale", "à vérifier")); }
  return out;
}

function stopList(v) {
  var ol = document.createElement("ol");
  ol.className = "popup-stops";
  v.etapes.forEach(function (s, i) {
    var li = document.createElement("li");
    li.appendChild(text("strong", "", s.commune));
    // The days it stops, as its file writes them (not the days it does not).
    s.horaires.filter(function (d) { return d[1] !== "fermé"; }).forEach(function (d) {
      li.appendChild(document.createElement("br"));
      li.appendChild(document.createTextNode(d[0] + " : " + d[1]));
    });
    li.appendChild(document.createTextNode(" "));
    li.appendChild(directionsLink(v.points[i], "Itinéraire"));
    ol.appendChild(li);
  });
  return ol;
}

function popup(v) {
  var box = document.createElement("div");
  box.className = "popup";
  var title = document.createElement("p");
  title.className = "popup-title";
  title.appendChild(venueLink(v));
  box.appendChild(title);
  box.appendChild(text("p", "popup-where", v.etapes.length
    ? "Itinérant : " + v.etapes.length + " étapes, au départ de " + v.commune : v.commune));
  box.appendChild(text("p", "popup-types", v.typeLabels.join(", ")));
  var status = badges(v);
  if (status.length) {
    var p = document.createElement("p");
    p.className = "popup-status";
    status.forEach(function (b) { p.appendChild(b); p.appendChild(document.createTextNode(" ")); });
    box.appendChild(p);
  }
  if (!v.confirme) {
    // The newest of its sources: what the venue was last known to be.
    var year = v.jeux.map(function (c) { return c.annee; }).sort().pop();
    if (year) {
      box.appendChild(text("p", "popup-unconfirmed",
                           "Informations de " + year + ", pas vérifiées depuis."));
    }
  }
  if (v.etapes.length) {
    box.appendChild(stopList(v));
  } else {
    var hours = openingText(v);
    if (hours) { box.appendChild(text("p", "popup-hours", hours)); }
    var go = document.createElement("p");
    go.appendChild(directionsLink(v.points[0]));
    box.appendChild(go);
  }
  v.jeux.forEach(function (c) { box.appendChild(creditLine(c)); });
  return box;
}

/* Draws an itinerant venue's stops, linked in their order, while its popup is open. */
function iconFor(className) {
  if (!icons[className]) {
    icons[className] = L.divIcon({ className: className, iconSize: [18, 18], html: "" });
  }
  return icons[className];
}

function showStops(v) {
  if (stopsLayer) { map.removeLayer(stopsLayer); }
  stopsLayer = L.layerGroup([L.polyline(v.points, { color: "#0b5f7a", weight: 3,
                                                    dashArray: "6 6", interactive: false })]);
  v.etapes.forEach(function (s, i) {
    if (i === 0) { return; }  // the venue's own marker stands on the first stop
    var label = s.commune + " (étape " + (i + 1) + ")";
    stopsLayer.addLayer(L.marker(v.points[i], { icon: iconFor("tl-marker tl-marker-stop"), title: label, alt: label,
                                                keyboard: false })
      .bindTooltip(label));
  });
  stopsLayer.addTo(map);
}

/* Gives a venue its marker (v.markers, one per venue); they are shown by view.js. */
export function addMarkers(v) {
  var label = v.nom + (v.confirme ? "" : " (non confirmé)") +
    (v.statut === "ferme" ? " (fermé)" : "") + (v.etapes.length ? " (itinérant)" : "");
  var icon = iconFor("tl-marker" + (v.confirme ? "" : " tl-marker-unconfirmed") +
    (v.statut === "ferme" ? " tl-marker-closed" : "") +
    (v.etapes.length ? " tl-marker-itinerant" : ""));
  var m = L.marker(v.points[0], { icon: icon, title: label, alt: label, venueId: v.id });
  // Its popup is bound once the marker is first drawn: binding costs more than making the
  // marker, and most markers are never drawn on their own.
  m.once("add", function () {
    var narrow = mapEl.clientWidth < 500;  // a phone: keep popups clear of the controls
    m.bindPopup(function () { return popup(v); },
                { maxWidth: Math.max(200, Math.min(320, mapEl.clientWidth - 90)),
                  autoPanPaddingTopLeft: narrow ? L.point(10, 130) : L.point(5, 5) });
    if (v.etapes.length) { m.on("popupopen", function () { showStops(v); }); }
  });
  v.markers = [m];
}

/* Frames the venues shown: metropolitan France's when there are some (an overseas venue
   among them would zoom out to the whole globe; its shortcut button stays), else all. */
export function fitVisible(visible, instant) {
  var inMetro = function (p) { return p[0] > 41 && p[0] < 51.5 && p[1] > -5.5 && p[1] < 10; };
  var all = [], metro = [];
  visible.forEach(function (v) {
    v.points.forEach(function (p) { all.push(p); if (inMetro(p)) { metro.push(p); } });
  });
  var points = metro.length ? metro : all;
  if (!points.length) { return; }
  map.fitBounds(L.latLngBounds(points), { padding: [30, 30], maxZoom: 12, animate: !instant });
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, function (ch) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
  });
}

/* Credits, in the map's attribution, the datasets the shown venues come from. */
export function creditSources(visible) {
  var byId = {};
  visible.forEach(function (v) { v.jeux.forEach(function (c) { byId[c.id] = c; }); });
  var parts = Object.keys(byId).sort().map(function (id) {
    var c = byId[id];
    var name = escapeHtml(c.attribution);
    var link = c.url ? '<a href="' + escapeHtml(c.url) + '"' +
      (embed ? ' target="_blank" rel="noopener"' : "") + ">" + name + "</a>" : name;
    return link + " (" + escapeHtml(c.licence) + ")";
  });
  var wanted = parts.length ? ["Lieux : " + parts.join(" ; ")] : [];
  if (wanted.join() === credited.join()) { return; }
  credited.forEach(function (s) { map.attributionControl.removeAttribution(s); });
  wanted.forEach(function (s) { map.attributionControl.addAttribution(s); });
  credited = wanted;
}
