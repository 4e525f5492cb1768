"""The statistics page: figures checked against hand-counted venue sets, and its template."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader

from conftest import ROOT
from tierslieux.model.schema import labels
from tierslieux.model.venue import Venue
from tierslieux.reference.enrich import enrich
from tierslieux.reference.refdata import normalize_name, reference_data
from tierslieux.site.choropleth import SOURCE, shapes
from tierslieux.site.filters import template_filters
from tierslieux.site.stats import (
    THIN_NBSP,
    Statistics,
    compute,
    dep_sort_key,
    format_number,
    format_percent,
)

NB = THIN_NBSP

RENNES = {"commune": "Rennes", "code_postal": "35000", "code_insee": "35238",
          "latitude": 48.11, "longitude": -1.68}
BREST = {"commune": "Brest", "code_postal": "29200", "code_insee": "29019",
         "latitude": 48.39, "longitude": -4.49}
PARIS_11 = {"commune": "Paris", "code_postal": "75011", "code_insee": "75111",
            "latitude": 48.859, "longitude": 2.379}
SAINT_DENIS = {"commune": "Saint-Denis", "code_postal": "97400", "code_insee": "97411",
               "latitude": -20.88, "longitude": 55.45}
MARSEILLE = {"commune": "Marseille", "code_postal": "13003", "code_insee": "13055",
             "latitude": 43.31, "longitude": 5.39}
LYON_1 = {"commune": "Lyon", "code_postal": "69001", "code_insee": "69381",
          "latitude": 45.767, "longitude": 4.834}
MENDE = {"commune": "Mende", "code_postal": "48000", "code_insee": "48095",
         "latitude": 44.518, "longitude": 3.5}
MARVEJOLS = {"commune": "Marvejols", "code_postal": "48100", "code_insee": "48092",
             "latitude": 44.554, "longitude": 3.291}
MILLAU = {"commune": "Millau", "code_postal": "12100", "code_insee": "12145",
          "latitude": 44.098, "longitude": 3.078}

CC_COEUR_DE_LOZERE = "244800405"
CC_GEVAUDAN = "244800470"
CC_MILLAU = "241200567"  # members in Aveyron (12) and in Lozère (48)


def make(venue_id: str, where: dict[str, Any] | list[dict[str, Any]], types: list[str],
         statut: str = "ouvert", porteur: str | None = None) -> Venue:
    data: dict[str, Any] = {"id": venue_id, "nom": venue_id.replace("-", " ").title(),
                            "types": types, "statut": statut,
                            "date_verification": "2026-01-10"}
    if isinstance(where, list):
        data["etapes"] = where
    else:
        data.update(adresse="1 rue de l'Exemple", **where)
    if porteur:
        data["porteur"] = {"nom": f"Porteur de {venue_id}", "type": porteur}
    return enrich(reference_data(), venue_id, f"content/venues/x/{venue_id}.yml", data)


def sample() -> list[Venue]:
    """Seven venues; five are open. Hand counts are in the tests below."""
    return [
        make("atelier-rennes", RENNES, ["coworking", "fablab"], porteur="association"),
        make("fablab-brest", BREST, ["fablab"], porteur="entreprise"),
        make("camion", [MENDE, MARVEJOLS, MILLAU], ["tiers_lieu_nourricier", "atelier_partage"],
             porteur="epci"),
        make("fablab-reunion", SAINT_DENIS, ["fablab", "makerspace"]),
        make("cowork-paris", PARIS_11, ["coworking", "incubateur"], porteur="cooperative"),
        make("friche-marseille", MARSEILLE, ["friche_culturelle"], statut="ferme",
             porteur="association"),
        make("projet-lyon", LYON_1, ["coworking"], statut="projet", porteur="collectivite"),
    ]


@pytest.fixture(scope="module")
def stats() -> Statistics:
    return compute(sample(), reference_data())


def rows(table: tuple[Any, ...]) -> dict[str, tuple[int, int]]:
    return {r.code: (r.ouverts, r.total) for r in table}


# -- formatting ----------------------------------------------------------------------------

def test_numbers_are_formatted_the_french_way() -> None:
    assert format_number(0) == "0"
    assert format_number(999) == "999"
    assert format_number(1234567) == f"1{NB}234{NB}567"
    assert format_number(1.25, 1) == "1,3"  # half up, as by hand
    assert format_number(12345.04, 1) == f"12{NB}345,0"
    assert format_number(None) == "—"
    assert format_percent(71.43) == f"71,4{NB}%"


# -- counts ----------------------------------------------------------------------------------

def test_totals_and_status(stats: Statistics) -> None:
    assert (stats.total, stats.ouverts) == (7, 5)
    assert [r.code for r in stats.par_statut] == list(labels("statut"))
    by_code = {r.code: (r.count, r.percent) for r in stats.par_statut}
    assert by_code == {"projet": (1, 14.3), "ouvert": (5, 71.4),
                       "ferme_temporairement": (0, 0.0), "ferme": (1, 14.3)}
    assert {r.code: r.width for r in stats.par_statut}["ouvert"] == "100.0%"


def test_every_region_and_departement_is_listed_by_code(stats: Statistics) -> None:
    ref = reference_data()
    assert [r.code for r in stats.par_region] == sorted(ref.regions, key=dep_sort_key)
    deps = [r.code for r in stats.par_departement]
    assert len(deps) == len(ref.departements) == 109
    assert deps.index("19") < deps.index("2A") < deps.index("2B") < deps.index("21")
    assert deps[-13:][0] == "971" and "989" in deps


def test_counts_by_region_use_the_base_place(stats: Statistics) -> None:
    regions = {code: counts for code, counts in rows(stats.par_region).items() if counts[1]}
    # Bretagne: Rennes and Brest. Occitanie: the truck, based in Mende (its Millau stop in
    # Aveyron is in Occitanie too, but it is counted once). PACA and Auvergne-Rhône-Alpes
    # only have a closed venue and a project.
    assert regions == {"53": (2, 2), "76": (1, 1), "04": (1, 1), "11": (1, 1),
                       "93": (0, 1), "84": (0, 1)}
    assert rows(stats.par_region)["975"] == (0, 0)  # a collectivité d'outre-mer: own row


def test_counts_by_departement_use_the_base_place(stats: Statistics) -> None:
    deps = {code: counts for code, counts in rows(stats.par_departement).items() if counts[1]}
    assert deps == {"35": (1, 1), "29": (1, 1), "48": (1, 1), "974": (1, 1), "75": (1, 1),
                    "13": (0, 1), "69": (0, 1)}
    assert rows(stats.par_departement)["12"] == (0, 0)  # the truck only stops in Millau
    labels_by_code = {r.code: r.label for r in stats.par_departement}
    assert labels_by_code["48"] == "Lozère"


def test_a_venue_counts_once_under_each_of_its_types(stats: Statistics) -> None:
    counts = rows(stats.par_type)
    assert counts["fablab"] == (3, 3)
    assert counts["coworking"] == (2, 3)
    assert counts["friche_culturelle"] == (0, 1)
    assert counts["hackerspace"] == (0, 0)
    assert len(stats.par_type) == len(labels("type_lieu"))
    assert (stats.type_mentions_ouverts, stats.type_mentions_total) == (9, 11)
    assert [r.code for r in stats.par_type][:7] == [
        "fablab", "coworking", "atelier_partage", "incubateur", "makerspace",
        "tiers_lieu_nourricier", "friche_culturelle"]


def test_porteur_kinds_with_not_given_last(stats: Statistics) -> None:
    assert [(r.code, r.ouverts, r.total) for r in stats.par_porteur] == [
        ("association", 1, 2),
        ("cooperative", 1, 1), ("entreprise", 1, 1), ("epci", 1, 1),
        ("collectivite", 0, 1),
        ("autre", 0, 0), ("etablissement_public", 0, 0),
        ("non_renseigne", 1, 1),
    ]
    assert stats.par_porteur[-1].label == "Non renseigné"


def test_share_of_open_venues_in_metropoles(stats: Statistics) -> None:
    metro, elsewhere = stats.metropoles
    # Rennes, Brest and Paris are in métropoles; Mende (CC) and Saint-Denis (CA) are not.
    # Marseille and Lyon are métropoles, but their venues are not open.
    assert (metro.ouverts, metro.ouverts_percent) == (3, 60.0)
    assert (elsewhere.ouverts, elsewhere.ouverts_percent) == (2, 40.0)
    assert format_percent(metro.ouverts_percent) == f"60,0{NB}%"
    ref = reference_data()
    communes = [c for c in ref.communes.values() if c.parent is None]
    in_metro = sum(c.population or 0 for c in communes
                   if c.code in ref.epci_by_commune and ref.epci_by_commune[c.code].is_metropole)
    total = sum(c.population or 0 for c in communes)
    assert metro.population == in_metro
    assert metro.population + elsewhere.population == total
    assert 20 < metro.population_percent < 50  # about a third of the French live in one


def test_venues_per_100000_inhabitants(stats: Statistics) -> None:
    ref = reference_data()
    lozere = sum(c.population for c in ref.communes.values()
                 if c.departement == "48" and c.parent is None)
    assert 70_000 < lozere < 80_000
    rates = {r.code: r for r in stats.taux_par_departement}
    assert rates["48"].population == lozere
    assert rates["48"].rate == pytest.approx(1 * 100_000 / lozere)
    assert rates["48"].rate_text == format_number(1 * 100_000 / lozere, 1)
    # Paris arrondissements are not counted twice.
    paris = ref.communes["75056"].population
    assert rates["75"].population == paris
    assert rates["12"].rate == 0.0 and rates["12"].rate_text == "0,0"
    assert rates["984"].rate is None and rates["984"].rate_text == "—"  # no population
    assert [r.code for r in stats.taux_par_departement] == [r.code for r in stats.par_departement]
    ranking = stats.taux_classement
    assert {r.code for r in ranking} == {"35", "29", "48", "974", "75"}
    assert ranking[0].code == "48" and ranking[0].width == "100.0%"
    assert [r.rate for r in ranking] == sorted((r.rate for r in ranking), reverse=True)


def test_a_departement_with_a_venue_never_reads_zero_per_100000() -> None:
    """One venue among 2.6 million people (Nord) is 0.04: "< 0,1", not "0,0"."""
    lille = {"commune": "Lille", "code_postal": "59000", "code_insee": "59350",
             "latitude": 50.63, "longitude": 3.06}
    stats = compute([make("lille", lille, ["coworking"])], reference_data())
    nord = next(r for r in stats.taux_par_departement if r.code == "59")
    assert 0 < nord.rate < 0.05
    assert nord.rate_text == f"<{NB}0,1"
    assert {r.code for r in stats.taux_classement} == {"59"}


def test_regions_by_count_by_name_and_without_any_venue(stats: Statistics) -> None:
    by_count = [r.code for r in stats.regions_par_nombre]
    assert by_count[0] == "53"  # Bretagne: 2 open venues
    assert set(by_count) == {r.code for r in stats.par_region if r.total}
    names = [r.label for r in stats.regions_par_nom]
    assert names == sorted(names, key=normalize_name)
    assert "Mayotte" in [r.label for r in stats.regions_sans_lieu]
    assert not {r.code for r in stats.regions_sans_lieu} & set(by_count)


def test_maps_colour_every_departement_with_a_shape(stats: Statistics) -> None:
    count_map, rate_map = stats.cartes
    areas = {a.code: a for a in count_map.areas}
    assert len(areas) == 101  # 96 metropolitan + 5 overseas départements
    assert areas["12"].level == 0 and areas["48"].level >= 1  # Aveyron: its truck is based there
    assert areas["48"].label == "Lozère (48) : 1 lieu ouvert"
    rates = {a.code: a for a in rate_map.areas}
    assert rates["48"].level == max(a.level for a in rate_map.areas)  # densest in the sample
    assert count_map.legend[0].label == "aucun"
    assert all(e.label for e in rate_map.legend)


def test_departements_without_an_open_venue(stats: Statistics) -> None:
    missing = [a.code for a in stats.departements_sans_lieu]
    # Every stop counts: Aveyron is covered by the truck's Millau stop.
    covered = {"35", "29", "48", "12", "974", "75"}
    assert missing == [c for c in (r.code for r in stats.par_departement) if c not in covered]
    assert "13" in missing and "69" in missing  # a closed venue, a project
    assert stats.departements_couverts == 6
    names = {a.code: a.label for a in stats.departements_sans_lieu}
    assert names["2A"] == "Corse-du-Sud"


def test_lozere_without_open_venue_when_its_only_venue_is_closed() -> None:
    closed = make("camion", [MENDE, MARVEJOLS], ["atelier_partage"], statut="ferme")
    stats = compute([closed, make("atelier-rennes", RENNES, ["coworking"])], reference_data())
    assert "48" in [a.code for a in stats.departements_sans_lieu]
    assert rows(stats.par_departement)["48"] == (0, 1)
    lozere = next(d for d in stats.couverture_epci if d.code == "48")
    assert lozere.sans_lieu_count == lozere.epci_count


def test_epcis_without_an_open_venue_per_departement(stats: Statistics) -> None:
    ref = reference_data()
    lozere_epcis = {e.siren for code, e in ref.epci_by_commune.items()
                    if ref.communes[code].departement == "48"}
    assert CC_MILLAU in lozere_epcis  # an EPCI belongs to each of its départements
    coverage = {d.code: d for d in stats.couverture_epci}
    lozere = coverage["48"]
    assert lozere.epci_count == len(lozere_epcis)
    # The truck covers Mende's, Marvejols' and (from Aveyron) Millau's EPCIs.
    expected = lozere_epcis - {CC_COEUR_DE_LOZERE, CC_GEVAUDAN, CC_MILLAU}
    assert {e.code for e in lozere.epci_sans_lieu} == expected
    assert lozere.sans_lieu_count == lozere.epci_count - 3
    names = [e.label for e in lozere.epci_sans_lieu]
    assert names == sorted(names, key=str.casefold) or len(names) < 2
    assert {e.kind for e in lozere.epci_sans_lieu} == {"Communauté de communes"}
    assert CC_MILLAU not in {e.code for e in coverage["12"].epci_sans_lieu}
    # Ille-et-Vilaine: only Rennes Métropole has a venue.
    assert coverage["35"].sans_lieu_count == coverage["35"].epci_count - 1
    # Collectivités d'outre-mer without EPCI are left out; La Réunion has five EPCIs.
    assert "975" not in coverage and coverage["974"].epci_count == 5
    assert stats.epci_total == len(set(ref.epci_by_commune.values()))
    assert stats.epci_couverts == 7  # Rennes, Brest, Paris, CINOR, Mende, Marvejols, Millau


def test_itinerant_stops_only_count_for_coverage() -> None:
    ref = reference_data()
    truck = make("camion", [MILLAU, MENDE], ["atelier_partage"])
    stats = compute([truck], ref)
    assert rows(stats.par_departement)["12"] == (1, 1)  # based in Millau
    assert rows(stats.par_departement)["48"] == (0, 0)
    assert "48" not in [a.code for a in stats.departements_sans_lieu]  # served by a stop
    coverage = {d.code: d for d in stats.couverture_epci}
    assert CC_COEUR_DE_LOZERE not in {e.code for e in coverage["48"].epci_sans_lieu}


def test_empty_directory() -> None:
    stats = compute([], reference_data())
    assert stats.total == stats.ouverts == 0
    assert len(stats.departements_sans_lieu) == 109
    assert stats.metropoles[0].ouverts_percent is None
    assert all(r.width == "0%" for r in stats.par_departement)


def test_results_are_deterministic() -> None:
    venues = sample()
    assert compute(venues, reference_data()) == compute(venues[::-1], reference_data())


# -- template --------------------------------------------------------------------------------

class Tables(HTMLParser):
    """Each <table>: its caption, its header scopes and its bars; plus the <details>."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict[str, Any]] = []
        self.in_caption = False
        self.details = 0
        self.summaries: list[str] = []
        self.in_summary = False
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.tables.append({"caption": "", "scopes": [], "bars": []})
        elif tag == "caption":
            self.in_caption = True
        elif tag == "th" and self.tables:
            self.tables[-1]["scopes"].append(a.get("scope"))
        elif tag == "span" and "bar" in (a.get("class") or "").split():
            self.tables[-1]["bars"].append(a.get("style"))
        elif tag == "span" and a.get("class") == "stat-track":
            assert a.get("aria-hidden") == "true"
        elif tag == "details":
            self.details += 1
        elif tag == "summary":
            self.in_summary = True
            self.summaries.append("")
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False
        elif tag == "summary":
            self.in_summary = False

    def handle_data(self, data: str) -> None:
        if self.in_caption:
            self.tables[-1]["caption"] += data
        if self.in_summary:
            self.summaries[-1] += data


