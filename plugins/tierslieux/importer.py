"""Bulk import of a network's CSV or GeoJSON into venue files, driven by a mapping file.

Why: regional networks publish their venues as spreadsheets or web maps. Retyping them by
hand loses data; a blind conversion invents some and leaks personal data. This command
maps source columns to schema fields through a documented YAML mapping (the worked
example is plugins/tierslieux/mappings/maplabbzh.yml, whose French comments explain each
section), derives what the directory needs (INSEE code, official commune name,
département, id), checks every generated file with exactly the validator's checks
(validate.check_text) before writing it, and accounts for every source row in a report:
imported, rejected with the reason, or skipped because its file already exists.

Heuristics (each one leaves a note on the row in the report when it changes or drops a
source value; a row is never dropped without a line):

- Text: HTML entities are decoded, <br> becomes a line break, other tags are removed,
  runs of spaces are collapsed.
- Address: when the cell has several lines, the first line that starts with a street
  number ("2, rue...", not "1er étage"), else the first that names a way (rue, avenue,
  place, chemin, quai...), else the last line, becomes `adresse`; the other lines become
  `complement_adresse`. Lines in square brackets ("[Projet en cours]") are editorial
  remarks: dropped, with a note. No street address: the row is rejected ("adresse
  manquante"); none is invented.
- Commune: refdata.find_commune(postcode, commune name), or the mapped INSEE code. When
  the pair does not match, a postcode that is in fact the commune's INSEE code, or a
  CEDEX or mistyped postcode whose département holds exactly one commune of that name,
  is replaced by the commune's postcode if it has only one. A missing postcode is the
  commune's postcode if it has only one. The official commune name is written.
- Id: slug of the name (ASCII, lowercase, hyphens, 80 characters at most), unique across
  every file under --into (all départements) and the rows of this run: the name, then
  the name and the commune, then that followed by -2, -3... A file already at the target
  path for the same INSEE code is the same venue: "existe déjà" (replaced only with
  --overwrite), so a second run skips what the first one wrote.
- URL: spaces removed; https:// added when the scheme is missing; any scheme other than
  http(s) (mailto:, ftp:, javascript:) refused; a host without a dot refused.
- Social networks (`reseau:` on a column): twitter "@name" or "name" ->
  https://twitter.com/name; instagram "name" -> https://www.instagram.com/name/;
  facebook "page" or "/groups/x" -> https://www.facebook.com/page;
  mastodon "@user@instance.org" -> https://instance.org/@user; linkedin only as a full
  address; a full address is kept (normalised as a URL).
- Phone: separators removed; +33 / 0033 (and the overseas +262, +269, +590, +594, +596)
  turned into the national form; a 9-digit number that lost its leading 0 in a
  spreadsheet gets it back; the result is 10 digits grouped by two ("02 99 00 00 00").
  Anything else is left out. A mobile number (06, 07) is kept with a note: it may be a
  person's own phone rather than the venue's.
- E-mail (the directory publishes no personal data): kept only when generic, that is a
  role word in the local part (contact, info, bonjour, hello, accueil, fablab...), a
  local part matching the venue's or its carrier's name, or an address on the venue's own
  website domain. Anything else is left out: "donnée personnelle probable" for a webmail
  address (gmail.com, orange.fr...) or a firstname.lastname-like local part. The report
  never repeats a dropped address in full.
- Columns listed in `colonnes_personnelles` can never be mapped (the mapping is refused).
"""

from __future__ import annotations

import argparse
import codecs
import csv
import difflib
import html
import io
import json
import math
import os
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker

from .dates import build_date
from .exports import safe_cell
from .paths import VENUES_DIR
from .refdata import Commune, ReferenceData, find_commune, normalize_name, reference_data
from .schema import resolve, venue_schema
from .validate import check_text, display_path
from .yamlload import load_bytes, load_file
from .yamlwrite import dump_venue, venue_path

IMPORTED = "importé"
REJECTED = "rejeté"
SKIPPED = "ignoré (existe déjà)"

MAX_ID = 80
MAX_PROBLEMS_SHOWN = 3

# ---------------------------------------------------------------------------------------
# Schema fields a mapping can name
# ---------------------------------------------------------------------------------------

# Fields the importer sets itself, and why (shown when a mapping names them).
_NOT_MAPPABLE = {
    "id": "l'identifiant est calculé à partir du nom (et de la commune) : retirez ce champ.",
    "latitude": "les coordonnées se déclarent dans source.latitude et source.longitude "
                "(CSV) ou viennent de la géométrie (GeoJSON) : retirez ce champ.",
    "longitude": "les coordonnées se déclarent dans source.latitude et source.longitude "
                 "(CSV) ou viennent de la géométrie (GeoJSON) : retirez ce champ.",
    "etapes": "les lieux itinérants (étapes) ne s'importent pas : créez leur fiche à la main.",
}

NETWORKS = ("twitter", "facebook", "instagram", "mastodon", "linkedin", "url")


@cache
def schema_fields() -> dict[str, dict[str, Any]]:
    """Every leaf field of the schema, dotted ("porteur.nom"), with its resolved schema."""
    out: dict[str, dict[str, Any]] = {}

    def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> None:
        for name, sub in resolve(node).get("properties", {}).items():
            resolved = resolve(sub)
            if resolved.get("type") == "object":
                walk(resolved, (*prefix, name))
            else:
                out[".".join((*prefix, name))] = resolved

    walk(venue_schema(), ())
    return out


def mappable_fields() -> list[str]:
    """The fields a mapping may fill, in schema order."""
    return [name for name in schema_fields() if name not in _NOT_MAPPABLE]


def _is_list(name: str) -> bool:
    return schema_fields()[name].get("type") == "array"


def _item_schema(name: str) -> dict[str, Any]:
    node = schema_fields()[name]
    return resolve(node.get("items", {})) if node.get("type") == "array" else node


def field_kind(name: str) -> str:
    """How source text becomes this field's value (one converter per kind)."""
    special = {"courriel": "email", "telephone": "phone", "code_postal": "postcode",
               "code_insee": "insee", "adresse": "address", "description": "longtext"}
    if name in special:
        return special[name]
    item = _item_schema(name)
    if str(item.get("pattern", "")).startswith("^https?://"):
        return "url"
    if item.get("format") == "date":
        return "date"
    if "enum" in item:
        return "enum"
    kind = item.get("type", "string")
    return {"integer": "integer", "number": "number", "boolean": "boolean"}.get(kind, "text")


def _constant_problems(name: str, value: Any) -> list[str]:
    """Why a constant from the mapping does not fit the field (French), if it does not."""
    node = schema_fields()[name]
    values = value if _is_list(name) and isinstance(value, list) else [value]
    target = _item_schema(name) if _is_list(name) else node
    validator = Draft202012Validator({**target, "$defs": venue_schema()["$defs"]},
                                     format_checker=FormatChecker())
    out = []
    for item in values:
        for error in validator.iter_errors(item):
            if error.validator == "enum":
                allowed = ", ".join(target.get("enum", []))
                out.append(f"« {item} » n'est pas une valeur permise pour « {name} » "
                           f"(valeurs permises : {allowed}).")
            else:
                expected = target.get("description") or node.get("description") or ""
                example = (target.get("examples") or node.get("examples") or [None])[0]
                more = f" Exemple : {example}." if example is not None else ""
                out.append(f"« {item} » ne convient pas au champ « {name} ». {expected}{more}")
            break
    return out


# ---------------------------------------------------------------------------------------
# The mapping file
# ---------------------------------------------------------------------------------------

_TOP_KEYS = ("description", "source", "champs", "traductions", "defauts",
             "colonnes_personnelles", "colonnes_ignorees")
