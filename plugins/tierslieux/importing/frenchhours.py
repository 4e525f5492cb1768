"""Opening hours written the French way, turned into OpenStreetMap's `opening_hours`.

Why: networks keep one column per day ("9h-12h / 14h-18h", "fermé"), and people type
"du mardi au samedi de 14h à 19h". The directory stores the OSM expression (one syntax
that maps and apps read); these functions write it, and say when they cannot.
"""

from __future__ import annotations

import re

from opening_hours import OpeningHours, ParserError

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


# -- Hours written as a sentence ("du mardi au samedi de 14h à 19h") ----------------------

APPOINTMENT = "sur rendez-vous"
_DAY_WORD = (r"\b(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim)"
             r"s?(?![a-z])\.?")
_NAMED_TIME = r"(?P<{h}>\d{{1,2}})\s*(?:heures?|h|:)\s*(?P<{m}>\d{{2}})?"
_SHORT = {"lun": 0, "mar": 1, "mer": 2, "jeu": 3, "ven": 4, "sam": 5, "dim": 6}
_TOKENS = re.compile(
    r"(?P<every>tous les jours|tlj|7\s*j(?:ours)?\s*(?:/|sur)\s*7)"
    r"|(?P<weekdays>en semaine|jours ouvres)"
    r"|(?P<weekend>(?:le |les )?week-?ends?)"
    r"|(?P<span>(?:du |de )?" + _DAY_WORD + r"\s*(?:au|a|-|–|—)\s*" + _DAY_WORD + r")"
    r"|(?P<day>" + _DAY_WORD + r")"
    r"|(?P<allday>24\s*h?\s*(?:/|sur)\s*24)"
    r"|(?P<range>(?:de |entre )?" + _NAMED_TIME.format(h="h1", m="m1")
    + r"\s*(?:-|–|—|a|à|au|et|jusqu'a)\s*" + _NAMED_TIME.format(h="h2", m="m2") + r")"
    r"|(?P<appointment>sur (?:rendez-vous|rendez vous|rdv|reservation))"
    r"|(?P<holidays>(?:sauf |ferme )?(?:les )?jours feries)"
    r"|(?P<closed>fermes?|fermee?s?|sauf)"
)
# Words that carry no hours ("ouvert le mardi de 9h à 12h et l'après-midi de...").
_FILLER = {"de", "du", "le", "la", "les", "l", "et", "a", "au", "aux", "ouvert", "ouverte",
           "ouverts", "ouvertes", "ouverture", "horaires", "horaire", "puis", "ainsi",
           "que", "aussi", "egalement", "matin", "matins", "apres-midi", "apres", "midi",
           "soir", "soirs", "journee", "jours", "jour", "nous", "sommes", "on", "est",
           "accueil", "public", "h", "uniquement", "seulement", "sinon", "ou", "en",
           "d", "par", "chaque", "semaine"}


def _day_index(word: str) -> int:
    word = word.rstrip(".").removesuffix("s") if word not in DAYS else word
    return DAYS.index(word) if word in DAYS else _SHORT[word[:3]]


def _days_of(match: re.Match[str]) -> list[int]:
    kind = match.lastgroup
    if kind == "every":
        return list(range(7))
    if kind == "weekdays":
        return list(range(5))
    if kind == "weekend":
        return [5, 6]
    if kind == "span":
        words = re.findall(_DAY_WORD, match[0])
        first, last = _day_index(words[0]), _day_index(words[-1])
        return list(range(first, last + 1)) if first <= last else [
            *range(first, 7), *range(0, last + 1)]
    return [_day_index(match[0].strip())]


def from_sentence(text: str) -> str | None:
    """The OSM expression for hours written in French, or None when a part is not read.

    Reads what people type in a form: « du mardi au samedi de 14h à 19h », « lundi,
    mercredi 9h-12h et 14h-18h ; samedi 10h-13h », « tous les jours 8h30-20h sauf le
    lundi », « sur rendez-vous », « fermé les jours fériés ». Days are followed by their
    hours; a word that is neither a day, a time, nor a linking word makes the whole text
    unread (None), so nothing is guessed.
    """
    value = plain(text).replace("’", "'").replace("h00", "h")
    # « midi » is a time (« de 9h à midi »), « après-midi » only a word (its hours follow).
    value = re.sub(r"(?<!apres-)(?<!apres )\bmidi\b", "12h", value)
    value = value.replace("minuit", "24h").replace("12h30 a 12h", "12h30")
    rules: list[tuple[list[int], list[str]]] = []  # days, ranges (or [APPOINTMENT])
    closed: set[int] = set()
    holidays_off = False
    days: list[int] = []
    ranges: list[str] = []
    negate = False
    position = 0

    def flush() -> None:
        nonlocal days, ranges
        if ranges or days:
            rules.append((days, ranges))  # days without hours are refused below
        days, ranges = [], []

    for match in _TOKENS.finditer(value):
        between = value[position:match.start()]
        position = match.end()
        words = [w for w in re.split(r"[\s,;:./()+&]+", between.replace("'", "' ")) if w]
        if any(w.rstrip("'") not in _FILLER and w not in _FILLER for w in words):
            return None
        kind = match.lastgroup
        if negate and re.search(r"[,;.\n]", between):
            negate = False  # « fermé le lundi, du mardi au dimanche 10h-18h »
        if kind == "closed":
            if days and not ranges:  # « lundi : fermé »
                closed.update(days)
                days = []
            else:  # « fermé le lundi », « sauf le lundi »: the days that follow
                flush()
                negate = True
            continue
        if kind == "holidays":
            holidays_off = True
            continue
        if kind in ("every", "weekdays", "weekend", "span", "day"):
            if negate and not days:
                closed.update(_days_of(match))
                continue
            negate = False
            if ranges:
                flush()
            days += [d for d in _days_of(match) if d not in days]
            continue
        negate = False
        if kind == "allday":
            ranges.append("00:00-24:00")
        elif kind == "appointment":
            ranges.append(APPOINTMENT)
        else:
            start, end = _clock(match["h1"], match["m1"]), _clock(match["h2"], match["m2"])
            if start is None or end is None or start >= end:
                return None
            ranges.append(f"{start}-{end}")
    tail = [w for w in re.split(r"[\s,;:./()+&]+", value[position:]) if w]
    if any(w not in _FILLER for w in tail):
        return None
    negate = False
    flush()
    if not rules:
        return None
    parts = []
    for rule_days, rule_ranges in rules:
        kept = sorted(d for d in rule_days if d not in closed)
        if (rule_days and not kept) or not rule_ranges:
            return None
        span = _day_span(kept) if kept else ""
        if rule_ranges == [APPOINTMENT]:
            parts.append(f'{span} unknown "{APPOINTMENT}"'.strip())
        elif APPOINTMENT in rule_ranges or not span:
            return None  # hours without days, or hours mixed with « sur rendez-vous »
        else:
            parts.append(f"{span} {','.join(rule_ranges)}")
    if holidays_off:
        parts.append("PH off")
    expression = "; ".join(parts)
    try:
        OpeningHours(expression)
    except (ParserError, SyntaxError, ValueError):
        return None
    return expression