def render(stats: Statistics) -> str:
    env = Environment(loader=FileSystemLoader(ROOT / "theme" / "templates"),
                      trim_blocks=True, lstrip_blocks=True, autoescape=True)
    env.filters.update(template_filters())
    return env.get_template("statistiques.html").render(
        stats=stats, SITENAME="Annuaire des tiers-lieux", SITEURL="", pages=[],
        SITESUBTITLE="", page_name="statistiques", map_shapes=shapes(), map_source=SOURCE,
        DATA_LICENSE={"name": "Licence Ouverte 2.0", "url": "https://example.org/lo"})


def test_every_chart_is_a_captioned_table(stats: Statistics) -> None:
    html = render(stats)
    parser = Tables()
    parser.feed(html)
    assert parser.scripts == 0
    assert len(parser.tables) == 8
    for table in parser.tables:
        assert table["caption"].strip()
        assert all(scope in ("col", "row", "rowgroup") for scope in table["scopes"])
        assert "row" in table["scopes"]
        assert table["bars"] and all(re.fullmatch(r"--w: \d+(\.\d)?%", b)
                                     for b in table["bars"])
    captions = [t["caption"] for t in parser.tables]
    assert "Lieux ouverts par région, de la plus à la moins pourvue" in captions
    assert "Lieux ouverts par région, par ordre alphabétique" in captions
    assert '<link rel="stylesheet" href="/theme/css/stats.css">' in html


