"""The validator's single-file results, kept between runs in .cache/tierslieux/.

Reading a venue file is most of a validation (3,500 files: about 2 s over two cores); a
file whose bytes have not changed since the last run of the same code, on the same day,
need not be read again. `tierslieux validate` of the whole directory and the site's
incremental build keep their results here; checks between files always run again.
`TIERSLIEUX_CACHE` moves the folder (the tests use a temporary one).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
from pathlib import Path
from typing import Any

from ..model.paths import ROOT

CACHE_DIR = Path(os.environ.get("TIERSLIEUX_CACHE") or ROOT / ".cache" / "tierslieux")
# What a file's results depend on besides its bytes: the checking code, the schema, the
# reference data (its npm packages' versions) and the Python dependencies.
VALIDATION_INPUTS = ["plugins/tierslieux", "schema", "package-lock.json", "pyproject.toml"]


def add_files(digest: Any, bases: list[str], root: Path = ROOT) -> None:
    """Add to `digest` the name and bytes of every file of `bases` (files or folders)."""
    for base in bases:
        top = root / base
        paths = [top] if top.is_file() else sorted(
            p for p in top.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in paths:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())


def validation_version(root: Path = ROOT) -> str:
    """A digest of everything a file's single-file results depend on, besides its bytes."""
    digest = hashlib.sha256(b"validation 1\0")
    add_files(digest, VALIDATION_INPUTS, root)
    return digest.hexdigest()


class CheckMemo:
    """The results of one venues folder's files, for one code version and one day (the
    "not checked for a year" warnings use today's date)."""

    def __init__(self, venues_dir: Path, code: str, folder: Path | None = None) -> None:
        name = hashlib.blake2b(str(venues_dir.absolute()).encode(), digest_size=8).hexdigest()
        self.path = (folder or CACHE_DIR) / f"checked-{name}.pickle"
        self.key = f"{code}\0{dt.date.today().isoformat()}"
        self.entries: dict[str, Any] = {}
        self.loaded_keys: set[str] = set()

    def load(self) -> dict[str, Any]:
        """The previous results, when they were made by this code today."""
        try:
            with self.path.open("rb") as fh:
                key, entries = pickle.load(fh)  # our own file, written below
        except (OSError, ValueError, EOFError, pickle.UnpicklingError, TypeError,
                AttributeError, ImportError, IndexError):  # a damaged or older file
            return self.entries
        if key == self.key and isinstance(entries, dict):
            self.entries = entries
            self.loaded_keys = set(entries)
        return self.entries

    def save(self) -> None:
        """Write the results (refilled by `validate`) for the next run, atomically."""
        if self.entries.keys() == self.loaded_keys:
            return  # nothing new
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}-{os.getpid()}")
            with partial.open("wb") as fh:
                pickle.dump((self.key, self.entries), fh, protocol=pickle.HIGHEST_PROTOCOL)
            partial.replace(self.path)
        except OSError:
            pass  # a read-only checkout: the next run reads every file again
