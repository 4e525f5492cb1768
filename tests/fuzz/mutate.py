"""A seeded mutator for the fuzz test: hostile and broken variants of real inputs.

Each case is drawn from its own `random.Random(f"{seed}:{kind}:{index}")`, so one case can
be replayed alone (FUZZ_SEED and the case number in a failure's README). The operators are
the mistakes and attacks a venue file, an issue body or a network's CSV actually meets:
stray YAML punctuation, control and invisible characters, broken UTF-8, deep nesting,
repeated or missing lines, truncation, two files spliced together, odd scalars.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

# Characters that mean something to YAML (and to Markdown and CSV).
YAML_SIGNIFICANT = list(":{}[]&*!|>'\"#%@\\`,-?=~;")
# Control characters, invisible formatting, line separators, a BOM, and bytes that are
# not UTF-8 (a lone continuation byte, an overlong slash, an encoded surrogate, Latin-1).
HOSTILE = [
    "\x00", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\r", "\r\n", "\t",
    "\x85", "\u00a0", "\u200b", "\u200e", "\u202e", "\u2028", "\u2029", "\ufeff",
    "\ufffe", "\U0001f600", "e\u0301", "\uff1a", "::error::forged", "##[group]",
    "%0A", "\\n", "${{ github.token }}", "$(id)", "`id`", "<script>", "=1+1",
]
RAW_BYTES = [b"\x80", b"\xc0\xaf", b"\xed\xa0\x80", b"\xff\xfe", b"\xe9", b"\xf4\x90\x80\x80",
             b"\xe2\x82", b"\x00\x00"]
# Scalars that YAML (or a careless reader) turns into something else than text.
ODD_SCALARS = [
    ".nan", ".inf", "-.inf", "~", "null", "yes", "no", "on", "0x1F", "0o17", "1e400",
    "-0", "12_345", "2025-02-30", "2025-13-01", "9999-12-31", "0001-01-01", "1:20:30",
    "!!python/object/apply:os.system ['id']", "!!binary aGVsbG8=", "*alias", "&anchor x",
    "<<: *anchor", "!custom x", "[]", "{}", "[[]]", "''", '""', "|", ">-", "- - -",
    "? complex", "%YAML 1.1", "x" * 5000, "é" * 3000, "1" * 400, "-1", "99999999999999999999",
    "48.1.2", "-1.6e-400", "\"\\u0000\"", "\"\\x85\"", "'\u202etxt.exe'", "https://",
    "javascript:alert(1)",
]
JSON_ODD = [None, True, False, 0, -1, 1e308, -1e308, 1.5, "", "x" * 3000, [], {}, [[[]]],
            {"type": "Point"}, {"type": "Point", "coordinates": []},
            {"type": "Point", "coordinates": ["a", "b"]}, {"type": "Polygon", "coordinates": 1},
            "NaN", "Infinity", [1, 2, 3, 4, 5], {"": ""}, "\u202e", "\x00"]


def _pos(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def flip_bits(rng: random.Random, data: bytes, _: bytes) -> bytes:
    if not data:
        return bytes([rng.randrange(256)])
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def insert_significant(rng: random.Random, data: bytes, _: bytes) -> bytes:
    for _ in range(rng.randint(1, 6)):
        p = _pos(rng, data)
        ch = rng.choice(YAML_SIGNIFICANT) * rng.choice([1, 1, 1, 2, 3])
        data = data[:p] + ch.encode() + data[p:]
    return data


def insert_hostile(rng: random.Random, data: bytes, _: bytes) -> bytes:
    for _ in range(rng.randint(1, 4)):
        p = _pos(rng, data)
        blob = (rng.choice(RAW_BYTES) if rng.random() < 0.3
                else rng.choice(HOSTILE).encode("utf-8"))
        data = data[:p] + blob + data[p:]
    return data


def nesting_burst(rng: random.Random, data: bytes, _: bytes) -> bytes:
    depth = rng.choice([50, 200, 1000, 5000, 20000])
    style = rng.randrange(4)
    if style == 0:
        burst = b"[" * depth + b"]" * rng.choice([0, depth])
    elif style == 1:
        burst = b"{a: " * depth + b"1" + b"}" * rng.choice([0, depth])
    elif style == 2:  # block sequences, indented further each line
        burst = b"\n".join(b"  " * i + b"- " for i in range(min(depth, 400))) + b"x"
    else:
        burst = b"- " * depth + b"x"
    lines = _lines(data)
    i = rng.randrange(len(lines) + 1)
    key = rng.choice([b"", b"services: ", b"horaires: ", b"nom: ", b"types:\n  "])
    return b"\n".join([*lines[:i], key + burst, *lines[i:]])


def duplicate_lines(rng: random.Random, data: bytes, _: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    j = min(len(lines), i + rng.randint(1, 4))
    times = rng.choice([1, 2, 5, 50, 2000])
    return b"\n".join([*lines[:j], *(lines[i:j] * times), *lines[j:]])


def duplicate_few(rng: random.Random, data: bytes, _: bytes) -> bytes:
    """A row or two repeated: for sources, where every row costs a full import."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"\n".join([*lines[: i + 1], *([lines[i]] * rng.randint(1, 5)), *lines[i + 1:]])


