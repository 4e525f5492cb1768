/* The issue body: one "### <question>" section per answer, the format of GitHub's issue
   forms that `tierslieux from-issue` reads (question titles come from the catalogue). */
import { catalogue, fields } from "./catalogue.js";

function section(title, value) { return "### " + title + "\n\n" + value; }

/* A new venue, or a correction when `id` names an existing one (its id first, so that a
   reader of the other sections never takes it for part of an answer). */
export function venueBody(answers, id) {
  var parts = id ? [section(catalogue.identifier_title, id)] : [];
  fields.forEach(function (f) {
    if (answers[f.id]) { parts.push(section(f.title, answers[f.id])); }
  });
  return parts.join("\n\n") + "\n";
}

export function confirmBody(id, closed, manager, comment) {
  var c = catalogue.confirm;
  return [
    section(catalogue.identifier_title, id),
    section(c.request_title, closed ? c.closed : c.exact),
    section(c.manager_title, manager ? catalogue.yes : catalogue.no),
    section(c.comment_title, comment.trim() || catalogue.no_response),
  ].join("\n\n") + "\n";
}
