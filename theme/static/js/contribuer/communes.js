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

/* Resolves to the names of the communes with this postcode ([] when unknown). */
export function suggestCommunes(postcode) {
  if (!/^\d{5}$/.test(postcode)) { list.textContent = ""; return Promise.resolve([]); }
  return load(postcode.slice(0, 2)).then(function (rows) {
    var names = rows.filter(function (r) { return r[2].split(" ").indexOf(postcode) >= 0; })
      .map(function (r) { return r[0]; });
    list.textContent = "";
    names.forEach(function (name) {
      var option = document.createElement("option");
      option.value = name;
      list.appendChild(option);
    });
    return names;
  });
}

/* Commune names compared as the validator's tools compare them: regardless of case,
   accents, hyphens and "St"/"Saint" (reference/refdata.py normalize_name). */
export function sameCommune(a, b) {
  function plain(name) {
    return name.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[-'’]/g, " ").split(/\s+/).filter(Boolean)
      .map(function (w) { return w === "st" ? "saint" : w === "ste" ? "sainte" : w; }).join(" ");
  }
  return plain(a) === plain(b);
}
