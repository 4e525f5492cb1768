"""The mapping file of `tierslieux import`: which source column fills which field.

Why: a network's columns and vocabularies are not ours. The mapping says how to read
them; this module reads it, checks it against the venue schema and reports every mistake
at once, with its line, in French, before a single source row is looked at.
"""

from __future__ import annotations

import codecs
import difflib
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from ..check.validate import display_path
from ..check.yamlload import load_bytes
from ..model.schema import resolve, venue_schema
from .normalize import plain

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


def is_list(name: str) -> bool:
    return schema_fields()[name].get("type") == "array"


def item_schema(name: str) -> dict[str, Any]:
    node = schema_fields()[name]
    return resolve(node.get("items", {})) if node.get("type") == "array" else node


def field_kind(name: str) -> str:
    """How source text becomes this field's value (one converter per kind)."""
    special = {"courriel": "email", "telephone": "phone", "code_postal": "postcode",
               "code_insee": "insee", "adresse": "address", "description": "longtext"}
    if name in special:
        return special[name]
    item = item_schema(name)
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
    values = value if is_list(name) and isinstance(value, list) else [value]
    target = item_schema(name) if is_list(name) else node
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
SPECIAL_TARGETS = ("rejeter", "avertir")
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
        wanted = plain(value)
        for key, targets in self.values.items():
            if plain(key) == wanted:
                return targets
        for pattern, targets in self.patterns:
            if pattern.search(wanted):
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
                                      or not is_list(name)):
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
            if name in SPECIAL_TARGETS:
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

    def _suite(self, spec: dict[str, Any], key: str, at: tuple[str | int, ...],
               what: str) -> dict[Any, Any]:
        """A translation's « valeurs » or « motifs »: « <what>: {champ: valeur} » lines."""
        raw = spec.get(key) or {}
        if isinstance(raw, dict):
            return raw
        self.problem((*at, key), f"« {key} » est une suite « {what}: {{champ: valeur}} ».")
        return {}

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
            for key, targets in self._suite(spec, "valeurs", at, "valeur source").items():
                parsed = self._targets(targets, (*at, "valeurs", key))
                if parsed is not None:
                    values[str(key).strip()] = parsed
            patterns = []
            for key, targets in self._suite(spec, "motifs", at, "expression").items():
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
                            "plugins/tierslieux/importing/mappings/maplabbzh.yml).")
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
