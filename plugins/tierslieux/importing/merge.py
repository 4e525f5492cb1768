"""Combining what a source row says with the venue file the directory already has.

Why a rule, not a diff: a venue's manager knows better than a network's spreadsheet. An
import fills what a file lacks and never overwrites what someone wrote, unless the
mapping names the field in `mise_a_jour.remplacer`, or the file is still exactly as this
source wrote it (its `provenance` entry's fingerprint matches): then the source, having
changed, updates it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .directory import fingerprint

# Fields that locate a fixed venue: taken together from one side, never mixed.
PLACE = ("adresse", "complement_adresse", "code_postal", "commune", "code_insee",
         "latitude", "longitude", "position")
OWN = ("id", "provenance", "date_verification", "etapes")


@dataclass
class Merged:
    data: dict[str, Any]
    changed: list[str] = field(default_factory=list)  # fields the import set or replaced
    kept: list[str] = field(default_factory=list)  # fields where the file's value was kept


def owned_by(existing: dict[str, Any], dataset: str, row: str) -> bool:
    """Whether the file is still exactly what this row of `dataset` wrote (nobody, nor any
    other row or source, changed it since)."""
    current = fingerprint(existing)
    return any(isinstance(e, dict) and e.get("jeu") == dataset and str(e.get("ligne")) == row
               and e.get("empreinte") == current for e in existing.get("provenance") or [])


def merge(existing: dict[str, Any], new: dict[str, Any], *, source_wins: bool,
          replace: set[str]) -> Merged:
    """The file's data completed (or, where the source wins, updated) by the row's."""
    out = Merged(dict(existing))
    data = out.data
    itinerant = bool(existing.get("etapes"))
    if bool(new.get("etapes")) == itinerant:
        same_place = all(existing.get(k) == new.get(k) for k in PLACE)
        if not same_place:
            if source_wins or "adresse" in replace or not any(k in existing for k in PLACE):
                for key in PLACE:
                    if key in new:
                        data[key] = new[key]
                    else:
                        data.pop(key, None)
                out.changed.append("adresse et position")
            else:
                out.kept.append("adresse et position")
        if itinerant and existing.get("etapes") != new.get("etapes"):
            if source_wins or "etapes" in replace:
                data["etapes"] = new["etapes"]
                out.changed.append("etapes")
            else:
                out.kept.append("etapes")
    for key, value in new.items():
        if key in PLACE or key in OWN:
            continue
        current = existing.get(key)
        if current == value:
            continue
        if current is None or source_wins or key in replace:
            data[key] = value
            out.changed.append(key)
        elif isinstance(current, list) and isinstance(value, list):
            added = [v for v in value if v not in current]
            if added:
                data[key] = current + added
                out.changed.append(key)
        elif isinstance(current, dict) and isinstance(value, dict):
            missing = {k: v for k, v in value.items() if k not in current}
            if missing:
                data[key] = {**current, **missing}
                out.changed.append(key)
            if any(k in current and current[k] != v for k, v in value.items()):
                out.kept.append(key)
        else:
            out.kept.append(key)
    if source_wins:  # what the source no longer says goes, when the file is still its own
        for key in list(existing):
            if key not in new and key not in OWN and key not in PLACE:
                data.pop(key)
                out.changed.append(key)
    dates = [d for d in (existing.get("date_verification"), new.get("date_verification")) if d]
    if dates:
        newest = max(str(d) for d in dates)
        if source_wins:
            newest = str(new.get("date_verification") or newest)
        if str(existing.get("date_verification")) != newest:
            data["date_verification"] = newest
    return out


def with_provenance(data: dict[str, Any], entry: dict[str, Any], *,
                    owned: bool) -> dict[str, Any]:
    """The data with this source's provenance entry written.

    An entry gets a fresh fingerprint only when the file is this source's own (created by
    it, or updated while nobody else touched it): a later run may then update the file. A
    venue the source was merely matched to gets none, and one someone edited keeps its old
    one, so the source only ever completes them.
    """
    def same(e: dict[str, Any]) -> bool:
        return e.get("jeu") == entry["jeu"] and str(e.get("ligne")) == str(entry.get("ligne"))

    previous = [dict(e) for e in data.get("provenance") or [] if isinstance(e, dict)]
    entries = [e for e in previous if not same(e)]
    mine = dict(entry)
    old = next((e for e in previous if same(e)), None)
    if not owned and old and "empreinte" in old:
        mine["empreinte"] = old["empreinte"]  # stale: matches again only if the edit is undone
    entries.append(mine)
    entries.sort(key=lambda e: (e["jeu"], str(e.get("ligne", ""))))
    result = {**data, "provenance": entries}
    if owned:
        mine["empreinte"] = fingerprint(result)
    return result
