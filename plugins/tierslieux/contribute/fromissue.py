"""Turn the text of a venue request (GitHub issue, site form, e-mail) into a venue file.

People without git fill in the issue form, the site's form, or send its text by e-mail;
`tierslieux from-issue` turns that text into a venue file. It reads answers the way people
write them, through the importer's normalisation (one place for both paths: importing/
normalize.py, frenchhours.py, communes.py, geocode.py): dates in words or numbers, URLs
without https://, postcodes in quotes or with spaces, phones in any French format, types in
free text, hours in French sentences, commune names without accents, pasted HTML and
emojis. The position comes from the address (national address service, `Geocoder`), else
from the commune's centre, flagged as approximate (`position.methode: commune`).

API, for the tools that answer a request (the bot's reply, the site's preview):
- `read_issue(body, checked_on, taken, into=..., geocoder=...)` -> `IssueReading`: the venue
  data (None when something must be fixed), `errors` (French, each naming the form's
  question and what to write), `notes` (French, what was normalised, for the reply's
  table: « Date d'ouverture : « mars 2021 » lue comme 2021-03-01 (premier jour du
  mois) », « Horaires lus : … », « Position tirée de l'adresse (score 0,93) »), and for
  a correction the venue it updates.
- `convert_issue(body, into, checked_on, geocoder=...)` -> `Conversion`: the same, then
  the file written (created, or updated for a correction) once the validator accepts it.
- `venue_from_issue` and `convert` keep their former two-value answers.
- `hours_in_words(expression)`: opening hours read back in plain French (the venue
  page's renderer, model/hours.py), for showing what was understood.

A correction is the same text plus a section `### Identifiant du lieu`: the venue's file
is updated (answers given replace, questions left empty keep the file's values), through
the importer's merge rule; « champ : valeur » lines of its « Ce qu'il faudrait écrire »
section answer the questions left empty (the venue page's closure link writes
« statut : fermé » there). Nothing is written when anything must be fixed. A personal
e-mail address is never kept (a note says so), and no traceback reaches the person.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from opening_hours import OpeningHours, ParserError

from ..check.logsafe import log_line
from ..check.validate import check_text
from ..check.venuefiles import describe_os_error, read_capped, read_venue
from ..importing import normalize
from ..importing.communes import CommuneIndex, commune_index, locate
from ..importing.communes import _of as of_commune
from ..importing.coordinates import in_france, parse_coordinate, split_pair
from ..importing.frenchhours import APPOINTMENT, from_sentence
from ..importing.geocode import APPROXIMATE, FROM_ADDRESS, Geocoder, GeocoderUnavailable
from ..importing.merge import merge
from ..model.hours import week_schedule
from ..model.ids import taken_ids, unique_id
from ..model.paths import VENUES_DIR
from ..model.schema import field_schema, resolve, vocabulary_of
from ..model.yamlwrite import dump_venue, venue_path
from ..reference.positions import commune_positions
from ..reference.refdata import Commune, reference_data
from .issueform import (
    CORRECTION_TITLE,
    EXTRA_TITLES,
    FIELDS,
    NO,
    NO_RESPONSE,
    VENUE_ID_TITLE,
    YES,
    FormField,
)


class FormError(ValueError):
    """An answer that cannot be read; the message is for the person who filled the form."""


# GitHub writes "### Title"; a mail client or a person may write "## Title :" or "**Title**".
_HEADING = re.compile(r"^\s*(?:#{2,4}[ \t]+(.*?)|\*\*(.*?)\*\*)[ \t]*:?[ \t]*$")
_SIGNATURE = re.compile(r"^-- ?$")


def _title_key(text: str) -> str:
    return normalize.plain(text).rstrip(" :*")


def _titles() -> list[str]:
    """Every section title a request may hold, in the forms' order."""
    return [EXTRA_TITLES[0], *(f.title() for f in FIELDS), *EXTRA_TITLES[1:]]


