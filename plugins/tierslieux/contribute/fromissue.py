"""Turn the body of a "new venue" issue (GitHub's Markdown of our form) into a venue file.

People without git fill in the issue form; a maintainer labels the issue, and a workflow
runs `tierslieux from-issue` to open a pull request with the file. Anything missing or
wrong is explained in French, naming the form's fields, and nothing is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..check.logsafe import log_line
from ..check.validate import check_text
from ..check.venuefiles import describe_os_error, read_capped
from ..model.ids import taken_ids, unique_id
from ..model.paths import VENUES_DIR
from ..model.schema import vocabulary_of
from ..model.yamlwrite import dump_venue, venue_path
from ..reference.refdata import find_commune, reference_data
from .issueform import FIELDS, NO, NO_RESPONSE, YES, FormField


class FormError(ValueError):
    """An answer that cannot be read; the message is for the person who filled the form."""


_HEADING = re.compile(r"^###[ \t]+(.*?)[ \t]*$")


def sections(body: str) -> dict[str, str]:
    """Answers by question label, from GitHub's rendering ("### Label" then the answer).

    Only the form's own questions count, in the form's order, so a "### Commune" typed
    inside the description stays part of the description. GitHub writes every question
    once and in order. Walking back from the last question, each question's heading is
    the last of its kind before the next question's heading. A heading typed in an answer
    is then never picked: one naming a later question comes before that question's real
    heading (the last is taken), one naming an earlier question comes after the heading
    of the question that follows it (beyond the search).
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    headings: dict[str, list[int]] = defaultdict(list)
    for number, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading:
            headings[heading.group(1)].append(number)
    found: list[tuple[str, int]] = []
    bound = len(lines)
    for title in reversed([f.title() for f in FIELDS]):
        before = [n for n in headings.get(title, ()) if n < bound]
        if before:
            bound = before[-1]
            found.append((title, bound))
    found.reverse()
    out: dict[str, str] = {}
    for index, (title, start) in enumerate(found):
        end = found[index + 1][1] if index + 1 < len(found) else len(lines)
        answer = "\n".join(lines[start + 1:end]).strip()
        out[title] = "" if answer in NO_RESPONSE else answer
    return out


