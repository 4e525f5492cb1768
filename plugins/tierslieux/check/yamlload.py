"""Read one venue file into plain Python data, keeping the line of every field.

We read libyaml's event stream (CSafeLoader) and build values ourselves, without
recursion, because PyYAML's own composer and constructor:
- recurse once per nesting level (a few kilobytes of `[[[[…` crash the process with a
  RecursionError or a segmentation fault): we stop at MAX_DEPTH levels, with a problem;
- silently keep the last of two duplicate keys, and expand aliases (a "billion laughs"
  file exhausts memory): both are problems here, and aliases are never expanded;
- follow YAML 1.1, where `yes`, `off`, `0x30`, `0755` or `1:30` silently become booleans
  and numbers: a plain value is read by the strict rules below, and a YAML 1.1 form is a
  problem that says what to write;
- turn dates into objects the JSON Schema cannot check: dates stay text.

Characters that must never be published (characters.py) are refused wherever they are,
written raw or as an escape ("\\u202e"), and replaced by U+FFFD in the data handed on.
Every libyaml error becomes a French problem on the line where the mistake is. Nothing
raises, and the work is linear in the file's size (at most MAX_BYTES).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model.schema import field_schema
from ..model.venue import JsonPath
from . import characters
from .problems import CODES, Problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML wheels ship libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]

MAX_BYTES = 64 * 1024
# Lists and groups inside one another. A venue needs 3 (the file, `etapes`, one stop);
# a hostile file needs thousands to crash a recursive reader.
MAX_DEPTH = 20

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_PLAIN_STRING_TAGS = (None, "!", _STR)

# -- plain scalars: what a value written without quotes means ------------------------------
# Values are read as YAML 1.2 does. PyYAML follows YAML 1.1, where `yes`, `off`, `0x30`,
# `0755`, `1_000` or `1:30` silently become booleans and numbers: those forms are refused,
# with what to write instead. Booleans are written true or false (and only those, as the
# contributor guide says); a French oui/non is not a boolean, so the same file never means
# two things. Anything PyYAML reads as text (y, n, 1e3, 09:30, 2024-05-01) stays text.
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False,
          "FALSE": False}
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)")
_FLOAT = re.compile(r"[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+][0-9]+)?")
_NOT_FINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
# PyYAML's booleans besides true and false (its resolver's list).
_YAML11_BOOLS = frozenset({"yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off",
                           "Off", "OFF"})
_YAML11 = yaml.resolver.Resolver()  # PyYAML's own rules, to know what it would coerce
_YAML11_BOOL = "tag:yaml.org,2002:bool"
_YAML11_NUMBERS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
# The YAML 1.1 number forms, by kind, for the explanation.
_ODD_NUMBERS = [
    (re.compile(r"[-+]?0x[0-9a-fA-F_]+"), "hexadecimal"),
    (re.compile(r"[-+]?0b[01_]+"), "binary"),
    (re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?"), "sexagesimal"),
    (re.compile(r"[-+]?0[0-7_]+"), "octal"),
]
_ODD_EXPLANATIONS = {
    "hexadecimal": "est un nombre écrit en base 16 (hexadécimal)",
    "binary": "est un nombre écrit en base 2 (binaire)",
    "octal": "commence par un zéro : YAML le lit comme un nombre en base 8 (octal)",
    "sexagesimal": "est lu par YAML comme un nombre en base 60 (comme des heures et des "
                   "minutes), pas comme un texte",
    "underscore": "contient « _ », que YAML retire des nombres",
}


def _odd_number_kind(text: str) -> str:
    for pattern, kind in _ODD_NUMBERS:
        if pattern.fullmatch(text):
            return kind
    return "underscore"  # what is left of YAML 1.1's numbers: 1_000, 48.111_3


def _yaml11_value(text: str) -> Any:
    """What PyYAML's YAML 1.1 rules make of a plain value (48 for 0x30)."""
    return yaml.load(text, Loader=_Loader)  # one plain scalar that PyYAML reads as a number


def _expected(path: JsonPath) -> str | None:
    """What the venue schema wants at `path`: "boolean", "number", "string" (a code, a
    date, an address…), "text" (free text, such as a name) or None (unknown field)."""
    node = field_schema(path) or {}
    kind = node.get("type")
    if kind == "boolean":
        return "boolean"
    if kind in ("number", "integer"):
        return "number"
    if kind == "string":
        return "string" if "enum" in node or "pattern" in node else "text"
    return None


# -- the result ---------------------------------------------------------------------------
@dataclass
class Loaded:
    """A file's data (None when unreadable), its field lines and its problems."""

    path: str
    data: Any = None
    lines: dict[JsonPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # How each value that is not text was written (`true`, `48.10`, `~`), for messages.
    written: dict[JsonPath, str] = field(default_factory=dict)
    # Fields whose value was refused here: later checks need not explain them again.
    refused: set[str] = field(default_factory=set)

    def line_of(self, path: JsonPath) -> int:
        """The line of the deepest known field on `path` (1 for the file itself)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1

    def as_written(self, path: JsonPath, value: Any) -> str:
        """`value` (found at `path`) as the contributor wrote it: `true`, never `True`."""
        written = self.written.get(path)
        return written if written is not None else yaml_text(value)


def yaml_text(value: Any) -> str:
    """A value shown the way YAML writes it (true, false, vide for null, [a, b])."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(yaml_text(v) for v in value[:10]) + (
            ", …]" if len(value) > 10 else "]")
    if isinstance(value, dict):
        items = list(value.items())
        return "{" + ", ".join(f"{k}: {yaml_text(v)}" for k, v in items[:10]) + (
            ", …}" if len(items) > 10 else "}")
    return str(value)


