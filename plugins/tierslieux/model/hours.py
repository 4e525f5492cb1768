"""Opening hours (OpenStreetMap syntax): the usual week, in plain French and as numbers.

Both views come from one evaluation of the expression by opening-hours-py over the week
of the build date, without public holidays: the page says so and also shows the
expression itself. The map's "ouvert maintenant" filter uses the numeric view.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import opening_hours

from .dates import build_date

DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
WEEK_MINUTES = 7 * 24 * 60

Span = tuple[int, int, str, str]  # start, end (minutes since Monday 00:00), state, comment


@lru_cache(maxsize=4096)
def _week_spans(expression: str, monday: dt.date) -> tuple[Span, ...]:
    parsed = opening_hours.OpeningHours(expression)
    start = dt.datetime.combine(monday, dt.time())
    spans = []
    for begin, end, state, comment in parsed.intervals(start, start + dt.timedelta(days=7)):
        if state == opening_hours.State.CLOSED and not comment:
            continue
        kind = {opening_hours.State.OPEN: "open", opening_hours.State.UNKNOWN: "unknown"}.get(
            state, "closed")
        spans.append((int((begin - start).total_seconds() // 60),
                      int((end - start).total_seconds() // 60), kind, comment))
    return tuple(spans)


def _monday() -> dt.date:
    day = build_date()
    return day - dt.timedelta(days=day.weekday())


def open_minutes(expression: str) -> list[list[int]]:
    """[[start, end], ...] open intervals in minutes since Monday 00:00, local time."""
    return [[s, e] for s, e, kind, _ in _week_spans(expression, _monday()) if kind == "open"]


def _clock(minutes: int) -> str:
    hour, minute = divmod(minutes, 60)
    return f"{hour} h" if minute == 0 else f"{hour} h {minute:02d}"


def week_schedule(expression: str) -> list[tuple[str, str]]:
    """[(days, hours)] for the usual week, consecutive identical days grouped."""
    per_day: list[list[str]] = [[] for _ in range(7)]
    for start, end, kind, comment in _week_spans(expression, _monday()):
        for day in range(start // 1440, min(7, (end - 1) // 1440 + 1)):
            lo, hi = max(start, day * 1440) - day * 1440, min(end, (day + 1) * 1440) - day * 1440
            if kind == "open":
                text = "toute la journée" if (lo, hi) == (0, 1440) else (
                    f"{_clock(lo)} – {_clock(hi)}")
                text += f" ({comment})" if comment else ""
            elif kind == "unknown":
                text = comment or "sur rendez-vous ou horaires variables"
            else:
                continue
            if text not in per_day[day]:
                per_day[day].append(text)
    labels = [", ".join(spans) or "fermé" for spans in per_day]
    if not any(kind == "open" for _, _, kind, _ in _week_spans(expression, _monday())) and (
            len(set(labels)) == 1 and labels[0] != "fermé"):
        # Only a comment, the same every day ("unknown \"halte toutes les deux semaines\""):
        # "du lundi au dimanche" would invent days the expression does not give.
        return [("Sans jour fixe", labels[0])]
    groups: list[tuple[str, str]] = []
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and labels[j + 1] == labels[i]:
            j += 1
        days = DAYS[i] if i == j else (f"{DAYS[i]} et {DAYS[j]}" if j == i + 1
                                       else f"du {DAYS[i]} au {DAYS[j]}")
        groups.append((days[0].upper() + days[1:], labels[i]))
        i = j + 1
    return groups
