"""French territories from the official reference data (@etalab/decoupage-administratif).

Loaded from node_modules, where package-lock.json pins the version, so that every check
and every derived field (département, région, EPCI) follows the same official list.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson

from ..model.paths import REFERENCE_DIR

# Bounding boxes (min lon, min lat, max lon, max lat) in WGS 84. The reference data has
# no geometry; these boxes catch the common mistakes (swapped or zeroed coordinates, a
# point on the wrong continent). "metro" covers mainland France and Corsica.
TERRITORY_BOXES: dict[str, tuple[float, float, float, float]] = {
    "metro": (-5.3, 41.3, 9.7, 51.2),
    "971": (-61.9, 15.8, -60.9, 16.6),
    "972": (-61.3, 14.35, -60.75, 14.95),
    "973": (-54.7, 2.1, -51.5, 5.9),
    "974": (55.2, -21.45, 55.9, -20.8),
    "975": (-56.5, 46.7, -56.1, 47.2),
    "976": (44.9, -13.1, 45.35, -12.6),
    "977": (-62.95, 17.85, -62.75, 17.97),
    "978": (-63.2, 18.0, -62.95, 18.15),
    "986": (-178.3, -14.5, -176.0, -13.1),
    "987": (-155.0, -28.0, -134.0, -7.8),
    "988": (163.0, -23.0, 169.0, -19.5),
}

TERRITORY_NAMES = {
    "metro": "en France métropolitaine",
    "971": "en Guadeloupe",
    "972": "en Martinique",
    "973": "en Guyane",
    "974": "à La Réunion",
    "975": "à Saint-Pierre-et-Miquelon",
    "976": "à Mayotte",
    "977": "à Saint-Barthélemy",
    "978": "à Saint-Martin",
    "986": "à Wallis-et-Futuna",
    "987": "en Polynésie française",
    "988": "en Nouvelle-Calédonie",
}

# The legal time of each territory, for "ouvert maintenant" in the visitor's browser.
TIME_ZONES = {
    "metro": "Europe/Paris",
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}

METROPOLE_TYPES = {"METRO", "MET69"}
EPCI_TYPE_LABELS = {
    "METRO": "Métropole",
    "MET69": "Métropole de Lyon",
    "CU": "Communauté urbaine",
    "CA": "Communauté d'agglomération",
    "CC": "Communauté de communes",
}


def normalize_name(name: str) -> str:
    """Compare commune names regardless of case, accents, hyphens and "Saint"/"St"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    for sep in "-'’ ":
        plain = plain.replace(sep, " ")
    words = ["saint" if w == "st" else "sainte" if w == "ste" else w for w in plain.split()]
    return " ".join(words)


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    departement: str
    region: str
    zone: str
    codes_postaux: tuple[str, ...]
    population: int | None
    parent: str | None  # the commune of a Paris/Lyon/Marseille arrondissement
    other_names: tuple[str, ...] = ()  # communes déléguées sharing the code


def _commune(**fields: object) -> Commune:
    """Commune(**fields) without the frozen dataclass's __init__, which sets each field
    through object.__setattr__: a third of the reference data's loading time for its
    37,000 entries. Same object, same fields (the defaults filled in)."""
    commune = object.__new__(Commune)
    commune.__dict__.update(fields)
    commune.__dict__.setdefault("other_names", ())
    return commune


@dataclass(frozen=True)
class Epci:
    siren: str
    nom: str
    type: str

    @property
    def is_metropole(self) -> bool:
        return self.type in METROPOLE_TYPES


@dataclass(frozen=True)
class Territory:
    code: str
    nom: str


