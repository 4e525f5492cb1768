/* "Autour de moi": from the visitor's position, or from a commune found by the national
   address service (GEOCODER_URL), the ten nearest venues that match the filters, listed
   with their distance and framed on the map. */
import { mapEl } from "./page.js";
import { venues, state } from "./state.js";
import { matches } from "./filters.js";
import { map } from "./map.js";
import { venueLink } from "./links.js";

var numberFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
var origin = null, originMarker = null;

function km(a, b) {
  var r = Math.PI / 180, dLat = (b[0] - a[0]) * r, dLon = (b[1] - a[1]) * r;
  var h = Math.pow(Math.sin(dLat / 2), 2) +
    Math.cos(a[0] * r) * Math.cos(b[0] * r) * Math.pow(Math.sin(dLon / 2), 2);
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/* Called whenever the filters change; does nothing until an origin is chosen. */
export function updateNearest() {
  var list = document.getElementById("plus-proches");
  if (!list || !origin) { return; }
  var ranked = venues.filter(function (v) { return matches(v, state, null); })
    .map(function (v) {
      var d = Math.min.apply(null, v.points.map(function (p) { return km(origin.at, p); }));
      return { v: v, d: d };
    })
    .sort(function (a, b) { return a.d - b.d || (a.v.id < b.v.id ? -1 : 1); }).slice(0, 10);
  list.textContent = "";
  ranked.forEach(function (item) {
    var li = document.createElement("li");
    li.dataset.id = item.v.id;
    li.appendChild(venueLink(item.v));
    li.appendChild(document.createTextNode(" — " + item.v.commune + ", à " +
      numberFormat.format(item.d) + " km"));
    list.appendChild(li);
  });
  document.getElementById("autour-statut").textContent = ranked.length
    ? "Les " + ranked.length + " lieux les plus proches de " + origin.label + " :"
    : "Aucun lieu ne correspond aux filtres.";
  var bounds = L.latLngBounds([origin.at]);
  ranked.slice(0, 5).forEach(function (item) { item.v.points.forEach(function (p) {
    bounds.extend(p);
  }); });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
}

function setOrigin(at, label) {
  origin = { at: at, label: label };
  if (originMarker) { map.removeLayer(originMarker); }
  originMarker = L.circleMarker(at, { radius: 8, color: "#8c1c13", weight: 3 })
    .bindTooltip(label).addTo(map);
  updateNearest();
}

/* Shows the "autour de moi" box (home page only) and wires its button and form. */
export function setupNearby() {
  var box = document.getElementById("autour");
  if (!box) { return; }
  box.hidden = false;
  var status = document.getElementById("autour-statut");
  document.getElementById("ma-position").addEventListener("click", function () {
    if (!navigator.geolocation) { status.textContent = "Votre navigateur ne donne pas sa position."; return; }
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(function (pos) {
      setOrigin([pos.coords.latitude, pos.coords.longitude], "votre position");
    }, function () {
      status.textContent = "Position indisponible : indiquez plutôt une commune.";
    }, { timeout: 10000 });
  });
  document.getElementById("autour-commune").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var name = ev.target.commune.value.trim();
    if (!name) { return; }
    status.textContent = "Recherche de « " + name + " »…";
    fetch(mapEl.dataset.geocoder + "?type=municipality&limit=1&q=" + encodeURIComponent(name))
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        var f = data.features && data.features[0];
        if (!f) { status.textContent = "Commune introuvable : « " + name + " »."; return; }
        var c = f.geometry.coordinates;
        setOrigin([c[1], c[0]], f.properties.city || f.properties.label || name);
      })
      .catch(function () {
        status.textContent = "Le service de recherche de communes ne répond pas ; réessayez plus tard.";
      });
  });
}
