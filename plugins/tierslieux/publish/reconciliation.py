"""What became of every row of each imported dataset: the published reconciliation.

Why: a reuser holding a source file (the 2019 census, the #MapLabBZH map) must be able to
check that nothing was lost between it and the directory. For each dataset this module
reads the import report committed beside the venues (content/imports/<dataset>.csv, one
line per source row) and the venues actually published, and puts every row of the source
in exactly one of three places:

- in a published venue, the first row of the dataset that venue holds: the venue counts
  once ("venues published": the venues whose `source` column names the dataset);
- merged: a further row of the same dataset in a venue already counted (a place the
  source lists twice);
- not taken: rejected or filtered by the import, with the report's reason, or imported
  once but whose venue has since left the directory.

So `rows == venues + merged + not taken` holds by construction, and what could break it is
checked instead: the report's row numbers run without gap or repeat, and every row a venue
claims in its `provenance` is a row of the report. A venue holds a row when its
`provenance` names it (dataset id and `ligne`, the source's own row identifier): the venue
files are the truth, the report's status only explains rows no venue holds. Nothing here
reads a source file: the build works from a fresh clone, without ../shared.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model.datasets import Dataset, datasets, provenance
from ..model.venue import Venue
from .exports import safe_cell

NOT_TAKEN = ("rejeté", "filtré")
ABSENT = "absent de la source"  # report line of a venue the source no longer lists
CREATED = "créé"
VENUE_GONE = "fiche retirée de l'annuaire depuis l'import"
NO_REASON = "motif non précisé par le rapport"


@dataclass(frozen=True)
class SourceRow:
    """One row of a source file, as the import report describes it."""

    number: int  # the row's position in the source file, as the report numbers it
    source_id: str  # the source's own identifier of the row (census: its ID column)
    name: str  # the place's name in the source
    status: str  # the report's status (créé, rapproché, rejeté, filtré...)
    reason: str = ""  # why it was not taken
    detail: str = ""


@dataclass(frozen=True)
class Merged:
    row: SourceRow
    venue: Venue  # the published venue that holds it, with another row of the dataset


@dataclass(frozen=True)
class NotTaken:
    row: SourceRow
    reason: str
    detail: str


@dataclass(frozen=True)
class ReasonCount:
    reason: str
    count: int
    detail: str  # the explanation shared by every row of this reason, or ""


@dataclass
class Reconciliation:
    """Rows of one dataset = venues published + rows merged + rows not taken."""

    dataset: Dataset
    rows: list[SourceRow]
    venues: list[Venue] = field(default_factory=list)  # published venues holding its rows
    created: int = 0  # of those, venues the import created from the dataset
    merged: list[Merged] = field(default_factory=list)
    not_taken: list[NotTaken] = field(default_factory=list)
    fates: dict[str, Venue | None] = field(default_factory=dict)  # row id -> counted in
    absent: list[str] = field(default_factory=list)  # venue files the source dropped
    problems: list[str] = field(default_factory=list)  # what contradicts the report

    @property
    def completed(self) -> int:
        """Venues already in the directory (another source, contributors) it completed."""
        return len(self.venues) - self.created

    @property
    def balanced(self) -> bool:
        return len(self.rows) == len(self.venues) + len(self.merged) + len(self.not_taken)

    @property
    def by_reason(self) -> list[ReasonCount]:
        """Rows not taken by reason, most frequent first."""
        counts = Counter(n.reason for n in self.not_taken)
        out = []
        for reason, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            details = {n.detail for n in self.not_taken if n.reason == reason}
            out.append(ReasonCount(reason, count, details.pop() if len(details) == 1 else ""))
        return out

    @property
    def report_name(self) -> str:
        """The published per-row file (donnees/rapprochement/<dataset>.csv)."""
        return f"rapprochement/{self.dataset.id}.csv"


def read_report(path: Path) -> tuple[list[SourceRow], list[str]]:
    """Source rows of a committed import report, and the venue files it lists as absent."""
    rows: list[SourceRow] = []
    absent: list[str] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for line in csv.DictReader(fh):
            if line.get("statut") == ABSENT:
                absent.append(line.get("fichier", ""))
                continue
            rows.append(SourceRow(int(line["ligne"]), line["id_source"], line["nom"],
                                  line["statut"], line.get("motif", ""),
                                  _detail(line.get("motif", ""), line.get("detail", ""))))
    return rows, absent


def _detail(reason: str, detail: str) -> str:
    """The report's detail without the reason it repeats (« adresse manquante : … »)."""
    return detail.removeprefix(reason).lstrip(" :") if reason else detail


