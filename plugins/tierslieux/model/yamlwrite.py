"""Write a venue as YAML the way a person would: schema field order, block style, UTF-8.

Used by every command that creates venue files (new, import, from-issue), so that files
written by tools look like files written by hand and diff cleanly.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .schema import resolve, venue_schema


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key ("types:\n  - fablab"), as in our examples.
        super().increase_indent(flow, False)


_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    """Dates plain, codes in double quotes, long texts as blocks: as people write them."""
    if any(c in value for c in "\x85\u2028\u2029"):
        # YAML reads these as line breaks: only an escaped double-quoted string keeps them.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if _DATE.match(value):
        return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value)
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    node = dumper.represent_scalar("tag:yaml.org,2002:str", value)
    if value.isdigit():
        node.style = '"'
    return node


_Dumper.add_representer(str, _represent_str)


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
