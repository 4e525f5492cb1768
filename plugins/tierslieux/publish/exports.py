"""Write the open-data files from the in-memory venues: CSV, GeoJSON and JSON.

The tabular row of each venue is computed once and shared by the CSV, the GeoJSON and
the per-région extracts; JSON is written by orjson (fast, deterministic, UTF-8).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import Any

import orjson

from ..model.venue import Venue
from .columns import columns, row
from .sources import venue_credits

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


def dumps_pretty(data: Any) -> str:
    """Readable, stable JSON for files people open (indentation, key order kept)."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"


def dumps_pretty_bytes(data: Any) -> bytes:
    """dumps_pretty's UTF-8 bytes, for the large downloads: written as they are, without
    a text copy of tens of megabytes at 20,000 venues."""
    return orjson.dumps(data, option=orjson.OPT_INDENT_2) + b"\n"


def _geometry(venue: Venue) -> dict[str, Any]:
    coords = [[round(p.longitude, 6), round(p.latitude, 6)] for p in venue.places]
    if venue.itinerant:
        return {"type": "MultiPoint", "coordinates": coords}
    return {"type": "Point", "coordinates": coords[0]}


def record(venue: Venue, url: str) -> dict[str, Any]:
    """Every field of the file unchanged, plus the derived `territoire`, `url` and
    `source` (the datasets it comes from, each with its licence and whom to credit)."""
    return {**venue.data, "territoire": venue.territory(), "url": url,
            "source": venue_credits(venue)}


class Exports:
    """The downloads of one list of venues; subsets (régions) reuse the same rows."""

    def __init__(self, venues: list[Venue], url_of: Callable[[Venue], str],
                 row_of: Callable[[Venue, str], dict[str, Any]] = row) -> None:
        """`row_of`: the columns' `row`, or a cache of it (the site's incremental build)."""
        self.venues = venues
        self.url_of = url_of
        self.rows = {v.id: row_of(v, url_of(v)) for v in venues}

    def csv(self, venues: Iterable[Venue] | None = None) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        names = [c.name for c in columns()]
        writer.writerow(names)
        for venue in self.venues if venues is None else venues:
            cells = self.rows[venue.id]
            writer.writerow([safe_cell(cells[n]) for n in names])
        return buffer.getvalue()

    def geojson(self, venues: Iterable[Venue] | None = None) -> bytes:
        """RFC 7946: WGS 84 [longitude, latitude], no `crs`; one feature per venue (UTF-8)."""
        features = [{"type": "Feature", "id": v.id, "geometry": _geometry(v),
                     "properties": self.rows[v.id]}
                    for v in (self.venues if venues is None else venues)]
        return orjson.dumps({"type": "FeatureCollection", "features": features}) + b"\n"

    def json(self, meta: dict[str, Any]) -> bytes:
        """Every venue's record, with `meta` first (UTF-8)."""
        return dumps_pretty_bytes(
            {**meta, "lieux": [record(v, self.url_of(v)) for v in self.venues]})


def to_csv(venues: list[Venue], url_of: Callable[[Venue], str]) -> str:
    return Exports(venues, url_of).csv()


def to_geojson(venues: list[Venue], url_of: Callable[[Venue], str]) -> bytes:
    return Exports(venues, url_of).geojson()


def to_json(venues: list[Venue], url_of: Callable[[Venue], str],
            meta: dict[str, Any]) -> bytes:
    return Exports(venues, url_of).json(meta)