def sections(body: str, titles: list[str] | None = None) -> dict[str, str]:
    """Answers by question title, from GitHub's rendering ("### Title" then the answer).

    Only the forms' own questions count, so a "### Commune" typed inside the description
    stays part of the description. GitHub writes every question once and in order. Walking
    back from the last question, each question's heading is the last of its kind before
    the next question's heading. A heading typed in an answer is then never picked: one
    naming a later question comes before that question's real heading (the last is
    taken), one naming an earlier question comes after the heading of the question that
    follows it (beyond the search). Questions out of the forms' order (an e-mail written
    by hand) are then taken where they are. Titles are compared without case or accents;
    CRLF line ends and a mail signature ("-- ") are dropped. `titles` are another form's
    questions (the confirmation form's); by default, the venue forms'.
    """
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    titles = _titles() if titles is None else titles
    by_key = {_title_key(t): t for t in titles}
    headings: dict[str, list[int]] = defaultdict(list)
    for number, line in enumerate(lines):
        heading = _HEADING.match(line)
        if heading:
            title = by_key.get(_title_key(heading.group(1) or heading.group(2) or ""))
            if title:
                headings[title].append(number)
    last = max((n for numbers in headings.values() for n in numbers), default=-1)
    cut = next((n for n in range(last + 1, len(lines)) if _SIGNATURE.match(lines[n])),
               len(lines))  # a signature after the last answer, not a « -- » inside one
    lines = lines[:cut]
    found: dict[str, int] = {}
    bound = len(lines)
    for title in reversed(titles):
        before = [n for n in headings.get(title, ()) if n < bound]
        if before:
            bound = before[-1]
            found[title] = bound
    taken = set(found.values())
    for title, numbers in headings.items():
        if title not in found and numbers[-1] not in taken:
            found[title] = numbers[-1]
    ordered = sorted(found.items(), key=lambda item: item[1])
    out: dict[str, str] = {}
    for index, (title, start) in enumerate(ordered):
        end = ordered[index + 1][1] if index + 1 < len(ordered) else len(lines)
        answer = "\n".join(lines[start + 1:end]).strip()
        out[title] = "" if answer in NO_RESPONSE else answer
    return out


@dataclass
class IssueReading:
    """What a request says: the venue (None when something must be fixed), and why."""

    data: dict[str, Any] | None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # French, what was normalised
    venue_id: str | None = None  # the venue a correction names
    existing: Path | None = None  # that venue's file


@dataclass
class Conversion:
    """The outcome of `convert_issue`: the file written (or None), errors and notes."""

    path: Path | None
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    updated: bool = False  # a correction of an existing venue
    data: dict[str, Any] | None = None


# -- Reading one answer --------------------------------------------------------------------


# Longest answer read for a one-line question, and for a list (types, stops, links): far
# above any real answer, low enough that a pasted page cannot slow the reading down.
MAX_ONE_LINE, MAX_LIST = 500, 5000


def _shown(text: str, limit: int = 80) -> str:
    """An answer quoted back in a message, cut when long."""
    return text if len(text) <= limit else text[:limit].rstrip() + "…"


def _one_line(text: str) -> str:
    """A one-line answer: HTML, control characters, emojis and mail wrapping removed."""
    return normalize.without_pictographs(" ".join(normalize.clean_lines(text)))


