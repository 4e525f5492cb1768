"""Exports are written from the in-memory venues; CSV cells can never run as formulas."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import FIXTURE_VENUES
from tierslieux.check.validate import validate
from tierslieux.publish import exports
from tierslieux.publish.columns import columns


@pytest.fixture(scope="module")
def venues():
    return validate([FIXTURE_VENUES], universe=FIXTURE_VENUES).venues


def url(v) -> str:
    return f"/lieux/{v.id}/"


@pytest.mark.parametrize("hostile", ["=HYPERLINK(\"http://x\",\"y\")", "+33 1", "-2+3", "@SUM(1)",
                                     "\tcmd", "\rcmd"])
def test_no_cell_starts_a_formula(hostile: str) -> None:
    assert exports.safe_cell(hostile).startswith("'")
    assert exports.safe_cell("Atelier") == "Atelier"
    assert exports.safe_cell(-1.68) == "-1.68"  # numbers stay numbers


def test_hostile_name_is_neutralised_in_the_csv(venues) -> None:
    venue = venues[0]
    venue.data = {**venue.data, "nom": '=HYPERLINK("http://evil.example","clic")'}
    rows = list(csv.DictReader(io.StringIO(exports.to_csv([venue], url))))
    assert rows[0]["nom"] == "'=HYPERLINK(\"http://evil.example\",\"clic\")"


def test_csv_conventions(venues) -> None:
    text = exports.to_csv(venues, url)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [c.name for c in columns()]
    by_id = {r["id"]: r for r in rows}
    rennes = by_id["atelier-commun-rennes"]
    assert rennes["types"] == "coworking|fablab"
    assert rennes["tarifs_mois"] == "180.5"
    assert rennes["tarifs_gratuit"] == "false"
    assert rennes["date_ouverture"] == "2019-09-02"
    assert rennes["departement_code"] == "35" and rennes["metropole"] == "true"
    truck = by_id["tiers-lieu-roulant"]
    assert truck["itinerant"] == "true"
    assert truck["adresse"] == ""
    assert truck["commune"] == "Mende"  # the first stop, as documented
    assert truck["etapes_communes"] == "Mende|Florac Trois Rivières|Marvejols"


def test_geojson_is_rfc7946_shaped(venues) -> None:
    data = json.loads(exports.to_geojson(venues, url))
    assert data["type"] == "FeatureCollection" and "crs" not in data
    geoms = {f["id"]: f["geometry"] for f in data["features"]}
    assert geoms["atelier-commun-rennes"] == {"type": "Point", "coordinates": [-1.68, 48.1113]}
    assert geoms["tiers-lieu-roulant"]["type"] == "MultiPoint"
    assert len(geoms["tiers-lieu-roulant"]["coordinates"]) == 3
    for f in data["features"]:
        assert list(f["properties"]) == [c.name for c in columns()]


def test_json_keeps_every_field_unchanged(venues) -> None:
    data = json.loads(exports.to_json(venues, url, {"nombre": len(venues)}))
    for venue, rec in zip(venues, data["lieux"], strict=True):
        derived = {k: rec.pop(k) for k in ("territoire", "url", "source")}
        assert rec == venue.data
        assert derived["source"] == []  # written by contributors: no dataset to credit
        assert derived["territoire"]["departement"]["code"]
