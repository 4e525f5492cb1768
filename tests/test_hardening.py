"""Hostile content that passes validation cannot hurt a visitor, and builds are reproducible.

Two venues carry XSS payloads in every free-text field the schema allows (and in every
URL field, within the schema's URL pattern). They pass the validator, the real site is
built with them and the fixture venues, and Chromium visits every page: no dialog opens,
no payload script runs (each sets `window.__pwned`), no element gets an event handler or
a script URL, and every payload still reads as plain text where it is shown.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest

from conftest import FIXTURE_VENUES, build_site, serve_folder
from tierslieux.check.validate import validate
from tierslieux.check.yamlload import load_bytes
from tierslieux.model.yamlwrite import dump_venue
from tierslieux.publish.exports import FORMULA_START

PWN = "__pwned=1"  # what every script payload does, besides alert() for some

# -- the payloads ----------------------------------------------------------------------
# Markdown descriptions: raw HTML, script URLs in every Markdown link form, images,
# autolinks, entity and percent tricks, mutation-XSS shapes. One paragraph each.
MARKDOWN_PAYLOADS = [
    f"<script>{PWN};alert(1)</script>",
    f'<img src=x onerror="{PWN};alert(1)">',
    f"<svg onload={PWN}><circle r=1 /></svg>",
    f"[lien](javascript:{PWN};alert(1))",
    "[lien](JaVaScRiPt:alert(1))",
    "[lien](java&#x73;cript:alert(1))",
    "[lien](&#106;avascript:alert(1))",
    "[lien](%6Aavascript:alert(1))",
    "[lien](<javascript:alert(1)>)",
    "[lien]( javascript:alert(1))",
    "[lien](vbscript:msgbox(1))",
    "[lien](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f'![image](x" onerror="{PWN})',
    "![image](javascript:alert(1))",
    "![image](data:image/svg+xml,<svg onload=alert(1)>)",
    "<javascript:alert(1)>",
    f'<https://ok.example/"onmouseover="{PWN}">',
    "<data:text/html,<script>alert(1)</script>>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    f'[titre](https://ok.example/ "\\" onmouseover=\\"{PWN}")',
    '<a href="javascript:alert(1)">a</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    f"<details open ontoggle={PWN}>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={PWN}>",
    f"<!--><img src=x onerror={PWN}>-->",
    f'<noscript><p title="</noscript><img src=x onerror={PWN}>">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<base href="javascript:alert(1)//">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    f"`<script>{PWN}</script>`",
    f"```\n<script>{PWN}</script>\n```",
    '<div style="width:expression(alert(1))">x</div>',
    "[lien](mailto:a@b.example?body=<script>)",
    "[lien](tel:+33-1<img src=x onerror=alert(1)>)",
    f"**<img src=x onerror={PWN}>**",
    f"> <script>{PWN}</script>",
    f"- <svg/onload={PWN}>",
    "{{ 7 * 7 }} {% raw %} ${7 * 7} #{7 * 7}",
]
_HALF = len(MARKDOWN_PAYLOADS) // 2

HOSTILE_NAME = ('=HYPERLINK("https://evil.example/?</script><script>' + PWN
                + ';alert(1)</script>","<!--<script>")')
ITINERANT_NAME = f"<img src=x onerror={PWN}>\"'><svg onload=alert(1)>\u2028</script>"

FIXED: dict[str, Any] = {
    "id": "hostile-lieu",
    "nom": HOSTILE_NAME,
    "types": ["coworking"],
    "statut": "ouvert",
    "adresse": f"@SUM(1+1)<script>{PWN}</script>",
    "complement_adresse": f'"><img src=y onerror={PWN}>',
    "code_postal": "29200",
    "commune": "Brest",
    "code_insee": "29019",
    "latitude": 48.39,
    "longitude": -4.486,
    "description": "\n\n".join(MARKDOWN_PAYLOADS[:_HALF]),
    "site_web": "https://x.example/\"><script>alert(1)</script>",
    # Markup cannot pass the schema's e-mail pattern; these are the characters it allows
    # that still mean something in HTML, attributes, templates and spreadsheets.
    "courriel": f"a'onmouseover='{PWN}'&lt{{{{7*7}}}}`=+x@x.example",
    "reseaux_sociaux": ["https://social.example/'><img/src=x/onerror=alert(1)>",
                        "https://social.example/?a=<script>alert(1)</script>"],
    "porteur": {"nom": f"-2+3<script>{PWN}</script>", "type": "association"},
    "tarifs": {"details": f"+cmd|' /C calc'!A0 <img src=x onerror={PWN}>", "journee": 1},
    "horaires": 'Mo 10:00-12:00 "<img src=x onerror=alert(1)>"; '
                f'Tu 10:00-12:00 "</script><script>{PWN}</script>"',
    "accessibilite": {"transports_en_commun": f"<svg><script>{PWN}</script></svg>",
                      "fiche_acces_libre": "https://acceslibre.example/\"onclick=\"alert(1)"},
    "reseaux": [f"<script>{PWN}//reseau</script>", f"<img src=z onerror={PWN}>",
                "</p><iframe src=javascript:alert(1)>"],
    "sources": ["https://source.example/</a><script>alert(1)</script>"],
}

ITINERANT: dict[str, Any] = {
    "id": "hostile-itinerant",
    "nom": ITINERANT_NAME,
    "types": ["atelier_partage"],
    "statut": "ouvert",
    "etapes": [
        {"nom": f"<script>{PWN}//etape</script>", "adresse": f"<img src=1 onerror={PWN}>",
         "commune": "Quimper", "code_postal": "29000", "code_insee": "29232",
         "latitude": 47.996, "longitude": -4.102,
         "horaires": f'We 09:00-17:00 "<svg onload={PWN}>"'},
        {"nom": '"><iframe srcdoc="<script>parent.__pwned=1</script>">',
         "commune": "Morlaix", "code_postal": "29600", "code_insee": "29151",
         "latitude": 48.577, "longitude": -3.828,
         "horaires": 'Th 09:00-17:00 "<a href=javascript:alert(1)>x</a>"'},
    ],
    "description": "\n\n".join(MARKDOWN_PAYLOADS[_HALF:]),
    "porteur": {"nom": f"<style>*{{display:none}}</style><b onmouseover={PWN}>x</b>",
                "type": "autre"},
}

# Payloads in the page URL: the filters and the search box read them.
URL_PAYLOADS = {
    "q": f"<img src=x onerror={PWN}>",
    "region": f'"><svg onload={PWN}>',
    "type": f"<script>{PWN}</script>",
}

NON_PAYLOAD_FIELDS = {"id", "types", "statut", "code_postal", "commune", "code_insee",
                      "latitude", "longitude", "type", "journee", "description"}


def _payload_strings(value: Any, key: str = "") -> list[str]:
    """Every hostile string put into a venue (descriptions counted per Markdown payload)."""
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _payload_strings(v, k)]
    if isinstance(value, list):
        return [s for v in value for s in _payload_strings(v, key)]
    if key in NON_PAYLOAD_FIELDS or not isinstance(value, str):
        return []
    return [value]


VENUE_PAYLOADS = _payload_strings(FIXED) + _payload_strings(ITINERANT) + MARKDOWN_PAYLOADS
PAYLOAD_COUNT = len(VENUE_PAYLOADS) + len(URL_PAYLOADS)


# -- building and serving ------------------------------------------------------------------
def write_hostile_venues(venues: Path) -> None:
    shutil.copytree(FIXTURE_VENUES, venues)
    checked = dt.date.today().isoformat()  # fresh, so no "à vérifier" warning
    for data in (FIXED, ITINERANT):
        text = dump_venue({**data, "date_verification": checked})
        loaded = load_bytes(text.encode("utf-8"), f"29/{data['id']}.yml")
        assert loaded.problems == [] and loaded.data["nom"] == data["nom"]
        target = venues / "29" / f"{data['id']}.yml"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_venues(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venues = tmp_path_factory.mktemp("hostile") / "venues"
    write_hostile_venues(venues)
    return venues


@pytest.fixture(scope="module")
def hostile_site(hostile_venues: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("hostile-site") / "output"
    result = build_site(hostile_venues, output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output




@pytest.fixture(scope="module")
def hostile_served(hostile_site: Path) -> Iterator[str]:
    with serve_folder(hostile_site) as url:
        yield url


# -- validation, downloads, embedded data ----------------------------------------------
def test_hostile_venues_pass_the_validator(hostile_venues: Path) -> None:
    print(f"\n{PAYLOAD_COUNT} hostile payloads ({len(VENUE_PAYLOADS)} in venue fields, "
          f"{len(MARKDOWN_PAYLOADS)} of them Markdown; {len(URL_PAYLOADS)} in page URLs)")
    assert PAYLOAD_COUNT == 66
    assert len(set(VENUE_PAYLOADS)) == len(VENUE_PAYLOADS)
    result = validate([hostile_venues], universe=hostile_venues)
    assert result.errors == [], [str(p) for p in result.errors]
    assert {"hostile-lieu", "hostile-itinerant"} <= {v.id for v in result.venues}


def test_csv_cells_cannot_run_as_formulas(hostile_site: Path) -> None:
    with (hostile_site / "donnees" / "tiers-lieux.csv").open(encoding="utf-8",
                                                              newline="") as fh:
        rows = {r["id"]: r for r in csv.DictReader(fh)}
    row = rows["hostile-lieu"]
    assert row["nom"] == "'" + HOSTILE_NAME
    assert row["adresse"] == "'" + FIXED["adresse"]
    assert row["porteur_nom"] == "'" + FIXED["porteur"]["nom"]
    assert row["tarifs_details"] == "'" + FIXED["tarifs"]["details"]
    for record in rows.values():
        for name, cell in record.items():
            if cell.startswith(FORMULA_START):
                float(cell)  # only numbers (a negative longitude) may start with "-"
                assert name in ("latitude", "longitude"), (name, cell)


def test_json_ld_and_downloads_give_back_the_exact_names(hostile_site: Path) -> None:
    for data in (FIXED, ITINERANT):
        html = (hostile_site / "lieux" / data["id"] / "index.html").read_text("utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert len(blocks) == 1  # the hostile </script> did not close it early
        assert "<" not in blocks[0]
        jsonld = json.loads(blocks[0])
        assert jsonld["name"] == data["nom"]
        assert jsonld["description"] == data["description"]
        assert jsonld["parentOrganization"]["name"] == data["porteur"]["nom"]
        if "horaires" in data:
            assert jsonld["openingHours"] == data["horaires"]
            assert jsonld["sameAs"][0] == data["site_web"]
            assert jsonld["email"] == data["courriel"]
    full = json.loads((hostile_site / "donnees" / "tiers-lieux.json").read_text("utf-8"))
    records = {r["id"]: r for r in full["lieux"]}
    carte = json.loads((hostile_site / "donnees" / "carte.json").read_text("utf-8"))
    names = {row[0]: row[1] for row in carte["lieux"]}
    geo = json.loads((hostile_site / "donnees" / "tiers-lieux.geojson").read_text("utf-8"))
    geo_names = {f["id"]: f["properties"]["nom"] for f in geo["features"]}
    for data in (FIXED, ITINERANT):
        assert records[data["id"]]["nom"] == names[data["id"]] == data["nom"]
        assert geo_names[data["id"]] == data["nom"]
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(hostile_site / "flux.xml").getroot()
    feed_text = " ".join(e.findtext(f"{atom}title") or "" for e in feed.iter(f"{atom}entry"))
    assert "Nouveau lieu" in feed_text or "Fermeture" in feed_text


URL_FIELDS = [FIXED["site_web"], f"mailto:{FIXED['courriel']}", *FIXED["reseaux_sociaux"],
              FIXED["accessibilite"]["fiche_acces_libre"], *FIXED["sources"]]


@pytest.fixture(scope="module")
def hostile_vnu(hostile_site: Path) -> tuple[list[str], list[str]]:
    """vnu errors of the hostile pages: (unexpected, known href bug)."""
    from test_html import vnu_errors

    site = hostile_site
    pages = [site / "lieux" / v["id"] / "index.html" for v in (FIXED, ITINERANT)]
    pages += [site / "index.html", site / "territoires" / "bretagne" / "finistere" / "index.html",
              site / "lieux" / "atelier-commun-rennes" / "index.html"]
    known = [f"Bad value “{url}” for attribute “href” on element “a”" for url in URL_FIELDS]
    errors = vnu_errors(pages)
    href_bug = [e for e in errors if any(k in e for k in known)]
    return [e for e in errors if e not in href_bug], href_bug


def test_hostile_pages_are_valid_html(hostile_vnu: tuple[list[str], list[str]]) -> None:
    unexpected, _ = hostile_vnu
    assert unexpected == [], "\n".join(unexpected)


def test_hostile_urls_give_valid_hrefs(hostile_vnu: tuple[list[str], list[str]]) -> None:
    _, href_bug = hostile_vnu
    assert href_bug == [], "\n".join(href_bug)


# -- in a real browser --------------------------------------------------------------------
AUDIT_JS = """() => {
  const bad = [];
  const SAFE = new Set(["http:", "https:", "mailto:", "tel:"]);
  const URL_ATTRS = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                     "background", "srcdoc", "ping"];
  for (const el of document.querySelectorAll("*")) {
    const tag = el.localName;
    if (["iframe", "object", "embed", "frame", "frameset", "base", "applet"].includes(tag)) {
      bad.push("element " + tag);
    }
    if (tag === "meta" && el.getAttribute("http-equiv")) { bad.push("meta http-equiv"); }
    if (tag === "script") {
      const src = el.getAttribute("src");
      if (src ? new URL(src, document.baseURI).origin !== location.origin
              : el.type !== "application/ld+json") {
        bad.push("script " + (src || el.textContent.slice(0, 60)));
      }
    }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith("on")) { bad.push(tag + "[" + name + "]"); }
      if (URL_ATTRS.includes(name)) {
        if (name === "srcdoc") { bad.push(tag + "[srcdoc]"); continue; }
        let url;
        try { url = new URL(attr.value, document.baseURI); } catch (e) { continue; }
        if (!SAFE.has(url.protocol)) { bad.push(tag + "[" + name + "]=" + attr.value); }
      }
    }
  }
  return bad;
}"""


@pytest.fixture()
def watched(browser, hostile_served):
    """A page whose dialogs, page errors and failed requests are recorded."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = ctx.new_page()
    events: dict[str, list[str]] = {"dialogs": [], "errors": [], "failed": []}

    def on_dialog(dialog) -> None:
        events["dialogs"].append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_response(response) -> None:
        if response.url.startswith(hostile_served) and response.status >= 400:
            events["failed"].append(f"{response.status} {response.url}")

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda exc: events["errors"].append(str(exc)))
    page.on("response", on_response)
    page.events = events
    yield page
    ctx.close()