class ReferenceData:
    """Indexes over the official lists, built once per process."""

    def __init__(self, directory: Path = REFERENCE_DIR) -> None:
        def read(name: str) -> list[dict]:
            # orjson: the communes file is 8.6 MB, which json.load reads 5 times slower.
            return orjson.loads((directory / f"{name}.json").read_bytes())

        raw_communes = read("communes")
        self.communes: dict[str, Commune] = {}
        self.former_codes: dict[str, str] = {}  # obsolete INSEE code -> current code
        secondary: dict[str, list[str]] = {}
        for c in raw_communes:
            kind = c["type"]
            if kind in ("commune-actuelle", "arrondissement-municipal"):
                self.communes[c["code"]] = _commune(
                    code=c["code"],
                    nom=c["nom"],
                    departement=c["departement"],
                    region=c["region"],
                    zone=c.get("zone", "metro"),
                    codes_postaux=tuple(c.get("codesPostaux", ())),
                    population=c.get("population"),
                    parent=c.get("commune"),
                )
                for old in c.get("anciensCodes", ()):
                    self.former_codes.setdefault(old, c["code"])
            else:
                secondary.setdefault(c["code"], []).append(c["nom"])
                if c.get("chefLieu"):
                    self.former_codes.setdefault(c["code"], c["chefLieu"])
        for code, names in secondary.items():
            if code in self.communes:
                current = self.communes[code]
                self.communes[code] = _commune(**{**current.__dict__,
                                                 "other_names": tuple(names)})
        self.former_codes = {
            old: new for old, new in self.former_codes.items()
            if old not in self.communes and new in self.communes
        }
        self.departements = {d["code"]: Territory(d["code"], d["nom"])
                             for d in read("departements")}
        self.regions = {r["code"]: Territory(r["code"], r["nom"]) for r in read("regions")}
        self.epci_by_commune: dict[str, Epci] = {}
        for e in read("epci"):
            epci = Epci(e["code"], e["nom"], e["type"])
            for member in e.get("membres", ()):
                self.epci_by_commune[member["code"]] = epci

    def commune(self, code: str) -> Commune | None:
        return self.communes.get(code)

    def epci_of(self, code: str) -> Epci | None:
        commune = self.communes.get(code)
        if commune is None:
            return None
        return self.epci_by_commune.get(commune.parent or code)

    def name_matches(self, commune: Commune, name: str) -> bool:
        wanted = normalize_name(name)
        names = [commune.nom, *commune.other_names]
        if commune.parent and commune.parent in self.communes:
            names.append(self.communes[commune.parent].nom)
        return any(normalize_name(n) == wanted for n in names)

    def communes_for_postcode(self, postcode: str) -> list[Commune]:
        return [c for c in self.communes.values()
                if postcode in c.codes_postaux and c.parent is None]

    @staticmethod
    def territory_key(commune: Commune) -> str:
        return "metro" if commune.zone == "metro" else commune.departement

    @staticmethod
    def territory_at(lat: float, lon: float) -> str | None:
        for key, (min_lon, min_lat, max_lon, max_lat) in TERRITORY_BOXES.items():
            if min_lon <= lon <= max_lon and min_lat <= lat <= max_lat:
                return key
        return None


@cache
def reference_data() -> ReferenceData:
    """The process-wide reference data (the files never change during a run)."""
    return ReferenceData()


def find_commune(ref: ReferenceData, postcode: str | None, name: str | None) -> Commune | None:
    """The commune a postcode and a commune name designate together, when unambiguous.

    Used by the tools that create venue files: people know their postcode and town, rarely
    the INSEE code. With only one of the two, an unambiguous answer is still accepted.
    """
    candidates = list(ref.communes.values())
    if postcode:
        candidates = [c for c in candidates if postcode in c.codes_postaux]
    if name:
        wanted = normalize_name(name)
        named = [c for c in candidates if ref.name_matches(c, name)
                 or normalize_name(c.nom) == wanted]
        if not named and postcode:
            # "Paris 11e" style names, or a commune déléguée known by its old name.
            named = [c for c in candidates if wanted in normalize_name(c.nom)]
        candidates = named
    # Prefer the commune itself to its municipal arrondissements when both match.
    whole = [c for c in candidates if c.parent is None]
    if postcode and len(candidates) > 1:
        arrondissements = [c for c in candidates if c.parent is not None]
        if len(arrondissements) == 1:
            return arrondissements[0]
    candidates = whole or candidates
    return candidates[0] if len(candidates) == 1 else None