def field_name(path: JsonPath) -> str:
    """Human-readable field path: porteur.siret, etapes[2].commune."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


# -- line numbers as libyaml counts them ---------------------------------------------------
# libyaml breaks lines at LF, CR, CR LF, NEL, LS and PS; its marks count lines that way.
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


class _Lines:
    """Line numbers of character indexes, computed the first time one is asked for."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts: list[int] | None = None

    def at(self, index: int) -> int:
        """The 1-based line of character `index`."""
        if self.starts is None:
            self.starts = [0] + [m.end() for m in _BREAK.finditer(self.text)]
        return bisect.bisect_right(self.starts, index)


class _TooDeep(Exception):
    """Raised by the builder to stop reading a file nested beyond MAX_DEPTH."""


# Problems about a value itself: the schema would only repeat them in other words.
_VALUE_CODES = frozenset({"valeur-ambigue", "texte-invisible", "caractere-interdit",
                          "nombre-invalide"})
_NO_KEY = object()  # a mapping waiting for its next key
_BAD_KEY = object()  # the key was refused: its value is read (for problems) then dropped


class _Frame:
    """One open list or group of fields while events are read."""

    __slots__ = ("bad_name", "keep", "key", "path", "value")

    def __init__(self, value: dict[str, Any] | list[Any], path: JsonPath, keep: bool) -> None:
        self.value = value
        self.path = path
        self.keep = keep  # False inside a refused key or the value of a refused key
        self.key: Any = _NO_KEY
        self.bad_name = ""


