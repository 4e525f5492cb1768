"""Opening hours written the French way, turned into OpenStreetMap's `opening_hours`.

Why: networks keep one column per day ("9h-12h / 14h-18h", "fermé"), and people type
"du mardi au samedi de 14h à 19h". The directory stores the OSM expression (one syntax
that maps and apps read); these functions write it, and say when they cannot.
"""

from __future__ import annotations

import re

from opening_hours import OpeningHours

from .normalize import plain

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
OSM_DAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
_CLOSED = {"ferme", "fermee", "fermeture", "closed", "-", "/", "x", "non", "0"}
_TIME = r"(\d{1,2})\s*(?:h|:|heures?)\s*(\d{2})?"
_RANGE = re.compile(_TIME + r"\s*(?:-|–|—|a|à|au|jusqu'a|jusqu'à)\s*" + _TIME)


def _clock(hours: str, minutes: str | None) -> str | None:
    h, m = int(hours), int(minutes or 0)
    if h > 24 or m > 59 or (h == 24 and m):
        return None
    return f"{h:02d}:{m:02d}"


def day_ranges(text: str) -> list[str] | None:
    """["09:00-12:00", "14:00-18:00"] from "9h-12h / 14h-18h"; [] when closed; None when
    the text cannot be read."""
    value = plain(text).replace("h00", "h").replace("midi", "12h")
    if not value or value in _CLOSED:
        return []
    found = []
    rest = value
    for match in _RANGE.finditer(value):
        start, end = _clock(match[1], match[2]), _clock(match[3], match[4])
        if start is None or end is None:
            return None
        found.append(f"{start}-{end}")
        rest = rest.replace(match[0], " ")
    leftover = re.sub(r"[\s/,;+et&]+", "", rest)
    if not found or leftover:
        return None
    return found


def _day_span(days: list[int]) -> str:
    """Consecutive days as OSM ranges: [1, 2, 3, 5] -> "Tu-Th,Sa"."""
    parts, start = [], None
    for i, day in enumerate(days):
        if start is None:
            start = day
        nxt = days[i + 1] if i + 1 < len(days) else None
        if nxt != day + 1:
            parts.append(OSM_DAYS[start] if start == day else
                         f"{OSM_DAYS[start]}{'-' if day - start > 1 else ','}{OSM_DAYS[day]}")
            start = None
    return ",".join(parts)


def from_days(cells: dict[str, str]) -> tuple[str | None, list[str]]:
    """The OSM expression for one text per French day name, and notes on what was not read.

    Days with the same hours are grouped ("Tu-Fr 09:00-12:00,14:00-18:00; Sa 10:00-17:00");
    a day whose cell is empty is left unsaid, a day marked "fermé" is closed.
    """
    notes = []
    by_hours: dict[tuple[str, ...], list[int]] = {}
    for index, day in enumerate(DAYS):
        text = (cells.get(day) or "").strip()
        if not text:
            continue
        ranges = day_ranges(text)
        if ranges is None:
            notes.append(f"horaires du {day} « {text} » illisibles : non repris")
            continue
        if ranges:
            by_hours.setdefault(tuple(ranges), []).append(index)
    if not by_hours:
        return None, notes
    rules = sorted(by_hours.items(), key=lambda kv: kv[1][0])
    expression = "; ".join(f"{_day_span(days)} {','.join(hours)}" for hours, days in rules)
    try:
        OpeningHours(expression)
    except (SyntaxError, ValueError):  # pragma: no cover - what we write always parses
        return None, [*notes, f"horaires « {expression} » non reconnus : non repris"]
    return expression, notes
