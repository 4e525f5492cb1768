"""Rebuild only what changed: a manifest of the inputs of each page, kept in the output.

A full build writes `MANIFEST` beside the pages: for each file that depends on a few
venues (a venue's page and JSON record, a territory page, a région's extracts), a digest
of everything it is made from. The next build into the same folder (`make site` copies the
previous output with hard links first) renders only the files whose digest changed,
keeps the others as they are, and deletes the files of the previous manifest that no
longer exist (a deleted venue's page): the result is the same, byte for byte, as a full
build. Every digest starts with the code's: a change to the plugin, the theme, the schema,
the settings, the front-end lock file or the build date makes the next build a full one.
Pages that depend on every venue (home, downloads, statistics...) are always rewritten.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from ..check.checkmemo import CACHE_DIR, add_files
from ..model.dates import build_date
from ..model.paths import ROOT
from ..model.venue import Venue

MANIFEST = ".tierslieux-manifest.json"
MANIFEST_VERSION = 1
# What the build runs: any change here changes every digest.
CODE_PATHS = ["plugins/tierslieux", "theme", "schema", "pelicanconf.py", "pyproject.toml",
              "package-lock.json"]
# Settings that say where the build writes, not what it writes.
PLACE_SETTINGS = {"OUTPUT_PATH", "INCREMENTAL_FROM"}


def code_version(settings: dict[str, Any], extra: Any = None, root: Path = ROOT) -> str:
    """A digest of the code, the theme, the settings, the build date and `extra`."""
    digest = hashlib.sha256(f"manifest {MANIFEST_VERSION}\0".encode())
    digest.update(json.dumps(extra, sort_keys=True, default=_opaque).encode())
    add_files(digest, CODE_PATHS, root)
    shown = {k: v for k, v in settings.items() if k not in PLACE_SETTINGS}
    digest.update(json.dumps(shown, sort_keys=True, default=_opaque).encode())
    digest.update(build_date(root).isoformat().encode())
    return digest.hexdigest()


def _opaque(value: Any) -> str:
    """Settings that are not data (modules, functions): their kind only."""
    return f"<{type(value).__name__}>"


def digest_of(*parts: Any) -> str:
    """A short digest of JSON-able parts (dates and other values as text)."""
    raw = orjson.dumps(parts, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS,
                       default=str)
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def venue_digest(venue: Venue) -> str:
    """Everything a page may show of one venue: its file's fields and where it lies (its
    territory and commune come from those fields and the reference data, which the code
    digest covers)."""
    return digest_of(venue.id, venue.source, venue.data)


def neighbour_view(other: Venue) -> list[Any]:
    """What a venue page's "À proximité" list shows of a neighbour (lieu.html): a change
    elsewhere in the neighbour's file does not make the page be rendered again."""
    return [other.id, other.nom, other.base.commune, other.data["types"], other.confirmed]


class Manifest:
    """The previous build's digests (when its code was the same) and this build's."""

    def __init__(self, output_path: str, code: str) -> None:
        self.output_path = output_path
        self.code = code
        self.path = os.path.join(output_path, MANIFEST)
        self.previous: dict[str, str] = {}
        self.files: dict[str, str] = {}
        try:
            with open(self.path, "rb") as fh:
                old = orjson.loads(fh.read())
        except (OSError, ValueError):
            old = None
        self.previous_files: dict[str, str] = {}
        if isinstance(old, dict) and isinstance(old.get("files"), dict):
            self.previous_files = old["files"]  # deleted when no longer built
            if old.get("code") == code:
                self.previous = old["files"]

    @property
    def incremental(self) -> bool:
        """True when a previous build of the same code is here to reuse."""
        return bool(self.previous)

    def needs(self, relative: str, digest: str) -> bool:
        """Record the file's digest; True when it must be written (changed or missing)."""
        self.files[relative] = digest
        if self.previous.get(relative) != digest:
            return True
        return not os.path.isfile(os.path.join(self.output_path, relative))

    def finish(self) -> list[str]:
        """Delete the files the previous build made and this one did not; write the
        manifest. Returns the deleted files."""
        gone = sorted(set(self.previous_files) - set(self.files))
        for relative in gone:
            target = os.path.join(self.output_path, relative)
            try:
                os.unlink(target)
            except FileNotFoundError:
                continue
            _remove_empty_parents(os.path.dirname(target), self.output_path)
        payload = {"version": MANIFEST_VERSION, "code": self.code,
                   "files": dict(sorted(self.files.items()))}
        replace_file(self.path, orjson.dumps(payload, option=orjson.OPT_INDENT_2))
        return gone


