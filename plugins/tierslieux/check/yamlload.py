"""Read one venue file into plain Python data, keeping the line of every field.

We compose the YAML node tree with libyaml (CSafeLoader) and build values ourselves,
because PyYAML's constructor silently keeps the last of two duplicate keys, expands
aliases (a "billion laughs" file exhausts memory) and turns dates into objects that the
JSON Schema cannot check. Every defect becomes a Problem; nothing raises.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..model.venue import JsonPath
from .problems import Problem

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML wheels ship libyaml
    _Loader = yaml.SafeLoader  # type: ignore[misc]

MAX_BYTES = 64 * 1024

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SCALAR_TAGS = {
    _STR,
    _TIMESTAMP,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


@dataclass
class Loaded:
    """A file's data (None when unreadable), its field lines and its problems."""

    path: str
    data: Any = None
    lines: dict[JsonPath, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: JsonPath) -> int:
        """The line of the deepest known field on `path` (1 for the file itself)."""
        for end in range(len(path), 0, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def field_name(path: JsonPath) -> str:
    """Human-readable field path: porteur.siret, etapes[2].commune."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += ("." if out else "") + part
    return out


class _Builder:
    def __init__(self, loaded: Loaded, loader: yaml.CSafeLoader) -> None:
        self.loaded = loaded
        self.loader = loader
        self.seen: set[int] = set()
        self.alias_reported = False

    def problem(self, line: int, code: str, fld: str, message: str, hint: str = "") -> None:
        self.loaded.problems.append(Problem(self.loaded.path, line, code, fld, message, hint))

    def build(self, node: yaml.Node, path: JsonPath) -> Any:
        if id(node) in self.seen:
            # A composed alias is the anchored node itself: locate it by where it is used.
            # The first one is enough to explain the fix; aliases are never expanded.
            if self.alias_reported:
                return None
            self.alias_reported = True
            self.problem(
                self.loaded.line_of(path), "yaml-alias", field_name(path),
                "les alias YAML (*nom) ne sont pas acceptés.",
                "Recopiez la valeur en entier au lieu d'utiliser une ancre (&) et un alias (*).",
            )
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._bad_tag(node, path)
            items = []
            for i, item in enumerate(node.value):
                # An alias item is the anchored node: its own mark points at the anchor.
                line = (self.loaded.line_of(path) if id(item) in self.seen
                        else item.start_mark.line + 1)
                self.loaded.lines.setdefault((*path, i), line)
                items.append(self.build(item, (*path, i)))
            return items
        return self._scalar(node, path)

    def _bad_tag(self, node: yaml.Node, path: JsonPath) -> None:
        self.problem(
            node.start_mark.line + 1, "yaml-etiquette", field_name(path),
            f"l'étiquette YAML « {node.tag} » n'est pas permise.",
            "Retirez l'étiquette (le texte qui commence par !) et écrivez la valeur simplement.",
        )

    def _mapping(self, node: yaml.MappingNode, path: JsonPath) -> dict[str, Any]:
        if node.tag != _MAP:
            self._bad_tag(node, path)
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<":
                self.problem(
                    key_line, "yaml-alias", field_name(path),
                    "la fusion de champs YAML (<<) n'est pas acceptée.",
                    "Écrivez chaque champ explicitement.",
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "…"
                self.problem(
                    key_line, "cle-invalide", field_name(path),
                    f"« {shown} » n'est pas un nom de champ valide.",
                    "Un nom de champ est un mot en minuscules suivi de « : », "
                    "par exemple « nom: ».",
                )
                continue
            key = key_node.value
            if key in out:
                first = self.loaded.lines.get((*path, key), key_line)
                self.problem(
                    key_line, "cle-dupliquee", field_name((*path, key)),
                    f"le champ « {key} » apparaît deux fois (déjà ligne {first}).",
                    "Gardez une seule fois ce champ, avec la bonne valeur.",
                )
                continue
            self.loaded.lines[(*path, key)] = key_line
            out[key] = self.build(value_node, (*path, key))
        return out

    def _scalar(self, node: yaml.ScalarNode, path: JsonPath) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._bad_tag(node, path)
            return node.value
        if node.tag in (_STR, _TIMESTAMP):
            # Dates stay text: the schema checks their format, and text round-trips.
            return node.value
        value = self.loader.construct_object(node, deep=True)
        if isinstance(value, float) and not math.isfinite(value):
            self.problem(
                node.start_mark.line + 1, "nombre-invalide", field_name(path),
                f"« {node.value} » n'est pas un nombre utilisable.",
                "Écrivez un nombre décimal ordinaire, avec un point : 48.1113.",
            )
        return value


def _line_at(raw: bytes, offset: int) -> int:
    return raw.count(b"\n", 0, offset) + 1


def load_bytes(raw: bytes, path: str) -> Loaded:
    """Parse a venue file's bytes; problems are collected, never raised."""
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
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.composer.ComposerError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if "expected a single document" in str(exc):
            problem(line, "yaml-plusieurs-documents",
                    "le fichier contient plusieurs documents YAML séparés par « --- ».",
                    "Une fiche = un fichier : retirez la ligne « --- » et ce qui la suit.")
        else:
            problem(line, "yaml-alias", "un alias YAML (*nom) renvoie à une ancre inconnue.",
                    "Recopiez la valeur en entier au lieu d'utiliser un alias.")
        return loaded
    except yaml.MarkedYAMLError as exc:
        # An unclosed quote is found lines later; its opening (context) is the mistake.
        quoted = "quoted scalar" in (exc.context or "")
        mark = (exc.context_mark if quoted else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        if exc.problem_mark and _tab_indented(text, exc.problem_mark.line):
            # A tab where YAML wants indentation (tabs inside a text block are fine).
            problem(exc.problem_mark.line + 1, "yaml-tabulation",
                    "la ligne est indentée avec une tabulation, interdite en YAML.",
                    "Remplacez la tabulation par des espaces (deux par niveau).")
            return loaded
        unclosed = _unclosed_quote(text, line)
        if unclosed:
            problem(unclosed, "yaml-syntaxe",
                    "erreur de syntaxe YAML (un guillemet ouvert sur cette ligne n'est pas "
                    "refermé).", "Ajoutez le guillemet fermant à la fin de la valeur.")
        else:
            problem(line, "yaml-syntaxe", f"erreur de syntaxe YAML ({_explain(exc)}).",
                    _SYNTAX_HINT)
        return loaded
    except yaml.YAMLError as exc:
        problem(1, "yaml-syntaxe", f"erreur de syntaxe YAML ({exc}).", _SYNTAX_HINT)
        return loaded
    finally:
        loader.dispose()
    if node is None:
        problem(1, "fichier-vide", "le fichier ne contient aucun champ.",
                "Partez de l'exemple de CONTRIBUTING.md et remplissez les champs.")
        return loaded
    if not isinstance(node, yaml.MappingNode):
        kind = "une liste" if isinstance(node, yaml.SequenceNode) else "une valeur seule"
        problem(
            node.start_mark.line + 1, "racine-invalide",
            f"le fichier contient {kind} au lieu d'une fiche « champ: valeur ».",
            "Chaque ligne du haut du fichier doit être de la forme « nom: valeur », "
            "sans tiret devant.",
        )
        return loaded
    loaded.data = _Builder(loaded, loader).build(node, ())
    return loaded


_SYNTAX_HINT = (
    "Vérifiez l'indentation (espaces alignés), les « : » après chaque nom de champ, "
    "et mettez entre guillemets un texte qui contient « : » ou commence par un caractère "
    "spécial (@, *, &, [, {)."
)

_TRANSLATIONS = {
    "mapping values are not allowed": "un « : » inattendu : mettez le texte entre "
    "guillemets, ou vérifiez l'indentation",
    "did not find expected node content": "une valeur manque, ou un crochet n'est pas "
    "refermé",
    "could not find expected ':'": "un « : » manque après un nom de champ",
    "found character that cannot start any token": "un caractère ne peut pas commencer "
    "une valeur : mettez-la entre guillemets",
    "did not find expected key": "l'indentation ne correspond pas à celle des autres champs",
    "found undefined alias": "alias inconnu",
    "found unexpected end of stream": "fin de fichier inattendue : un guillemet ou un "
    "crochet n'est pas refermé",
    "did not find expected '-' indicator": "un élément de liste doit commencer par « - »",
    "found unknown escape character": "séquence d'échappement inconnue dans un texte "
    "entre guillemets",
}


def _tab_indented(text: str, index: int) -> bool:
    lines = text.splitlines()
    if index >= len(lines):
        return False
    line = lines[index]
    return "\t" in line[: len(line) - len(line.lstrip())]


def _unclosed_quote(text: str, last: int) -> int | None:
    """The first line up to `last` with an odd number of double quotes, if any."""
    for number, line in enumerate(text.splitlines()[:last], start=1):
        if line.lstrip().startswith("#"):
            continue
        if (line.count('"') - line.count('\\"')) % 2:
            return number
    return None


def _explain(exc: yaml.MarkedYAMLError) -> str:
    raw = f"{exc.context or ''} {exc.problem or ''}".strip()
    for english, french in _TRANSLATIONS.items():
        if english in raw:
            return french
    return raw


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
