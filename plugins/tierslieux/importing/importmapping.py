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

from jsonschema import Draft202012Validator, FormatChecker, ValidationError

from ..check.validate import display_path
from ..check.yamlload import load_bytes
from ..model.paths import ROOT
from ..model.schema import resolve, venue_schema
from .normalize import plain

MAPPING_SCHEMA_PATH = ROOT / "schema" / "mapping.schema.json"

# ---------------------------------------------------------------------------------------
# Schema fields a mapping can name
# ---------------------------------------------------------------------------------------

# Fields the importer sets itself, and why (shown when a mapping names them).
_NOT_MAPPABLE = {
    "id": "l'identifiant est calculé à partir du nom (et de la commune) : retirez ce champ.",
    "latitude": "les coordonnées se déclarent dans source.latitude et source.longitude "
                "(ou viennent de la géométrie d'un GeoJSON) : retirez ce champ.",
    "longitude": "les coordonnées se déclarent dans source.latitude et source.longitude "
                 "(ou viennent de la géométrie d'un GeoJSON) : retirez ce champ.",
    "etapes": "les étapes d'un lieu itinérant viennent de plusieurs lignes réunies par "
              "source.groupe (une ligne par étape) : retirez ce champ.",
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

SPECIAL_TARGETS = ("rejeter", "avertir")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@cache
def mapping_schema() -> dict[str, Any]:
    """The mapping's own JSON Schema: the one definition of what a mapping may say."""
    import json

    return json.loads(MAPPING_SCHEMA_PATH.read_text(encoding="utf-8"))


_JSON_TYPES = {"string": "un texte", "object": "une suite « clé: valeur »",
               "array": "une liste", "boolean": "true ou false", "number": "un nombre",
               "integer": "un nombre entier"}


def _schema_message(error: ValidationError) -> tuple[tuple[str | int, ...], str]:
    """Where a schema error sits in the mapping, and what to do about it, in French."""
    path = tuple(error.absolute_path)
    where = ".".join(str(p) for p in path) or "le fichier"
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    if error.validator == "additionalProperties" and isinstance(value, dict):
        known = list(schema.get("properties", {}))
        extra = [k for k in value if k not in known]
        key = str(extra[0]) if extra else "?"
        return ((*path, key), f"clé « {key} » inconnue dans {where}"
                f"{_suggest(key, known)}. Clés possibles : {', '.join(known)}.")
    if error.validator == "required":
        missing = [k for k in error.validator_value if k not in (value or {})]
        return (path, f"{where} : la clé « {missing[0] if missing else '?'} » manque.")
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return (path, f"{where} : « {value} » n'est pas une valeur permise ({allowed}).")
    if error.validator == "type":
        wanted = error.validator_value
        wanted = wanted if isinstance(wanted, list) else [wanted]
        return (path, f"{where} doit être {' ou '.join(_JSON_TYPES.get(t, t) for t in wanted)}.")
    if error.validator in ("anyOf", "oneOf"):
        return (path, f"{where} : écrivez le nom d'une colonne, ou une suite comme "
                      "« {colonne: nom, separateur: \",\"} », ou une liste de ces formes.")
    description = schema.get("description", "")
    example = (schema.get("examples") or [None])[0]
    more = f" Exemple : {example}." if example is not None else ""
    return (path, f"{where} : « {value} » ne convient pas. {description}{more}".strip())


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
        return "\n".join([head, *(f"  - {self.path}:{p}" for p in self.problems)])


@dataclass(frozen=True)
class ColumnSpec:
    """One way of reading a field from a row: a column, joined columns, a constant, days."""

    column: str = ""
    network: str | None = None
    separator: str | None = None
    columns: tuple[str, ...] = ()  # joined into one value
    join: str = " "
    constant: Any = None  # a fixed value (has_constant says whether one was given)
    has_constant: bool = False
    days: tuple[tuple[str, str], ...] = ()  # (day, column) for per-day opening hours

    def sources(self) -> list[str]:
        """The source columns this spec reads."""
        if self.days:
            return [column for _, column in self.days]
        return list(self.columns) or ([self.column] if self.column else [])


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


@dataclass(frozen=True)
class RowFilter:
    """One condition a row must meet to be imported; failing rows are reported "filtrée"."""

    column: str
    equal: tuple[str, ...] = ()
    different: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = None
    filled: bool | None = None

    def rejects(self, text: str) -> str | None:
        """Why the row is filtered out (French), or None when it passes."""
        value = plain(text)
        if self.filled is True and not value:
            return f"« {self.column} » est vide"
        if self.filled is False and value:
            return f"« {self.column} » n'est pas vide"
        if self.equal and value not in {plain(v) for v in self.equal}:
            return f"« {self.column} » = « {text} », pas l'une de : {', '.join(self.equal)}"
        if self.different and value in {plain(v) for v in self.different}:
            return f"« {self.column} » = « {text} »"
        if self.pattern is not None and not self.pattern.search(value):
            return f"« {self.column} » = « {text} » ne contient pas « {self.pattern.pattern} »"
        return None


@dataclass(frozen=True)
class Provenance:
    """Where a mapping's data comes from; every venue it writes remembers it."""

    dataset: str
    date: str
    licence: str
    title: str = ""
    url: str = ""
    attribution: str = ""


@dataclass
class Mapping:
    """A validated mapping file."""

    path: Path
    source: dict[str, Any] = field(default_factory=dict)  # the « source » section as written
    provenance: Provenance | None = None
    fields: dict[str, list[ColumnSpec]] = field(default_factory=dict)
    translations: list[Translation] = field(default_factory=list)
    filters: list[RowFilter] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict)
    replace: set[str] = field(default_factory=set)
    match_distance_m: float = 300.0
    match_name_score: float = 85.0
    personal: set[str] = field(default_factory=set)
    ignored: set[str] = field(default_factory=set)

    @property
    def id_column(self) -> str | None:
        return self.source.get("identifiant")

    @property
    def group_column(self) -> str | None:
        return self.source.get("groupe")

    def used_columns(self) -> dict[str, str]:
        """Source column -> where the mapping uses it (for messages)."""
        used: dict[str, str] = {}
        for name, specs in self.fields.items():
            for spec in specs:
                for column in spec.sources():
                    used.setdefault(column, f"champs.{name}")
        for tr in self.translations:
            used.setdefault(tr.column, f"traductions.{tr.column}")
        for i, flt in enumerate(self.filters):
            used.setdefault(flt.column, f"filtres[{i + 1}]")
        for key in ("identifiant", "latitude", "longitude", "groupe"):
            if self.source.get(key):
                used.setdefault(self.source[key], f"source.{key}")
        return used