def assert_unharmed(page, where: str) -> None:
    page.wait_for_timeout(50)  # let any deferred handler (onload, ontoggle...) fire
    assert page.evaluate("() => typeof window.__pwned") == "undefined", where
    assert page.events["dialogs"] == [], where
    assert page.events["errors"] == [], where
    assert page.events["failed"] == [], where
    assert page.evaluate(AUDIT_JS) == [], where


def open_map_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#carte[data-loaded]")


def open_popup(page, venue_id: str) -> dict[str, str]:
    """Open the map popup of a venue (its first marker): its HTML and its link's text."""
    return page.evaluate("""id => new Promise((done, fail) => {
        const {map, cluster} = window.tierslieux;
        const m = cluster.getLayers().find(l => l.options.venueId === id);
        map.closePopup();
        map.stop();  // the previous popup's pan
        map.setView(m.getLatLng(), map.getMinZoom(), {animate: false});
        map.setView(m.getLatLng(), map.getMaxZoom(), {animate: false});  // unclustered
        const start = Date.now();
        (function wait() {
            if (m._icon) {
                m.openPopup();
                const box = m.getPopup().getElement().querySelector(".leaflet-popup-content");
                done({html: box.innerHTML, link: box.querySelector("a").textContent});
            } else if (Date.now() - start > 5000) {
                fail(new Error("no marker shown for " + id));
            } else {
                setTimeout(wait, 20);
            }
        })();
    })""", venue_id)


