"""Reading the source of `tierslieux import`: a CSV or GeoJSON as rows of text by column.

Why: the import must account for every record of the source, so reading it is kept apart
from interpreting it. Each record becomes a row (its cells as text, its point if it has a
usable one, or why not); a file that cannot be read as its mapping describes it is refused
with a French message.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..check.validate import display_path
from .importmapping import Mapping


class SourceError(Exception):
    """A source file that cannot be read as its mapping describes it (French message)."""


@dataclass
class SourceRow:
    """One record of the source, as text by column, with its point when it has one."""

    number: int
    values: dict[str, str]
    lat: float | None = None
    lon: float | None = None
    location_problem: str | None = None  # why there is no usable point
    extra_cells: int = 0


@dataclass
class Source:
    columns: list[str]
    rows: list[SourceRow]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def parse_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(" ", "").replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def read_source(path: Path, mapping: Mapping) -> Source:
    """Every record of the source file; SourceError (French) when it cannot be read."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"le fichier source {shown} n'existe pas.") from None
    except OSError as exc:
        raise SourceError(f"le fichier source {shown} ne peut pas être lu "
                          f"({exc.strerror}).") from None
    if mapping.format == "csv":
        return _read_csv(raw, shown, mapping)
    return _read_geojson(raw, shown)


def _read_csv(raw: bytes, shown: str, mapping: Mapping) -> Source:
    encoding = "utf-8-sig" if codecs.lookup(mapping.encoding).name == "utf-8" else mapping.encoding
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"le fichier source {shown} n'est pas encodé en {mapping.encoding} (octet "
            f"0x{raw[exc.start]:02x} à la position {exc.start}). Indiquez son encodage dans "
            "source.encodage (par exemple cp1252 pour un export Excel).") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise SourceError(f"le fichier source {shown} n'est pas un CSV lisible "
                          f"(ligne {reader.line_num} : {exc}).") from None
    records = [r for r in records if r]  # csv gives [] for blank lines: not rows
    if not records:
        raise SourceError(f"le fichier source {shown} est vide (pas même une ligne d'en-tête).")
    header = [h.strip() for h in records[0]]
    if len(header) == 1 and any(sep in header[0] for sep in ",;\t|"):
        raise SourceError(
            f"une seule colonne lue dans l'en-tête de {shown} (« {header[0][:60]} ») : le "
            f"délimiteur est-il bien « {mapping.delimiter} » ? Indiquez-le dans "
            "source.delimiteur.")
    duplicates = sorted({h for h in header if header.count(h) > 1})
    if duplicates:
        raise SourceError(f"l'en-tête de {shown} contient plusieurs colonnes nommées "
                          f"« {duplicates[0]} » : renommez-les pour les distinguer.")
    rows = []
    for number, record in enumerate(records[1:], start=1):
        values = {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}
        row = SourceRow(number, values, extra_cells=max(0, len(record) - len(header)))
        lat_text = values.get(mapping.lat_column or "", "").strip()
        lon_text = values.get(mapping.lon_column or "", "").strip()
        if not lat_text or not lon_text:
            row.location_problem = "coordonnées manquantes (colonnes " \
                f"{mapping.lat_column} / {mapping.lon_column} vides)"
        else:
            row.lat, row.lon = parse_number(lat_text), parse_number(lon_text)
            if row.lat is None or row.lon is None:
                row.location_problem = f"coordonnées illisibles (« {lat_text} », « {lon_text} »)"
        rows.append(row)
    return Source(header, rows)


def _read_geojson(raw: bytes, shown: str) -> Source:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise SourceError(f"le fichier source {shown} n'est pas en UTF-8 (octet "
                          f"0x{raw[exc.start]:02x} à la position {exc.start}) : un GeoJSON "
                          "est toujours en UTF-8.") from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"le fichier source {shown} n'est pas un JSON valide (ligne "
                          f"{exc.lineno}, colonne {exc.colno} : {exc.msg}).") from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        features: Any = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
    else:
        features = None
    if not isinstance(features, list):
        raise SourceError(f"le fichier source {shown} n'est pas un GeoJSON « FeatureCollection »"
                          " (une liste « features » de points).")
    columns: dict[str, None] = {}
    rows = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            rows.append(SourceRow(number, {}, location_problem="élément qui n'est pas un objet "
                                  "GeoJSON « Feature »"))
            continue
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        values = {str(k): _cell(v) for k, v in props.items()}
        columns.update(dict.fromkeys(values))
        row = SourceRow(number, values)
        geometry = feature.get("geometry")
        coords: Any = None
        if not isinstance(geometry, dict):
            row.location_problem = "géométrie absente (pas de coordonnées)"
        elif geometry.get("type") == "Point":
            coords = geometry.get("coordinates")
        elif geometry.get("type") == "MultiPoint" and len(geometry.get("coordinates") or []) == 1:
            coords = geometry["coordinates"][0]
        else:
            row.location_problem = (f"géométrie de type « {geometry.get('type')} » : seuls les "
                                    "points (Point) sont acceptés")
        if coords is not None:
            if isinstance(coords, list) and len(coords) >= 2:
                row.lon, row.lat = parse_number(coords[0]), parse_number(coords[1])
            if row.lat is None or row.lon is None:
                row.lat = row.lon = None
                row.location_problem = "coordonnées du point illisibles"
        rows.append(row)
    return Source(list(columns), rows)