def reconcile(dataset: Dataset, rows: list[SourceRow], venues: list[Venue]) -> Reconciliation:
    """Place every row of `dataset` in a venue, a merge or the rows not taken."""
    result = Reconciliation(dataset, sorted(rows, key=lambda r: r.number))
    by_id: dict[str, SourceRow] = {}
    for row in result.rows:
        if row.source_id in by_id:
            result.problems.append(f"row id {row.source_id!r} appears twice in the report")
        by_id[row.source_id] = row
    numbers = [r.number for r in result.rows]
    if numbers and numbers != list(range(numbers[0], numbers[0] + len(numbers))):
        result.problems.append("the report's row numbers have a gap or a repeat")

    holders: dict[str, Venue] = {}  # row id -> the venue whose provenance names it
    for venue in venues:
        for entry in provenance(venue.data):
            if entry["jeu"] != dataset.id:
                continue
            row_id = str(entry.get("ligne", ""))
            if row_id not in by_id:
                result.problems.append(f"{venue.id} holds row {row_id!r}, not in the report")
            elif row_id in holders and holders[row_id].id != venue.id:
                result.problems.append(f"row {row_id!r} is held by {holders[row_id].id} "
                                       f"and {venue.id}")
            else:
                holders[row_id] = venue

    counted: set[str] = set()
    for row in result.rows:
        venue = holders.get(row.source_id)
        if venue is None:
            gone = row.status not in NOT_TAKEN
            result.not_taken.append(NotTaken(
                row, VENUE_GONE if gone else (row.reason or NO_REASON),
                "" if gone else row.detail))
            result.fates[row.source_id] = None
        elif venue.id in counted:
            result.merged.append(Merged(row, venue))
            result.fates[row.source_id] = venue
        else:
            counted.add(venue.id)
            result.venues.append(venue)
            result.fates[row.source_id] = venue
    created_ids = {holders[r.source_id].id for r in result.rows
                   if r.status == CREATED and r.source_id in holders}
    result.created = len(created_ids)
    return result


def reconcile_all(venues: list[Venue], reports: Path,
                  known: dict[str, Dataset] | None = None) -> list[Reconciliation]:
    """Every dataset with a committed report in `reports`, by title."""
    known = datasets() if known is None else known
    out = []
    for dataset in sorted(known.values(), key=lambda d: (d.title, d.id)):
        path = reports / f"{dataset.id}.csv"
        if not path.is_file():
            continue
        rows, absent = read_report(path)
        result = reconcile(dataset, rows, venues)
        result.absent = absent
        out.append(result)
    return out


REPORT_COLUMNS = ["ligne", "id_source", "nom", "devenir", "lieu", "lieu_url", "motif"]
FATES = ("lieu publié", "fusionnée", "non reprise")


def report_csv(result: Reconciliation, url_of: Callable[[Venue], str]) -> str:
    """One line per source row: what became of it, and the venue that holds it, if any."""
    merged = {m.row.source_id for m in result.merged}
    reasons = {n.row.source_id: n.reason for n in result.not_taken}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for row in result.rows:
        venue = result.fates.get(row.source_id)
        fate = FATES[2] if venue is None else FATES[1] if row.source_id in merged else FATES[0]
        writer.writerow([safe_cell(v) for v in (
            row.number, row.source_id, row.name, fate,
            venue.id if venue else None,
            url_of(venue) if venue else None,
            reasons.get(row.source_id))])
    return buffer.getvalue()


def report_schema() -> dict[str, object]:
    """The Table Schema of report_csv, for the data package."""
    return {"fields": [
        {"name": "ligne", "type": "integer", "title": "Ligne dans le fichier source",
         "description": "Position de la ligne dans le fichier source, telle que le rapport "
                        "d'import la numérote (pour un CSV : son numéro de ligne, en-tête "
                        "compris).", "constraints": {"required": True, "unique": True}},
        {"name": "id_source", "type": "string", "title": "Identifiant dans la source",
         "description": "L'identifiant de la ligne dans le jeu de données (celui de la "
                        "colonne source_lignes du CSV des lieux).",
         "constraints": {"required": True, "unique": True}},
        {"name": "nom", "type": "string", "title": "Nom dans la source"},
        {"name": "devenir", "type": "string", "title": "Devenir de la ligne",
         "description": "lieu publié : la première ligne du jeu que tient un lieu de "
                        "l'annuaire ; fusionnée : une autre ligne du même jeu, dans un lieu "
                        "déjà compté ; non reprise : voir motif.",
         "constraints": {"required": True, "enum": list(FATES)}},
        {"name": "lieu", "type": "string", "title": "Identifiant du lieu",
         "description": "Le lieu de l'annuaire qui tient la ligne (colonne id du CSV)."},
        {"name": "lieu_url", "type": "string", "title": "Page du lieu",
         "description": "Comme la colonne url du CSV des lieux."},
        {"name": "motif", "type": "string", "title": "Motif",
         "description": "Pourquoi la ligne n'a pas été reprise."},
    ], "primaryKey": ["id_source"], "missingValues": [""]}