def _first_paragraph(f: FormField, text: str, notes: list[str]) -> str:
    """A one-line question's answer ends at the first blank line (a mail's « Merci ! »)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    if len(paragraphs) > 1:
        rest = _one_line(" ".join(paragraphs[1:]))[:80]
        notes.append(f"{f.title()} : texte après une ligne vide non repris (« {rest} »)")
    return paragraphs[0] if paragraphs else ""


def _number(text: str, integer: bool = False) -> float | int:
    cleaned = text.replace("€", "").replace("euros", "").replace("euro", "").strip()
    value = parse_coordinate(cleaned) if "°" not in cleaned else None
    if value is None:
        raise FormError(f"« {_shown(text)} » n'est pas un nombre : écrivez seulement le "
                        "nombre, par exemple « 12 » ou « 14,50 ».")
    if integer or value.is_integer():
        if integer and not value.is_integer():
            raise FormError(f"« {_shown(text)} » doit être un nombre entier.")
        return int(value)
    return value


def _coordinates(text: str) -> tuple[float, float]:
    pair = split_pair(text)
    lat, lon = (parse_coordinate(pair[0]), parse_coordinate(pair[1])) if pair else (None, None)
    if lat is None or lon is None:
        raise FormError(f"« {_shown(text)} » : écrivez la latitude puis la longitude, "
                        "séparées par une virgule, par exemple « 48.1113, -1.6800 », ou "
                        "laissez vide : la position sera trouvée à partir de l'adresse.")
    if not in_france(lon, lat):
        raise FormError(f"« {_shown(text)} » n'est pas en France : vérifiez l'ordre (la latitude "
                        "d'abord) ou laissez vide.")
    return round(lat, 6), round(lon, 6)


def _labels(f: FormField) -> str:
    return ", ".join(f"« {label} »" for label in f.options())


def _item_schema(f: FormField) -> dict[str, Any]:
    schema = resolve(field_schema(f.path) or {})
    return resolve(schema.get("items", schema)) if schema.get("type") == "array" else schema


def _choices(f: FormField, text: str, notes: list[str]) -> list[str]:
    """Codes of the chosen options, from GitHub's labels joined by ", " or free text."""
    labels = vocabulary_of(f.path) or {}
    by_label = {normalize.plain(label): code for code, label in labels.items()}
    chosen: list[str] = []
    answer = normalize.plain(_one_line(text))
    longest_first = sorted(by_label, key=len, reverse=True)
    at = 0
    while at < len(answer):  # GitHub's own answer: labels (which may hold commas), ", "
        match = next((lbl for lbl in longest_first if answer.startswith(lbl, at)), None)
        if match is None:
            break
        if by_label[match] not in chosen:
            chosen.append(by_label[match])
        at += len(match)
        while at < len(answer) and answer[at] in ", ":
            at += 1
    if at >= len(answer):
        return chosen
    chosen, unknown = [], []
    item = _item_schema(f)
    for piece in re.split(r"\s*(?:[,;+&\n]|\bet\b|\bou\b)\s*", _one_line(text)):
        if not piece.strip(" .-"):
            continue
        code = normalize.vocabulary_code(item, piece)
        if code is None and "/" in piece:
            codes = [normalize.vocabulary_code(item, p) for p in piece.split("/")]
            if all(codes):
                chosen += [c for c in codes if c and c not in chosen]
                continue
        if code is None:
            unknown.append(piece.strip())
        elif code not in chosen:
            chosen.append(code)
            if normalize.plain(piece) != normalize.plain(labels.get(code, code)):
                notes.append(f"{f.title()} : « {piece.strip()} » lu comme "
                             f"« {labels.get(code, code)} »")
    if unknown:
        shown = ", ".join(f"« {_shown(u)} »" for u in unknown[:5])
        raise FormError(f"{shown} ne correspond à aucun choix proposé : choisissez parmi "
                        f"{_labels(f)}.")
    return chosen


def _hours(text: str, notes: list[str]) -> str:
    """The OSM expression, from an OSM expression or French words; notes read it back."""
    plain_text = " ".join(normalize.clean_lines(text)).strip(' "«»')
    expression = from_sentence(normalize.without_pictographs(text))
    if expression is None:
        try:
            OpeningHours(plain_text)
            expression = plain_text
        except (ParserError, SyntaxError, ValueError):
            expression = None
    if expression is None:
        raise FormError(f"« {_shown(plain_text)} » n'a pas été compris : écrivez les jours "
                        "puis les heures, par exemple « du mardi au samedi de 14h à 19h », "
                        "« lundi et jeudi 9h-12h et 14h-18h » ou « sur rendez-vous ».")
    notes.append("Horaires lus : " + hours_in_words(expression))
    return expression


def hours_in_words(expression: str) -> str:
    """An OSM expression read back in plain French, as the venue page shows it."""
    groups = [(days, label) for days, label in week_schedule(expression) if label != "fermé"]
    if not groups:
        return "fermé"
    if len(groups) == 1 and groups[0][0] == "Sans jour fixe":  # only a comment
        return groups[0][1]
    if len(groups) == 1 and groups[0][0] == "Du lundi au dimanche":
        label = groups[0][1]
        return label if label.startswith(APPOINTMENT) else f"tous les jours : {label}"
    return " ; ".join(f"{days[0].lower()}{days[1:]} : {label}" for days, label in groups)


def _url(text: str, notes: list[str], title: str) -> str:
    shown = _one_line(text)
    url, why = normalize.normalize_url(shown)
    if url is None:
        raise FormError((why or f"« {_shown(shown)} » n'est pas une adresse web")
                        + " : écrivez par exemple « www.mon-lieu.fr ».")
    if url != shown:
        notes.append(f"{title} : « {shown} » lu comme {url}")
    return url


