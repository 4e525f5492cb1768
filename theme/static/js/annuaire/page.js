/* The page the directory runs in, read once: the map element (with its settings in data-
   attributes), the filter form and the results line. The home page has all three;
   territory pages and the embeddable map have only the map. */

export const mapEl = document.getElementById("carte");
export const form = document.getElementById("filtres");
export const resultsEl = document.getElementById("resultats");
export const siteurl = (mapEl && mapEl.dataset.siteurl) || "";
export const embed = document.body.classList.contains("embed");