def reuse_previous_output(previous: Path, output: Path, code: str) -> Callable[[], bool]:
    """Start copying a previous build's output into an empty `output` with hard links (no
    data written), when it was built by the same code: the build then rewrites only what
    changed. Otherwise nothing is copied and the build is a full one. Pagefind's index is
    left out: it is rebuilt after every build.

    The copy runs beside the caller (validation): the returned function waits for it, to
    be called before anything is written, and says whether the output was copied."""
    try:
        old = orjson.loads((previous / MANIFEST).read_bytes())
    except (OSError, ValueError):
        return lambda: False
    if not isinstance(old, dict) or old.get("code") != code:
        return lambda: False
    if output.exists() and any(output.iterdir()):
        return lambda: False  # never mix two builds: a full build into what is there
    output.mkdir(parents=True, exist_ok=True)
    names = [n for n in os.listdir(previous) if n != "pagefind"]

    def in_python() -> bool:
        for name in names:
            source = previous / name
            if source.is_dir():
                shutil.copytree(source, output / name, copy_function=os.link,
                                dirs_exist_ok=True)
            else:
                with contextlib.suppress(FileExistsError):
                    os.link(source, output / name)
        return True

    try:  # GNU cp makes the links several times faster than a loop in Python
        copy = subprocess.Popen(["cp", "-al", "--", *(str(previous / n) for n in names),
                                 str(output)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
    except OSError:
        return in_python

    def wait() -> bool:
        return True if copy.wait() == 0 else in_python()

    return wait


def _remove_empty_parents(folder: str, top: str) -> None:
    top = os.path.abspath(top)
    folder = os.path.abspath(folder)
    while folder != top and folder.startswith(top + os.sep):
        try:
            os.rmdir(folder)
        except OSError:  # not empty
            return
        folder = os.path.dirname(folder)


def replace_file(target: str, data: bytes) -> None:
    """Write a file as a new one: the previous output may share it (hard links)."""
    with contextlib.suppress(FileNotFoundError):
        os.unlink(target)
    with open(target, "wb") as fh:
        fh.write(data)


def territory_digest(territory: Any, venue_digests: dict[str, str],
                     extra: Iterable[Any] = ()) -> str:
    """A territory page's inputs: its names and links, and the digests of its venues (and,
    for a région, of each of its départements')."""
    parts: list[Any] = [type(territory).__name__, territory.code, territory.nom,
                        getattr(territory, "url", None), *extra]
    for dep in getattr(territory, "departements", ()):
        parts.append([dep.code, dep.nom, dep.url, [venue_digests[v.id] for v in dep.lieux]])
    parts.append([venue_digests[v.id] for v in territory.lieux])
    region = getattr(territory, "region", None)
    if region is not None:
        parts.append([region.code, region.nom, region.url])
    return digest_of(*parts)


class Memo:
    """One value kept between builds of a venues folder (in .cache/tierslieux/), with the
    key of what it was computed from: read back only when the key is the same."""

    def __init__(self, name: str, venues_dir: Path, folder: Path | None = None) -> None:
        tag = hashlib.blake2b(str(venues_dir.absolute()).encode(), digest_size=8).hexdigest()
        self.path = (folder or CACHE_DIR) / f"{name}-{tag}.pickle"

    def get(self, key: str) -> Any:
        """The value saved with `key`, or None."""
        try:
            with self.path.open("rb") as fh:
                saved_key, value = pickle.load(fh)  # our own file, written below
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError):
            return None
        return value if saved_key == key else None

    def put(self, key: str, value: Any) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}-{os.getpid()}")
            with partial.open("wb") as fh:
                pickle.dump((key, value), fh, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(self.path)
        except OSError:
            pass  # a read-only checkout: computed again next time


class RowMemo:
    """Per-venue rows of the downloads (CSV, national export), kept between builds: an
    incremental build computes again only the rows of venues whose digest changed."""

    def __init__(self, memo: Memo, manifest: Manifest | None,
                 digests: dict[str, str]) -> None:
        self.memo = memo
        self.code = manifest.code if manifest is not None else ""
        self.digests = digests
        saved = memo.get(self.code) if manifest is not None and manifest.incremental else None
        self.previous: dict[str, dict[str, tuple[str, Any]]] = saved or {}
        self.rows: dict[str, dict[str, tuple[str, Any]]] = {}

    def cached(self, kind: str,
               compute: Callable[[Venue, str], Any]) -> Callable[[Venue, str], Any]:
        """`compute(venue, argument)`, from the previous build when the venue is the same
        (the argument, a URL or a source name, follows from the venue and the settings)."""
        previous = self.previous.get(kind, {})
        kept = self.rows.setdefault(kind, {})

        def row_of(venue: Venue, argument: str) -> Any:
            digest = self.digests.get(venue.id)
            found = previous.get(venue.id)
            if digest is not None and found is not None and found[0] == digest:
                value = found[1]
            else:
                value = compute(venue, argument)
            if digest is not None:
                kept[venue.id] = (digest, value)
            return value

        return row_of

    def save(self) -> None:
        if self.code:
            self.memo.put(self.code, self.rows)


_BACKGROUND: list[int] = []


def in_background(work: Callable[[], None], fork: bool = True) -> None:
    """Run `work` (writing a cache for the next build) in a forked child, off the build's
    path: pickling thousands of results takes a few tenths of a second.
    `wait_background` collects the children before the build ends.

    Not in a full build (`fork` False): pickling touches every object it writes, so a
    forked child would copy most of the parent's memory while the page-rendering child
    already runs beside it: the peak memory at 20,000 venues grew with it."""
    if not fork or not hasattr(os, "fork"):
        work()
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    _BACKGROUND.append(pid)


def wait_background() -> None:
    """Collect this process's background children (a forked child also inherits its
    parent's list: those are not its children, and are left to the parent)."""
    while _BACKGROUND:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(_BACKGROUND.pop(), 0)
