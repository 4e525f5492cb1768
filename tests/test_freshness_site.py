"""Honest freshness on the built site: imported venues say where their information comes
from and since when it is unconfirmed, credit their sources, and offer their manager three
prefilled actions; the map, the list, the filters and the statistics tell them apart.

The site is a real Pelican build of the fixture venues plus three imported ones
(tests/fixtures/imported/): a census venue positioned at its commune's centre, a Bretagne
venue from the #MapLabBZH map (CC BY) and the census, both unconfirmed, and a census venue
confirmed since. Expected figures are read here from the venue files themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import runpy
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import yaml
from test_html import vnu_errors

from conftest import FIXTURE_VENUES, ROOT, axe_violations, build_site, serve_folder

IMPORTED = ROOT / "tests" / "fixtures" / "imported"
SETTINGS = runpy.run_path(str(ROOT / "pelicanconf.py"))
REPOSITORY = urlparse(SETTINGS["REPOSITORY_URL"])
CENSUS = "Recensement national des tiers-lieux 2019 (mission Coworking, CGET / ANCT)"
MAPLAB = "Carte #MapLabBZH des fablabs et tiers-lieux de Bretagne"
NB = "\u202f"  # the thin no-break space of French numbers


# -- the site ----------------------------------------------------------------------------

def _venue_files() -> dict[str, dict]:
    files = [*FIXTURE_VENUES.rglob("*.yml"), *IMPORTED.rglob("*.yml")]
    return {p.stem: yaml.load(p.read_text("utf-8"), Loader=yaml.BaseLoader) for p in files}


VENUES = _venue_files()


def _confirmed(data: dict) -> bool:
    """Read independently of the model: checked after every source date, or no source."""
    dates = [e["date"] for e in data.get("provenance", [])]
    return not dates or data["date_verification"] > max(dates)


CONFIRMED = {i for i, d in VENUES.items() if _confirmed(d)}
UNCONFIRMED = set(VENUES) - CONFIRMED
NOT_CLOSED = {i for i, d in VENUES.items() if d["statut"] != "ferme"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venues = tmp_path_factory.mktemp("freshness") / "venues"
    shutil.copytree(FIXTURE_VENUES, venues)
    shutil.copytree(IMPORTED, venues, dirs_exist_ok=True)
    output = venues.parent / "output"
    result = build_site(venues, output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with serve_folder(site) as url:
        yield url


@pytest.fixture()
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == []
    ctx.close()


def open_home(page, served: str, query: str = "") -> None:
    page.goto(f"{served}/{'?' + query if query else ''}")
    page.wait_for_selector("#carte[data-loaded]")


def shown(page) -> set[str]:
    """The venues shown, the same on the map and in the list."""
    in_list = set(page.eval_on_selector_all(".venue-list li[data-id]:not([hidden])",
                                            "els => els.map(e => e.dataset.id)"))
    in_map = set(page.evaluate(
        "() => window.tierslieux.cluster.getLayers().map(m => m.options.venueId)"))
    assert in_list == in_map
    return in_list


def test_fixtures_cover_each_case() -> None:
    assert {"coworking-du-recensement", "fablab-de-la-carte"} == UNCONFIRMED
    assert "atelier-confirme" in CONFIRMED and VENUES["atelier-confirme"]["provenance"]


# -- venue pages ---------------------------------------------------------------------------

def _query(url: str) -> dict[str, str]:
    parts = urlparse(url)
    assert (parts.scheme, parts.netloc) == (REPOSITORY.scheme, REPOSITORY.netloc)
    assert parts.path == REPOSITORY.path + "/issues/new"
    query = parse_qs(parts.query, strict_parsing=True)
    assert all(len(v) == 1 for v in query.values())
    return {k: v[0] for k, v in query.items()}


def _form_fields(name: str) -> dict[str, str]:
    """An issue form's fields: id -> type."""
    form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / name).read_text())
    return {f["id"]: f["type"] for f in form["body"] if "id" in f}


def _site_action(url: str) -> tuple[str, dict[str, str]]:
    parts = urlparse(url)
    return parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()}


def _manager_block(box) -> list[dict[str, str]]:
    """The three actions of a « Je gère ce lieu » block, checked against the forms."""
    links = box.locator(".manager-actions a")
    assert links.all_inner_texts() == ["Confirmer ces informations", "Corriger la fiche",
                                       "Signaler que le lieu a fermé"]
    queries = [_query(a.get_attribute("href")) for a in links.all()]
    # Every prefilled field is a text field of its form (a prefilled dropdown blanks it).
    for query in queries:
        fields = _form_fields(query["template"])
        for key in set(query) - {"template", "title"}:
            assert fields.get(key) in ("input", "textarea"), key
    site = box.locator(".manager-site a")
    assert [_site_action(a.get_attribute("href")) for a in site.all()] == [
        ("/contribuer/", {"lieu": box.page.locator("article").get_attribute("data-id"),
                          "action": action}) for action in ("confirmer", "corriger", "fermer")]
    return queries


