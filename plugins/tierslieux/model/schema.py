"""The venue JSON Schema: loading it and reading its annotations.

The schema is the single source of truth: titles, descriptions, examples and the French
labels of every vocabulary (`x-labels`) are read from it by the validator's messages,
the templates, the exports and the docs.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from .paths import SCHEMA_PATH


@cache
def venue_schema() -> dict[str, Any]:
    with SCHEMA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """Merge a `$ref` target under the annotations written beside the reference."""
    ref = node.get("$ref")
    if not ref:
        return node
    target: Any = venue_schema()
    for part in ref.removeprefix("#/").split("/"):
        target = target[part]
    merged = dict(resolve(target))
    merged.update({k: v for k, v in node.items() if k != "$ref"})
    return merged


def field_schema(path: tuple[str | int, ...]) -> dict[str, Any] | None:
    """The (resolved) schema of the field at `path`, or None if the schema has no such field."""
    node: dict[str, Any] = venue_schema()
    for part in path:
        node = resolve(node)
        node = node.get("items") if isinstance(part, int) else node.get("properties", {}).get(part)
        if not isinstance(node, dict):
            return None
    return resolve(node)


def labels(def_name: str) -> dict[str, str]:
    """Code -> French label for one vocabulary of `$defs`."""
    return venue_schema()["$defs"][def_name]["x-labels"]


def vocabulary_of(path: tuple[str | int, ...]) -> dict[str, str] | None:
    """The labels of the vocabulary a field (or its items) draws from, if any."""
    node = field_schema(path)
    if node is None:
        return None
    if node.get("type") == "array":
        node = resolve(node.get("items", {}))
    return node.get("x-labels")


def title(path: tuple[str | int, ...]) -> str:
    node = field_schema(path)
    return (node or {}).get("title", str(path[-1]) if path else "fiche")
