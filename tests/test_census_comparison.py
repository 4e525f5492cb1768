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


def _from_census(venues_dir: Path = ROOT / "content" / "venues") -> int:
    """Venue files whose provenance names the census, read without the module."""
    return sum(1 for path in venues_dir.rglob("*.yml")
               if re.search(r"^  - jeu: recensement-2019$", path.read_text("utf-8"), re.M))


def test_every_gap_is_explained(comparison) -> None:
    ours = _from_census()
    assert comparison.balanced
    assert comparison.total_census == 1512 and comparison.total_ours == ours > 1000
    assert comparison.total_gap.not_taken + comparison.total_gap.merged == 1512 - ours
    for row in (*comparison.regions, *comparison.metropoles):
        gap = row.gap
        assert row.ours == (row.census - gap.not_taken - gap.merged - gap.moved_out
                            + gap.moved_in), row.label
        assert gap.unexplained == 0
    assert sum(r.census for r in comparison.regions) == 1512
    assert sum(r.ours for r in comparison.regions) == ours
    assert sum(r.ours for r in comparison.metropoles) == ours


def _recount(census_rows, starter_site: Path) -> dict[str, Counter]:
    """Per census région, recounted from the census file, the committed import report and
    the published CSV: rows not taken, rows merged (a venue's rows of the census after its
    first), and venues of the directory from the census by today's région."""
    with (IMPORTS / "recensement-2019.csv").open(encoding="utf-8", newline="") as fh:
        report = {r["id_source"]: r for r in csv.DictReader(fh)}
    region = {r["ID"]: r["INSEEREG"] for r in census_rows}
    not_taken = Counter(region[i] for i, r in report.items()
                        if r["statut"] in ("rejeté", "filtré"))
    with (starter_site / "donnees" / "tiers-lieux.csv").open(encoding="utf-8") as fh:
        from_census = [r for r in csv.DictReader(fh)
                       if "recensement-2019" in r["source"].split("|")]
    merged: Counter[str] = Counter()
    for venue in from_census:
        ids = sorted((x.split(":", 1)[1] for x in venue["source_lignes"].split("|")
                      if x.startswith("recensement-2019:")), key=int)
        merged.update(region[i] for i in ids[1:])
    ours = Counter(r["region_code"] for r in from_census)
    return {"not_taken": not_taken, "merged": merged, "ours": ours,
            "metro": Counter(r["metropole"] for r in from_census)}


def test_gaps_agree_with_the_census_file_row_by_row(census_rows, comparison,
                                                    starter_site: Path) -> None:
    """Recount each région from the census file and the import report, independently."""
    recount = _recount(census_rows, starter_site)
    rows = {r.code: r for r in comparison.regions}
    census = Counter(r["INSEEREG"] for r in census_rows)
    for code, row in rows.items():
        assert row.census == census[code], code
        assert row.ours == recount["ours"][code], code
        assert row.gap.not_taken == recount["not_taken"][code], code
        assert row.gap.merged == recount["merged"][code], code
    idf = rows["11"]
    assert (idf.census, idf.gap.moved_out, idf.gap.moved_in) == (344, 0, 0)
    assert idf.ours == 344 - idf.gap.not_taken - idf.gap.merged
    # Rows without a région in the census are counted in their commune's région today.
    without = [r for r in census_rows if not r["NOMREG"]]
    assert rows[""].census == len(without) == 7 and rows[""].ours == 0
    assert rows[""].gap.moved_out + rows[""].gap.not_taken + rows[""].gap.merged == 7


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
    with (starter_site / "donnees" / "tiers-lieux.csv").open(encoding="utf-8") as fh:
        from_census = [r for r in csv.DictReader(fh)
                       if "recensement-2019" in r["source"].split("|")]
    idf = sum(1 for r in from_census if r["region_code"] == "11")
    assert (census, ours, gap) == ("344", str(idf), f"−{344 - idf}")
    assert re.fullmatch(r"\d+ lignes non reprises(, \d+ lignes? fusionnées? \(lieux? "
                        r"recensés? deux fois\))?", why), why
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
