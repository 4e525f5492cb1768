"""Published data: validated by independent tools, documented, stable, with its history."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import geojson
import pytest

from conftest import FIXTURE_VENUES, ROOT, build_site
from tierslieux.publish.columns import columns
from tierslieux.publish.fielddocs import field_docs
from tierslieux.publish.mednum import COLUMNS as MEDNUM_COLUMNS
from tierslieux.publish.mednum import international_phone

FRICTIONLESS = Path(sys.executable).with_name("frictionless")
SHARED = ROOT.parent / "shared" / "standards"


def shared(path: str) -> Path:
    target = SHARED / path
    if not target.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{target} is required in CI")
        pytest.skip(f"{target} is absent (../shared is only beside the project's checkout)")
    return target


def frictionless(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(FRICTIONLESS), "validate", "--trusted", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_data_package_passes_frictionless(fixture_site: Path) -> None:
    run = frictionless("datapackage.json", cwd=fixture_site / "donnees")
    assert run.returncode == 0, run.stdout
    assert run.stdout.count("VALID") == 5 and "INVALID" not in run.stdout


def test_data_package_describes_the_csv_from_the_schema(fixture_site: Path) -> None:
    package = json.loads((fixture_site / "donnees" / "datapackage.json").read_text("utf-8"))
    assert package["licenses"][0]["name"] == "etalab-2.0"
    assert package["version"] and package["created"] and package["sources"]
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    with (fixture_site / "donnees" / "tiers-lieux.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert list(fields) == header == [c.name for c in columns()]
    assert fields["statut"]["constraints"]["enum"] == ["projet", "ouvert",
                                                       "ferme_temporairement", "ferme"]
    assert fields["date_verification"]["type"] == "date"
    assert fields["tarifs_gratuit"]["trueValues"] == ["true"]
    assert "|" in fields["types"]["constraints"]["pattern"]


def test_national_standard_export_passes_its_schema(fixture_site: Path) -> None:
    schema = shared("standard-mediation-num/schema.json")
    run = frictionless("--schema", str(schema), "lieux-mediation-numerique.csv",
                       cwd=fixture_site / "donnees")
    assert run.returncode == 0, run.stdout
    with (fixture_site / "donnees" / "lieux-mediation-numerique.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [f["name"] for f in json.loads(schema.read_text())["fields"]]
    assert list(rows[0]) == MEDNUM_COLUMNS
    # Only venues with a SIRET or RNA and a street address; nothing invented.
    assert {r["id"]: r["pivot"] for r in rows} == {"atelier-commun-rennes": "73282932000074",
                                                   "coworking-faubourg": "W751234567"}
    typologies = {x["value"] for x in json.loads(
        shared("data-inclusion-v0/extra/typologies-de-structures.json").read_text())}
    for r in rows:
        assert set(r["typologie"].split("|")) <= typologies


def test_data_page_says_which_venues_are_not_in_the_national_export(fixture_site: Path):
    html = (fixture_site / "donnees" / "index.html").read_text("utf-8")
    assert "Les 3 lieux absents du fichier national, et pourquoi" in html
    assert "Le Tiers-lieu roulant</a> : pas de SIRET ni de RNA, pas d&#39;adresse postale" in html


@pytest.mark.parametrize(("number", "expected"), [
    ("02 99 00 00 00", "+33299000000"), ("0590 12 34 56", "+590590123456"),
    ("06 92 12 34 56", "+262692123456"), ("+33 1 23 45 67 89", "+33123456789"),
    ("12", None)])
def test_phone_numbers_take_the_international_form(number, expected) -> None:
    assert international_phone(number) == expected


def test_geojson_is_valid_rfc7946(fixture_site: Path) -> None:
    text = (fixture_site / "donnees" / "tiers-lieux.geojson").read_text("utf-8")
    collection = geojson.loads(text)
    assert collection.is_valid, collection.errors()
    raw = json.loads(text)
    assert "crs" not in raw  # RFC 7946 §4: WGS 84 only, no crs member
    with (fixture_site / "donnees" / "tiers-lieux.csv").open(encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    for feature in raw["features"]:
        assert list(feature["properties"]) == header
        points = feature["geometry"]["coordinates"]
        points = [points] if feature["geometry"]["type"] == "Point" else points
        for lon, lat in points:
            assert -180 <= lon <= 180 and -90 <= lat <= 90
            assert len(str(lon).split(".")[-1]) <= 6 and len(str(lat).split(".")[-1]) <= 6
    for region in (fixture_site / "donnees" / "regions").glob("*.geojson"):
        assert geojson.loads(region.read_text("utf-8")).is_valid


def test_per_venue_json_and_region_extracts(fixture_site: Path) -> None:
    full = json.loads((fixture_site / "donnees" / "tiers-lieux.json").read_text("utf-8"))
    for record in full["lieux"]:
        own = json.loads((fixture_site / "donnees" / "lieux" / f"{record['id']}.json")
                         .read_text("utf-8"))
        assert own == record
    seen = []
    for extract in sorted((fixture_site / "donnees" / "regions").glob("*.csv")):
        with extract.open(encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        assert {r["region_code"] for r in rows} == {extract.stem}
        seen += [r["id"] for r in rows]
    assert sorted(seen) == sorted(r["id"] for r in full["lieux"])


def test_schema_documentation_page_covers_every_field(fixture_site: Path) -> None:
    html = (fixture_site / "donnees" / "schema" / "index.html").read_text("utf-8")
    for doc in field_docs():
        assert f"<code>{doc.path}</code>" in html
        for code, _ in doc.values:
            assert f"<code>{code}</code>" in html
    published = json.loads((fixture_site / "donnees/schema/venue.schema.json").read_text())
    assert published == json.loads((ROOT / "schema" / "venue.schema.json").read_text())


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=cwd, check=True, capture_output=True)


def test_changelog_from_git_history(tmp_path: Path) -> None:
    venues = tmp_path / "venues"
    for rel in ("35/atelier-commun-rennes.yml", "75/coworking-faubourg.yml"):
        (venues / rel).parent.mkdir(parents=True, exist_ok=True)
        (venues / rel).write_bytes((FIXTURE_VENUES / rel).read_bytes())
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first version")
    paris = venues / "75" / "coworking-faubourg.yml"
    paris.write_text(paris.read_text().replace("statut: ouvert",
                                               "statut: ferme\ndate_fermeture: 2026-06-30"))
    rennes = venues / "35" / "atelier-commun-rennes.yml"
    rennes.write_text(rennes.read_text().replace("journee: 15", "journee: 16"))
    _git(tmp_path, "commit", "-qam", "second version")
    result = build_site(venues, tmp_path / "out")
    assert result.returncode == 0, result.stderr
    history = json.loads((tmp_path / "out" / "donnees" / "historique.json").read_text())
    latest, first = history["versions"]
    assert [e["id"] for e in latest["fermetures"]] == ["coworking-faubourg"]
    changed = {e["id"]: e["champs"] for e in latest["modifications"]}
    assert changed == {"atelier-commun-rennes": ["tarifs"],
                       "coworking-faubourg": ["date_fermeture", "statut"]}
    assert sorted(e["id"] for e in first["ajouts"]) == ["atelier-commun-rennes",
                                                        "coworking-faubourg"]
    page = (tmp_path / "out" / "donnees" / "index.html").read_text("utf-8")
    assert 'href="/lieux/coworking-faubourg/">Coworking du Faubourg</a></td></tr>' in page


def test_licence_is_stated_everywhere(fixture_site: Path) -> None:
    assert "Licence Ouverte / Open Licence version 2.0" in (ROOT / "LICENSE").read_text()
    page = (fixture_site / "donnees" / "index.html").read_text("utf-8")
    assert "données sous Licence Ouverte 2.0, version du" in page
    assert "© les contributeurs d'OpenStreetMap" in page