def test_no_payload_runs_on_any_page(watched, hostile_served, hostile_site) -> None:
    pages = sorted(p.relative_to(hostile_site) for p in hostile_site.rglob("*.html")
                   if "pagefind" not in p.parts)
    for path in pages:
        url = f"{hostile_served}/{path.as_posix().removesuffix('index.html')}"
        watched.goto(url)
        if watched.locator("#carte").count():
            watched.wait_for_selector("#carte[data-loaded]")
        assert_unharmed(watched, url)
    print(f"\n{len(pages)} pages of the hostile build visited")


def test_venue_pages_show_payloads_as_text(watched, hostile_served) -> None:
    watched.goto(f"{hostile_served}/lieux/hostile-lieu/")
    assert watched.locator("h1").inner_text() == HOSTILE_NAME
    assert watched.title().startswith(HOSTILE_NAME)
    description = watched.locator(".description").inner_text()
    assert f"<script>{PWN};alert(1)</script>" in description
    assert "{{ 7 * 7 }}" not in description  # in the other venue
    assert watched.locator(".description a[href^=javascript], .description img").count() == 0
    body = watched.locator("main").inner_text()
    for text in [FIXED["adresse"], FIXED["complement_adresse"], FIXED["porteur"]["nom"],
                 FIXED["tarifs"]["details"], FIXED["site_web"], *FIXED["reseaux"],
                 FIXED["accessibilite"]["transports_en_commun"],
                 "10 h – 12 h (<img src=x onerror=alert(1)>)"]:
        assert text in body, text
    # the hostile site_web is only ever a percent-encoded attribute of a plain https link
    href = watched.locator("a", has_text=FIXED["site_web"]).get_attribute("href")
    assert href.startswith("https://") and unquote(href) == FIXED["site_web"]
    assert not set('"<> ') & set(href)
    watched.evaluate("() => document.querySelectorAll('main *').forEach(e => {"
                     "e.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
                     "e.dispatchEvent(new Event('toggle'));})")
    assert_unharmed(watched, "hostile-lieu")

    watched.goto(f"{hostile_served}/lieux/hostile-itinerant/")
    assert watched.locator("h1").text_content() == ITINERANT_NAME
    text = watched.locator("main").inner_text()
    assert "{{ 7 * 7 }} {% raw %} ${7 * 7} #{7 * 7}" in text  # no template ran it
    assert ITINERANT["etapes"][1]["nom"] in text
    assert_unharmed(watched, "hostile-itinerant")


