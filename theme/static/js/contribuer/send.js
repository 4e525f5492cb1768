/* Sending: a prefilled GitHub issue (a blank issue with title, label and body: GitHub
   fills an issue *form* only field by field, and the body must keep every section), the
   same text by e-mail for people without a GitHub account, and a copy button. */
import { contactEmail, repositoryUrl } from "./catalogue.js";

// Browsers and GitHub refuse very long addresses; past this the body is pasted by hand.
var MAX_URL = 8000;
var githubLink = document.getElementById("cf-github");
var mailLink = document.getElementById("cf-mail");
var copyButton = document.getElementById("cf-copy");
var textArea = document.getElementById("cf-texte");
var longNote = document.getElementById("cf-long");
var status = document.getElementById("cf-copied");

function query(params) {
  return Object.keys(params).map(function (k) {
    return k + "=" + encodeURIComponent(params[k]);
  }).join("&");
}

export function updateLinks(title, label, body) {
  textArea.value = body;
  var url = repositoryUrl + "/issues/new?" + query({ title: title, labels: label, body: body });
  var tooLong = url.length > MAX_URL;
  if (tooLong) { url = repositoryUrl + "/issues/new?" + query({ title: title, labels: label }); }
  githubLink.href = url;
  longNote.hidden = !tooLong;
  mailLink.href = "mailto:" + contactEmail + "?" + query({ subject: title, body: body });
}

export function setupCopy() {
  copyButton.addEventListener("click", function () {
    var done = function () { status.textContent = "Texte copié : collez-le dans la demande ou dans votre courriel."; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(textArea.value).then(done, function () { fallback(); done(); });
    } else { fallback(); done(); }
  });
  function fallback() {
    var details = textArea.closest("details");
    if (details) { details.open = true; }
    textArea.select();
    document.execCommand("copy");
  }
}
