"""The 2019 census's published figures, beside the directory's, each gap explained.

The committed figures and per-row territories are checked against the census file itself
(../shared), and the gaps shown on the statistics page are recomputed from it row by row.
"""

from __future__ import annotations

import csv
import html
import os
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from tierslieux.check.validate import validate
from tierslieux.publish.reconciliation import reconcile_all
from tierslieux.reference.refdata import reference_data
from tierslieux.site.census import (
    FIGURES,
    TERRITORIES,
    compare,
    read_territories,
    source_figures,
    source_territories,
)

IMPORTS = ROOT / "content" / "imports"
CENSUS = ROOT.parent / "shared" / "data" / "cget-mission-coworking-tiers-lieux-2019.csv"


@pytest.fixture(scope="module")
def census_file() -> Path:
    if not CENSUS.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CENSUS} is required in CI")
        pytest.skip(f"{CENSUS} is absent (../shared is only beside the project's checkout)")
    return CENSUS


@pytest.fixture(scope="module")
def census_rows(census_file: Path) -> list[dict[str, str]]:
    with census_file.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def comparison():
    venues_dir = ROOT / "content" / "venues"
    venues = validate([venues_dir], universe=venues_dir).venues
    result = compare(venues, reconcile_all(venues, IMPORTS), IMPORTS, reference_data())
    assert result is not None
    return result


def test_committed_figures_are_the_census_own_counts(census_rows) -> None:
    figures = yaml.safe_load((IMPORTS / FIGURES).read_text(encoding="utf-8"))
    by_region = Counter(r["NOMREG"] for r in census_rows)
    by_metro = Counter(r["METRO"] for r in census_rows)
    assert figures["lieux"] == len(census_rows) == 1512
    assert {r["nom"]: r["lieux"] for r in figures["regions"]} == {
        name: n for name, n in by_region.items() if name}
    assert figures["sans_region"] == by_region[""]
    assert figures["metropoles"] == {"dans_une_metropole": by_metro["1"],
                                     "ailleurs": by_metro["0"], "non_renseigne": by_metro[""]}
    # The figures the issue quotes from the census.
    quoted = {"Île-de-France": 344, "Nouvelle Aquitaine": 225, "Auvergne et Rhône-Alpes": 205,
              "Occitanie": 165, "Provence-Alpes-Côte d'Azur": 127, "Bretagne": 88}
    assert {name: by_region[name] for name in quoted} == quoted
    assert (by_metro["1"], by_metro["0"]) == (825, 686)
    # The module's own reader agrees, codes included.
    assert source_figures(CENSUS) == {k: figures[k] for k in source_figures(CENSUS)}


def test_committed_row_territories_are_the_census_columns(census_rows) -> None:
    committed = read_territories(IMPORTS)
    assert len(committed) == len(census_rows)
    for row in census_rows:
        mine = committed[row["ID"]]
        assert (mine.region, mine.metro) == (row["INSEEREG"], row["METRO"])
    assert list(committed.values()) == source_territories(CENSUS)
    assert (IMPORTS / TERRITORIES).read_text("utf-8").startswith("id_source,region_code,")


def test_every_gap_is_explained(comparison) -> None:
    assert comparison.balanced
    assert comparison.total_census == 1512 and comparison.total_ours == 1391
    assert comparison.total_gap.not_taken + comparison.total_gap.merged == 121
    for row in (*comparison.regions, *comparison.metropoles):
        gap = row.gap
        assert row.ours == (row.census - gap.not_taken - gap.merged - gap.moved_out
                            + gap.moved_in), row.label
        assert gap.unexplained == 0
    assert sum(r.census for r in comparison.regions) == 1512
    assert sum(r.ours for r in comparison.regions) == 1391
    assert sum(r.ours for r in comparison.metropoles) == 1391


def test_gaps_agree_with_the_census_file_row_by_row(census_rows, comparison) -> None:
    """Recount each région from the census file and the import report, independently."""
    with (IMPORTS / "recensement-2019.csv").open(encoding="utf-8", newline="") as fh:
        report = {r["id_source"]: r for r in csv.DictReader(fh)}
    rows = {r.code: r for r in comparison.regions}
    not_taken = Counter(r["INSEEREG"] for r in census_rows
                        if report[r["ID"]]["statut"] in ("rejeté", "filtré"))
    for code in ("11", "75", "84", "76", "93", "53"):
        assert rows[code].gap.not_taken == not_taken[code], code
    idf = rows["11"]
    assert (idf.census, idf.gap.not_taken, idf.gap.merged, idf.gap.moved_out) == (344, 29, 4, 0)
    assert idf.ours == 311
    # Rows without a région in the census are counted in their commune's région today.
    without = [r for r in census_rows if not r["NOMREG"]]
    assert rows[""].census == len(without) == 7 and rows[""].ours == 0
    assert rows[""].gap.moved_out == sum(1 for r in without
                                         if report[r["ID"]]["statut"] == "créé")


def test_statistics_page_shows_both_figures_per_region(starter_site: Path) -> None:
    page = (starter_site / "statistiques" / "index.html").read_text("utf-8")
    section = page.split('<section aria-labelledby="recensement-2019">', 1)[1]
    section = section.split("</section>", 1)[0]
    cells = re.search(r'<th scope="row" rowspan="2">Île-de-France</th>'
                      r'<td class="num">([^<]+)</td><td class="num">([^<]+)</td>'
                      r'<td class="num"><strong>([^<]+)</strong></td></tr>\s*'
                      r'<tr><td colspan="3" class="stat-kind">([^<]+)</td>', section)
    assert cells, "the Île-de-France line of the comparison"
    census, ours, gap, why = (html.unescape(c) for c in cells.groups())
    assert (census, ours, gap) == ("344", "311", "−33")
    assert why == "29 lignes non reprises, 4 lignes fusionnées (lieux recensés deux fois)"
    with (starter_site / "donnees" / "tiers-lieux.csv").open(encoding="utf-8") as fh:
        from_census = [r for r in csv.DictReader(fh)
                       if "recensement-2019" in r["source"].split("|")]
    assert sum(1 for r in from_census if r["region_code"] == "11") == 311
    metro = sum(1 for r in from_census if r["metropole"] == "true")
    assert re.search(rf'Dans une métropole</th><td class="num">825</td><td class="num">{metro}'
                     r"</td>", section)
    assert "écart non expliqué" not in section
    assert "«\xa0Nouvelle Aquitaine\xa0»" in html.unescape(section)  # the census's own name


def test_no_comparison_without_the_census(fixture_site: Path) -> None:
    """A directory that did not import the census shows no table of zeros."""
    page = (fixture_site / "statistiques" / "index.html").read_text("utf-8")
    assert 'id="recensement-2019"' not in page
    data = (fixture_site / "donnees" / "index.html").read_text("utf-8")
    assert 'id="rapprochement"' not in data and 'id="sources"' not in data
