"""`tierslieux reply-issue`: the bot's immediate French answer to a contribution issue.

Why: a venue manager who fills in the issue form should not wait for a maintainer to learn
that a field is missing. A workflow runs this command as soon as an issue is opened or
edited, and keeps one comment up to date with what was understood (a table, in the form's
words), what is missing or wrong and how to fix it, the venues of the directory it may
duplicate (the importer's matching: same SIRET, same website, a like name nearby), and a
link to the site's form that shows the venue rendered (`/contribuer/#fiche=...`).

Three kinds of issue: a new venue (nouveau-lieu.yml), a correction (« Identifiant du lieu »
plus the fields to change) and a confirmation by the manager (confirmer.yml).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import opening_hours

from ..check.logsafe import log_line, markdown
from ..check.validate import check_text
from ..check.yamlload import load_file
from ..importing.directory import (
    Directory,
    Match,
    distance_m,
    position_of,
    same_place_names,
)
from ..importing.normalize import plain
from ..model.dates import french_date
from ..model.hours import week_schedule
from ..model.paths import VENUES_DIR
from ..model.schema import vocabulary_of
from ..model.yamlwrite import dump_venue
from ..reference.positions import commune_positions
from ..reference.refdata import find_commune, reference_data
from . import confirmform, fromissue, issueform
from .issueform import FIELDS, NO, YES, FormField

MARKER = "<!-- tierslieux-reponse -->"
MAX_REPLY_CHARS = 60_000  # GitHub refuses comments over 65,536 characters
MAX_CELL = 160
MAX_MESSAGE = 1000  # a message lists the options to choose from: never cut it short
MAX_PREVIEW_URL = 12_000

# Duplicates: wider than the importer's merge thresholds (300 m, score 85), since this
# only asks the person to look; a venue without coordinates is compared within its commune.
NEAR_M = 1000.0
NEAR_SCORE = 75.0
SAME_COMMUNE_SCORE = 85.0
MAX_DUPLICATES = 3
SAME_NAME_NEAR_M = 300.0  # one name containing the other, this close: the same place?
_GENERIC_WORDS = {"les", "des", "coworking", "fablab", "fab", "lab", "tiers", "lieu",
                  "espace", "atelier", "maison"}

# The fields worth giving even when optional (issueform.ESSENTIALS, once it exists).
_USEFUL = ("site_web", "courriel", "horaires", "description")

HOW_TO_EDIT = ("Pour corriger, modifiez votre demande : menu « ··· » en haut à droite de "
               "votre message, puis « Edit » (Modifier). Cette réponse se mettra à jour "
               "d'elle-même.")


# -- what from-issue understood (the only calls into fromissue: adapt them here) ----------

@dataclass
class Understood:
    """A request as `tierslieux from-issue` reads it, or as much of it as could be read."""

    data: dict[str, Any]  # the venue file's data (partial when `errors`)
    errors: list[str]  # French, naming the form's questions
    notes: list[str] = field(default_factory=list)  # what was normalised, in French
    failed: set[str] = field(default_factory=set)  # titles of questions that could not be read
    current: dict[str, Any] | None = None  # a correction: the venue's file as it is


def understand(body: str, day: dt.date, venues_dir: Path) -> Understood:
    """What from-issue makes of a new venue or of a correction, without writing anything.

    The one place that calls from-issue: its reading (`read_issue`, with its notes and,
    for a correction, the merged venue) is used as is. When from-issue refuses, each
    answer is read on its own, so the table still shows what was understood.
    """
    venue_id = correction_id(body)
    current = _load_venue(venues_dir, venue_id) if venue_id else None
    reading = fromissue.read_issue(body, day, into=venues_dir)
    data, errors, notes = reading.data, list(reading.errors), list(reading.notes)
    if data is not None:
        errors += _schema_errors(data)
    failed = {f.title() for f in FIELDS if any(e.startswith(f"« {f.title()} »")
                                                for e in errors)}
    if data is None or errors:
        partial, unreadable = read_given_fields(body)
        data = _merged(current, partial) if current is not None else partial
        failed |= unreadable
    return Understood(data, errors, notes, failed, current)


def read_given_fields(body: str) -> tuple[dict[str, Any], set[str]]:
    """The answered questions, each read like from-issue reads it; and those it could not."""
    data: dict[str, Any] = {}
    failed: set[str] = set()
    for f, text in _answers(body):
        try:  # from-issue's own reader of one answer
            value = fromissue.read_answer(f, text, [])
        except (fromissue.FormError, ValueError):
            failed.add(f.title())
            continue
        if f.kind == "coords":
            data["latitude"], data["longitude"] = value
        elif value not in (None, []):
            fromissue.put_value(data, f.path, value)
    return data, failed


def _answers(body: str) -> list[tuple[FormField, str]]:
    answers = fromissue.sections(body)
    return [(f, answers[f.title()]) for f in FIELDS if answers.get(f.title())]


def _schema_errors(data: dict[str, Any]) -> list[str]:
    """The validator's messages for the venue as it would be written, by form question."""
    folder = _departement(data)
    problems = check_text(dump_venue(data).encode("utf-8"),
                          f"content/venues/{folder}/{data.get('id', 'lieu')}.yml")
    return [f"« {fromissue.form_label(p.field)} » : {p.message} {p.hint}".strip()
            for p in problems if p.is_error and p.code not in _NOT_THE_PERSONS]


