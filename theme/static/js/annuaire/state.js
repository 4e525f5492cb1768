/* The filter state every part of the directory shares: the facets and how their choices
   combine, the default state, and the current venues, state and search results. These
   are live bindings: other modules read them and change them only through the setters. */
import { mapEl } from "./page.js";

export const FACETS = {
  type: { col: "types", vocab: "types", mode: "or" },
  service: { col: "services", vocab: "services", mode: "and" },
  equipement: { col: "equipements", vocab: "equipements", mode: "and" },
  label: { col: "labels", vocab: "labels", mode: "and" },
  porteur: { col: "porteur", vocab: "porteurs", mode: "or" },
  statut: { col: "statut", vocab: "statuts", mode: "or" }
};
export const DEFAULT_STATUTS = ["projet", "ouvert", "ferme_temporairement"];

export let venues = [];
export let state = null;
export let searchIds = null;  // null: no search; else the ids Pagefind found

export function setVenues(list) { venues = list; }
export function setState(s) { state = s; }
export function setSearchIds(ids) { searchIds = ids; }

/* No filter, closed venues hidden, unconfirmed venues shown, and the région or département
   a territory page sets. */
export function emptyState() {
  var s = { q: "", region: mapEl.dataset.region || "", departement: mapEl.dataset.departement || "",
            ouvert: false, gratuit: false, confirme: false };
  Object.keys(FACETS).forEach(function (k) { s[k] = []; });
  s.statut = DEFAULT_STATUTS.slice();
  return s;
}
