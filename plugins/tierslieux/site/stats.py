"""Statistics for the /statistiques/ page, computed from the in-memory venues.

`compute` is pure: it reads the venues and the reference data and returns everything the
template shows, already counted, sorted and formatted (French number formatting). The
page must say exactly what is counted; the definitions here are the ones it states:

- an open venue ("lieu ouvert") is a venue whose statut is "ouvert";
- counts by région and by département use the venue's base place (its place, or the
  first stop of an itinerant venue), and list every région and département of the
  reference data, zero included, ordered by code (the page shows régions without any
  venue as a list of names, the others by count and by name);
- a venue with several types counts once under each of its types;
- a venue is in a métropole when the EPCI of its base commune is a métropole (METRO or
  MET69);
- population is the sum of the communes' populations (municipal arrondissements of
  Paris, Lyon and Marseille are left out, their commune already counts them);
- coverage (départements and EPCIs without an open venue) counts every stop of an
  itinerant venue: a mobile venue serves each of its stops;
- a venue is confirmed when it was written by a contributor, or imported from a dataset
  and checked since (its `date_verification` after every source date): see
  model/datasets.py. "Since when" is the range of the confirmed venues' verification
  dates; an imported venue counts once under each dataset it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..model.datasets import Dataset
from ..model.dates import build_date, is_stale
from ..model.schema import labels
from ..model.venue import Venue
from ..reference.refdata import EPCI_TYPE_LABELS, Epci, ReferenceData, normalize_name
from .choropleth import Choropleth, choropleth

OPEN = "ouvert"
NO_PORTEUR = "non_renseigne"
NO_PORTEUR_LABEL = "Non renseigné"
THIN_NBSP = "\u202f"  # espace fine insécable: thousands separator, and before "%"


# -- French number formatting ------------------------------------------------------------

def _round_half_up(value: float, decimals: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: float | None, decimals: int = 0) -> str:
    """12345.67 -> "12 345,7" (thin no-break space, decimal comma); None -> "—"."""
    if value is None:
        return "—"
    rounded = _round_half_up(value, decimals)
    sign = "-" if rounded < 0 else ""
    text = f"{abs(rounded):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + THIN_NBSP.join(groups)
    return f"{out},{fraction}" if fraction else out


def format_percent(value: float | None, decimals: int = 1) -> str:
    """42.25 -> "42,3 %" (thin no-break space before the sign); None -> "—"."""
    if value is None:
        return "—"
    return f"{format_number(value, decimals)}{THIN_NBSP}%"


def rounded(value: float, decimals: int = 1) -> float:
    """Round half up (as people do by hand), not half to even."""
    return float(_round_half_up(value, decimals))


def bar_width(value: float | None, maximum: float | None) -> str:
    """A CSS percentage (with a dot, for the style attribute) of the bar for `value`."""
    if not value or not maximum:
        return "0%"
    return f"{min(100.0, value * 100 / maximum):.1f}%"


def share(part: float, whole: float) -> float | None:
    """The percentage `part` is of `whole`, rounded to one decimal; None if `whole` is 0."""
    return rounded(part * 100 / whole) if whole else None


def dep_sort_key(code: str) -> str:
    """Département codes in the usual order: 19, 2A, 2B, 21 ... 95, 971 ..."""
    return code.replace("2A", "20A").replace("2B", "20B")


# -- result types --------------------------------------------------------------------------

@dataclass(frozen=True)
class CountRow:
    """One bar of a chart: open venues (the bar) and all venues, whatever their status."""

    code: str
    label: str
    ouverts: int
    total: int
    width: str  # bar length for `ouverts`, relative to the largest row of the chart


@dataclass(frozen=True)
class StatusRow:
    code: str
    label: str
    count: int
    percent: float | None  # of all venues
    width: str


@dataclass(frozen=True)
class MetropoleRow:
    """Open venues and population, in métropoles or elsewhere."""

    code: str  # "metropole" or "ailleurs"
    label: str
    ouverts: int
    ouverts_percent: float | None
    population: int
    population_percent: float | None

    @property
    def ouverts_width(self) -> str:
        return bar_width(self.ouverts_percent, 100)

    @property
    def population_width(self) -> str:
        return bar_width(self.population_percent, 100)


@dataclass(frozen=True)
class RateRow:
    """Open venues per 100,000 inhabitants in one département."""

    code: str
    label: str
    ouverts: int
    population: int
    rate: float | None  # not rounded; None when the population is unknown
    width: str

    @property
    def rate_text(self) -> str:
        """One decimal, but never "0,0" for a département that has a venue: "< 0,1"."""
        if self.rate is not None and 0 < self.rate < 0.05:
            return f"<{THIN_NBSP}0,1"
        return format_number(self.rate, 1)


@dataclass(frozen=True)
class Area:
    """A territory without a venue: a département, or an EPCI with its kind."""

    code: str
    label: str
    kind: str = ""  # EPCI type label ("Communauté de communes"...), empty for a département


@dataclass(frozen=True)
class DepartementCoverage:
    code: str
    label: str
    epci_count: int  # EPCIs with at least one member commune in the département
    epci_sans_lieu: tuple[Area, ...]  # those with no open venue at all, by name

    @property
    def sans_lieu_count(self) -> int:
        return len(self.epci_sans_lieu)


@dataclass(frozen=True)
class DatasetRow:
    """Venues imported from one dataset, and how many of them nobody confirmed since."""

    id: str
    title: str
    url: str
    year: str
    licence_name: str
    licence_url: str
    importes: int  # venues with this dataset in their provenance
    non_confirmes: int

    @property
    def confirmes(self) -> int:
        return self.importes - self.non_confirmes


@dataclass(frozen=True)
class Freshness:
    """How many venues are confirmed, and when they were checked."""

    confirmes: int  # confirmed venues, whatever their status
    non_confirmes: int
    confirmes_percent: float | None  # of all venues
    verifies_depuis: str | None  # ISO date: the oldest check of a confirmed venue
    verifies_jusqu_au: str | None  # ISO date: the latest one
    verifies_recemment: int  # confirmed venues checked less than 12 months before the build
    importes: int  # venues that come from a dataset
    importes_confirmes: int  # ... and were confirmed since
    par_jeu: tuple[DatasetRow, ...]  # by title


@dataclass(frozen=True)
class Statistics:
    total: int  # every venue, whatever its status
    ouverts: int  # open venues (statut "ouvert")
    par_statut: tuple[StatusRow, ...]  # schema order: projet, ouvert, ferme_temporairement, ferme
    par_region: tuple[CountRow, ...]  # every région, by code
    regions_par_nombre: tuple[CountRow, ...]  # régions with a venue, most open venues first
    regions_par_nom: tuple[CountRow, ...]  # the same, by name
    regions_sans_lieu: tuple[CountRow, ...]  # régions and collectivités without any venue
    par_departement: tuple[CountRow, ...]  # every département, by code
    par_type: tuple[CountRow, ...]  # every type, most open venues first
    type_mentions_ouverts: int  # sum of the type counts of open venues (>= ouverts)
    type_mentions_total: int
    par_porteur: tuple[CountRow, ...]  # every kind, most open venues first, "Non renseigné" last
    metropoles: tuple[MetropoleRow, MetropoleRow]  # métropoles, then elsewhere
    taux_par_departement: tuple[RateRow, ...]  # every département, by code
    taux_classement: tuple[RateRow, ...]  # départements with an open venue, highest rate first
    departements_couverts: int  # départements with an open venue (every stop counts)
    departements_sans_lieu: tuple[Area, ...]  # by code
    epci_total: int
    epci_sans_lieu_total: int
    couverture_epci: tuple[DepartementCoverage, ...]  # départements with EPCIs, by code
    fraicheur: Freshness  # confirmed venues, and what each dataset still awaits
    cartes: tuple[Choropleth, ...] = ()  # open venues, and per 100,000, by département

    @property
    def departement_count(self) -> int:
        return len(self.par_departement)

    @property
    def epci_couverts(self) -> int:
        return self.epci_total - self.epci_sans_lieu_total


# -- computation ---------------------------------------------------------------------------

def _count_rows(keys: Iterable[tuple[str, str]], ouverts: Counter[str],
                total: Counter[str]) -> list[CountRow]:
    keys = list(keys)
    maximum = max((ouverts[code] for code, _ in keys), default=0)
    return [CountRow(code, label, ouverts[code], total[code], bar_width(ouverts[code], maximum))
            for code, label in keys]


def _by_count(rows: list[CountRow]) -> list[CountRow]:
    return sorted(rows, key=lambda r: (-r.ouverts, -r.total, normalize_name(r.label), r.code))


def _vocabulary(def_name: str, seen: Iterable[str]) -> list[tuple[str, str]]:
    """The schema's codes and labels, plus any code seen in the data but not in the schema."""
    table = labels(def_name)
    extra = sorted(set(seen) - set(table))
    return [*table.items(), *((code, code) for code in extra)]


