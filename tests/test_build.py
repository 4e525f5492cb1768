"""End to end: the real Pelican build writes one page and one record per venue, everywhere."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from conftest import BROKEN, FIXTURE_VENUES, ROOT, build_site


def _outputs(site: Path) -> dict[str, set[str]]:
    pages = {p.parent.name for p in (site / "lieux").glob("*/index.html")}
    with (site / "donnees" / "tiers-lieux.csv").open(encoding="utf-8", newline="") as fh:
        csv_ids = [r["id"] for r in csv.DictReader(fh)]
    geo = json.loads((site / "donnees" / "tiers-lieux.geojson").read_text(encoding="utf-8"))
    full = json.loads((site / "donnees" / "tiers-lieux.json").read_text(encoding="utf-8"))
    carte = json.loads((site / "donnees" / "carte.json").read_text(encoding="utf-8"))
    geo_ids = [f["id"] for f in geo["features"]]
    json_ids = [r["id"] for r in full["lieux"]]
    for ids in (csv_ids, geo_ids, json_ids):
        assert len(ids) == len(set(ids)), "one record per venue"
    return {"pages": pages, "csv": set(csv_ids), "geojson": set(geo_ids),
            "json": set(json_ids), "carte": {row[0] for row in carte["lieux"]}}


@pytest.mark.parametrize("site_fixture", ["fixture_site", "starter_site"])
def test_every_venue_is_in_every_output(site_fixture: str, request: pytest.FixtureRequest) -> None:
    site = request.getfixturevalue(site_fixture)
    venues = FIXTURE_VENUES if site_fixture == "fixture_site" else ROOT / "content" / "venues"
    files = {p.stem for p in venues.rglob("*.yml")}
    outputs = _outputs(site)
    for name, ids in outputs.items():
        assert ids == files, name
    # The complete server-rendered lists are on the territory pages, which the home page
    # links for visitors without JavaScript (the home list is drawn from carte.json).
    home = (site / "index.html").read_text(encoding="utf-8")
    territories = "".join(p.read_text("utf-8") for p in (site / "territoires").glob("*/index.html"))
    for venue_id in files:
        assert f'data-id="{venue_id}"' in territories
        assert f'href="/lieux/{venue_id}/"' in territories
    for region in (site / "territoires").glob("*/index.html"):
        assert f'href="/territoires/{region.parent.name}/"' in home


def test_venue_page_shows_what_a_visitor_needs(fixture_site: Path) -> None:
    html = (fixture_site / "lieux" / "atelier-commun-rennes" / "index.html").read_text("utf-8")
    for text in ["L&#39;Atelier commun", "Coworking", "Fablab", "10 rue de la Fixture",
                 "35000 Rennes", "Ille-et-Vilaine (35), Bretagne", "Rennes Métropole",
                 "Du lundi au vendredi : 9 h – 18 h", "Samedi : 10 h – 13 h",
                 "Découpe laser", "Journée : 15 €", "Mois : 180.5 €", "24 postes de travail",
                 "Accessible en fauteuil roulant", "Fabrique de territoire",
                 "<strong>coworking</strong>", "ouvert depuis le 2 septembre 2019",
                 "Informations vérifiées le 1er octobre 2026",
                 'href="mailto:contact@atelier-commun.example.org"', 'href="tel:0299000000"']:
        assert text in html, text


def test_itinerant_and_closed_venues(fixture_site: Path) -> None:
    truck = (fixture_site / "lieux" / "tiers-lieu-roulant" / "index.html").read_text("utf-8")
    assert "Lieu itinérant : 3 étapes." in truck
    assert "Mardi : 9 h – 17 h" in truck and "Marvejols" in truck
    closed = (fixture_site / "lieux" / "ancienne-friche" / "index.html").read_text("utf-8")
    assert "Fermé" in closed and "fermé le 31 décembre 2022" in closed
    home = (fixture_site / "index.html").read_text("utf-8")
    assert "1 fermé." in home


def test_data_page_links_every_download_with_its_size(fixture_site: Path) -> None:
    html = (fixture_site / "donnees" / "index.html").read_text("utf-8")
    for name in ["tiers-lieux.csv", "tiers-lieux.geojson", "tiers-lieux.json"]:
        assert f'href="/donnees/{name}"' in html
        assert (fixture_site / "donnees" / name).stat().st_size > 0
    assert "Licence Ouverte" in html
    assert "<code>departement_nom</code>" in html


def test_front_end_libraries_come_from_node_modules(fixture_site: Path) -> None:
    built = fixture_site / "vendor" / "leaflet" / "leaflet.js"
    assert built.read_bytes() == (ROOT / "node_modules/leaflet/dist/leaflet.js").read_bytes()
    built = fixture_site / "vendor" / "supercluster" / "supercluster.min.js"
    assert built.read_bytes() == (
        ROOT / "node_modules/supercluster/dist/supercluster.min.js").read_bytes()
    # The minified bundles carry no licence text: their licences are published beside them.
    for folder, licence in (("leaflet", "LICENSE.txt"), ("supercluster", "LICENSE.txt"),
                            ("supercluster", "LICENSE-kdbush.txt")):
        text = (fixture_site / "vendor" / folder / licence).read_text(encoding="utf-8")
        assert "Copyright" in text or "copyright" in text


def test_invalid_venue_stops_the_build_with_a_french_message(tmp_path: Path) -> None:
    venues = tmp_path / "venues"
    (venues / "35").mkdir(parents=True)
    for name in ["atelier-commun-rennes.yml"]:
        (venues / "35" / name).write_bytes((FIXTURE_VENUES / "35" / name).read_bytes())
    (venues / "35" / "code-postal-autre-commune.yml").write_bytes(
        (BROKEN / "venues" / "35" / "code-postal-autre-commune.yml").read_bytes())
    output = tmp_path / "output"
    result = build_site(venues, output)
    assert result.returncode != 0
    assert "code-postal-autre-commune.yml:7: erreur [code-postal-commune]" in result.stderr
    assert "Le site n'est pas construit" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (output / "index.html").exists()  # no partial site passed off as complete


def test_feed_sitemap_and_404(fixture_site: Path) -> None:
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.parse(fixture_site / "flux.xml").getroot()
    titles = [e.find(f"{atom}title").text for e in feed.findall(f"{atom}entry")]
    assert "Fermeture : L'Ancienne Friche, Marseille (Bouches-du-Rhône)" in titles
    assert any(t.startswith("Nouveau lieu : ") for t in titles)  # fixtures are in git
    sitemap = ET.parse(fixture_site / "sitemap.xml").getroot()
    locs = {u.find("{http://www.sitemaps.org/schemas/sitemap/0.9}loc").text for u in sitemap}
    for venue in FIXTURE_VENUES.rglob("*.yml"):
        assert any(loc.endswith(f"/lieux/{venue.stem}/") for loc in locs)
    assert any(loc.endswith("/territoires/bretagne/ille-et-vilaine/") for loc in locs)
    assert "Page introuvable" in (fixture_site / "404.html").read_text("utf-8")


def test_venue_page_has_json_ld_and_open_graph(fixture_site: Path) -> None:
    import re

    html = (fixture_site / "lieux" / "atelier-commun-rennes" / "index.html").read_text("utf-8")
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    assert data["@type"] == "LocalBusiness" and data["name"] == "L'Atelier commun"
    assert data["address"]["postalCode"] == "35000"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 48.1113, "longitude": -1.68}
    assert '<meta property="og:title" content="L&#39;Atelier commun">' in html
    assert "À proximité" in html and 'href="/lieux/coworking-faubourg/"' in html


def test_embedded_json_cannot_close_its_script() -> None:
    from tierslieux.site.structured import script_json

    text = script_json({"name": "</script><script>alert(1)</script><!--"})
    assert "<" not in text and ">" not in text
    assert json.loads(text)["name"] == "</script><script>alert(1)</script><!--"


def test_parallel_build_writes_every_page_once_and_reproducibly(tmp_path: Path) -> None:
    """Above PARALLEL_FROM venues, a forked child renders pages: same output, none lost."""
    from tierslieux.site.generator import PARALLEL_FROM

    base = (FIXTURE_VENUES / "35" / "atelier-commun-rennes.yml").read_text(encoding="utf-8")
    folder = tmp_path / "venues" / "35"
    folder.mkdir(parents=True)
    count = PARALLEL_FROM + 20
    for i in range(count):
        (folder / f"atelier-{i}.yml").write_text(
            base.replace("id: atelier-commun-rennes", f"id: atelier-{i}")
            .replace("nom: L'Atelier commun", f"nom: Atelier numéro {i}")
            .replace("latitude: 48.1113", f"latitude: {48.0 + i / 2000:.4f}"),
            encoding="utf-8")
    first, second = tmp_path / "first", tmp_path / "second"
    for output in (first, second):
        result = build_site(tmp_path / "venues", output)
        assert result.returncode == 0, result.stderr
    assert len(list((first / "lieux").glob("*/index.html"))) == count
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    different = [f for f in files if (first / f).read_bytes() != (second / f).read_bytes()]
    assert different == []