def _phone(text: str, notes: list[str]) -> str:
    shown = _one_line(text)
    phone, why = normalize.normalize_phone(shown)
    if phone is None:
        raise FormError(f"« {_shown(shown)} » n'est pas un numéro de téléphone : écrivez ses dix "
                        "chiffres, par exemple « 02 99 12 34 56 » (ou « +687 24 12 34 » en "
                        "Nouvelle-Calédonie et en Polynésie).")
    if why:
        notes.append(f"Téléphone : {why}")
    elif phone != shown:
        notes.append(f"Téléphone : « {shown} » lu comme {phone}")
    return phone


def _postcode(text: str, notes: list[str]) -> str:
    shown = _one_line(text)
    code, why = normalize.postcode(shown)
    if code is None:
        raise FormError(f"« {_shown(shown)} » n'est pas un code postal : écrivez ses cinq "
                        "chiffres, par exemple « 35000 ».")
    if why:
        notes.append(f"Code postal : {why}")
    return code


def _date(text: str, notes: list[str], title: str) -> str:
    shown = _one_line(text)
    value, why = normalize.date_reading(shown)
    if value is None:
        raise FormError(f"« {_shown(shown)} » n'est pas une date : écrivez par exemple « 15 mars "
                        "2021 » ou « 15/03/2021 ».")
    if why:
        notes.append(f"{title} : {why}")
    elif value != shown:
        notes.append(f"{title} : « {shown} » lue comme {value}")
    return value


def _bool(text: str) -> bool:
    value = normalize.boolean(_one_line(text))
    if value is None:
        raise FormError(f"répondez « {YES} » ou « {NO} ».")
    return value


def _lines(text: str) -> list[str]:
    return [re.sub(r"^[-*•]\s+", "", line).strip()
            for line in normalize.clean_lines(text) if line.strip(" -*•")]


def _description(text: str, notes: list[str]) -> str:
    """The text as written (Markdown stays), unless HTML was pasted: then its lines."""
    if re.search(r"<\s*/?\s*[a-zA-Z][^>]*>", text):
        notes.append("Description : mise en forme HTML retirée")
        lines = normalize.clean_lines(text)
        separator = "\n\n"
    else:
        lines = [line.rstrip() for line in text.strip().splitlines()]
        separator = "\n"
    kept = [normalize.without_pictographs(line) if line.strip() else "" for line in lines]
    if kept != [" ".join(line.split()) if line.strip() else "" for line in lines]:
        notes.append("Description : émojis retirés")
    return separator.join(kept)


def read_answer(f: FormField, text: str, notes: list[str]) -> Any:
    """One answer as the venue file's value; FormError says what to write instead."""
    title = f.title()
    if f.kind == "multi":
        return _choices(f, text, notes)
    if f.kind == "choice":
        codes = _choices(f, text, notes)
        if len(codes) > 1:
            raise FormError(f"un seul choix parmi {_labels(f)}.")
        return codes[0] if codes else None
    if f.kind == "bool":
        return _bool(text)
    if f.kind in ("number", "integer"):
        return _number(_one_line(text), integer=f.kind == "integer")
    if f.kind == "coords":
        return _coordinates(_one_line(text))
    if f.kind == "stops":
        return _stops(text, notes)
    if f.id == "description" or f.kind == "textarea":
        return _description(text, notes)
    if f.id in ("reseaux_sociaux", "sources"):
        return [_url(line, notes, title) for line in _lines(text)]
    if f.kind == "lines":
        return [normalize.without_pictographs(line) for line in _lines(text)]
    if f.id == "gestionnaires":
        return [h.strip().lstrip("@") for h in re.split(r"[,;\s]+", _one_line(text)) if h.strip()]
    if f.id in ("date_ouverture", "date_fermeture"):
        return _date(text, notes, title)
    if f.id in ("site_web", "accessibilite_fiche_acces_libre"):
        return _url(text, notes, title)
    if f.id == "telephone":
        return _phone(text, notes)
    if f.id == "code_postal":
        return _postcode(text, notes)
    if f.id == "horaires":
        return _hours(text, notes)
    if f.id in ("porteur_siret", "porteur_rna"):
        value, why = normalize.identifier(_one_line(text), f.id.split("_")[1])
        if value is None:
            raise FormError(why or "illisible")
        return value
    value = _one_line(text).strip(normalize._QUOTES + " ")
    if value != " ".join(" ".join(normalize.clean_lines(text)).split()).strip(
            normalize._QUOTES + " "):
        notes.append(f"{title} : émojis retirés")
    if f.id == "code_insee":
        value = value.upper()
    if f.id == "adresse":  # « 12, rue de Brest » as people type it, « 12 rue de Brest »
        value = re.sub(r"^(\d+(?:\s?(?:bis|ter|[a-d]))?)\s*,\s*", r"\1 ", value)
    return value or None