def delete_lines(rng: random.Random, data: bytes, _: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    return b"\n".join(lines[:i] + lines[i + rng.randint(1, 3):])


def swap_lines(rng: random.Random, data: bytes, _: bytes) -> bytes:
    lines = _lines(data)
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[i], lines[j] = lines[j], lines[i]
    return b"\n".join(lines)


def reindent(rng: random.Random, data: bytes, _: bytes) -> bytes:
    lines = _lines(data)
    i = rng.randrange(len(lines))
    prefix = rng.choice([b" ", b"  ", b"\t", b"    ", b" \t"])
    if rng.random() < 0.5:
        lines[i] = prefix + lines[i]
    else:
        lines[i] = lines[i].lstrip()
    return b"\n".join(lines)


def truncate(rng: random.Random, data: bytes, _: bytes) -> bytes:
    return data[:_pos(rng, data)]


def splice(rng: random.Random, data: bytes, other: bytes) -> bytes:
    return data[:_pos(rng, data)] + other[_pos(rng, other):]


def odd_value(rng: random.Random, data: bytes, _: bytes) -> bytes:
    """Replace what follows a `key:` (or a list dash) with an odd scalar."""
    lines = _lines(data)
    candidates = [i for i, line in enumerate(lines) if b":" in line or line.lstrip()[:2] == b"- "]
    if not candidates:
        return data + b"\n" + rng.choice(ODD_SCALARS).encode()
    i = rng.choice(candidates)
    line = lines[i]
    cut = line.index(b":") + 1 if b":" in line else line.index(b"-") + 1
    lines[i] = line[:cut] + b" " + rng.choice(ODD_SCALARS).encode("utf-8")
    return b"\n".join(lines)


def rename_key(rng: random.Random, data: bytes, _: bytes) -> bytes:
    lines = _lines(data)
    keyed = [i for i, line in enumerate(lines) if b":" in line]
    if not keyed:
        return data
    i = rng.choice(keyed)
    key, rest = lines[i].split(b":", 1)
    new = rng.choice([key.upper(), key + b"_", key[:-1], key.replace(b"o", "о".encode()),
                      b"", b"? " + key, b'"' + key + b'"', b"1", b"true", b"null",
                      key + b"\xe2\x80\x8b", b"<<"])
    lines[i] = new + b":" + rest
    return b"\n".join(lines)


def document_markers(rng: random.Random, data: bytes, _: bytes) -> bytes:
    marker = rng.choice([b"---", b"...", b"--- |", b"%YAML 1.1\n---", b"%TAG ! tag:x,2000:\n---",
                         b"--- !!map", b"---\n---"])
    lines = _lines(data)
    i = rng.randrange(len(lines) + 1)
    return b"\n".join([*lines[:i], marker, *lines[i:]])


def grow(rng: random.Random, data: bytes, _: bytes) -> bytes:
    """Make the file large: past the size limit, or one very long line."""
    if rng.random() < 0.5:
        return data * rng.choice([10, 40, 200])
    p = _pos(rng, data)
    return data[:p] + b"A" * rng.choice([10_000, 70_000, 300_000]) + data[p:]


def line_endings(rng: random.Random, data: bytes, _: bytes) -> bytes:
    return data.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\n", b"\x85", b"\n\r"]))


def encode_otherwise(rng: random.Random, data: bytes, _: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    codec = rng.choice(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"])
    return text.encode(codec, errors="replace")


Operator = Callable[[random.Random, bytes, bytes], bytes]

OPERATORS: list[tuple[Operator, int]] = [
    (flip_bits, 3), (insert_significant, 5), (insert_hostile, 4), (nesting_burst, 2),
    (duplicate_lines, 3), (delete_lines, 3), (swap_lines, 2), (reindent, 3), (truncate, 2),
    (splice, 2), (odd_value, 6), (rename_key, 3), (document_markers, 1), (grow, 1),
    (line_endings, 1), (encode_otherwise, 1),
]


def mutate(rng: random.Random, data: bytes, corpus: list[bytes],
           operators: list[tuple[Operator, int]] = OPERATORS) -> tuple[bytes, list[str]]:
    """One to four stacked mutations of `data`; returns the result and what was done."""
    names = []
    functions, weights = zip(*operators, strict=True)
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
        op = rng.choices(functions, weights)[0]
        data = op(rng, data, rng.choice(corpus))
        names.append(op.__name__)
    return data, names


# --- Structured sources -------------------------------------------------------------------

def csv_cells(rng: random.Random, data: bytes, _: bytes) -> bytes:
    """Break a CSV's structure: extra or missing delimiters, quotes, formula cells."""
    lines = _lines(data)
    i = rng.randrange(len(lines))
    cell = rng.choice([b";", b";;;;;;;;;;;;;;;;", b"", b'"', b'"a\nb"', b'"x""y"', b"=HYPERLINK(1)",
                       b"+33 6 00", b"@x", b"-1", b"48,1", b"NaN", b"inf", b"1e999", b" ",
                       "é".encode("latin-1"), b"\x00", b"a" * 20_000])
    cells = lines[i].split(b";")
    j = rng.randrange(len(cells))
    if rng.random() < 0.5:
        cells[j] = cell
    else:
        cells.insert(j, cell)
    lines[i] = b";".join(cells)
    return b"\n".join(lines)


# Sources stay small: each row is a full import (the size limits have their own tests).
SOURCE_OPERATORS: list[tuple[Operator, int]] = [
    (op, weight) for op, weight in OPERATORS if op not in (grow, duplicate_lines)
] + [(duplicate_few, 3)]
CSV_OPERATORS: list[tuple[Operator, int]] = [*SOURCE_OPERATORS, (csv_cells, 12)]


def json_structure(rng: random.Random, data: bytes, _: bytes) -> bytes:
    """Replace a random node of a JSON document by an odd value, or nest it deeply."""
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):  # an earlier mutation broke or nested it
        return data
    nodes: list[tuple[object, object]] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                nodes.append((node, key))
                walk(value)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                nodes.append((node, index))
                walk(value)

    walk(doc)
    if not nodes:
        return data
    parent, key = rng.choice(nodes)
    deep = rng.random() < 0.15
    parent[key] = "\x01deep" if deep else rng.choice(JSON_ODD)  # type: ignore[index]
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
    if deep:  # written out, not built: json.dumps itself would recurse too deep
        depth = rng.choice([100, 1000, 5000])
        text = text.replace('"\\u0001deep"', "[" * depth + "1" + "]" * depth)
    return text.encode()


JSON_OPERATORS: list[tuple[Operator, int]] = [*SOURCE_OPERATORS, (json_structure, 14)]


# --- Issue bodies -------------------------------------------------------------------------

ANSWERS = [
    "_No response_", "### Nom du lieu", "- [X] Coworking", "- [ ] Fablab", "48,11 ; -1,68",
    "48.1 -1.6 2.3", "-1.68, 48.11", "35000 35000", "2A004", "97411", "00000", "35238",
    "Coworking, Coworking, Fablab", "Oui", "Non", "oui", "1 000,50", "-5", "1e9", "∞",
    "lundi 9h-18h", "Mo-Fr 09:00-18:00; PH off", "24/7", "12345678901234", "W123456789",
    "@compte@instance.social, https://x.example/@a", "étape 1\nétape 2", "```\ncode\n```",
    "<img src=x onerror=alert(1)>", "[lien](javascript:alert(1))", "> citation",
]


def issue_answer(rng: random.Random, data: bytes, _: bytes) -> bytes:
    """Replace one answer of the issue form (a line that is not a heading)."""
    lines = _lines(data)
    answers = [i for i, line in enumerate(lines) if line.strip() and not line.startswith(b"#")]
    if not answers:
        return data
    i = rng.choice(answers)
    value = rng.choice([*ANSWERS, *ODD_SCALARS, *HOSTILE])
    lines[i] = value.encode("utf-8")
    return b"\n".join(lines)


ISSUE_OPERATORS: list[tuple[Operator, int]] = [*OPERATORS, (issue_answer, 20)]
