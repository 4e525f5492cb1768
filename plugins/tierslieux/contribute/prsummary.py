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

from ..check.yamlload import load_bytes
from ..model.paths import ROOT
from ..model.schema import labels


@dataclass
class Change:
    kind: str  # A, M, D, R (git's letters)
    path: str
    old_path: str | None = None


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          check=True).stdout


def changes(base: str, root: Path = ROOT) -> list[Change]:
    out = []
    diff = _git(root, "diff", "--name-status", "-M", f"{base}...HEAD", "--", "content/venues")
    for line in diff.splitlines():
        parts = line.split("\t")
        kind = parts[0][0]
        if kind == "R":
            out.append(Change("R", parts[2], parts[1]))
        else:
            out.append(Change(kind, parts[1]))
    return out


def _venue_at(root: Path, ref: str | None, path: str) -> dict[str, Any]:
    """A venue file's data at a git revision (None: the working tree); {} if unreadable."""
    try:
        raw = (_git(root, "show", f"{ref}:{path}").encode() if ref
               else (root / path).read_bytes())
    except (subprocess.CalledProcessError, OSError):
        return {}
    data = load_bytes(raw, path).data
    return data if isinstance(data, dict) else {}


def _name(data: dict[str, Any], path: str) -> str:
    where = data.get("commune") or (data.get("etapes") or [{}])[0].get("commune")
    name = data.get("nom") or path.rsplit("/", 1)[-1]
    return f"« {name} »" + (f" ({where})" if isinstance(where, str) else "")


def summary(base: str, repository_url: str, head: str, root: Path = ROOT) -> str:
    status = labels("statut")
    lines = ["## Fiches modifiées par cette demande", ""]
    found = changes(base, root)
    if not found:
        return "\n".join([*lines, "Aucune fiche de lieu n'est modifiée.", ""])
    for change in found:
        new = _venue_at(root, None, change.path) if change.kind != "D" else {}
        old = (_venue_at(root, base, change.old_path or change.path)
               if change.kind != "A" else {})
        link = f"[{change.path}]({repository_url}/blob/{head}/{change.path})"
        if change.kind == "A":
            lines.append(f"- ➕ Ajoute {_name(new, change.path)} : {link}")
        elif change.kind == "D":
            lines.append(f"- ⚠️ Supprime {_name(old, change.path)} : une fiche ne se supprime "
                         "pas ; passez-la en `statut: ferme` avec sa `date_fermeture`.")
        elif change.kind == "R":
            lines.append(f"- ⚠️ Renomme {change.old_path} en {link} : un identifiant publié ne "
                         "change jamais.")
        else:
            before, after = old.get("statut"), new.get("statut")
            if before != after and after in ("ferme", "ferme_temporairement"):
                verb = f"🔒 Ferme ({status.get(after, after)})"
            elif before != after:
                verb = f"✏️ Modifie (statut : {status.get(before, before)} → "
                verb += f"{status.get(after, after)})"
            else:
                verb = "✏️ Modifie"
            changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            detail = f" — champs : {', '.join(changed)}" if changed else ""
            lines.append(f"- {verb} {_name(new, change.path)} : {link}{detail}")
    return "\n".join([*lines, ""])


def _run(args: argparse.Namespace) -> int:
    try:
        text = summary(args.base, args.repository_url, args.head)
    except subprocess.CalledProcessError as exc:
        print(f"erreur : git a échoué ({exc.stderr.strip()}).", file=sys.stderr)
        return 2
    print(text)
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("pr-summary", help="résumer les fiches modifiées par une branche")
    cmd.add_argument("--base", default="origin/main", help="révision de comparaison")
    cmd.add_argument("--head", default="HEAD", help="révision affichée dans les liens")
    cmd.add_argument("--repository-url", default="https://github.com/tiers-lieux/annuaire")
    cmd.set_defaults(func=_run)
