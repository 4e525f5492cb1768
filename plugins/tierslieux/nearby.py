"""The nearest venues of each venue, for the "À proximité" list of venue pages.

A grid of cells about 50 km wide keeps this linear at national scale: each venue looks
at rings of cells around it until the ring is farther than its k-th nearest venue.
"""

from __future__ import annotations

import math
from collections import defaultdict

from .venue import Venue

CELL_DEG = 0.5


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def nearest(venues: list[Venue], k: int = 5,
            include_closed: bool = False) -> dict[str, list[tuple[Venue, float]]]:
    """id -> up to k other venues (not closed, unless asked) with their distance in km."""
    def cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / CELL_DEG), math.floor(lon / CELL_DEG)

    grid: dict[tuple[int, int], list[tuple[Venue, tuple[float, float]]]] = defaultdict(list)
    for v in venues:
        if include_closed or v.data["statut"] != "ferme":
            for p in v.places:
                grid[cell(p.latitude, p.longitude)].append((v, (p.latitude, p.longitude)))
    out: dict[str, list[tuple[Venue, float]]] = {}
    max_ring = 40  # 20 degrees: beyond, overseas venues simply have fewer neighbours
    for v in venues:
        origin = (v.base.latitude, v.base.longitude)
        cy, cx = cell(*origin)
        best: dict[str, tuple[Venue, float]] = {}
        for ring in range(max_ring + 1):
            for dy in range(-ring, ring + 1):
                for dx in range(-ring, ring + 1):
                    if max(abs(dy), abs(dx)) != ring:
                        continue
                    for other, point in grid.get((cy + dy, cx + dx), ()):
                        if other.id == v.id:
                            continue
                        d = km(origin, point)
                        if other.id not in best or d < best[other.id][1]:
                            best[other.id] = (other, d)
            ranked = sorted(best.values(), key=lambda item: (item[1], item[0].id))[:k]
            # Cells of the next ring are at least `ring` cells away (about 55 km a cell).
            if len(ranked) == k and ranked[-1][1] <= ring * CELL_DEG * 111 * math.cos(
                    math.radians(min(abs(origin[0]) + CELL_DEG * ring, 89))):
                break
        out[v.id] = sorted(best.values(), key=lambda item: (item[1], item[0].id))[:k]
    return out