# Problems about where the file sits, which from-issue decides, not the person.
_NOT_THE_PERSONS = {"dossier-departement", "id-nom-fichier"}


def _departement(data: dict[str, Any]) -> str:
    code = data.get("code_insee") or (data.get("etapes") or [{}])[0].get("code_insee")
    commune = reference_data().commune(code) if isinstance(code, str) else None
    return commune.departement if commune else "00"


# -- formatting ------------------------------------------------------------------------------

def _text(value: Any, limit: int = MAX_CELL) -> str:
    """Untrusted text for one table cell or line: no markup, no mention, not too long."""
    text = " ".join(str(value).split())
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    out = markdown(text)
    # "@name" would notify that account; a word joiner after "@" keeps it plain text (not
    # inside a word or a URL, where GitHub makes no mention and the joiner would show).
    return "".join("@\u2060" if ch == "@" and (i == 0 or out[i - 1] in " (") else ch
                   for i, ch in enumerate(out))


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _value_of(data: dict[str, Any], f: FormField) -> Any:
    if f.kind == "coords":
        where = position_of(data) if "etapes" not in data else None
        return where
    node: Any = data
    for part in f.path:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _hours(expression: str) -> str:
    try:
        week = week_schedule(expression)
    except (opening_hours.ParserError, SyntaxError, ValueError):
        return _text(expression)  # not (yet) an OSM expression: shown as typed
    return "<br>".join(f"{_text(days)} : {_text(hours)}" for days, hours in week)


def _shown(f: FormField, value: Any) -> str:
    """A value as the form's words say it: labels of the vocabulary, Oui/Non, French hours."""
    vocabulary = vocabulary_of(f.path) or {}
    if f.kind == "multi" and isinstance(value, list):
        return _text(", ".join(vocabulary.get(v, str(v)) for v in value))
    if f.kind == "choice":
        return _text(vocabulary.get(value, str(value)))
    if isinstance(value, bool):
        return YES if value else NO
    if f.kind == "coords":
        return _text(f"{value[0]:.5f}, {value[1]:.5f}")
    if f.kind == "stops" and isinstance(value, list):
        return "<br>".join(_text(f"{s.get('commune', '?')} ({s.get('code_postal', '?')})")
                           for s in value if isinstance(s, dict))
    if isinstance(value, list):
        return "<br>".join(_text(v) for v in value[:10])
    if isinstance(value, int | float):
        return _text(_number(value)) + (" €" if f.path[0] == "tarifs" else "")
    if f.id == "horaires":
        return _hours(str(value))
    if f.id in ("date_ouverture", "date_fermeture"):
        return _text(french_date(value))
    return _text(value)


def _note(f: FormField, typed: str, value: Any) -> str:
    """Why the value differs from what was typed (e.g. a commune's official spelling)."""
    if f.kind not in ("input", "textarea") or not isinstance(value, str):
        return ""
    if " ".join(typed.split()) == " ".join(value.split()):
        return ""
    if f.id == "commune":
        return "orthographe officielle"
    return f"vous avez écrit « {_text(typed)} »"


