"""« Je gère ce lieu » : the confirmation form, and applying a confirmation to a venue file.

Why: 1,500 venues come from old datasets and stay « non confirmées » until someone checks
them. Their managers are not developers: from the venue page they open a short GitHub
issue form (`.github/ISSUE_TEMPLATE/confirmer.yml`, generated here by `tierslieux sync`),
answer « Les informations sont exactes » or « Le lieu a fermé », and may add their GitHub
account to the venue's managers. `tierslieux confirm-from-issue` then changes only those
few fields of the file (the verification date, `gestionnaires`, the status) and
regenerates CODEOWNERS; a workflow opens the pull request once a maintainer agrees.

The labels below are a contract with the site form (/contribuer/), which writes the same
issue body for the e-mail path: change them only together.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..check.logsafe import log_line
from ..check.validate import check_text, validate
from ..check.yamlload import load_bytes
from ..importing.normalize import date as normalize_date
from ..model.dates import french_date
from ..model.paths import ROOT, VENUES_DIR
from ..model.schema import field_schema
from ..model.yamlwrite import dump_venue, replace_fields
from . import codeowners, fromissue
from .issueform import NO, YES

FORM_FILE = "confirmer.yml"
FORM_PATH = ROOT / ".github" / "ISSUE_TEMPLATE" / FORM_FILE
CODEOWNERS_PATH = ROOT / ".github" / "CODEOWNERS"
LABEL = "confirmation"
TITLE_PREFIX = "[Confirmer] "

# Section titles (GitHub writes "### <title>" then the answer) and their form ids, which
# are also the query keys that prefill the form from a venue page.
ID_TITLE = "Identifiant du lieu"
REQUEST_TITLE = "Votre demande"
CLOSING_DATE_TITLE = "Date de fermeture (si le lieu a fermé)"
MANAGER_TITLE = "Ajouter mon compte GitHub aux gestionnaires du lieu"
COMMENT_TITLE = "Commentaire"
FIELD_IDS = {ID_TITLE: "identifiant", REQUEST_TITLE: "demande",
             CLOSING_DATE_TITLE: "date_fermeture", MANAGER_TITLE: "gestionnaire",
             COMMENT_TITLE: "commentaire"}
TITLES = list(FIELD_IDS)

EXACT = "Les informations sont exactes"
CLOSED = "Le lieu a fermé"
REQUESTS = (EXACT, CLOSED)
CLOSED_STATUS = "ferme"  # the schema's `statut` code for a venue closed for good

# GitHub's placeholder for deleted accounts: never a manager.
_NOT_A_PERSON = {"ghost"}

INTRO = (
    "Vous gérez ce lieu ? Dites-nous si sa fiche est toujours exacte : cela prend une "
    "minute. La fiche sera alors marquée « confirmée » à la date de votre demande, ou "
    "« fermée » si le lieu a fermé. Pour changer une information (horaires, adresse...), "
    "utilisez plutôt « Corriger la fiche » sur la page du lieu.\n\n"
    "Ne mettez ni nom de personne ni adresse électronique personnelle : cette page est "
    "publique."
)


# -- the form ------------------------------------------------------------------------------

def confirm_form() -> dict[str, Any]:
    """The issue form, in GitHub's form schema (no dropdown is prefilled from a link:
    GitHub drops the whole form when one is, so links prefill only text fields)."""
    return {
        "name": "Je gère ce lieu : confirmer ou signaler sa fermeture",
        "description": "Confirmer en une minute que la fiche d'un lieu est exacte, ou "
                       "signaler qu'il a fermé.",
        "title": TITLE_PREFIX,
        "labels": [LABEL],
        "body": [
            {"type": "markdown", "attributes": {"value": INTRO}},
            {"type": "input", "id": FIELD_IDS[ID_TITLE],
             "attributes": {"label": ID_TITLE,
                            "description": "Il figure en bas de la page du lieu (par "
                                           "exemple « la-cantine-rennes »)."},
             "validations": {"required": True}},
            {"type": "dropdown", "id": FIELD_IDS[REQUEST_TITLE],
             "attributes": {"label": REQUEST_TITLE, "options": list(REQUESTS)},
             "validations": {"required": True}},
            {"type": "input", "id": FIELD_IDS[CLOSING_DATE_TITLE],
             "attributes": {"label": CLOSING_DATE_TITLE,
                            "description": "Si vous la connaissez, par exemple « 30/06/2025 "
                                           "». Laissez vide si le lieu est ouvert."}},
            {"type": "dropdown", "id": FIELD_IDS[MANAGER_TITLE],
             "attributes": {"label": MANAGER_TITLE,
                            "description": "« Oui » : votre identifiant GitHub sera écrit "
                                           "dans la fiche (il est public) et votre accord "
                                           "sera demandé pour toute modification du lieu.",
                            "options": [YES, NO]}},
            {"type": "textarea", "id": FIELD_IDS[COMMENT_TITLE],
             "attributes": {"label": COMMENT_TITLE,
                            "description": "Facultatif : un mot pour l'équipe de "
                                           "l'annuaire."}},
        ],
    }


def confirm_form_yaml() -> str:
    header = "# Generated by `tierslieux sync` (contribute/confirmform.py): do not edit by hand.\n"
    return header + yaml.safe_dump(confirm_form(), allow_unicode=True, sort_keys=False,
                                   width=100)


# -- reading an issue ----------------------------------------------------------------------


def read_sections(body: str, titles: list[str]) -> dict[str, str]:
    """Answers by title from GitHub's Markdown of a form whose questions are `titles`,
    read as from-issue reads its own (a heading typed inside an answer is not a question)."""
    return fromissue.sections(body, titles)


def is_confirmation(body: str) -> bool:
    """True when the body is the confirmation form's (it alone asks « Votre demande »)."""
    return REQUEST_TITLE in read_sections(body, TITLES)


