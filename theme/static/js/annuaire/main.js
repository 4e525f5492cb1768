/* The directory in the browser: map, filters, search and "autour de moi". Used by the
   home page (filters and list), territory pages (a preset région or département) and the
   embeddable map (filters from its URL). Without JavaScript the server-rendered list is
   complete; these modules only narrow what is shown. This entry module starts the others,
   in order, once the map data is loaded. */
import { mapEl, form, embed } from "./page.js";
import { emptyState, setState, setVenues, state, venues } from "./state.js";
import { readUrl } from "./urlstate.js";
import { loadVenues } from "./data.js";
import { createMap, addMarkers, map, cluster } from "./map.js";
import { setupForm } from "./form.js";
import { apply } from "./view.js";
import { overseasShortcuts } from "./overseas.js";
import { setupNearby } from "./nearme.js";
import { runSearch } from "./search.js";

function start() {
  createMap();
  setState(emptyState());
  // For tests and benchmarks: the map, its markers and the current state.
  window.tierslieux = { map: map, cluster: cluster, state: function () { return state; } };

  loadVenues(mapEl.dataset.source).then(function (list) {
    list.forEach(addMarkers);
    setVenues(list);
    if (form) {
      setupForm();
    } else if (embed) {
      setState(readUrl());
    }
    apply();
    overseasShortcuts();
    setupNearby();
    if (state.q) { runSearch(); }
    if (state.region || state.departement) {
      var bounds = cluster.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 }); }
    }
    mapEl.dataset.loaded = String(venues.length);
  });
}

// Leaflet (a classic script) failed to load, or this page has no map: keep the plain list.
if (mapEl && window.L) { start(); }
