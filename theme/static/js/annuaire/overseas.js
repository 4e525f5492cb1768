/* Buttons that move the map to each overseas territory with matching venues, which the
   initial view of metropolitan France leaves out. */
import { venues, state } from "./state.js";
import { matches } from "./filters.js";
import { map } from "./map.js";

// [name, west, south, east, north]
var OVERSEAS = [
  ["Guadeloupe", -61.9, 15.8, -60.9, 16.6], ["Martinique", -61.3, 14.35, -60.75, 14.95],
  ["Guyane", -54.7, 2.1, -51.5, 5.9], ["La Réunion", 55.2, -21.45, 55.9, -20.8],
  ["Mayotte", 44.9, -13.1, 45.35, -12.6]
];

export function overseasShortcuts() {
  var box = document.getElementById("outre-mer");
  if (!box) { return; }
  OVERSEAS.forEach(function (t) {
    var n = venues.filter(function (v) {
      return matches(v, state, null) && v.points.some(function (p) {
        return p[1] >= t[1] && p[1] <= t[3] && p[0] >= t[2] && p[0] <= t[4];
      });
    }).length;
    if (!n) { return; }
    var li = document.createElement("li");
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = t[0] + " (" + n + ")";
    b.addEventListener("click", function () { map.fitBounds([[t[2], t[1]], [t[4], t[3]]]); });
    li.appendChild(b);
    box.querySelector("ul").appendChild(li);
    box.hidden = false;
  });
}
