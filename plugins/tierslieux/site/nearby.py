"""The nearest venues of each venue, for the "À proximité" list of venue pages.

A grid of cells about 5 km wide keeps this close to linear at national scale: each venue
scans rings of cells around itself, ranking candidates with a flat-earth distance (cheap),
until the next ring cannot hold anything nearer; isolated venues (overseas) fall back to
one scan of every point. The k winners are then measured on the sphere. (Cells 20 km wide
made each venue of a dense city scan thousands of others: 20,000 venues took 4.5 s, now
2.5 s, with the same lists.)
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict

from ..model.venue import Venue

CELL_DEG = 0.05
MAX_RINGS = 40  # about 200 km, as before


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def nearest(venues: list[Venue], k: int = 5) -> dict[str, list[tuple[Venue, float]]]:
    """id -> up to k other venues that are not closed, with their distance in km."""
    points: list[tuple[float, float, Venue]] = [
        (p.latitude, p.longitude, v) for v in venues if v.data["statut"] != "ferme"
        for p in v.places]
    grid: dict[tuple[int, int], list[tuple[float, float, str]]] = defaultdict(list)
    for lat, lon, other in points:
        grid[(math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG))].append(
            (lat, lon, other.id))
    by_id = {v.id: v for v in venues}
    out: dict[str, list[tuple[Venue, float]]] = {}
    for v in venues:
        lat0, lon0 = v.base.latitude, v.base.longitude
        cos0 = max(math.cos(math.radians(lat0)), 0.1)
        cy, cx = math.floor(lat0 / CELL_DEG), math.floor(lon0 / CELL_DEG)
        best: dict[str, float] = {}

        def consider(cell: list[tuple[float, float, str]], best: dict[str, float] = best,
                     me: str = v.id, lat0: float = lat0, lon0: float = lon0,
                     cos0: float = cos0) -> None:
            for lat, lon, other_id in cell:
                if other_id != me:
                    d2 = (lat - lat0) ** 2 + ((lon - lon0) * cos0) ** 2
                    if d2 < best.get(other_id, math.inf):
                        best[other_id] = d2

        found = False
        for ring in range(MAX_RINGS + 1):
            for dy in range(-ring, ring + 1):
                step = 1 if abs(dy) == ring else 2 * ring  # only the ring's border cells
                for dx in range(-ring, ring + 1, step or 1):
                    cell = grid.get((cy + dy, cx + dx))
                    if cell:
                        consider(cell)
            if len(best) >= k:
                kth = heapq.nsmallest(k, best.values())[-1]
                if kth <= (ring * CELL_DEG * cos0) ** 2:
                    found = True
                    break
        if not found:
            consider([(lat, lon, other.id) for lat, lon, other in points])
        candidates = heapq.nsmallest(2 * k, best.items(), key=lambda item: item[1])
        measured = []
        for other_id, _ in candidates:
            other = by_id[other_id]
            d = min(km((lat0, lon0), (p.latitude, p.longitude)) for p in other.places)
            measured.append((other, d))
        out[v.id] = sorted(measured, key=lambda item: (item[1], item[0].id))[:k]
    return out
