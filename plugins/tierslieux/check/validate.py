"""Validate venue files: read each once, check it, report every problem of every file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..model.paths import VENUES_DIR
from ..model.venue import Venue
from ..reference.enrich import enrich
from ..reference.refdata import ReferenceData, reference_data
from .crosscheck import duplicate_ids, likely_duplicates, reused_ids
from .problems import Problem
from .refcheck import RefChecker
from .schemacheck import check_schema
from .venuefiles import collect, display_path, read_venue, venue_files
from .yamlload import Loaded, load_bytes

__all__ = ["Result", "check_loaded", "check_text", "collect", "display_path", "validate"]


@dataclass
class Result:
    files: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    venues: list[Venue] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def check_loaded(loaded: Loaded, checker: RefChecker) -> list[Problem]:
    """Every single-file problem of a loaded file (reading, schema, reference data)."""
    problems = list(loaded.problems)
    if loaded.data is not None:
        later = check_schema(loaded) + checker.check(loaded)
        # A value the reader refused (a YAML 1.1 form, invisible text...) is explained once.
        problems += [p for p in later if p.field not in loaded.refused]
    return problems


def check_text(raw: bytes, path: str, ref: ReferenceData | None = None) -> list[Problem]:
    """Check a venue that is not on disk yet (tools that write files check them first).

    `path` is where the file would be written (content/venues/<dep>/<id>.yml): the folder
    and name checks apply to it.
    """
    return check_loaded(load_bytes(raw, path), RefChecker(ref or reference_data()))


def validate(paths: Iterable[Path] = (VENUES_DIR,), ref: ReferenceData | None = None,
             universe: Path | None = VENUES_DIR) -> Result:
    """Check files (and folders of files); `universe` holds every venue, for unique ids."""
    ref = ref or reference_data()
    files, problems = collect(paths)
    others = venue_files(universe)
    result = Result(files=[display_path(f) for f in files], problems=problems)
    checker = RefChecker(ref)
    mappings: list[Loaded] = []
    for file in files:
        shown = display_path(file)
        loaded = read_venue(file, shown)
        file_problems = check_loaded(loaded, checker)
        result.problems += file_problems
        if isinstance(loaded.data, dict) and not any(p.is_error for p in file_problems):
            mappings.append(loaded)  # only sound files are compared, to keep warnings few
        if loaded.data is not None and not any(p.is_error for p in file_problems):
            result.venues.append(enrich(ref, loaded.data["id"], shown, loaded.data))
    id_problems = duplicate_ids(files, others, display_path)
    clashing = {p.path for p in id_problems}
    result.problems += id_problems
    result.problems += reused_ids(files, universe, display_path)
    result.problems += likely_duplicates([m for m in mappings if m.path not in clashing])
    bad = {p.path for p in result.problems if p.is_error}
    result.venues = sorted((v for v in result.venues if v.source not in bad),
                           key=lambda v: v.id)
    result.problems.sort()
    return result
