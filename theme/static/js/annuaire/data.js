/* Loads carte.json, the map's compact data (one row per venue, codes as indexes into
   shared vocabularies), and decodes it into one plain object per venue. `confirme` says
   whether the venue was confirmed since the datasets it comes from (`jeux`, their credits);
   `etapes` are an itinerant venue's stops (commune and week schedule, as written). */

function read(url) {
  // Credentials and mode as the page's preload link (crossorigin="anonymous"), whose
  // response is then used.
  return fetch(url, { credentials: "same-origin", mode: "cors" })
    .then(function (r) { return r.json(); });
}

/* The home page preloads carte.json and runs this module as soon as it arrives, before the
   others (index.html): reading and parsing start then. */
var preload = document.querySelector('link[rel="preload"][as="fetch"][href$="/carte.json"]');
var early = preload ? { url: preload.href, data: read(preload.href) } : null;

export function loadVenues(url) {
  var ready = early && early.url === new URL(url, document.baseURI).href ? early.data : read(url);
  return ready.then(function (data) {
    var c = {}, voc = data.vocabulaires;
    data.colonnes.forEach(function (name, i) { c[name] = i; });
    var codes = function (list, vocab) { return list.map(function (i) { return voc[vocab][i]; }); };
    var names = data.libelles;
    return data.lieux.map(function (row) {
      return {
        id: row[c.id], nom: row[c.nom], commune: row[c.commune],
        statut: voc.statuts[row[c.statut]], statutLabel: names.statuts[row[c.statut]],
        typeLabels: row[c.types].map(function (i) { return names.types[i]; }),
        types: codes(row[c.types], "types"), services: codes(row[c.services], "services"),
        equipements: codes(row[c.equipements], "equipements"),
        labels: codes(row[c.labels], "labels"),
        porteur: row[c.porteur] >= 0 ? voc.porteurs[row[c.porteur]] : "",
        region: voc.regions[row[c.region]][0],
        departement: voc.departements[row[c.departement]][0],
        gratuit: row[c.gratuit] === 1, points: row[c.points],
        ouverture: row[c.ouverture] >= 0 ? voc.horaires[row[c.ouverture]] : null,
        fuseau: voc.fuseaux[row[c.fuseau]],
        confirme: row[c.confirme] !== 0,
        jeux: (row[c.jeux] || []).map(function (i) { return voc.jeux[i]; }),
        etapes: (row[c.etapes] || []).map(function (s) { return { commune: s[0], horaires: s[1] }; }),
        aVerifier: row[c.a_verifier] === 1
      };
    });
  });
}