def _table(rows: list[tuple[str, str, str]]) -> list[str]:
    lines = ["| Question | Ce que nous avons compris | Remarque |", "| --- | --- | --- |"]
    lines += [f"| {q} | {v} | {n} |" for q, v, n in rows]
    return lines


def _note_of(note: str, title: str) -> str | None:
    """The rest of a from-issue note about this question (« Title » : … or Title : …)."""
    for head in (f"« {title} » : ", f"{title} : "):
        if note.startswith(head):
            return note[len(head):]
    return None


def _rows(body: str, understood: Understood) -> list[tuple[str, str, str]]:
    typed = dict((f.id, t) for f, t in _answers(body))
    rows = []
    for f in FIELDS:
        value = _value_of(understood.data, f)
        title = f.title()
        remarks = [r for r in (_note_of(n, title) for n in understood.notes) if r]
        if title in understood.failed:
            rows.append((title, _text(typed.get(f.id, "")), "**à corriger** (voir plus bas)"))
        elif value not in (None, [], ""):
            note = "; ".join(_text(r) for r in remarks) or _note(f, typed.get(f.id, ""), value)
            if f.id == "code_insee" and f.id not in typed:
                note = "déduit du code postal et de la commune"
            rows.append((title, _shown(f, value), note))
    return rows


def _other_notes(notes: list[str]) -> list[str]:
    """from-issue's notes that are about no single question (« Horaires lus : … »)."""
    titles = [f.title() for f in FIELDS]
    rest = [n for n in notes if not any(_note_of(n, t) is not None for t in titles)
            and not n.startswith("Horaires lus")]  # the table reads the hours back
    return ["", *(f"- {_text(n)}" for n in rest)] if rest else []


