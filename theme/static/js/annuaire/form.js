/* The filter form of the home page: shown once the data is loaded, filled from the state
   read from the address, and turned back into state on every change, search or reset.
   The département menu offers only the chosen région's départements; the facet panels
   open one at a time, over the map, and close with Escape or a click elsewhere. */
import { form } from "./page.js";
import { FACETS, DEFAULT_STATUTS, emptyState, state, setState, setSearchIds } from "./state.js";
import { readUrl } from "./urlstate.js";
import { apply } from "./view.js";
import { runSearch } from "./search.js";

var allDepartements = [];  // the menu's options, kept to narrow it by région

function narrowDepartements() {
  var select = form.departement, region = form.region.value, value = select.value;
  allDepartements.forEach(function (o) {
    var wanted = !o.value || !region || o.dataset.region === region;
    if (wanted && o.parentNode !== select) { select.appendChild(o); }
    if (!wanted && o.parentNode === select) { select.removeChild(o); }
  });
  // Back in code order after re-adding.
  allDepartements.forEach(function (o) { if (o.parentNode === select) { select.appendChild(o); } });
  select.value = Array.prototype.some.call(select.options, function (o) { return o.value === value; })
    ? value : "";
}

function stateToForm() {
  form.q.value = state.q;
  form.region.value = state.region;
  narrowDepartements();
  form.departement.value = state.departement;
  form.ouvert.checked = state.ouvert;
  form.gratuit.checked = state.gratuit;
  if (form.confirme) { form.confirme.checked = state.confirme; }
  Object.keys(FACETS).forEach(function (k) {
    var boxes = form.querySelectorAll("input[name=" + k + "]");
    boxes.forEach(function (box) { box.checked = state[k].indexOf(box.value) >= 0; });
    var dflt = k === "statut" ? DEFAULT_STATUTS.slice().sort().join() : "";
    var summary = boxes.length && boxes[0].closest("details").querySelector("summary");
    var active = state[k].slice().sort().join() !== dflt;
    // A facet a shared link applies is marked on its button, not opened over the map.
    if (summary) { summary.classList.toggle("active", active); }
  });
}

function formToState() {
  state.region = form.region.value;
  state.departement = form.departement.value;
  state.ouvert = form.ouvert.checked;
  state.gratuit = form.gratuit.checked;
  // Without unconfirmed venues the page has no such box, and nothing to hide.
  state.confirme = form.confirme ? form.confirme.checked : false;
  Object.keys(FACETS).forEach(function (k) {
    state[k] = Array.prototype.map.call(
      form.querySelectorAll("input[name=" + k + "]:checked"), function (b) { return b.value; });
  });
}

/* Back to the default state: every filter and the search cleared. */
export function resetFilters() {
  setState(emptyState());
  setSearchIds(null);
  if (form) { stateToForm(); }
  apply(true);
}

function setupPanels() {
  var panels = form.querySelectorAll(".facets details");
  panels.forEach(function (d) {
    d.addEventListener("toggle", function () {
      if (!d.open) { return; }
      panels.forEach(function (other) { if (other !== d) { other.open = false; } });
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") { return; }
    panels.forEach(function (d) {
      if (d.open) { d.open = false; d.querySelector("summary").focus(); }
    });
  });
  document.addEventListener("click", function (ev) {
    panels.forEach(function (d) { if (d.open && !d.contains(ev.target)) { d.open = false; } });
  });
}

/* Shows the form with the address's state and listens to it (call when form exists). */
export function setupForm() {
  form.hidden = false;
  Array.prototype.forEach.call(form.querySelectorAll("select option"), function (o) {
    o.dataset.label = o.textContent;
  });
  allDepartements = Array.prototype.slice.call(form.departement.options);
  setupPanels();
  var toggle = form.querySelector(".filters-toggle");  // on a phone, the filters fold away
  toggle.addEventListener("click", function () {
    var open = form.classList.toggle("filters-open");
    toggle.setAttribute("aria-expanded", String(open));
  });
  setState(readUrl());
  stateToForm();
  var timer = null;
  form.addEventListener("change", function (ev) {
    if (ev.target.name === "q") { return; }
    if (ev.target.name === "region") { narrowDepartements(); }
    formToState();
    apply(true);
  });
  form.q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.q = form.q.value; runSearch(); }, 250);
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    state.q = form.q.value;
    runSearch();
  });
  form.addEventListener("reset", function (ev) {
    ev.preventDefault();
    resetFilters();
  });
}
