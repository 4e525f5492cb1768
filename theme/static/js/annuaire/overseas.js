/* A control on the map: "Toute la France" (back to metropolitan France, the initial view)
   and one button per overseas territory with venues matching the filters, which that view
   leaves out. Kept in step with the filters by view.js. */
import { map, METROPOLE } from "./map.js";

// [name, west, south, east, north]
var OVERSEAS = [
  ["Guadeloupe", -61.9, 15.8, -60.9, 16.6], ["Martinique", -61.3, 14.35, -60.75, 14.95],
  ["Guyane", -54.7, 2.1, -51.5, 5.9], ["La Réunion", 55.2, -21.45, 55.9, -20.8],
  ["Mayotte", 44.9, -13.1, 45.35, -12.6]
];
var list = null;

function button(label, bounds) {
  var b = document.createElement("button");
  b.type = "button";
  b.textContent = label;
  b.addEventListener("click", function () { map.fitBounds(bounds); });
  return b;
}

export function overseasShortcuts() {
  var Control = L.Control.extend({
    options: { position: "topleft" },
    onAdd: function () {
      var box = L.DomUtil.create("div", "leaflet-bar tl-territories");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", "Aller à un territoire");
      box.appendChild(button("Toute la France", METROPOLE));
      list = L.DomUtil.create("span", "tl-overseas", box);
      L.DomEvent.disableClickPropagation(box);
      return box;
    }
  });
  new Control().addTo(map);
}

/* One button per overseas territory with venues among those shown, with their number. */
export function updateOverseas(visible) {
  if (!list) { return; }
  list.textContent = "";
  OVERSEAS.forEach(function (t) {
    var n = visible.filter(function (v) {
      return v.points.some(function (p) {
        return p[1] >= t[1] && p[1] <= t[3] && p[0] >= t[2] && p[0] <= t[4];
      });
    }).length;
    if (n) { list.appendChild(button(t[0] + " (" + n + ")", [[t[2], t[1]], [t[4], t[3]]])); }
  });
}
