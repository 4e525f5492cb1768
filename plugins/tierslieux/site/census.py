"""The 2019 national census's own figures beside the directory's, with each gap explained.

Why: the census (recensement-2019) is the reference people quote: 1,512 tiers-lieux, 344
in Île-de-France, 825 in métropoles. The directory imported it, so a reader will compare;
the statistics page shows, per région and for métropoles versus elsewhere, the figure the
census published, the directory's venues that come from it ("ours": venues whose
`provenance` names the census, counted by their commune's région and métropole status
today, from the official reference data), and why they differ:

- rows not taken by the import (no type, no address, commune not found...);
- rows merged: a place the census lists twice is one venue;
- rows counted elsewhere today: the commune's région, or its EPCI's métropole status,
  differs from the census's columns (a row without a région, a corrected commune, an
  intercommunalité changed since 2019).

The census's figures are committed data (content/imports/recensement-2019-chiffres.yml,
with their source), and so is, for each census row, its région and métropole flag
(recensement-2019-territoires.csv): the build never reads the census file itself, which
is not in the repository. Both are derived from the file by `source_figures` and
`source_territories`, which tests/test_census_comparison.py checks against it, and which
`python -m tierslieux.site.census CENSUS.csv` uses to rewrite the per-row file.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..model.datasets import provenance
from ..model.venue import Venue
from ..publish.reconciliation import Reconciliation
from ..reference.refdata import ReferenceData

DATASET = "recensement-2019"
FIGURES = f"{DATASET}-chiffres.yml"
TERRITORIES = f"{DATASET}-territoires.csv"
NO_REGION = ""  # the census's NOMREG left empty
METRO_KEYS = {"1": "dans_une_metropole", "0": "ailleurs", "": "non_renseigne"}
METRO_LABELS = {"dans_une_metropole": "Dans une métropole", "ailleurs": "Ailleurs",
                "non_renseigne": "Non renseigné par le recensement"}
# How a gap's moves read (for one venue, for several), per table line.
REGION_OUT = (  # indexed by "is this the line of rows without a région"
    ("lieu compté aujourd'hui dans une autre région",
     "lieux comptés aujourd'hui dans une autre région"),
    ("lieu compté dans la région de sa commune", "lieux comptés dans la région de leur commune"))
REGION_IN = ("lieu que le recensement rangeait dans une autre région ou sans région",
             "lieux que le recensement rangeait dans une autre région ou sans région")
METRO_MOVES = {
    "dans_une_metropole": (
        ("lieu dont la commune n'est pas aujourd'hui dans une métropole",
         "lieux dont la commune n'est pas aujourd'hui dans une métropole"),
        ("lieu que le recensement comptait hors métropole ou sans le dire",
         "lieux que le recensement comptait hors métropole ou sans le dire")),
    "ailleurs": (
        ("lieu dont la commune est aujourd'hui dans une métropole",
         "lieux dont la commune est aujourd'hui dans une métropole"),
        ("lieu que le recensement comptait dans une métropole ou sans le dire",
         "lieux que le recensement comptait dans une métropole ou sans le dire")),
    "non_renseigne": (
        ("lieu compté selon l'intercommunalité de sa commune",
         "lieux comptés selon l'intercommunalité de leur commune"), ("", "")),
}


@dataclass(frozen=True)
class CensusRow:
    """One census row's territory, as the census's own columns give it."""

    source_id: str  # the census's ID column (the `ligne` of a venue's provenance)
    region: str  # INSEEREG, "" when empty
    metro: str  # METRO: "1", "0" or ""


@dataclass(frozen=True)
class Gap:
    """Why the directory's figure differs from the census's, for one line of a table."""

    not_taken: int = 0  # census rows of this line the import did not take
    merged: int = 0  # ... merged into a venue that already counts
    moved_out: int = 0  # ... whose venue counts on another line today
    moved_in: int = 0  # venues on this line today whose census row was on another
    unexplained: int = 0  # what the four do not account for (should be 0)

    def parts(self, moved_out: tuple[str, str] = ("", ""),
              moved_in: tuple[str, str] = ("", "")) -> list[str]:
        """The explanation in French, one phrase per non-zero cause.

        `moved_out` and `moved_in` say, for one venue and for several, where a venue
        counted elsewhere today went, or where it came from (they depend on the table).
        """
        out = []
        if self.not_taken:
            out.append(_n(self.not_taken, "ligne non reprise", "lignes non reprises"))
        if self.merged:
            out.append(_n(self.merged, "ligne fusionnée (lieu recensé deux fois)",
                          "lignes fusionnées (lieux recensés deux fois)"))
        if self.moved_out:
            out.append(_n(self.moved_out, *moved_out))
        if self.moved_in:
            out.append(_n(self.moved_in, *moved_in))
        if self.unexplained:
            out.append(_n(abs(self.unexplained), "écart non expliqué", "écarts non expliqués"))
        return out


@dataclass(frozen=True)
class ComparisonRow:
    code: str  # région code, or "dans_une_metropole" / "ailleurs" / "non_renseigne"
    label: str  # today's official name
    census_label: str  # the census's own name, when it differs ("" otherwise)
    census: int  # the figure the census published
    ours: int  # venues of the directory that come from the census, counted today
    gap: Gap
    explanation: str  # French, « 8 lignes non reprises, 2 lignes fusionnées… »

    @property
    def difference(self) -> int:
        return self.ours - self.census


@dataclass(frozen=True)
class CensusComparison:
    title: str
    author: str
    url: str
    date: str
    total_census: int
    total_ours: int
    total_gap: Gap
    total_explanation: str
    regions: tuple[ComparisonRow, ...]  # by census figure, largest first
    metropoles: tuple[ComparisonRow, ...]  # métropoles, elsewhere, not given
    not_listed: tuple[str, ...]  # régions with neither a census row nor a venue from it
    other_venues: int  # venues of the directory that do not come from the census

    @property
    def difference(self) -> int:
        return self.total_ours - self.total_census

    @property
    def balanced(self) -> bool:
        rows = (*self.regions, *self.metropoles)
        return self.total_gap.unexplained == 0 and all(r.gap.unexplained == 0 for r in rows)


def _n(count: int, one: str, several: str) -> str:
    return f"{count} {one if count == 1 else several}"


# -- from the census file (maintainers and tests only; ../shared is not in a clone) ------

def _read_census(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def source_territories(path: Path) -> list[CensusRow]:
    """Each row's ID, INSEEREG and METRO, read from the census's CSV file."""
    return [CensusRow(r["ID"].strip(), r["INSEEREG"].strip(), r["METRO"].strip())
            for r in _read_census(path)]


def source_figures(path: Path) -> dict[str, Any]:
    """The census's counts per région (code and its own name) and per METRO flag."""
    rows = _read_census(path)
    regions = Counter((r["INSEEREG"].strip(), r["NOMREG"].strip()) for r in rows)
    metro = Counter(METRO_KEYS.get(r["METRO"].strip(), r["METRO"].strip()) for r in rows)
    return {
        "lieux": len(rows),
        "regions": sorted(({"code": code, "nom": name, "lieux": n}
                           for (code, name), n in regions.items() if code),
                          key=lambda r: (-r["lieux"], r["nom"])),
        "sans_region": sum(n for (code, _), n in regions.items() if not code),
        "metropoles": {key: metro[key] for key in METRO_KEYS.values()},
    }