def test_home_list_and_map_popups(watched, hostile_served) -> None:
    open_map_page(watched, f"{hostile_served}/")
    item = watched.locator(".venue-list li[data-id=hostile-lieu] > a")
    assert item.inner_text() == HOSTILE_NAME
    for venue_id, name in [("hostile-lieu", HOSTILE_NAME),
                           ("hostile-itinerant", ITINERANT_NAME)]:
        popup = open_popup(watched, venue_id)
        assert "<img" not in popup["html"] and "<script" not in popup["html"]
        assert "<svg" not in popup["html"] and popup["link"] == name
        assert_unharmed(watched, f"home popup {venue_id}")
    # search the payload words; the result list is built from the search index
    watched.locator("#q").fill("HYPERLINK")
    watched.wait_for_function("() => document.querySelector('#resultats').textContent"
                              ".includes('correspond')")
    assert watched.locator(".venue-list li[data-id=hostile-lieu]").is_visible()
    assert_unharmed(watched, "home search")


def test_territory_and_embed_pages(watched, hostile_served) -> None:
    for url in [f"{hostile_served}/territoires/bretagne/finistere/",
                f"{hostile_served}/territoires/bretagne/",
                f"{hostile_served}/embed/?departement=29"]:
        open_map_page(watched, url)
        for venue_id, name in [("hostile-lieu", HOSTILE_NAME),
                               ("hostile-itinerant", ITINERANT_NAME)]:
            assert open_popup(watched, venue_id)["link"] == name
            assert_unharmed(watched, f"{url} popup {venue_id}")
        if "embed" not in url:
            assert HOSTILE_NAME in watched.locator(".venue-list").inner_text()


