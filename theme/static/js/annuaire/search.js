/* Full-text search with Pagefind. Its index is loaded on the first query; the venues it
   finds then narrow the map and the list like any other filter. */
import { siteurl, resultsEl } from "./page.js";
import { state, setSearchIds } from "./state.js";
import { apply } from "./view.js";

var pagefind = null;

export function runSearch() {
  var q = state.q.trim();
  if (!q) { setSearchIds(null); apply(true); return Promise.resolve(); }
  // Resolved against the page, not this module, as SITEURL is written for the page.
  var load = pagefind ? Promise.resolve(pagefind)
    : import(new URL(siteurl + "/pagefind/pagefind.js", document.baseURI).href).then(function (pf) {
      pf.options({ baseUrl: siteurl + "/" });
      pagefind = pf;
      return pf;
    });
  return load.then(function (pf) { return pf.search(q); }).then(function (res) {
    if (state.q.trim() !== q) { return; }  // a newer query is running
    return Promise.all(res.results.slice(0, 2000).map(function (r) { return r.data(); }))
      .then(function (pages) {
        setSearchIds(new Set(pages.map(function (p) {
          var m = /\/lieux\/([^/]+)\//.exec(p.url);
          return m ? decodeURIComponent(m[1]) : null;
        })));
        apply(true);
      });
  }).catch(function () {
    setSearchIds(null);
    if (resultsEl) { resultsEl.textContent = "La recherche n'est pas disponible."; }
  });
}