class _Builder:
    """Turns libyaml events into values, with an explicit stack (no recursion)."""

    def __init__(self, loaded: Loaded, text: str, lines: _Lines) -> None:
        self.loaded = loaded
        self.text = text
        self.lines = lines
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.root_event: yaml.Event | None = None
        self.anchors: set[str] = set()
        self.alias_reported = False
        # Where each scalar is in the text (start, end, path), to name the field of a
        # character found by the raw scan. In document order.
        self.spans: list[tuple[int, int, JsonPath]] | None = None

    def problem(self, line: int, code: str, path: JsonPath, message: str, hint: str) -> None:
        self.loaded.problems.append(
            Problem(self.loaded.path, line, code, field_name(path), message, hint))
        if code in _VALUE_CODES:
            self.loaded.refused.add(field_name(path))

    # -- where the next node goes --------------------------------------------------------
    def position(self) -> tuple[JsonPath, str, bool]:
        """(path, role, keep) of the next node: role is root, item, key or value."""
        if not self.stack:
            return (), "root", True
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.path, len(top.value)), "item", top.keep
        if top.key is _NO_KEY:
            return top.path, "key", False
        if top.key is _BAD_KEY:
            return (*top.path, top.bad_name), "value", False
        return (*top.path, top.key), "value", top.keep

    def current_path(self) -> JsonPath:
        return self.position()[0]

    def _deliver(self, value: Any, role: str) -> None:
        if role == "root":
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
        elif role == "value":
            if top.key is not _BAD_KEY:
                top.value[top.key] = value
            top.key = _NO_KEY

    def _refuse_key(self, name: str) -> None:
        top = self.stack[-1]
        top.key, top.bad_name = _BAD_KEY, name

    # -- events ------------------------------------------------------------------------
    def handlers(self) -> dict[type, Any]:
        """The builder's method for each kind of event (others are ignored)."""
        return {yaml.ScalarEvent: self._scalar_event, yaml.MappingStartEvent: self._start,
                yaml.SequenceStartEvent: self._start, yaml.MappingEndEvent: self._end,
                yaml.SequenceEndEvent: self._end, yaml.AliasEvent: self._alias}

    def _end(self, event: yaml.CollectionEndEvent) -> None:
        frame = self.stack.pop()
        _, role, _ = self.position()
        if role == "key":
            self._refuse_key("…")
        else:
            self._deliver(frame.value, role)

    def _line(self, event: yaml.Event) -> int:
        return event.start_mark.line + 1

    def _start(self, event: yaml.CollectionStartEvent) -> None:
        path, role, keep = self.position()
        line = self._line(event)
        if self.root_event is None:
            self.root_event = event
        if len(self.stack) >= MAX_DEPTH:
            self.problem(
                line, "yaml-trop-profond", path[:1],  # the field at the top of the file
                f"les listes et groupes de champs sont imbriqués sur plus de {MAX_DEPTH} "
                "niveaux.",
                "Une fiche n'a que quelques niveaux (par exemple « etapes », puis une "
                "étape, puis ses champs) : vérifiez les crochets [ ], les accolades { } et "
                "l'indentation de cette ligne.")
            raise _TooDeep
        if event.anchor:
            self.anchors.add(event.anchor)
        mapping = isinstance(event, yaml.MappingStartEvent)
        if event.tag not in (None, "!", _MAP if mapping else _SEQ):
            self._bad_tag(line, path, event.tag)
        if role == "key":
            self._bad_key(line, self.stack[-1].path, "…")
            path = self.stack[-1].path
        self.stack.append(_Frame({} if mapping else [], path, keep))

    def _alias(self, event: yaml.AliasEvent) -> None:
        path, role, _ = self.position()
        line = self._line(event)
        top = self.stack[-1] if self.stack else None
        if top and top.key is _BAD_KEY and top.bad_name == "<<":
            pass  # `<<: *base` is one mistake, already explained by the merge key
        elif event.anchor not in self.anchors:
            self.problem(line, "yaml-alias", path,
                         f"l'alias « *{event.anchor} » renvoie à une ancre inconnue.",
                         "Recopiez la valeur en entier au lieu d'utiliser un alias (*).")
        elif not self.alias_reported:
            # The first one is enough to explain the fix; aliases are never expanded.
            self.alias_reported = True
            self.problem(line, "yaml-alias", path,
                         "les alias YAML (*nom) ne sont pas acceptés.",
                         "Recopiez la valeur en entier au lieu d'utiliser une ancre (&) et "
                         "un alias (*).")
        if role == "key":
            self._refuse_key(f"*{event.anchor}")
        else:
            self._deliver(None, role)

    def _bad_tag(self, line: int, path: JsonPath, tag: str) -> None:
        shown = tag.replace("tag:yaml.org,2002:", "!!")
        self.problem(line, "yaml-etiquette", path,
                     f"l'étiquette YAML « {characters.replace_forbidden(shown)} » n'est pas "
                     "permise.",
                     "Retirez l'étiquette (le texte qui commence par !) et écrivez la valeur "
                     "simplement.")

    def _bad_key(self, line: int, path: JsonPath, shown: str) -> None:
        self.problem(line, "cle-invalide", path,
                     f"« {shown} » n'est pas un nom de champ valide.",
                     "Un nom de champ est un mot en minuscules suivi de « : », par exemple "
                     "« nom: ».")

    def _scalar_event(self, event: yaml.ScalarEvent) -> None:
        path, role, keep = self.position()
        line = event.start_mark.line + 1
        if self.root_event is None:
            self.root_event = event
        if event.anchor:
            self.anchors.add(event.anchor)
        text = event.value
        if event.style == '"':  # only escapes can still write a forbidden character
            text = self._clean(event, path, role == "key", line)
        plain = not event.style and event.tag is None
        if role == "key":
            if self.spans is not None:
                self.spans.append((event.start_mark.index, event.end_mark.index,
                                   (*path, text)))
            self._key(event, text, plain, path, line)
            return
        if self.spans is not None:
            self.spans.append((event.start_mark.index, event.end_mark.index, path))
        if event.tag not in _PLAIN_STRING_TAGS:
            self._bad_tag(line, path, event.tag)
            value: Any = text
        elif plain:
            value = self._plain(text, path, line)
        else:
            value = text
        if isinstance(value, str) and characters.is_blank(value) and _expected(path) == "text":
            self.problem(line, "texte-invisible", path,
                         "la valeur ne contient que des espaces ou des caractères invisibles "
                         "(espace insécable, caractère de largeur nulle…).",
                         "Écrivez le texte en lettres visibles, ou retirez le champ s'il est "
                         "facultatif.")
        if keep and role == "item":
            self.loaded.lines.setdefault(path, line)
        self._deliver(value, role)

    def _key(self, event: yaml.ScalarEvent, key: str, plain: bool, path: JsonPath,
             line: int) -> None:
        top = self.stack[-1]
        if plain and key == "<<":
            self.problem(line, "yaml-alias", path,
                         "la fusion de champs YAML (<<) n'est pas acceptée.",
                         "Écrivez chaque champ explicitement.")
            self._refuse_key(key)
            return
        if event.tag not in _PLAIN_STRING_TAGS or (plain and _plain_kind(key) != "str"):
            self._bad_key(line, path, key)
            self._refuse_key(key)
            return
        if key in top.value:
            first = self.loaded.lines.get((*path, key), line) if top.keep else line
            self.problem(line, "cle-dupliquee", (*path, key),
                         f"le champ « {key} » apparaît deux fois (déjà ligne {first}).",
                         "Gardez une seule fois ce champ, avec la bonne valeur.")
            self._refuse_key(key)
            return
        if top.keep:
            self.loaded.lines[(*path, key)] = line
        top.key = key

    # -- scalar values -------------------------------------------------------------------
    def _clean(self, event: yaml.ScalarEvent, path: JsonPath, key: bool, line: int) -> str:
        """The scalar's text, with a problem for (and U+FFFD instead of) bad characters.

        Raw characters were replaced before parsing (and are reported by the raw scan),
        so what is found here was written as an escape in double quotes ("\\u202e").
        """
        text = event.value
        found = characters.first_forbidden(text)
        if found is None:
            return text
        ch = found[1]
        if key:
            path = (*path, characters.replace_forbidden(text))
        where, written = self._escape_of(event, ch)
        shown = f", écrit « {written} »," if written else ""
        self.problem(where or line, "caractere-interdit", path,
                     f"le caractère {characters.describe(ch)}{shown} n'est pas permis.",
                     "Retirez ce caractère invisible : il casserait la page, le flux ou les "
                     "téléchargements, ou cacherait une partie du texte.")
        return characters.replace_forbidden(text)

    def _escape_of(self, event: yaml.ScalarEvent, ch: str) -> tuple[int | None, str]:
        """Line and spelling of the first escape in the scalar that gives `ch`."""
        if event.style != '"':
            return None, ""
        start, end = event.start_mark.index, event.end_mark.index
        source = self.text[start:end]
        for match in _ESCAPE.finditer(source):
            if _unescape(match.group()) == ch:
                return self.lines.at(start + match.start()), match.group()
        return None, ""  # pragma: no cover - a double-quoted value gets it from an escape

    def _plain(self, text: str, path: JsonPath, line: int) -> Any:
        kind = _plain_kind(text)
        if kind == "str":
            return text
        if kind == "null":
            self.loaded.written[path] = text
            return None
        if kind == "bool":
            self.loaded.written[path] = text
            return _BOOLS[text]
        if kind == "int":
            self.loaded.written[path] = text
            return int(text)
        if kind == "float":
            self.loaded.written[path] = text
            return float(text)
        if kind == "not-finite":
            self.loaded.written[path] = text
            self.problem(line, "nombre-invalide", path,
                         f"« {text} » n'est pas un nombre utilisable.",
                         "Écrivez un nombre décimal ordinaire, avec un point : 48.1113.")
            return _yaml11_value(text)
        return self._ambiguous(text, kind, path, line)

    def _ambiguous(self, text: str, kind: str, path: JsonPath, line: int) -> Any:
        """A YAML 1.1 boolean or number form: refused, with what to write instead."""
        expected = _expected(path)
        quoted = f"Mettez la valeur entre guillemets pour garder le texte : \"{text}\"."
        if kind == "yaml11-bool":
            meaning = text.lower() in ("yes", "on")
            if expected == "boolean":
                message = f"« {text} » n'est pas accepté pour un champ oui/non."
                hint = (f"Écrivez true (pour oui) ou false (pour non) : « {text} » se "
                        f"corrige en {yaml_text(meaning)}.")
            else:
                message = (f"« {text} » sans guillemets est lu par YAML comme un booléen "
                           f"({'vrai' if meaning else 'faux'}), pas comme un texte.")
                hint = quoted if expected in ("string", "text") else (
                    f"Pour un champ oui/non, écrivez true ou false. {quoted}")
            value: Any = meaning if expected == "boolean" else text
        else:
            number = _yaml11_value(text)
            message = f"« {text} » {_ODD_EXPLANATIONS[kind]} ; YAML en fait {number}."
            decimal = ("Écrivez un nombre ordinaire, en chiffres décimaux, sans zéro au "
                       "début ni « _ », « : » ou « 0x », avec un point pour les décimales "
                       "(par exemple 48.1113).")
            if expected == "number":
                hint = decimal
            elif expected in ("string", "text"):
                hint = quoted
            else:
                hint = f"{quoted} S'il s'agit d'un nombre : {decimal[0].lower()}{decimal[1:]}"
            value = number if expected == "number" else text
        self.loaded.written[path] = text
        self.problem(line, "valeur-ambigue", path, message, hint)
        return value


