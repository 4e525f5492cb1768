"""Print validation results for people (French) and for GitHub (annotations)."""

from __future__ import annotations

from typing import TextIO

from .problems import Problem
from .validate import Result


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def human(p: Problem) -> str:
    where = f" « {p.field} »" if p.field else ""
    text = f"{p.path}:{p.line}: {p.severity} [{p.code}]{where} : {p.message}"
    if p.hint:
        text += f"\n    Comment corriger : {p.hint}"
    return text


def annotation(p: Problem) -> str:
    level = "error" if p.is_error else "warning"
    title = f"{p.code}" + (f" ({p.field})" if p.field else "")
    message = p.message + (f" Comment corriger : {p.hint}" if p.hint else "")
    return (f"::{level} file={_escape(p.path, prop=True)},line={p.line},"
            f"title={_escape(title, prop=True)}::{_escape(message)}")


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


def print_report(result: Result, out: TextIO, *, github: bool = False) -> None:
    for p in result.problems:
        print(human(p), file=out)
    if github:
        for p in result.problems:
            print(annotation(p), file=out)
    print(summary(result), file=out)