def test_the_page_shows_the_numbers(stats: Statistics) -> None:
    html = render(stats)
    assert "7 lieux, dont 5 ouverts" in html
    assert f"71,4{NB}%" in html  # open share in the status table
    assert f"60,0{NB}% des lieux ouverts sont dans une métropole" in html
    assert "Non renseigné" in html and "Tiers-lieu nourricier" in html
    lozere = next(r for r in stats.taux_par_departement if r.code == "48")
    assert format_number(lozere.population) in html and format_number(lozere.rate, 1) in html
    assert "Corse-du-Sud" in html
    assert html.count('<svg viewBox="0 0 600 480" role="img"') == 2  # the two maps
    assert html.count('<path id="dep-') == 101  # shapes drawn once, used by both maps
    assert "Licence Ouverte 2.0" in html and "france-geojson" in html  # the shapes' credit
    assert "Aucun lieu recensé</strong> (" in html and "Clipperton" in html  # no zero rows
    parser = Tables()
    parser.feed(html)
    lozere_coverage = next(d for d in stats.couverture_epci if d.code == "48")
    assert (f"Lozère (48) : {lozere_coverage.sans_lieu_count} EPCI sans lieu ouvert "
            f"sur {lozere_coverage.epci_count}") in parser.summaries
    assert "CC Mont Lozère" in html and "(Communauté de communes)" in html