def test_the_manager_has_three_prefilled_actions(page, served) -> None:
    page.goto(f"{served}/lieux/coworking-du-recensement/")
    box = page.locator("section.provenance")
    assert box.get_by_role("heading", level=3).inner_text() == "Je gère ce lieu"
    confirm, correct, closed = _manager_block(box)
    assert confirm == {"template": "confirmer.yml", "identifiant": "coworking-du-recensement",
                       "title": "[Confirmer] Coworking du Recensement"}
    assert correct == {"template": "correction.yml", "lieu": "coworking-du-recensement",
                       "title": "[Correction] Coworking du Recensement"}
    assert closed == {"template": "confirmer.yml", "identifiant": "coworking-du-recensement",
                      "title": "[Fermeture] Coworking du Recensement"}
    # The prefilled id is the confirmation form's own id field, the one the bot reads.
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/confirmer.yml").read_text())
    field = next(f for f in form["body"] if f.get("id") == "identifiant")
    assert field["attributes"]["label"] == "Identifiant du lieu"
    hints = box.locator(".manager-actions .hint").all_inner_texts()
    assert "« Les informations sont exactes »" in hints[0]
    assert "« Le lieu a fermé »" in hints[2]


def test_approximate_position_is_flagged_near_the_map(page, served) -> None:
    page.goto(f"{served}/lieux/coworking-du-recensement/")
    flag = page.locator("#position-approximative")
    assert flag.inner_text().startswith("Position approximative : centre de la commune.")
    page.wait_for_selector("#mini-carte .tl-marker-approx")
    assert "(position approximative)" in page.locator("#mini-carte").get_attribute("aria-label")
    page.goto(f"{served}/lieux/atelier-commun-rennes/")  # a contributor's own position
    assert page.locator("#position-approximative").count() == 0
    page.wait_for_selector("#mini-carte .tl-marker")
    assert page.locator("#mini-carte .tl-marker-approx").count() == 0


def test_bretagne_venue_credits_its_cc_by_author(page, served) -> None:
    page.goto(f"{served}/lieux/fablab-de-la-carte/")
    box = page.locator("section.provenance")
    lead = " ".join(box.locator(".provenance-lead").inner_text().split())
    assert lead == (f"Informations issues des jeux de données « {MAPLAB} » (2020) et "
                    f"« {CENSUS} » (2019), non confirmées depuis.")
    credit = " ".join(box.locator(".credit").inner_text().split())
    assert f"« {MAPLAB} » (2020), © Guillaume Rouan / #MapLabBZH, licence CC BY 4.0" in credit
    assert box.locator(".credit").get_by_role("link", name="CC BY 4.0").get_attribute(
        "href") == "https://creativecommons.org/licenses/by/4.0/deed.fr"
    assert box.locator(".manager-actions a").count() == 3


def test_confirmed_venues_have_no_box_and_an_imported_one_a_discreet_credit(page, served):
    page.goto(f"{served}/lieux/atelier-confirme/")
    assert page.locator("section.provenance").count() == 0
    # Its manager can still confirm it again, correct it or report it closed.
    manager = page.locator("section.manager")
    assert manager.get_by_role("heading", level=2).inner_text() == "Je gère ce lieu"
    assert [q["identifiant"] for q in _manager_block(manager) if "identifiant" in q] == [
        "atelier-confirme", "atelier-confirme"]
    meta = " ".join(page.locator(".venue-meta").inner_text().split())
    assert "Informations vérifiées le 1er octobre 2026." in meta
    assert (f"Informations reprises de « {CENSUS} » (2019), licence Licence Ouverte 2.0, "
            "et confirmées depuis.") in meta
    assert "Position trouvée à partir de l'adresse" in page.locator("article").inner_text()
    page.goto(f"{served}/lieux/atelier-commun-rennes/")  # written by a contributor
    assert page.locator("section.provenance").count() == 0
    assert "Informations reprises" not in page.locator(".venue-meta").inner_text()
    page.goto(f"{served}/lieux/ancienne-friche/")  # closed: nothing left to report closed
    assert page.locator("section.manager .manager-actions a").all_inner_texts() == [
        "Confirmer ces informations", "Corriger la fiche"]


# -- map, list, filter ---------------------------------------------------------------------