def _plain_kind(text: str) -> str:
    """How a value written without quotes reads: str, null, bool, int, float, not-finite,
    or a YAML 1.1 coercion (yaml11-bool, or a kind of number from _ODD_NUMBERS)."""
    if text in _NULLS:
        return "null"
    if text[0].isalpha():  # the usual case: a word, unless one of YAML's booleans
        return "bool" if text in _BOOLS else "yaml11-bool" if text in _YAML11_BOOLS else "str"
    if _INT.fullmatch(text):
        return "int"
    if _FLOAT.fullmatch(text):
        return "float"
    if _NOT_FINITE.fullmatch(text):
        return "not-finite"
    tag = _YAML11.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _YAML11_BOOL:
        return "yaml11-bool"
    if tag in _YAML11_NUMBERS:
        return _odd_number_kind(text)
    return "str"


# Escapes of a double-quoted YAML scalar, read left to right so "\\\\x07" is not one.
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", re.DOTALL)
_NAMED_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n",
                  "v": "\v", "f": "\f", "r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0",
                  "L": "\u2028", "P": "\u2029"}


def _unescape(escape: str) -> str:
    body = escape[1:]
    if body[0] in "xuU" and len(body) > 1:
        return chr(int(body[1:], 16))
    return _NAMED_ESCAPES.get(body, body)


# -- reading a file -----------------------------------------------------------------------
def load_bytes(raw: bytes, path: str) -> Loaded:
    """Parse a venue file's bytes; problems are collected, never raised."""
    loaded = _load_bytes(raw, path)
    loaded.problems = _capped(loaded.problems)
    return loaded


# A hostile file can repeat one mistake thousands of times: past this many problems of one
# kind, the rest are counted in one problem instead of listed.
MAX_PER_CODE = 20


def _capped(problems: list[Problem]) -> list[Problem]:
    counts = Counter(p.code for p in problems)
    if max(counts.values(), default=0) <= MAX_PER_CODE:
        return problems
    kept: list[Problem] = []
    shown: Counter[str] = Counter()
    rest: dict[str, list[Problem]] = defaultdict(list)
    for p in sorted(problems, key=lambda p: p.line):
        if shown[p.code] < MAX_PER_CODE:
            shown[p.code] += 1
            kept.append(p)
        else:
            rest[p.code].append(p)
    for code, more in rest.items():
        kept.append(Problem(
            more[0].path, more[0].line, code, "",
            f"{len(more)} autres problèmes « {code} » suivent, des lignes {more[0].line} à "
            f"{more[-1].line} : ils ne sont pas détaillés.", CODES[code].fix))
    return kept


