"""The home map in a real browser: every venue drawn (clusters counted) and listed."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout


@pytest.fixture()
def page(browser, served_site: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == []
    context.close()


def _points(site: Path) -> tuple[set[str], int]:
    data = json.loads((site / "donnees" / "tiers-lieux.geojson").read_text("utf-8"))
    ids = {f["id"] for f in data["features"]}
    points = sum(1 if f["geometry"]["type"] == "Point" else len(f["geometry"]["coordinates"])
                 for f in data["features"])
    return ids, points


def test_home_map_draws_every_venue_and_the_list_has_them_all(
    page, served_site: str, fixture_site: Path
) -> None:
    ids, points = _points(fixture_site)
    page.goto(served_site + "/?statut=projet,ouvert,ferme_temporairement,ferme")
    page.wait_for_selector("#carte[data-loaded]")
    in_layer = page.evaluate(
        "() => window.tierslieux.cluster.getLayers().map(m => m.options.venueId)")
    assert set(in_layer) == ids
    assert len(in_layer) == len(ids) < points  # an itinerant venue is one marker, not 3
    # Show every point (metropolitan France and overseas) and count what is drawn.
    page.evaluate("""() => {
        const {map, cluster} = window.tierslieux;
        map.fitBounds(cluster.getBounds(), {animate: false});
    }""")
    # Drawn once every venue is on screen, as a marker or in a cluster's count (waited for,
    # not a fixed delay: a loaded machine draws later).
    count = """() => {
        let n = document.querySelectorAll('.leaflet-marker-icon.tl-marker').length;
        document.querySelectorAll('.marker-cluster span').forEach(s => n += Number(s.textContent));
        return n;
    }"""
    with contextlib.suppress(PlaywrightTimeout):  # the assertion says what was drawn
        page.wait_for_function(f"({count})() === {len(ids)}", timeout=10_000)
    assert page.evaluate(count) == len(ids)
    listed = page.eval_on_selector_all(".venue-list li[data-id]",
                                       "els => els.map(e => e.dataset.id)")
    assert sorted(listed) == sorted(ids)


def test_marker_popup_links_to_the_venue_page(page, served_site: str) -> None:
    page.goto(served_site + "/")
    page.wait_for_selector("#carte[data-loaded]")
    page.evaluate("""() => {
        const {map, cluster} = window.tierslieux;
        const m = cluster.getLayers().find(l => l.options.venueId === 'fablab-du-barachois');
        cluster.zoomToShowLayer(m, () => m.openPopup());
    }""")
    link = page.wait_for_selector(".leaflet-popup-content a")
    assert link.inner_text() == "Fablab du Barachois"
    link.click()
    page.wait_for_url("**/lieux/fablab-du-barachois/")
    assert page.locator("h1").inner_text() == "Fablab du Barachois"
    page.wait_for_selector("#mini-carte .tl-marker")


def test_overseas_shortcut_shows_the_overseas_venue(page, served_site: str) -> None:
    page.goto(served_site + "/")
    page.wait_for_selector("#carte[data-loaded]")
    button = page.get_by_role("button", name="La Réunion (1)")
    button.click()
    # The Réunion venue's own marker is drawn, on screen (waited for: a loaded machine
    # draws later).
    page.wait_for_function("""() => {
        const {map, cluster} = window.tierslieux;
        const m = cluster.getLayers().find(l => l.options.venueId === 'fablab-du-barachois');
        return map.hasLayer(m) && map.getBounds().contains(m.getLatLng());
    }""", timeout=10_000)
    assert page.locator(".leaflet-marker-icon.tl-marker").count() >= 1
