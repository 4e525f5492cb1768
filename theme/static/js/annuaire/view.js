/* Shows what the state selects: the matching venues' markers on the map (and the credit of
   their sources), the home list (drawn from the data) or the items of a territory page's
   server-rendered list, and the results line. Then keeps the address, the option counts,
   the overseas shortcuts and the map's frame in step with the filters. */
import { mapEl, form, resultsEl } from "./page.js";
import { venues, state, searchIds, emptyState } from "./state.js";
import { matches } from "./filters.js";
import { cluster, clustered, creditSources, fitVisible, map, METROPOLE } from "./map.js";
import { writeUrl } from "./urlstate.js";
import { updateCounts } from "./counts.js";
import { distancesFrom, updateNearest } from "./nearme.js";
import { hasList, renderList } from "./list.js";
import { updateOverseas } from "./overseas.js";

var countsTimer, countsFrame, countsGeneration = 0;
var numberFormat = new Intl.NumberFormat("fr-FR");

function plural(n, one, many) { return numberFormat.format(n) + " " + (n > 1 ? many : one); }

export function isDefaultState() {
  return JSON.stringify(state) === JSON.stringify(emptyState()) && !searchIds;
}

/* `fit`: frame the venues shown (after a change the visitor made, or a shared link).
   `instant`: without the zoom animation (the page's first frame: an animation then would
   only delay the map, and Leaflet ignores a new view asked for while it runs). */
export function apply(fit, instant) {
  var visible = venues.filter(function (v) { return matches(v, state, null); });
  // The counts beside each option can wait until the markers are drawn and painted (a
  // task queued from an animation frame runs after that frame).
  clearTimeout(countsTimer);
  cancelAnimationFrame(countsFrame);
  var generation = ++countsGeneration;
  clustered(function () {
    if (generation !== countsGeneration) { return; }  // a later apply() counts instead
    countsFrame = requestAnimationFrame(function () { countsTimer = setTimeout(updateCounts, 0); });
  });
  cluster.setLayers([].concat.apply([], visible.map(function (v) { return v.markers; })));
  creditSources(visible);
  var distances = distancesFrom(visible);
  if (hasList) {
    renderList(visible, distances);
  } else {
    var shown = {};
    visible.forEach(function (v) { shown[v.id] = true; });
    document.querySelectorAll(".venue-list li[data-id]").forEach(function (li) {
      li.hidden = !shown[li.dataset.id];
    });
    document.querySelectorAll(".venue-list .group").forEach(function (g) {
      g.hidden = !g.querySelector("li[data-id]:not([hidden])");
    });
  }
  var unfiltered = isDefaultState();
  if (resultsEl) {
    var hiddenClosed = venues.filter(function (v) { return v.statut === "ferme"; }).length;
    resultsEl.textContent = visible.length === venues.length
      ? plural(venues.length, "lieu affiché", "lieux affichés") + "."
      : unfiltered
        ? plural(visible.length, "lieu affiché", "lieux affichés") + " ; " +
          plural(hiddenClosed, "lieu fermé est masqué", "lieux fermés sont masqués") +
          " (voir « Statut »)."
        : plural(visible.length, "lieu", "lieux") + " sur " + numberFormat.format(venues.length) +
          " correspond" + (visible.length > 1 ? "ent" : "") + " à votre recherche.";
  }
  mapEl.dataset.visible = String(visible.length);
  if (form) { writeUrl(state); }  // pages without the form keep their address
  updateOverseas(visible);
  if (distances) {
    updateNearest(visible, distances);
  } else if (fit) {
    if (unfiltered && !mapEl.dataset.region && !mapEl.dataset.departement) {
      map.fitBounds(METROPOLE, { animate: !instant });
    } else {
      fitVisible(visible, instant);
    }
  }
}
