/* The filter form of the home page: shown once the data is loaded, filled from the state
   read from the address, and turned back into state on every change, search or reset. */
import { form } from "./page.js";
import { FACETS, DEFAULT_STATUTS, emptyState, state, setState, setSearchIds } from "./state.js";
import { readUrl } from "./urlstate.js";
import { apply } from "./view.js";
import { runSearch } from "./search.js";

function stateToForm() {
  form.q.value = state.q;
  form.region.value = state.region;
  form.departement.value = state.departement;
  form.ouvert.checked = state.ouvert;
  form.gratuit.checked = state.gratuit;
  if (form.confirme) { form.confirme.checked = state.confirme; }
  Object.keys(FACETS).forEach(function (k) {
    var boxes = form.querySelectorAll("input[name=" + k + "]");
    boxes.forEach(function (box) { box.checked = state[k].indexOf(box.value) >= 0; });
    var dflt = k === "statut" ? DEFAULT_STATUTS.slice().sort().join() : "";
    if (boxes.length && state[k].slice().sort().join() !== dflt) {
      boxes[0].closest("details").open = true;  // show the filters a shared link applies
    }
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

/* Shows the form with the address's state and listens to it (call when form exists). */
export function setupForm() {
  form.hidden = false;
  Array.prototype.forEach.call(form.querySelectorAll("select option"), function (o) {
    o.dataset.label = o.textContent;
  });
  setState(readUrl());
  stateToForm();
  var timer = null;
  form.addEventListener("change", function (ev) {
    if (ev.target.name === "q") { return; }
    if (ev.target.name === "region" && form.departement.value) {
      var opt = form.departement.selectedOptions[0];
      if (opt && form.region.value && opt.dataset.region !== form.region.value) {
        form.departement.value = "";
      }
    }
    formToState();
    apply();
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
    setState(emptyState());
    setSearchIds(null);
    stateToForm();
    apply();
  });
}