_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class Confirmation:
    """What the manager asked for."""

    venue_id: str
    closed: bool
    add_manager: bool
    closing_date: str | None = None  # ISO
    comment: str = ""


def parse_confirmation(body: str, day: dt.date | None = None
                       ) -> tuple[Confirmation | None, list[str]]:
    """The request, or None and what to fix, in French, naming the form's questions.

    `day` is the issue's date: a closing date after it is refused (not closed yet).
    """
    answers = read_sections(body, TITLES)
    errors: list[str] = []
    venue_id = answers.get(ID_TITLE, "").strip().strip("`").strip()
    if not venue_id:
        errors.append(f"« {ID_TITLE} » : ce champ est obligatoire. L'identifiant figure en "
                      "bas de la page du lieu (par exemple « la-cantine-rennes »).")
    elif not _ID.fullmatch(venue_id) or len(venue_id) > 80:
        errors.append(f"« {ID_TITLE} » : « {venue_id[:80]} » n'est pas un identifiant de "
                      "lieu. Copiez celui qui figure en bas de la page du lieu : minuscules, "
                      "chiffres et tirets (par exemple « la-cantine-rennes »).")
    request = answers.get(REQUEST_TITLE, "")
    if request not in REQUESTS:
        errors.append(f"« {REQUEST_TITLE} » : choisissez « {EXACT} » ou « {CLOSED} ».")
    manager = answers.get(MANAGER_TITLE, "")
    if manager not in ("", YES, NO):
        errors.append(f"« {MANAGER_TITLE} » : répondez « {YES} » ou « {NO} ».")
    closing = answers.get(CLOSING_DATE_TITLE, "")
    closing_date = None
    if closing:
        closing_date = normalize_date(closing)
        if closing_date is None:
            errors.append(f"« {CLOSING_DATE_TITLE} » : « {closing[:40]} » n'est pas une date "
                          "lisible. Écrivez-la comme 30/06/2025, ou laissez vide.")
        elif day and closing_date > day.isoformat():
            errors.append(f"« {CLOSING_DATE_TITLE} » : le {french_date(closing_date)} est "
                          "après la date de la demande. Signalez la fermeture une fois le "
                          "lieu fermé, ou laissez vide.")
    if errors:
        return None, errors
    return Confirmation(venue_id, request == CLOSED, manager == YES,
                        closing_date if request == CLOSED else None,
                        answers.get(COMMENT_TITLE, "")), []


# -- applying it ---------------------------------------------------------------------------

def valid_login(login: str) -> bool:
    """A GitHub account name that may become a manager (the schema's pattern, one source).

    The login comes from GitHub's event, not from the issue's text; still, it ends up in
    CODEOWNERS, so anything else (a bot, "ghost", a space, a line break) is refused.
    """
    pattern = (field_schema(("gestionnaires",)) or {}).get("items", {}).get("pattern")
    return bool(pattern and re.search(pattern, login)) and login.lower() not in _NOT_A_PERSON


def find_venue(venues_dir: Path, venue_id: str) -> Path | None:
    """The venue's file (content/venues/<département>/<id>.yml), if there is one."""
    if not _ID.fullmatch(venue_id):
        return None
    found = sorted(p for p in venues_dir.glob(f"*/{venue_id}.yml")
                   if p.is_file() and not p.is_symlink())
    return found[0] if found else None


@dataclass
class Applied:
    """The venue's new data and the changes, in French, for the pull request."""

    data: dict[str, Any]
    changes: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # top-level fields that changed


