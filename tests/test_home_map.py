"""The home page's map in Chromium: it follows filters and search, never shows a grey void,
says what a visitor needs in its popups, counts an itinerant venue once, and works on a
phone. Every request off the loopback server is aborted: tiles never load here."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from conftest import axe_violations
from tierslieux.model.hours import week_schedule

OFF_SITE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


@pytest.fixture()
def tiles_requested():
    return []


def _context(browser, tiles_requested, width: int, height: int = 900):
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                              timezone_id="Europe/Paris")

    def abort(route) -> None:
        tiles_requested.append(route.request.url)
        route.abort()
    ctx.route(OFF_SITE, abort)
    return ctx


@pytest.fixture()
def page(browser, tiles_requested):
    ctx = _context(browser, tiles_requested, 1280)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Tuesday 17 November 2026, 10:00 in Paris.
    page.clock.set_fixed_time(dt.datetime(2026, 11, 17, 9, 0, tzinfo=dt.UTC))
    yield page
    assert errors == []
    ctx.close()


def open_home(page, served_site: str, query: str = "") -> None:
    page.goto(f"{served_site}/{'?' + query if query else ''}")
    page.wait_for_selector("#carte[data-loaded]", state="attached")  # hidden on a phone


def on_map(page) -> list[str]:
    return page.evaluate("() => window.tierslieux.cluster.getLayers().map(m => m.options.venueId)")


def bounds(page) -> list[float]:
    """[south, west, north, east] of what the map shows."""
    return page.evaluate("""() => { const b = window.tierslieux.map.getBounds();
        return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }""")


def wait_settled(page) -> None:
    """fitBounds animates (250 ms, started on the next frame): wait for it to start and end."""
    page.wait_for_timeout(400)
    page.wait_for_function("() => !document.querySelector('#carte .leaflet-zoom-anim')")


def test_map_follows_a_region_filter(page, served_site):
    open_home(page, served_site)
    france = bounds(page)
    page.locator("select[name=region]").select_option("53")
    wait_settled(page)
    assert on_map(page) == ["atelier-commun-rennes"]
    south, west, north, east = bounds(page)
    assert south < 48.11 < north and west < -1.68 < east  # Rennes is in the frame
    assert north - south < (france[2] - france[0]) / 4  # and the map zoomed in on it
    assert page.locator("#liste-lieux li").count() == 1
    assert page.locator("#resultats").inner_text() == "1 lieu sur 5 correspond à votre recherche."
    # "Toute la France" frames metropolitan France again; the overseas venue stays a tap away.
    page.locator("select[name=region]").select_option("")
    page.get_by_role("button", name="Toute la France").click()
    wait_settled(page)
    assert bounds(page)[2] - bounds(page)[0] > 8
    assert page.get_by_role("group", name="Aller à un territoire").get_by_role(
        "button", name="La Réunion (1)").is_visible()


def test_map_follows_a_search(page, served_site):
    open_home(page, served_site)
    page.get_by_label("Rechercher un nom, une commune, un mot de la description").fill("camion")
    page.wait_for_function("() => document.querySelector('#resultats').textContent"
                           ".includes('1 lieu sur')")
    wait_settled(page)
    assert on_map(page) == ["tiers-lieu-roulant"]
    south, west, north, east = bounds(page)
    for lat, lon in [(44.5181, 3.5), (44.324, 3.593), (44.554, 3.291)]:  # its 3 stops
        assert south < lat < north and west < lon < east
    assert north - south < 3


def test_empty_result_says_so_and_resets(page, served_site):
    open_home(page, served_site, "region=53&type=tiers_lieu_nourricier")
    empty = page.locator("#liste-vide")
    assert empty.is_visible()
    assert "Aucun lieu ne correspond à ces filtres." in empty.inner_text()
    assert on_map(page) == [] and page.locator("#liste-lieux li").count() == 0
    empty.get_by_role("button", name="Réinitialiser les filtres").click()
    assert not empty.is_visible()
    assert len(on_map(page)) == 4 == page.locator("#liste-lieux li").count()
    assert page.locator("select[name=region]").input_value() == ""


def test_departement_menu_follows_the_region(page, served_site):
    open_home(page, served_site)
    deps = page.locator("select[name=departement] option")
    assert deps.count() == 6  # "Tous" and the 5 départements with venues
    page.locator("select[name=region]").select_option("76")
    values = deps.evaluate_all("os => os.map(o => o.value)")
    assert values == ["", "48"]
    page.locator("select[name=departement]").select_option("48")
    page.locator("select[name=region]").select_option("")
    assert deps.count() == 6
    assert page.locator("select[name=departement]").input_value() == "48"


def test_outlines_are_drawn_when_tiles_fail(page, served_site, tiles_requested):
    open_home(page, served_site)
    page.wait_for_selector("#carte[data-outlines=drawn]")
    shapes = page.locator(".leaflet-contours-pane path")
    assert shapes.count() == 101  # every département, overseas included
    assert shapes.first.is_visible()
    assert tiles_requested and all("openstreetmap" in u or "geopf" in u for u in tiles_requested)
    assert page.locator(".leaflet-tile-loaded").count() == 0
    credit = page.locator(".leaflet-control-attribution").inner_text()
    assert "Contours : IGN Admin Express" in credit and "Licence Ouverte" in credit


def test_layer_switch_offers_plan_ign_with_its_credit(page, served_site):
    open_home(page, served_site)
    assert page.get_by_role("button", name="Zoomer", exact=True).is_visible()
    assert page.get_by_role("button", name="Dézoomer").is_visible()
    page.locator(".leaflet-control-layers").hover()
    page.get_by_label("Plan IGN").check()
    credit = page.locator(".leaflet-control-attribution").inner_text()
    assert "IGN-F / Géoportail" in credit and "OpenStreetMap" not in credit
    page.get_by_label("OpenStreetMap France").check()
    assert "OpenStreetMap" in page.locator(".leaflet-control-attribution").inner_text()


def open_popup(page, venue_id: str):
    page.evaluate("""id => {
        window.tierslieux.map.closePopup();
        const m = window.tierslieux.cluster.getLayers().find(l => l.options.venueId === id);
        window.tierslieux.cluster.zoomToShowLayer(m, () => m.openPopup());
    }""", venue_id)
    link = f"a[href='/lieux/{venue_id}/']"
    return page.wait_for_selector(f".leaflet-popup-content .popup:has({link})")


def test_popup_says_what_a_visitor_needs(page, served_site):
    open_home(page, served_site)
    text = open_popup(page, "atelier-commun-rennes").inner_text()
    for part in ["L'Atelier commun", "Rennes", "Coworking, Fablab",
                 "Ouvert maintenant, jusqu'à 18 h.", "Itinéraire"]:
        assert part in text, part
    popup = page.locator(".leaflet-popup-content")
    assert popup.get_by_role("link", name="L'Atelier commun").get_attribute("href") == \
        "/lieux/atelier-commun-rennes/"
    directions = popup.get_by_role("link", name="Itinéraire").get_attribute("href")
    assert directions.startswith("https://www.openstreetmap.org/directions?to=48.1")
    # A closed venue, once shown, says so.
    page.locator("summary", has_text="Statut").click()
    page.locator("input[name=statut][value=ferme]").check()
    text = open_popup(page, "ancienne-friche").inner_text()
    assert "Fermé" in text


def test_popup_gives_the_next_opening_when_closed(page, served_site):
    # Tuesday 17 November 2026, 21:00 in Paris: Rennes (Mo-Fr 09:00-18:00) opens tomorrow.
    page.clock.set_fixed_time(dt.datetime(2026, 11, 17, 20, 0, tzinfo=dt.UTC))
    open_home(page, served_site)
    text = open_popup(page, "atelier-commun-rennes").inner_text()
    assert "Fermé maintenant ; ouvre demain à 9 h." in text


def test_itinerant_venue_is_one_venue_with_its_stops_linked(page, served_site):
    open_home(page, served_site, "region=76")
    assert on_map(page) == ["tiers-lieu-roulant"]
    # One marker at low zoom: the cluster (or the marker) counts one venue, not 3 stops.
    page.evaluate("() => window.tierslieux.map.setView([44.5, 3.5], 6, {animate: false})")
    page.wait_for_selector(".leaflet-marker-icon.tl-marker-itinerant")
    assert page.locator(".leaflet-marker-icon.tl-marker-itinerant").count() == 1
    assert page.locator(".marker-cluster").count() == 0
    assert page.locator("#liste-lieux li").count() == 1
    text = open_popup(page, "tiers-lieu-roulant").inner_text()
    assert "Itinérant : 3 étapes, au départ de Mende" in text
    for stop, day in [("Mende", "Mardi"), ("Florac Trois Rivières", "Mercredi"),
                      ("Marvejols", "Jeudi")]:
        assert f"{stop}\n{day} : 9 h – 17 h" in text
    assert "lundi au dimanche" not in text.lower()
    # Its stops are drawn, linked, while the popup is open; then taken away.
    assert page.locator(".leaflet-overlay-pane path").count() == 1
    assert page.locator(".tl-marker-stop").count() == 2
    page.locator(".leaflet-popup-close-button").click()
    assert page.locator(".tl-marker-stop").count() == 0


def test_a_cluster_zooms_in_and_venues_at_one_place_spread_out(page, served_site):
    open_home(page, served_site)
    zoom = "() => window.tierslieux.map.getZoom()"
    page.evaluate("() => window.tierslieux.map.setView([46.5, 2.5], 3, {animate: false})")
    bubble = page.locator(".marker-cluster").first
    bubble.wait_for()
    before = page.evaluate(zoom)
    page.evaluate("""() => { window.moved = false;
        window.tierslieux.map.once("moveend", () => { window.moved = true; }); }""")
    bubble.click()
    page.wait_for_function("() => window.moved")  # the zoom animation is over
    assert page.evaluate(zoom) > before
    # Two venues at the same place are one cluster at any zoom: a click spreads them out,
    # on legs, each marker with its popup; zooming out gathers them again.
    page.evaluate("""() => {
        const {map, cluster} = window.tierslieux;
        const markers = cluster.getLayers();
        const by = id => markers.find(m => m.options.venueId === id);
        by("coworking-faubourg").setLatLng(by("atelier-commun-rennes").getLatLng());
        cluster.setLayers(markers);
        map.setView(by("atelier-commun-rennes").getLatLng(), 14, {animate: false});
    }""")
    page.wait_for_selector(".marker-cluster span >> text='2'")
    assert page.locator(".leaflet-marker-icon.tl-marker").count() == 0
    page.locator(".marker-cluster").click()
    assert page.evaluate(zoom) == 14
    assert page.locator(".leaflet-marker-icon.tl-marker").count() == 2
    assert page.locator(".leaflet-overlay-pane path").count() == 2  # the legs
    page.locator(".leaflet-marker-icon[title^='Coworking du Faubourg']").click()
    assert "Coworking du Faubourg" in page.locator(".leaflet-popup-content .popup").inner_text()
    page.evaluate("() => window.tierslieux.map.setZoom(12, {animate: false})")
    assert page.locator(".leaflet-marker-icon.tl-marker").count() == 0
    assert page.locator(".leaflet-overlay-pane path").count() == 0
    # Asked for one of them (the list's "Voir sur la carte"), the map spreads them out too.
    open_popup(page, "atelier-commun-rennes")
    assert page.locator(".leaflet-marker-icon.tl-marker").count() == 2


def test_a_stop_without_fixed_days_invents_none():
    assert week_schedule('unknown "halte toutes les deux semaines"') == [
        ("Sans jour fixe", "halte toutes les deux semaines")]
    assert week_schedule("Tu 09:00-17:00")[1] == ("Mardi", "9 h – 17 h")


@pytest.mark.parametrize("width", [320, 360])
def test_phone_has_a_list_map_switch_and_no_sideways_scroll(browser, served_site,
                                                            tiles_requested, width):
    ctx = _context(browser, tiles_requested, width, 740)
    page = ctx.new_page()
    open_home(page, served_site)
    switch = page.get_by_role("group", name="Affichage")
    assert switch.is_visible()
    assert not page.locator("#carte").is_visible()
    assert page.locator("#liste-lieux li").first.is_visible()
    switch.get_by_role("button", name="Carte").click()
    assert page.locator("#carte").is_visible()
    assert not page.locator("#liste-lieux").is_visible()
    box = page.locator("#carte").bounding_box()
    assert box["height"] > 400 and box["y"] < 740
    page.wait_for_selector(".leaflet-marker-icon")
    assert page.evaluate("() => document.documentElement.scrollWidth - innerWidth") <= 0
    switch.get_by_role("button", name="Liste").click()
    assert page.locator("#liste-lieux").is_visible()
    # The filters fold behind one button, so the switch stays near the top.
    assert not page.locator("select[name=region]").is_visible()
    page.get_by_role("button", name="Filtres").click()
    assert page.locator("select[name=region]").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth - innerWidth") <= 0
    if width == 360:
        violations = axe_violations(page, f"{served_site}/")
        assert violations == [], "\n".join(violations)
    ctx.close()


def test_home_page_without_javascript_reaches_every_territory(browser, served_site):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{served_site}/")
    assert not page.locator("#carte").is_visible()  # no empty map
    page.get_by_role("link", name="par région et par département").click()
    page.get_by_role("link", name="Lozère (48)").click()
    assert page.locator("h1").inner_text() == "Tiers-lieux : Lozère (48)"
    assert page.locator(".venue-list li[data-id=tiers-lieu-roulant]").is_visible()
    ctx.close()
