"""The import's report: one line per source row, in exactly one category, in French.

Why: a maintainer must be able to check that nothing was lost. Every row of the source
is created, updated, unchanged, matched to an existing venue, filtered or rejected (with
the reason and what would fix it); venues this source wrote before but no longer lists
are named too, to confirm by hand (closed?), never deleted. Lines go out through
`log_line` (they hold text from the source), and no dropped e-mail is ever shown whole.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..check.logsafe import log_line
from ..publish.exports import safe_cell

CREATED = "créé"
UPDATED = "mis à jour"
UNCHANGED = "inchangé"
MATCHED = "rapproché"
FILTERED = "filtré"
REJECTED = "rejeté"
STATUSES = (CREATED, UPDATED, UNCHANGED, MATCHED, FILTERED, REJECTED)
_LABELS = {  # (one, several)
    CREATED: ("créée", "créées"), UPDATED: ("mise à jour", "mises à jour"),
    UNCHANGED: ("inchangée", "inchangées"),
    MATCHED: ("rapprochée d'une fiche existante", "rapprochées d'une fiche existante"),
    FILTERED: ("filtrée", "filtrées"), REJECTED: ("rejetée", "rejetées")}


def _count(status: str, n: int) -> str:
    return f"{n} {_LABELS[status][n > 1]}"


@dataclass
class Outcome:
    """What became of one source row (or of the rows of one itinerant venue)."""

    number: int
    source_id: str
    name: str
    status: str = REJECTED
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (category, detail)
    notes: list[str] = field(default_factory=list)
    path: str = ""
    match: str = ""  # the existing venue it was recognised as, and how
    score: float | None = None
    diff: str = ""  # unified diff of the file, for --dry-run

    @property
    def category(self) -> str:
        return self.reasons[0][0] if self.reasons else ""

    @property
    def detail(self) -> str:
        if self.reasons:
            return " ; ".join(text for _, text in self.reasons)
        return self.path + (f" ({self.match})" if self.match else "")


@dataclass
class Absent:
    """A venue this source wrote before, whose row is no longer in the source."""

    venue_id: str
    path: str
    source_id: str


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count <= 1 else (plural or word + 's')}"


def totals_line(outcomes: list[Outcome]) -> str:
    """« 121 lignes : 80 créées, 2 mises à jour, … »: every status, zero included."""
    counts = Counter(o.status for o in outcomes)
    parts = [_count(s, counts[s]) for s in STATUSES]
    return f"{_plural(len(outcomes), 'ligne')} : {', '.join(parts)}"


def rejection_counts(outcomes: list[Outcome], status: str = REJECTED) -> list[tuple[str, int]]:
    """Rows of a status by their first reason, most frequent first."""
    counts = Counter(o.category for o in outcomes if o.status == status)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def print_report(outcomes: list[Outcome], absent: list[Absent], out: TextIO, *,
                 header: list[str], dry_run: bool, verbose: bool = True) -> None:
    """The French report: one line per row and its notes, then the totals."""
    def emit(line: str) -> None:
        print(log_line(line), file=out)

    for line in header:
        emit(line)
    if verbose:
        emit(f"{'n°':>5}  {'id source':<10} {'nom':<40} {'statut':<10} détail")
        for o in outcomes:
            name = o.name if len(o.name) <= 40 else o.name[:39] + "…"
            emit(f"{o.number:>5}  {o.source_id[:10]:<10} {name:<40} {o.status:<10} {o.detail}")
            for note in o.notes:
                emit(f"{'':>18}· {note}")
    emit(totals_line(outcomes) + ".")
    for status, label in ((REJECTED, "Rejets"), (FILTERED, "Lignes filtrées")):
        counts = rejection_counts(outcomes, status)
        if counts:
            emit(f"{label} par motif : " + " ; ".join(f"{c} : {n}" for c, n in counts) + ".")
    if absent:
        emit(f"{_plural(len(absent), 'fiche')} de cette source n'y figure"
             f"{'nt' if len(absent) > 1 else ''} plus : à confirmer (fermé ?), rien n'est "
             "supprimé :")
        for a in absent:
            emit(f"  - {a.path} (ligne {a.source_id} de la source)")
    if dry_run:
        diffs = [o.diff for o in outcomes if o.diff]
        if diffs:
            emit("Modifications qui seraient écrites :")
            for diff in diffs:
                for line in diff.splitlines():
                    emit(line)
        emit("Simulation (--dry-run) : aucun fichier n'a été écrit.")


REPORT_COLUMNS = ["ligne", "id_source", "nom", "statut", "motif", "detail", "fichier",
                  "rapprochement", "score", "notes"]


def report_csv(outcomes: list[Outcome], absent: list[Absent]) -> str:
    """The same report as CSV, one row per source row, then the absent venues."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for o in outcomes:
        writer.writerow([safe_cell(v) for v in (
            o.number, o.source_id, o.name, o.status, o.category,
            " ; ".join(t for _, t in o.reasons), o.path, o.match,
            "" if o.score is None else f"{o.score:.0f}", " | ".join(o.notes))])
    for a in absent:
        writer.writerow([safe_cell(v) for v in (
            "", a.source_id, "", "absent de la source", "à confirmer (fermé ?)",
            "la source ne contient plus cette ligne", a.path, "", "", "")])
    return buffer.getvalue()


def write_report_csv(outcomes: list[Outcome], absent: list[Absent], path: Path) -> None:
    path.write_text(report_csv(outcomes, absent), encoding="utf-8")


def markdown_summary(outcomes: list[Outcome], absent: list[Absent], title: str) -> str:
    """The summary a sync pull request shows (values escaped: they come from the source)."""
    from ..check.logsafe import markdown

    counts = Counter(o.status for o in outcomes)
    lines = [f"## {markdown(title)}", "", "| catégorie | lignes |", "| --- | ---: |"]
    lines += [f"| {_LABELS[s][1]} | {counts[s]} |" for s in STATUSES]
    rejected = rejection_counts(outcomes)
    if rejected:
        lines += ["", "### Rejets par motif", ""]
        lines += [f"- {markdown(c)} : {n}" for c, n in rejected]
    if absent:
        lines += ["", "### Absentes de la source (à confirmer : fermées ?)", ""]
        lines += [f"- `{markdown(a.venue_id)}` (ligne {markdown(a.source_id)})" for a in absent]
    return "\n".join(lines) + "\n"
