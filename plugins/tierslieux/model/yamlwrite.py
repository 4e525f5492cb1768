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


class _FastDumper(yaml.CSafeDumper):  # type: ignore[misc]
    """libyaml's emitter (about 3x faster): it writes list items at their key's indent."""


_FastDumper.add_representer(str, _represent_str)
_BLOCK_SCALAR = re.compile(r"(?:^|:\s|-\s)[|>][+-]?\d?$")


def _indent_sequences(text: str) -> str:
    """Indent block-sequence items under their key (« types:\n  - fablab »), as people do."""
    out = []
    open_at: list[int] = []  # indents of the keys whose sequence is being shifted
    block = -1  # indent of the line that opened a block scalar, while inside it
    previous = ""
    for line in text.split("\n"):
        indent = len(line) - len(line.lstrip(" "))
        content = line[indent:]
        if block >= 0 and (indent > block or not content):
            out.append("  " * len(open_at) + line if line else line)
            continue
        block = -1
        item = content.startswith("- ") or content == "-"
        while open_at and (indent < open_at[-1] or (indent == open_at[-1] and not item)):
            open_at.pop()
        prev_indent = len(previous) - len(previous.lstrip(" "))
        if item and previous.endswith(":") and prev_indent == indent and \
                (not open_at or open_at[-1] != indent):
            open_at.append(indent)
        shifted = "  " * len(open_at) + line if line else line
        out.append(shifted)
        if _BLOCK_SCALAR.search(content):
            block = indent
        previous = line
    return "\n".join(out)


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
    """The venue as a file: libyaml's emitter (3x faster than PyYAML's), re-indented.

    The result equals `slow_dump` byte for byte (tested on every fixture and on generated
    venues); callers that re-read what they write (the importer) fall back to `slow_dump`
    if the two ever disagree.
    """
    ordered = _ordered(data, venue_schema())
    return _indent_sequences(yaml.dump(ordered, Dumper=_FastDumper, allow_unicode=True,
                                       sort_keys=False, default_flow_style=False, width=88))


def slow_dump(data: dict[str, Any]) -> str:
    """PyYAML's own emitter, indenting by itself: the reference the fast path must equal."""
    return yaml.dump(_ordered(data, venue_schema()), Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, default_flow_style=False, width=88)


def venue_path(root: Path, departement: str, venue_id: str) -> Path:
    return root / departement / f"{venue_id}.yml"


_TOP_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*):(?:\s|$)")


def replace_fields(text: str, data: dict[str, Any], keys: list[str]) -> str:
    """`text` (a venue file) with only the top-level `keys` rewritten from `data`.

    Why: a confirmation changes two fields of a file a person wrote by hand (a folded
    description, `49.1810`, a quoted date); rewriting the whole file would turn those into
    this writer's style and bury the change in the diff. Each key's block (its line and
    the indented or list lines under it) is replaced by the writer's own rendering, or
    removed when the key is gone, or inserted before the next key in schema order. The
    caller re-reads the result and falls back to `dump_venue` if it does not read back
    as `data`.
    """
    lines = text.split("\n")
    order = list(venue_schema().get("properties", {}))
    for key in keys:
        starts = [i for i, line in enumerate(lines)
                  if (m := _TOP_KEY.match(line)) and m.group(1) == key]
        block = dump_venue({key: data[key]}).rstrip("\n").split("\n") if key in data else []
        if starts:
            start = starts[0]
            end = start + 1
            while end < len(lines) and (lines[end][:1] in (" ", "-") or not lines[end]):
                end += 1
            while end > start + 1 and not lines[end - 1]:
                end -= 1  # blank lines after the block belong to what follows
            lines[start:end] = block
            continue
        if not block:
            continue
        later = set(order[order.index(key) + 1:]) if key in order else set()
        at = next((i for i, line in enumerate(lines)
                   if (m := _TOP_KEY.match(line)) and m.group(1) in later), None)
        if at is None:
            at = len(lines) - 1 if lines and lines[-1] == "" else len(lines)
        lines[at:at] = block
    return "\n".join(lines)
