/* The number beside each filter option, and in the région and département lists: how many
   venues that choice would show, given the other filters. */
import { form } from "./page.js";
import { FACETS, venues, state } from "./state.js";
import { facetOk, matches } from "./filters.js";
import { openNow } from "./hours.js";

export function updateCounts() {
  if (!form) { return; }
  // The venues the other filters select, once per filter rather than once per option.
  var pools = {};
  form.querySelectorAll("[data-count]").forEach(function (span) {
    var key = span.dataset.count.split(":");
    var facet = key[0], code = key[1];
    var n = 0;
    if (!pools[facet]) {
      pools[facet] = venues.filter(function (v) { return matches(v, state, facet); });
    }
    var selected = FACETS[facet] && (state[facet].indexOf(code) >= 0 ? state[facet]
      : (FACETS[facet].mode === "and" ? state[facet].concat([code]) : [code]));
    pools[facet].forEach(function (v) {
      if (facet === "ouvert") { n += openNow(v) ? 1 : 0; return; }
      if (facet === "gratuit") { n += v.gratuit ? 1 : 0; return; }
      if (facet === "confirme") { n += v.confirme ? 1 : 0; return; }
      if (facetOk(v, facet, selected)) { n += 1; }
    });
    span.textContent = "(" + n + ")";
  });
  ["region", "departement"].forEach(function (k) {
    var select = form.querySelector("[name=" + k + "]");
    var counts = {};
    venues.forEach(function (v) {
      if (matches(v, state, k)) { counts[v[k]] = (counts[v[k]] || 0) + 1; }
    });
    Array.prototype.forEach.call(select.options, function (o) {
      if (!o.value) { return; }
      o.textContent = o.dataset.label + " (" + (counts[o.value] || 0) + ")";
    });
  });
}