def _suggest(name: str, options: list[str]) -> str:
    close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
    return f" (vouliez-vous dire « {close[0]} » ?)" if close else ""


def _texts(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


class _MappingReader:
    """Reads the mapping's sections (already valid against its schema), checking what the
    schema cannot: field names, constants against the venue schema, personal columns."""

    def __init__(self, path: Path, loaded: Any) -> None:
        self.path = path
        self.loaded = loaded
        self.problems: list[str] = []

    def problem(self, at: tuple[str | int, ...], message: str) -> None:
        self.problems.append(f"{self.loaded.line_of(at)} : {message}")

    def read(self) -> Mapping:
        data = self.loaded.data
        mapping = Mapping(self.path, source=dict(data.get("source") or {}))
        if "delimiteur" in mapping.source and mapping.source["delimiteur"] in ("tab", "tabulation"):
            mapping.source["delimiteur"] = "\t"
        delimiter = mapping.source.get("delimiteur")
        if delimiter is not None and len(delimiter) != 1:
            self.problem(("source", "delimiteur"), f"délimiteur « {delimiter} » invalide : un "
                         "seul caractère, par exemple « , » ou « ; » (« tabulation » pour une "
                         "tabulation).")
        encoding = mapping.source.get("encodage")
        if encoding is not None:
            try:
                codecs.lookup(encoding)
            except LookupError:
                self.problem(("source", "encodage"), f"encodage « {encoding} » inconnu : "
                             "écrivez par exemple utf-8, cp1252 (export Excel) ou latin-1.")
        if bool(mapping.source.get("latitude")) != bool(mapping.source.get("longitude")):
            self.problem(("source",), "indiquez à la fois source.latitude et source.longitude "
                         "(ou aucune des deux : les lieux sont alors placés par leur adresse).")
        prov = data.get("provenance")
        if prov:
            mapping.provenance = Provenance(prov["jeu"], str(prov["date"]), prov["licence"],
                                            prov.get("titre", ""), prov.get("url", ""),
                                            prov.get("attribution", ""))
        mapping.personal = set(data.get("colonnes_personnelles") or [])
        mapping.ignored = set(data.get("colonnes_ignorees") or [])
        mapping.fields = self._fields(data.get("champs") or {})
        mapping.translations = self._translations(data.get("traductions") or {})
        mapping.filters = self._filters(data.get("filtres") or [])
        mapping.defaults = self._defaults(data.get("defauts"))
        update = data.get("mise_a_jour") or {}
        for i, name in enumerate(update.get("remplacer", [])):
            if self._check_field_name(("mise_a_jour", "remplacer", i), name, top=True):
                mapping.replace.add(name)
        near = data.get("rapprochement") or {}
        mapping.match_distance_m = float(near.get("distance_m", mapping.match_distance_m))
        mapping.match_name_score = float(near.get("score_nom", mapping.match_name_score))
        for column, where in mapping.used_columns().items():
            if column in mapping.personal:
                self.problem(("colonnes_personnelles",),
                             f"la colonne « {column} » est déclarée personnelle : elle ne peut "
                             f"pas être reprise ({where}). Retirez-la de {where}.")
        return mapping

    def _check_field_name(self, at: tuple[str | int, ...], name: str, *,
                          top: bool = False) -> bool:
        if name in _NOT_MAPPABLE:
            self.problem(at, f"« {name} » : {_NOT_MAPPABLE[name]}")
            return False
        known = set(schema_fields())
        if top:  # « mise_a_jour » may name a whole group (porteur, tarifs...)
            known |= {n.split(".")[0] for n in schema_fields()}
        if name not in known:
            options = mappable_fields()
            self.problem(at, f"le champ « {name} » n'existe pas dans le schéma des fiches"
                         f"{_suggest(name, options)}. Champs possibles : {', '.join(options)}.")
            return False
        return True

    def _fields(self, champs: dict[str, Any]) -> dict[str, list[ColumnSpec]]:
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
        if isinstance(item, str):
            return ColumnSpec(item)
        ways = [k for k in ("colonne", "colonnes", "valeur", "jours") if k in item]
        if len(ways) != 1:
            self.problem(at, f"« {name} » : donnez exactement une de ces clés : colonne, "
                         "colonnes (plusieurs colonnes réunies), valeur (une valeur fixe) ou "
                         "jours (horaires, une colonne par jour).")
            return None
        network = item.get("reseau")
        if network is not None and field_kind(name) != "url":
            self.problem((*at, "reseau"), f"« reseau » ne s'applique qu'à un champ "
                         f"d'adresses web (reseaux_sociaux, site_web...), pas à « {name} ».")
            network = None
        separator = item.get("separateur")
        if separator is not None and not is_list(name):
            self.problem((*at, "separateur"), f"« separateur » ne s'applique qu'à un champ "
                         f"liste (« {name} » n'en est pas un).")
            separator = None
        if "jours" in item and name != "horaires":
            self.problem((*at, "jours"), "« jours » (une colonne par jour) ne s'applique "
                         "qu'au champ « horaires ».")
            return None
        if "valeur" in item:
            problems = _constant_problems(name, item["valeur"])
            for p in problems:
                self.problem((*at, "valeur"), p)
            if problems:
                return None
        days = tuple((day, item["jours"][day]) for day in DAYS if day in item.get("jours", {}))
        return ColumnSpec(item.get("colonne", ""), network, separator,
                          tuple(item.get("colonnes", ())), item.get("joindre", " "),
                          item.get("valeur"), "valeur" in item, days)

    def _targets(self, targets: dict[str, Any], at: tuple[str | int, ...]) -> dict[str, Any]:
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

    def _translations(self, section: dict[str, Any]) -> list[Translation]:
        out = []
        for column, spec in section.items():
            at: tuple[str | int, ...] = ("traductions", column)
            values = {str(key).strip(): self._targets(targets, (*at, "valeurs", key))
                      for key, targets in (spec.get("valeurs") or {}).items()}
            patterns = []
            for key, targets in (spec.get("motifs") or {}).items():
                try:
                    pattern = re.compile(str(key), re.IGNORECASE)
                except re.error as exc:
                    self.problem((*at, "motifs", key), f"expression régulière « {key} » "
                                 f"invalide ({exc.msg}).")
                    continue
                patterns.append((pattern, self._targets(targets, (*at, "motifs", key))))
            if not values and not patterns:
                self.problem(at, f"la traduction de la colonne « {column} » ne contient aucune "
                             "valeur.")
            out.append(Translation(str(column), values, patterns,
                                   spec.get("si_inconnue", "rejeter"), spec.get("separateur")))
        return out

    def _filters(self, section: list[dict[str, Any]]) -> list[RowFilter]:
        out = []
        for i, spec in enumerate(section):
            pattern = None
            if "motif" in spec:
                try:
                    pattern = re.compile(plain(spec["motif"]), re.IGNORECASE)
                except re.error as exc:
                    self.problem(("filtres", i, "motif"), f"expression régulière « "
                                 f"{spec['motif']} » invalide ({exc.msg}).")
                    continue
            out.append(RowFilter(spec["colonne"], _texts(spec.get("egal")),
                                 _texts(spec.get("different")), pattern, spec.get("rempli")))
        return out

    def _defaults(self, section: Any) -> dict[str, Any]:
        out = {}
        for name, value in (section or {}).items():
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
    """Read and check a mapping file; every mistake is reported at once, in French, with
    its line (file:line: message), like the validator does for a venue."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MappingError(shown, [f"1 : le fichier ne peut pas être lu ({exc.strerror})."]) \
            from None
    loaded = load_bytes(raw, shown)
    problems = []
    for p in loaded.problems:
        if p.code == "cle-invalide":
            problems.append(f"{p.line} : {p.message.replace(' nom de champ', ' nom')} "
                            "Mettez cette clé entre guillemets (\"1\", \"yes\") : sans "
                            "guillemets, YAML la lit comme un nombre ou un booléen.")
        elif p.code in ("fichier-vide", "racine-invalide"):
            problems.append(f"{p.line} : le fichier ne contient pas de sections "
                            "« source: », « champs: »... (partez de l'exemple "
                            "plugins/tierslieux/importing/mappings/maplabbzh.yml).")
        elif p.is_error:
            hint = f" {p.hint}" if p.code == "yaml-syntaxe" and p.hint else ""
            problems.append(f"{p.line} : {p.message}{hint}")
    if not isinstance(loaded.data, dict):
        raise MappingError(shown, problems or ["1 : le fichier est vide."])
    if problems:
        raise MappingError(shown, problems)
    validator = Draft202012Validator(mapping_schema(), format_checker=FormatChecker())
    for error in sorted(validator.iter_errors(loaded.data), key=lambda e: list(e.absolute_path)):
        at, message = _schema_message(error)
        problems.append(f"{loaded.line_of(at)} : {message}")
    reader = _MappingReader(path, loaded)
    try:
        mapping = reader.read()
    except (KeyError, TypeError, AttributeError, ValueError):
        # Only on a mapping the schema already refused: its problems are listed above.
        if not problems:
            raise
        reader.problems = []
    problems += [p for p in reader.problems if p not in problems]
    if problems:
        raise MappingError(shown, sorted(problems, key=lambda p: int(p.split(" ", 1)[0])))
    return mapping
