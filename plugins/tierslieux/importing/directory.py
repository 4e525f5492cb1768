"""The directory as the importer sees it: every venue file, indexed to recognise a row.

Why: a network's file overlaps the directory (and itself). Running an import again next
year must update the venues it wrote, not duplicate them, and a venue already described
by someone else must be completed, not copied. A row is the same venue as a file when the
file remembers that row (its `provenance`), or has the same SIRET, or the same website
nearby, or a similar name (rapidfuzz) within a short distance.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson
from rapidfuzz import fuzz

from ..check.yamlload import load_file
from .normalize import plain

CELL = 0.05  # degrees: about 5 km of latitude, the grid of the name search
# Chains share one website across their places (several in one city): the same website
# means the same venue only next door, and with a like name unless it is the same address.
SITE_DISTANCE_M = 300
SITE_SAME_ADDRESS_M = 50
SITE_NAME_SCORE = 80
SITE_SAME_NAME_M = 5000  # same website and the same name: one venue geocoded twice


def fingerprint(data: dict[str, Any]) -> str:
    """12 hex digits that change whenever anything but the provenance changes."""
    content = {k: v for k, v in data.items() if k != "provenance"}
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()[:12]


def site_key(url: str | None) -> str | None:
    """A website without scheme, www. and trailing slash: "ade-coworking.net/nantes"."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip().lower())
    except ValueError:
        return None
    host = (parts.hostname or "").removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}" if host else None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(min(1.0, a)))


def name_score(a: str, b: str) -> float:
    """How alike two venue names are, 0 to 100, ignoring case, accents and word order.

    Numbers must agree: « Coworking 1 » and « Coworking 2 » are two places.
    """
    left, right = plain(a), plain(b)
    if re.findall(r"\d+", left) != re.findall(r"\d+", right):
        return 0.0
    return fuzz.token_sort_ratio(left, right)


_GENERIC = {"le", "la", "les", "l", "de", "du", "des", "d", "by", "et", "coworking", "fablab",
            "fab", "lab", "tiers", "lieu", "espace"}


def same_place_names(a: str, b: str) -> bool:
    """Two names of one place, not two branches of a chain: one name contains the other
    (« la Loco » / « la Loco Coworking »), not each its own place name (« Remix - Turbigo »
    / « Remix - Fontaines du Temple »)."""
    left = set(re.findall(r"[a-z0-9]+", plain(a))) - _GENERIC
    right = set(re.findall(r"[a-z0-9]+", plain(b))) - _GENERIC
    if left - right and right - left:
        return fuzz.token_sort_ratio(plain(a), plain(b)) >= SITE_NAME_SCORE
    return True


def position_of(data: dict[str, Any]) -> tuple[float, float] | None:
    place = data
    if isinstance(data.get("etapes"), list) and data["etapes"]:
        place = data["etapes"][0]
    lat, lon = place.get("latitude"), place.get("longitude")
    if isinstance(lat, int | float) and isinstance(lon, int | float):
        return float(lat), float(lon)
    return None


@dataclass
class Known:
    """One venue file of the directory."""

    path: Path
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.data.get("id") or self.path.stem)


@dataclass
class Match:
    known: Known
    how: str  # "provenance", "siret", "site", "nom"
    score: float = 100.0
    distance: float | None = None

    def describe(self) -> str:
        far = f", à {self.distance:.0f} m" if self.distance is not None else ""
        what = {"provenance": "même ligne de la source", "siret": "même SIRET",
                "site": "même site web", "nom": f"nom semblable (score {self.score:.0f})"}
        return f"{self.known.id} ({what[self.how]}{far})"