def _number(text: str, integer: bool = False) -> float | int:
    cleaned = text.replace("€", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        raise FormError(f"« {text} » n'est pas un nombre.") from None
    if integer or value.is_integer():
        if integer and not value.is_integer():
            raise FormError(f"« {text} » doit être un nombre entier.")
        return int(value)
    return value


def _coordinates(text: str) -> tuple[float, float]:
    parts = [p for p in re.split(r"[;,\s]+", text.strip()) if p]
    if len(parts) != 2:
        raise FormError(f"« {text} » : écrivez la latitude puis la longitude, séparées par une "
                        "virgule, par exemple « 48.1113, -1.6800 ».")
    try:
        return float(parts[0]), float(parts[1])
    except ValueError:
        raise FormError(f"« {text} » : les coordonnées s'écrivent avec un point décimal, par "
                        "exemple « 48.1113, -1.6800 ».") from None


def _choices(text: str, labels: dict[str, str]) -> list[str]:
    """Codes of the chosen options. GitHub joins them with ", ", and labels may hold commas."""
    by_label = {label: code for code, label in labels.items()}
    chosen, rest = [], text.strip()
    while rest:
        match = next((lbl for lbl in sorted(by_label, key=len, reverse=True)
                      if rest.startswith(lbl)), None)
        if match is None:
            raise FormError(f"« {rest} » ne fait pas partie des choix proposés.")
        chosen.append(by_label[match])
        rest = rest[len(match):].lstrip(", ")
    return chosen


def _lines(text: str) -> list[str]:
    return [re.sub(r"^[-*]\s+", "", line).strip() for line in text.splitlines()
            if line.strip()]


def _stops(text: str) -> list[dict[str, Any]]:
    ref = reference_data()
    stops = []
    for number, line in enumerate(_lines(text), start=1):
        parts = [p.strip() for p in line.split(";")]
        if len(parts) != 4:
            raise FormError(f"étape {number} (« {line} ») : il faut « commune ; code postal ; "
                            "latitude, longitude ; horaires ».")
        commune_name, postcode, coords, hours = parts
        lat, lon = _coordinates(coords)
        stop: dict[str, Any] = {"commune": commune_name, "code_postal": postcode}
        found = find_commune(ref, postcode, commune_name)
        if found:
            stop["code_insee"] = found.code
            if found.parent is None:
                stop["commune"] = found.nom
        stop.update({"latitude": lat, "longitude": lon, "horaires": hours})
        stops.append(stop)
    return stops


def _put(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _read(f: FormField, text: str) -> Any:
    if f.kind == "multi":
        return _choices(text, vocabulary_of(f.path) or {})
    if f.kind == "choice":
        codes = _choices(text, vocabulary_of(f.path) or {})
        return codes[0] if codes else None
    if f.kind == "bool":
        if text not in (YES, NO):
            raise FormError(f"répondez « {YES} » ou « {NO} ».")
        return text == YES
    if f.kind in ("number", "integer"):
        return _number(text, integer=f.kind == "integer")
    if f.kind == "coords":
        return _coordinates(text)
    if f.kind == "lines":
        return _lines(text)
    if f.kind == "stops":
        return _stops(text)
    if f.id == "gestionnaires":
        return [h.strip().lstrip("@") for h in text.split(",") if h.strip()]
    return text.strip()


def venue_from_issue(body: str, checked_on: dt.date,
                     taken: set[str]) -> tuple[dict[str, Any] | None, list[str]]:
    """The venue data, or None and the French explanations of what to fix in the form."""
    answers = sections(body)
    data: dict[str, Any] = {}
    errors: list[str] = []
    for f in FIELDS:
        text = answers.get(f.title(), "")
        if not text:
            if f.required:
                errors.append(f"« {f.title()} » : ce champ est obligatoire.")
            continue
        try:
            value = _read(f, text)
        except FormError as exc:
            errors.append(f"« {f.title()} » : {exc}")
            continue
        if f.kind == "coords":
            data["latitude"], data["longitude"] = value
        elif value not in (None, []):
            _put(data, f.path, value)
    if errors:
        return None, errors
    if "code_insee" not in data and "etapes" not in data:
        found = find_commune(reference_data(), data.get("code_postal"), data.get("commune"))
        if found is None:
            return None, ["« Code postal » et « Commune » : aucune commune ne correspond à "
                          f"{data.get('code_postal', '?')} {data.get('commune', '?')} ; "
                          "vérifiez-les, ou indiquez le code INSEE."]
        data["code_insee"] = found.code
        if found.parent is None:
            data["commune"] = found.nom  # the official spelling
    commune = data.get("commune") or (data.get("etapes") or [{}])[0].get("commune", "")
    data = {"id": unique_id(data.get("nom", "lieu"), commune, taken), **data,
            "date_verification": checked_on.isoformat()}
    return data, []


def _departement(data: dict[str, Any]) -> str | None:
    code = data.get("code_insee") or (data.get("etapes") or [{}])[0].get("code_insee")
    commune = reference_data().commune(code) if isinstance(code, str) else None
    return commune.departement if commune else None


def _form_label(field: str) -> str:
    """The form question behind a schema field (etapes[2].commune -> « Étapes... »)."""
    labels = {".".join(f.path): f.title() for f in FIELDS}
    labels["latitude"] = labels["longitude"] = labels["latitude.longitude"]
    parts = re.sub(r"\[\d+\]", "", field).split(".")
    for end in range(len(parts), 0, -1):
        label = labels.get(".".join(parts[:end]))
        if label:
            return label
    return field or "fiche"


def convert(body: str, into: Path, checked_on: dt.date) -> tuple[Path | None, list[str]]:
    """Write the venue file under `into`, or explain (in French) why not."""
    data, errors = venue_from_issue(body, checked_on, taken_ids(into))
    if data is None:
        return None, errors
    dep = _departement(data) or "00"
    target = venue_path(into, dep, data["id"])
    text = dump_venue(data)
    problems = [p for p in check_text(text.encode("utf-8"), str(target)) if p.is_error]
    if problems:
        return None, [f"« {_form_label(p.field)} » : {p.message} {p.hint}".strip()
                      for p in problems]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target, []


# GitHub keeps at most 65,536 characters of an issue body, up to 4 bytes each in UTF-8.
MAX_BODY_BYTES = 4 * 65536


def checked_on(text: str | None) -> dt.date | None:
    """The --date option (AAAA-MM-JJ only, a real day), today without it, None if wrong."""
    if text is None:
        return dt.date.today()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return None  # fromisoformat also takes 20261120 and 2026-W47-5
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def read_body(path: Path) -> str:
    """The issue's text; FormError (in French) when it cannot be read as such."""
    try:
        raw = read_capped(path, MAX_BODY_BYTES)
    except OSError as exc:
        raise FormError(f"impossible de lire {path} ({describe_os_error(exc)}).") from None
    if len(raw) > MAX_BODY_BYTES:
        raise FormError(f"{path} dépasse {MAX_BODY_BYTES} octets : ce n'est pas le texte "
                        "d'une demande.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormError(f"{path} n'est pas un texte en UTF-8.") from None


def _run(args: argparse.Namespace) -> int:
    day = checked_on(args.date)
    if day is None:
        print(log_line(f"erreur : --date « {args.date} » n'est pas une date au format "
                       "AAAA-MM-JJ (par exemple 2026-11-20)."), file=sys.stderr)
        return 2
    try:
        body = read_body(Path(args.file))
    except FormError as exc:
        print(log_line(f"erreur : {exc}"), file=sys.stderr)
        return 2
    path, errors = convert(body, Path(args.into), day)
    if path is None:
        print("La fiche n'a pas pu être créée. À corriger dans la demande :")
        for error in errors:
            print(log_line(f"- {error}"))
        return 1
    print(log_line(f"Fiche créée : {path}"))
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("from-issue", help="créer une fiche depuis une demande (issue)",
                         description="Lit le texte d'une issue « Proposer un nouveau lieu » "
                                     "et écrit la fiche correspondante.")
    cmd.add_argument("file", help="fichier contenant le texte de l'issue (Markdown)")
    cmd.add_argument("--into", default=str(VENUES_DIR), help="dossier des fiches")
    cmd.add_argument("--date", help="date de vérification (AAAA-MM-JJ), par défaut aujourd'hui")
    cmd.set_defaults(func=_run)
