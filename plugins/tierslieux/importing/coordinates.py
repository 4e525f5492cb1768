"""Turning a source's coordinate cells into WGS 84 points, or saying why they cannot be.

Why: regional networks publish their places in whatever their GIS or spreadsheet gave
them: Lambert-93 metres, Web Mercator, an overseas UTM zone, decimal commas, degrees with
minutes and seconds, latitude and longitude swapped, "0, 0" for "unknown". A venue file
holds WGS 84 degrees. Every such defect is either fixed and counted (so the import report
says what was changed) or left as a French reason on the row, never guessed in silence.

Projections go through pyproj (PROJ), with one cached transformer per CRS, and whole
columns are transformed in one call so that 10,000 rows stay well under a second.
Whether a point "is in France" uses the bounding boxes of reference/refdata.py: coarse,
but enough to tell a swapped pair or a wrong projection from a plausible point.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from ..reference.refdata import TERRITORY_BOXES

WGS84 = "EPSG:4326"
# The mapping key that names a source's CRS, as messages tell people to write it.
CRS_KEY = "crs"

# CRSs that French files use, tried in this order to suggest one when a source gives
# metres without saying which projection (the first one that puts most points in France).
COMMON_CRS: tuple[tuple[str, str], ...] = (
    ("EPSG:2154", "Lambert-93, métropole"),
    ("EPSG:3857", "Web Mercator, celle des cartes en ligne"),
    ("EPSG:27572", "Lambert II étendu, anciens fichiers"),
    ("EPSG:5490", "UTM 20 N, Guadeloupe et Martinique"),
    ("EPSG:2972", "UTM 22 N, Guyane"),
    ("EPSG:2975", "UTM 40 S, La Réunion"),
    ("EPSG:4471", "UTM 38 S, Mayotte"),
    ("EPSG:4467", "UTM 21 N, Saint-Pierre-et-Miquelon"),
)

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009\t")
# 48°06'42"N, N 48° 6.7', 1°40'48" O ... (O for "ouest", as French files write it).
_DMS = re.compile(
    r"""\s*(?P<pre>[NSEWO])?\s*
    (?P<deg>\d+(?:[.,]\d+)?)\s*[°º]\s*
    (?:(?P<min>\d+(?:[.,]\d+)?)\s*['’′]\s*)?
    (?:(?P<sec>\d+(?:[.,]\d+)?)\s*(?:["”″]|'')\s*)?
    (?P<post>[NSEWO])?\s*""", re.VERBOSE | re.IGNORECASE)
_WKT_POINT = re.compile(
    r"\s*(?:SRID=\d+;)?\s*POINT\s*(?:Z\s*)?\(\s*(\S+)\s+(\S+)(?:\s+\S+)?\s*\)\s*", re.IGNORECASE)


def parse_number(value: Any) -> float | None:
    """A number from a cell as people type it, or None.

    Accepts decimal commas ("48,1113"), spaces, no-break spaces and thin spaces as
    thousands separators ("12 345,6"), the Unicode minus sign, and both "1.234,5" and
    "1,234.5". Refuses NaN, infinities, Python's "1_000" and booleans, which are not
    numbers anyone meant.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
        return number if math.isfinite(number) else None
    if not isinstance(value, str):
        return None
    if _NUMBER.fullmatch(value):  # the common case, kept fast for 10,000-row files
        return float(value)
    text = value.strip().translate(_SPACES).replace("\u2212", "-")
    if "," in text and "." in text:  # the last separator is the decimal one
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:  # "1,234,567" or "1.234.567"
        text = text.replace(",", "").replace(".", "")
    if not _NUMBER.fullmatch(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


def parse_coordinate(value: Any) -> float | None:
    """A coordinate in decimal degrees or metres, or in degrees-minutes-seconds, or None.

    Degrees-minutes-seconds ("48°06'42\"N", "1°40'48\" O") are what people copy from a
    map's info box; south and west (O for "ouest") give negative values.
    """
    number = parse_number(value)
    if number is not None or not isinstance(value, str) or ("°" not in value and "º" not in value):
        return number
    match = _DMS.fullmatch(value)
    if not match:
        return None
    pre, post = match["pre"], match["post"]
    if pre and post:
        return None
    parts = [parse_number(match[k] or "0") or 0.0 for k in ("deg", "min", "sec")]
    if parts[1] >= 60 or parts[2] >= 60:
        return None
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    return -degrees if (pre or post or "").upper() in ("S", "W", "O") else degrees


def split_pair(text: str) -> tuple[str, str] | None:
    """(latitude text, longitude text) from one cell holding both, or None.

    Opendatasoft exports (the most common French portal) write "48.1113, -1.6802"
    (latitude first) in a "Geo Point" column; QGIS writes a WKT "POINT (-1.68 48.11)"
    (x first). Decimal commas are told apart from the separator by the space after it.
    """
    text = text.strip()
    if not text:
        return None
    wkt = _WKT_POINT.fullmatch(text)
    if wkt:
        return wkt[2], wkt[1]
    for separator in (";", ", ", "\t"):
        if separator in text:
            parts = [p for p in text.split(separator) if p.strip()]
            return (parts[0], parts[1]) if len(parts) == 2 else None
    if text.count(",") == 1:
        first, second = text.split(",")
        return first, second
    parts = text.split()
    return (parts[0], parts[1]) if len(parts) == 2 else None


def in_france(lon: float, lat: float) -> bool:
    """Whether a WGS 84 point falls in mainland France or an overseas territory's box."""
    return any(min_lon <= lon <= max_lon and min_lat <= lat <= max_lat
               for min_lon, min_lat, max_lon, max_lat in TERRITORY_BOXES.values())


@lru_cache(maxsize=32)
def _crs(text: str) -> CRS:
    return CRS.from_user_input(text)


def crs_problem(text: str) -> str | None:
    """Why a CRS named in a mapping or a file cannot be used (French), or None.

    Meant for the mapping's own check too, so that a typo is reported with its line
    before a single row is read.
    """
    try:
        crs = _crs(text.strip())
    except CRSError:
        return (f"projection « {text} » inconnue : écrivez un code EPSG, par exemple "
                "EPSG:2154 (Lambert-93) ou EPSG:3857 (Web Mercator).")
    if not (crs.is_geographic or crs.is_projected):
        return (f"« {text} » ({crs.name}) n'est pas une projection de points à plat : "
                "écrivez par exemple EPSG:2154 (Lambert-93).")
    return None


def describe_crs(text: str) -> str:
    """"EPSG:2154 (RGF93 v1 / Lambert-93)": the code people look up, and its name."""
    crs = _crs(text.strip())
    code = crs.to_epsg()
    return f"EPSG:{code} ({crs.name})" if code else crs.name


def is_wgs84(text: str | None) -> bool:
    """Whether coordinates in this CRS are already WGS 84 degrees (no transformation)."""
    if text is None:
        return True
    crs = _crs(text.strip())
    return crs.to_epsg() == 4326 or crs.name == "WGS 84 (CRS84)"


@lru_cache(maxsize=32)
def transformer(text: str) -> Transformer:
    """The cached transformer from this CRS to WGS 84, x/east first then y/north."""
    return Transformer.from_crs(_crs(text.strip()), WGS84, always_xy=True)


@dataclass
class Point:
    """Where one row is, in WGS 84 degrees, or why it has no usable point."""

    lat: float | None = None
    lon: float | None = None
    problem: str | None = None  # French: why the cells give no point (the row is refused)
    note: str | None = None  # French: what was corrected on the way


def _show(value: Any) -> str:
    """A cell as quoted in a message: 0 stays "0", None is empty, long text is cut."""
    return "" if value is None else str(value).strip()[:40]


def _transform(crs: str, xs: list[float], ys: list[float]) -> list[tuple[float, float]]:
    """(lon, lat) for each (x, y); NaN-free (failures come back as infinities)."""
    if not xs:
        return []
    lons, lats = transformer(crs).transform(xs, ys, errcheck=False)
    return list(zip(lons, lats, strict=True))


def _usable(lon: float, lat: float) -> bool:
    return math.isfinite(lon) and math.isfinite(lat) and in_france(lon, lat)


def suggest_crs(pairs: Sequence[tuple[float, float]]) -> tuple[str, str] | None:
    """The common French CRS that puts most of these (x, y) metres in France, if any."""
    best, best_count = None, 0
    xs, ys = [p[0] for p in pairs], [p[1] for p in pairs]
    for code, label in COMMON_CRS:
        count = sum(_usable(lon, lat) for lon, lat in _transform(code, xs, ys))
        if count > best_count:
            best, best_count = (code, label), count
    return best


def _lines(count: int) -> str:
    return f"{count} ligne{'s' if count > 1 else ''}"


def locate(cells: Sequence[tuple[Any, Any] | None], crs: str | None = None, *,
           crs_origin: str = "") -> tuple[list[Point], list[str]]:
    """The WGS 84 point of each (latitude cell, longitude cell), and notes on the whole.

    With a projected CRS the cells are (northing Y, easting X). None, or two empty cells,
    means "no coordinates": no point and no problem, since the importer geocodes such
    rows. Per row: swapped axes are swapped back when only the swapped pair lands in
    France; "0, 0" counts as missing; degrees found where a projected CRS was announced
    are read as degrees; metres without a CRS are refused with the likely CRS to declare.
    The notes count each correction, for the import report's header; `crs_origin` says
    where the CRS came from when it was not the mapping.
    """
    if crs is not None and (problem := crs_problem(crs)):
        raise ValueError(problem)
    wgs84 = is_wgs84(crs)
    projected = crs is not None and _crs(crs.strip()).is_projected
    points = [Point() for _ in cells]
    todo: list[tuple[int, float, float]] = []  # (index, x, y) to check, transform, place
    metres: dict[int, str] = {}  # index -> the cells as quoted in the message
    zeros = 0
    for index, pair in enumerate(cells):
        if pair is None:
            continue
        lat_cell, lon_cell = pair
        lat_text, lon_text = _show(lat_cell), _show(lon_cell)
        if not lat_text and not lon_text:
            continue
        point = points[index]
        if not lat_text or not lon_text:
            missing = "latitude" if not lat_text else "longitude"
            point.problem = (f"coordonnées incomplètes : {missing} vide (latitude "
                             f"« {lat_text} », longitude « {lon_text} »)")
            continue
        lat, lon = parse_coordinate(lat_cell), parse_coordinate(lon_cell)
        if lat is None or lon is None:
            point.problem = (f"coordonnées illisibles : latitude « {lat_text} », longitude "
                             f"« {lon_text} » (attendu : des nombres comme 48.1113 et -1.6802)")
            continue
        if lat == 0 and lon == 0:
            point.note = "coordonnées 0, 0 : considérées comme absentes"
            zeros += 1
            continue
        if not projected and (abs(lat) > 90 or abs(lon) > 180):
            if max(abs(lat), abs(lon)) < 1000:  # not metres either: a typo
                point.problem = (f"coordonnées impossibles : latitude « {lat_text} », "
                                 f"longitude « {lon_text} » (une latitude va de -90 à 90, "
                                 "une longitude de -180 à 180)")
                continue
            metres[index] = f"X « {lon_text} », Y « {lat_text} »"
        todo.append((index, lon, lat))

    notes: list[str] = []
    swapped = degrees = outside = 0
    regular = [t for t in todo if t[0] not in metres]
    if wgs84:
        placed = [(lon, lat) for _, lon, lat in regular]
    else:
        placed = _transform(crs or WGS84, [t[1] for t in regular], [t[2] for t in regular])
    retry: list[int] = []
    for (index, x, y), (lon, lat) in zip(regular, placed, strict=True):
        point = points[index]
        if _usable(lon, lat):
            point.lat, point.lon = lat, lon
        elif projected and abs(y) <= 90 and abs(x) <= 180 and in_france(x, y):
            point.lat, point.lon = y, x
            point.note = f"coordonnées en degrés malgré la projection {crs} : lues en degrés"
            degrees += 1
        else:
            point.lat, point.lon = lat, lon  # kept as is unless the swapped pair fits
            retry.append(index)
    if retry:
        by_index = {t[0]: t for t in regular}
        xs = [by_index[i][2] for i in retry]  # swapped: the "latitude" cell as x
        ys = [by_index[i][1] for i in retry]
        swapped_places = list(zip(xs, ys, strict=True)) if wgs84 else \
            _transform(crs or WGS84, xs, ys)
        for index, (lon, lat) in zip(retry, swapped_places, strict=True):
            point = points[index]
            if _usable(lon, lat):
                point.lat, point.lon = lat, lon
                point.note = "latitude et longitude inversées dans la source : corrigé"
                swapped += 1
            elif point.lat is not None and point.lon is not None \
                    and math.isfinite(point.lat) and math.isfinite(point.lon):
                outside += 1
            else:
                point.lat = point.lon = None
                point.problem = (f"coordonnées impossibles à convertir depuis {crs} "
                                 f"(X « {by_index[index][1]} », Y « {by_index[index][2]} »)")
    if metres:
        by_index = {t[0]: t for t in todo}
        guess = suggest_crs([(by_index[i][1], by_index[i][2]) for i in metres])
        hint = (f"sans doute « {CRS_KEY}: {guess[0]} » ({guess[1]})" if guess
                else f"par exemple « {CRS_KEY}: EPSG:2154 » pour le Lambert-93")
        for index, quoted in metres.items():
            points[index].problem = (
                f"coordonnées en mètres et non en degrés ({quoted}) : indiquez leur "
                f"projection dans la section source de la correspondance, {hint}")
        notes.append(f"coordonnées en mètres sans projection indiquée sur {_lines(len(metres))}"
                     f" : indiquez-la dans la section source de la correspondance, {hint}.")
    if crs is not None and not wgs84:
        notes.append(f"projection : {describe_crs(crs)}{crs_origin}, convertie en WGS 84.")
    if swapped:
        notes.append(f"axes inversés (latitude et longitude échangées) sur {_lines(swapped)}"
                     " : corrigé.")
    if degrees:
        notes.append(f"coordonnées déjà en degrés malgré la projection {crs} sur "
                     f"{_lines(degrees)} : lues en degrés WGS 84.")
    if zeros:
        notes.append(f"coordonnées 0, 0 sur {_lines(zeros)} : considérées comme absentes.")
    if outside:
        notes.append(f"point hors de France (ni en métropole ni outre-mer) sur "
                     f"{_lines(outside)} : vérifiez la source"
                     + (" ou sa projection." if crs else "."))
    return points, notes
