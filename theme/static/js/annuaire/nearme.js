/* "Autour de moi": from the visitor's position, or from a commune found by the national
   address service (GEOCODER_URL), the venues that match the filters are listed by
   distance (the home list says how far each one is) and the nearest are framed on the map. */
import { mapEl } from "./page.js";
import { map } from "./map.js";

var origin = null, originMarker = null, onChange = null;

function km(a, b) {
  var r = Math.PI / 180, dLat = (b[0] - a[0]) * r, dLon = (b[1] - a[1]) * r;
  var h = Math.pow(Math.sin(dLat / 2), 2) +
    Math.cos(a[0] * r) * Math.cos(b[0] * r) * Math.pow(Math.sin(dLon / 2), 2);
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/* id -> km from the chosen origin (nearest stop of an itinerant venue); null without one. */
export function distancesFrom(visible) {
  if (!origin) { return null; }
  var out = {};
  visible.forEach(function (v) {
    out[v.id] = Math.min.apply(null, v.points.map(function (p) { return km(origin.at, p); }));
  });
  return out;
}

/* Called whenever the filters change; does nothing until an origin is chosen. */
export function updateNearest(visible, distances) {
  if (!origin || !distances) { return; }
  var ranked = visible.slice().sort(function (a, b) {
    return distances[a.id] - distances[b.id];
  });
  var status = document.getElementById("autour-statut");
  if (status) {
    status.textContent = ranked.length
      ? "Lieux classés du plus proche au plus éloigné de " + origin.label + "."
      : "Aucun lieu ne correspond aux filtres.";
  }
  var bounds = L.latLngBounds([origin.at]);
  ranked.slice(0, 5).forEach(function (v) { v.points.forEach(function (p) { bounds.extend(p); }); });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
}

function setOrigin(at, label) {
  origin = { at: at, label: label };
  if (originMarker) { map.removeLayer(originMarker); }
  originMarker = L.circleMarker(at, { radius: 8, color: "#8c1c13", weight: 3 })
    .bindTooltip(label).addTo(map);
  if (onChange) { onChange(); }
}

/* Shows the "autour de moi" box (home page only) and wires its button and form;
   `changed` redraws the list and the map once an origin is chosen. */
export function setupNearby(changed) {
  var box = document.getElementById("autour");
  if (!box) { return; }
  onChange = changed;
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