# -- Placing the venue ---------------------------------------------------------------------


def _decimal(value: float) -> str:
    return f"{value:.2f}".replace(".", ",")


class _Places:
    """The commune index and centres (built on first use, about two seconds, then kept for
    the process), and the geocoder."""

    def __init__(self, geocoder: Geocoder | None) -> None:
        self.ref = reference_data()
        self.geocoder = geocoder

    @cached_property
    def index(self) -> CommuneIndex:
        return commune_index(self.ref)

    def centre(self, commune: Commune) -> tuple[float, float] | None:
        where = commune_positions(self.ref).of(commune)  # loaded on first use only
        if where is not None:
            return where.lat, where.lon
        if self.geocoder is not None:
            try:
                found = self.geocoder.locate_commune(commune.nom, citycode=commune.code)
            except GeocoderUnavailable:
                return None
            if found is not None:
                return found.lat, found.lon
        return None

    def commune(self, postcode: str | None, name: str | None, insee: str | None = None,
                address: str | None = None) -> tuple[Commune, str, list[str], str | None]:
        """(commune, postcode, notes, street without a packed « 35000 Rennes »); FormError."""
        located = locate(self.index, postcode=postcode, name=name, insee=insee,
                         address=address, position_of=self.centre)
        if located.commune is None or located.postcode is None:
            raise FormError(f"{located.reason} : vérifiez le code postal et la commune.")
        commune = located.commune
        if commune.parent and self.ref.commune(commune.parent):
            commune = self.ref.commune(commune.parent) or commune  # Paris 11e -> Paris
        notes = [f"Commune : {note}" for note in located.notes]
        return commune, located.postcode, notes, located.address


def _place(data: dict[str, Any], coords: tuple[float, float] | None, places: _Places,
           notes: list[str]) -> None:
    """Commune, postcode, INSEE code and position of a fixed venue; FormError if unknown."""
    if not any(data.get(k) for k in ("commune", "code_postal", "code_insee", "adresse")):
        raise FormError("indiquez le code postal et la commune du lieu (ou, pour un lieu "
                        "itinérant, ses « Étapes »).")
    commune, postcode, found, street = places.commune(
        data.get("code_postal"), data.get("commune"), data.get("code_insee"), data.get("adresse"))
    notes += found
    if street:
        data["adresse"] = street
    data.update(code_postal=postcode, commune=commune.nom, code_insee=commune.code)
    data.pop("position", None)
    if coords is not None:
        data["latitude"], data["longitude"] = coords
        return
    if places.geocoder is not None and data.get("adresse"):
        try:
            result = places.geocoder.geocode(data["adresse"], postcode=postcode,
                                             citycode=commune.code)
        except GeocoderUnavailable as exc:
            result = None
            notes.append(f"Position : {exc}")
        if result is not None:
            data["latitude"], data["longitude"] = round(result.lat, 6), round(result.lon, 6)
            data["position"] = {"methode": FROM_ADDRESS, "score": round(result.score, 2)}
            notes.append(f"Position tirée de l'adresse (score {_decimal(result.score)}) : "
                         f"« {result.label} »")
            return
    centre = places.centre(commune)
    if centre is None:
        raise FormError(f"la position de {commune.nom} est inconnue : ajoutez les "
                        "« Coordonnées » du lieu (latitude, longitude).")
    data["latitude"], data["longitude"] = round(centre[0], 6), round(centre[1], 6)
    data["position"] = {"methode": APPROXIMATE}
    why = ("adresse non trouvée par le service national d'adresses" if data.get("adresse")
           and places.geocoder is not None else "sans recherche de l'adresse")
    notes.append(f"Position approximative : centre {of_commune(commune.nom)} ({why}), à préciser "
                 "sur la carte si possible")


_STOP_HOURS_HINT = ("« commune ; code postal ; jours et heures », par exemple « Mende ; "
                    "48000 ; le mardi de 9h à 17h »")