_SOURCE_KEYS = ("format", "identifiant", "delimiteur", "encodage", "latitude", "longitude")
_SPEC_KEYS = ("colonne", "reseau", "separateur")
_TRANSLATION_KEYS = ("valeurs", "motifs", "si_inconnue", "separateur")
_SPECIAL_TARGETS = ("rejeter", "avertir")
_UNKNOWN_POLICIES = ("rejeter", "avertir")


class MappingError(Exception):
    """A mapping file that cannot drive an import, with every problem found in it."""

    def __init__(self, path: str, problems: list[str]) -> None:
        super().__init__(path)
        self.path = path
        self.problems = problems

    def french(self) -> str:
        count = len(self.problems)
        head = (f"erreur : le fichier de correspondance {self.path} n'est pas utilisable "
                f"({count} problème{'s' if count > 1 else ''}) :")
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class SourceError(Exception):
    """A source file that cannot be read as its mapping describes it (French message)."""


@dataclass(frozen=True)
class ColumnSpec:
    """One source column feeding a field, and how to read it."""

    column: str
    network: str | None = None
    separator: str | None = None


@dataclass
class Translation:
    """Values of one source column turned into field values of our vocabularies."""

    column: str
    values: dict[str, dict[str, Any]]
    patterns: list[tuple[re.Pattern[str], dict[str, Any]]]
    on_unknown: str = "rejeter"
    separator: str | None = None

    def lookup(self, value: str) -> dict[str, Any] | None:
        """The targets for a source value: exact, then ignoring case/accents, then motifs."""
        if value in self.values:
            return self.values[value]
        plain = _plain(value)
        for key, targets in self.values.items():
            if _plain(key) == plain:
                return targets
        for pattern, targets in self.patterns:
            if pattern.search(plain):
                return targets
        return None


@dataclass
class Mapping:
    """A validated mapping file."""

    path: Path
    format: str
    encoding: str = "utf-8"
    delimiter: str = ","
    id_column: str | None = None
    lat_column: str | None = None
    lon_column: str | None = None
    fields: dict[str, list[ColumnSpec]] = field(default_factory=dict)
    translations: list[Translation] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict)
    personal: set[str] = field(default_factory=set)
    ignored: set[str] = field(default_factory=set)

    def used_columns(self) -> dict[str, str]:
        """Source column -> where the mapping uses it (for messages)."""
        used: dict[str, str] = {}
        for name, specs in self.fields.items():
            for spec in specs:
                used.setdefault(spec.column, f"champs.{name}")
        for tr in self.translations:
            used.setdefault(tr.column, f"traductions.{tr.column}")
        for key, column in (("identifiant", self.id_column), ("latitude", self.lat_column),
                            ("longitude", self.lon_column)):
            if column:
                used.setdefault(column, f"source.{key}")
        return used


