/* Opening hours as a person thinks of them: days, time ranges (several per day), "sur
   rendez-vous", a season. Written into the OpenStreetMap opening_hours expression the
   venue file holds, and read back in plain French next to it. An expression typed by hand
   (or already in a venue's file) is read into the widget when it is of the simple kind the
   widget writes; otherwise it is kept as is. */

var CODES = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
var DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
var MOIS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
            "septembre", "octobre", "novembre", "décembre"];
var APPOINTMENT = "sur rendez-vous";

export function emptyHours() {
  return { days: DAYS.map(function () { return []; }), appointment: false, season: ["", ""] };
}

function validRanges(ranges) {
  return ranges.filter(function (r) { return /^\d\d:\d\d$/.test(r[0]) && /^\d\d:\d\d$/.test(r[1]) && r[0] !== r[1]; });
}

/* Days with the same ranges, grouped: [[dayIndexes], ranges]. */
function groups(state) {
  var out = [];
  state.days.forEach(function (ranges, day) {
    var valid = validRanges(ranges);
    if (!valid.length) { return; }
    var key = JSON.stringify(valid);
    var group = out.find(function (g) { return g.key === key; });
    if (group) { group.days.push(day); } else { out.push({ key: key, days: [day], ranges: valid }); }
  });
  return out;
}

/* [[first, last], ...] runs of consecutive days. */
function runs(days) {
  var out = [];
  days.forEach(function (d) {
    var last = out[out.length - 1];
    if (last && last[1] === d - 1) { last[1] = d; } else { out.push([d, d]); }
  });
  return out;
}

export function toOsm(state) {
  var season = state.season[0] && state.season[1]
    ? MONTHS[state.season[0] - 1] + (state.season[0] === state.season[1] ? "" : "-" + MONTHS[state.season[1] - 1]) + " "
    : "";
  var note = state.appointment ? ' "' + APPOINTMENT + '"' : "";
  var rules = groups(state).map(function (g) {
    var days = runs(g.days).map(function (r) {
      if (r[0] === r[1]) { return CODES[r[0]]; }
      return CODES[r[0]] + (r[1] === r[0] + 1 ? "," : "-") + CODES[r[1]];
    }).join(",");
    var times = g.ranges.map(function (r) { return r[0] + "-" + r[1]; }).join(",");
    return season + days + " " + times + note;
  });
  if (!rules.length && state.appointment) { rules.push(season + '"' + APPOINTMENT + '"'); }
  return rules.join("; ");
}

function clock(hhmm) {
  var h = Number(hhmm.slice(0, 2)), m = hhmm.slice(3);
  return h + " h" + (m === "00" ? "" : " " + m);
}

function frenchDays(days) {
  var parts = runs(days).map(function (r) {
    if (r[0] === r[1]) { return DAYS[r[0]]; }
    if (r[1] === r[0] + 1) { return DAYS[r[0]] + " et " + DAYS[r[1]]; }
    return "du " + DAYS[r[0]] + " au " + DAYS[r[1]];
  });
  var last = parts.pop();
  return parts.length ? parts.join(", ") + " et " + last : last;
}

export function toFrench(state) {
  var parts = groups(state).map(function (g) {
    return frenchDays(g.days) + " : " + g.ranges.map(function (r) {
      return "de " + clock(r[0]) + " à " + clock(r[1]);
    }).join(" et ");
  });
  var text = parts.join(" ; ");
  text = text.charAt(0).toUpperCase() + text.slice(1);
  if (state.appointment) { text += (text ? ", " : "") + (text ? APPOINTMENT : "Sur rendez-vous"); }
  if (text && state.season[0] && state.season[1]) {
    var from = MOIS[state.season[0] - 1], to = MOIS[state.season[1] - 1];
    var de = /^[aeiouyéè]/.test(from) ? "d'" : "de ";
    text += from === to ? " (en " + from + " seulement)" : " (" + de + from + " à " + to + ")";
  }
  return text ? text + "." : "";
}

/* The widget's state from an expression it could have written, or null. */
export function parseOsm(expression) {
  var state = emptyHours();
  var text = expression.trim();
  if (!text) { return state; }
  var season = null;
  var ok = text.split(/\s*;\s*/).every(function (rule) {
    var m = rule.match(/^(?:([A-Z][a-z]{2})(?:-([A-Z][a-z]{2}))?:?\s+)?(?:([A-Z][a-z](?:[-,][A-Z][a-z])*)\s+((?:\d\d:\d\d-\d\d:\d\d)(?:,\d\d:\d\d-\d\d:\d\d)*))?\s*(?:"([^"]*)")?$/);
    if (!m || (!m[3] && !m[5])) { return false; }
    if (m[1]) {
      var s = [MONTHS.indexOf(m[1]) + 1, MONTHS.indexOf(m[2] || m[1]) + 1];
      if (!s[0] || !s[1] || (season && (season[0] !== s[0] || season[1] !== s[1]))) { return false; }
      season = s;
    }
    if (m[5] !== undefined) {
      if (m[5] !== APPOINTMENT) { return false; }
      state.appointment = true;
    }
    if (!m[3]) { return true; }
    var days = [];
    var daysOk = m[3].split(",").every(function (part) {
      var ends = part.split("-").map(function (c) { return CODES.indexOf(c); });
      if (ends.some(function (i) { return i < 0; })) { return false; }
      for (var d = ends[0]; d <= ends[ends.length - 1]; d++) { days.push(d); }
      return true;
    });
    var ranges = m[4].split(",").map(function (r) { return r.split("-"); });
    days.forEach(function (d) { state.days[d] = ranges.map(function (r) { return r.slice(); }); });
    return daysOk;
  });
  if (!ok) { return null; }
  if (season) { state.season = season; }
  return state;
}

