"""`tierslieux pr-summary`: what a pull request adds, changes or closes, in French.

Shown as the job summary of the pull-request check, so a maintainer sees at a glance
which venues a contribution touches, and is warned when a file is deleted or renamed
(ids are permanent: a closed venue keeps its file with `statut: ferme`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..check.logsafe import log_line, markdown, url_path
from ..check.venuefiles import read_venue
from ..check.yamlload import MAX_BYTES, load_bytes
from ..model.paths import ROOT
from ..model.schema import labels


@dataclass
class Change:
    kind: str  # A, M, D, R (git's letters)
    path: str
    old_path: str | None = None


def _git(root: Path, *args: str) -> bytes:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, check=True).stdout


def changes(base: str, root: Path = ROOT) -> list[Change]:
    """The venue files a branch touches. NUL-separated, so that no file name (a tab, a
    newline, a quote, bytes that are not UTF-8) can shift or forge an entry."""
    diff = _git(root, "diff", "--name-status", "-z", "-M", f"{base}...HEAD", "--",
                "content/venues")
    fields = [f.decode("utf-8", "surrogateescape") for f in diff.split(b"\0")]
    out, i = [], 0
    while i < len(fields) and fields[i]:
        kind = fields[i][0]
        if kind in "RC":
            out.append(Change(kind, fields[i + 2], fields[i + 1]))
            i += 3
        else:
            out.append(Change(kind, fields[i + 1]))
            i += 2
    return out


def _venue_at(root: Path, ref: str | None, path: str) -> dict[str, Any]:
    """A venue file's data at a git revision (None: the working tree); {} if unreadable.

    The working tree comes from the pull request: read like the validator reads it (no
    link followed, no more than the size limit).
    """
    if ref is None:
        data = read_venue(root / path, path).data
    else:
        try:
            spec = f"{ref}:{path}"
            if int(_git(root, "cat-file", "-s", spec) or 0) > MAX_BYTES:
                return {}
            data = load_bytes(_git(root, "cat-file", "blob", spec), path).data
        except (subprocess.CalledProcessError, OSError, ValueError):
            return {}
    return data if isinstance(data, dict) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _name(data: dict[str, Any], path: str) -> str:
    stops = data.get("etapes")
    first = stops[0] if isinstance(stops, list) and stops and isinstance(stops[0], dict) else {}
    where = _text(data.get("commune")) or _text(first.get("commune"))
    name = _text(data.get("nom")) or path.rsplit("/", 1)[-1]
    return f"« {markdown(name)} »" + (f" ({markdown(where)})" if where else "")


def _status(value: Any, names: dict[str, str]) -> str:
    """A status's label; anything else a file holds, quoted as text."""
    if isinstance(value, str):
        return markdown(names.get(value, value))
    return "aucun" if value is None else markdown(str(value))


def summary(base: str, repository_url: str, head: str, root: Path = ROOT) -> str:
    """The French Markdown summary; every value from the branch is quoted as plain text."""
    status = labels("statut")
    lines = ["## Fiches modifiées par cette demande", ""]
    found = changes(base, root)
    if not found:
        return "\n".join([*lines, "Aucune fiche de lieu n'est modifiée.", ""])
    for change in found:
        new = _venue_at(root, None, change.path) if change.kind != "D" else {}
        old = (_venue_at(root, base, change.old_path or change.path)
               if change.kind != "A" else {})
        link = (f"[{markdown(change.path)}]"
                f"({repository_url}/blob/{head}/{url_path(change.path)})")
        if change.kind == "A":
            lines.append(f"- ➕ Ajoute {_name(new, change.path)} : {link}")
        elif change.kind == "D":
            lines.append(f"- ⚠️ Supprime {_name(old, change.path)} : une fiche ne se supprime "
                         "pas ; passez-la en `statut: ferme` avec sa `date_fermeture`.")
        elif change.kind == "R":
            lines.append(f"- ⚠️ Renomme {markdown(change.old_path or '')} en {link} : un "
                         "identifiant publié ne change jamais.")
        else:
            before, after = old.get("statut"), new.get("statut")
            if before != after and after in ("ferme", "ferme_temporairement"):
                verb = f"🔒 Ferme ({_status(after, status)})"
            elif before != after:
                verb = (f"✏️ Modifie (statut : {_status(before, status)} → "
                        f"{_status(after, status)})")
            else:
                verb = "✏️ Modifie"
            changed = sorted(str(k) for k in set(old) | set(new) if old.get(k) != new.get(k))
            detail = (f" — champs : {', '.join(markdown(k) for k in changed)}"
                      if changed else "")
            lines.append(f"- {verb} {_name(new, change.path)} : {link}{detail}")
    return "\n".join([*lines, ""])


def _run(args: argparse.Namespace) -> int:
    try:
        text = summary(args.base, args.repository_url, args.head)
    except subprocess.CalledProcessError as exc:
        stderr = (exc.stderr or b"").decode("utf-8", "replace").strip()
        print(log_line(f"erreur : git a échoué ({stderr})."), file=sys.stderr)
        return 2
    print(text)
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("pr-summary", help="résumer les fiches modifiées par une branche")
    cmd.add_argument("--base", default="origin/main", help="révision de comparaison")
    cmd.add_argument("--head", default="HEAD", help="révision affichée dans les liens")
    cmd.add_argument("--repository-url", default="https://github.com/tiers-lieux/annuaire")
    cmd.set_defaults(func=_run)