def _load_bytes(raw: bytes, path: str) -> Loaded:
    loaded = Loaded(path)

    def problem(line: int, code: str, message: str, hint: str = "") -> None:
        loaded.problems.append(Problem(path, line, code, "", message, hint))

    if len(raw) > MAX_BYTES:
        problem(
            1, "fichier-trop-gros",
            f"le fichier fait {len(raw)} octets, au-delà de la limite de {MAX_BYTES} octets.",
            "Une fiche tient en quelques kilo-octets : raccourcissez la description.",
        )
        return loaded
    if raw.startswith(b"\xef\xbb\xbf"):
        problem(
            1, "encodage-bom",
            "le fichier commence par une marque d'ordre d'octets (BOM) invisible.",
            "Enregistrez le fichier en « UTF-8 » sans BOM (option de votre éditeur).",
        )
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        problem(
            _line_at(raw, exc.start), "encodage-invalide",
            f"l'octet 0x{raw[exc.start]:02x} n'est pas de l'UTF-8 valide.",
            "Enregistrez le fichier en UTF-8 (et non en Latin-1 ou Windows-1252).",
        )
        return loaded
    if "\x00" in text:
        problem(_line_at(raw, raw.index(b"\x00")), "encodage-invalide",
                "le fichier contient un caractère nul : ce n'est pas un fichier texte.",
                "Enregistrez la fiche comme texte brut en UTF-8.")
        return loaded
    lines = _Lines(text)
    text, raw_chars = _replace_raw_characters(text)
    builder = _Builder(loaded, text, lines)
    if raw_chars:
        builder.spans = []  # to name the field of each one
    loader = _Loader(text)
    ok = False
    try:
        ok = _read_events(loader, builder, problem)
    except _TooDeep:
        pass
    except yaml.MarkedYAMLError as exc:
        loaded.problems.append(_syntax_problem(exc, text, builder))
    except yaml.YAMLError as exc:  # a reader error: raw characters were replaced before
        line = lines.at(getattr(exc, "position", 0) or 0)
        problem(line, "yaml-syntaxe", "erreur de syntaxe YAML : un caractère n'est pas "
                "permis.", _SYNTAX_HINT)
    finally:
        loader.dispose()
    reported: set[int] = set()
    for index, ch in raw_chars:
        line = lines.at(index)
        if line not in reported:  # the first of a line is enough to find the others
            reported.add(line)
            loaded.problems.append(_raw_character_problem(path, index, ch, lines, builder))
    if not ok:
        return loaded
    root = builder.root_event
    if root is None:
        problem(1, "fichier-vide", "le fichier ne contient aucun champ.",
                "Partez de l'exemple de CONTRIBUTING.md et remplissez les champs.")
        return loaded
    if not isinstance(builder.root, dict):
        kind = "une liste" if isinstance(builder.root, list) else "une valeur seule"
        problem(root.start_mark.line + 1, "racine-invalide",
                f"le fichier contient {kind} au lieu d'une fiche « champ: valeur ».",
                "Chaque ligne du haut du fichier doit être de la forme « nom: valeur », "
                "sans tiret devant.")
        return loaded
    loaded.data = builder.root
    return loaded


def _read_events(loader: Any, builder: _Builder, problem: Any) -> bool:
    """Feed the first document's events to the builder; False if the file is refused."""
    handlers = builder.handlers()
    documents = 0
    while True:
        event = loader.get_event()
        kind = type(event)
        handler = handlers.get(kind)
        if handler is not None:
            handler(event)
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                problem(event.start_mark.line + 1, "yaml-plusieurs-documents",
                        "le fichier contient plusieurs documents YAML séparés par « --- ».",
                        "Une fiche = un fichier : retirez la ligne « --- » et ce qui la "
                        "suit.")
                return False
        elif kind is yaml.StreamEndEvent or event is None:
            return True


def _replace_raw_characters(text: str) -> tuple[str, list[tuple[int, str]]]:
    """`text` with forbidden characters replaced by U+FFFD, and where they were.

    The replacement keeps every index and line, and lets libyaml read the rest of the
    file, so all other problems are reported too.
    """
    found = [(m.start(), m.group()) for m in characters.pattern_for(text).finditer(text)
             if m.group() not in characters.RAW_ALLOWED]
    if not found:
        return text, found
    chars = list(text)
    for index, _ in found:
        chars[index] = "\ufffd"
    return "".join(chars), found


def _raw_character_problem(path: str, index: int, ch: str, lines: _Lines,
                           builder: _Builder) -> Problem:
    spans = builder.spans or []
    at = bisect.bisect_right(spans, (index, float("inf"))) - 1
    inside = at >= 0 and spans[at][0] <= index < spans[at][1]
    fld = field_name(spans[at][2]) if inside else ""
    return Problem(path, lines.at(index), "caractere-interdit", fld,
                   f"le caractère {characters.describe(ch)} n'est pas permis"
                   + ("" if inside else " (même dans un commentaire)") + ".",
                   "Retirez ce caractère invisible (souvent collé depuis un autre document) : "
                   "il casserait la page, le flux ou les téléchargements, ou cacherait une "
                   "partie du texte.")


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


# -- syntax errors in French ------------------------------------------------------------------
_SYNTAX_HINT = (
    "Vérifiez l'indentation (espaces alignés), les « : » après chaque nom de champ, "
    "et mettez entre guillemets un texte qui contient « : » ou commence par un caractère "
    "spécial (@, *, &, [, {)."
)
_QUOTE_HINT = "Ajoutez le guillemet fermant à la fin de la valeur."
_ESCAPE_HINT = ("Dans un texte entre guillemets doubles, la barre oblique inverse « \\ » "
                "commence une séquence spéciale : doublez-la (\\\\) ou mettez le texte entre "
                "apostrophes (').")
_TAG_HINT = ("Retirez l'étiquette, ou mettez la valeur entre guillemets si elle commence "
             "par « ! ».")
_DIRECTIVE_HINT = "Retirez la ligne qui commence par « % » : une fiche n'en a pas besoin."
_FLOW_HINT = ("Refermez la liste par « ] » (ou le groupe par « } ») sur la même ligne, en "
              "séparant les éléments par des virgules ; ou écrivez un élément par ligne "
              "précédé de « - ».")

