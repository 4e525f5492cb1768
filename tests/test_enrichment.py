"""Derived territories come from the official reference data."""

from __future__ import annotations

from conftest import FIXTURE_VENUES
from tierslieux.check.validate import validate
from tierslieux.reference.refdata import normalize_name, reference_data


def by_id():
    return {v.id: v for v in validate([FIXTURE_VENUES], universe=FIXTURE_VENUES).venues}


def test_fixed_venue_gets_departement_region_epci_and_metropole() -> None:
    t = by_id()["atelier-commun-rennes"].territory()
    assert t["departement"] == {"code": "35", "nom": "Ille-et-Vilaine"}
    assert t["region"] == {"code": "53", "nom": "Bretagne"}
    assert t["epci"]["nom"] == "Rennes Métropole"
    assert t["metropole"] is True


def test_paris_arrondissement_belongs_to_paris_and_the_grand_paris() -> None:
    venue = by_id()["coworking-faubourg"]
    assert venue.base.code_insee == "75111"
    assert venue.territory()["epci"]["nom"] == "Métropole du Grand Paris"


def test_overseas_and_rural_venues() -> None:
    venues = by_id()
    reunion = venues["fablab-du-barachois"].territory()
    assert reunion["region"]["nom"] == "La Réunion"
    assert reunion["metropole"] is False
    truck = venues["tiers-lieu-roulant"]
    assert truck.itinerant
    assert [p.code_insee for p in truck.places] == ["48095", "48061", "48092"]
    assert truck.territory()["departement"]["nom"] == "Lozère"
    assert truck.territory()["epci"]["type"] == "CC"


def test_name_matching_ignores_case_accents_and_saint() -> None:
    assert normalize_name("ST-DENIS") == normalize_name("Saint-Denis")
    assert normalize_name("Florac-trois-rivieres") == normalize_name("Florac Trois Rivières")
    ref = reference_data()
    assert ref.name_matches(ref.commune("75111"), "Paris")
    assert not ref.name_matches(ref.commune("35238"), "Brest")


def test_former_codes_point_to_the_current_commune() -> None:
    ref = reference_data()
    assert ref.commune("01119") is None
    assert ref.former_codes["01119"] == "01080"
