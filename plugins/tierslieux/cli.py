"""The `tierslieux` command line: one sub-command per module, each registering itself."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .check.logsafe import log_line
from .check.report import print_report
from .check.validate import validate
from .contribute import confirmform, freshness, fromissue, issuereply, prsummary, scaffold, sync
from .importing import importer, syncsources
from .model.paths import VENUES_DIR

COMMAND_MODULES = [scaffold, fromissue, importer, syncsources, sync, prsummary, freshness,
                   issuereply, confirmform]


def _validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [VENUES_DIR]
    missing = [p for p in paths if not _present(p)]
    for p in missing:
        print(log_line(f"{p}: erreur : ce fichier ou dossier n'existe pas."), file=sys.stderr)
    if missing:
        return 2
    result = validate(paths)
    print_report(result, sys.stdout, github=os.environ.get("GITHUB_ACTIONS") == "true")
    return 1 if result.errors else 0


def _present(path: Path) -> bool:
    """True when something is there, even a broken link (validate then reports it)."""
    try:
        path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True  # unreadable: validate says so, in French
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tierslieux", description="Outils de l'annuaire des tiers-lieux.")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("validate", help="vérifier des fiches de lieux",
                           description="Vérifie les fiches (par défaut : content/venues/).")
    check.add_argument("paths", nargs="*", help="fichiers ou dossiers à vérifier")
    check.set_defaults(func=_validate)
    for module in COMMAND_MODULES:
        module.add_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except FileNotFoundError as exc:
        print(log_line(f"erreur : fichier introuvable : {exc.filename}. Lancez « make site » "
                       "une première fois pour installer les données de référence."),
              file=sys.stderr)
        return 2
    except BrokenPipeError:  # `tierslieux validate | head`: the reader has seen enough
        sys.stderr = sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (closing stdout at exit)
        return 0


if __name__ == "__main__":
    sys.exit(main())
