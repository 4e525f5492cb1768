"""Run `tierslieux import` in-process, as a maintainer does, and read back its CSV report."""

from __future__ import annotations

import contextlib
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from tierslieux import cli


@dataclass
class Run:
    code: int
    out: str
    err: str
    rows: list[dict[str, str]]  # the --report CSV

    def by_id(self) -> dict[str, dict[str, str]]:
        return {r["id_source"]: r for r in self.rows if r["id_source"]}


def run_import(source: Path, mapping: Path, into: Path, *extra: str,
               report: Path | None = None) -> Run:
    """The real command line, with its exit code, output and report rows."""
    report = report or into.parent / f"{into.name}-rapport.csv"
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["import", str(source), "--mapping", str(mapping), "--into",
                         str(into), "--report", str(report), *extra])
    rows = []
    if report.exists():
        with report.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        report.unlink()
    return Run(code, out.getvalue(), err.getvalue(), rows)
