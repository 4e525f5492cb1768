/* The directory in the browser: map, filters, search and "autour de moi".
   Used by the home page (filters and list), territory pages (a preset région or
   département) and the embeddable map (filters from its URL). Without JavaScript the
   server-rendered list is complete; this script only narrows what is shown. */
(function () {
  "use strict";
  var el = document.getElementById("carte");
  if (!el || !window.L) { return; }

  var form = document.getElementById("filtres");
  var resultsEl = document.getElementById("resultats");
  var siteurl = el.dataset.siteurl || "";
  var embed = document.body.classList.contains("embed");
  var FACETS = {
    type: { col: "types", vocab: "types", mode: "or" },
    service: { col: "services", vocab: "services", mode: "and" },
    equipement: { col: "equipements", vocab: "equipements", mode: "and" },
    label: { col: "labels", vocab: "labels", mode: "and" },
    porteur: { col: "porteur", vocab: "porteurs", mode: "or" },
    statut: { col: "statut", vocab: "statuts", mode: "or" }
  };
  var DEFAULT_STATUTS = ["projet", "ouvert", "ferme_temporairement"];
  var OVERSEAS = [
    ["Guadeloupe", -61.9, 15.8, -60.9, 16.6], ["Martinique", -61.3, 14.35, -60.75, 14.95],
    ["Guyane", -54.7, 2.1, -51.5, 5.9], ["La Réunion", 55.2, -21.45, 55.9, -20.8],
    ["Mayotte", 44.9, -13.1, 45.35, -12.6]
  ];
  var numberFormat = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });

  var map = L.map(el, { scrollWheelZoom: embed, minZoom: 2 });
  map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);
  L.tileLayer(el.dataset.tiles, {
    subdomains: el.dataset.subdomains || "abc",
    maxZoom: Number(el.dataset.maxzoom) || 19,
    attribution: el.dataset.attribution
  }).addTo(map);
  var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50,
                                       chunkedLoading: true });
  map.addLayer(cluster);
  var icon = L.divIcon({ className: "tl-marker", iconSize: [18, 18], html: "" });
  var venues = [];
  var searchIds = null;  // null: no search; else the ids Pagefind found
  var state = emptyState();
  window.tierslieux = { map: map, cluster: cluster, state: function () { return state; } };

  function emptyState() {
    var s = { q: "", region: el.dataset.region || "", departement: el.dataset.departement || "",
              ouvert: false, gratuit: false };
    Object.keys(FACETS).forEach(function (k) { s[k] = []; });
    s.statut = DEFAULT_STATUTS.slice();
    return s;
  }

  function readUrl() {
    var p = new URLSearchParams(window.location.search);
    var s = emptyState();
    s.q = p.get("q") || "";
    ["region", "departement"].forEach(function (k) { if (p.get(k)) { s[k] = p.get(k); } });
    s.ouvert = p.get("ouvert") === "1";
    s.gratuit = p.get("gratuit") === "1";
    Object.keys(FACETS).forEach(function (k) {
      if (p.has(k)) { s[k] = p.get(k).split(",").filter(Boolean); }
    });
    return s;
  }

  function writeUrl() {
    if (!form) { return; }
    var p = new URLSearchParams();
    if (state.q) { p.set("q", state.q); }
    ["region", "departement"].forEach(function (k) { if (state[k]) { p.set(k, state[k]); } });
    if (state.ouvert) { p.set("ouvert", "1"); }
    if (state.gratuit) { p.set("gratuit", "1"); }
    Object.keys(FACETS).forEach(function (k) {
      var v = state[k].slice().sort();
      var dflt = k === "statut" ? DEFAULT_STATUTS.slice().sort() : [];
      if (v.join(",") !== dflt.join(",")) { p.set(k, v.join(",")); }
    });
    var query = p.toString().replace(/%2C/g, ",");
    history.replaceState(null, "", query ? "?" + query : window.location.pathname);
  }

  /* --- opening hours: minutes of the usual week, in each venue's time zone --- */
  var clocks = {};
  function minuteOfWeek(zone) {
    if (clocks[zone] === undefined) {
      var parts = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
      }).formatToParts(new Date());
      var get = function (t) { return parts.find(function (x) { return x.type === t; }).value; };
      var day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday"));
      clocks[zone] = day * 1440 + Number(get("hour")) * 60 + Number(get("minute"));
    }
    return clocks[zone];
  }
  function openNow(v) {
    if (!v.ouverture) { return false; }
    var m = minuteOfWeek(v.fuseau);
    return v.ouverture.some(function (s) { return m >= s[0] && m < s[1]; });
  }

  /* --- filtering --- */
  function has(v, facet, code) {
    var value = v[FACETS[facet].col];
    return Array.isArray(value) ? value.indexOf(code) >= 0 : value === code;
  }
  function facetOk(v, facet, selected) {
    if (!selected.length) { return true; }
    return FACETS[facet].mode === "and"
      ? selected.every(function (c) { return has(v, facet, c); })
      : selected.some(function (c) { return has(v, facet, c); });
  }
  function matches(v, s, except) {
    if (except !== "region" && s.region && v.region !== s.region) { return false; }
    if (except !== "departement" && s.departement && v.departement !== s.departement) {
      return false;
    }
    if (except !== "ouvert" && s.ouvert && !openNow(v)) { return false; }
    if (except !== "gratuit" && s.gratuit && !v.gratuit) { return false; }
    if (searchIds && !searchIds.has(v.id)) { return false; }
    for (var facet in FACETS) {
      if (facet !== except && !facetOk(v, facet, s[facet])) { return false; }
    }
    return true;
  }

  function plural(n, one, many) { return n + " " + (n > 1 ? many : one); }

  function updateCounts() {
    if (!form) { return; }
    form.querySelectorAll("[data-count]").forEach(function (span) {
      var key = span.dataset.count.split(":");
      var facet = key[0], code = key[1];
      var n = 0;
      venues.forEach(function (v) {
        if (!matches(v, state, facet)) { return; }
        if (facet === "ouvert") { n += openNow(v) ? 1 : 0; return; }
        if (facet === "gratuit") { n += v.gratuit ? 1 : 0; return; }
        var selected = state[facet].indexOf(code) >= 0 ? state[facet]
          : (FACETS[facet].mode === "and" ? state[facet].concat([code]) : [code]);
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

  function apply() {
    var visible = venues.filter(function (v) { return matches(v, state, null); });
    var shown = {};
    visible.forEach(function (v) { shown[v.id] = true; });
    cluster.clearLayers();
    cluster.addLayers([].concat.apply([], visible.map(function (v) { return v.markers; })));
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
    el.dataset.visible = String(visible.length);
    writeUrl();
    // The counts beside each option can wait until the markers are drawn.
    clearTimeout(apply.later);
    apply.later = setTimeout(updateCounts, 0);
    updateNearest();
  }

  /* --- the form <-> state --- */
  function stateToForm() {
    if (!form) { return; }
    form.q.value = state.q;
    form.region.value = state.region;
    form.departement.value = state.departement;
    form.ouvert.checked = state.ouvert;
    form.gratuit.checked = state.gratuit;
    Object.keys(FACETS).forEach(function (k) {
      var boxes = form.querySelectorAll("input[name=" + k + "]");
      boxes.forEach(function (box) { box.checked = state[k].indexOf(box.value) >= 0; });
      var dflt = k === "statut" ? DEFAULT_STATUTS.slice().sort().join() : "";
      if (boxes.length && state[k].slice().sort().join() !== dflt) {
        boxes[0].closest("details").open = true;  // show the filters a shared link applies
      }
    });
  }
  function formToState() {
    state.region = form.region.value;
    state.departement = form.departement.value;
    state.ouvert = form.ouvert.checked;
    state.gratuit = form.gratuit.checked;
    Object.keys(FACETS).forEach(function (k) {
      state[k] = Array.prototype.map.call(
        form.querySelectorAll("input[name=" + k + "]:checked"), function (b) { return b.value; });
    });
  }

  /* --- full-text search with Pagefind --- */
  var pagefind = null;
  function runSearch() {
    var q = state.q.trim();
    if (!q) { searchIds = null; apply(); return Promise.resolve(); }
    var load = pagefind ? Promise.resolve(pagefind)
      : import(siteurl + "/pagefind/pagefind.js").then(function (pf) {
        pf.options({ baseUrl: siteurl + "/" });
        pagefind = pf;
        return pf;
      });
    return load.then(function (pf) { return pf.search(q); }).then(function (res) {
      if (state.q.trim() !== q) { return; }  // a newer query is running
      return Promise.all(res.results.slice(0, 2000).map(function (r) { return r.data(); }))
        .then(function (pages) {
          searchIds = new Set(pages.map(function (p) {
            var m = /\/lieux\/([^/]+)\//.exec(p.url);
            return m ? decodeURIComponent(m[1]) : null;
          }));
          apply();
        });
    }).catch(function () {
      searchIds = null;
      if (resultsEl) { resultsEl.textContent = "La recherche n'est pas disponible."; }
    });
  }

  /* --- autour de moi --- */
  var origin = null, originMarker = null;
  function km(a, b) {
    var r = Math.PI / 180, dLat = (b[0] - a[0]) * r, dLon = (b[1] - a[1]) * r;
    var h = Math.pow(Math.sin(dLat / 2), 2) +
      Math.cos(a[0] * r) * Math.cos(b[0] * r) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
  }
  function updateNearest() {
    var list = document.getElementById("plus-proches");
    if (!list || !origin) { return; }
    var ranked = venues.filter(function (v) { return matches(v, state, null); })
      .map(function (v) {
        var d = Math.min.apply(null, v.points.map(function (p) { return km(origin.at, p); }));
        return { v: v, d: d };
      })
      .sort(function (a, b) { return a.d - b.d || (a.v.id < b.v.id ? -1 : 1); }).slice(0, 10);
    list.textContent = "";
    ranked.forEach(function (item) {
      var li = document.createElement("li");
      li.dataset.id = item.v.id;
      li.appendChild(venueLink(item.v));
      li.appendChild(document.createTextNode(" — " + item.v.commune + ", à " +
        numberFormat.format(item.d) + " km"));
      list.appendChild(li);
    });
    document.getElementById("autour-statut").textContent = ranked.length
      ? "Les " + ranked.length + " lieux les plus proches de " + origin.label + " :"
      : "Aucun lieu ne correspond aux filtres.";
    var bounds = L.latLngBounds([origin.at]);
    ranked.slice(0, 5).forEach(function (item) { item.v.points.forEach(function (p) {
      bounds.extend(p);
    }); });
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 13 });
  }
  function setOrigin(at, label) {
    origin = { at: at, label: label };
    if (originMarker) { map.removeLayer(originMarker); }
    originMarker = L.circleMarker(at, { radius: 8, color: "#8c1c13", weight: 3 })
      .bindTooltip(label).addTo(map);
    updateNearest();
  }
  function setupNearby() {
    var box = document.getElementById("autour");
    if (!box) { return; }
    box.hidden = false;
    var status = document.getElementById("autour-statut");
    document.getElementById("ma-position").addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = "Votre navigateur ne donne pas sa position."; return; }
      status.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        setOrigin([pos.coords.latitude, pos.coords.longitude], "votre position");
      }, function () {
        status.textContent = "Position indisponible : indiquez plutôt une commune.";
      }, { timeout: 10000 });
    });
    document.getElementById("autour-commune").addEventListener("submit", function (ev) {
      ev.preventDefault();
      var name = ev.target.commune.value.trim();
      if (!name) { return; }
      status.textContent = "Recherche de « " + name + " »…";
      fetch(el.dataset.geocoder + "?type=municipality&limit=1&q=" + encodeURIComponent(name))
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (data) {
          var f = data.features && data.features[0];
          if (!f) { status.textContent = "Commune introuvable : « " + name + " »."; return; }
          var c = f.geometry.coordinates;
          setOrigin([c[1], c[0]], f.properties.city || f.properties.label || name);
        })
        .catch(function () {
          status.textContent = "Le service de recherche de communes ne répond pas ; réessayez plus tard.";
        });
    });
  }

  function venueLink(v) {
    var a = document.createElement("a");
    a.href = siteurl + "/lieux/" + encodeURIComponent(v.id) + "/";
    a.textContent = v.nom;
    if (embed) { a.target = "_blank"; a.rel = "noopener"; }
    return a;
  }

  function overseasShortcuts() {
    var box = document.getElementById("outre-mer");
    if (!box) { return; }
    OVERSEAS.forEach(function (t) {
      var n = venues.filter(function (v) {
        return matches(v, state, null) && v.points.some(function (p) {
          return p[1] >= t[1] && p[1] <= t[3] && p[0] >= t[2] && p[0] <= t[4];
        });
      }).length;
      if (!n) { return; }
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = t[0] + " (" + n + ")";
      b.addEventListener("click", function () { map.fitBounds([[t[2], t[1]], [t[4], t[3]]]); });
      li.appendChild(b);
      box.querySelector("ul").appendChild(li);
      box.hidden = false;
    });
  }

  fetch(el.dataset.source, { credentials: "same-origin", mode: "cors" })
    .then(function (r) { return r.json(); }).then(function (data) {
    var c = {}, voc = data.vocabulaires;
    data.colonnes.forEach(function (name, i) { c[name] = i; });
    var codes = function (list, vocab) { return list.map(function (i) { return voc[vocab][i]; }); };
    venues = data.lieux.map(function (row) {
      var v = {
        id: row[c.id], nom: row[c.nom], commune: row[c.commune],
        statut: voc.statuts[row[c.statut]],
        types: codes(row[c.types], "types"), services: codes(row[c.services], "services"),
        equipements: codes(row[c.equipements], "equipements"),
        labels: codes(row[c.labels], "labels"),
        porteur: row[c.porteur] >= 0 ? voc.porteurs[row[c.porteur]] : "",
        region: voc.regions[row[c.region]][0],
        departement: voc.departements[row[c.departement]][0],
        gratuit: row[c.gratuit] === 1, points: row[c.points],
        ouverture: row[c.ouverture] >= 0 ? voc.horaires[row[c.ouverture]] : null,
        fuseau: voc.fuseaux[row[c.fuseau]]
      };
      v.markers = v.points.map(function (p) {
        var m = L.marker(p, { icon: icon, title: v.nom, alt: v.nom, venueId: v.id });
        m.bindPopup(function () {
          var box = document.createElement("div");
          box.appendChild(venueLink(v));
          box.appendChild(document.createElement("br"));
          box.appendChild(document.createTextNode(v.commune));
          return box;
        });
        return m;
      });
      return v;
    });
    if (form) {
      form.hidden = false;
      Array.prototype.forEach.call(form.querySelectorAll("select option"), function (o) {
        o.dataset.label = o.textContent;
      });
      state = readUrl();
      stateToForm();
      var timer = null;
      form.addEventListener("change", function (ev) {
        if (ev.target.name === "q") { return; }
        if (ev.target.name === "region" && form.departement.value) {
          var opt = form.departement.selectedOptions[0];
          if (opt && form.region.value && opt.dataset.region !== form.region.value) {
            form.departement.value = "";
          }
        }
        formToState();
        apply();
      });
      form.q.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () { state.q = form.q.value; runSearch(); }, 250);
      });
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        state.q = form.q.value;
        runSearch();
      });
      form.addEventListener("reset", function (ev) {
        ev.preventDefault();
        state = emptyState();
        searchIds = null;
        stateToForm();
        apply();
      });
    } else if (embed) {
      state = readUrl();
    }
    apply();
    overseasShortcuts();
    setupNearby();
    if (state.q) { runSearch(); }
    if (state.region || state.departement) {
      var bounds = cluster.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 12 }); }
    }
    el.dataset.loaded = String(venues.length);
  });
})();
