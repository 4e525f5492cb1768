/* A link to a venue's page, for map popups and the "autour de moi" list. From the
   embeddable map it opens in a new tab, out of the host site's frame. */
import { siteurl, embed } from "./page.js";

export function venueLink(v) {
  var a = document.createElement("a");
  a.href = siteurl + "/lieux/" + encodeURIComponent(v.id) + "/";
  a.textContent = v.nom;
  if (embed) { a.target = "_blank"; a.rel = "noopener"; }
  return a;
}