def _stops(text: str, notes: list[str], places: _Places | None = None) -> list[dict[str, Any]]:
    """One stop per line: commune, then in any order postcode, position and hours."""
    places = places or _Places(None)
    stops = []
    for number, line in enumerate(_lines(text), start=1):
        parts = [p.strip() for p in re.split(r"\s*[;|]\s*", line) if p.strip()]
        name, postcode, coords, hours = parts[0] if parts else "", None, None, None
        for part in parts[1:]:
            digits = re.fullmatch(r"[\d\s«»\"']+", part)
            code = normalize.postcode(part)[0] if digits else None
            pair = split_pair(part)
            lat_lon = ((parse_coordinate(pair[0]), parse_coordinate(pair[1])) if pair
                       else (None, None))
            if code and postcode is None:
                postcode = code
            elif None not in lat_lon and coords is None:
                coords = (round(lat_lon[0], 6), round(lat_lon[1], 6))  # type: ignore[arg-type]
            elif hours is None:
                hours = part
            else:
                hours += " " + part
        where = f"étape {number} (« {_shown(line)} »)"
        if not hours:
            raise FormError(f"{where} : ajoutez les jours et heures, une étape par ligne : "
                            f"{_STOP_HOURS_HINT}.")
        try:
            commune, code, found, _ = places.commune(postcode, name)
        except FormError as exc:
            raise FormError(f"{where} : {exc}") from None
        read: list[str] = []
        try:
            expression = _hours(hours, read)
        except FormError as exc:
            raise FormError(f"{where} : {exc}") from None
        notes += [f"Étape {number} : {n}" for n in (*found, *read)]
        if coords is None:
            coords = places.centre(commune)
            if coords is None:
                raise FormError(f"{where} : la position de {commune.nom} est inconnue, "
                                "ajoutez « ; latitude, longitude ».")
            notes.append(f"Étape {number} : position du centre {of_commune(commune.nom)}")
        stops.append({"commune": commune.nom, "code_postal": code, "code_insee": commune.code,
                      "latitude": round(coords[0], 6), "longitude": round(coords[1], 6),
                      "horaires": expression})
    return stops


# -- The whole request ---------------------------------------------------------------------


