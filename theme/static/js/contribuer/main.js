/* The contribution form (/contribuer/): started once the catalogue is in the page. Without
   JavaScript the page explains the two other ways to send the information, and the form
   stays hidden. Each module has one job: answers.js reads and fills the controls, hours.js
   is the opening-hours widget, check.js the schema check, preview.js the list entry,
   message.js the issue text, send.js the links, prefill.js what the URL asks for. */
import { app, byId, catalogue, fields } from "./catalogue.js";
import { form, readAnswers, readData, writeData } from "./answers.js";
import { hoursWidget, parseOsm, toFrench, toOsm } from "./hours.js";
import { check, loadSchema } from "./check.js";
import { renderPreview } from "./preview.js";
import { confirmBody, venueBody } from "./message.js";
import { setupCopy, updateLinks } from "./send.js";
import { tidy } from "./tidy.js";
import { namesCommune, suggestCommunes } from "./communes.js";
import { readRequest } from "./prefill.js";

var request = { mode: "nouveau" };
var touched = {};  // questions the person has left at least once: their errors are shown
var problems = {};
var confirmForm = document.getElementById("cf-confirm");
var modeLine = document.getElementById("cf-mode");
var summary = document.getElementById("cf-bilan");
var hoursInput = document.getElementById("cf-horaires");
var hoursReading = document.getElementById("cf-horaires-lecture");
var widget = null;
var communesOfPostcode = null;  // the postcode's communes, once its file is loaded

function capital(text) { return text.charAt(0).toUpperCase() + text.slice(1); }

function controlsOf(id) {
  var one = document.getElementById("cf-" + id);
  return one ? [one] : Array.from(form.querySelectorAll('input[name="' + id + '"]'));
}

function showProblem(id, problem) {
  var box = document.getElementById("cf-" + id + "-erreur");
  if (!box) { return; }
  var wrapper = box.closest(".cf-field");
  if (problem) {
    var text = capital(problem.message) + (problem.hint ? " " + problem.hint : "");
    if (box.textContent !== text) { box.textContent = text; }
    box.hidden = false;
    wrapper.classList.add("cf-invalid");
    controlsOf(id).forEach(function (c) { c.setAttribute("aria-invalid", "true"); });
  } else {
    box.textContent = "";
    box.hidden = true;
    wrapper.classList.remove("cf-invalid");
    controlsOf(id).forEach(function (c) { c.removeAttribute("aria-invalid"); });
  }
}

function hoursText() {
  var expression = hoursInput.value.trim();
  if (!expression) { return ""; }
  var state = parseOsm(expression);
  return state ? toFrench(state) : expression;
}

function updateHoursReading() {
  var expression = hoursInput.value.trim();
  // Both lines below are announced politely: rewrite them only when they change.
  if (hoursReading.dataset.expression === expression && hoursReading.textContent) { return; }
  hoursReading.dataset.expression = expression;
  var state = expression ? parseOsm(expression) : null;
  if (!expression) { hoursReading.textContent = "Aucun horaire indiqué."; }
  else if (state) {
    hoursReading.textContent = "Lecture : " + toFrench(state);
    var code = document.createElement("span");
    code.className = "cf-osm";
    code.textContent = "Pour l'annuaire : " + expression;
    hoursReading.appendChild(code);
  }
  else {
    hoursReading.textContent = "Horaires gardés tels quels : « " + expression + " ». La réponse à votre demande les relira en toutes lettres ; cochez des jours ci-dessus pour les remplacer.";
  }
}

function summarise() {
  var ids = fields.map(function (f) { return f.id; }).filter(function (id) { return problems[id]; });
  var key = ids.map(function (id) { return id + ":" + problems[id].code; }).join(" ");
  if (summary.dataset.key === key && summary.textContent) { return; }
  summary.dataset.key = key;
  summary.textContent = "";
  if (!ids.length) {
    summary.textContent = "Aucune erreur repérée : vous pouvez envoyer.";
    return;
  }
  var missing = ids.filter(function (id) { return problems[id].code === "champ-manquant" || problems[id].code === "liste-vide"; });
  var wrong = ids.filter(function (id) { return missing.indexOf(id) < 0; });
  [["À remplir : ", missing], ["À vérifier : ", wrong]].forEach(function (part) {
    if (!part[1].length) { return; }
    var line = document.createElement("span");
    line.className = "cf-bilan-line";
    line.appendChild(document.createTextNode(part[0]));
    part[1].forEach(function (id, i) {
      var link = document.createElement("a");
      link.href = "#" + (controlsOf(id)[0] || {}).id;
      link.textContent = byId[id].title;
      link.addEventListener("click", function () { touched[id] = true; update(); });
      line.appendChild(link);
      line.appendChild(document.createTextNode(i < part[1].length - 1 ? ", " : "."));
    });
    summary.appendChild(line);
  });
  summary.appendChild(document.createTextNode(
    " Vous pouvez aussi envoyer tel quel : la réponse automatique dira quoi compléter."));
}

