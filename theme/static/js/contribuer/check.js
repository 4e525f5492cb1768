/* The answers checked against the same JSON Schema as the validator (the published
   schema/venue.schema.json), by Ajv, with the validator's French messages from the
   catalogue. What the form does not ask (identifier, verification date, INSEE code,
   coordinates) is worked out by `tierslieux from-issue`, so its absence is not an error. */
import { catalogue, fieldForPath, siteUrl } from "./catalogue.js";

var DEDUCED = ["id", "date_verification", "code_insee", "latitude", "longitude"];
var validate = null;

/* The "date" format: the schema's pattern checks the shape, this the calendar, as
   Python's date.fromisoformat does. The "email" format is left to the schema's pattern:
   the validator accepts what both its engines accept, and the pattern is the stricter. */
function realDate(text) {
  var m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(text);
  if (!m) { return false; }
  var d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3]);
}

export function loadSchema() {
  var Ajv = window.ajv2020 && (window.ajv2020.default || window.ajv2020);
  if (!Ajv) { return Promise.resolve(false); }
  return fetch(siteUrl + "/donnees/schema/venue.schema.json").then(function (r) {
    if (!r.ok) { throw new Error(String(r.status)); }
    return r.json();
  }).then(function (schema) {
    var ajv = new Ajv({ allErrors: true, verbose: true, strict: false, formats: { date: realDate, email: true } });
    validate = ajv.compile(schema);
    return true;
  }).catch(function () { return false; });
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
}

function show(value) {
  var text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length <= 60 ? text : text.slice(0, 57) + "…";
}

function kindOf(value) {
  if (value === null || value === undefined) { return catalogue.types["null"]; }
  if (Array.isArray(value)) { return catalogue.types.array; }
  if (typeof value === "number") { return Number.isInteger(value) ? catalogue.types.integer : catalogue.types.number; }
  return catalogue.types[typeof value === "object" ? "object" : typeof value] || catalogue.types.string;
}

function join() { return Array.from(arguments).filter(Boolean).join(" "); }

/* {code, message, hint} for one Ajv error, in the validator's words. */
function explain(error, field, value) {
  var m = catalogue.messages, h = catalogue.hints;
  var k = error.keyword;
  var hint = field.hint || "";
  if (k === "required") {
    return { code: "champ-manquant", message: fill(m["champ-manquant"], { field: field.title }),
             hint: join(h["champ-manquant"], hint) };
  }
  if (k === "type") {
    var wanted = [].concat(error.params.type).map(function (t) { return catalogue.types[t] || t; }).join(" ou ");
    return { code: "type-invalide", message: fill(m["type-invalide"], { value: show(value), kind: kindOf(value), wanted: wanted }), hint: hint };
  }
  if (k === "enum") {
    return { code: "valeur-hors-vocabulaire", message: fill(m["valeur-hors-vocabulaire"], { value: show(value) }), hint: "" };
  }
  if ((k === "format" && error.params.format === "date") || (k === "pattern" && error.parentSchema && error.parentSchema.format === "date")) {
    return { code: "date-invalide", message: fill(m["date-invalide"], { value: show(value) }), hint: h["date-invalide"] };
  }
  if (k === "pattern" || k === "format") {
    return { code: "format-invalide", message: fill(m["format-invalide"], { value: show(value) }), hint: join(h["format-invalide"], hint) };
  }
  if (catalogue.limits[k]) {
    return { code: "valeur-hors-limites",
             message: fill(m["valeur-hors-limites"], { value: show(value), wanted: catalogue.limits[k].replace("{}", error.params.limit) }),
             hint: join(h["valeur-hors-limites"], hint) };
  }
  if (k === "minItems") {
    return { code: "liste-vide", message: fill(m["liste-vide"], { field: field.title }), hint: join(h["liste-vide"], hint) };
  }
  if (k === "uniqueItems") {
    return { code: "valeur-en-double", message: fill(m["valeur-en-double"], { field: field.title }), hint: h["valeur-en-double"] };
  }
  return null;
}

function valueAt(data, parts) {
  return parts.reduce(function (node, p) { return node == null ? undefined : node[p]; }, data);
}

/* {field id: {code, message, hint}}: the first problem of each question, or {} when the
   schema could not be loaded (the validator still checks everything after sending). */
export function check(data) {
  if (!validate) { return {}; }
  var candidate = Object.assign({ id: "lieu", date_verification: "2000-01-01" }, data);
  validate(candidate);
  var out = {};
  (validate.errors || []).forEach(function (error) {
    var parts = error.instancePath.split("/").slice(1);
    if (error.keyword === "required") {
      if (DEDUCED.indexOf(error.params.missingProperty) >= 0) { return; }
      parts = parts.concat([error.params.missingProperty]);
    }
    if (error.keyword === "if" || error.keyword === "false schema") { return; }
    var field = fieldForPath(parts);
    if (!field || out[field.id]) { return; }
    var found = explain(error, field, valueAt(candidate, parts));
    if (found) { out[field.id] = found; }
  });
  return out;
}
