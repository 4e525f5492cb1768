/* The home page's result list, drawn from the map data: the venues the filters select, by
   name (or by distance once "autour de moi" has an origin), a hundred at a time. Each
   entry says what a popup says, in short, and can show its venue on the map. The
   complete server-rendered lists are on the territory pages. */
import { badges, directionsLink } from "./map.js";
import { venueLink } from "./links.js";
import { openingText } from "./hours.js";

var PAGE = 100;
var listEl = document.getElementById("liste-lieux");
var moreEl = document.querySelector(".list-more");
var emptyEl = document.getElementById("liste-vide");
var current = [], shownCount = 0, distances = null;
var collator = new Intl.Collator("fr", { sensitivity: "base" });
var kmFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

export const hasList = Boolean(listEl);

function span(className, content) {
  var el = document.createElement("span");
  el.className = className;
  el.textContent = content;
  return el;
}

/* Opens a venue's popup on the map (and shows the map on a phone). */
export function showOnMap(v) {
  document.dispatchEvent(new CustomEvent("tierslieux:montrer-carte"));
  var marker = v.markers[0];
  window.tierslieux.cluster.zoomToShowLayer(marker, function () { marker.openPopup(); });
}

function item(v) {
  var li = document.createElement("li");
  li.dataset.id = v.id;
  li.className = "statut-" + v.statut + (v.confirme ? "" : " non-confirme");
  li.appendChild(venueLink(v));
  li.appendChild(span("where", v.etapes.length
    ? "itinérant, " + v.etapes.length + " étapes, au départ de " + v.commune : v.commune));
  li.appendChild(span("types", v.typeLabels.join(", ")));
  badges(v).forEach(function (b) { li.appendChild(b); });
  var hours = v.etapes.length ? null : openingText(v);
  if (hours && hours.indexOf("Ouvert maintenant") === 0) {
    li.appendChild(span("open-now", "ouvert maintenant"));
  }
  if (distances) { li.appendChild(span("distance", "à " + kmFormat.format(distances[v.id]) + " km")); }
  var actions = document.createElement("span");
  actions.className = "item-actions";
  var b = document.createElement("button");
  b.type = "button";
  b.className = "link-button";
  b.textContent = "Voir sur la carte";
  b.setAttribute("aria-label", "Voir sur la carte : " + v.nom);
  b.addEventListener("click", function () { showOnMap(v); });
  actions.appendChild(b);
  actions.appendChild(directionsLink(v.points[0]));
  li.appendChild(actions);
  return li;
}

function more() {
  var frag = document.createDocumentFragment();
  current.slice(shownCount, shownCount + PAGE).forEach(function (v) { frag.appendChild(item(v)); });
  listEl.appendChild(frag);
  shownCount = Math.min(current.length, shownCount + PAGE);
  moreEl.hidden = shownCount >= current.length;
  moreEl.querySelector("button").textContent = "Afficher " +
    Math.min(PAGE, current.length - shownCount) + " lieux de plus (" +
    (current.length - shownCount) + " restants)";
}

/* Redraws the list with these venues; `byDistance` maps ids to km from the chosen origin. */
export function renderList(visible, byDistance) {
  if (!listEl) { return; }
  distances = byDistance || null;
  current = visible.slice().sort(distances
    ? function (a, b) { return distances[a.id] - distances[b.id] || collator.compare(a.nom, b.nom); }
    : function (a, b) { return collator.compare(a.nom, b.nom); });
  listEl.textContent = "";
  shownCount = 0;
  emptyEl.hidden = current.length > 0;
  more();
}

export function setupList(reset) {
  if (!listEl) { return; }
  document.querySelector(".list-static").hidden = true;
  moreEl.querySelector("button").addEventListener("click", more);
  document.getElementById("vider-filtres").addEventListener("click", reset);
}