# Every problem text of libyaml's reader, scanner and parser (src/reader.c, scanner.c,
# parser.c), in French: (explanation, how to fix).
_LIBYAML_PROBLEMS: dict[str, tuple[str, str]] = {
    # scanner
    "found character that cannot start any token": (
        "le caractère {char} ne peut pas commencer une valeur",
        "Mettez la valeur entre guillemets (une valeur ne commence ni par @ ni par `), et "
        "indentez avec des espaces."),
    "could not find expected ':'": (
        "un « : » manque après le nom du champ",
        "Écrivez « champ: valeur », avec un espace après les deux-points ; pour continuer "
        "un texte sur plusieurs lignes, indentez les lignes suivantes."),
    "found unexpected end of stream": (
        "le fichier s'arrête avant la fin de la valeur (guillemet, crochet ou accolade non "
        "refermé)", "Refermez le guillemet, le crochet « ] » ou l'accolade « } »."),
    "found unexpected document indicator": (
        "une ligne « --- » ou « ... » coupe un texte entre guillemets",
        "Refermez le guillemet avant cette ligne."),
    "found unknown escape character": (
        "la séquence {escape} n'existe pas dans un texte entre guillemets doubles",
        _ESCAPE_HINT),
    "did not find expected hexdecimal number": (
        "la séquence {escape} doit être suivie de chiffres hexadécimaux", _ESCAPE_HINT),
    "found a tab character that violates indentation": (
        "une tabulation est utilisée pour l'indentation", "Remplacez-la par des espaces."),
    "found a tab character where an indentation space is expected": (
        "une tabulation est utilisée pour l'indentation", "Remplacez-la par des espaces."),
    "mapping values are not allowed": (
        "un « : » suivi d'un espace est inattendu ici",
        "Mettez la valeur entre guillemets si elle contient « : », ou vérifiez "
        "l'indentation de la ligne."),
    "mapping keys are not allowed": (
        "un « ? » inattendu", "Mettez la valeur entre guillemets si elle commence par « ? »."),
    "block sequence entries are not allowed": (
        "un élément de liste « - » est mal placé",
        "Une liste commence à la ligne qui suit « champ: », un élément par ligne, indenté et "
        "précédé de « - » ; mettez la valeur entre guillemets si le tiret en fait partie."),
    "did not find expected comment or line break": (
        "la ligne continue après une fin attendue (après « | », « > », ou un texte entre "
        "guillemets)",
        "Après « | » ou « > », allez à la ligne avant le texte ; après un texte entre "
        "guillemets, seul un commentaire (#) peut suivre."),
    "found an indentation indicator equal to 0": (
        "l'indentation indiquée après « | » ou « > » ne peut pas être 0",
        "Retirez le chiffre après « | » ou « > »."),
    "did not find expected alphabetic or numeric character": (
        "« & » ou « * » doit être suivi d'un nom (ancre ou alias YAML)",
        "Mettez la valeur entre guillemets si elle commence par « & » ou « * »."),
    "found unexpected ':'": (
        "un « : » inattendu", "Mettez la valeur entre guillemets si elle contient « : »."),
    "did not find expected whitespace or line break": (
        "une étiquette YAML (« ! ») est mal formée", _TAG_HINT),
    "did not find expected '!'": ("une étiquette YAML (« ! ») est mal formée", _TAG_HINT),
    "did not find expected tag URI": ("une étiquette YAML (« ! ») est mal formée", _TAG_HINT),
    "did not find URI escaped octet": ("une étiquette YAML (« ! ») est mal formée", _TAG_HINT),
    "found an incorrect leading UTF-8 octet": (
        "une étiquette YAML (« ! ») est mal formée", _TAG_HINT),
    "found an incorrect trailing UTF-8 octet": (
        "une étiquette YAML (« ! ») est mal formée", _TAG_HINT),
    "did not find the expected '>'": ("une étiquette YAML (« ! ») est mal formée", _TAG_HINT),
    "found undefined tag handle": ("une étiquette YAML (« ! ») est inconnue", _TAG_HINT),
    "could not find expected directive name": (
        "une directive YAML (ligne qui commence par « % ») est mal formée", _DIRECTIVE_HINT),
    "found unexpected non-alphabetical character": (
        "une directive YAML (ligne qui commence par « % ») est mal formée", _DIRECTIVE_HINT),
    "found unknown directive name": (
        "une directive YAML (ligne qui commence par « % ») est inconnue", _DIRECTIVE_HINT),
    "did not find expected whitespace": (
        "une directive YAML (ligne qui commence par « % ») est mal formée", _DIRECTIVE_HINT),
    "did not find expected digit or '.' character": (
        "une directive YAML (ligne qui commence par « % ») est mal formée", _DIRECTIVE_HINT),
    "found extremely long version number": (
        "une directive YAML (ligne qui commence par « % ») est mal formée", _DIRECTIVE_HINT),
    "did not find expected version number": (
        "une directive YAML (ligne qui commence par « % ») est mal formée", _DIRECTIVE_HINT),
    # parser
    "found duplicate %YAML directive": (
        "une directive YAML (« %YAML ») est répétée", _DIRECTIVE_HINT),
    "found incompatible YAML document": (
        "la directive « %YAML » annonce une version de YAML inconnue", _DIRECTIVE_HINT),
    "found duplicate %TAG directive": (
        "une directive YAML (« %TAG ») est répétée", _DIRECTIVE_HINT),
    "did not find expected <document start>": (
        "cette ligne ne prolonge pas la fiche commencée plus haut (indentation différente, "
        "ou texte après la fin du document)",
        "Alignez tous les champs du haut de la fiche au début de la ligne, sans espace "
        "devant."),
    "did not find expected <stream-start>": ("le début du fichier est illisible", ""),
    "did not find expected node content": (
        "une valeur manque (après « - », « ? », « , » ou « : »), ou un signe « ] », « } » "
        "est mal placé", "Complétez la valeur, ou mettez-la entre guillemets."),
    "did not find expected key": (
        "cette ligne n'est pas alignée avec les autres champs du même groupe",
        "Alignez le nom du champ sur les autres champs du groupe (même nombre d'espaces "
        "devant), et vérifiez le « : » après chaque nom."),
    "did not find expected '-' indicator": (
        "cette ligne n'est pas alignée avec les éléments de la liste (qui commencent par "
        "« - »)",
        "Indentez chaque élément de la même façon, précédé de « - » ; ou alignez la ligne "
        "sur les champs si elle n'appartient pas à la liste."),
    "did not find expected ',' or ']'": (
        "une liste entre crochets n'est pas refermée, ou une virgule manque", _FLOW_HINT),
    "did not find expected ',' or '}'": (
        "un groupe entre accolades n'est pas refermé, ou une virgule manque", _FLOW_HINT),
    # reader (the file is decoded, and bad characters replaced, before libyaml reads it)
    "control characters are not allowed": ("un caractère de contrôle n'est pas permis",
                                           "Retirez ce caractère invisible."),
    "invalid Unicode character": ("un caractère n'est pas permis",
                                  "Retirez ce caractère invisible."),
}


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, builder: _Builder) -> Problem:
    """One French problem for a libyaml error, on the line where the mistake is.

    libyaml stops where it can no longer make sense of the file, which is often lines
    after the mistake: an unclosed quote or bracket swallows the lines that follow it. So
    the tokens read before the error are looked at to find where the mistake started.
    """
    context, problem = exc.context or "", exc.problem or ""
    mark, start = exc.problem_mark, exc.context_mark
    line = mark.line + 1 if mark else (start.line + 1 if start else 1)

    def made(code: str, message: str, hint: str, at: int = line, fld: str = "") -> Problem:
        return Problem(builder.loaded.path, at, code, fld, message, hint)

    if "invalid Unicode character escape code" in problem:
        escape = _escape_before(text, mark.index if mark else 0)
        digits = escape[2:]
        code = f" (U+{int(digits, 16):04X})" if digits and all(
            c in "0123456789abcdefABCDEF" for c in digits) else ""
        return made("caractere-interdit",
                    f"la séquence « {escape} »{code} désigne une moitié de paire de "
                    "substitution (surrogate) isolée ou un code hors d'Unicode, pas un "
                    "caractère.",
                    "Retirez cette séquence, ou écrivez le caractère lui-même.",
                    fld=field_name(builder.current_path()))
    if mark and (_tab_indented(text, mark.index) or "tab character" in problem):
        # A tab where YAML wants indentation (tabs inside a text block are fine).
        return made("yaml-tabulation", "la ligne est indentée avec une tabulation, interdite "
                    "en YAML.", "Remplacez la tabulation par des espaces (deux par niveau).")
    explanation, hint = next(
        (french for english, french in _LIBYAML_PROBLEMS.items() if english in problem),
        ("la structure du fichier ne peut pas être lue", _SYNTAX_HINT))
    if mark and ("{char}" in explanation or "{escape}" in explanation):
        char = text[mark.index] if mark.index < len(text) else ""
        explanation = explanation.format(
            char=f"« {char} »" if char.strip() else "qui suit",
            escape=f"« {_escape_before(text, mark.index)} »")
    if "quoted scalar" in context and ("end of stream" in problem
                                        or "document indicator" in problem):
        # The quote that runs to the end: its opening, or an earlier quote left open
        # (which the next quote then "closed").
        opened = start.line + 1 if start else line
        at = _unclosed_quote(text, opened) or opened
        return made("yaml-syntaxe", "erreur de syntaxe YAML : un guillemet ouvert sur cette "
                    "ligne n'est pas refermé.", _QUOTE_HINT, at)
    last, brackets = _tokens_before(text, mark.index if mark else len(text))
    if (isinstance(last, yaml.ScalarToken) and last.style in ('"', "'")
            and last.start_mark.line < last.end_mark.line
            and last.end_mark.line >= line - 2):
        # A quoted text ran over several lines and the file broke right after it.
        opened = last.start_mark.line + 1
        return made("yaml-syntaxe", "erreur de syntaxe YAML : le guillemet ouvert sur cette "
                    f"ligne n'est refermé qu'à la ligne {last.end_mark.line + 1}.",
                    _QUOTE_HINT, opened)
    if brackets and brackets[-1].line + 1 < line:  # still open when the file broke
        return made("yaml-syntaxe", "erreur de syntaxe YAML : un crochet « [ » ou une "
                    "accolade « { » ouvert sur cette ligne n'est pas refermé.", _FLOW_HINT,
                    brackets[-1].line + 1)
    root = builder.root_event
    if (isinstance(root, yaml.SequenceStartEvent) and not root.flow_style and start
            and start.index == root.start_mark.index):
        return made("racine-invalide", "le fichier commence par « - » : c'est une liste, "
                    "pas une fiche « champ: valeur ».", "Retirez le tiret devant le premier "
                    "champ : chaque ligne du haut du fichier est de la forme « nom: valeur ».",
                    root.start_mark.line + 1)
    if "document start" in problem and root is not None and root.start_mark.column > 0:
        return made("yaml-syntaxe", "erreur de syntaxe YAML : la première ligne est "
                    "indentée, les suivantes non.", "Retirez les espaces au début de la "
                    "ligne : les champs du haut de la fiche commencent au début de la ligne.",
                    root.start_mark.line + 1)
    if ("expected key" in problem or "'-' indicator" in problem or "document start" in problem
            ) and mark and not _starts_line(text, mark.index):
        # Not a misaligned line: something follows a complete value on its line.
        end = _BREAK.search(text, mark.index)
        rest = text[mark.index:end.start() if end else len(text)].rstrip()
        rest = characters.replace_forbidden(rest if len(rest) <= 30 else rest[:29] + "…")
        return made("yaml-syntaxe", f"erreur de syntaxe YAML : la valeur est suivie de "
                    f"« {rest} » sur la même ligne.", "Retirez ce qui suit la valeur, ou "
                    "mettez toute la valeur entre guillemets (un guillemet ou un crochet "
                    "fermant termine la valeur).")
    if "expected key" in problem and mark and text.startswith("- ", mark.index):
        explanation = ("un élément de liste « - » se trouve là où un nom de champ est "
                       "attendu")
        hint = ("Placez les éléments d'une liste sous « champ: », un par ligne, indentés "
                "de la même façon ; sinon retirez le tiret.")
    elif "simple key" in context and start:
        line = start.line + 1  # where the name without « : » starts
    elif ("mapping values are not allowed" in problem and isinstance(last, yaml.ScalarToken)
          and last.plain and last.start_mark.line + 1 < line <= last.end_mark.line + 1):
        started = last.start_mark.line + 1
        if _starts_line(text, last.start_mark.index):
            # A name whose « : » is missing (or has no space after it) ran into the next line.
            explanation = (f"le nom de champ de la ligne {started} n'est pas suivi de « : » "
                           f"et d'un espace, et se poursuit ligne {line}")
            hint = "Écrivez « champ: valeur », avec un espace après les deux-points."
            line = started
        else:
            explanation = (f"cette ligne est plus indentée que le champ de la ligne "
                           f"{started} : elle est lue comme la suite de sa valeur, et son "
                           "« : » est inattendu")
            hint = ("Alignez cette ligne sur les autres champs du groupe ; si c'est la suite "
                    "du texte, mettez tout le texte entre guillemets.")
    return made("yaml-syntaxe", f"erreur de syntaxe YAML : {explanation}.",
                hint or _SYNTAX_HINT, line)


