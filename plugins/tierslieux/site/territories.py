"""Régions and départements that have venues: the home list's groups and territory pages.

One structure serves the grouped list of the home page, the territory pages (map, list,
counts by type, links between levels) and the sitemap, so their URLs always agree.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..model.ids import slugify
from ..model.venue import Venue
from ..reference.refdata import normalize_name


@dataclass
class Departement:
    code: str
    nom: str
    url: str
    region: Region
    lieux: list[Venue] = field(default_factory=list)

    def type_counts(self) -> list[tuple[str, int]]:
        return _type_counts(self.lieux)


@dataclass
class Region:
    code: str
    nom: str
    url: str
    departements: list[Departement] = field(default_factory=list)

    @property
    def lieux(self) -> list[Venue]:
        return [v for d in self.departements for v in d.lieux]

    def type_counts(self) -> list[tuple[str, int]]:
        return _type_counts(self.lieux)


def _type_counts(venues: list[Venue]) -> list[tuple[str, int]]:
    counts = Counter(t for v in venues for t in v.data["types"])
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def territories(venues: list[Venue]) -> list[Region]:
    """Régions (accent-insensitive name order), their départements (code order), venues."""
    by_region: dict[str, Region] = {}
    by_dep: dict[str, Departement] = {}
    members: dict[str, list[Venue]] = defaultdict(list)
    for v in venues:
        reg, dep = v.base.region, v.base.departement
        region = by_region.get(reg["code"])
        if region is None:
            region = by_region[reg["code"]] = Region(
                reg["code"], reg["nom"], f"territoires/{slugify(reg['nom'])}/")
        if dep["code"] not in by_dep:
            by_dep[dep["code"]] = Departement(
                dep["code"], dep["nom"], f"{region.url}{slugify(dep['nom'])}/", region)
            region.departements.append(by_dep[dep["code"]])
        members[dep["code"]].append(v)
    for code, items in members.items():
        by_dep[code].lieux = sorted(items, key=lambda v: (normalize_name(v.nom), v.id))
    regions = sorted(by_region.values(), key=lambda r: normalize_name(r.nom))
    for region in regions:
        region.departements.sort(key=lambda d: d.code)
    return regions
