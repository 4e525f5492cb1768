"""The compact data behind every map (home, territories, embed): one request, small.

Codes are replaced by indexes into vocabularies sent once, and opening hours by the
minutes of the usual week when the venue is open, so the browser can filter 20,000
venues (type, services, status, "ouvert maintenant"...) without loading every page.
Each venue also says whether it was confirmed since its source (`confirme`), and which
datasets it comes from (`jeux`, indexes into the `jeux` credits), for the distinct marker,
the popup's credit and the map's attribution. The labels of types and statuses
(`libelles`) let popups and the home list speak French; an itinerant venue lists its
stops (`etapes`: commune and week schedule as its file writes it) for its popup.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from ..model.datasets import Dataset
from ..model.dates import build_date, is_stale
from ..model.hours import open_minutes, week_schedule
from ..model.schema import labels
from ..model.venue import Venue, places
from ..reference.refdata import TIME_ZONES
from .freshness import map_credit

FORMAT_VERSION = 5
COLUMNS = ["id", "nom", "commune", "statut", "types", "services", "equipements", "labels",
           "porteur", "region", "departement", "gratuit", "points", "ouverture", "fuseau",
           "confirme", "jeux", "etapes", "a_verifier"]


def _index(values: list[str]) -> dict[str, int]:
    return {value: i for i, value in enumerate(values)}


def _opening(venue: Venue) -> list[list[int]] | None:
    """Open minutes of the week (union over the stops of an itinerant venue), or None."""
    expressions = [venue.data.get("horaires")] + [p.get("horaires") for base, p in
                                                  places(venue.data) if base]
    spans = [span for e in expressions if isinstance(e, str) for span in open_minutes(e)]
    return sorted(spans) if spans or any(isinstance(e, str) for e in expressions) else None


def _schedule_index(spans: list[list[int]] | None, schedules: dict[str, int]) -> int:
    """Index of the venue's open minutes in the shared list; -1 when it gives no hours."""
    if spans is None:
        return -1
    key = json.dumps(spans, separators=(",", ":"))
    return schedules.setdefault(key, len(schedules))


def _stops(venue: Venue) -> list[list[Any]]:
    """[[commune, [[days, hours], ...]], ...] for an itinerant venue's stops; [] otherwise."""
    if not venue.itinerant:
        return []
    out = []
    for place, (_, stop) in zip(venue.places, places(venue.data), strict=False):
        hours = stop.get("horaires")
        schedule = [list(day) for day in week_schedule(hours)] if isinstance(hours, str) else []
        out.append([place.commune, schedule])
    return out


def map_data(venues: list[Venue]) -> dict[str, Any]:
    vocab = {name: list(labels(def_name)) for name, def_name in [
        ("statuts", "statut"), ("types", "type_lieu"), ("services", "service"),
        ("equipements", "equipement"), ("labels", "label"), ("porteurs", "type_porteur")]}
    regions = sorted({(v.base.region["code"], v.base.region["nom"]) for v in venues})
    departements = sorted({(v.base.departement["code"], v.base.departement["nom"],
                            v.base.region["code"]) for v in venues})
    zones = sorted(set(TIME_ZONES.values()))
    index = {name: _index(values) for name, values in vocab.items()}
    region_index = _index([code for code, _ in regions])
    dep_index = _index([code for code, _, _ in departements])
    zone_index = _index(zones)
    schedules: dict[str, int] = {}  # many venues share their hours: each is sent once
    sources: dict[str, tuple[int, Dataset]] = {}  # dataset id -> (index, dataset)
    rows = []
    today = build_date()
    for v in venues:
        d = v.data
        porteur = (d.get("porteur") or {}).get("type")
        territory = "metro" if v.base.departement["code"] not in TIME_ZONES else (
            v.base.departement["code"])
        rows.append([
            v.id, v.nom, v.base.commune, index["statuts"][d["statut"]],
            [index["types"][t] for t in d["types"]],
            [index["services"][s] for s in d.get("services", [])],
            [index["equipements"][e] for e in d.get("equipements", [])],
            [index["labels"][lb] for lb in d.get("labels", [])],
            index["porteurs"][porteur] if porteur else -1,
            region_index[v.base.region["code"]], dep_index[v.base.departement["code"]],
            1 if (d.get("tarifs") or {}).get("gratuit") else 0,
            # 4 decimals: about 10 m, finer than a marker on the map.
            [[round(p.latitude, 4), round(p.longitude, 4)] for p in v.places],
            _schedule_index(_opening(v), schedules), zone_index[TIME_ZONES[territory]],
            1 if v.confirmed else 0,
            [sources.setdefault(ds.id, (len(sources), ds))[0] for ds in v.datasets],
            _stops(v),
            # Confirmed, but checked over a year ago: the list's "à vérifier" badge.
            1 if v.confirmed and is_stale(d.get("date_verification"), today) else 0,
        ])
    return {"version": FORMAT_VERSION, "colonnes": COLUMNS,
            "vocabulaires": {**vocab, "regions": [list(r) for r in regions],
                             "departements": [list(d) for d in departements],
                             "fuseaux": zones,
                             "horaires": [json.loads(key) for key in schedules],
                             "jeux": [map_credit(ds) for _, ds in sources.values()]},
            "libelles": {name: list(labels(def_name).values()) for name, def_name in [
                ("statuts", "statut"), ("types", "type_lieu")]},
            "lieux": rows}


def to_json(venues: list[Venue]) -> str:
    return orjson.dumps(map_data(venues)).decode() + "\n"