def test_map_data_says_which_venues_are_confirmed(site: Path) -> None:
    carte = json.loads((site / "donnees" / "carte.json").read_text("utf-8"))
    col = {name: i for i, name in enumerate(carte["colonnes"])}
    rows = {r[col["id"]]: r for r in carte["lieux"]}
    assert set(rows) == set(VENUES)
    assert {i for i, r in rows.items() if r[col["confirme"]] == 1} == CONFIRMED
    jeux = carte["vocabulaires"]["jeux"]
    sources = {i: sorted(jeux[j]["id"] for j in r[col["jeux"]]) for i, r in rows.items()}
    assert sources["fablab-de-la-carte"] == ["maplabbzh", "recensement-2019"]
    assert sources["atelier-commun-rennes"] == []
    maplab = next(j for j in jeux if j["id"] == "maplabbzh")
    assert maplab["auteur"] == "Guillaume Rouan / #MapLabBZH"
    assert maplab["licence"] == "CC BY 4.0"


def test_map_and_list_show_unconfirmed_venues_distinctly(page, served) -> None:
    open_home(page, served)
    classes = dict(page.evaluate("""() => window.tierslieux.cluster.getLayers().map(
        m => [m.options.venueId, m.options.icon.options.className])"""))
    assert {i for i, c in classes.items() if "tl-marker-unconfirmed" in c} == UNCONFIRMED
    # Drawn on the map: separate them and count the hollow markers.
    page.evaluate("""() => {
        const {map, cluster} = window.tierslieux;
        const m = cluster.getLayers().find(l => l.options.venueId === 'fablab-de-la-carte');
        map.setView(m.getLatLng(), 16, {animate: false});
    }""")
    page.wait_for_selector(".leaflet-marker-icon.tl-marker-unconfirmed")
    badges = page.eval_on_selector_all(
        ".venue-list li:has(.badge-unconfirmed)", "els => els.map(e => e.dataset.id)")
    assert set(badges) == UNCONFIRMED
    assert page.locator(".badge-unconfirmed").first.inner_text() == "non confirmé"
    legend = page.locator(".map-legend")
    items = legend.locator(".legend li").all_inner_texts()
    assert items[0] == "Lieu confirmé"
    assert items[1].startswith(f"Lieu non confirmé ({len(UNCONFIRMED)}) : informations reprises")
    credit = " ".join(legend.locator(".credit").inner_text().split())
    assert "© Guillaume Rouan / #MapLabBZH, licence CC BY 4.0" in credit and CENSUS in credit
    lead = page.locator(".lead").inner_text()
    assert f"{len(CONFIRMED)} sont confirmés" in lead
    assert f"les {len(UNCONFIRMED)} autres, repris de données publiques" in lead


def test_popup_and_attribution_credit_the_bretagne_data(page, served) -> None:
    open_home(page, served)
    attribution = page.locator(".leaflet-control-attribution")
    assert "Guillaume Rouan / #MapLabBZH (CC BY 4.0)" in attribution.inner_text()
    assert "ANCT (ex-CGET)" in attribution.inner_text()
    page.evaluate("""() => {
        const {cluster} = window.tierslieux;
        const m = cluster.getLayers().find(l => l.options.venueId === 'fablab-de-la-carte');
        cluster.zoomToShowLayer(m, () => m.openPopup());
    }""")
    popup = page.wait_for_selector(".leaflet-popup-content")
    text = " ".join(popup.inner_text().split())
    assert text.startswith("Fablab de la Carte Saint-Avé Fablab non confirmé "
                           "Informations de 2020, pas vérifiées depuis.")
    assert (f"Source : « {MAPLAB} » (2020), © Guillaume Rouan / #MapLabBZH, "
            "licence CC BY 4.0") in text
    # Only confirmed venues shown: no Bretagne venue left, so no credit to its author.
    open_home(page, served, "confirme=1")
    assert "Guillaume Rouan" not in page.locator(".leaflet-control-attribution").inner_text()


def test_confirmed_only_filter_counts_and_survives_a_reload(page, served) -> None:
    open_home(page, served)
    assert shown(page) == NOT_CLOSED
    expected = CONFIRMED & NOT_CLOSED
    box = page.get_by_label("Confirmés seulement")
    assert page.locator("[data-count='confirme:1']").inner_text() == f"({len(expected)})"
    box.check()
    assert shown(page) == expected
    assert parse_qs(urlparse(page.url).query) == {"confirme": ["1"]}
    url = page.url
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_selector("#carte[data-loaded]")
    assert page.get_by_label("Confirmés seulement").is_checked()
    assert shown(page) == expected
    # Combined with another filter, and its count follows the other filters.
    page.locator("select[name=region]").select_option("53")
    bretagne = {"22", "29", "35", "56"}
    assert shown(page) == {i for i in expected
                           if VENUES[i].get("code_insee", "")[:2] in bretagne}
    page.get_by_role("button", name="Réinitialiser les filtres").click()
    assert not page.get_by_label("Confirmés seulement").is_checked()
    assert shown(page) == NOT_CLOSED and urlparse(page.url).query == ""