def preview_url(site_url: str, data: dict[str, Any]) -> str:
    """The site's form showing this venue (contract: `#fiche=` + base64url of its JSON)."""
    shown = {k: v for k, v in data.items() if v not in (None, [], "")}
    payload = json.dumps(shown, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    encoded = base64.urlsafe_b64encode(payload).decode("ascii").rstrip("=")
    return f"{site_url}/contribuer/#fiche={encoded}"


def decode_preview(url: str) -> dict[str, Any]:
    """The data a preview link carries (what the site's form decodes)."""
    encoded = url.split("#fiche=", 1)[1]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def _preview(site_url: str, data: dict[str, Any], what: str) -> list[str]:
    url = preview_url(site_url, data)
    if len(url) > MAX_PREVIEW_URL and isinstance(data.get("description"), str):
        url = preview_url(site_url, {**data, "description": data["description"][:400] + "…"})
    if len(url) > MAX_PREVIEW_URL:
        return []
    return ["### Aperçu", "", f"[{what}]({url}) (sur le site de l'annuaire, rien n'est "
            "enregistré en ouvrant ce lien)."]


def _distance(metres: float) -> str:
    if metres < 1000:
        return f"{max(10, round(metres / 10) * 10):.0f} m"
    return f"{metres / 1000:.1f} km".replace(".", ",")


def duplicates(data: dict[str, Any], directory: Directory) -> list[tuple[Match, bool]]:
    """Venues of the directory this one may be: (match, only known to be in the same commune).

    The importer's matching (same SIRET, same website nearby, a like name near the
    venue); without coordinates, a like name near the centre of its commune.
    """
    position = data.get("position")
    approximate = isinstance(position, dict) and position.get("methode") == "commune"
    where = None if approximate else position_of(data)
    radius, score, in_commune = NEAR_M, NEAR_SCORE, False
    if where is None:
        commune = find_commune(reference_data(), data.get("code_postal"), data.get("commune"))
        centre = commune_positions(reference_data()).of(commune) if commune else None
        if centre is None:
            return []
        where, in_commune = (centre.lat, centre.lon), True
        radius = max(3000.0, commune_positions(reference_data()).radius_km(centre.commune)
                     * 1000)
        score = SAME_COMMUNE_SCORE
    found: list[tuple[Match, bool]] = []
    seen: set[str] = set()
    while len(found) < MAX_DUPLICATES:
        match = directory.find(data, where, source=None, radius_m=radius, min_score=score,
                               exclude=seen)
        if match is None or match.known.id in seen:
            break
        seen.add(match.known.id)
        found.append((match, in_commune))
    if not in_commune:
        found += _named_alike_next_door(data, where, directory, seen)
    return found[:MAX_DUPLICATES]


def _words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", plain(name)) if len(w) > 2} - _GENERIC_WORDS


def _named_alike_next_door(data: dict[str, Any], where: tuple[float, float],
                           directory: Directory, seen: set[str]) -> list[tuple[Match, bool]]:
    """Venues a few steps away whose name contains this one's, or the reverse
    (« Breizh Entropy » / « Breizh Entropy - hackerspace »): a rewording the importer's
    score misses, worth a look when proposing a venue by hand."""
    name = str(data.get("nom", ""))
    mine = _words(name)
    out = []
    for known in directory.venues:
        other = position_of(known.data)
        if known.id in seen or other is None or not mine:
            continue
        metres = distance_m(*where, *other)
        theirs = str(known.data.get("nom", ""))
        if metres <= SAME_NAME_NEAR_M and mine & _words(theirs) and same_place_names(
                name, theirs):
            out.append((Match(known, "nom", 0.0, metres), False))
    return sorted(out, key=lambda m: m[0].distance or 0.0)


def _duplicate_lines(found: list[tuple[Match, bool]], site_url: str) -> list[str]:
    if not found:
        return []
    lines = ["### Ce lieu existe peut-être déjà", ""]
    for match, in_commune in found:
        known = match.known
        name = _text(known.data.get("nom", known.id))
        where = _text(known.data.get("commune") or "")
        link = f"[{name}]({site_url}/lieux/{known.id}/)"
        why = {"siret": "même SIRET", "site": "même site web", "nom": "nom semblable"}.get(
            match.how, "")
        if in_commune:
            far = f", dans la même commune ({where})" if where else ""
        elif match.distance is not None:
            far = f", à {_distance(match.distance)}"
        else:
            far = f", à {where}" if where else ""
        lines.append(f"- Ce lieu existe peut-être déjà : {link}{far} ({why}).")
    lines += ["", "Si c'est le même lieu, dites-le dans un commentaire : l'équipe complétera "
              "sa fiche plutôt que d'en créer une seconde."]
    return lines


def _problems(errors: list[str]) -> list[str]:
    if not errors:
        return []
    return ["### À compléter ou corriger", "", *(f"- {_text(e, MAX_MESSAGE)}" for e in errors), "",
            HOW_TO_EDIT]


def _useful_missing(data: dict[str, Any]) -> list[str]:
    wanted = getattr(issueform, "ESSENTIALS", _USEFUL)
    titles = [f.title() for f in FIELDS if f.id in wanted and f.id in _USEFUL
              and _value_of(data, f) in (None, [], "")]
    if not titles:
        return []
    return ["", "Facultatif mais utile aux visiteurs : " + ", ".join(
        f"« {t} »" for t in titles) + "."]


# -- the three kinds of issue ---------------------------------------------------------------

def _new_venue(body: str, day: dt.date, site_url: str, venues_dir: Path,
               directory: Directory) -> list[str]:
    understood = understand(body, day, venues_dir)
    ok = not understood.errors
    lines = ["Merci de proposer ce lieu ! Voici ce que nous avons compris de votre demande "
             "(réponse automatique, mise à jour à chaque modification de la demande).", ""]
    rows = _rows(body, understood)
    lines += ["### Ce que nous avons compris", "", *(_table(rows) if rows else
                                                     ["Aucune réponse lisible."]),
              *_other_notes(understood.notes), ""]
    lines += _problems(understood.errors)
    if ok:
        lines += ["**Tout est lisible : la fiche peut être créée telle quelle.**",
                  *_useful_missing(understood.data)]
    lines.append("")
    found = duplicates(understood.data, directory) if understood.data.get("nom") else []
    lines += _duplicate_lines(found, site_url)
    if found:
        lines.append("")
    lines += _preview(site_url, understood.data, "Voir la fiche telle qu'elle apparaîtra")
    lines += ["", "### Et ensuite ?", "",
              "Une personne de l'équipe relit la demande puis ajoute le label "
              "« fiche-validee » : la fiche est alors créée automatiquement et publiée après "
              "relecture." if ok else
              "Dès que les points ci-dessus sont corrigés, une personne de l'équipe relit la "
              "demande et la fiche est créée automatiquement."]
    return lines


def _venue_link(venue_id: str, data: dict[str, Any], site_url: str) -> str:
    return f"[{_text(data.get('nom', venue_id))}]({site_url}/lieux/{venue_id}/)"


def _load_venue(venues_dir: Path, venue_id: str) -> dict[str, Any] | None:
    path = confirmform.find_venue(venues_dir, venue_id)
    data = load_file(path).data if path else None
    return data if isinstance(data, dict) else None


def _unknown_venue(venue_id: str) -> list[str]:
    return ["### À compléter ou corriger", "",
            f"- « {confirmform.ID_TITLE} » : aucun lieu de l'annuaire n'a l'identifiant "
            f"« {_text(venue_id)} ». Copiez celui qui figure en bas de la page du lieu "
            "(par exemple « la-cantine-rennes »).", "", HOW_TO_EDIT]


def _confirmation(body: str, day: dt.date, site_url: str, venues_dir: Path,
                  author: str) -> list[str]:
    lines = ["Merci ! Voici ce que nous avons compris de votre demande (réponse automatique, "
             "mise à jour à chaque modification de la demande).", ""]
    request, errors = confirmform.parse_confirmation(body, day)
    if request is None:
        return lines + _problems(errors)
    data = _load_venue(venues_dir, request.venue_id)
    if data is None:
        return lines + _unknown_venue(request.venue_id)
    rows = [("Lieu", _venue_link(request.venue_id, data, site_url), ""),
            (confirmform.REQUEST_TITLE, _text(confirmform.CLOSED if request.closed
                                               else confirmform.EXACT), "")]
    if request.closing_date:
        rows.append((confirmform.CLOSING_DATE_TITLE, _text(french_date(request.closing_date)),
                     ""))
    manager_problem = request.add_manager and not request.closed and not confirmform.valid_login(
        author)
    if request.add_manager and not request.closed:
        rows.append(("Gestionnaire ajouté", _text(author) if not manager_problem else "",
                     "votre compte GitHub, public dans la fiche" if not manager_problem else
                     "**impossible** : voir plus bas"))
    lines += ["### Ce que nous avons compris", "", *_table(rows), ""]
    if manager_problem:
        lines += [*_problems([f"« {confirmform.MANAGER_TITLE} » : seul le compte GitHub "
                              "qui ouvre la demande peut être ajouté, et celui-ci ne peut "
                              "pas l'être."]), ""]
    applied = confirmform.apply_confirmation(data, request, author, day)
    if applied.changes:
        lines += ["### Ce qui changera dans la fiche", "",
                  *(f"- {_text(c)}" for c in applied.changes), ""]
    else:
        lines += ["La fiche est déjà à jour : rien ne changera.", ""]
    lines += ["### Et ensuite ?", "",
              "Une personne de l'équipe vérifie la demande puis ajoute le label "
              "« fiche-validee » : la fiche est alors mise à jour automatiquement."]
    return lines


def _correction(body: str, venue_id: str, day: dt.date, site_url: str,
                venues_dir: Path) -> list[str]:
    lines = ["Merci pour cette correction ! Voici ce que nous avons compris (réponse "
             "automatique, mise à jour à chaque modification de la demande).", ""]
    understood = understand(body, day, venues_dir)
    current = understood.current
    if current is None:
        return lines + _unknown_venue(venue_id)
    typed = dict((f.id, t) for f, t in _answers(body))
    rows = [("Lieu", _venue_link(venue_id, current, site_url), "")]
    for f in FIELDS:
        after, before = _value_of(understood.data, f), _value_of(current, f)
        if f.title() in understood.failed:
            rows.append((f.title(), _text(typed.get(f.id, "")), "**à corriger** (voir plus bas)"))
        elif f.id in typed and after not in (None, [], ""):
            was = f"avant : {_shown(f, before)}" if before not in (None, [], "") else "nouveau"
            rows.append((f.title(), _shown(f, after), "inchangé" if after == before else was))
    lines += ["### Ce que nous avons compris", "", *_table(rows), *_other_notes(
        understood.notes), ""]
    lines += _problems(understood.errors)
    if len(rows) == 1:
        lines += ["Votre message sera lu par une personne de l'équipe, qui mettra la fiche à "
                  "jour."]
    else:
        lines += ["", *_preview(site_url, understood.data, "Voir la fiche corrigée")]
    return lines


def _merged(current: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """The venue with the given fields replaced (sub-fields of porteur, tarifs... too)."""
    out = dict(current)
    for key, value in given.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


# The questions of the correction form before it asked the venue's fields (kept so that
# issues opened with it are still read).
_OLD_CORRECTION = ["Ce qui est faux ou manquant", "Ce qu'il faudrait écrire", "Source",
                   "Votre lien avec le lieu"]


def correction_id(body: str) -> str:
    """The venue a correction is about (« Identifiant du lieu », asked first), or ""."""
    titles = [confirmform.ID_TITLE, *(f.title() for f in FIELDS), *_OLD_CORRECTION]
    answer = confirmform.read_sections(body, titles).get(confirmform.ID_TITLE, "")
    lines = answer.strip().splitlines()
    return lines[0].strip().strip("`").strip() if lines else ""


def reply(body: str, *, day: dt.date, site_url: str, author: str = "",
          venues_dir: Path = VENUES_DIR, directory: Directory | None = None) -> str:
    """The whole comment, starting with the marker by which the workflow finds it again."""
    site_url = site_url.rstrip("/")
    if confirmform.is_confirmation(body):
        lines = _confirmation(body, day, site_url, venues_dir, author)
    else:
        venue_id = correction_id(body)
        if venue_id:
            lines = _correction(body, venue_id, day, site_url, venues_dir)
        else:
            lines = _new_venue(body, day, site_url, venues_dir,
                               directory or Directory.load(venues_dir))
    text = "\n".join([MARKER, "", *lines]).rstrip() + "\n"
    if len(text) > MAX_REPLY_CHARS:
        text = text[:MAX_REPLY_CHARS].rsplit("\n", 1)[0] + "\n\n(réponse tronquée)\n"
    return text


# -- the command ----------------------------------------------------------------------------

def _run(args: argparse.Namespace) -> int:
    day = fromissue.checked_on(args.date)
    if day is None:
        print(log_line(f"erreur : --date « {args.date} » n'est pas une date au format "
                       "AAAA-MM-JJ (par exemple 2026-11-20)."), file=sys.stderr)
        return 2
    try:
        body = fromissue.read_body(Path(args.body))
    except fromissue.FormError as exc:
        text = "\n".join([MARKER, "Cette demande n'a pas pu être lue automatiquement "
                          f"({_text(exc)}). Une personne de l'équipe va la regarder.", ""])
    else:
        text = reply(body, day=day, site_url=args.site_url, author=args.author,
                     venues_dir=Path(args.into))
    try:
        Path(args.out).write_text(text, encoding="utf-8")
    except OSError as exc:
        print(log_line(f"erreur : impossible d'écrire {args.out} ({exc.strerror})."),
              file=sys.stderr)
        return 2
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("reply-issue", help="répondre tout de suite à une demande (issue)",
                         description="Écrit la réponse automatique à une demande : ce qui a "
                                     "été compris, ce qui manque, les doublons possibles, "
                                     "un lien d'aperçu.")
    cmd.add_argument("--body", required=True, help="fichier contenant le texte de l'issue")
    cmd.add_argument("--out", required=True, help="fichier où écrire la réponse (Markdown)")
    cmd.add_argument("--author", default="", help="compte GitHub de l'auteur de l'issue")
    cmd.add_argument("--date", help="date de l'issue (AAAA-MM-JJ), par défaut aujourd'hui")
    cmd.add_argument("--site-url", default="", help="adresse du site, pour les liens")
    cmd.add_argument("--into", default=str(VENUES_DIR), help="dossier des fiches")
    cmd.set_defaults(func=_run)
