"""The flat, tabular view of a venue shared by the CSV and the GeoJSON properties.

Columns are derived from the JSON Schema (nested groups become `group_field`, lists are
joined with `|`), followed by the fields derived at build time, so adding a field to the
schema adds its column without touching this module. Two lists of objects are flattened
by hand instead: `etapes` (the etapes_* columns) and `provenance` (the source_* columns,
one value per dataset, see sources.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from ..model.schema import resolve, venue_schema
from ..model.venue import Venue
from .sources import source_cells

LIST_SEPARATOR = "|"
LOCATION_FIELDS = ("code_postal", "commune", "code_insee", "latitude", "longitude")


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # JSON Schema type of the cell: string, number, integer, boolean
    title: str
    description: str
    path: tuple[str, ...] = ()  # where the value sits in a venue file; () when derived

    @property
    def derived(self) -> bool:
        return not self.path


DERIVED = [
    Column("itinerant", "boolean", "Itinérant",
           "true pour un lieu itinérant : adresse vide, coordonnées et commune de sa première "
           "étape, toutes les étapes dans les colonnes etapes_*."),
    Column("etapes_communes", "string", "Communes des étapes",
           "Communes des étapes d'un lieu itinérant, séparées par |."),
    Column("etapes_codes_insee", "string", "Codes INSEE des étapes",
           "Codes INSEE des étapes, séparés par |."),
    Column("etapes_coordonnees", "string", "Coordonnées des étapes",
           "latitude,longitude de chaque étape, séparées par |."),
    Column("departement_code", "string", "Code du département", "Déduit du code INSEE."),
    Column("departement_nom", "string", "Département", "Déduit du code INSEE."),
    Column("region_code", "string", "Code de la région", "Déduit du code INSEE."),
    Column("region_nom", "string", "Région", "Déduite du code INSEE."),
    Column("epci_siren", "string", "SIREN de l'EPCI", "Intercommunalité de la commune."),
    Column("epci_nom", "string", "EPCI", "Intercommunalité de la commune."),
    Column("epci_type", "string", "Type d'EPCI",
           "METRO, MET69, CU, CA ou CC (référentiel officiel)."),
    Column("metropole", "boolean", "Dans une métropole",
           "true si l'EPCI de la commune est une métropole."),
    Column("url", "string", "Page du lieu", "Adresse de la fiche sur le site."),
    # The venue's `provenance`, one value per dataset (publish/sources.py says why).
    Column("source", "string", "Jeux de données d'origine",
           "Identifiants des jeux de données d'où viennent les informations de la fiche "
           "(décrits dans « sources » de datapackage.json et sur la page des données), "
           "séparés par | ; vide pour une fiche écrite par les contributeurs de l'annuaire."),
    Column("source_lignes", "string", "Lignes des jeux de données",
           "Chaque ligne d'un jeu de données reprise dans la fiche, sous la forme "
           "jeu:identifiant de la ligne dans ce jeu, séparées par |."),
    Column("source_date", "string", "Date des jeux de données",
           "Date (AAAA-MM-JJ) à laquelle chaque jeu de données décrivait le lieu, dans "
           "l'ordre de la colonne source, séparées par |."),
    Column("source_licence", "string", "Licence des jeux de données",
           "Licence de chaque jeu de données, dans l'ordre de la colonne source, séparées "
           "par | : etalab-2.0 (Licence Ouverte 2.0), CC-BY-4.0..."),
    Column("source_attribution", "string", "Attribution des jeux de données",
           "Qui citer en réutilisant les informations de chaque jeu de données, dans "
           "l'ordre de la colonne source, séparés par | (CC BY 4.0 : obligatoire)."),
]


@cache
def columns() -> list[Column]:
    out: list[Column] = []
    for name, raw in venue_schema()["properties"].items():
        prop = resolve(raw)
        kind = prop.get("type")
        if name in ("etapes", "provenance"):
            continue  # published through the derived etapes_* and source_* columns
        if kind == "object":
            for sub, raw_sub in prop["properties"].items():
                sub_prop = resolve(raw_sub)
                out.append(Column(f"{name}_{sub}", sub_prop.get("type", "string"),
                                  f"{prop.get('title', name)} : {sub_prop.get('title', sub)}",
                                  sub_prop.get("description", ""), (name, sub)))
        elif kind == "array":
            out.append(Column(name, "string", prop.get("title", name),
                              (prop.get("description", "") + " Valeurs séparées par |.").strip(),
                              (name,)))
        else:
            out.append(Column(name, kind or "string", prop.get("title", name),
                              prop.get("description", ""), (name,)))
    return out + DERIVED


def _join(values: list[Any]) -> str:
    return LIST_SEPARATOR.join(str(v) for v in values)


def row(venue: Venue, url: str) -> dict[str, Any]:
    """Typed cells (str, int, float, bool or None) in column order."""
    data = venue.data
    cells: dict[str, Any] = {}
    for column in columns():
        if column.derived:
            continue
        value: Any = data
        for part in column.path:
            value = value.get(part) if isinstance(value, dict) else None
        cells[column.name] = _join(value) if isinstance(value, list) else value
    base = venue.base
    if venue.itinerant:
        first = data["etapes"][0]
        for name in LOCATION_FIELDS:
            cells[name] = first[name]
    territory = venue.territory()
    epci = territory["epci"] or {}
    stops = data.get("etapes", [])
    cells.update({
        "itinerant": venue.itinerant,
        "etapes_communes": _join([s["commune"] for s in stops]) or None,
        "etapes_codes_insee": _join([s["code_insee"] for s in stops]) or None,
        "etapes_coordonnees": _join([f"{p.latitude},{p.longitude}" for p in venue.places])
        if venue.itinerant else None,
        "departement_code": base.departement["code"],
        "departement_nom": base.departement["nom"],
        "region_code": base.region["code"],
        "region_nom": base.region["nom"],
        "epci_siren": epci.get("siren"),
        "epci_nom": epci.get("nom"),
        "epci_type": epci.get("type"),
        "metropole": territory["metropole"],
        "url": url,
        **source_cells(venue),
    })
    return cells
