/* The filter state in the address (?type=…&region=…&q=…), so that a filtered map can be
   shared, bookmarked or embedded. Only what differs from the default state is written. */
import { FACETS, DEFAULT_STATUTS, emptyState } from "./state.js";

export function readUrl() {
  var p = new URLSearchParams(window.location.search);
  var s = emptyState();
  s.q = p.get("q") || "";
  ["region", "departement"].forEach(function (k) { if (p.get(k)) { s[k] = p.get(k); } });
  s.ouvert = p.get("ouvert") === "1";
  s.gratuit = p.get("gratuit") === "1";
  s.confirme = p.get("confirme") === "1";
  Object.keys(FACETS).forEach(function (k) {
    if (p.has(k)) { s[k] = p.get(k).split(",").filter(Boolean); }
  });
  return s;
}

export function writeUrl(s) {
  var p = new URLSearchParams();
  if (s.q) { p.set("q", s.q); }
  ["region", "departement"].forEach(function (k) { if (s[k]) { p.set(k, s[k]); } });
  if (s.ouvert) { p.set("ouvert", "1"); }
  if (s.gratuit) { p.set("gratuit", "1"); }
  if (s.confirme) { p.set("confirme", "1"); }
  Object.keys(FACETS).forEach(function (k) {
    var v = s[k].slice().sort();
    var dflt = k === "statut" ? DEFAULT_STATUTS.slice().sort() : [];
    if (v.join(",") !== dflt.join(",")) { p.set(k, v.join(",")); }
  });
  var query = p.toString().replace(/%2C/g, ",");
  history.replaceState(null, "", query ? "?" + query : window.location.pathname);
}