def _starts_line(text: str, index: int) -> bool:
    """True if nothing but indentation and list or key indicators (- ?) comes before
    `index` on its line: a text there is where a field name is expected."""
    begin = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    return not text[begin:index].strip(" -?")


def _tokens_before(text: str, index: int) -> tuple[yaml.Token | None, list[Any]]:
    """The last token that starts before `index`, and the marks of the flow brackets
    ([ or {) still open there. Linear: libyaml scans, without building anything."""
    last = None
    brackets: list[Any] = []
    try:
        for token in yaml.scan(text, Loader=_Loader):
            if token.start_mark.index >= index:
                break
            last = token
            if isinstance(token, yaml.FlowSequenceStartToken | yaml.FlowMappingStartToken):
                brackets.append(token.start_mark)
            elif (isinstance(token, yaml.FlowSequenceEndToken | yaml.FlowMappingEndToken)
                  and brackets):
                brackets.pop()
    except yaml.YAMLError:
        pass
    return last, brackets


def _escape_before(text: str, index: int) -> str:
    """The backslash escape that ends around `index` (libyaml points inside it)."""
    start = text.rfind("\\", max(0, index - 10), index + 1)
    if start < 0:
        return "\\"
    match = _ESCAPE.match(text, start)
    shown = match.group() if match else text[start:start + 2]
    return characters.replace_forbidden(shown.replace("\n", " "))


