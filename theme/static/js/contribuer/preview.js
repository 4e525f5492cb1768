/* The venue as it will appear in the directory's list: the same markup and classes as the
   list entry (theme/templates/_venue_item.html), so it looks like the real thing. */
import { optionLabel, siteUrl } from "./catalogue.js";

var list = document.getElementById("cf-apercu");
var hoursLine = document.getElementById("cf-apercu-horaires");

function span(cls, text) {
  var node = document.createElement("span");
  node.className = cls;
  node.textContent = text;
  return node;
}

export function renderPreview(data, id, hoursText) {
  var statut = data.statut || "ouvert";
  var item = document.createElement("li");
  item.className = "statut-" + statut;
  var link = document.createElement("a");
  link.textContent = data.nom || "Nom du lieu";
  link.href = id ? siteUrl + "/lieux/" + id + "/" : "#cf-nom";
  item.appendChild(link);
  var first = (data.etapes || [])[0];
  var where = data.commune || (first && first.commune ? "itinérant, au départ de " + first.commune : "commune");
  item.appendChild(span("where", where));
  item.appendChild(span("types", (data.types || []).map(function (t) { return optionLabel("types", t); }).join(", ")));
  if (statut !== "ouvert") { item.appendChild(span("badge", optionLabel("statut", statut))); }
  list.textContent = "";
  list.appendChild(item);
  var lines = [];
  if (data.adresse) { lines.push([data.adresse, data.code_postal, data.commune].filter(Boolean).join(" ")); }
  if (hoursText) { lines.push("Horaires : " + hoursText); }
  hoursLine.textContent = lines.join(" — ");
}
