"""Check a venue against the JSON Schema and explain each failure in French."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from ..model.schema import field_schema, resolve, venue_schema
from ..model.venue import JsonPath
from ..reference.refdata import normalize_name
from .logsafe import clean, describe_char, is_hidden_char
from .problems import Problem
from .yamlload import Loaded, field_name

_TYPE_NAMES = {
    "string": "un texte",
    "number": "un nombre",
    "integer": "un nombre entier",
    "boolean": "true ou false",
    "array": "une liste",
    "object": "un groupe de champs",
    "null": "vide",
}


# The French texts of schema problems, written once: `_problems_for` fills them in, and
# the site's contribution form shows the same texts beside its fields (exported at build
# time by contribute/formcatalogue.py). Placeholders: {value}, {field}, {kind}, {wanted}.
MESSAGES = {
    "champ-manquant": "le champ obligatoire « {field} » manque.",
    "type-invalide": "la valeur « {value} » est {kind}, il faut {wanted}.",
    "valeur-hors-vocabulaire": "« {value} » ne fait pas partie des valeurs permises.",
    "date-invalide": "« {value} » n'est pas une date valide.",
    "format-invalide": "« {value} » n'a pas le format attendu pour ce champ.",
    "valeur-hors-limites": "la valeur « {value} » est hors limites : il faut {wanted}.",
    "liste-vide": "la liste « {field} » est vide.",
    "valeur-en-double": "la liste « {field} » contient deux fois la même valeur.",
}
HINTS = {  # the fixed part of each hint; the field's description and example follow
    "champ-manquant": "Ajoutez ce champ.",
    "date-invalide": "Écrivez la date au format AAAA-MM-JJ, par exemple 2025-09-15, et "
                     "vérifiez que ce jour existe (l'année 0000 n'existe pas).",
    "format-invalide": "Corrigez la valeur selon le format attendu.",
    "valeur-hors-limites": "Corrigez la valeur pour respecter cette limite.",
    "liste-vide": "Ajoutez au moins un élément, ou retirez le champ s'il est facultatif.",
    "valeur-en-double": "Retirez le doublon.",
}
LIMITS = {
    "minLength": "au moins {} caractères",
    "maxLength": "au plus {} caractères",
    "minimum": "au moins {}",
    "maximum": "au plus {}",
}


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(venue_schema(), format_checker=FormatChecker())


@cache
def _fast_validator() -> jsonschema_rs.Validator:
    """jsonschema-rs answers "valid?" about 100 times faster than jsonschema.

    Most files are valid and only pay for this fast check plus `_second_opinion`. The two
    validators are two engines (Rust and Python regular expressions, two sets of format
    checkers): a file is accepted only when both accept it.
    """
    return jsonschema_rs.validator_for(venue_schema(), validate_formats=True)


# `_patterns_and_formats` walks `properties`, `items` and `$ref`; a pattern or a format
# under any of these other keywords would be missed, so it refuses such a schema.
_APPLICATORS = {"allOf", "anyOf", "oneOf", "not", "if", "then", "else", "prefixItems",
                "contains", "additionalProperties", "patternProperties", "propertyNames",
                "dependentSchemas", "unevaluatedItems", "unevaluatedProperties"}


def _patterns_and_formats(node: Any) -> dict[str, Any]:
    """The part of a schema that checks string shapes: `pattern`, `format`, and the way there.

    Regular expressions and format checkers are where the two engines can disagree; every
    other keyword (type, enum, bounds, required...) means the same to both.
    """
    if not isinstance(node, dict):
        return {}
    node = resolve(node)
    out: dict[str, Any] = {k: node[k] for k in ("pattern", "format") if k in node}
    properties = {name: sub for name, sub in (
        (name, _patterns_and_formats(sub)) for name, sub in node.get("properties", {}).items()
    ) if sub}
    if properties:
        out["properties"] = properties
    items = _patterns_and_formats(node.get("items"))
    if items:
        out["items"] = items
    for key in _APPLICATORS & set(node):
        if _checks_shapes(node[key]):
            raise NotImplementedError(f"pattern or format under {key!r}: walk it here")
    return out


def _checks_shapes(node: Any) -> bool:
    """Whether a schema node has a `pattern` or `format` keyword anywhere below it."""
    if isinstance(node, list):
        return any(_checks_shapes(n) for n in node)
    if not isinstance(node, dict):
        return False
    node = resolve(node)
    return "pattern" in node or "format" in node or any(
        _checks_shapes(sub) for key, sub in node.items()
        if key not in ("examples", "enum", "const", "default", "x-labels"))


@cache
def _shapes() -> dict[str, Any]:
    return _patterns_and_formats(venue_schema())


_FORMATS = FormatChecker()


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _second_opinion(data: Any, node: dict[str, Any] | None = None) -> bool:
    """jsonschema's verdict on the patterns and formats, at a tenth of its cost.

    Checks exactly what jsonschema's `pattern` and `format` keywords check (`re.search`,
    and the same format checker), walking only the fields that have one; running
    jsonschema itself on every file would double the time of `validate`. The tests hold
    it equal to jsonschema on generated values.
    """
    node = _shapes() if node is None else node
    if isinstance(data, str):
        if "pattern" in node and not _regex(node["pattern"]).search(data):
            return False
        if "format" in node and not _FORMATS.conforms(data, node["format"]):
            return False
    elif isinstance(data, dict):
        for name, sub in node.get("properties", {}).items():
            if name in data and not _second_opinion(data[name], sub):
                return False
    elif isinstance(data, list) and "items" in node:
        return all(_second_opinion(item, node["items"]) for item in data)
    return True


def _fast_errors(data: Any) -> list[ValidationError] | None:
    """jsonschema-rs's errors, as jsonschema errors; None if it could not read the data."""
    fast = _fast_validator()
    try:
        if fast.is_valid(data):
            return []
        found = list(fast.iter_errors(data))
    except (ValueError, OverflowError, TypeError):  # a value Rust cannot take: Python judges
        return None
    return [_as_jsonschema_error(e) for e in found]


