"""Untrusted text made safe for one log line, for a GitHub workflow command, and for Markdown.

Venue files, file names, issue bodies and import sources come from strangers, and what
our commands print lands in the GitHub Actions log. There, a line whose first non-blank
characters are `::` is a workflow command (a forged `::error`, `::add-mask::`,
`::stop-commands::`...), and `##[` anywhere in a line is a legacy one. So every printer
passes each line through `log_line`; our own annotations are built by `workflow_command`,
which encodes their values the way GitHub's runner decodes them; and the French summary
written to $GITHUB_STEP_SUMMARY quotes untrusted values through `markdown`.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote

# Line breaks, control characters, invisible formatting (bidirectional overrides, zero
# width) and undecodable bytes of a file name: shown as escapes, never printed raw.
_HIDDEN = {"Cc", "Cf", "Zl", "Zp", "Cs"}
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CHAR_NAMES = {"\n": "retour à la ligne", "\r": "retour chariot", "\t": "tabulation"}


def is_hidden_char(ch: str) -> bool:
    """True for a character a reader cannot see or that breaks a line."""
    return unicodedata.category(ch) in _HIDDEN


def _visible(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def describe_char(ch: str) -> str:
    """A French name for a hidden character, for messages: « retour à la ligne », U+202E."""
    return _CHAR_NAMES.get(ch) or f"U+{ord(ch):04X}"


def clean(text: str) -> str:
    """`text` on one line, with every hidden character written as a visible escape."""
    if text.isprintable():  # the common case: no work
        return text
    return "".join(_visible(ch) if is_hidden_char(ch) else ch for ch in text)


def _defuse(text: str) -> str:
    return text.replace("##[", "#\\#[")


def log_line(text: str) -> str:
    """One line of untrusted text that GitHub's runner cannot read as a command.

    The runner trims leading white space (Unicode's) before looking for `::`, and looks
    for `##[` anywhere: a backslash in front of either keeps the text readable and inert.
    """
    line = _defuse(clean(text))
    body = line.lstrip()
    if body.startswith("::"):
        return line[: len(line) - len(body)] + "\\" + body
    return line


def log_lines(text: str) -> list[str]:
    """Several lines we wrote (split on our own newlines), each made safe."""
    return [log_line(line) for line in text.split("\n")]


def _command_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _command_property(text: str) -> str:
    return _command_data(text).replace(":", "%3A").replace(",", "%2C")


def _keep_breaks(text: str) -> str:
    """Hidden characters escaped, except line breaks, which the command encodes."""
    return "\n".join(clean(part) for part in text.replace("\r\n", "\n").split("\n"))


def workflow_command(command: str, message: str, **properties: str | int) -> str:
    """`::command key=value,...::message` with GitHub's encoding of values and message."""
    props = ",".join(f"{key}={_command_property(_defuse(_keep_breaks(str(value))))}"
                     for key, value in properties.items())
    head = f"::{command} {props}" if props else f"::{command}"
    return f"{head}::{_command_data(_defuse(_keep_breaks(message)))}"


# What makes markup inside a line of GitHub Markdown: emphasis, code, links and images
# (`[`), math (`$`), tables, HTML and entities. An underscore inside a word is inert
# (GitHub's rule), so field names such as date_fermeture read as they are.
_MARKDOWN_SPECIAL = set("\\`*~[]$|")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def markdown(text: str) -> str:
    """Untrusted text quoted inside a line of Markdown: no markup, no HTML, no line break."""
    text = clean(text)
    out = []
    for i, ch in enumerate(text):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MARKDOWN_SPECIAL:
            out.append("\\" + ch)
        elif ch == "_" and not (text[i - 1: i].isalnum() and text[i + 1: i + 2].isalnum()):
            out.append("\\_")
        else:
            out.append(ch)
    quoted = "".join(out)
    return "\\" + quoted if quoted.startswith(("#", "-", "+", "=")) else quoted


def url_path(path: str) -> str:
    """A repository path as part of a URL: spaces, parentheses and the like percent-encoded."""
    return quote(path, safe="/", errors="surrogateescape")
