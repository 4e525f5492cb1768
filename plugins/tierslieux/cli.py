"""The `tierslieux` command line: one sub-command per module, each registering itself."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from types import ModuleType

from .check.checkmemo import CheckMemo, validation_version
from .check.logsafe import log_line
from .check.report import print_report
from .check.validate import validate
from .model.paths import VENUES_DIR

# Imported only when their sub-command is asked for, or for the full help: `validate`
# runs on every pull request and in `make site`, and the importer alone takes a tenth of
# a second to import.
COMMAND_MODULE_NAMES = ["contribute.scaffold", "contribute.fromissue", "importing.importer",
                        "importing.syncsources", "contribute.sync", "contribute.prsummary",
                        "contribute.freshness", "contribute.issuereply",
                        "contribute.confirmform"]


def command_modules() -> list[ModuleType]:
    """The modules that each register a sub-command (`add_command`)."""
    return [importlib.import_module(f".{name}", __package__) for name in COMMAND_MODULE_NAMES]

# argparse writes its own words ("usage:", "options", error messages) through gettext;
# the command speaks French to its users, so those words are given in French here.
ARGPARSE_FRENCH = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (choisir parmi %(choices)s)",
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "au plus une valeur est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut désigner %(matches)s",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "valeur %r ignorée",
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
    "unexpected option string: %s": "option inattendue : %s",
}


# Value names shown in each command's help (argparse derives them from the English
# destination names), and the help of the few options that had none.
METAVARS = {"paths": "CHEMIN", "file": "FICHIER", "source": "SOURCE", "config": "FICHIER.yml",
            "into": "DOSSIER",
            "date": "AAAA-MM-JJ", "base": "RÉVISION", "head": "RÉVISION",
            "repository_url": "ADRESSE", "site_url": "ADRESSE"}
HELP = {"into": "dossier des fiches", "resume_markdown": "écrire le résumé en Markdown",
        "repository_url": "adresse du dépôt, pour les liens"}


def _french(message: str) -> str:
    return ARGPARSE_FRENCH.get(message, message)


def _frenchify(parser: argparse.ArgumentParser) -> None:
    """French value names and help for every option of a sub-command."""
    for action in parser._actions:
        if action.metavar is None and action.dest in METAVARS and action.nargs != 0:
            action.metavar = METAVARS[action.dest]
        if action.help is None and action.dest in HELP:
            action.help = HELP[action.dest]


def _validate(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.paths] or [VENUES_DIR]
    missing = [p for p in paths if not _present(p)]
    for p in missing:
        print(log_line(f"{p}: erreur : ce fichier ou dossier n'existe pas."), file=sys.stderr)
    if missing:
        return 2
    universe = Path(args.venues_dir) if args.venues_dir else _universe(paths)
    # The whole directory: files unchanged since the last run today (same bytes, same
    # code) are not read again. A few files are read faster than the results are loaded.
    memo = (CheckMemo(universe, validation_version())
            if args.cache and [p.resolve() for p in paths] == [universe.resolve()] else None)
    result = validate(paths, universe=universe, memo=memo.load() if memo else None)
    print_report(result, sys.stdout, github=os.environ.get("GITHUB_ACTIONS") == "true")
    if memo:
        memo.save()
    return 1 if result.errors else 0


def _universe(paths: list[Path]) -> Path:
    """Where ids must be unique: the directory, or a folder of venues kept outside it
    (a fork's copy, the benchmark's synthetic venues) when only that folder is checked."""
    if len(paths) == 1 and paths[0].is_dir():
        inside = paths[0].resolve()
        if inside != VENUES_DIR.resolve() and VENUES_DIR.resolve() not in inside.parents:
            return paths[0]
    return VENUES_DIR


def _present(path: Path) -> bool:
    """True when something is there, even a broken link (validate then reports it)."""
    try:
        path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return True  # unreadable: validate says so, in French
    return True


def build_parser(validate_only: bool = False) -> argparse.ArgumentParser:
    """The parser of every sub-command, whose help and errors read in French."""
    argparse._ = _french  # type: ignore[attr-defined]  # argparse's gettext hook
    parser = argparse.ArgumentParser(
        prog="tierslieux", description="Outils de l'annuaire des tiers-lieux.")
    sub = parser.add_subparsers(dest="command", required=True, title="commandes",
                                metavar="COMMANDE")
    check = sub.add_parser("validate", help="vérifier des fiches de lieux",
                           description="Vérifie les fiches (par défaut : content/venues/).")
    check.add_argument("paths", nargs="*", help="fichiers ou dossiers à vérifier")
    check.add_argument("--venues-dir", default=None,
                       help="le dossier de toutes les fiches, où chaque identifiant doit être "
                            "unique (par défaut : content/venues/, ou le dossier vérifié "
                            "s'il est ailleurs)")
    check.add_argument("--sans-cache", dest="cache", action="store_false",
                       help="relire toutes les fiches, sans reprendre les résultats de la "
                            "vérification précédente (.cache/tierslieux/)")
    check.set_defaults(func=_validate)
    for module in [] if validate_only else command_modules():
        module.add_command(sub)
    for command in sub.choices.values():
        _frenchify(command)
    return parser


def main(argv: list[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    args = build_parser(validate_only=given[:1] == ["validate"]).parse_args(argv)
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