def _plain(text: str) -> str:
    """Lowercase ASCII text, for forgiving comparisons of source values."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _suggest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


class _MappingReader:
    """Reads the mapping's sections, collecting every mistake with its line."""

    def __init__(self, path: Path, shown: str, loaded: Any) -> None:
        self.path = path
        self.shown = shown
        self.loaded = loaded
        self.problems: list[str] = []

    def problem(self, at: tuple[str | int, ...], message: str) -> None:
        self.problems.append(f"ligne {self.loaded.line_of(at)} : {message}")

    def read(self) -> Mapping:
        data = self.loaded.data
        for key in data:
            if key not in _TOP_KEYS:
                self.problem((key,), f"section « {key} » inconnue{_suggest(key, list(_TOP_KEYS))}."
                             f" Sections possibles : {', '.join(_TOP_KEYS)}.")
        mapping = self._source(data.get("source"))
        mapping.personal = set(self._columns_list(data, "colonnes_personnelles"))
        mapping.ignored = set(self._columns_list(data, "colonnes_ignorees"))
        mapping.fields = self._fields(data.get("champs"))
        mapping.translations = self._translations(data.get("traductions"))
        mapping.defaults = self._defaults(data.get("defauts"))
        for column, where in mapping.used_columns().items():
            if column in mapping.personal:
                self.problem(("colonnes_personnelles",),
                             f"la colonne « {column} » est déclarée personnelle : elle ne peut "
                             f"pas être reprise ({where}). Retirez-la de {where}.")
        return mapping

    def _source(self, source: Any) -> Mapping:
        if not isinstance(source, dict):
            self.problem(("source",), "la section « source » manque ou n'est pas une suite de "
                         "lignes « clé: valeur » (format: csv ou geojson...).")
            return Mapping(self.path, format="geojson")
        for key in source:
            if key not in _SOURCE_KEYS:
                self.problem(("source", key), f"clé « source.{key} » inconnue"
                             f"{_suggest(key, list(_SOURCE_KEYS))}. Clés possibles : "
                             f"{', '.join(_SOURCE_KEYS)}.")
        fmt = source.get("format")
        mapping = Mapping(self.path, format=fmt if fmt in ("csv", "geojson") else "geojson")
        for key in ("identifiant", "latitude", "longitude"):
            value = source.get(key)
            if value is not None and not (isinstance(value, str) and value.strip()):
                self.problem(("source", key), f"source.{key} doit être le nom d'une colonne.")
        mapping.id_column = source.get("identifiant") or None
        if fmt not in ("csv", "geojson"):
            self.problem(("source", "format"), f"format « {fmt} » inconnu : écrivez "
                         "« format: csv » ou « format: geojson ».")
        elif fmt == "csv":
            delimiter = source.get("delimiteur", ",")
            if delimiter in ("tab", "tabulation"):
                delimiter = "\t"
            if not isinstance(delimiter, str) or len(delimiter) != 1:
                self.problem(("source", "delimiteur"), f"délimiteur « {delimiter} » invalide :"
                             " un seul caractère, par exemple « , » ou « ; » (« tabulation »"
                             " pour une tabulation).")
            else:
                mapping.delimiter = delimiter
            encoding = source.get("encodage", "utf-8")
            try:
                codecs.lookup(str(encoding))
                mapping.encoding = str(encoding)
            except LookupError:
                self.problem(("source", "encodage"), f"encodage « {encoding} » inconnu : "
                             "écrivez par exemple utf-8, cp1252 (export Excel) ou latin-1.")
            for key in ("latitude", "longitude"):
                if not source.get(key):
                    self.problem(("source",), f"source.{key} manque : pour un CSV, indiquez la "
                                 f"colonne qui contient la {key} (degrés décimaux, WGS 84).")
            mapping.lat_column = source.get("latitude") or None
            mapping.lon_column = source.get("longitude") or None
        else:
            for key in ("delimiteur", "encodage", "latitude", "longitude"):
                if key in source:
                    self.problem(("source", key), f"source.{key} ne s'applique qu'au format "
                                 "csv (un GeoJSON est en UTF-8 et ses coordonnées viennent de "
                                 "la géométrie de chaque point) : retirez cette ligne.")
        return mapping

    def _columns_list(self, data: dict[str, Any], key: str) -> list[str]:
        value = data.get(key, [])
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem((key,), f"« {key} » doit être une liste de noms de colonnes "
                         "(par exemple [contact_nom, contact_courriel]).")
            return []
        return value

    def _check_field_name(self, at: tuple[str | int, ...], name: str) -> bool:
        if name in _NOT_MAPPABLE:
            self.problem(at, f"« {name} » : {_NOT_MAPPABLE[name]}")
            return False
        if name not in schema_fields():
            options = mappable_fields()
            self.problem(at, f"le champ « {name} » n'existe pas dans le schéma des fiches"
                         f"{_suggest(name, options)}. Champs possibles : {', '.join(options)}.")
            return False
        return True

    def _fields(self, champs: Any) -> dict[str, list[ColumnSpec]]:
        if not isinstance(champs, dict) or not champs:
            self.problem(("champs",), "la section « champs » manque ou est vide : elle dit "
                         "quelle colonne remplit quel champ (au moins « nom: <colonne> »).")
            return {}
        out: dict[str, list[ColumnSpec]] = {}
        for name, spec in champs.items():
            at = ("champs", name)
            if not self._check_field_name(at, name):
                continue
            items = spec if isinstance(spec, list) else [spec]
            specs = [s for i, item in enumerate(items)
                     if (s := self._spec(name, item, (*at, i) if isinstance(spec, list) else at))]
            if specs:
                out[name] = specs
        if "nom" not in champs:
            self.problem(("champs",), "le champ « nom » doit être relié à une colonne : "
                         "l'identifiant de chaque fiche est calculé à partir du nom.")
        return out

    def _spec(self, name: str, item: Any, at: tuple[str | int, ...]) -> ColumnSpec | None:
        if isinstance(item, str) and item.strip():
            return ColumnSpec(item)
        if not isinstance(item, dict):
            self.problem(at, f"« {name} » : écrivez le nom d'une colonne, ou "
                         "« {colonne: nom, reseau: twitter} », ou une liste de ces formes.")
            return None
        for key in item:
            if key not in _SPEC_KEYS:
                self.problem((*at, key), f"clé « {key} » inconnue pour « {name} »"
                             f"{_suggest(key, list(_SPEC_KEYS))}. Clés possibles : "
                             f"{', '.join(_SPEC_KEYS)}.")
        column = item.get("colonne")
        if not isinstance(column, str) or not column.strip():
            self.problem(at, f"« {name} » : la clé « colonne » (nom de la colonne source) manque.")
            return None
        network = item.get("reseau")
        if network is not None:
            if network not in NETWORKS:
                self.problem((*at, "reseau"), f"réseau « {network} » inconnu : "
                             f"{', '.join(NETWORKS)}.")
                network = None
            elif field_kind(name) != "url":
                self.problem((*at, "reseau"), f"« reseau » ne s'applique qu'à un champ "
                             f"d'adresses web (reseaux_sociaux, site_web...), pas à « {name} ».")
                network = None
        separator = item.get("separateur")
        if separator is not None and (not isinstance(separator, str) or not separator
                                      or not _is_list(name)):
            self.problem((*at, "separateur"), f"« separateur » est un texte non vide, et ne "
                         f"s'applique qu'à un champ liste (« {name} » n'en est pas un).")
            separator = None
        return ColumnSpec(column, network, separator)

    def _targets(self, targets: Any, at: tuple[str | int, ...]) -> dict[str, Any] | None:
        if not isinstance(targets, dict) or not targets:
            self.problem(at, "une traduction est une suite « champ: valeur » (par exemple "
                         "« types: [fablab] »), ou « rejeter: motif ».")
            return None
        out: dict[str, Any] = {}
        for name, value in targets.items():
            if name in _SPECIAL_TARGETS:
                if not isinstance(value, str) or not value.strip():
                    self.problem((*at, name), f"« {name} » attend un texte (le motif affiché "
                                 "dans le rapport).")
                    continue
                out[name] = value.strip()
                continue
            if not self._check_field_name((*at, name), name):
                continue
            if value is not None:
                problems = _constant_problems(name, value)
                for p in problems:
                    self.problem((*at, name), p)
                if problems:
                    continue
            out[name] = value
        return out

    def _translations(self, section: Any) -> list[Translation]:
        if section is None:
            return []
        if not isinstance(section, dict):
            self.problem(("traductions",), "« traductions » est une suite de colonnes, chacune "
                         "avec ses « valeurs ».")
            return []
        out = []
        for column, spec in section.items():
            at: tuple[str | int, ...] = ("traductions", column)
            if not isinstance(spec, dict):
                self.problem(at, f"la traduction de la colonne « {column} » doit contenir "
                             "« valeurs: » (et éventuellement « motifs: », « si_inconnue: »).")
                continue
            for key in spec:
                if key not in _TRANSLATION_KEYS:
                    self.problem((*at, key), f"clé « {key} » inconnue"
                                 f"{_suggest(key, list(_TRANSLATION_KEYS))}. Clés possibles : "
                                 f"{', '.join(_TRANSLATION_KEYS)}.")
            policy = spec.get("si_inconnue", "rejeter")
            if policy not in _UNKNOWN_POLICIES:
                self.problem((*at, "si_inconnue"), f"« si_inconnue: {policy} » : écrivez "
                             "« rejeter » (la ligne est rejetée) ou « avertir » (la ligne est "
                             "importée avec une note).")
                policy = "rejeter"
            values: dict[str, dict[str, Any]] = {}
            raw_values = spec.get("valeurs") or {}
            if not isinstance(raw_values, dict):
                self.problem((*at, "valeurs"), "« valeurs » est une suite « valeur source: "
                             "{champ: valeur} ».")
                raw_values = {}
            for key, targets in raw_values.items():
                parsed = self._targets(targets, (*at, "valeurs", key))
                if parsed is not None:
                    values[str(key).strip()] = parsed
            patterns = []
            raw_patterns = spec.get("motifs") or {}
            if not isinstance(raw_patterns, dict):
                self.problem((*at, "motifs"), "« motifs » est une suite « expression: "
                             "{champ: valeur} ».")
                raw_patterns = {}
            for key, targets in raw_patterns.items():
                try:
                    pattern = re.compile(str(key), re.IGNORECASE)
                except re.error as exc:
                    self.problem((*at, "motifs", key), f"expression régulière « {key} » "
                                 f"invalide ({exc.msg}).")
                    continue
                parsed = self._targets(targets, (*at, "motifs", key))
                if parsed is not None:
                    patterns.append((pattern, parsed))
            if not values and not patterns:
                self.problem(at, f"la traduction de la colonne « {column} » ne contient aucune "
                             "valeur.")
            separator = spec.get("separateur")
            if separator is not None and (not isinstance(separator, str) or not separator):
                self.problem((*at, "separateur"), "« separateur » est un texte non vide.")
                separator = None
            out.append(Translation(str(column), values, patterns, policy, separator))
        return out

    def _defaults(self, section: Any) -> dict[str, Any]:
        if section is None:
            return {}
        if not isinstance(section, dict):
            self.problem(("defauts",), "« defauts » est une suite « champ: valeur ».")
            return {}
        out = {}
        for name, value in section.items():
            at = ("defauts", name)
            if not self._check_field_name(at, name):
                continue
            problems = _constant_problems(name, value)
            for p in problems:
                self.problem(at, p)
            if not problems:
                out[name] = value
        return out


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every mistake is reported at once, in French."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MappingError(shown, [f"le fichier ne peut pas être lu ({exc.strerror})."]) from None
    loaded = load_bytes(raw, shown)
    problems = []
    for p in loaded.problems:
        if p.code == "cle-invalide":
            problems.append(f"ligne {p.line} : {p.message.replace(' nom de champ', ' nom')} "
                            "Mettez cette clé entre guillemets (\"1\", \"yes\") : sans "
                            "guillemets, YAML la lit comme un nombre ou un booléen.")
        elif p.code in ("fichier-vide", "racine-invalide"):
            problems.append(f"ligne {p.line} : le fichier ne contient pas de sections "
                            "« source: », « champs: »... (partez de l'exemple "
                            "plugins/tierslieux/mappings/maplabbzh.yml).")
        else:
            hint = f" {p.hint}" if p.code == "yaml-syntaxe" and p.hint else ""
            problems.append(f"ligne {p.line} : {p.message}{hint}")
    if not isinstance(loaded.data, dict):
        raise MappingError(shown, problems or ["le fichier est vide."])
    reader = _MappingReader(path, shown, loaded)
    mapping = reader.read()
    problems += reader.problems
    if problems:
        raise MappingError(shown, problems)
    return mapping


# ---------------------------------------------------------------------------------------
# Reading the source
# ---------------------------------------------------------------------------------------


@dataclass
class SourceRow:
    """One record of the source, as text by column, with its point when it has one."""

    number: int
    values: dict[str, str]
    lat: float | None = None
    lon: float | None = None
    location_problem: str | None = None  # why there is no usable point
    extra_cells: int = 0


