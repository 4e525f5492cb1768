"""The Frictionless Data Package that describes the downloads (datapackage.json).

The CSV's Table Schema is derived from the JSON Schema through the same column list the
CSV is written with (columns.py): types, titles, descriptions, allowed values, patterns
and bounds are never kept by hand beside the schema.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.schema import field_schema
from .columns import LIST_SEPARATOR, Column, columns

# The source_* columns list one value per dataset: their items follow the schema's
# `provenance` entries (dataset id pattern, licence vocabulary, ISO date).
SOURCE_ITEMS = {"source": ("provenance", 0, "jeu"), "source_licence": ("provenance", 0, "licence")}
ISO_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"

REQUIRED_DERIVED = {"itinerant", "departement_code", "departement_nom", "region_code",
                    "region_nom", "metropole", "url"}


def _list_pattern(codes: list[str]) -> str:
    alternatives = "|".join(re.escape(c) for c in codes)
    return f"^({alternatives})(\\{LIST_SEPARATOR}({alternatives}))*$"


def _list_of(item: str) -> str:
    """A pattern for |-separated items, each matching the regular expression `item`."""
    return f"^({item})(\\{LIST_SEPARATOR}({item}))*$"


def _bare(pattern: str) -> str:
    """A schema pattern without its anchors, to repeat it inside a list pattern."""
    return pattern.removeprefix("^").removesuffix("$(?!\\n)").removesuffix("$")


def _source_constraints(column: Column) -> dict[str, Any]:
    if column.name in SOURCE_ITEMS:
        item = field_schema(SOURCE_ITEMS[column.name]) or {}
        if item.get("enum"):
            return {"pattern": _list_pattern(item["enum"])}
        if item.get("pattern"):
            return {"pattern": _list_of(_bare(item["pattern"]))}
    if column.name == "source_date":
        return {"pattern": _list_of(ISO_DATE)}
    return {}


def table_field(column: Column) -> dict[str, Any]:
    field: dict[str, Any] = {"name": column.name, "title": column.title}
    if column.description:
        field["description"] = column.description
    prop = field_schema(column.path) if column.path else None
    kind = column.type
    constraints: dict[str, Any] = _source_constraints(column)
    if prop is not None:
        if prop.get("type") == "array":
            items = field_schema((*column.path, 0)) or {}
            if items.get("enum"):
                constraints["pattern"] = _list_pattern(items["enum"])
        elif prop.get("format") == "date":
            kind = "date"
        elif prop.get("enum"):
            constraints["enum"] = list(prop["enum"])
        elif prop.get("pattern") and column.name in ("id", "code_postal", "code_insee",
                                                     "porteur_siret", "porteur_rna"):
            constraints["pattern"] = prop["pattern"]
        for json_key, table_key in (("minimum", "minimum"), ("maximum", "maximum")):
            if json_key in prop:
                constraints[table_key] = prop[json_key]
    if column.name in ("id", "nom", "types", "statut", "date_verification",
                       "code_postal", "commune", "code_insee", "latitude", "longitude"):
        constraints["required"] = True
    if column.name in REQUIRED_DERIVED:
        constraints["required"] = True
    if column.name == "id":
        constraints["unique"] = True
    field["type"] = kind
    if kind == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    if constraints:
        field["constraints"] = constraints
    return field


def table_schema() -> dict[str, Any]:
    return {"fields": [table_field(c) for c in columns()], "primaryKey": ["id"],
            "missingValues": [""]}


def data_package(meta: dict[str, Any], extra_resources: list[dict[str, Any]]) -> dict[str, Any]:
    """`meta`: name, title, version, created, homepage, licence, sources, contributors."""
    return {
        "name": meta["name"],
        "title": meta["title"],
        "description": meta["description"],
        "version": meta["version"],
        "created": meta["created"],
        "homepage": meta["homepage"],
        "keywords": ["tiers-lieux", "coworking", "fablab", "makerspace", "France"],
        "licenses": [meta["licence"]],
        "sources": meta["sources"],
        "contributors": meta["contributors"],
        "resources": [
            {
                "name": "tiers-lieux",
                "title": "Tiers-lieux (CSV)",
                "description": "Un lieu par ligne. Les listes sont séparées par |. Un texte "
                               "qui commencerait par = + - @, une tabulation ou un retour "
                               "chariot est précédé d'une apostrophe, pour qu'aucun tableur ne "
                               "l'exécute comme une formule.",
                "path": "tiers-lieux.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
                "schema": table_schema(),
            },
            {
                "name": "tiers-lieux-geojson",
                "title": "Tiers-lieux (GeoJSON)",
                "description": "RFC 7946 ; les mêmes propriétés que le CSV. Un lieu itinérant "
                               "est un MultiPoint : une position par étape.",
                "path": "tiers-lieux.geojson",
                "format": "geojson",
                "mediatype": "application/geo+json",
                "encoding": "utf-8",
            },
            {
                "name": "tiers-lieux-json",
                "title": "Tiers-lieux (JSON, toutes les fiches)",
                "description": "Chaque fiche telle qu'elle est écrite, plus les champs déduits "
                               "`territoire`, `url` et `source` (les jeux de données d'où "
                               "elle vient, avec leur licence et qui citer).",
                "path": "tiers-lieux.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
            },
            *extra_resources,
        ],
    }
