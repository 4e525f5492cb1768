/* The form's controls, read two ways: as the answers of the issue form (the text GitHub
   would write under each "### question", which `tierslieux from-issue` reads back) and as
   the venue data those answers mean (for the schema check and the preview). Also the
   reverse, to fill the form from an existing venue. */
import { fields, catalogue, optionLabel } from "./catalogue.js";

export const form = document.getElementById("cf-form");

function control(f) { return form.elements.namedItem(f.id); }

function checkedCodes(f) {
  return Array.from(form.querySelectorAll('input[name="' + f.id + '"]:checked'))
    .map(function (box) { return box.value; });
}

function lines(text) {
  return text.split(/\r?\n/).map(function (l) { return l.replace(/^[-*]\s+/, "").trim(); })
    .filter(Boolean);
}

/* Like from-issue's number reading: "12,50 €" is 12.5; anything else stays text, so the
   schema check explains it with the validator's message. */
function number(text, integer) {
  var cleaned = text.replace(/[€\u202f\u00a0 ]/g, "").replace(",", ".");
  if (!/^-?\d+(\.\d+)?$/.test(cleaned)) { return text; }
  var value = Number(cleaned);
  return integer && !Number.isInteger(value) ? text : value;
}

function stop(line) {
  var parts = line.split(";").map(function (p) { return p.trim(); });
  var coords = (parts[2] || "").split(/[,\s]+/).filter(Boolean).map(Number);
  return { commune: parts[0] || "", code_postal: parts[1] || "", latitude: coords[0],
           longitude: coords[1], horaires: parts[3] || "" };
}

function put(data, path, value) {
  var node = data;
  path.slice(0, -1).forEach(function (p) { node = node[p] = node[p] || {}; });
  node[path[path.length - 1]] = value;
}

/* {field id: answer text} for every answered question, in the form's order. */
export function readAnswers() {
  var out = {};
  fields.forEach(function (f) {
    var text;
    if (f.kind === "multi") {
      text = checkedCodes(f).map(function (c) { return optionLabel(f.id, c); }).join(", ");
    } else if (f.kind === "choice" || f.kind === "bool") {
      var value = control(f) ? control(f).value : "";
      text = value ? optionLabel(f.id, value) : "";
    } else {
      text = control(f) ? control(f).value.trim() : "";
    }
    if (text) { out[f.id] = text; }
  });
  return out;
}

/* The venue data the answers mean, as from-issue would read them. */
export function readData() {
  var data = {};
  fields.forEach(function (f) {
    var el = control(f);
    var value;
    if (f.kind === "multi") {
      value = checkedCodes(f);
      if (!value.length) { return; }
    } else {
      var text = el ? el.value.trim() : "";
      if (!text) { return; }
      if (f.kind === "bool") { value = text === "true"; }
      else if (f.kind === "number" || f.kind === "integer") { value = number(text, f.kind === "integer"); }
      else if (f.kind === "lines") { value = lines(text); }
      else if (f.kind === "stops") { value = lines(text).map(stop); }
      else if (f.kind === "coords") {
        var parts = text.split(/[;,\s]+/).filter(Boolean).map(Number);
        data.latitude = parts[0]; data.longitude = parts[1];
        return;
      } else if (f.id === "gestionnaires") {
        value = text.split(",").map(function (h) { return h.trim().replace(/^@/, ""); }).filter(Boolean);
      } else { value = text; }
    }
    put(data, f.path, value);
  });
  return data;
}

function get(data, path) {
  return path.reduce(function (node, p) { return node == null ? undefined : node[p]; }, data);
}

/* Fill the form from a venue's data (same keys as its file); unknown keys are ignored. */
export function writeData(data) {
  fields.forEach(function (f) {
    var value = f.kind === "coords" ? null : get(data, f.path);
    if (f.kind === "multi") {
      var codes = Array.isArray(value) ? value : [];
      form.querySelectorAll('input[name="' + f.id + '"]').forEach(function (box) {
        box.checked = codes.indexOf(box.value) >= 0;
      });
      return;
    }
    var el = control(f);
    if (!el) { return; }
    var text = "";
    if (f.kind === "coords") {
      if (typeof data.latitude === "number" && typeof data.longitude === "number") {
        text = data.latitude + ", " + data.longitude;
      }
    } else if (value === undefined || value === null) {
      text = "";
    } else if (f.kind === "bool") {
      text = value === true ? "true" : value === false ? "false" : "";
    } else if (f.kind === "stops" && Array.isArray(value)) {
      text = value.map(function (s) {
        return [s.commune, s.code_postal, s.latitude + ", " + s.longitude, s.horaires].join(" ; ");
      }).join("\n");
    } else if (Array.isArray(value)) {
      text = value.join(f.id === "gestionnaires" ? ", " : "\n");
    } else {
      text = String(value);
    }
    el.value = text;
  });
}

export { catalogue };
