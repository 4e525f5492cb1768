"""Opening hours (OpenStreetMap syntax) in plain French, for venue pages."""

from __future__ import annotations

import datetime as dt

import opening_hours

from .dates import build_date

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def _clock(moment: dt.datetime, start: dt.date) -> str:
    if moment.date() > start:
        return "24 h"
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def week_schedule(expression: str) -> list[tuple[str, str]]:
    """[(days, hours)] for the current week, consecutive identical days grouped.

    Public holidays and exceptional closures are not shown here: the page also gives the
    expression itself.
    """
    parsed = opening_hours.OpeningHours(expression)
    monday = build_date() - dt.timedelta(days=build_date().weekday())
    per_day: list[str] = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        start = dt.datetime.combine(day, dt.time())
        spans = []
        for begin, end, state, comment in parsed.intervals(start, start + dt.timedelta(days=1)):
            if state == opening_hours.State.OPEN:
                spans.append(f"{_clock(begin, day)} – {_clock(end, day)}")
            elif state == opening_hours.State.UNKNOWN:
                spans.append(comment or "sur rendez-vous ou horaires variables")
            if comment and state == opening_hours.State.OPEN:
                spans[-1] += f" ({comment})"
        per_day.append(", ".join(spans) or "fermé")
    groups: list[tuple[str, str]] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and per_day[j + 1] == per_day[i]:
            j += 1
        days = DAYS[i] if i == j else (f"{DAYS[i]} et {DAYS[j]}" if j == i + 1
                                       else f"du {DAYS[i]} au {DAYS[j]}")
        groups.append((days[0].upper() + days[1:], per_day[i]))
        i = j + 1
    return groups
