/* Whether a venue matches a filter state. `except` leaves one filter out, so that the count
   beside each of its options can say what choosing that option would show. */
import { FACETS, searchIds } from "./state.js";
import { openNow } from "./hours.js";

function has(v, facet, code) {
  var value = v[FACETS[facet].col];
  return Array.isArray(value) ? value.indexOf(code) >= 0 : value === code;
}

export function facetOk(v, facet, selected) {
  if (!selected.length) { return true; }
  return FACETS[facet].mode === "and"
    ? selected.every(function (c) { return has(v, facet, c); })
    : selected.some(function (c) { return has(v, facet, c); });
}

export function matches(v, s, except) {
  if (except !== "region" && s.region && v.region !== s.region) { return false; }
  if (except !== "departement" && s.departement && v.departement !== s.departement) {
    return false;
  }
  if (except !== "ouvert" && s.ouvert && !openNow(v)) { return false; }
  if (except !== "gratuit" && s.gratuit && !v.gratuit) { return false; }
  if (except !== "confirme" && s.confirme && !v.confirme) { return false; }
  if (searchIds && !searchIds.has(v.id)) { return false; }
  for (var facet in FACETS) {
    if (facet !== except && !facetOk(v, facet, s[facet])) { return false; }
  }
  return true;
}
