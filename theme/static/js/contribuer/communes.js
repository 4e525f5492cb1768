/* Commune suggestions from the official list: once a postcode is typed, the small file of
   its first two digits (published by the build under donnees/communes/) gives the
   communes that have it; a single one is filled in. */
import { siteUrl } from "./catalogue.js";

var files = {};
var list = document.getElementById("cf-communes");

function load(prefix) {
  if (!files[prefix]) {
    files[prefix] = fetch(siteUrl + "/donnees/communes/" + prefix + ".json")
      .then(function (r) { return r.ok ? r.json() : []; })
      .catch(function () { return []; });
  }
  return files[prefix];
}

/* Resolves to the communes with this postcode, [[name, INSEE, postcodes, former
   names], ...] ([] when unknown), and lists their names as suggestions. */
export function suggestCommunes(postcode) {
  if (!/^\d{5}$/.test(postcode)) { list.textContent = ""; return Promise.resolve([]); }
  return load(postcode.slice(0, 2)).then(function (rows) {
    var found = rows.filter(function (r) { return r[2].split(" ").indexOf(postcode) >= 0; });
    var names = found.map(function (r) { return r[0]; });
    list.textContent = "";
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
    return found;
  });
}

/* Whether a typed name designates this commune, as from-issue decides
   (reference/refdata.py): regardless of case, accents, hyphens and "St"/"Saint", by its
   name or a former name, or as part of its name ("Florac" for "Florac Trois Rivières"). */
export function namesCommune(row, typed) {
  function plain(name) {
    return name.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[-'’]/g, " ").split(/\s+/).filter(Boolean)
      .map(function (w) { return w === "st" ? "saint" : w === "ste" ? "sainte" : w; }).join(" ");
  }
  var wanted = plain(typed);
  if (!wanted) { return false; }
  var names = [row[0]].concat(row[3] ? row[3].split("|") : []);
  return names.some(function (n) { return plain(n) === wanted; }) || plain(row[0]).indexOf(wanted) >= 0;
}