function update() {
  var data = readData();
  problems = check(data);
  if (!problems.commune) {
    var mismatch = communeProblem(data);
    if (mismatch) { problems.commune = mismatch; }
  }
  fields.forEach(function (f) { showProblem(f.id, touched[f.id] ? problems[f.id] : null); });
  updateHoursReading();
  var name = data.nom || (request.data && request.data.nom) || "";
  renderPreview(request.confirming ? request.data : data, request.id, hoursText());
  if (request.confirming) {
    var choice = confirmForm.elements.namedItem("demande").value;
    updateLinks(catalogue.confirm.title + name, catalogue.confirm.label,
                confirmBody(request.id, choice === "closed", confirmForm.elements.namedItem("gestionnaire").checked,
                            confirmForm.elements.namedItem("commentaire").value));
    summary.textContent = "";
    summary.dataset.key = "";
    return;
  }
  summarise();
  var kind = request.mode === "corriger" ? catalogue.correction : catalogue.new_venue;
  updateLinks(kind.title + name, kind.label,
              venueBody(readAnswers(), request.mode === "corriger" ? request.id : null));
}

/* Suggest the communes of a complete postcode; fill in the only one. */
function postcodeChanged() {
  var commune = document.getElementById("cf-commune");
  communesOfPostcode = null;
  suggestCommunes(tidy("code_postal", document.getElementById("cf-code_postal").value)).then(function (rows) {
    communesOfPostcode = rows;
    if (rows.length === 1 && !commune.value.trim()) { commune.value = rows[0][0]; }
    update();
  });
}

/* The commune typed is not one of the postcode's: the catalogue's words for that check
   (code-postal-commune), and the communes that do have this postcode. */
function communeProblem(data) {
  if (!communesOfPostcode || !data.commune || !/^\d{5}$/.test(data.code_postal || "")) { return null; }
  if (communesOfPostcode.some(function (row) { return namesCommune(row, data.commune); })) { return null; }
  var code = catalogue.codes["code-postal-commune"];
  var known = communesOfPostcode.length
    ? "Communes de ce code postal : " + communesOfPostcode.slice(0, 12).map(function (r) { return r[0]; }).join(", ") +
      (communesOfPostcode.length > 12 ? "…" : "") + "."
    : "Aucune commune n'a le code postal " + data.code_postal + ".";
  return { code: "code-postal-commune", message: code.summary, hint: known + " " + code.fix };
}

function fieldOf(target) {
  var id = target.name || (target.id || "").replace(/^cf-/, "");
  return byId[id] ? id : null;
}

function setup() {
  widget = hoursWidget(document.getElementById("cf-horaires-widget"), function (state) {
    hoursInput.value = toOsm(state);
    touched.horaires = true;
    update();
  });
  form.addEventListener("input", function (event) {
    var id = fieldOf(event.target);
    if (id === "horaires") {
      var state = parseOsm(hoursInput.value);
      if (state) { widget.set(state); }
    }
    if (id === "code_postal") { postcodeChanged(); }
    update();
  });
  form.addEventListener("focusout", function (event) {
    var id = fieldOf(event.target);
    if (!id) { return; }
    var repaired = tidy(id, event.target.value || "");
    if (event.target.value !== undefined && repaired !== event.target.value && event.target.type !== "checkbox") {
      event.target.value = repaired;
    }
    touched[id] = true;
    if (id === "code_postal") { postcodeChanged(); }
    update();
  });
  form.addEventListener("change", function (event) {
    var id = fieldOf(event.target);
    if (id) { touched[id] = true; update(); }
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  confirmForm.addEventListener("input", update);
  confirmForm.addEventListener("change", update);
  ["cf-github", "cf-mail", "cf-copy"].forEach(function (id) {
    document.getElementById(id).addEventListener("click", function () {
      fields.forEach(function (f) { touched[f.id] = true; });
      update();
    });
  });
  setupCopy();
}

function applyRequest(found) {
  request = found;
  var nom = found.data && found.data.nom ? "« " + found.data.nom + " »" : "";
  if (found.data) {
    writeData(found.data);
    var state = parseOsm(hoursInput.value);
    if (state) { widget.set(state); }
    postcodeChanged();
    fields.forEach(function (f) { touched[f.id] = true; });
  }
  if (found.mode === "confirmer" || found.mode === "fermer") {
    request.confirming = true;
    app.classList.add("cf-confirming");
    confirmForm.hidden = false;
    form.after(confirmForm);  // the venue's entry first, then the answer about it
    if (found.mode === "fermer") { confirmForm.querySelector('input[value="closed"]').checked = true; }
    document.getElementById("cf-to-correct").href = "?lieu=" + encodeURIComponent(found.id) + "&action=corriger";
    modeLine.textContent = "Confirmer la fiche de " + nom + " : vérifiez l'aperçu, choisissez votre réponse, puis envoyez.";
  } else if (found.mode === "corriger") {
    modeLine.textContent = "Corriger la fiche de " + nom + " : changez ce qui n'est plus exact, puis envoyez. Les champs laissés tels quels sont conservés.";
  } else if (found.shown) {
    modeLine.textContent = "Voici la fiche " + nom + " telle qu'elle a été comprise : vérifiez l'aperçu, corrigez si besoin, puis envoyez.";
  }
  if (!found.data) {
    var statut = document.getElementById("cf-statut");
    if (statut && !statut.value) { statut.value = "ouvert"; }
  }
  if (found.error) { modeLine.textContent = found.error; modeLine.classList.add("cf-warning"); }
  update();
}

setup();
app.hidden = false;
Promise.all([loadSchema(), readRequest()]).then(function (results) {
  if (!results[0]) {
    summary.dataset.schema = "absent";
  }
  applyRequest(results[1]);
  app.dataset.ready = "true";
});
