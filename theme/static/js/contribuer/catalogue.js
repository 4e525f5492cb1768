/* The form's catalogue, published by the build beside the page (contribuer/formulaire.json,
   from contribute/formcatalogue.py): the questions of the issue form (id, title, kind,
   path in the venue file), their vocabularies, and the validator's French messages.
   Nothing here is typed by hand. If it cannot be loaded, no module starts and the page
   keeps explaining the other ways to send the information. */

export const app = document.getElementById("cf-app");
export const catalogue = await fetch(app.dataset.catalogue).then(function (r) {
  if (!r.ok) { throw new Error("catalogue " + r.status); }
  return r.json();
});
export const fields = catalogue.fields;
export const byId = {};
fields.forEach(function (f) { byId[f.id] = f; });
export const siteUrl = app.dataset.siteurl || "";
export const repositoryUrl = app.dataset.repository;
export const contactEmail = app.dataset.contact;

/* The label of a vocabulary code, e.g. type "fablab" -> "Fablab". */
export function optionLabel(fieldId, code) {
  var f = byId[fieldId];
  var found = f && f.options ? f.options.find(function (o) { return o[0] === code; }) : null;
  return found ? found[1] : code;
}

/* The form question a place in the venue file belongs to ("/tarifs/journee" -> tarifs_journee,
   "/latitude" -> coordonnees, "/types/2" -> types, "/etapes/0/horaires" -> etapes). */
export function fieldForPath(parts) {
  for (var end = parts.length; end > 0; end--) {
    var wanted = parts.slice(0, end).join("/");
    var f = fields.find(function (x) {
      return x.path.join("/") === wanted || (x.kind === "coords" && x.path.indexOf(wanted) >= 0);
    });
    if (f) { return f; }
  }
  return null;
}
