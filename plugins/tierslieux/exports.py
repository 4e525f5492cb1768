"""Write the open-data files from the in-memory venues: CSV, GeoJSON, JSON, map data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from .columns import columns, row
from .venue import Venue

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """CSV text for one typed cell; text that a spreadsheet would run is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=None, separators=(",", ":"),
                      sort_keys=False)


def dumps_pretty(data: Any) -> str:
    """Readable, stable JSON for files people open (indentation, key order kept)."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def to_csv(venues: list[Venue], url_of: Callable[[Venue], str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    names = [c.name for c in columns()]
    writer.writerow(names)
    for venue in venues:
        cells = row(venue, url_of(venue))
        writer.writerow([safe_cell(cells[n]) for n in names])
    return buffer.getvalue()


def _geometry(venue: Venue) -> dict[str, Any]:
    coords = [[round(p.longitude, 6), round(p.latitude, 6)] for p in venue.places]
    if venue.itinerant:
        return {"type": "MultiPoint", "coordinates": coords}
    return {"type": "Point", "coordinates": coords[0]}


def to_geojson(venues: list[Venue], url_of: Callable[[Venue], str]) -> str:
    """RFC 7946: WGS 84 [longitude, latitude], no `crs`; one feature per venue."""
    features = [
        {"type": "Feature", "id": v.id, "geometry": _geometry(v),
         "properties": row(v, url_of(v))}
        for v in venues
    ]
    return _dumps({"type": "FeatureCollection", "features": features}) + "\n"


def record(venue: Venue, url: str) -> dict[str, Any]:
    """Every field of the file unchanged, plus the derived `territoire` and `url`."""
    return {**venue.data, "territoire": venue.territory(), "url": url}


def to_json(venues: list[Venue], url_of: Callable[[Venue], str],
            meta: dict[str, Any]) -> str:
    return dumps_pretty({**meta, "lieux": [record(v, url_of(v)) for v in venues]})
