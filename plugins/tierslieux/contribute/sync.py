"""`tierslieux sync`: regenerate the files derived from the schema and the venues.

The issue forms, the contributor guide's reference tables and CODEOWNERS are derived;
`--check` (run by the tests and the pull-request workflow) fails when one is stale.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ..check.validate import validate
from ..model.paths import ROOT
from . import codeowners, confirmform, contribdocs
from .issueform import correction_form_yaml, issue_form_yaml

ISSUE_FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "nouveau-lieu.yml"
CORRECTION_FORM = ROOT / ".github" / "ISSUE_TEMPLATE" / "correction.yml"
CODEOWNERS = ROOT / ".github" / "CODEOWNERS"
CONTRIBUTING = ROOT / "CONTRIBUTING.md"


def derived_files() -> dict[Path, Callable[[str], str]]:
    """Each derived file and how to compute its content from its current content."""
    return {
        ISSUE_FORM: lambda _current: issue_form_yaml(),
        CORRECTION_FORM: lambda _current: correction_form_yaml(),
        confirmform.FORM_PATH: lambda _current: confirmform.confirm_form_yaml(),
        CONTRIBUTING: contribdocs.render,
        CODEOWNERS: lambda current: codeowners.render(current, validate().venues),
    }


def run(check: bool) -> list[Path]:
    """Regenerate (or, with check, only compare) the derived files; return the stale ones."""
    stale = []
    for path, compute in derived_files().items():
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        wanted = compute(current)
        if wanted != current:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(wanted, encoding="utf-8")
    return stale


def _run(args: argparse.Namespace) -> int:
    stale = run(check=args.check)
    for path in stale:
        shown = path.relative_to(ROOT)
        if args.check:
            print(f"{shown} n'est pas à jour : lancez « .venv/bin/tierslieux sync ».")
        else:
            print(f"{shown} mis à jour.")
    return 1 if stale and args.check else 0


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("sync", help="régénérer formulaire, guide et CODEOWNERS",
                         description="Régénère les fichiers déduits du schéma et des fiches.")
    cmd.add_argument("--check", action="store_true",
                     help="vérifier seulement (code de sortie 1 si un fichier est à refaire)")
    cmd.set_defaults(func=_run)
