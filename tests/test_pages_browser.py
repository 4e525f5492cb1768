"""The site's pages as a visitor meets them in Chromium: statistics, closed venues, narrow
screens, French words, favicon and sharing image, the "À propos" page, accessibility.

The fixture site holds every kind of page; the real content (content/venues, built once
for the session) is where the statistics page and the long-URL venue pages are measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ROOT, axe_violations, serve_folder

SCREEN = 800  # the height of a desktop screen, in CSS pixels, at 1280 px wide
URL = re.compile(r"https?://\S+")


def pages_of(site: Path) -> list[str]:
    """Every HTML page a visitor can reach in a built site (the vendored libraries aside)."""
    paths = []
    for file in sorted(site.rglob("*.html")):
        rel = file.relative_to(site).as_posix()
        if rel.startswith(("vendor/", "pagefind/", "theme/")):
            continue
        paths.append("/" + rel.removesuffix("index.html"))
    return paths


def longest_url_venues(count: int) -> list[str]:
    """The ids of the real venues whose files hold the longest URLs (sources, sites)."""
    lengths = []
    for file in (ROOT / "content" / "venues").rglob("*.yml"):
        urls = URL.findall(file.read_text(encoding="utf-8"))
        if urls:
            lengths.append((max(len(u) for u in urls), file.stem))
    return [venue for _, venue in sorted(lengths, reverse=True)[:count]]


@pytest.fixture(scope="module")
def real_site(starter_site: Path) -> Iterator[str]:
    with serve_folder(starter_site) as url:
        yield url


@pytest.fixture()
def phone(browser):
    ctx = browser.new_context(viewport={"width": 320, "height": 640}, locale="fr-FR")
    yield ctx.new_page()
    ctx.close()


def sideways(page, url: str) -> int:
    """How many pixels the page scrolls sideways (0 when it fits)."""
    page.goto(url)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


# -- narrow screens ---------------------------------------------------------------------------

def test_no_fixture_page_scrolls_sideways_at_320px(phone, fixture_site, served_site):
    paths = pages_of(fixture_site)
    assert len(paths) >= 20 and "/statistiques/" in paths and "/a-propos/" in paths
    overflowing = {p: px for p in paths if (px := sideways(phone, served_site + p)) > 0}
    assert overflowing == {}


def test_real_venue_pages_with_long_urls_fit_320px(phone, real_site):
    venues = longest_url_venues(12)
    assert len(venues) == 12
    overflowing = {v: px for v in venues if (px := sideways(phone, f"{real_site}/lieux/{v}/")) > 0}
    assert overflowing == {}


def test_table_headers_are_not_cut_inside_a_word(phone, served_site):
    """'Taille' stays one word on the data page at 320 px (it used to read 'Tail/le')."""
    for path in ["/donnees/", "/statistiques/"]:
        phone.goto(served_site + path)
        phone.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        cut = phone.evaluate("""() => [...document.querySelectorAll('th, td')].flatMap(cell => {
            const words = [];
            const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
              const node = walker.currentNode;
              if (node.parentElement.closest('a, code')) continue;  // URLs may break
              for (const token of node.textContent.matchAll(/\\S+/g)) {
                if (/\\w[./@]\\w/.test(token[0])) continue;  // a domain name may break too
                for (const m of token[0].matchAll(/[\\p{L}]{4,}/gu)) {
                  const start = token.index + m.index;
                  const range = document.createRange();
                  range.setStart(node, start); range.setEnd(node, start + m[0].length);
                  const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
                                       .map(r => Math.round(r.top)));
                  if (tops.size > 1) words.push(m[0]);
                }
              }
            }
            return words; })""")
        assert cut == [], path


# -- statistics -------------------------------------------------------------------------------

def test_statistics_page_fits_in_about_five_screens(browser, real_site):
    ctx = browser.new_context(viewport={"width": 1280, "height": SCREEN})
    page = ctx.new_page()
    page.goto(real_site + "/statistiques/")
    height = page.evaluate("document.documentElement.scrollHeight")
    ctx.close()
    assert height <= 5.5 * SCREEN, height


def test_statistics_maps_need_no_javascript(browser, real_site):
    ctx = browser.new_context(viewport={"width": 1280, "height": SCREEN}, java_script_enabled=False)
    page = ctx.new_page()
    page.goto(real_site + "/statistiques/")
    maps = page.locator("figure.stat-map svg[role=img]")
    assert maps.count() == 2
    for i in range(2):
        box = maps.nth(i).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 200
        assert maps.nth(i).locator("use").count() == 101 + 4  # départements + Paris zoom
    # Départements are coloured by level: Paris (many venues) is not drawn like Lozère.
    fill = page.evaluate("""code => getComputedStyle(
        document.querySelector('figure.stat-map use[href="#dep-' + code + '"]')).fill""", "75")
    assert fill != page.evaluate("""() => getComputedStyle(
        document.querySelector('figure.stat-map use.lvl0') || document.body).fill""")
    title = page.locator('figure.stat-map').first.locator('use[href="#dep-35"] title')
    assert re.fullmatch(r"Ille-et-Vilaine \(35\) : \d+ lieux? ouverts?", title.text_content())
    # The table is the maps' text alternative, one click away (no script).
    page.locator("#tableau-departements summary").click()
    assert page.locator("#tableau-departements table").is_visible()
    ctx.close()


def test_no_departement_with_a_venue_reads_zero_per_100000(browser, real_site):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(real_site + "/statistiques/")
    rows = page.evaluate("""() => [...document.querySelectorAll('#tableau-departements tbody tr')]
        .map(tr => [tr.querySelector('.stat-value').textContent.trim(),
                    tr.querySelector('td.num').textContent.trim()])""")
    ctx.close()
    assert len(rows) == 109
    with_venue = [rate for rate, count in rows if count != "0"]
    assert len(with_venue) > 50
    assert "0,0" not in with_venue


def test_statistics_lists_territories_without_venues_instead_of_zero_rows(browser, real_site):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(real_site + "/statistiques/")
    by_count = page.locator("#par-region ~ table tbody tr th").all_text_contents()
    counts = page.locator("#par-region ~ table tbody tr .stat-value").all_text_contents()
    numbers = [int(c.replace("\u202f", "")) for c in counts]
    assert numbers == sorted(numbers, reverse=True) and numbers[-1] > 0
    assert by_count[0] == "Île-de-France"
    assert "Île de Clipperton" in page.locator("#par-region").locator("..").inner_text()
    assert "Île de Clipperton" not in by_count
    ctx.close()


# -- venue pages -------------------------------------------------------------------------------

def test_a_closed_venue_has_a_banner_at_the_top(browser, served_site):
    ctx = browser.new_context(viewport={"width": 360, "height": 800})
    page = ctx.new_page()
    page.goto(served_site + "/lieux/ancienne-friche/")
    banner = page.locator(".closed-banner")
    assert banner.is_visible()
    assert banner.inner_text().startswith("Ce lieu est fermé")
    box = banner.bounding_box()
    assert box and box["y"] + box["height"] < 800  # seen without scrolling, on a phone
    assert box["width"] > 300
    page.goto(served_site + "/lieux/atelier-commun-rennes/")
    assert page.locator(".closed-banner").count() == 0
    ctx.close()


# -- French, favicon, sharing image, about page ------------------------------------------------

ENGLISH_TYPES = {"string", "number", "integer", "boolean", "array", "object"}


def test_the_data_page_names_column_types_in_french(browser, served_site):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(served_site + "/donnees/")
    kinds = set(page.locator("table.columns tbody td:nth-child(2)").all_text_contents())
    ctx.close()
    assert kinds and not kinds & ENGLISH_TYPES
    assert {"texte", "nombre"} <= kinds


def test_no_page_says_social_place(fixture_site):
    for file in fixture_site.rglob("*.html"):
        assert "social place" not in file.read_text(encoding="utf-8"), file


def test_favicon_and_sharing_image_are_served(browser, served_site):
    ctx = browser.new_context()
    page = ctx.new_page()
    for path in ["/", "/statistiques/", "/lieux/atelier-commun-rennes/", "/a-propos/"]:
        page.goto(served_site + path)
        icon = page.locator('link[rel=icon][type="image/svg+xml"]').get_attribute("href")
        image = page.locator('meta[property="og:image"]').get_attribute("content")
        assert image.startswith("http") and image.endswith("/theme/img/partage.png"), path
        assert page.request.get(served_site + icon).ok
    size = page.evaluate("""async url => {
        const img = new Image(); img.src = url; await img.decode();
        return [img.naturalWidth, img.naturalHeight]; }""", served_site + "/theme/img/partage.png")
    assert size == [1200, 630]
    touch = page.locator('link[rel=apple-touch-icon]').get_attribute("href")
    assert page.request.get(served_site + touch).headers["content-type"] == "image/png"
    ctx.close()


def test_about_page_names_publisher_contact_legal_notice_and_accessibility(browser, served_site):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(served_site + "/a-propos/")
    text = page.locator("main").inner_text()
    ctx.close()
    for needed in ["Éditeur", "Directeur ou directrice de la publication", "Hébergeur",
                   "GitHub, Inc., 88 Colin P. Kelly Jr. Street", "Licence Ouverte",
                   "Licence MIT", "Données personnelles", "Déclaration d'accessibilité",
                   "État de conformité", "axe-core", "320", "Défenseur des droits",
                   "contact@annuaire-tiers-lieux.fr"]:
        assert needed in text, needed
    assert "non conforme" in text and "audit RGAA complet" in text  # no claim of an audit


# -- accessibility -----------------------------------------------------------------------------

@pytest.mark.parametrize("width", [1280, 360])
def test_axe_finds_nothing_on_any_page(browser, fixture_site, served_site, width):
    ctx = browser.new_context(viewport={"width": width, "height": 800}, locale="fr-FR")
    page = ctx.new_page()
    found = {}
    for path in pages_of(fixture_site):
        if violations := axe_violations(page, served_site + path):
            found[path] = violations
    ctx.close()
    assert found == {}


def test_axe_finds_nothing_on_the_real_statistics_and_closed_venue(browser, real_site):
    ctx = browser.new_context(viewport={"width": 1280, "height": 800}, locale="fr-FR")
    page = ctx.new_page()
    for path in ["/statistiques/", "/lieux/les-grands-voisins/", "/a-propos/"]:
        assert axe_violations(page, real_site + path) == [], path
    ctx.close()
