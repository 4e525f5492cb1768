/* "Ouvert maintenant": whether a venue is open at this minute of the usual week, in the
   venue's own time zone (overseas venues keep their local hours). */

var clocks = {};  // time zone -> minute of the week, computed once per page

function minuteOfWeek(zone) {
  if (clocks[zone] === undefined) {
    var parts = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date());
    var get = function (t) { return parts.find(function (x) { return x.type === t; }).value; };
    var day = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday"));
    clocks[zone] = day * 1440 + Number(get("hour")) * 60 + Number(get("minute"));
  }
  return clocks[zone];
}

export function openNow(v) {
  if (!v.ouverture) { return false; }
  var m = minuteOfWeek(v.fuseau);
  return v.ouverture.some(function (s) { return m >= s[0] && m < s[1]; });
}

var DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

function clock(minutes) {
  var h = Math.floor(minutes / 60) % 24, m = minutes % 60;
  return h + " h" + (m ? " " + String(m).padStart(2, "0") : "");
}

/* "Ouvert maintenant, jusqu'à 18 h" or "Fermé maintenant ; ouvre mardi à 9 h", from the
   usual week of the venue's hours (no public holidays); null when it gives no hours. */
export function openingText(v) {
  if (!v.ouverture) { return null; }
  if (!v.ouverture.length) { return "Horaires variables : voir la page du lieu."; }
  var m = minuteOfWeek(v.fuseau);
  var now = v.ouverture.find(function (s) { return m >= s[0] && m < s[1]; });
  if (now) {
    return now[1] - now[0] >= 10080 ? "Ouvert maintenant, tous les jours à toute heure."
      : "Ouvert maintenant, jusqu'à " + clock(now[1] % 1440) + ".";
  }
  var next = v.ouverture.map(function (s) { return s[0]; })
    .map(function (start) { return start > m ? start : start + 10080; })
    .sort(function (a, b) { return a - b; })[0];
  var day = Math.floor(next / 1440) % 7;
  var today = Math.floor(m / 1440);
  var when = next - m < 1440 && day === today ? "aujourd'hui"
    : day === (today + 1) % 7 && next - m < 2880 ? "demain" : DAYS[day];
  return "Fermé maintenant ; ouvre " + when + " à " + clock(next % 1440) + ".";
}
