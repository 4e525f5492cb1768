/* Shows what the state selects: the matching venues' markers on the map (and the credit of
   their sources), their items in the server-rendered list, and the results line. Then keeps the address, the option
   counts and the "autour de moi" list in step. */
import { mapEl, form, resultsEl } from "./page.js";
import { venues, state, searchIds, emptyState } from "./state.js";
import { matches } from "./filters.js";
import { cluster, creditSources } from "./map.js";
import { writeUrl } from "./urlstate.js";
import { updateCounts } from "./counts.js";
import { updateNearest } from "./nearme.js";

var countsTimer;

function plural(n, one, many) { return n + " " + (n > 1 ? many : one); }

export function apply() {
  var visible = venues.filter(function (v) { return matches(v, state, null); });
  var shown = {};
  visible.forEach(function (v) { shown[v.id] = true; });
  cluster.clearLayers();
  cluster.addLayers([].concat.apply([], visible.map(function (v) { return v.markers; })));
  creditSources(visible);
  document.querySelectorAll(".venue-list li[data-id]").forEach(function (li) {
    li.hidden = !shown[li.dataset.id];
  });
  document.querySelectorAll(".venue-list .group").forEach(function (g) {
    g.hidden = !g.querySelector("li[data-id]:not([hidden])");
  });
  if (resultsEl) {
    var hiddenClosed = venues.filter(function (v) { return v.statut === "ferme"; }).length;
    var unfiltered = JSON.stringify(state) === JSON.stringify(emptyState()) && !searchIds;
    resultsEl.textContent = visible.length === venues.length
      ? plural(venues.length, "lieu affiché", "lieux affichés") + "."
      : unfiltered
        ? plural(visible.length, "lieu affiché", "lieux affichés") + " ; " +
          plural(hiddenClosed, "lieu fermé est masqué", "lieux fermés sont masqués") +
          " (voir « Statut »)."
        : plural(visible.length, "lieu", "lieux") + " sur " + venues.length +
          " correspond" + (visible.length > 1 ? "ent" : "") + " à votre recherche.";
  }
  mapEl.dataset.visible = String(visible.length);
  if (form) { writeUrl(state); }  // pages without the form keep their address
  // The counts beside each option can wait until the markers are drawn.
  clearTimeout(countsTimer);
  countsTimer = setTimeout(updateCounts, 0);
  updateNearest();
}