def put_value(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    """Set the value at its path in the venue data (nested objects made as needed)."""
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _existing(venue_id: str, into: Path | None) -> tuple[Path | None, dict[str, Any] | None]:
    if into is None or not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", venue_id):
        return None, None
    for path in sorted(into.glob(f"*/{venue_id}.yml")):
        loaded = read_venue(path, str(path))
        if isinstance(loaded.data, dict) and not loaded.problems:
            return path, loaded.data
    return None, None


def _read_written_lines(answers: dict[str, str], notes: list[str]) -> None:
    """« statut : fermé » lines of « Ce qu'il faudrait écrire » as answers to the questions.

    Why: the venue page's « Signaler que le lieu a fermé » link prefills that free text,
    and people write corrections that way. A line naming a question left empty answers
    it (the title, without accents or case, or the field's name; words in brackets are
    ignored); the other lines stay for the maintainers.
    """
    text = answers.get(CORRECTION_TITLE, "")
    if not text:
        return
    by_key = {}
    for f in FIELDS:
        for name in (f.title(), f.id.replace("_", " "), f.path[-1].replace("_", " ")):
            by_key.setdefault(_title_key(re.sub(r"\(.*?\)", "", name)), f)
    for line in text.splitlines():
        match = re.fullmatch(r"\s*[-*]?\s*([^:]{2,60}?)\s*(?:\(.*?\))?\s*:\s*(.*?)\s*", line)
        f = by_key.get(_title_key(match[1])) if match else None
        if f is None or not match or not match[2] or f.kind == "stops":
            continue
        if answers.get(f.title()):
            notes.append(f"{CORRECTION_TITLE} : « {_shown(line.strip())} » non repris, la "
                         f"question « {f.title()} » a déjà une réponse")
            continue
        answers[f.title()] = match[2]
        notes.append(f"{CORRECTION_TITLE} : « {_shown(line.strip())} » lu comme réponse à "
                     f"« {f.title()} »")


def _check_kind_of_place(existing: dict[str, Any], data: dict[str, Any],
                         coords: tuple[float, float] | None, errors: list[str]) -> None:
    """A correction keeps a fixed venue fixed and an itinerant one itinerant."""
    address = any(k in data for k in ("adresse", "code_postal", "commune", "code_insee"))
    if existing.get("etapes") and (address or coords is not None):
        errors.append("« Adresse » : ce lieu est itinérant ; corrigez ses « Étapes », ou "
                      "dites dans « Ce qui est faux ou manquant » qu'il a maintenant une "
                      "adresse.")
    elif not existing.get("etapes") and "etapes" in data:
        errors.append("« Étapes (lieu itinérant seulement) » : ce lieu a une adresse ; "
                      "corrigez-la, ou dites dans « Ce qui est faux ou manquant » qu'il devient "
                      "itinérant.")


REQUIRED_HINTS = {
    "nom": "écrivez le nom du lieu.",
    "types": "choisissez au moins un type parmi {labels}.",
    "statut": "choisissez parmi {labels} (« Ouvert » pour un lieu qui accueille du public).",
}


def read_issue(body: str, checked_on: dt.date, taken: set[str] | None = None, *,
               into: Path | None = None, geocoder: Geocoder | None = None) -> IssueReading:
    """What a request says: the venue data with notes, or what to fix (module docstring).

    `into` is the venues folder (needed for a correction and for free ids); `geocoder`
    finds the position from the address (without it, the commune's centre is used).
    """
    answers = sections(body)
    notes: list[str] = []
    errors: list[str] = []
    reading = IssueReading(None, errors, notes)
    venue_id = _one_line(answers.get(VENUE_ID_TITLE, "")).strip("« »\"'`/").lower()
    existing: dict[str, Any] | None = None
    if venue_id:
        reading.venue_id = venue_id
        reading.existing, existing = _existing(venue_id, into)
        if existing is None:
            errors.append(f"« {VENUE_ID_TITLE} » : aucun lieu « {venue_id} » dans l'annuaire ; "
                          "copiez l'identifiant affiché en bas de la page du lieu.")
            return reading
    _read_written_lines(answers, notes)
    places = _Places(geocoder)
    data: dict[str, Any] = {}
    coords: tuple[float, float] | None = None
    email = ""
    for f in FIELDS:
        text = answers.get(f.title(), "").strip()
        if not text:
            if f.required and existing is None:
                hint = REQUIRED_HINTS.get(f.id, "ce champ est obligatoire.")
                errors.append(f"« {f.title()} » : manquant ; " + hint.format(labels=_labels(f)))
            continue
        one_line = f.kind not in ("textarea", "lines", "stops", "multi")
        if len(text) > (MAX_ONE_LINE if one_line else MAX_LIST) and f.kind != "textarea":
            errors.append(f"« {f.title()} » : réponse trop longue ({len(text)} caractères) ; "
                          "quelques mots suffisent.")
            continue
        if one_line:
            text = _first_paragraph(f, text, notes)
        if f.id == "courriel":
            email = _one_line(text)
            continue
        try:
            value = (_stops(text, notes, places) if f.kind == "stops"
                     else read_answer(f, text, notes))
        except FormError as exc:
            errors.append(f"« {f.title()} » : {exc}")
            continue
        if f.kind == "coords":
            coords = value
        elif value not in (None, [], ""):
            put_value(data, f.path, value)
    if email:
        names = [n for n in (data.get("nom"), (data.get("porteur") or {}).get("nom"),
                             (existing or {}).get("nom")) if n]
        site = data.get("site_web") or (existing or {}).get("site_web")
        kept, why = normalize.classify_email(email, site, names)
        notes += [f"Courriel : {n}" for n in why]
        if kept:
            data["courriel"] = kept
    if existing is not None:
        _check_kind_of_place(existing, data, coords, errors)
    if errors:
        return reading
    fixed_place = any(k in data for k in ("adresse", "complement_adresse", "code_postal",
                                          "commune", "code_insee")) or coords is not None
    if "etapes" not in data and (existing is None or (fixed_place and not existing.get("etapes"))):
        if existing is not None:
            for key in ("adresse", "complement_adresse", "code_postal", "commune"):
                if key not in data and key in existing and not (
                        key == "code_postal" and "commune" in data):
                    data[key] = existing[key]
        try:
            _place(data, coords, places, notes)
        except FormError as exc:
            errors.append(f"« {'Coordonnées' if 'Coordonnées' in str(exc) else 'Commune'} » : "
                          f"{exc}")
            return reading
    data["date_verification"] = checked_on.isoformat()
    if existing is not None:
        for key, value in data.items():  # « Journée (€) » alone keeps the other prices
            if isinstance(value, dict) and isinstance(existing.get(key), dict):
                data[key] = {**existing[key], **value} if key != "position" else value
        replace = set(data) | ({"adresse"} if "code_insee" in data else set())
        reading.data = merge(existing, data, source_wins=False, replace=replace).data
        reading.data["date_verification"] = checked_on.isoformat()
        return reading
    commune = data.get("commune") or (data.get("etapes") or [{}])[0].get("commune", "")
    used = taken if taken is not None else taken_ids(into) if into is not None else set()
    reading.data = {"id": unique_id(data.get("nom", "lieu"), commune, used), **data}
    return reading


def venue_from_issue(body: str, checked_on: dt.date, taken: set[str], *,
                     into: Path | None = None, geocoder: Geocoder | None = None
                     ) -> tuple[dict[str, Any] | None, list[str]]:
    """The venue data, or None and the French explanations of what to fix in the form."""
    reading = read_issue(body, checked_on, taken, into=into, geocoder=geocoder)
    return reading.data, reading.errors


def _departement(data: dict[str, Any]) -> str | None:
    code = data.get("code_insee") or (data.get("etapes") or [{}])[0].get("code_insee")
    commune = reference_data().commune(code) if isinstance(code, str) else None
    return commune.departement if commune else None


def form_label(path: str) -> str:
    """The form question behind a schema field (etapes[2].commune -> « Étapes... »)."""
    labels = {".".join(f.path): f.title() for f in FIELDS}
    labels["latitude"] = labels["longitude"] = labels["latitude.longitude"]
    labels["position"] = labels["latitude.longitude"]
    parts = re.sub(r"\[\d+\]", "", path).split(".")
    for end in range(len(parts), 0, -1):
        label = labels.get(".".join(parts[:end]))
        if label:
            return label
    return path or "fiche"


def convert_issue(body: str, into: Path, checked_on: dt.date, *,
                  geocoder: Geocoder | None = None) -> Conversion:
    """Write (or, for a correction, update) the venue file under `into`, or explain why not."""
    reading = read_issue(body, checked_on, taken_ids(into), into=into, geocoder=geocoder)
    result = Conversion(None, reading.errors, reading.notes, reading.existing is not None,
                        reading.data)
    data = reading.data
    if data is None:
        return result
    target = venue_path(into, _departement(data) or "00", data["id"])
    text = dump_venue(data)
    problems = [p for p in check_text(text.encode("utf-8"), str(target)) if p.is_error]
    if problems:
        result.errors = [f"« {form_label(p.field)} » : {p.message} {p.hint}".strip()
                         for p in problems]
        return result
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if reading.existing is not None and reading.existing.resolve() != target.resolve():
        reading.existing.unlink()  # the venue moved to another département
    result.path = target
    return result


def convert(body: str, into: Path, checked_on: dt.date, *,
            geocoder: Geocoder | None = None) -> tuple[Path | None, list[str]]:
    """Write the venue file under `into`, or explain (in French) why not."""
    result = convert_issue(body, into, checked_on, geocoder=geocoder)
    return result.path, result.errors


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
        geocoder = None if args.sans_geocodage else Geocoder()
    except (FormError, ValueError) as exc:
        print(log_line(f"erreur : {exc}"), file=sys.stderr)
        return 2
    result = convert_issue(body, Path(args.into), day, geocoder=geocoder)
    if result.path is None:
        print("La fiche n'a pas pu être créée. À corriger dans la demande :")
        for error in result.errors:
            print(log_line(f"- {error}"))
    else:
        print(log_line(f"Fiche {'mise à jour' if result.updated else 'créée'} : {result.path}"))
    if result.notes:
        print("\nCe qui a été compris :")
        for note in result.notes:
            print(log_line(f"- {note}"))
    return 0 if result.path is not None else 1


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("from-issue", help="créer ou corriger une fiche depuis une demande",
                         description="Lit le texte d'une demande « Proposer un nouveau lieu » "
                                     "ou « Corriger une fiche » (issue ou courriel) et écrit "
                                     "la fiche correspondante.")
    cmd.add_argument("file", help="fichier contenant le texte de la demande (Markdown)")
    cmd.add_argument("--into", default=str(VENUES_DIR), help="dossier des fiches")
    cmd.add_argument("--date", help="date de vérification (AAAA-MM-JJ), par défaut aujourd'hui")
    cmd.add_argument("--sans-geocodage", action="store_true",
                     help="ne pas chercher la position de l'adresse (centre de la commune)")
    cmd.set_defaults(func=_run)
