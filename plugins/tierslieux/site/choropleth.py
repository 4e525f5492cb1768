"""Maps of France coloured by département, for the statistics page, as inline SVG.

The shapes are projected and simplified once from the official outlines
(`tests/tools/department_shapes.py` writes `shapes/departements.json`); here each
département gets a colour class from its value. Classes are quantiles of the non-zero
values, rounded to readable bounds, so that a few large départements do not leave the
rest of the map in one colour; zero has its own class, and "no data" another.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHAPES = Path(__file__).parent / "shapes" / "departements.json"
CLASSES = 5
SOURCE = {
    "title": "Admin Express COG 2018 (IGN) et COG 2018 (INSEE)",
    "via": "https://github.com/gregoiredavid/france-geojson",
    "licence": "Licence Ouverte 2.0",
    "licence_url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}


@functools.cache
def shapes() -> dict[str, Any]:
    """The projected outlines: viewBox, insets (overseas, Paris) and one path per code."""
    return json.loads(SHAPES.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Area:
    code: str
    label: str  # "Lozère : 3 lieux ouverts" (the hover title)
    level: int  # 0: zero, 1..CLASSES: classes, -1: no data


@dataclass(frozen=True)
class LegendEntry:
    level: int
    label: str


@dataclass(frozen=True)
class Choropleth:
    id: str
    title: str
    areas: tuple[Area, ...]
    legend: tuple[LegendEntry, ...]


def _nice(value: float, decimals: int) -> float:
    """Round a class bound so that the legend reads simply (1 decimal, or whole numbers)."""
    return round(value, decimals)


def breaks(values: list[float], decimals: int) -> list[float]:
    """Lower bounds of the classes above zero: quantiles of the non-zero values, distinct."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    bounds: list[float] = []
    for k in range(CLASSES):
        b = _nice(positive[len(positive) * k // CLASSES], decimals)
        if k == 0:
            b = min(b, positive[0])
        if not bounds or b > bounds[-1]:
            bounds.append(b)
    return bounds


def choropleth(map_id: str, title: str, names: Mapping[str, str],
               values: Mapping[str, float | None], decimals: int,
               fmt: Callable[[float], str], describe: Callable[[str, float | None], str]
               ) -> Choropleth:
    """Colour classes for every département that has a shape; `describe` writes its title."""
    codes = [c for c in shapes()["departements"] if c in names]
    lower = breaks([v for c in codes if (v := values.get(c)) is not None], decimals)

    def level(v: float | None) -> int:
        if v is None:
            return -1
        if v <= 0:
            return 0
        shown = round(v, decimals)  # classed as the legend and the table show it
        return max((i + 1 for i, b in enumerate(lower) if shown >= b), default=1)

    areas = tuple(Area(c, describe(c, values.get(c)), level(values.get(c))) for c in codes)
    step = 10 ** -decimals
    legend = [LegendEntry(0, "aucun")]
    for i, b in enumerate(lower):
        upper = lower[i + 1] - step if i + 1 < len(lower) else None
        if upper is None:
            text = f"{fmt(b)} et plus"
        elif i == 0 and b < 1:  # rates: the first class starts just above zero
            text = f"jusqu'à {fmt(upper)}"
        elif upper <= b:
            text = fmt(b)
        else:
            text = f"de {fmt(b)} à {fmt(upper)}"
        legend.append(LegendEntry(i + 1, text))
    if any(a.level == -1 for a in areas):
        legend.append(LegendEntry(-1, "population inconnue"))
    return Choropleth(map_id, title, areas, tuple(legend))
