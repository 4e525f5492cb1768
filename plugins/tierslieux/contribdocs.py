"""The generated parts of CONTRIBUTING.md: every field and every error code.

Written from the schema and the catalogue of problems, so the guide cannot drift from
what the validator actually accepts and reports.
"""

from __future__ import annotations

import json
from typing import Any

from .problems import CODES
from .schema import resolve, venue_schema

FIELDS_BEGIN = "<!-- BEGIN champs (généré par `tierslieux sync`) -->"
FIELDS_END = "<!-- END champs -->"
CODES_BEGIN = "<!-- BEGIN codes (généré par `tierslieux sync`) -->"
CODES_END = "<!-- END codes -->"

_TYPES = {"string": "texte", "number": "nombre", "integer": "nombre entier",
          "boolean": "`true` ou `false`", "array": "liste", "object": "groupe de champs"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _kind(prop: dict[str, Any]) -> str:
    kind = prop.get("type", "")
    if kind == "array":
        items = resolve(prop.get("items", {}))
        return f"liste de {_TYPES.get(items.get('type', ''), 'valeurs')}"
    if prop.get("format") == "date":
        return "date AAAA-MM-JJ"
    return _TYPES.get(kind, kind)


def _values(prop: dict[str, Any]) -> str:
    labels = prop.get("x-labels") or resolve(prop.get("items", {})).get("x-labels")
    if not labels:
        return ""
    return "<br>".join(f"`{code}` : {label}" for code, label in labels.items())


def _rows(properties: dict[str, Any], required: list[str], prefix: str = "") -> list[str]:
    rows = []
    for name, raw in properties.items():
        prop = resolve(raw)
        needed = "oui" if name in required else ""
        example = prop.get("examples", [None])[0]
        shown = f"`{json.dumps(example, ensure_ascii=False)}`" if example is not None else ""
        description = prop.get("description", "")
        values = _values(prop)
        rows.append(f"| `{prefix}{name}` | {_cell(prop.get('title', name))} | {_kind(prop)} | "
                    f"{needed} | {_cell(description)}{'<br>' + values if values else ''} | "
                    f"{_cell(shown)} |")
        if prop.get("type") == "object":
            rows += _rows(prop["properties"], prop.get("required", []), f"{prefix}{name}.")
        items = resolve(prop.get("items", {})) if prop.get("type") == "array" else {}
        if items.get("type") == "object":
            rows += _rows(items["properties"], items.get("required", []), f"{prefix}{name}[].")
    return rows


def fields_table() -> str:
    schema = venue_schema()
    location = ", ".join(f"`{f}`" for f in schema["else"]["required"])
    head = [
        f"Champs obligatoires pour tous les lieux : "
        f"{', '.join(f'`{f}`' for f in schema['required'])}. Un lieu fixe a aussi {location} ; "
        "un lieu itinérant a `etapes` à la place.",
        "",
        "| Champ | Titre | Type | Obligatoire | Description et valeurs permises | Exemple |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    return "\n".join(head + _rows(schema["properties"], schema["required"]))


def codes_table() -> str:
    head = ["| Code | Gravité | Ce que cela signifie | Comment corriger |",
            "| --- | --- | --- | --- |"]
    return "\n".join(head + [f"| `{c.code}` | {c.severity} | {_cell(c.summary)} | "
                             f"{_cell(c.fix)} |" for c in CODES.values()])


def replace_block(text: str, begin: str, end: str, content: str) -> str:
    if begin not in text or end not in text:
        raise ValueError(f"marqueurs absents : {begin} … {end}")
    before, rest = text.split(begin, 1)
    return before + begin + "\n" + content + "\n" + end + rest.split(end, 1)[1]


def render(current: str) -> str:
    text = replace_block(current, FIELDS_BEGIN, FIELDS_END, fields_table())
    return replace_block(text, CODES_BEGIN, CODES_END, codes_table())
