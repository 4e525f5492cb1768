"""A machine-readable changelog of the directory, derived from git history.

Every commit on the published branch is a published version (it is deployed). For each
one we list the venues added, changed (with the fields that changed), closed, reopened,
and the files deleted or renamed (which ids forbid: the validator and the pull-request
summary warn about them). Blobs are read through one `git cat-file --batch` process, so
the cost grows with the number of changes, not of venues.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..check.yamlload import load_bytes

MAX_VERSIONS = 100
_ZERO = "0" * 40


@dataclass
class Version:
    commit: str
    date: str
    added: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)
    reopened: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    renamed: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"version": f"{self.date}-{self.commit[:10]}", "date": self.date,
                "commit": self.commit, "ajouts": self.added, "modifications": self.changed,
                "fermetures": self.closed, "reouvertures": self.reopened,
                "suppressions": self.deleted, "renommages": self.renamed}

    def empty(self) -> bool:
        return not any((self.added, self.changed, self.closed, self.reopened, self.deleted,
                        self.renamed))


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True,
                          check=True).stdout


class _Blobs:
    """Reads many blobs through one `git cat-file --batch` process."""

    def __init__(self, cwd: Path) -> None:
        self.process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=cwd,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def data(self, sha: str) -> dict[str, Any]:
        if sha == _ZERO:
            return {}
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(sha.encode() + b"\n")
        self.process.stdin.flush()
        header = self.process.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            return {}
        raw = self.process.stdout.read(int(header[2]) + 1)[:-1]
        loaded = load_bytes(raw, sha).data
        return loaded if isinstance(loaded, dict) else {}

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait()


def _entry(path: str, data: dict[str, Any]) -> dict[str, Any]:
    return {"id": PurePosixPath(path).stem, "nom": data.get("nom", "")}


def changelog(venues_dir: Path, limit: int = MAX_VERSIONS) -> list[dict[str, Any]]:
    """Newest first; empty when the folder is not in a git checkout."""
    try:
        log = _git(venues_dir, "log", f"-n{limit}", "--format=%x00%H %cs", "--raw",
                   "--no-abbrev", "-M", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return []
    blobs = _Blobs(venues_dir)
    versions = []
    try:
        for block in log.split("\x00")[1:]:
            lines = [line for line in block.splitlines() if line.strip()]
            commit, date = lines[0].split()
            version = Version(commit, date)
            for line in lines[1:]:
                meta, *paths = line.split("\t")
                _, _, old_sha, new_sha, status = meta.lstrip(":").split()
                if not paths[-1].endswith(".yml"):
                    continue
                old, new = blobs.data(old_sha), blobs.data(new_sha)
                kind = status[0]
                if kind == "A":
                    version.added.append(_entry(paths[0], new))
                elif kind == "D":
                    version.deleted.append(_entry(paths[0], old))
                elif kind == "R":
                    version.renamed.append({"de": PurePosixPath(paths[0]).stem,
                                            "vers": PurePosixPath(paths[1]).stem})
                elif kind == "M":
                    entry = _entry(paths[0], new)
                    before, after = old.get("statut"), new.get("statut")
                    if before != after and after == "ferme":
                        version.closed.append(entry)
                    elif before == "ferme" and after != "ferme":
                        version.reopened.append(entry)
                    fields = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
                    version.changed.append({**entry, "champs": fields})
            if not version.empty():
                versions.append(version.as_json())
    finally:
        blobs.close()
    return versions
