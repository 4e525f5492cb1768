"""Characters a venue file may not contain, and text that shows nothing.

Why: what a contributor writes is published as HTML, CSV, JSON and an Atom feed. XML
cannot hold C0 controls, lone surrogates or U+FFFE/U+FFFF at all (the feed would break or
be published not well-formed); other controls and Unicode noncharacters have no meaning
in published text, and bidirectional overrides can make a name read differently from what
it is (the "Trojan Source" trick) or hide text from a reviewer. They are refused when the
file is read, so that a file that validates always builds. A name made only of spaces
and invisible characters is refused for the same reason: nothing would be shown.

Tab and line feed are the only controls allowed; a raw carriage return is a line break
for YAML (Windows files) and never reaches a value.
"""

from __future__ import annotations

import re
import unicodedata

_BMP = ("\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 controls but tab and line feed, DEL, C1
        "\ud800-\udfff"  # surrogates: half of a pair, never a character on their own
        "\u202a-\u202e\u2066-\u2069"  # bidirectional embeddings, overrides and isolates
        "\ufdd0-\ufdef\ufffe\uffff")  # noncharacters of the first plane...
_ASTRAL = "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}"
                  for plane in range(1, 17))  # ...and the last two code points of every plane
# Every character refused anywhere in a value, a key or the file itself.
FORBIDDEN = re.compile(f"[{_BMP}{_ASTRAL}]")
# The same for text without characters beyond U+FFFF (nearly all): a much faster class.
_FORBIDDEN_BMP = re.compile(f"[{_BMP}]")


def pattern_for(text: str) -> re.Pattern[str]:
    """FORBIDDEN, or its faster equivalent when `text` stays in the first plane."""
    return FORBIDDEN if text and max(text) > "\uffff" else _FORBIDDEN_BMP

# In the raw file, a carriage return and U+0085 (NEL) are line breaks for YAML: they
# never reach a value as such, so they are not refused there (CRLF files are common).
RAW_ALLOWED = frozenset("\r\x85")

# Seen as nothing on a page: spaces, controls, format characters (zero width, joiners,
# bidi marks, soft hyphen, BOM...), combining marks with nothing to combine with, plus the
# blank letters Unicode lists as default-ignorable and the blank braille pattern.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Mn", "Me", "Zs", "Zl", "Zp"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def describe(ch: str) -> str:
    """The kind of a forbidden character, in French, with its code point (U+XXXX)."""
    code = ord(ch)
    if code < 0x20 or code == 0x7F:
        kind = "caractère de contrôle"
    elif code <= 0x9F:
        kind = "caractère de contrôle C1"
    elif 0xD800 <= code <= 0xDFFF:
        kind = "moitié isolée d'une paire de substitution"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "commande invisible qui inverse le sens d'écriture"
    else:
        kind = "non-caractère Unicode"
    return f"U+{code:04X} ({kind})"


def first_forbidden(text: str) -> tuple[int, str] | None:
    """Index and character of the first forbidden character of `text`, if any."""
    match = pattern_for(text).search(text)
    return (match.start(), match.group()) if match else None


def replace_forbidden(text: str) -> str:
    """`text` with each forbidden character replaced by U+FFFD (safe to show and log)."""
    return FORBIDDEN.sub("\ufffd", text)


def is_invisible(ch: str) -> bool:
    """True for a character that shows nothing on its own (space, zero width, mark...)."""
    return (ch.isspace() or ch in _BLANK_LETTERS
            or unicodedata.category(ch) in _INVISIBLE_CATEGORIES)


def is_blank(text: str) -> bool:
    """True when `text` is not empty but shows nothing once spaces and invisibles go.

    Stops at the first visible character, which is nearly always the first one.
    """
    if not text or (text[0].isalnum() and text[0] not in _BLANK_LETTERS):
        return False
    return all(is_invisible(ch) for ch in text)
