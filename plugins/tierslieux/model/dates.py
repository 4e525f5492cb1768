"""Dates: parsing the schema's ISO dates, today's date, and French display."""

from __future__ import annotations

import datetime as dt
import os

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


def build_date() -> dt.date:
    """The date written into outputs: SOURCE_DATE_EPOCH when set, so builds are reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


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
