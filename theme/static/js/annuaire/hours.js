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