def test_payloads_in_the_page_url(watched, hostile_served) -> None:
    query = "&".join(f"{k}={quote(v)}" for k, v in URL_PAYLOADS.items())
    for path in ("/", "/embed/", "/territoires/bretagne/"):
        open_map_page(watched, f"{hostile_served}{path}?{query}")
        watched.wait_for_timeout(400)  # the search runs after a pause
        assert_unharmed(watched, path)
    assert watched.locator("#carte").get_attribute("data-loaded") is not None


# -- reproducible builds ----------------------------------------------------------------------
def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _differences(a: Path, b: Path) -> list[str]:
    first, second = _tree(a), _tree(b)
    return sorted(name for name in first.keys() | second.keys()
                  if first.get(name) != second.get(name))


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    for output in (one, two):
        result = build_site(FIXTURE_VENUES, output)
        assert result.returncode == 0, result.stdout + result.stderr
    files = _tree(one)
    print(f"\n{len(files)} files compared across two builds")
    assert _differences(one, two) == []


def test_builds_without_feed_entries_are_byte_identical(tmp_path: Path) -> None:
    # Outside git (no addition dates) and with no closed venue, the feed has no entry.
    venues = tmp_path / "venues"
    (venues / "35").mkdir(parents=True)
    shutil.copy(FIXTURE_VENUES / "35" / "atelier-commun-rennes.yml", venues / "35")
    one, two = tmp_path / "one", tmp_path / "two"
    for output in (one, two):
        result = build_site(venues, output)
        assert result.returncode == 0, result.stdout + result.stderr
    assert _differences(one, two) == []
