"""The public site in a real browser: filters, URL state, search, "autour de moi", embed.

Expected results are computed here, in Python, from the published JSON: the browser's
filtering is checked against an independent reading of the same data.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import axe_violations

ALL_STATUSES = "statut=projet,ouvert,ferme_temporairement,ferme"


@pytest.fixture(scope="module")
def records(fixture_site: Path) -> dict[str, dict]:
    data = json.loads((fixture_site / "donnees" / "tiers-lieux.json").read_text("utf-8"))
    return {r["id"]: r for r in data["lieux"]}


def open_home(page, served_site: str, query: str = "") -> None:
    page.goto(f"{served_site}/{'?' + query if query else ''}")
    page.wait_for_selector("#carte[data-loaded]")


def listed(page) -> set[str]:
    return set(page.eval_on_selector_all(".venue-list li[data-id]:not([hidden])",
                                         "els => els.map(e => e.dataset.id)"))


def on_map(page) -> set[str]:
    return set(page.evaluate(
        "() => window.tierslieux.cluster.getLayers().map(m => m.options.venueId)"))


def shown(page) -> set[str]:
    """What the visitor sees, checked to be the same on the map and in the list."""
    in_list, in_map = listed(page), on_map(page)
    assert in_list == in_map
    return in_list


def not_closed(records) -> set[str]:
    return {i for i, r in records.items() if r["statut"] != "ferme"}


def test_closed_venues_are_hidden_by_default_and_can_be_shown(page, served_site, records):
    open_home(page, served_site)
    assert shown(page) == not_closed(records)
    assert "lieu fermé est masqué" in page.locator("#resultats").inner_text()
    page.locator("summary", has_text="Statut").click()
    page.locator("input[name=statut][value=ferme]").check()
    assert shown(page) == set(records)


@pytest.mark.parametrize(("facet", "value", "predicate"), [
    ("type", "fablab", lambda r: "fablab" in r["types"]),
    ("service", "salle_reunion", lambda r: "salle_reunion" in r.get("services", [])),
    ("equipement", "decoupe_laser", lambda r: "decoupe_laser" in r.get("equipements", [])),
    ("label", "fabrique_de_territoire", lambda r: "fabrique_de_territoire" in r.get("labels", [])),
    ("porteur", "epci", lambda r: r.get("porteur", {}).get("type") == "epci"),
    ("region", "53", lambda r: r["territoire"]["region"]["code"] == "53"),
    ("departement", "974", lambda r: r["territoire"]["departement"]["code"] == "974"),
    ("gratuit", "1", lambda r: r.get("tarifs", {}).get("gratuit") is True),
])
def test_each_filter_changes_map_and_list_together(page, served_site, records, facet, value,
                                                   predicate) -> None:
    open_home(page, served_site)
    form = page.locator("#filtres")
    if facet in ("region", "departement"):
        form.locator(f"select[name={facet}]").select_option(value)
    else:
        box = form.locator(f"input[name={facet}][value='{value}']")
        if not box.is_visible():
            box.locator("xpath=ancestor::details/summary").click()
        box.check()
    expected = {i for i, r in records.items() if predicate(r) and r["statut"] != "ferme"}
    assert expected and expected != not_closed(records)  # the filter really narrows
    assert shown(page) == expected
    count = form.locator(f"[data-count='{facet}:{value}']") if facet not in (
        "region", "departement") else None
    if count is not None:
        assert count.inner_text() == f"({len(expected)})"
    assert parse_qs(urlparse(page.url).query)[facet] == [value]


def test_facet_options_show_counts(page, served_site, records):
    open_home(page, served_site)
    fablabs = sum(1 for r in records.values() if "fablab" in r["types"] and r["statut"] != "ferme")
    assert page.locator("[data-count='type:fablab']").text_content() == f"({fablabs})"
    option = page.locator("select[name=region] option[value='53']")
    assert option.inner_text() == "Bretagne (1)"


def test_open_now_uses_each_venues_hours(context, served_site, records):
    page = context.new_page()
    # Tuesday 17 November 2026, 10:00 in Paris: Rennes (Mo-Fr 09:00-18:00) and the truck
    # (Tuesday stop, 09:00-17:00) are open; the others publish no hours.
    page.clock.set_fixed_time(dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC))
    open_home(page, served_site, "ouvert=1")
    assert shown(page) == {"atelier-commun-rennes", "tiers-lieu-roulant"}
    page.clock.set_fixed_time(dt.datetime(2026, 11, 17, 21, 0, tzinfo=dt.UTC))
    open_home(page, served_site, "ouvert=1")
    assert shown(page) == set()


def test_url_state_round_trips(page, served_site, records):
    open_home(page, served_site)
    page.locator("summary", has_text="Type de lieu").click()
    page.locator("input[name=type][value=coworking]").check()
    page.locator("input[name=type][value=fablab]").check()
    page.locator("select[name=region]").select_option("53")
    url = page.url
    assert parse_qs(urlparse(url).query) == {"type": ["coworking,fablab"], "region": ["53"]}
    first = shown(page)
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_selector("#carte[data-loaded]")
    assert shown(page) == first == {"atelier-commun-rennes"}
    assert page.locator("input[name=type][value=fablab]").is_checked()
    assert page.locator("select[name=region]").input_value() == "53"
    page.get_by_role("button", name="Réinitialiser les filtres").click()
    assert shown(page) == not_closed(records)
    assert urlparse(page.url).query == ""


def test_search_finds_a_venue_by_a_word_of_its_description(page, served_site):
    open_home(page, served_site)
    page.get_by_label("Rechercher un nom, une commune, un mot de la description").fill("scolaires")
    page.wait_for_function("() => document.querySelector('#resultats').textContent"
                           ".includes('correspond')")
    assert shown(page) == {"fablab-du-barachois"}
    assert parse_qs(urlparse(page.url).query)["q"] == ["scolaires"]


def test_search_finds_a_venue_by_its_commune(page, served_site):
    # Hours, contacts and what the filters select are not indexed (issue 16): the commune,
    # as the search box promises, still is.
    open_home(page, served_site)
    page.get_by_label("Rechercher un nom, une commune, un mot de la description").fill("Rennes")
    page.wait_for_function("() => document.querySelector('#resultats').textContent"
                           ".includes('correspond')")
    assert shown(page) == {"atelier-commun-rennes"}


def test_search_combines_with_filters(page, served_site):
    open_home(page, served_site, "q=camion&type=fablab")
    page.wait_for_function("() => document.querySelector('#resultats').textContent"
                           ".includes('0 lieu')")
    assert shown(page) == set()
    open_home(page, served_site, "q=camion")
    page.wait_for_function("() => document.querySelector('#resultats').textContent"
                           ".includes('1 lieu sur')")
    assert shown(page) == {"tiers-lieu-roulant"}


def _km(a, b):
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def _points(record):
    stops = record.get("etapes") or [record]
    return [(s["latitude"], s["longitude"]) for s in stops]


def test_autour_de_moi_orders_by_distance_from_the_visitor(browser, served_site, records):
    here = (45.76, 4.84)  # Lyon
    ctx = browser.new_context(geolocation={"latitude": here[0], "longitude": here[1]},
                              permissions=["geolocation"])
    page = ctx.new_page()
    open_home(page, served_site)
    page.get_by_role("button", name="Utiliser ma position").click()
    page.wait_for_selector("#liste-lieux li .distance")
    order = page.eval_on_selector_all("#liste-lieux li", "els => els.map(e => e.dataset.id)")
    expected = sorted(not_closed(records),
                      key=lambda i: min(_km(here, p) for p in _points(records[i])))
    assert order == expected
    first = page.locator("#liste-lieux li").first.inner_text()
    km = min(_km(here, p) for p in _points(records[expected[0]]))
    assert f"à {km:.1f}".replace(".", ",") in first
    ctx.close()


def test_autour_de_moi_from_a_typed_commune(context, served_site, records):
    def geocoder(route):
        assert "q=Mende" in route.request.url
        route.fulfill(json={"features": [{"geometry": {"coordinates": [3.5, 44.5181]},
                                          "properties": {"city": "Mende"}}]})
    context.route("https://data.geopf.fr/**", geocoder)
    page = context.new_page()
    open_home(page, served_site)
    page.get_by_label("ou près d'une commune").fill("Mende")
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_selector("#liste-lieux li .distance")
    assert page.locator("#liste-lieux li").first.get_attribute("data-id") == "tiers-lieu-roulant"
    assert "à 0 km" in page.locator("#liste-lieux li").first.inner_text()
    assert "de Mende" in page.locator("#autour-statut").inner_text()


def test_embed_honours_its_url_filter(page, served_site, records):
    page.goto(f"{served_site}/embed/?region=53")
    page.wait_for_selector("#carte[data-loaded]")
    assert on_map(page) == {i for i, r in records.items()
                            if r["territoire"]["region"]["code"] == "53"}
    page.goto(f"{served_site}/embed/?type=fablab")
    page.wait_for_selector("#carte[data-loaded]")
    assert on_map(page) == {i for i, r in records.items()
                            if "fablab" in r["types"] and r["statut"] != "ferme"}
    assert page.locator(".leaflet-control-attribution").inner_text().count("OpenStreetMap")


def test_territory_page_shows_its_venues_and_the_embed_snippet(page, served_site):
    page.goto(f"{served_site}/territoires/occitanie/lozere/")
    page.wait_for_selector("#carte[data-loaded]")
    assert on_map(page) == listed(page) == {"tiers-lieu-roulant"}
    snippet = page.locator("#code-integration").input_value()
    assert snippet.startswith('<iframe src="') and "/embed/?departement=48" in snippet
    page.get_by_role("link", name="Occitanie").first.click()
    assert page.locator("h1").inner_text() == "Tiers-lieux : Occitanie"


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_fit_the_screen(browser, served_site, width):
    ctx = browser.new_context(viewport={"width": width, "height": 800})
    page = ctx.new_page()
    for path in ["/", "/lieux/atelier-commun-rennes/", "/territoires/bretagne/", "/donnees/",
                 "/statistiques/", "/contribuer/"]:
        page.goto(served_site + path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    ctx.close()


def test_keyboard_reaches_the_filters_and_focus_is_visible(page, served_site):
    open_home(page, served_site)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent") == "Aller au contenu"
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.locator("#q").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "region"




AXE_PAGES = ["/", "/lieux/atelier-commun-rennes/", "/lieux/tiers-lieu-roulant/",
             "/territoires/bretagne/ille-et-vilaine/", "/statistiques/", "/donnees/",
             "/contribuer/", "/embed/?region=53"]


@pytest.mark.parametrize("path", AXE_PAGES)
def test_axe_finds_no_accessibility_violation(page, served_site, path):
    violations = axe_violations(page, served_site + path)
    assert violations == [], "\n".join(violations)