def apply_confirmation(data: dict[str, Any], request: Confirmation, author: str,
                       day: dt.date) -> Applied:
    """The venue after its manager's answer, dated `day` (the issue's date).

    Confirming moves `date_verification` to that day (never back): an imported venue is
    confirmed once it is checked after its source's date (model.datasets.is_confirmed).
    A closure sets the status and, if given, the closing date, and counts as a check too.
    """
    new = dict(data)
    out = Applied(new)
    checked = day.isoformat()
    if str(data.get("date_verification", "")) < checked:
        new["date_verification"] = checked
        out.keys.append("date_verification")
        out.changes.append(f"date de vérification : {french_date(checked)}")
    if request.closed:
        if data.get("statut") != CLOSED_STATUS:
            new["statut"] = CLOSED_STATUS
            out.keys.append("statut")
            out.changes.append("statut : fermé")
        if request.closing_date and data.get("date_fermeture") != request.closing_date:
            new["date_fermeture"] = request.closing_date
            out.keys.append("date_fermeture")
            out.changes.append(f"date de fermeture : {french_date(request.closing_date)}")
    elif request.add_manager:
        managers = list(data.get("gestionnaires") or [])
        if author.lower() not in (m.lower() for m in managers):
            new["gestionnaires"] = [*managers, author]
            out.keys.append("gestionnaires")
            out.changes.append(f"gestionnaires : ajout de @{author}")
    return out


def rewrite(text: str, applied: Applied) -> str:
    """The file with only the changed fields rewritten; the whole file by our writer if
    the targeted edit does not read back as the new data (an unusual hand-made layout)."""
    edited = replace_fields(text, applied.data, applied.keys)
    if load_bytes(edited.encode("utf-8"), "fiche").data == applied.data:
        return edited
    return dump_venue(applied.data)


class RequestError(ValueError):
    """The request cannot be applied; the message is for the person who filed it."""


def confirm(body: str, author: str, day: dt.date, venues_dir: Path,
            codeowners_path: Path) -> tuple[Path, list[str]]:
    """Apply a confirmation issue to its venue file and CODEOWNERS; RequestError if not."""
    request, errors = parse_confirmation(body, day)
    if request is None:
        raise RequestError("\n".join(errors))
    if request.add_manager and not request.closed and not valid_login(author):
        raise RequestError(f"« {author[:60]} » n'est pas un compte GitHub qui puisse gérer un "
                           "lieu : la demande doit être faite depuis votre propre compte.")
    path = find_venue(venues_dir, request.venue_id)
    if path is None:
        raise RequestError(f"« {ID_TITLE} » : aucun lieu n'a l'identifiant « "
                           f"{request.venue_id} ». Copiez celui qui figure en bas de la page "
                           "du lieu.")
    raw = path.read_bytes()
    loaded = load_bytes(raw, str(path))
    if not isinstance(loaded.data, dict):
        raise RequestError(f"la fiche {path.name} est illisible : l'équipe doit la corriger "
                           "d'abord.")
    applied = apply_confirmation(loaded.data, request, author, day)
    if not applied.keys:
        return path, []
    text = rewrite(raw.decode("utf-8"), applied)
    problems = [p for p in check_text(text.encode("utf-8"), str(path)) if p.is_error]
    if problems:
        raise RequestError("la fiche ne serait plus valide : " + " ; ".join(
            f"{p.field} : {p.message}" for p in problems[:5]))
    path.write_text(text, encoding="utf-8")
    if "gestionnaires" in applied.keys:
        current = codeowners_path.read_text(encoding="utf-8") if codeowners_path.exists() else ""
        venues = validate([venues_dir], universe=venues_dir).venues
        codeowners_path.write_text(codeowners.render(current, venues), encoding="utf-8")
    return path, applied.changes


# -- the command ---------------------------------------------------------------------------



def _run(args: argparse.Namespace) -> int:
    day = fromissue.checked_on(args.date)  # required here: never today's by default
    if day is None:
        print(log_line(f"erreur : --date « {args.date} » n'est pas une date au format "
                       "AAAA-MM-JJ (par exemple 2026-11-20)."), file=sys.stderr)
        return 2
    try:
        body = fromissue.read_body(Path(args.body))
        path, changes = confirm(body, args.author, day, Path(args.into),
                                Path(args.codeowners))
    except (RequestError, fromissue.FormError) as exc:
        print("La demande n'a pas pu être appliquée. À corriger :")
        for line in str(exc).split("\n"):
            print(log_line(f"- {line}"))
        return 1
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    if not changes:
        print(log_line(f"Fiche déjà à jour : {shown}"))
        return 0
    print(log_line(f"Fiche mise à jour : {shown}"))
    for change in changes:
        print(log_line(f"- {change}"))
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("confirm-from-issue",
                         help="appliquer une demande « Je gère ce lieu » (confirmation)",
                         description="Lit une issue « Je gère ce lieu » et met à jour la "
                                     "fiche : date de vérification, gestionnaires, fermeture.")
    cmd.add_argument("--body", required=True, help="fichier contenant le texte de l'issue")
    cmd.add_argument("--author", required=True,
                     help="compte GitHub de l'auteur de l'issue (donné par GitHub)")
    cmd.add_argument("--date", required=True, help="date de l'issue (AAAA-MM-JJ)")
    cmd.add_argument("--into", default=str(VENUES_DIR), help="dossier des fiches")
    cmd.add_argument("--codeowners", default=str(CODEOWNERS_PATH),
                     help="fichier CODEOWNERS à régénérer")
    cmd.set_defaults(func=_run)
