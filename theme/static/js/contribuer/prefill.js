/* What the page was opened for: a new venue, an existing venue to confirm, correct or
   report closed (?lieu=<id>&action=confirmer|corriger|fermer, from its published JSON
   donnees/lieux/<id>.json), or a venue shown from a link (#fiche=<base64url JSON>, the
   preview link of the answer to an issue). */
import { siteUrl } from "./catalogue.js";

var ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
var ACTIONS = ["confirmer", "corriger", "fermer"];

function fromBase64Url(text) {
  var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  while (b64.length % 4) { b64 += "="; }
  var bytes = Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}

/* Resolves to {mode, id, data, error}: mode is "nouveau", "confirmer", "corriger" or
   "fermer"; error is a French sentence when the link could not be read. */
export function readRequest() {
  var params = new URLSearchParams(location.search);
  var hash = location.hash.match(/^#fiche=([A-Za-z0-9_-]+={0,2})$/);
  if (hash) {
    try {
      var data = fromBase64Url(hash[1]);
      if (data && typeof data === "object" && !Array.isArray(data)) {
        return Promise.resolve({ mode: "nouveau", data: data, shown: true });
      }
    } catch (e) { /* explained below */ }
    return Promise.resolve({ mode: "nouveau", error: "Le lien de la fiche est incomplet ou abîmé : le formulaire est vide." });
  }
  var id = params.get("lieu");
  if (!id) { return Promise.resolve({ mode: "nouveau" }); }
  var action = ACTIONS.indexOf(params.get("action")) >= 0 ? params.get("action") : "corriger";
  if (!ID.test(id)) {
    return Promise.resolve({ mode: "nouveau", error: "« " + id.slice(0, 80) + " » n'est pas un identifiant de lieu : le formulaire est vide." });
  }
  return fetch(siteUrl + "/donnees/lieux/" + id + ".json").then(function (r) {
    if (!r.ok) { throw new Error(String(r.status)); }
    return r.json();
  }).then(function (data) {
    return { mode: action, id: id, data: data };
  }).catch(function () {
    return { mode: "nouveau", error: "Aucun lieu n'a l'identifiant « " + id + " » dans l'annuaire : vous pouvez le proposer comme nouveau lieu." };
  });
}