def freshness(venues: list[Venue], as_of: dt.date) -> Freshness:
    """Confirmed venues, the range of their checks, and what each dataset still awaits."""
    confirmed = [v for v in venues if v.confirmed]
    checks = sorted(str(v.data["date_verification"]) for v in confirmed)
    imported = [v for v in venues if v.datasets]
    known: dict[str, Dataset] = {}
    total: Counter[str] = Counter()
    waiting: Counter[str] = Counter()
    for v in imported:
        for ds in v.datasets:
            known.setdefault(ds.id, ds)
            total[ds.id] += 1
            waiting[ds.id] += 0 if v.confirmed else 1
    rows = tuple(DatasetRow(ds.id, ds.title, ds.url, ds.year, ds.licence_name,
                            ds.licence_url, total[ds.id], waiting[ds.id])
                 for ds in sorted(known.values(), key=lambda d: (d.title, d.id)))
    return Freshness(
        confirmes=len(confirmed),
        non_confirmes=len(venues) - len(confirmed),
        confirmes_percent=share(len(confirmed), len(venues)),
        verifies_depuis=checks[0] if checks else None,
        verifies_jusqu_au=checks[-1] if checks else None,
        verifies_recemment=sum(1 for c in checks if not is_stale(c, as_of)),
        importes=len(imported),
        importes_confirmes=sum(1 for v in imported if v.confirmed),
        par_jeu=rows,
    )


