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


WIDTH = 88  # as people's editors wrap: folded texts stay readable in a diff
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


def _libyaml_dump(ordered: Any, width: int = WIDTH) -> str:
    return _indent_sequences(yaml.dump(ordered, Dumper=_FastDumper, allow_unicode=True,
                                       sort_keys=False, default_flow_style=False, width=width))


def dump_venue(data: dict[str, Any]) -> str:
    """The venue as a file, written directly where every value is a short plain one.

    Most values of a venue (names, codes, URLs, numbers) need no quoting and no folding:
    they are written here, in schema order, without building YAML nodes. Any other value
    (long texts, quotes, colons, line breaks...) is written with its key by libyaml's
    emitter, re-indented. The result equals `slow_dump` byte for byte (tested on every
    venue of the directory, every fixture and on generated venues); callers that re-read
    what they write (the importer) fall back to `slow_dump` if the two ever disagree.
    """
    schema = venue_schema()
    if not data:
        return _libyaml_dump(_ordered(data, schema))
    out: list[str] = []
    _write_mapping(out, data, schema, 0)
    return "".join(out)


_PLAIN_CHARS = re.compile(r"[\w .,:'’/()«»&+@%!?;=~*-]*")
_RESOLVERS = yaml.resolver.Resolver.yaml_implicit_resolvers


def _plain(value: Any, room: int) -> str | None:
    """The scalar as libyaml writes it when it fits in `room` columns unquoted, else None."""
    if isinstance(value, str):
        if not value or len(value) > room or not value[0].isalnum() or value[-1] in " :" \
                or _PLAIN_CHARS.fullmatch(value) is None or ": " in value or "  " in value:
            return None
        if value.isdigit():
            return f'"{value}"' if value.isascii() and len(value) + 2 <= room else None
        if _DATE.match(value):
            return value
        for _tag, regexp in _RESOLVERS.get(value[0], ()):
            if regexp.match(value):  # would read back as a number, a boolean...
                return None
        return value
    if value is True or value is False:
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float) and value == value and abs(value) != float("inf"):
        text = repr(value).lower()
        if "." not in text and "e" in text:
            return None
    else:
        return None
    return text if len(text) <= room else None


def _write_mapping(out: list[str], data: dict[str, Any], schema: dict[str, Any],
                   indent: int) -> None:
    schema = resolve(schema)
    props = schema.get("properties", {})
    pad = " " * indent
    for key in [k for k in props if k in data] + [k for k in data if k not in props]:
        if not _write_entry(out, key, data[key], props.get(key, {}), indent, pad):
            out.append(_shifted(_libyaml_dump({key: _ordered(data[key], props.get(key, {}))},
                                              WIDTH - indent), pad))


def _write_entry(out: list[str], key: Any, value: Any, schema: dict[str, Any], indent: int,
                 pad: str) -> bool:
    """Write `key: value` at `indent` when every part of it is plain; False otherwise."""
    if not isinstance(key, str) or _plain(key, WIDTH) != key or key.isdigit():
        return False
    head = f"{pad}{key}:"
    if isinstance(value, dict):
        if not value:
            return False
        out.append(head + "\n")
        _write_mapping(out, value, schema, indent + 2)
        return True
    if isinstance(value, list):
        return _write_sequence(out, head, value, resolve(schema).get("items", {}), indent + 2)
    text = _plain(value, WIDTH - len(head) - 1)
    if text is None:
        return False
    out.append(f"{head} {text}\n")
    return True


def _write_sequence(out: list[str], head: str, items: list[Any], schema: dict[str, Any],
                    indent: int) -> bool:
    """Items of scalars or of flat mappings, each on its lines; False if one is not plain."""
    if not items:
        return False
    lines = [head + "\n"]
    pad = " " * indent
    for item in items:
        if isinstance(item, dict):
            entry: list[str] = []
            props = resolve(schema).get("properties", {})
            for key in [k for k in props if k in item] + [k for k in item if k not in props]:
                value = item[key]
                if isinstance(value, dict | list) or not _write_entry(
                        entry, key, value, props.get(key, {}), indent + 2, pad + "  "):
                    return False
            if not entry:
                return False
            entry[0] = f"{pad}- {entry[0][indent + 2:]}"
            lines.extend(entry)
            continue
        text = _plain(item, WIDTH - indent - 2)
        if text is None:
            return False
        lines.append(f"{pad}- {text}\n")
    out.extend(lines)
    return True


def _shifted(text: str, pad: str) -> str:
    if not pad:
        return text
    return "".join(pad + line if line.strip("\n") else line
                   for line in text.splitlines(keepends=True))


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
