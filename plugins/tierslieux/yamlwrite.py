"""Write a venue as YAML the way a person would: schema field order, block style, UTF-8.

Used by every command that creates venue files (new, import, from-issue), so that files
written by tools look like files written by hand and diff cleanly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .schema import resolve, venue_schema


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key ("types:\n  - fablab"), as in our examples.
        super().increase_indent(flow, False)


def _ordered(value: Any, schema: dict[str, Any]) -> Any:
    schema = resolve(schema)
    if isinstance(value, dict):
        props = schema.get("properties", {})
        keys = [k for k in props if k in value] + [k for k in value if k not in props]
        return {k: _ordered(value[k], props.get(k, {})) for k in keys}
    if isinstance(value, list):
        return [_ordered(v, schema.get("items", {})) for v in value]
    return value


def dump_venue(data: dict[str, Any]) -> str:
    ordered = _ordered(data, venue_schema())
    return yaml.dump(ordered, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=88)


def venue_path(root: Path, departement: str, venue_id: str) -> Path:
    return root / departement / f"{venue_id}.yml"
