/* The Leaflet map: background tiles, marker clusters, and one marker per point of each
   venue with a popup linking to its page. A venue nobody confirmed since the dataset it
   was imported from gets a hollow marker and says so in its popup; the datasets of the
   venues shown are credited in the map's attribution (CC BY requires it). Leaflet and its
   cluster plugin are classic scripts loaded before the modules run, so `L` is a global. */
import { mapEl, embed } from "./page.js";
import { venueLink } from "./links.js";

// Set by createMap(); importers see them through live bindings.
export let map = null;
export let cluster = null;
let icons = null;
let credited = [];  // the attribution strings currently added to the map

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
  icons = {
    confirmed: L.divIcon({ className: "tl-marker", iconSize: [18, 18], html: "" }),
    unconfirmed: L.divIcon({ className: "tl-marker tl-marker-unconfirmed",
                             iconSize: [18, 18], html: "" })
  };
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

function popup(v) {
  var box = document.createElement("div");
  box.appendChild(venueLink(v));
  box.appendChild(document.createElement("br"));
  box.appendChild(document.createTextNode(v.commune));
  if (!v.confirme) {
    // The newest of its sources: what the venue was last known to be.
    var year = v.jeux.map(function (c) { return c.annee; }).sort().pop();
    var note = text("p", "popup-unconfirmed", "");
    note.appendChild(text("span", "badge badge-unconfirmed", "non confirmé"));
    note.appendChild(document.createTextNode(
      year ? " informations de " + year + ", pas vérifiées depuis" : ""));
    box.appendChild(note);
  }
  v.jeux.forEach(function (c) { box.appendChild(creditLine(c)); });
  return box;
}

/* Gives a venue its markers (v.markers), one per point; they are shown by view.js. */
export function addMarkers(v) {
  var label = v.confirme ? v.nom : v.nom + " (non confirmé)";
  v.markers = v.points.map(function (p) {
    var m = L.marker(p, { icon: v.confirme ? icons.confirmed : icons.unconfirmed,
                          title: label, alt: label, venueId: v.id });
    m.bindPopup(function () { return popup(v); });
    return m;
  });
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