def compute(venues: list[Venue], ref: ReferenceData, as_of: dt.date | None = None
            ) -> Statistics:
    """Every figure of the statistics page (pure: no I/O beyond the cached schema labels).

    `as_of` is the day "checked less than a year ago" is counted from: the build's date
    (from the data, never the clock) unless given.
    """
    open_venues = [v for v in venues if v.data["statut"] == OPEN]

    # Status.
    status_total = Counter(v.data["statut"] for v in venues)
    statuses = _vocabulary("statut", status_total)
    status_max = max(status_total.values(), default=0)
    par_statut = tuple(
        StatusRow(code, label, status_total[code], share(status_total[code], len(venues)),
                  bar_width(status_total[code], status_max))
        for code, label in statuses)

    # Régions and départements (base place).
    def region_of(v: Venue) -> str:
        return v.base.region["code"]

    def dep_of(v: Venue) -> str:
        return v.base.departement["code"]

    regions = {code: t.nom for code, t in ref.regions.items()}
    for v in venues:  # a territory the reference has no région for: enrich uses the dep
        regions.setdefault(region_of(v), v.base.region["nom"])
    par_region = _count_rows(
        ((code, regions[code]) for code in sorted(regions, key=dep_sort_key)),
        Counter(region_of(v) for v in open_venues), Counter(region_of(v) for v in venues))
    deps = {code: t.nom for code, t in ref.departements.items()}
    dep_codes = sorted(deps, key=dep_sort_key)
    dep_open = Counter(dep_of(v) for v in open_venues)
    par_departement = _count_rows(
        ((code, deps[code]) for code in dep_codes),
        dep_open, Counter(dep_of(v) for v in venues))

    # Types: a venue counts once under each of its (distinct) types.
    type_open = Counter(t for v in open_venues for t in set(v.data["types"]))
    type_total = Counter(t for v in venues for t in set(v.data["types"]))
    par_type = _by_count(_count_rows(_vocabulary("type_lieu", type_total),
                                     type_open, type_total))

    # Porteur kinds.
    def porteur_of(v: Venue) -> str:
        porteur = v.data.get("porteur")
        return porteur["type"] if porteur else NO_PORTEUR

    porteur_open = Counter(porteur_of(v) for v in open_venues)
    porteur_total = Counter(porteur_of(v) for v in venues)
    kinds = _vocabulary("type_porteur", set(porteur_total) - {NO_PORTEUR})
    rows = _count_rows([*kinds, (NO_PORTEUR, NO_PORTEUR_LABEL)], porteur_open, porteur_total)
    par_porteur = (*_by_count([r for r in rows if r.code != NO_PORTEUR]), rows[-1])

    # Métropoles: open venues by their base commune's EPCI; population by commune.
    def in_metropole(code: str) -> bool:
        epci = ref.epci_of(code)
        return bool(epci and epci.is_metropole)

    metro_open = sum(1 for v in open_venues if in_metropole(v.base.code_insee))
    whole_communes = [c for c in ref.communes.values() if c.parent is None]
    population_total = sum(c.population or 0 for c in whole_communes)
    population_metro = sum(c.population or 0 for c in whole_communes if in_metropole(c.code))
    elsewhere_open = len(open_venues) - metro_open
    metropoles = (
        MetropoleRow("metropole", "Dans une métropole", metro_open,
                     share(metro_open, len(open_venues)), population_metro,
                     share(population_metro, population_total)),
        MetropoleRow("ailleurs", "Ailleurs", elsewhere_open,
                     share(elsewhere_open, len(open_venues)),
                     population_total - population_metro,
                     share(population_total - population_metro, population_total)),
    )

    # Open venues per 100,000 inhabitants, by département (base place).
    dep_population: Counter[str] = Counter()
    for c in whole_communes:
        dep_population[c.departement] += c.population or 0
    # Not rounded here: 1 venue for 2.6 million people is 0.04, which one decimal would
    # show as "0,0" beside a département that has a venue (RateRow.rate_text says "< 0,1").
    rates = {code: (dep_open[code] * 100_000 / dep_population[code]
                    if dep_population[code] else None) for code in dep_codes}
    rate_max = max((r for r in rates.values() if r), default=0)
    taux = tuple(RateRow(code, deps[code], dep_open[code], dep_population[code], rates[code],
                         bar_width(rates[code], rate_max)) for code in dep_codes)
    classement = tuple(sorted((r for r in taux if r.ouverts),
                              key=lambda r: (-(r.rate or 0), dep_sort_key(r.code))))

    # Coverage: every stop of an open venue counts.
    covered_deps = {p.departement["code"] for v in open_venues for p in v.places}
    covered_epcis = {p.epci["siren"] for v in open_venues for p in v.places if p.epci}
    sans_lieu = tuple(Area(code, deps[code]) for code in dep_codes if code not in covered_deps)
    epcis_by_dep: dict[str, dict[str, Epci]] = defaultdict(dict)
    for c in whole_communes:
        epci = ref.epci_by_commune.get(c.code)
        if epci is not None:
            epcis_by_dep[c.departement][epci.siren] = epci
    couverture = []
    for code in dep_codes:
        epcis = epcis_by_dep.get(code)
        if not epcis:
            continue
        missing = sorted((e for e in epcis.values() if e.siren not in covered_epcis),
                         key=lambda e: (normalize_name(e.nom), e.siren))
        couverture.append(DepartementCoverage(
            code, deps[code], len(epcis),
            tuple(Area(e.siren, e.nom, EPCI_TYPE_LABELS.get(e.type, e.type))
                  for e in missing)))
    all_epcis = {siren for epcis in epcis_by_dep.values() for siren in epcis}

    with_venue = [r for r in par_region if r.total]
    cartes = _maps(par_departement, taux)

    return Statistics(
        total=len(venues),
        ouverts=len(open_venues),
        par_statut=par_statut,
        par_region=tuple(par_region),
        regions_par_nombre=tuple(_by_count(with_venue)),
        regions_par_nom=tuple(sorted(with_venue, key=lambda r: (normalize_name(r.label), r.code))),
        regions_sans_lieu=tuple(sorted((r for r in par_region if not r.total),
                                       key=lambda r: (normalize_name(r.label), r.code))),
        par_departement=tuple(par_departement),
        par_type=tuple(par_type),
        type_mentions_ouverts=sum(type_open.values()),
        type_mentions_total=sum(type_total.values()),
        par_porteur=par_porteur,
        metropoles=metropoles,
        taux_par_departement=taux,
        taux_classement=classement,
        departements_couverts=len(dep_codes) - len(sans_lieu),
        departements_sans_lieu=sans_lieu,
        epci_total=len(all_epcis),
        epci_sans_lieu_total=len(all_epcis - covered_epcis),
        couverture_epci=tuple(couverture),
        fraicheur=freshness(venues, as_of or build_date()),
        cartes=cartes,
    )


def _lieux(n: int) -> str:
    return f"{format_number(n)} lieu{'x' if n > 1 else ''} ouvert{'s' if n > 1 else ''}"


def _maps(counts: list[CountRow], rates: tuple[RateRow, ...]) -> tuple[Choropleth, ...]:
    """The two maps of the page: open venues, and open venues per 100,000 inhabitants."""
    names = {r.code: r.label for r in counts}
    opened = {r.code: r.ouverts for r in counts}
    by_code = {r.code: r for r in rates}
    return (
        choropleth("carte-nombre", "Lieux ouverts par département", names,
                   {c: float(n) for c, n in opened.items()}, 0,
                   lambda v: format_number(v),
                   lambda c, v: f"{names[c]} ({c}) : {_lieux(opened[c])}"),
        choropleth("carte-densite", "Lieux ouverts pour 100 000 habitants", names,
                   {c: r.rate for c, r in by_code.items()}, 1,
                   lambda v: format_number(v, 1),
                   lambda c, v: (f"{names[c]} ({c}) : {by_code[c].rate_text} pour 100 000 "
                                 f"habitants ({_lieux(opened[c])})")),
    )
