"""Derive the statistics page's département shapes from ../shared's reference outlines.

The page draws France as inline SVG (no JavaScript, no tiles), so the build needs each
département as an SVG path, already projected and simplified. This script makes that
small file once, from the IGN Admin Express / INSEE COG 2018 outlines (Licence Ouverte 2.0,
as published in gregoiredavid/france-geojson) that ../shared holds; the result is
committed (`plugins/tierslieux/site/shapes/departements.json`) so that a clone without
../shared still builds. Départements have not changed since 2018.

Metropolitan France is drawn in Lambert-93; each overseas département in its own UTM
zone, as an inset with its own scale; Paris and its inner suburbs get a zoomed inset too.
Rings are simplified with Douglas-Peucker in projected metres; islets smaller than a
few pixels are dropped.

    .venv/bin/python tests/tools/department_shapes.py [../shared/data/reference/...]
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

from pyproj import Transformer

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT.parent / "shared/data/reference/departements-avec-outre-mer.geojson"
TARGET = ROOT / "plugins/tierslieux/site/shapes/departements.json"

WIDTH = 600  # SVG units of the whole drawing
MAIN = (110, 0, 490, 480)  # x, y, width, height of the metropolitan box (right side)
# Insets: codes drawn, CRS, box (x, y, w, h) and title. Left column, then Paris.
INSETS = [
    (("971",), "EPSG:5490", (4, 10, 92, 70), "Guadeloupe"),
    (("972",), "EPSG:5490", (4, 100, 92, 70), "Martinique"),
    (("973",), "EPSG:2972", (4, 190, 92, 90), "Guyane"),
    (("974",), "EPSG:2975", (4, 300, 92, 70), "La Réunion"),
    (("976",), "EPSG:4471", (4, 390, 92, 70), "Mayotte"),
    (("75", "92", "93", "94"), "EPSG:2154", (504, 4, 92, 92), "Paris et petite couronne"),
]
HEIGHT = 480


def _perpendicular(p: tuple[float, float], a: tuple[float, float],
                   b: tuple[float, float]) -> float:
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    return abs(dy * x - dx * y + x2 * y1 - y2 * x1) / (dx * dx + dy * dy) ** 0.5


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative (rings have thousands of points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        best, index = 0.0, first
        for i in range(first + 1, last):
            d = _perpendicular(points[i], points[first], points[last])
            if d > best:
                best, index = d, i
        if best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(ring: list[tuple[float, float]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1
                   for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def _rings(geometry: dict) -> list[list[list[float]]]:
    polygons = ([geometry["coordinates"]] if geometry["type"] == "Polygon"
                else geometry["coordinates"])
    return [ring for polygon in polygons for ring in polygon]


def _project(features: dict[str, dict], codes: tuple[str, ...], crs: str
             ) -> dict[str, list[list[tuple[float, float]]]]:
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    return {code: [list(zip(*to_crs.transform(*zip(*ring, strict=True)), strict=True))
                   for ring in _rings(features[code]["geometry"])]
            for code in codes}


def _fit(projected: dict[str, list[list[tuple[float, float]]]],
         box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """Scale and offsets that fit every ring in the box, north up, centred."""
    xs = [x for rings in projected.values() for ring in rings for x, _ in ring]
    ys = [y for rings in projected.values() for ring in rings for _, y in ring]
    bx, by, bw, bh = box
    scale = min(bw / (max(xs) - min(xs)), bh / (max(ys) - min(ys)))
    ox = bx + (bw - (max(xs) - min(xs)) * scale) / 2 - min(xs) * scale
    oy = by + (bh - (max(ys) - min(ys)) * scale) / 2 + max(ys) * scale
    return scale, ox, oy, bw


def _num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _path(rings: list[list[tuple[float, float]]], scale: float, ox: float, oy: float) -> str:
    """Simplified rings as one SVG path, relative moves in tenths of a unit."""
    tolerance = 0.6 / scale  # under a pixel at the size the page draws it
    parts = []
    for ring in rings:
        if _area(ring) * scale * scale < 1.5:  # islets under a couple of square units
            continue
        kept = simplify(ring, tolerance)
        if len(kept) < 4:
            continue
        pts = [(round(ox + x * scale, 1), round(oy - y * scale, 1)) for x, y in kept[:-1]]
        steps = " ".join(f"{_num(b[0] - a[0])} {_num(b[1] - a[1])}"
                         for a, b in itertools.pairwise(pts))
        parts.append(f"M{_num(pts[0][0])} {_num(pts[0][1])}l{steps}z")
    return "".join(parts)


def main(source: Path = SOURCE) -> None:
    data = json.loads(source.read_text(encoding="utf-8"))
    features = {f["properties"]["code"]: f for f in data["features"]}
    paths: dict[str, str] = {}
    overseas = {code for codes, *_ in INSETS[:5] for code in codes}
    main_codes = tuple(c for c in features if c not in overseas)
    projected = _project(features, main_codes, "EPSG:2154")
    scale, ox, oy, _ = _fit(projected, MAIN)
    for code, rings in projected.items():
        paths[code] = _path(rings, scale, ox, oy)
    insets = []
    for codes, crs, box, title in INSETS:
        projected = _project(features, codes, crs)
        scale, ox, oy, _ = _fit(projected, box)
        key = "zoom" if len(codes) > 1 else "path"
        shapes = {code: _path(rings, scale, ox, oy) for code, rings in projected.items()}
        if key == "path":
            paths.update(shapes)
        insets.append({"title": title, "box": box, "codes": list(codes),
                       **({"zoom": shapes} if key == "zoom" else {})})
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    head = {
        "source": "IGN Admin Express COG 2018 et INSEE COG 2018, via gregoiredavid/france-geojson",
        "licence": "Licence Ouverte 2.0",
        "viewBox": f"0 0 {WIDTH} {HEIGHT}",
        "insets": insets,
    }
    lines = [f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    shapes = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(paths.items())]
    TARGET.write_text("{\n" + "\n".join(lines) + '\n"departements": {\n'
                      + ",\n".join(shapes) + "\n}}\n", encoding="utf-8")
    print(f"{TARGET.relative_to(ROOT)}: {len(paths)} départements, "
          f"{TARGET.stat().st_size // 1024} Kio")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