function el(tag, attrs, text) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (text) { node.textContent = text; }
  return node;
}

/* The widget in `container`; `onChange(state)` after every edit by the person. */
export function hoursWidget(container, onChange) {
  var state = emptyHours();
  var memory = [["09:00", "12:00"], ["14:00", "18:00"]];  // what a newly ticked day gets

  // A structural edit (a day, a range added or removed) redraws the widget; a time, the
  // season or "sur rendez-vous" only updates the state, so typing in a field is never
  // interrupted by a redraw.
  function changed() { render(); onChange(state); }
  function edited() { onChange(state); }

  function rangeRow(day, index) {
    var range = state.days[day][index];
    var row = el("div", { class: "cf-range" });
    ["début", "fin"].forEach(function (which, k) {
      var label = el("label", {}, k === 0 ? "de " : " à ");
      var input = el("input", { type: "time", value: range[k], step: "300",
        "aria-label": DAYS[day] + ", plage " + (index + 1) + ", " + which });
      input.addEventListener("change", function () {
        range[k] = input.value; memory = state.days[day].map(function (r) { return r.slice(); });
        edited();
      });
      label.appendChild(input);
      row.appendChild(label);
    });
    var remove = el("button", { type: "button", class: "cf-small",
      "aria-label": "Retirer la plage " + (index + 1) + " du " + DAYS[day] }, "Retirer");
    remove.addEventListener("click", function () { state.days[day].splice(index, 1); changed(); });
    row.appendChild(remove);
    return row;
  }

  function dayRow(day) {
    var row = el("div", { class: "cf-day", "data-day": CODES[day] });
    var head = el("label", { class: "cf-day-name" });
    var box = el("input", { type: "checkbox" });
    box.checked = state.days[day].length > 0;
    box.addEventListener("change", function () {
      state.days[day] = box.checked ? memory.map(function (r) { return r.slice(); }) : [];
      changed();
      var first = container.querySelector('[data-day="' + CODES[day] + '"] input[type=checkbox]');
      if (first) { first.focus(); }
    });
    head.appendChild(box);
    head.appendChild(document.createTextNode(" " + DAYS[day]));
    row.appendChild(head);
    var ranges = el("div", { class: "cf-ranges" });
    state.days[day].forEach(function (_, i) { ranges.appendChild(rangeRow(day, i)); });
    if (state.days[day].length) {
      var add = el("button", { type: "button", class: "cf-small",
        "aria-label": "Ajouter une plage le " + DAYS[day] }, "Ajouter une plage");
      add.addEventListener("click", function () {
        var last = state.days[day][state.days[day].length - 1];
        state.days[day].push(last && last[1] < "18:00" ? [last[1] < "14:00" ? "14:00" : last[1], "18:00"] : ["14:00", "18:00"]);
        changed();
      });
      var copy = el("button", { type: "button", class: "cf-small",
        "aria-label": "Copier sur les autres jours cochés les horaires du " + DAYS[day] },
        "Copier sur les autres jours cochés");
      copy.addEventListener("click", function () {
        state.days.forEach(function (r, other) {
          if (other !== day && r.length) { state.days[other] = state.days[day].map(function (x) { return x.slice(); }); }
        });
        changed();
      });
      ranges.appendChild(add);
      ranges.appendChild(copy);
    } else {
      ranges.appendChild(el("span", { class: "cf-closed" }, "fermé"));
    }
    row.appendChild(ranges);
    return row;
  }

  function extras() {
    var box = el("div", { class: "cf-hours-extras" });
    var appt = el("label");
    var check = el("input", { type: "checkbox", name: "rendez-vous" });
    check.checked = state.appointment;
    check.addEventListener("change", function () { state.appointment = check.checked; edited(); });
    appt.appendChild(check);
    appt.appendChild(document.createTextNode(" Sur rendez-vous"));
    box.appendChild(appt);
    var season = el("p", { class: "cf-season" });
    season.appendChild(document.createTextNode("Ouvert seulement une partie de l'année : "));
    ["de", "à"].forEach(function (word, k) {
      var label = el("label", {}, (k ? " " : "") + word + " ");
      var select = el("select", { "aria-label": k ? "Dernier mois d'ouverture" : "Premier mois d'ouverture" });
      select.appendChild(el("option", { value: "" }, "—"));
      MOIS.forEach(function (m, i) {
        var option = el("option", { value: String(i + 1) }, m);
        if (state.season[k] === i + 1) { option.selected = true; }
        select.appendChild(option);
      });
      select.addEventListener("change", function () { state.season[k] = Number(select.value) || ""; edited(); });
      label.appendChild(select);
      season.appendChild(label);
    });
    box.appendChild(season);
    return box;
  }

  function render() {
    var focused = document.activeElement && container.contains(document.activeElement)
      ? document.activeElement.getAttribute("aria-label") : null;
    container.textContent = "";
    var days = el("div", { class: "cf-days" });
    DAYS.forEach(function (_, d) { days.appendChild(dayRow(d)); });
    container.appendChild(days);
    container.appendChild(extras());
    if (focused) {
      var again = Array.from(container.querySelectorAll("[aria-label]")).find(function (n) {
        return n.getAttribute("aria-label") === focused;
      });
      if (again) { again.focus(); }
    }
  }

  render();
  return {
    set: function (next) { state = next; render(); },
    get: function () { return state; }
  };
}
