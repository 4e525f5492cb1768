/* Small repairs made when a person leaves a field, the simple ones `tierslieux from-issue`
   also makes: a web address without https://, a postcode typed with spaces or quotes, a
   phone number written any French way. Anything else is left for from-issue. */

var URL_FIELDS = ["site_web", "accessibilite_fiche_acces_libre"];
var URL_LINES = ["reseaux_sociaux", "sources"];

function url(text) {
  var t = text.trim();
  if (!t || /^[a-z][a-z0-9+.-]*:/i.test(t)) { return t; }
  return /^[^\s@]+\.[^\s@]+$/.test(t) ? "https://" + t.replace(/^\/\//, "") : t;
}

function phone(text) {
  var digits = text.replace(/\(0\)/, "").replace(/[^\d+]/g, "");
  if (/^(\+33|0033)\d{9}$/.test(digits)) { digits = "0" + digits.slice(-9); }
  if (/^0\d{9}$/.test(digits)) { return digits.replace(/(\d\d)(?=\d)/g, "$1 "); }
  return text.trim();
}

export function tidy(id, value) {
  if (URL_FIELDS.indexOf(id) >= 0) { return url(value); }
  if (URL_LINES.indexOf(id) >= 0) { return value.split("\n").map(url).join("\n"); }
  if (id === "code_postal") { return value.replace(/[\s"'«»\u00a0\u202f]/g, ""); }
  if (id === "telephone") { return phone(value); }
  if (id === "courriel") { return value.trim().replace(/^mailto:/i, ""); }
  return value;
}