def _tab_indented(text: str, index: int) -> bool:
    """True if the line holding `index` has a tab in its indentation."""
    begin = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    end = len(text)
    for stop in ("\n", "\r"):
        found = text.find(stop, begin)
        if found >= 0:
            end = min(end, found)
    line = text[begin:end]
    return "\t" in line[: len(line) - len(line.lstrip())]


def _unclosed_quote(text: str, last: int) -> int | None:
    """The first line up to `last` with an odd number of double quotes, if any."""
    for number, line in enumerate(_BREAK.split(text)[:last], start=1):
        if line.lstrip().startswith("#"):
            continue
        if (line.count('"') - line.count('\\"')) % 2:
            return number
    return None


def _opens_unclosed(text: str, index: int) -> bool:
    """True if the bracket at `index` is still open at the end of its line."""
    end = _BREAK.search(text, index)
    rest = text[index:end.start() if end else len(text)]
    depth = 0
    for ch in rest:
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return False
    return depth > 0


def load_file(path: Path, display: str | None = None) -> Loaded:
    """Read and parse one file from disk."""
    shown = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return load_bytes(b"\0" * (MAX_BYTES + 1), shown)  # reported by size, unread
        raw = path.read_bytes()
    except OSError as exc:
        loaded = Loaded(shown)
        loaded.problems.append(Problem(shown, 1, "fichier-illisible", "",
                                       f"le fichier ne peut pas être lu ({exc.strerror}).",
                                       "Vérifiez que le fichier existe et qu'il est lisible."))
        return loaded
    return load_bytes(raw, shown)