def write_territories(rows: list[CensusRow], target: Path) -> None:
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["id_source", "region_code", "metropole"])
        writer.writerows((r.source_id, r.region, r.metro) for r in rows)


# -- at build time, from the committed files ---------------------------------------------

def read_figures(imports: Path) -> dict[str, Any] | None:
    path = imports / FIGURES
    if not path.is_file():
        return None
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def read_territories(imports: Path) -> dict[str, CensusRow]:
    path = imports / TERRITORIES
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as fh:
        return {r["id_source"]: CensusRow(r["id_source"], r["region_code"], r["metropole"])
                for r in csv.DictReader(fh)}


def _from_census(venue: Venue) -> bool:
    return any(e["jeu"] == DATASET for e in provenance(venue.data))


def _gaps(census: dict[str, int], ours: Counter[str], result: Reconciliation,
          rows: dict[str, CensusRow], line_of_row: Callable[[CensusRow], str],
          line_of_venue: Callable[[Venue], str]) -> dict[str, Gap]:
    """The causes of the gap on each line (a région, or a métropole side)."""
    merged = {m.row.source_id for m in result.merged}
    not_taken: Counter[str] = Counter()
    merged_n: Counter[str] = Counter()
    out: Counter[str] = Counter()
    into: Counter[str] = Counter()
    for row in result.rows:
        census_row = rows.get(row.source_id)
        line = line_of_row(census_row) if census_row else None
        venue = result.fates.get(row.source_id)
        if line is None:
            continue  # a row the per-row file does not know: left unexplained
        if venue is None:
            not_taken[line] += 1
        elif row.source_id in merged:
            merged_n[line] += 1
        elif line_of_venue(venue) != line:
            out[line] += 1
            into[line_of_venue(venue)] += 1
    gaps = {}
    for line in set(census) | set(ours):
        expected = (census.get(line, 0) - not_taken[line] - merged_n[line] - out[line]
                    + into[line])
        gaps[line] = Gap(not_taken[line], merged_n[line], out[line], into[line],
                         ours[line] - expected)
    return gaps


