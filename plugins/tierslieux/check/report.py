"""Print validation results for people (French) and for GitHub (annotations).

Messages quote what contributors wrote, so every line goes out through `logsafe`: no
forged workflow command, no line break, whatever a venue file or a file name holds. One
file can hold thousands of mistakes (a list of 5,000 wrong items); its first
`MAX_PER_FILE` problems are shown, then how many were left out. Every problem still
counts in the summary and the exit code.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TextIO

from .logsafe import log_line, workflow_command
from .problems import Problem
from .validate import Result

MAX_PER_FILE = 50
MAX_TEXT = 1000  # characters of one message or hint: a quoted value can be 60 KB long


def _shorten(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def human(p: Problem) -> str:
    """The French lines for one problem: where, what, then how to fix it."""
    where = f" « {p.field} »" if p.field else ""
    text = log_line(f"{p.path}:{p.line}: {p.severity} [{p.code}]{where} : "
                    f"{_shorten(p.message)}")
    if p.hint:
        text += "\n" + log_line(f"    Comment corriger : {_shorten(p.hint)}")
    return text


def annotation(p: Problem) -> str:
    """A GitHub annotation on the file and line, its values encoded as the runner expects."""
    level = "error" if p.is_error else "warning"
    title = f"{p.code}" + (f" ({p.field})" if p.field else "")
    message = _shorten(p.message) + (f" Comment corriger : {_shorten(p.hint)}"
                                     if p.hint else "")
    return workflow_command(level, message, file=p.path, line=p.line, title=title)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def summary(result: Result) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    files_with_errors = len({p.path for p in result.errors})
    text = (f"{_plural(len(result.files), 'fichier')} vérifié{'s' if len(result.files) > 1 else ''}"
            f" : {_plural(errors, 'erreur')}, {_plural(warnings, 'avertissement')}")
    if errors:
        text += f" (dans {_plural(files_with_errors, 'fichier')})"
    return text + "."


def shown_problems(problems: list[Problem]) -> tuple[list[Problem], dict[str, int]]:
    """The problems to print (errors first, at most MAX_PER_FILE a file), and how many
    were left out of each file."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        by_file[p.path].append(p)
    shown: list[Problem] = []
    left_out: dict[str, int] = {}
    for path, found in by_file.items():
        if len(found) > MAX_PER_FILE:
            found = sorted(found, key=lambda p: (not p.is_error, p.line))
            left_out[path] = len(found) - MAX_PER_FILE
            found = found[:MAX_PER_FILE]
        shown += found
    return sorted(shown), left_out


def _left_out_line(path: str, count: int) -> str:
    others = "autre problème" if count == 1 else "autres problèmes"
    return log_line(f"{path}: … et {count} {others} dans ce fichier (non affichés : corrigez "
                    "les premiers, puis relancez la vérification).")


def print_report(result: Result, out: TextIO, *, github: bool = False) -> None:
    """Every problem (capped per file), the GitHub annotations if asked, then the totals."""
    shown, left_out = shown_problems(result.problems)
    last = {}
    for p in shown:
        last[p.path] = p
    for p in shown:
        print(human(p), file=out)
        if p.path in left_out and last[p.path] is p:
            print(_left_out_line(p.path, left_out[p.path]), file=out)
    if github:
        for p in shown:
            print(annotation(p), file=out)
    print(summary(result), file=out)
