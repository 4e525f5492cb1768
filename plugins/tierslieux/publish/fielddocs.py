"""Documentation of every field, read from the JSON Schema.

One description of the fields feeds both the contributor guide (Markdown) and the data
page /donnees/schema/ (HTML), so neither can drift from the schema.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..model.schema import resolve, venue_schema

_TYPES = {"string": "texte", "number": "nombre", "integer": "nombre entier",
          "boolean": "booléen (true ou false)", "array": "liste", "object": "groupe de champs"}


def type_name(kind: str) -> str:
    """The French name of a JSON Schema type ("string" -> "texte"), as visitors read it."""
    return _TYPES.get(kind, kind)


@dataclass(frozen=True)
class FieldDoc:
    path: str  # porteur.siret, etapes[].commune
    title: str
    kind: str
    required: bool
    description: str
    values: tuple[tuple[str, str], ...]  # (code, French label) for vocabularies
    example: str  # JSON text of the schema's first example, or ""
    depth: int


def _kind(prop: dict[str, Any]) -> str:
    kind = prop.get("type", "")
    if kind == "array":
        items = resolve(prop.get("items", {}))
        return f"liste de {_TYPES.get(items.get('type', ''), 'valeurs')}"
    if prop.get("format") == "date":
        return "date AAAA-MM-JJ"
    return _TYPES.get(kind, kind)


def _docs(properties: dict[str, Any], required: list[str], prefix: str,
          depth: int) -> list[FieldDoc]:
    out = []
    for name, raw in properties.items():
        prop = resolve(raw)
        labels = prop.get("x-labels") or resolve(prop.get("items", {})).get("x-labels") or {}
        example = prop.get("examples", [None])[0]
        out.append(FieldDoc(
            path=f"{prefix}{name}", title=prop.get("title", name), kind=_kind(prop),
            required=name in required, description=prop.get("description", ""),
            values=tuple(labels.items()),
            example=json.dumps(example, ensure_ascii=False) if example is not None else "",
            depth=depth))
        if prop.get("type") == "object":
            out += _docs(prop["properties"], prop.get("required", []), f"{prefix}{name}.",
                         depth + 1)
        items = resolve(prop.get("items", {})) if prop.get("type") == "array" else {}
        if items.get("type") == "object":
            out += _docs(items["properties"], items.get("required", []),
                         f"{prefix}{name}[].", depth + 1)
    return out


def field_docs() -> list[FieldDoc]:
    schema = venue_schema()
    return _docs(schema["properties"], schema["required"], "", 0)


def location_fields() -> list[str]:
    """Fields required of a fixed venue (an itinerant one has `etapes` instead)."""
    return list(venue_schema()["else"]["required"])