@dataclass
class Directory:
    """Every readable venue file under a folder, with the indexes the matching needs."""

    root: Path
    venues: list[Known] = field(default_factory=list)
    by_id: dict[str, Known] = field(default_factory=dict)
    by_source: dict[tuple[str, str], Known] = field(default_factory=dict)
    by_siret: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))
    by_site: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))
    grid: dict[tuple[int, int], list[Known]] = field(default_factory=lambda: defaultdict(list))
    unreadable: list[Path] = field(default_factory=list)

    @classmethod
    def load(cls, root: Path) -> Directory:
        directory = cls(root)
        if root.is_dir():
            for path in sorted(root.rglob("*.yml")):
                if any(part.startswith(".") for part in path.relative_to(root).parts):
                    continue
                data = load_file(path).data
                if isinstance(data, dict):
                    directory.add(Known(path.absolute(), data))
                else:
                    directory.unreadable.append(path)
        return directory

    def add(self, known: Known) -> None:
        self.venues.append(known)
        self.by_id[known.id] = known
        self.reindex(known)

    def reindex(self, known: Known) -> None:
        """Index a venue's current data (called again after the importer changed it)."""
        data = known.data
        for entry in data.get("provenance") or []:
            if isinstance(entry, dict) and entry.get("jeu") and entry.get("ligne"):
                self.by_source[(entry["jeu"], str(entry["ligne"]))] = known
        siret = (data.get("porteur") or {}).get("siret") if isinstance(
            data.get("porteur"), dict) else None
        if siret and known not in self.by_siret[siret]:
            self.by_siret[siret].append(known)
        key = site_key(data.get("site_web"))
        if key and known not in self.by_site[key]:
            self.by_site[key].append(known)
        where = position_of(data)
        if where:
            cell = (int(where[0] // CELL), int(where[1] // CELL))
            if known not in self.grid[cell]:
                self.grid[cell].append(known)

    def _near(self, lat: float, lon: float, radius_m: float) -> list[tuple[Known, float]]:
        span = max(1, math.ceil(radius_m / 111_000 / CELL))
        ci, cj = int(lat // CELL), int(lon // CELL)
        # A box a little wider than the circle: the exact distance only for what is inside.
        dlat = radius_m / 110_000
        dlon = dlat / max(0.01, math.cos(math.radians(min(89.0, abs(lat) + dlat))))
        out = []
        for i in range(ci - span, ci + span + 1):
            for j in range(cj - 2 * span, cj + 2 * span + 1):
                for known in self.grid.get((i, j), ()):
                    where = position_of(known.data)
                    if where and abs(where[0] - lat) <= dlat and abs(where[1] - lon) <= dlon:
                        d = distance_m(lat, lon, *where)
                        if d <= radius_m:
                            out.append((known, d))
        return out

    def find(self, data: dict[str, Any], where: tuple[float, float] | None, *,
             source: tuple[str, str] | None, radius_m: float, min_score: float,
             exclude: set[str] = frozenset()) -> Match | None:  # type: ignore[assignment]
        """The venue this row describes, if the directory already has it."""
        if source and source in self.by_source:
            return Match(self.by_source[source], "provenance")
        siret = (data.get("porteur") or {}).get("siret")
        for known in self.by_siret.get(siret or "", []):
            if known.id not in exclude:
                return Match(known, "siret")
        key = site_key(data.get("site_web"))
        for known in self.by_site.get(key or "", []):
            other = position_of(known.data)
            if known.id in exclude:
                continue
            if where and other:
                d = distance_m(*where, *other)
                alike = same_place_names(str(data.get("nom", "")), str(known.data.get("nom", "")))
                # Far apart, only across datasets: one source listing two rows of one name
                # means two branches of a chain (Anticafé, Start-Way...).
                same_name = (name_score(str(data.get("nom", "")),
                                        str(known.data.get("nom", ""))) >= 95
                             and not (source and any(
                                 isinstance(e, dict) and e.get("jeu") == source[0]
                                 for e in known.data.get("provenance") or [])))
                if d <= SITE_SAME_ADDRESS_M or (d <= SITE_DISTANCE_M and alike) or (
                        d <= SITE_SAME_NAME_M and same_name):
                    return Match(known, "site", distance=d)
        if where and data.get("nom"):
            best: Match | None = None
            for known, d in self._near(*where, radius_m):
                if known.id in exclude:
                    continue
                score = name_score(data["nom"], str(known.data.get("nom", "")))
                if score >= min_score and (best is None or score > best.score):
                    best = Match(known, "nom", score, d)
            return best
        return None