def _as_jsonschema_error(error: Any) -> ValidationError:
    """A jsonschema-rs error in jsonschema's shape, so that one function explains both."""
    schema_path = list(error.schema_path)
    keyword = str(schema_path[-1]) if schema_path else ""
    node: Any = venue_schema()
    for part in schema_path[:-1]:
        node = node[part] if isinstance(node, dict | list) else None
    if isinstance(node, dict) and isinstance(node.get(keyword), bool):
        node, keyword = node[keyword], "false"  # a `false` property schema
    kind = error.kind.as_dict() if hasattr(error.kind, "as_dict") else {}
    value: Any = node.get(keyword) if isinstance(node, dict) else None
    if keyword == "required" and "property" in kind:
        value = [kind["property"]]
    return ValidationError(
        error.message, validator=keyword, path=list(error.instance_path),
        instance=error.instance, schema=node if node is not None else {},
        validator_value=value, schema_path=schema_path,
    )


def _kind(value: Any) -> str:
    if value is None:
        return "vide"
    if isinstance(value, bool):
        return "un booléen (true/false)"
    if isinstance(value, int):
        return "un nombre entier"
    if isinstance(value, float):
        return "un nombre"
    if isinstance(value, str):
        return "un texte"
    if isinstance(value, list):
        return "une liste"
    return "un groupe de champs"


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    text = text if len(text) <= 60 else text[:57] + "…"
    return clean(text)  # a line break or a bidi override is shown as an escape


def _hidden_hint(value: Any) -> str:
    """Name the invisible character that makes a value look right and fail its pattern."""
    if not isinstance(value, str) or value.isprintable():  # the common case, in C
        return ""
    hidden = next((ch for ch in value if is_hidden_char(ch)), None)
    if hidden is None:
        return ""
    return (f"La valeur contient un caractère invisible ({describe_char(hidden)}) : "
            "retirez-le. ")


def _example_hint(path: JsonPath, fallback: str = "") -> str:
    """What the field expects (its description and an example), from the schema."""
    node = field_schema(path) or {}
    parts = [fallback] if fallback else []
    if node.get("description"):
        parts.append(node["description"])
    if node.get("examples"):
        parts.append(f"Exemple : {_show(node['examples'][0])}.")
    return " ".join(parts)


def _vocabulary_hint(value: Any, labels: dict[str, str]) -> str:
    allowed = ", ".join(f"{code} ({label})" for code, label in labels.items())
    guess = None
    if isinstance(value, str):
        wanted = normalize_name(value).replace(" ", "_")
        by_label = {normalize_name(lbl).replace(" ", "_"): code for code, lbl in labels.items()}
        guess = by_label.get(wanted) or next(
            iter(difflib.get_close_matches(wanted, list(labels), n=1, cutoff=0.6)), None
        )
    prefix = f"Vouliez-vous dire « {guess} » ? " if guess else ""
    return f"{prefix}Valeurs permises : {allowed}."