@dataclass
class Source:
    columns: list[str]
    rows: list[SourceRow]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def read_source(path: Path, mapping: Mapping) -> Source:
    """Every record of the source file; SourceError (French) when it cannot be read."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"le fichier source {shown} n'existe pas.") from None
    except OSError as exc:
        raise SourceError(f"le fichier source {shown} ne peut pas être lu "
                          f"({exc.strerror}).") from None
    if mapping.format == "csv":
        return _read_csv(raw, shown, mapping)
    return _read_geojson(raw, shown)


def _read_csv(raw: bytes, shown: str, mapping: Mapping) -> Source:
    encoding = "utf-8-sig" if codecs.lookup(mapping.encoding).name == "utf-8" else mapping.encoding
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"le fichier source {shown} n'est pas encodé en {mapping.encoding} (octet "
            f"0x{raw[exc.start]:02x} à la position {exc.start}). Indiquez son encodage dans "
            "source.encodage (par exemple cp1252 pour un export Excel).") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise SourceError(f"le fichier source {shown} n'est pas un CSV lisible "
                          f"(ligne {reader.line_num} : {exc}).") from None
    records = [r for r in records if r]  # csv gives [] for blank lines: not rows
    if not records:
        raise SourceError(f"le fichier source {shown} est vide (pas même une ligne d'en-tête).")
    header = [h.strip() for h in records[0]]
    if len(header) == 1 and any(sep in header[0] for sep in ",;\t|"):
        raise SourceError(
            f"une seule colonne lue dans l'en-tête de {shown} (« {header[0][:60]} ») : le "
            f"délimiteur est-il bien « {mapping.delimiter} » ? Indiquez-le dans "
            "source.delimiteur.")
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise SourceError(f"l'en-tête de {shown} contient plusieurs colonnes nommées "
                          f"« {duplicates[0]} » : renommez-les pour les distinguer.")
    rows = []
    for number, record in enumerate(records[1:], start=1):
        values = {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}
        row = SourceRow(number, values, extra_cells=max(0, len(record) - len(header)))
        lat_text = values.get(mapping.lat_column or "", "").strip()
        lon_text = values.get(mapping.lon_column or "", "").strip()
        if not lat_text or not lon_text:
            row.location_problem = "coordonnées manquantes (colonnes " \
                f"{mapping.lat_column} / {mapping.lon_column} vides)"
        else:
            row.lat, row.lon = _number(lat_text), _number(lon_text)
            if row.lat is None or row.lon is None:
                row.location_problem = f"coordonnées illisibles (« {lat_text} », « {lon_text} »)"
        rows.append(row)
    return Source(header, rows)


def _read_geojson(raw: bytes, shown: str) -> Source:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"le fichier source {shown} n'est pas en UTF-8 (octet "
                          f"0x{raw[exc.start]:02x} à la position {exc.start}) : un GeoJSON "
                          "est toujours en UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"le fichier source {shown} n'est pas un JSON valide (ligne "
                          f"{exc.lineno}, colonne {exc.colno} : {exc.msg}).") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        features: Any = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
    else:
        features = None
    if not isinstance(features, list):
        raise SourceError(f"le fichier source {shown} n'est pas un GeoJSON « FeatureCollection »"
                          " (une liste « features » de points).")
    columns: dict[str, None] = {}
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            rows.append(SourceRow(number, {}, location_problem="élément qui n'est pas un objet "
                                  "GeoJSON « Feature »"))
            continue
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        values = {str(k): _cell(v) for k, v in props.items()}
        columns.update(dict.fromkeys(values))
        row = SourceRow(number, values)
        geometry = feature.get("geometry")
        coords: Any = None
        if not isinstance(geometry, dict):
            row.location_problem = "géométrie absente (pas de coordonnées)"
        elif geometry.get("type") == "Point":
            coords = geometry.get("coordinates")
        elif geometry.get("type") == "MultiPoint" and len(geometry.get("coordinates") or []) == 1:
            coords = geometry["coordinates"][0]
        else:
            row.location_problem = (f"géométrie de type « {geometry.get('type')} » : seuls les "
                                    "points (Point) sont acceptés")
        if coords is not None:
            if isinstance(coords, list) and len(coords) >= 2:
                row.lon, row.lat = _number(coords[0]), _number(coords[1])
            if row.lat is None or row.lon is None:
                row.lat = row.lon = None
                row.location_problem = "coordonnées du point illisibles"
        rows.append(row)
    return Source(list(columns), rows)


# ---------------------------------------------------------------------------------------
# Normalising values
# ---------------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def clean_lines(value: str) -> list[str]:
    """Source text as clean, non-empty lines (HTML line breaks kept as lines)."""
    text = _TAG.sub(" ", _BR.sub("\n", _CONTROL.sub("", value)))
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return [line for line in lines if line]


_ORDINAL = re.compile(r"^\d+\s*(?:er|ère|re|e|è|ème|eme|nd|nde)\b", re.IGNORECASE)
_STREET_NUMBER = re.compile(r"^\d+(?:\s*[-/]\s*\d+)?(?:\s?(?:bis|ter|quater|[a-d]))?\s*,?\s+\D",
                            re.IGNORECASE)
_STREET_WORDS = {
    "rue", "ruelle", "avenue", "av", "bd", "boulevard", "place", "pl", "allee", "allees",
    "chemin", "route", "rte", "quai", "impasse", "esplanade", "square", "cours", "faubourg",
    "fbg", "lieu", "lieudit", "voie", "passage", "parvis", "promenade", "sentier",
    "carrefour", "rond", "zone", "zi", "za", "zac", "parc", "hameau", "bourg", "residence",
    "venelle", "cite", "domaine", "lotissement", "mail", "village", "port",
}


def split_address(lines: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(street address, complement, notes) from the lines of an address cell."""
    notes = []
    kept = []
    for line in lines:
        if re.fullmatch(r"\[.*\]", line):
            notes.append(f"adresse : mention « {line} » non reprise")
        else:
            kept.append(line)
    if not kept:
        return None, None, notes

    def numbered(line: str) -> bool:
        return bool(_STREET_NUMBER.match(line)) and not _ORDINAL.match(line)

    def street(line: str) -> bool:
        return bool(set(re.findall(r"[a-z]+", _plain(line))) & _STREET_WORDS)

    pick = (next((line for line in kept if numbered(line)), None)
            or next((line for line in kept if street(line)), None) or kept[-1])
    rest = [line for line in kept if line is not pick]
    return pick, ", ".join(rest) or None, notes


