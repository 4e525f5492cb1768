"""Dates: parsing the schema's ISO dates, the build's date, and French display."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from functools import cache
from pathlib import Path

from .paths import ROOT

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]


def parse_date(value: object) -> dt.date | None:
    """An ISO date from a venue field, or None when absent or invalid."""
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def build_date(root: Path = ROOT) -> dt.date:
    """The date written into outputs, the same for every build of one commit.

    SOURCE_DATE_EPOCH when set (reproducible-builds.org); otherwise the date of the last
    commit, in UTC, so that two builds of a commit on different days or in different time
    zones agree.
    """
    epoch = _epoch_date(os.environ.get("SOURCE_DATE_EPOCH", ""))
    return epoch or _last_commit_date(root)


def _epoch_date(value: str) -> dt.date | None:
    if not value.strip().isdigit():
        return None  # unset or not a count of seconds: the next source decides
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        return None  # beyond the calendar


@cache
def _last_commit_date(root: Path) -> dt.date:
    """The last commit's date in UTC; cached, as the build asks for it many times."""
    try:
        stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=root,
                               capture_output=True, text=True, timeout=30).stdout.strip()
        commit = _epoch_date(stamp)
    except (OSError, subprocess.SubprocessError):
        commit = None
    if commit is not None:
        return commit
    # No git, not a checkout (an unpacked archive), or no commit yet: the build cannot
    # be tied to a commit, so it takes today's date in UTC, and is not reproducible.
    return dt.datetime.now(dt.UTC).date()


def latest_plausible_date() -> dt.date:
    """The latest date a fact can have been checked: tomorrow, to spare time zones.

    A validation check, not an output: it reads the real clock, so that a reproducible
    build (SOURCE_DATE_EPOCH in the past) does not reject venues checked since.
    """
    return dt.date.today() + dt.timedelta(days=1)


def french_date(value: object) -> str:
    """2025-09-01 -> « 1er septembre 2025 »; other values are returned as text."""
    day = parse_date(value)
    if day is None:
        return str(value or "")
    first = "1er" if day.day == 1 else str(day.day)
    return f"{first} {MONTHS[day.month - 1]} {day.year}"


STALE_AFTER = dt.timedelta(days=365)


def is_stale(checked: object, as_of: dt.date) -> bool:
    """True when the facts were last checked more than 12 months before `as_of`."""
    day = parse_date(checked)
    return day is not None and as_of - day > STALE_AFTER
