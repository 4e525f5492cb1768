"""`tierslieux new`: write a first valid venue file from a few answers.

People know their venue's name, address, postcode and town; the INSEE code, the folder
and a free identifier are looked up for them. Options answer the questions up front, so
the command also works in scripts; missing answers are asked on a terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..check.validate import check_text
from ..model.ids import taken_ids, unique_id
from ..model.paths import VENUES_DIR
from ..model.schema import labels
from ..model.yamlwrite import dump_venue, venue_path
from ..reference.refdata import find_commune, reference_data

QUESTIONS = [
    ("nom", "Nom du lieu"),
    ("adresse", "Adresse (numéro et voie)"),
    ("code_postal", "Code postal"),
    ("commune", "Commune"),
    ("latitude", "Latitude (par exemple 48.1113)"),
    ("longitude", "Longitude (par exemple -1.6800)"),
    ("types", "Types, séparés par des virgules (" + ", ".join(labels("type_lieu")) + ")"),
]


def build_venue(answers: dict[str, str], today: dt.date, into: Path) -> tuple[Path, str]:
    """The target path and YAML text; raises ValueError with a French message."""
    commune = find_commune(reference_data(), answers["code_postal"], answers["commune"])
    if commune is None:
        raise ValueError(f"aucune commune ne correspond à {answers['code_postal']} "
                         f"{answers['commune']} : vérifiez le code postal et le nom.")
    try:
        lat, lon = float(answers["latitude"].replace(",", ".")), float(
            answers["longitude"].replace(",", "."))
    except ValueError:
        raise ValueError("latitude et longitude s'écrivent en degrés décimaux, par exemple "
                         "48.1113 et -1.6800.") from None
    name = commune.nom if commune.parent is None else answers["commune"]
    data: dict[str, Any] = {
        "id": unique_id(answers["nom"], commune.nom, taken_ids(into)),
        "nom": answers["nom"],
        "types": [t.strip() for t in answers["types"].split(",") if t.strip()],
        "statut": "ouvert",
        "adresse": answers["adresse"],
        "code_postal": answers["code_postal"],
        "commune": name,
        "code_insee": commune.code,
        "latitude": lat,
        "longitude": lon,
        "date_verification": today.isoformat(),
    }
    path = venue_path(into, commune.departement, data["id"])
    return path, dump_venue(data)


def _ask(args: argparse.Namespace, prompt: Callable[[str], str]) -> dict[str, str]:
    answers = {}
    for key, question in QUESTIONS:
        value = getattr(args, key)
        while not value:
            value = prompt(f"{question} : ").strip()
        answers[key] = value
    return answers


def _run(args: argparse.Namespace) -> int:
    if not sys.stdin.isatty() and not all(getattr(args, k) for k, _ in QUESTIONS):
        missing = [f"--{k.replace('_', '-')}" for k, _ in QUESTIONS if not getattr(args, k)]
        print(f"erreur : indiquez {', '.join(missing)} (pas de terminal pour poser les "
              "questions).", file=sys.stderr)
        return 2
    into = Path(args.into)
    try:
        path, text = build_venue(_ask(args, input), dt.date.today(), into)
    except ValueError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        print("\nabandon : aucun fichier écrit.", file=sys.stderr)
        return 1
    errors = [p for p in check_text(text.encode("utf-8"), str(path)) if p.is_error]
    if errors:
        print("La fiche n'a pas été écrite :", file=sys.stderr)
        for p in errors:
            print(f"- « {p.field} » : {p.message} {p.hint}", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Fiche créée : {path}\nComplétez-la (description, services, horaires…), puis "
          "vérifiez-la avec « .venv/bin/tierslieux validate ».")
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("new", help="créer une nouvelle fiche",
                         description="Crée une fiche valide à partir de quelques réponses.")
    for key, question in QUESTIONS:
        cmd.add_argument(f"--{key.replace('_', '-')}", dest=key, help=question)
    cmd.add_argument("--into", default=str(VENUES_DIR), help="dossier des fiches")
    cmd.set_defaults(func=_run)
