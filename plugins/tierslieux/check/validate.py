"""Validate venue files: read each once, check it, report every problem of every file."""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..model.paths import VENUES_DIR
from ..model.venue import Venue
from ..reference.enrich import enrich
from ..reference.refdata import ReferenceData, reference_data
from .crosscheck import duplicate_ids, likely_duplicates, reused_ids
from .forked import beside, can_fork
from .problems import Problem
from .refcheck import RefChecker
from .schemacheck import check_schema
from .venuefiles import collect, display_path, read_venue_bytes, venue_files
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


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while reading venues.

    Reading allocates millions of small objects (YAML events, dicts, the reference data)
    and makes no reference cycles; each full collection walks every live object again,
    which took a quarter of a validation, and more the busier the machine. Objects still
    alive afterwards are frozen, so later collections skip them too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def validate(paths: Iterable[Path] = (VENUES_DIR,), ref: ReferenceData | None = None,
             universe: Path | None = VENUES_DIR, memo: Memo | None = None) -> Result:
    """Check files (and folders of files); `universe` holds every venue, for unique ids.

    `memo` (for the site's incremental build) holds the single-file results of a previous
    run of the same code on the same day, by path and content: a file read before with the
    same bytes is not read again. It is refilled with this run's results. Checks between
    files always run.
    """
    with no_cycle_collection():
        return _validate(paths, ref, universe, memo)


def _validate(paths: Iterable[Path], ref: ReferenceData | None,
              universe: Path | None, memo: Memo | None = None) -> Result:
    paths = list(paths)
    files, problems = collect(paths)
    # Checking the whole directory: its files are the others, no need to walk it again.
    others = files if universe is not None and paths == [universe] else venue_files(universe)
    result = Result(files=[display_path(f) for f in files], problems=problems)
    mappings: list[Loaded] = []
    checked = _check_files(files, _Checking(ref), memo)
    if memo is not None:
        memo.clear()
        memo.update((key, found) for key, found in checked if key is not None)
    for _, (loaded, file_problems, venue) in checked:
        result.problems += file_problems
        if isinstance(loaded.data, dict) and not any(p.is_error for p in file_problems):
            mappings.append(loaded)  # only sound files are compared, to keep warnings few
        if venue is not None:
            result.venues.append(venue)
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


PARALLEL_FROM = 400  # files; below, forking costs more than it saves
Checked = tuple[Loaded, list[Problem], Venue | None]
Memo = dict[str, Checked]  # "<shown path>\0<digest of the bytes>" -> results


def _check_file(file: Path, checking: _Checking,
                memo: Memo | None = None) -> tuple[str | None, Checked]:
    """One file read, checked on its own and, when sound, enriched (or found in `memo`),
    with its key in the memo (None when it could not be read)."""
    shown = display_path(file)
    raw = read_venue_bytes(file, shown)
    if isinstance(raw, Loaded):
        return None, (raw, list(raw.problems), None)
    key = f"{shown}\0{hashlib.blake2b(raw, digest_size=16).hexdigest()}"
    if memo is not None and key in memo:
        return key, memo[key]
    loaded = load_bytes(raw, shown)
    file_problems = check_loaded(loaded, checking.checker)
    venue = None
    if loaded.data is not None and not any(p.is_error for p in file_problems):
        venue = enrich(checking.ref, loaded.data["id"], shown, loaded.data)
    return key, (loaded, file_problems, venue)


class _Checking:
    """The reference data and its checker, loaded on the first file not in the memo (a
    third of a run that finds every file there)."""

    def __init__(self, ref: ReferenceData | None) -> None:
        self._ref = ref
        self._checker: RefChecker | None = None

    @property
    def ref(self) -> ReferenceData:
        if self._ref is None:
            self._ref = reference_data()
        return self._ref

    @property
    def checker(self) -> RefChecker:
        if self._checker is None:
            self._checker = RefChecker(self.ref)
        return self._checker


def _check_files(files: list[Path], checking: _Checking,
                 memo: Memo | None = None) -> list[tuple[str | None, Checked]]:
    """Every file checked, in order, over two processes when there are many to read.

    Reading a file is pure Python work (one event at a time, for the line of every value):
    on two cores a forked child reads the second half and sends its results back pickled,
    which roughly halves validation. The results are the same, in the same order.
    """
    if len(files) < PARALLEL_FROM or memo or not can_fork():
        return [_check_file(f, checking, memo) for f in files]
    # The first file loads what is loaded lazily (schema validators, commune centres),
    # so that the child inherits it instead of loading it again.
    done = [_check_file(files[0], checking)]
    half = (len(files) + 1) // 2
    second = beside(lambda: [_check_file(f, checking) for f in files[half:]],
                    "the validation")
    try:
        done += [_check_file(f, checking) for f in files[1:half]]
    except BaseException:
        with contextlib.suppress(Exception):
            second()  # the child is collected before the error goes up
        raise
    return done + second()