def _problems_for(error: ValidationError, loaded: Loaded) -> Iterator[Problem]:
    path: JsonPath = tuple(error.absolute_path)
    line = loaded.line_of(path)
    fld = field_name(path)
    value = error.instance
    shown = _show(loaded.as_written(path, value))  # `true` as written, not Python's True
    validator = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}

    def problem(code: str, message: str, hint: str = "", at: JsonPath = path) -> Problem:
        return Problem(loaded.path, loaded.line_of(at), code, field_name(at), message, hint)

    if error.schema is False:
        # jsonschema reports a `false` property schema without its key: find the keys.
        forbidden = venue_schema()["then"]["properties"]
        for key in forbidden:
            if isinstance(loaded.data, dict) and key in loaded.data:
                yield problem(
                    "champ-incompatible",
                    f"le champ « {key} » ne s'utilise pas pour un lieu itinérant (qui a des "
                    "« etapes »).",
                    "Un lieu itinérant décrit chaque arrêt dans « etapes » ; retirez ce "
                    "champ, ou retirez « etapes » si le lieu a une adresse fixe.",
                    at=(key,),
                )
    elif validator == "required":
        for missing in error.validator_value:
            if isinstance(value, dict) and missing not in value:
                at = (*path, missing)
                extra = ""
                if "else" in error.schema_path:
                    extra = (" Un lieu fixe a une adresse complète ; un lieu itinérant "
                             "décrit ses arrêts dans « etapes ».")
                yield Problem(
                    loaded.path, line, "champ-manquant", field_name(at),
                    MESSAGES["champ-manquant"].format(field=field_name(at)),
                    (_example_hint(at, HINTS["champ-manquant"]) + extra).strip(),
                )
    elif validator == "additionalProperties":
        known = list(schema.get("properties", {}))
        for key in value:
            if key in known:
                continue
            guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"Vouliez-vous dire « {guess[0]} » ? " if guess else ""
            hint += f"Champs permis ici : {', '.join(known)}."
            yield problem("champ-inconnu", f"le champ « {key} » n'existe pas dans le schéma.",
                          hint, at=(*path, key))
    elif validator == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        wanted = " ou ".join(_TYPE_NAMES.get(t, t) for t in expected)
        hint = _example_hint(path)
        if "string" in expected and isinstance(value, int | float | bool):
            hint = ("Mettez la valeur entre guillemets pour qu'elle soit lue comme un texte "
                    f"(par exemple \"{shown}\"). " + hint)
        elif "array" in expected:
            hint = "Écrivez une liste, un élément par ligne, précédé de « - ». " + hint
        yield problem("type-invalide",
                      MESSAGES["type-invalide"].format(value=shown, kind=_kind(value),
                                                       wanted=wanted),
                      hint.strip())
    elif validator == "enum":
        labels = schema.get("x-labels") or {v: v for v in error.validator_value}
        yield problem("valeur-hors-vocabulaire",
                      MESSAGES["valeur-hors-vocabulaire"].format(value=shown),
                      _vocabulary_hint(value, labels))
    elif (validator == "format" and error.validator_value == "date") or (
        validator == "pattern" and schema.get("format") == "date"
    ):
        yield problem("date-invalide",
                      MESSAGES["date-invalide"].format(value=shown),
                      _hidden_hint(value) + HINTS["date-invalide"])
    elif validator in ("pattern", "format"):
        yield problem("format-invalide",
                      MESSAGES["format-invalide"].format(value=shown),
                      _hidden_hint(value) + _example_hint(path, HINTS["format-invalide"]))
    elif validator in ("minLength", "maxLength", "minimum", "maximum",
                       "exclusiveMinimum", "exclusiveMaximum"):
        limit = LIMITS.get(validator)
        wanted = limit.format(error.validator_value) if limit else "une valeur dans les limites"
        yield problem("valeur-hors-limites",
                      MESSAGES["valeur-hors-limites"].format(value=shown, wanted=wanted),
                      _example_hint(path, HINTS["valeur-hors-limites"]))
    elif validator == "minItems":
        yield problem("liste-vide", MESSAGES["liste-vide"].format(field=fld),
                      HINTS["liste-vide"] + " " + _example_hint(path))
    elif validator == "uniqueItems":
        yield problem("valeur-en-double", MESSAGES["valeur-en-double"].format(field=fld),
                      HINTS["valeur-en-double"])
    else:  # pragma: no cover - every keyword of our schema is handled above
        yield problem("format-invalide", error.message, _example_hint(path))


def check_schema(loaded: Loaded) -> list[Problem]:
    """All schema problems of a loaded file, each located on its line.

    A value that either validator refuses is refused: jsonschema's errors are explained
    first (they carry the most detail), then any error only jsonschema-rs found.
    """
    data = loaded.data
    fast = _fast_errors(data)
    if fast == [] and _second_opinion(data):
        return []
    seen: set[tuple[str, str]] = set()
    out = []
    for error in [*_validator().iter_errors(data), *(fast or [])]:
        for p in _problems_for(error, loaded):
            if (p.code, p.field) not in seen:  # a bad date fails both pattern and format
                seen.add((p.code, p.field))
                out.append(p)
    if not out and fast:  # refused, but by a rule explained nowhere above: still refused
        error = fast[0]
        path: JsonPath = tuple(error.absolute_path)
        out.append(Problem(loaded.path, loaded.line_of(path), "format-invalide",
                           field_name(path), f"« {_show(error.instance)} » n'est pas "
                           "accepté par le schéma.", _example_hint(path, "Corrigez la valeur.")))
    return out