def test_the_filter_works_from_the_keyboard(page, served) -> None:
    open_home(page, served)
    page.get_by_label("Accès gratuit").focus()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.name") == "confirme"
    page.keyboard.press("Space")
    assert shown(page) == CONFIRMED & NOT_CLOSED


def test_territory_page_and_embed_credit_their_sources(page, served) -> None:
    page.goto(f"{served}/territoires/bretagne/morbihan/")
    page.wait_for_selector("#carte[data-loaded]")
    assert "1 non confirmé (repris de données publiques" in page.locator(".lead").inner_text()
    assert "© Guillaume Rouan / #MapLabBZH" in page.locator(".map-legend .credit").inner_text()
    page.goto(f"{served}/territoires/occitanie/lozere/")  # only a contributor's venue
    page.wait_for_selector("#carte[data-loaded]")
    assert page.locator(".map-legend").count() == 0
    assert "non confirmé" not in page.locator(".lead").inner_text()
    page.goto(f"{served}/embed/?departement=56")
    page.wait_for_selector("#carte[data-loaded]")
    assert "Guillaume Rouan / #MapLabBZH" in page.locator(
        ".leaflet-control-attribution").inner_text()


# -- statistics ----------------------------------------------------------------------------

def test_statistics_say_how_many_are_confirmed_and_since_when(page, served) -> None:
    page.goto(f"{served}/statistiques/")
    section = page.locator("section.stat-freshness")
    text = " ".join(section.inner_text().split())
    total, waiting = len(VENUES), len(UNCONFIRMED)
    assert f"{len(CONFIRMED)} lieux confirmés sur {total}" in text
    assert f"{waiting} non confirmés." in text
    checks = sorted(VENUES[i]["date_verification"] for i in CONFIRMED)
    first, last = (dt.date.fromisoformat(d) for d in (checks[0], checks[-1]))
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
              "septembre", "octobre", "novembre", "décembre"]

    def fr(d: dt.date) -> str:
        return f"{'1er' if d.day == 1 else d.day} {months[d.month - 1]} {d.year}"

    assert f"vérifiées entre le {fr(first)} et le {fr(last)}" in text
    imported = {i for i, d in VENUES.items() if d.get("provenance")}
    assert f"{len(imported)} lieux viennent de jeux de données publics" in text
    rows = [" ".join(t.split()) for t in section.locator(".stat-datasets li").all_inner_texts()]

    def in_dataset(jeu: str) -> set[str]:
        return {i for i in imported if jeu in {e["jeu"] for e in VENUES[i]["provenance"]}}

    census, maplab = in_dataset("recensement-2019"), in_dataset("maplabbzh")
    assert rows == [
        f"{len(maplab & UNCONFIRMED)} lieu non confirmé depuis 2020 sur {len(maplab)} repris "
        f"de « {MAPLAB} » (CC BY 4.0)",
        f"{len(census & UNCONFIRMED)} lieux non confirmés depuis 2019 sur {len(census)} "
        f"repris de « {CENSUS} » (Licence Ouverte 2.0)",
    ]
    assert page.get_by_role("link", name="Lieux confirmés").get_attribute("href") == (
        "#confirmation")


# -- quality: valid HTML, accessible, fits a phone ----------------------------------------

PAGES = ["/", "/lieux/coworking-du-recensement/", "/lieux/fablab-de-la-carte/",
         "/lieux/atelier-confirme/", "/statistiques/", "/territoires/bretagne/morbihan/"]


def test_pages_are_valid_html(site: Path) -> None:
    files = [site / p.lstrip("/") / "index.html" for p in PAGES]
    assert vnu_errors(files) == []


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violation(page, served, path) -> None:
    violations = axe_violations(page, served + path)
    assert violations == [], "\n".join(violations)


def test_pages_fit_a_320_pixel_screen(browser, served) -> None:
    ctx = browser.new_context(viewport={"width": 320, "height": 800})
    page = ctx.new_page()
    for path in PAGES:
        page.goto(served + path)
        if page.locator("#carte").count():  # the home map waits behind its switch on a phone
            page.wait_for_selector("#carte[data-loaded]", state="attached")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (path, overflow)
    ctx.close()