def compare(venues: list[Venue], reconciliations: list[Reconciliation], imports: Path,
            ref: ReferenceData) -> CensusComparison | None:
    """The comparison, or None when this directory did not import the census."""
    figures = read_figures(imports)
    result = next((r for r in reconciliations if r.dataset.id == DATASET), None)
    if figures is None or result is None:
        return None
    rows = read_territories(imports)
    from_census = [v for v in venues if _from_census(v)]

    # Régions: the census's code per row; today's région of the venue's base commune.
    census_regions = {r["code"]: int(r["lieux"]) for r in figures["regions"]}
    census_regions[NO_REGION] = int(figures.get("sans_region") or 0)
    census_names = {r["code"]: str(r["nom"]) for r in figures["regions"]}
    ours_regions = Counter(v.base.region["code"] for v in from_census)
    region_gaps = _gaps(census_regions, ours_regions, result, rows,
                        lambda r: r.region, lambda v: v.base.region["code"])
    names = {code: t.nom for code, t in ref.regions.items()}
    for v in from_census:
        names.setdefault(v.base.region["code"], v.base.region["nom"])
    region_rows = []
    for code in sorted(set(census_regions) | set(ours_regions),
                       key=lambda c: (c == NO_REGION, -census_regions.get(c, 0),
                                      -ours_regions[c], names.get(c, c))):
        if code == NO_REGION:
            label, census_label = "Sans région dans le recensement", ""
        else:
            label = names.get(code, census_names.get(code, code))
            census_label = census_names.get(code, "")
            census_label = "" if census_label == label else census_label
        if code == NO_REGION and not census_regions[code]:
            continue
        gap = region_gaps[code]
        region_rows.append(ComparisonRow(
            code, label, census_label, census_regions.get(code, 0), ours_regions[code], gap,
            ", ".join(gap.parts(REGION_OUT[code == NO_REGION], REGION_IN))))

    # Métropoles: the census's METRO flag per row; today's EPCI of the venue's commune.
    census_metro = {key: int(n) for key, n in (figures.get("metropoles") or {}).items()}

    def side(venue: Venue) -> str:
        return "dans_une_metropole" if venue.base.metropole else "ailleurs"

    ours_metro = Counter(side(v) for v in from_census)
    metro_gaps = _gaps(census_metro, ours_metro, result, rows,
                       lambda r: METRO_KEYS.get(r.metro, r.metro), side)
    metro_rows = tuple(
        ComparisonRow(key, METRO_LABELS[key], "", census_metro.get(key, 0), ours_metro[key],
                      metro_gaps[key], ", ".join(metro_gaps[key].parts(*METRO_MOVES[key])))
        for key in METRO_LABELS if census_metro.get(key) or ours_metro[key])

    total_census = int(figures["lieux"])
    total = Gap(len(result.not_taken), len(result.merged),
                unexplained=len(from_census) - (total_census - len(result.not_taken)
                                                - len(result.merged)))
    listed = {r.code for r in region_rows}
    source = figures.get("source") or {}
    return CensusComparison(
        title=str(source.get("titre", DATASET)), author=str(source.get("auteur", "")),
        url=str(source.get("url", "")), date=str(source.get("date", "")),
        total_census=total_census, total_ours=len(from_census), total_gap=total,
        total_explanation=", ".join(total.parts()),
        regions=tuple(region_rows), metropoles=metro_rows,
        not_listed=tuple(t.nom for code, t in sorted(ref.regions.items())
                         if code not in listed),
        other_venues=len(venues) - len(from_census))


def main(argv: list[str] | None = None) -> int:
    """Rewrite the per-row file from the census CSV, and check the committed figures."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage : python -m tierslieux.site.census CGET_TiersLieux_2019.csv",
              file=sys.stderr)
        return 2
    from ..model.paths import ROOT

    source = Path(args[0])
    imports = ROOT / "content" / "imports"
    write_territories(source_territories(source), imports / TERRITORIES)
    expected = source_figures(source)
    committed = read_figures(imports) or {}
    same = all(committed.get(k) == expected[k] for k in expected)
    print(f"{imports / TERRITORIES} réécrit ; {FIGURES} "
          f"{'conforme au fichier' if same else 'DIFFÉRENT du fichier : à corriger'}.")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