def slugify(text: str) -> str:
    """« L'Atelier du Coin » -> "l-atelier-du-coin": ASCII, lowercase, hyphens, 80 at most."""
    for special, plain in (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae"), ("ß", "ss"),
                           ("@", "a")):
        text = text.replace(special, plain)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_ID:
        cut = slug[:MAX_ID + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut[MAX_ID // 2:] else slug[:MAX_ID]
    return slug.strip("-")


def _join_slug(base: str, suffix: str) -> str:
    room = MAX_ID - len(suffix) - 1
    return f"{base[:room].rstrip('-')}-{suffix}"


def normalize_url(value: str) -> tuple[str | None, str | None]:
    """(URL, None) or (None, why it cannot be used). Adds https:// when missing."""
    text = "".join(value.split())
    if not text:
        return None, None
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", text)
    if scheme and not re.match(r"^[^:/]+:\d+(/|$)", text):  # not "host:port"
        if scheme.group(1).lower() not in ("http", "https") or not text[
                len(scheme.group(0)):].startswith("//"):
            return None, f"« {value.strip()} » n'est pas une adresse web (http ou https)"
        text = scheme.group(1).lower() + text[len(scheme.group(1)):]
    elif text.startswith("//"):
        text = "https:" + text
    else:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        host = ""
    if "." not in host or not re.fullmatch(r"[\w.-]+", host) or host.startswith("."):
        return None, f"« {value.strip()} » n'est pas une adresse web utilisable"
    return text, None


def _looks_like_url(text: str) -> bool:
    lowered = text.lower()
    return ("://" in lowered or lowered.startswith("www.")
            or bool(re.match(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/", lowered)))


def social_url(network: str, value: str) -> tuple[str | None, str | None]:
    """A social account as a full address: handles become URLs (see module docstring)."""
    text = value.strip()
    if not text:
        return None, None
    if network == "url" or _looks_like_url(text):
        return normalize_url(text)
    handle = text.lstrip("@")
    if network == "twitter" and re.fullmatch(r"[A-Za-z0-9_]{1,15}", handle):
        return f"https://twitter.com/{handle}", None
    if network == "instagram" and re.fullmatch(r"[A-Za-z0-9._]{1,30}", handle):
        return f"https://www.instagram.com/{handle}/", None
    if network == "facebook" and re.fullmatch(r"[^\s?#]+", text.lstrip("/")):
        return f"https://www.facebook.com/{text.lstrip('/')}", None
    if network == "mastodon":
        account = re.fullmatch(r"@?([A-Za-z0-9_]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})", text)
        if account:
            return f"https://{account.group(2).lower()}/@{account.group(1)}", None
    return None, f"compte {network} « {text} » non reconnu"


_OVERSEAS_CODES = ("262", "269", "590", "594", "596")


def normalize_phone(value: str) -> tuple[str | None, str | None]:
    """(« 02 99 00 00 00 », note) or (None, why not); see the module docstring."""
    text = value.strip()
    if not text:
        return None, None
    result = _phone(text)
    if result is None:
        for part in re.split(r"\s*(?:[;,/]|\bou\b)\s*", text):
            result = _phone(part) if part and part != text else None
            if result:
                return result[0], f"seul le premier numéro de « {text} » est repris"
        return None, f"« {text} » non reconnu comme numéro français : non repris"
    return result


def _phone(text: str) -> tuple[str, str | None] | None:
    digits = re.sub(r"\(0\)", "", text)
    digits = re.sub(r"[\s.\-()/\u00a0]", "", digits)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not re.fullmatch(r"\+?\d+", digits):
        return None
    note = None
    if digits.startswith("+33") and len(digits) == 12:
        digits = "0" + digits[3:]
    elif digits.startswith("+") and digits[1:4] in _OVERSEAS_CODES and len(digits) == 13:
        digits = "0" + digits[4:]
    elif len(digits) == 9 and digits[0] in "123456789":
        digits = "0" + digits
        note = f"« {text} » : zéro initial ajouté"
    if len(digits) != 10 or digits[0] != "0" or digits[1] == "0":
        return None
    grouped = " ".join(digits[i:i + 2] for i in range(0, 10, 2))
    if digits[1] in "67" and note is None:
        note = f"numéro mobile {grouped} repris : vérifiez que c'est celui du lieu"
    return grouped, note


_WEBMAIL = re.compile(
    r"(?:gmail\.com|googlemail\.com|orange\.fr|wanadoo\.fr|free\.fr|sfr\.fr|neuf\.fr|"
    r"club-internet\.fr|laposte\.net|bbox\.fr|numericable\.fr|aliceadsl\.fr|voila\.fr|"
    r"hotmail\.[a-z.]+|live\.[a-z.]+|msn\.com|outlook\.[a-z.]+|yahoo\.[a-z.]+|ymail\.com|"
    r"aol\.[a-z.]+|gmx\.[a-z.]+|icloud\.com|me\.com|mac\.com|protonmail\.[a-z.]+|"
    r"proton\.me|tutanota\.[a-z.]+|mailo\.com|netcourrier\.com|yandex\.[a-z.]+|zoho\.com)")
# Local parts (or their start) that name a role or a place, not a person.
_ROLE_WORDS = {
    "contact", "contacts", "info", "infos", "information", "informations", "accueil",
    "bonjour", "hello", "hey", "hi", "coucou", "salut", "welcome", "fablab", "fablabs", "lab",
    "makerspace", "hackerspace", "coworking", "cowork", "tierslieu", "tierslieux", "atelier",
    "ateliers", "asso", "association", "collectif", "equipe", "team", "bureau", "secretariat",
    "direction", "admin", "administration", "communication", "presse", "reservation",
    "reservations", "inscription", "inscriptions", "mediatheque", "bibliotheque", "biblio",
    "cyber", "cyberespace", "epn", "multimedia", "numerique", "mairie", "office", "espace",
    "cantine", "projet", "projets", "mail", "courrier", "animation", "animations",
    "formation", "formations", "fabmanager", "benevoles", "membres", "adherents", "hub",
    "studio", "ecole", "centre", "maison", "tiers", "lieu", "repair", "ressourcerie",
}
_NAME_STOPWORDS = {"association", "asso", "les", "des", "une", "pour", "avec"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", _plain(text))


def _domain_matches(domain: str, site: str | None) -> bool:
    if not site:
        return False
    try:
        host = (urlsplit(site).hostname or "").lower()
    except ValueError:
        return False
    host = host.removeprefix("www.")
    return bool(host) and (host == domain or host.endswith("." + domain)
                           or domain.endswith("." + host))


def _name_matches(local: str, names: list[str]) -> bool:
    parts = [p for p in re.split(r"[^a-z0-9]+", local) if p]
    compact_local = re.sub(r"\d+$", "", "".join(parts))
    for name in names:
        tokens = _words(name)
        compact = "".join(tokens)
        initials = "".join(t[0] for t in tokens)
        if len(compact_local) >= 3 and (compact_local in compact or compact_local == initials):
            return True
        if len(compact) >= 4 and compact in "".join(parts):
            return True
        useful = {t for t in tokens if len(t) >= 4 and t not in _NAME_STOPWORDS}
        if useful & set(parts):
            return True
    return False


def _mask(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else f"{address[:1]}…"


def classify_email(value: str, site: str | None,
                   names: list[str]) -> tuple[str | None, list[str]]:
    """(the generic address to publish, or None; notes on what was left out and why)."""
    notes: list[str] = []
    kept = None
    for candidate in re.split(r"[\s,;]+", value.strip()):
        address = candidate.removeprefix("mailto:").strip("<>()")
        if not address:
            continue
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
            notes.append(f"courriel « {_mask(address)} » mal formé : non repris")
            continue
        local, _, domain = address.rpartition("@")
        domain = domain.lower()
        address = f"{local}@{domain}"
        plain_local = _plain(local)
        parts = [re.sub(r"\d+$", "", p) for p in re.split(r"[^a-z0-9]+", plain_local) if p]
        generic = (any(p in _ROLE_WORDS for p in parts)
                   or any(p.startswith(w) for p in parts for w in _ROLE_WORDS if len(w) >= 5)
                   or _name_matches(plain_local, names)
                   or (not _WEBMAIL.fullmatch(domain) and _domain_matches(domain, site)))
        if generic and kept is None:
            kept = address
            continue
        if generic:
            notes.append(f"courriel : une seule adresse reprise ({_mask(address)} laissée)")
            continue
        personal_form = re.fullmatch(r"[a-z]+(?:[._-][a-z]+)+\d*", plain_local)
        if _WEBMAIL.fullmatch(domain) or personal_form:
            notes.append(f"courriel non repris : donnée personnelle probable ({_mask(address)})")
        else:
            notes.append(f"courriel non repris : {_mask(address)} n'est pas reconnue comme "
                         "adresse générique du lieu (à vérifier à la main)")
    return kept, notes


def _postcode(value: str) -> tuple[str | None, str | None]:
    digits = re.sub(r"\s", "", value)
    if not digits:
        return None, None
    if re.fullmatch(r"\d{4}", digits):
        return "0" + digits, f"« {value.strip()} » complété en 0{digits}"
    if re.fullmatch(r"\d{5}", digits):
        return digits, None
    return None, f"« {value.strip()} » illisible : ignoré"


def _date(value: str) -> str | None:
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return text
    french = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if french:
        day, month, year = french.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return None


def _boolean(value: str) -> bool | None:
    word = _plain(value)
    if word in ("oui", "yes", "true", "vrai", "1", "x"):
        return True
    if word in ("non", "no", "false", "faux", "0"):
        return False
    return None


def _enum(name: str, value: str) -> str | None:
    item = _item_schema(name)
    wanted = _plain(value).replace(" ", "_").replace("-", "_")
    for code in item.get("enum", []):
        if wanted == code:
            return code
    for code, label in item.get("x-labels", {}).items():
        if _plain(label) == _plain(value):
            return code
    return None


# ---------------------------------------------------------------------------------------
# Communes
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _find(ref: ReferenceData, postcode: str | None, name: str | None) -> Commune | None:
    return find_commune(ref, postcode, name)


@cache
def _names_index(ref: ReferenceData) -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = defaultdict(list)
    for commune in ref.communes.values():
        if commune.parent is None:
            for name in {commune.nom, *commune.other_names}:
                index[normalize_name(name)].append(commune)
    return index


def _postcode_departements(postcode: str) -> tuple[str, ...]:
    if postcode.startswith("20"):
        return ("2A", "2B")
    if postcode.startswith("97"):
        return (postcode[:3],)
    return (postcode[:2],)


@dataclass
class Located:
    """Where a row is: its commune and the postcode to write, or why it cannot be placed."""

    commune: Commune | None = None
    postcode: str | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None


def _listing(communes: list[Commune]) -> str:
    shown = ", ".join(f"{c.nom} ({c.code})" for c in communes[:6])
    return shown + (", …" if len(communes) > 6 else "")


def locate(ref: ReferenceData, postcode: str | None, name: str | None,
           insee: str | None = None) -> Located:
    """The commune of a row from its INSEE code, or postcode and commune name."""
    out = Located()
    corrected = None
    if insee:
        commune = ref.commune(insee)
        if commune is None and insee in ref.former_codes:
            commune = ref.commune(ref.former_codes[insee])
            out.notes.append(f"code INSEE {insee} (ancienne commune) remplacé par "
                             f"{commune.code if commune else '?'}")
        if commune is None:
            out.reason = f"code INSEE « {insee} » inconnu du référentiel officiel"
            return out
    else:
        commune = _find(ref, postcode, name)
        if commune is None and postcode and name:
            as_insee = ref.commune(postcode)
            if as_insee is not None and ref.name_matches(as_insee, name):
                commune, corrected = as_insee, f"c'est le code INSEE de {as_insee.nom}"
            else:
                same = [c for c in _names_index(ref).get(normalize_name(name), [])
                        if c.departement in _postcode_departements(postcode)]
                if len(same) == 1:
                    commune, corrected = same[0], "code CEDEX ou erroné"
    if commune is None:
        out.reason = _why_not_located(ref, postcode, name)
        return out
    out.commune = commune
    if postcode and postcode in commune.codes_postaux:
        out.postcode = postcode
    elif len(commune.codes_postaux) == 1:
        out.postcode = commune.codes_postaux[0]
        if postcode:
            why = f" ({corrected})" if corrected else ""
            out.notes.append(f"code postal {postcode}{why} remplacé par {out.postcode}, "
                             f"celui de {commune.nom}")
        else:
            out.notes.append(f"code postal absent : {out.postcode}, celui de {commune.nom}")
    else:
        codes = ", ".join(commune.codes_postaux)
        out.reason = (f"le code postal {postcode} n'est pas celui de {commune.nom} "
                      f"({commune.code}), qui en a plusieurs ({codes})" if postcode else
                      f"code postal manquant : {commune.nom} en a plusieurs ({codes})")
        out.commune = None
        return out
    if name and normalize_name(name) != normalize_name(commune.nom):
        out.notes.append(f"commune « {name} » écrite « {commune.nom} » (nom officiel, "
                         f"code INSEE {commune.code})")
    elif not name and not insee:
        out.notes.append(f"commune absente : déduite du code postal ({commune.nom})")
    return out


def _why_not_located(ref: ReferenceData, postcode: str | None, name: str | None) -> str:
    if not postcode and not name:
        return "commune et code postal manquants"
    if name:
        named = _names_index(ref).get(normalize_name(name), [])
        if not named:
            near = ref.communes_for_postcode(postcode) if postcode else []
            more = f" ; communes du code postal {postcode} : {_listing(near)}" if near else ""
            return f"commune « {name} » introuvable dans le référentiel officiel{more}"
        if postcode:
            return (f"la commune « {name} » ne correspond pas au code postal {postcode} "
                    f"(communes de ce nom : {_listing(named)})")
        return (f"commune « {name} » ambiguë : {len(named)} communes portent ce nom "
                f"({_listing(named)}) ; ajoutez le code postal")
    options = ref.communes_for_postcode(postcode or "")
    if not options:
        return f"code postal {postcode} inconnu et commune manquante"
    return (f"commune manquante : le code postal {postcode} couvre plusieurs communes "
            f"({_listing(options)})")


# ---------------------------------------------------------------------------------------
# Building one venue
# ---------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one source row: the line of the report."""

    number: int
    source_id: str
    name: str
    status: str = REJECTED
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (category, detail)
    notes: list[str] = field(default_factory=list)
    path: str = ""

    @property
    def category(self) -> str:
        return self.reasons[0][0] if self.reasons else ""

    @property
    def detail(self) -> str:
        if self.reasons:
            return " ; ".join(text for _, text in self.reasons)
        return self.path


@dataclass
class Draft:
    """A venue being built from a row, with what was noticed on the way."""

    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reasons: list[tuple[str, str]] = field(default_factory=list)
    commune: Commune | None = None

    def get(self, name: str) -> Any:
        node: Any = self.data
        for part in name.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def put(self, name: str, value: Any) -> None:
        """Set a dotted field; None removes it (and creates no empty group)."""
        *parents, last = name.split(".")
        node = self.data
        for part in parents:
            if value is None and part not in node:
                return
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value

    def add(self, name: str, items: list[Any]) -> None:
        """Extend a list field, keeping the first occurrence of each value."""
        current = list(self.get(name) or [])
        current += [item for item in items if item not in current]
        if current:
            self.put(name, current)

    def reject(self, category: str, detail: str) -> None:
        self.reasons.append((category, detail))


def _convert(name: str, kind: str, text: str, spec: ColumnSpec,
             draft: Draft) -> Any | None:
    """One value of a field from clean source text, or None (with a note) if unusable."""
    if kind == "url":
        value, why = social_url(spec.network, text) if spec.network else normalize_url(text)
    elif kind == "phone":
        value, why = normalize_phone(text)
    elif kind == "postcode":
        value, why = _postcode(text)
    elif kind == "insee":
        value = text.strip().upper()
        why = None if re.fullmatch(r"(?:\d{2}|2A|2B)\d{3}", value) else \
            f"« {text} » illisible : ignoré"
        value = value if why is None else None
    elif kind == "date":
        value = _date(text)
        why = None if value else f"« {text} » illisible (attendu AAAA-MM-JJ) : ignorée"
    elif kind in ("integer", "number"):
        number = _number(text)
        if number is not None and kind == "integer" and number.is_integer():
            value, why = int(number), None
        elif number is not None and kind == "number":
            value, why = number, None
        else:
            value, why = None, f"« {text} » n'est pas un nombre : ignoré"
    elif kind == "boolean":
        value = _boolean(text)
        why = None if value is not None else f"« {text} » n'est ni oui ni non : ignoré"
    elif kind == "enum":
        value = _enum(name, text)
        if value is None:
            allowed = ", ".join(_item_schema(name).get("enum", []))
            draft.reject(f"valeur hors vocabulaire ({spec.column})",
                         f"la valeur « {text} » de la colonne « {spec.column} » n'est pas "
                         f"permise pour « {name} » ({allowed}) : ajoutez une traduction")
        why = None
    else:
        value, why = text, None
    if why:
        draft.notes.append(f"{name} : {why}")
    return value


def build_draft(row: SourceRow, mapping: Mapping, ref: ReferenceData, today: str) -> Draft:
    """The venue a row describes, before id and validation; rejections are collected."""
    draft = Draft()
    if not any(v.strip() for v in row.values.values()):
        if row.location_problem:
            draft.reject("élément illisible", row.location_problem)
        else:
            draft.reject("ligne vide", "ligne vide")
        return draft
    emails: list[str] = []
    complement: list[str] = []
    for name, specs in mapping.fields.items():
        kind = field_kind(name)
        for spec in specs:
            lines = clean_lines(row.values.get(spec.column, ""))
            if not lines:
                continue
            if kind == "email":
                emails.append(" ".join(lines))
                continue
            if kind == "address":
                street, rest, notes = split_address(lines)
                draft.notes += notes
                if rest:
                    complement.append(rest)
                if street and draft.get("adresse") is None:
                    draft.put("adresse", street)
                continue
            text = ("\n".join(lines) if kind == "longtext" else
                    " ".join(lines) if name == "nom" else ", ".join(lines))
            pieces = ([p.strip() for p in text.split(spec.separator) if p.strip()]
                      if spec.separator else [text])
            values = [v for v in (_convert(name, kind, p, spec, draft) for p in pieces)
                      if v is not None]
            if _is_list(name):
                draft.add(name, values)
            elif values and draft.get(name) is None:
                draft.put(name, values[0])
    if complement:
        own = draft.get("complement_adresse")
        draft.put("complement_adresse", ", ".join([own, *complement] if own else complement))
    _translate(row, mapping, draft)
    if emails:
        names = [n for n in (draft.get("nom"), draft.get("porteur.nom")) if n]
        kept, notes = classify_email(" ".join(emails), draft.get("site_web"), names)
        draft.notes += notes
        if kept:
            draft.put("courriel", kept)
    if not draft.get("nom"):
        draft.reject("nom manquant", "nom manquant")
    if row.location_problem or row.lat is None or row.lon is None:
        draft.reject("coordonnées manquantes ou illisibles",
                     row.location_problem or "coordonnées manquantes")
    else:
        draft.put("latitude", round(row.lat, 7))
        draft.put("longitude", round(row.lon, 7))
    if not draft.get("adresse"):
        draft.reject("adresse manquante", "adresse manquante")
    located = locate(ref, draft.get("code_postal"), draft.get("commune"),
                     draft.get("code_insee"))
    draft.notes += located.notes
    if located.commune is None:
        draft.reject("commune non identifiée", located.reason or "commune non identifiée")
    else:
        draft.commune = located.commune
        draft.put("code_postal", located.postcode)
        draft.put("commune", located.commune.nom)
        draft.put("code_insee", located.commune.code)
    porteur = draft.data.get("porteur")
    if isinstance(porteur, dict) and "nom" not in porteur:
        draft.data.pop("porteur")
        draft.notes.append("porteur sans nom : non repris")
    for name, value in mapping.defaults.items():
        parent = name.rpartition(".")[0]
        if draft.get(name) is None and (not parent or draft.get(parent) is not None):
            draft.put(name, value)
    if draft.get("date_verification") is None:
        draft.put("date_verification", today)
    return draft


def _translate(row: SourceRow, mapping: Mapping, draft: Draft) -> None:
    for tr in mapping.translations:
        text = " ".join(clean_lines(row.values.get(tr.column, "")))
        if not text:
            continue
        items = ([p.strip() for p in text.split(tr.separator) if p.strip()]
                 if tr.separator else [text])
        for item in items:
            targets = tr.lookup(item)
            if targets is None:
                if tr.on_unknown == "rejeter":
                    draft.reject(f"valeur sans traduction ({tr.column})",
                                 f"la valeur « {item} » de la colonne « {tr.column} » n'a pas "
                                 "de traduction dans la correspondance")
                else:
                    draft.notes.append(f"« {item} » (colonne {tr.column}) n'a pas de "
                                       "traduction : les champs qu'elle donnerait restent vides"
                                       " ou prennent leur valeur par défaut")
                continue
            if "rejeter" in targets:
                draft.reject(f"exclu par la correspondance ({tr.column} = {item})",
                             targets["rejeter"])
            if "avertir" in targets:
                draft.notes.append(targets["avertir"])
            for name, value in targets.items():
                if name in _SPECIAL_TARGETS:
                    continue
                if _is_list(name) and value is not None:
                    draft.add(name, value if isinstance(value, list) else [value])
                else:
                    draft.put(name, value)


# ---------------------------------------------------------------------------------------
# Ids, files and the run
# ---------------------------------------------------------------------------------------


class Importer:
    """Turns rows into files under `into`, keeping ids unique and existing files safe."""

    def __init__(self, mapping: Mapping, into: Path, ref: ReferenceData, *,
                 overwrite: bool = False, dry_run: bool = False,
                 today: str | None = None) -> None:
        self.mapping = mapping
        self.into = into
        self.ref = ref
        self.overwrite = overwrite
        self.dry_run = dry_run
        self.today = today or build_date().isoformat()
        self.existing: dict[str, list[Path]] = defaultdict(list)
        if into.is_dir():
            for path in into.rglob("*.yml"):
                self.existing[path.stem].append(path.absolute())
        self.reserved: set[str] = set()
        self.write_failed = False

    def run(self, rows: list[SourceRow]) -> list[Outcome]:
        """One outcome per row, in source order: the report has a line for each."""
        return [self.import_row(row) for row in rows]

    def import_row(self, row: SourceRow) -> Outcome:
        """Import one row; whatever happens, it comes back with a status and a reason."""
        source_id = row.values.get(self.mapping.id_column or "", "").strip()
        name_column = self.mapping.fields.get("nom", [ColumnSpec("")])[0].column
        outcome = Outcome(row.number, source_id,
                          " ".join(clean_lines(row.values.get(name_column, ""))))
        try:
            self._import(row, outcome)
        except Exception as exc:  # every row gets a line, even on a bug
            outcome.status = REJECTED
            outcome.reasons = [("erreur interne", f"erreur interne ({type(exc).__name__} : "
                                f"{exc}) : signalez-la avec la ligne en cause")]
        return outcome

    def _import(self, row: SourceRow, outcome: Outcome) -> None:
        draft = build_draft(row, self.mapping, self.ref, self.today)
        if row.extra_cells:
            draft.notes.append(f"{row.extra_cells} cellule(s) au-delà des colonnes de "
                               "l'en-tête : ignorée(s)")
        outcome.notes = draft.notes
        if draft.reasons or draft.commune is None:
            outcome.reasons = draft.reasons
            return
        dep = draft.commune.departement
        venue_id, same = self._allocate(draft.data["nom"], draft.commune, dep)
        if venue_id is None:
            outcome.reasons = [("identifiant impossible",
                                f"aucun identifiant ne peut être tiré du nom « "
                                f"{draft.data['nom']} »")]
            return
        target = venue_path(self.into, dep, venue_id)
        outcome.path = display_path(target)
        if same and not self.overwrite:
            self.reserved.add(venue_id)
            outcome.status = SKIPPED
            return
        data = {"id": venue_id, **draft.data}
        raw = dump_venue(data).encode("utf-8")
        problems = check_text(raw, outcome.path, self.ref)
        errors = [p for p in problems if p.is_error]
        if errors:
            shown = [f"« {p.field or 'fiche'} » : {p.message}" for p in errors[:MAX_PROBLEMS_SHOWN]]
            more = len(errors) - MAX_PROBLEMS_SHOWN
            if more > 0:
                shown.append(f"et {more} autre{'s' if more > 1 else ''} problème"
                             f"{'s' if more > 1 else ''}")
            outcome.reasons = [(f"fiche invalide ({errors[0].code})",
                                "fiche invalide : " + " ; ".join(shown))]
            outcome.path = ""
            return
        outcome.notes += [f"avertissement [{p.code}] : {p.message}"
                          for p in problems if not p.is_error]
        self.reserved.add(venue_id)
        if not self.dry_run:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(f".{target.name}.tmp")
                temporary.write_bytes(raw)
                os.replace(temporary, target)
            except OSError as exc:
                self.write_failed = True
                outcome.reasons = [("écriture impossible",
                                    f"écriture impossible de {outcome.path} ({exc.strerror})")]
                outcome.path = ""
                return
            if not same:
                self.existing[venue_id].append(target.absolute())
        outcome.status = IMPORTED
        if same:
            outcome.notes.append("fiche existante remplacée (--overwrite)")

    def _candidates(self, name: str, commune: Commune) -> Iterator[str]:
        base = slugify(name)
        place = slugify(commune.nom)
        if len(base) < 2:
            return
        yield base
        stem = base if base == place or base.endswith("-" + place) else _join_slug(base, place)
        if stem != base:
            yield stem
        number = 2
        while True:
            yield _join_slug(stem, str(number))
            number += 1

    def _allocate(self, name: str, commune: Commune, dep: str) -> tuple[str | None, bool]:
        """A free id (False), or the id of this venue's existing file (True)."""
        for candidate in self._candidates(name, commune):
            if candidate in self.reserved:
                continue
            paths = self.existing.get(candidate, [])
            if not paths:
                return candidate, False
            target = venue_path(self.into, dep, candidate).absolute()
            if paths == [target] and self._same_place(target, commune):
                return candidate, True
        return None, False

    @staticmethod
    def _same_place(path: Path, commune: Commune) -> bool:
        loaded = load_file(path)
        data = loaded.data
        # An unreadable file is not ours to judge: treat it as the same venue, never
        # overwritten without --overwrite.
        return not isinstance(data, dict) or data.get("code_insee") in (None, commune.code)


# ---------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count <= 1 else (plural or word + 's')}"


def totals_line(outcomes: list[Outcome]) -> str:
    """« 121 lignes : 80 importées, 35 rejetées, 6 ignorées (existe déjà) »."""
    counts = Counter(o.status for o in outcomes)
    return (f"{_plural(len(outcomes), 'ligne')} : {_plural(counts[IMPORTED], 'importée')}, "
            f"{_plural(counts[REJECTED], 'rejetée')}, {_plural(counts[SKIPPED], 'ignorée')} "
            "(existe déjà)")


def rejection_counts(outcomes: list[Outcome]) -> list[tuple[str, int]]:
    """Rejected rows by their first reason, most frequent first."""
    counts = Counter(o.category for o in outcomes if o.status == REJECTED)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def print_report(outcomes: list[Outcome], out: TextIO, *, header: list[str],
                 dry_run: bool) -> None:
    """The French report: one line per source row, its notes, then the totals."""
    for line in header:
        print(line, file=out)
    print(f"{'n°':>4}  {'id source':<10} {'nom':<40} {'statut':<21} détail", file=out)
    for o in outcomes:
        name = o.name if len(o.name) <= 40 else o.name[:39] + "…"
        detail = o.detail
        if o.status == IMPORTED and dry_run:
            detail = f"serait écrit : {o.path}"
        print(f"{o.number:>4}  {o.source_id[:10]:<10} {name:<40} {o.status:<21} {detail}",
              file=out)
        for note in o.notes:
            print(f"{'':>17}· {note}", file=out)
    print(totals_line(outcomes) + ".", file=out)
    rejected = rejection_counts(outcomes)
    if rejected:
        print("Rejets par motif : " + " ; ".join(f"{cat} : {n}" for cat, n in rejected) + ".",
              file=out)
    if dry_run:
        print("Simulation (--dry-run) : aucun fichier n'a été écrit.", file=out)


REPORT_COLUMNS = ["ligne", "id_source", "nom", "statut", "motif", "detail", "fichier", "notes"]


def write_report_csv(outcomes: list[Outcome], path: Path) -> None:
    """The same report as CSV, one row per source row (cells safe from formulas)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REPORT_COLUMNS)
    for o in outcomes:
        writer.writerow([safe_cell(v) for v in (
            o.number, o.source_id, o.name, o.status, o.category,
            " ; ".join(t for _, t in o.reasons), o.path, " | ".join(o.notes))])
    path.write_text(buffer.getvalue(), encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    """`tierslieux import`: 0 when every row is accounted for, 2 bad input, 1 write failed."""
    try:
        mapping = load_mapping(Path(args.mapping))
    except MappingError as exc:
        print(exc.french(), file=sys.stderr)
        return 2
    source_path = Path(args.source)
    try:
        source = read_source(source_path, mapping)
    except SourceError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    present = set(source.columns)
    missing = {c: where for c, where in mapping.used_columns().items() if c not in present}
    if missing and source.rows:
        listed = ", ".join(f"« {c} » ({where})" for c, where in sorted(missing.items()))
        print(f"erreur : colonnes absentes de {display_path(source_path)} : {listed}. "
              f"Colonnes présentes : {', '.join(source.columns) or 'aucune'}.", file=sys.stderr)
        return 2
    into = Path(args.into)
    if into.exists() and not into.is_dir():
        print(f"erreur : --into {into} n'est pas un dossier.", file=sys.stderr)
        return 2
    importer = Importer(mapping, into, reference_data(), overwrite=args.overwrite,
                        dry_run=args.dry_run)
    outcomes = importer.run(source.rows)
    header = [f"Import de {display_path(source_path)} ({_plural(len(source.rows), 'ligne')}) "
              f"avec {display_path(Path(args.mapping))} vers {display_path(into)}"
              + (" — simulation, rien n'est écrit" if args.dry_run else "") + "."]
    unused = [c for c in source.columns if c not in mapping.used_columns()
              and c not in mapping.ignored and c not in mapping.personal]
    if unused:
        header.append("Colonnes de la source non reprises (à déclarer dans colonnes_ignorees "
                      f"ou colonnes_personnelles) : {', '.join(unused)}.")
    print_report(outcomes, sys.stdout, header=header, dry_run=args.dry_run)
    status = 1 if importer.write_failed else 0
    if args.report:
        try:
            write_report_csv(outcomes, Path(args.report))
        except OSError as exc:
            print(f"erreur : le rapport {args.report} ne peut pas être écrit "
                  f"({exc.strerror}).", file=sys.stderr)
            return 1
    return status


def add_command(sub: argparse._SubParsersAction) -> None:
    """Register `tierslieux import` (called by cli.py)."""
    parser = sub.add_parser(
        "import", help="importer les lieux d'un fichier CSV ou GeoJSON d'un réseau",
        description="Importe un fichier CSV ou GeoJSON selon un fichier de correspondance "
                    "(exemple commenté : plugins/tierslieux/mappings/maplabbzh.yml). Chaque "
                    "ligne de la source figure dans le rapport : importée, rejetée (avec le "
                    "motif) ou ignorée (fiche déjà présente).")
    parser.add_argument("source", help="fichier CSV ou GeoJSON à importer")
    parser.add_argument("--mapping", required=True, metavar="FICHIER.yml",
                        help="fichier de correspondance (colonnes -> champs, traductions)")
    parser.add_argument("--into", default=str(VENUES_DIR), metavar="DOSSIER",
                        help="dossier des fiches (par défaut : content/venues)")
    parser.add_argument("--overwrite", action="store_true",
                        help="remplacer la fiche d'un lieu déjà présent")
    parser.add_argument("--dry-run", action="store_true",
                        help="afficher le rapport sans rien écrire")
    parser.add_argument("--report", metavar="FICHIER.csv",
                        help="écrire aussi le rapport en CSV")
    parser.set_defaults(func=run_import)
