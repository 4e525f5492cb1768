/* The directory in the browser: map, filters, search and "autour de moi". Used by the
   home page (filters and a list drawn from the data), territory pages (a preset région or
   département, their server-rendered list) and the embeddable map (filters from its URL).
   Without JavaScript the territory pages list every venue; these modules only narrow what
   is shown. This entry module starts the others, in order, once the map data is loaded. */
import { mapEl, form, embed } from "./page.js";
import { emptyState, setState, setVenues, state, venues } from "./state.js";
import { readUrl } from "./urlstate.js";
import { loadVenues } from "./data.js";
import { createMap, addMarkers, map, cluster } from "./map.js";
import { resetFilters, setupForm } from "./form.js";
import { apply, isDefaultState } from "./view.js";
import { overseasShortcuts } from "./overseas.js";
import { setupNearby } from "./nearme.js";
import { runSearch } from "./search.js";
import { setupList } from "./list.js";

/* On a phone, the list or the map, one tap apart; on a wide screen, both fill the rest of
   the window below the filters. */
function setupViewSwitch() {
  var none = function () {};
  var bar = document.querySelector(".view-switch");
  var explore = document.querySelector(".home-explore");
  if (!bar || !explore) { return none; }
  bar.hidden = false;
  var fit = function () {
    document.documentElement.style.setProperty(
      "--explore-top", Math.round(explore.getBoundingClientRect().top + window.scrollY) + "px");
    map.invalidateSize();
  };
  window.addEventListener("resize", fit);
  fit();
  var show = function (view) {
    explore.dataset.view = view;
    bar.querySelectorAll("button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.view === view));
    });
    if (view === "carte") { map.invalidateSize(); }
  };
  bar.addEventListener("click", function (ev) {
    var b = ev.target.closest("button[data-view]");
    if (b) { show(b.dataset.view); }
  });
  document.addEventListener("tierslieux:montrer-carte", function () { show("carte"); });
  return fit;
}

function start() {
  // Without JavaScript the home page has no view, and hides the map's empty area: show it
  // (on a phone, behind the switch) before Leaflet measures it.
  var explore = document.querySelector(".home-explore");
  if (explore) { explore.dataset.view = "liste"; }
  createMap();
  setState(emptyState());
  // For tests and benchmarks: the map, its markers and the current state.
  window.tierslieux = { map: map, cluster: cluster, state: function () { return state; } };
  overseasShortcuts();
  var layout = setupViewSwitch();
  // Leaflet measures its container once: tell it when the layout changes its size.
  if (window.ResizeObserver) {
    new ResizeObserver(function () { map.invalidateSize(); }).observe(mapEl);
  }

  loadVenues(mapEl.dataset.source).then(function (list) {
    // Marks for the benchmark's breakdown of the time to a drawn map (tests/bench).
    performance.mark("tierslieux:decoded");
    list.forEach(addMarkers);
    performance.mark("tierslieux:markers");
    setVenues(list);
    if (form) {
      setupForm();
      layout();  // the filters, now shown, moved the map down
    } else if (embed) {
      setState(readUrl());
    }
    setupList(resetFilters);
    setupNearby(function () { apply(true); });
    apply(!isDefaultState() || Boolean(mapEl.dataset.region || mapEl.dataset.departement), true);
    if (state.q) { runSearch(); }
    mapEl.dataset.loaded = String(venues.length);
  });
}

// Leaflet (a classic script) failed to load, or this page has no map: keep the plain list.
if (mapEl && window.L) { start(); }
