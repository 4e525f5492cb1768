"""The in-memory venue that every page and export is rendered from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonPath = tuple[str | int, ...]  # where a value sits in a venue file: keys and list indexes


@dataclass
class Place:
    """Where a venue is (or one stop of an itinerant venue), with derived territories."""

    latitude: float
    longitude: float
    code_insee: str
    commune: str
    departement: dict[str, str]
    region: dict[str, str]
    epci: dict[str, str] | None
    metropole: bool


@dataclass
class Venue:
    id: str
    source: str  # path of the YAML file, relative to the repository root
    data: dict[str, Any]  # the file's fields, exactly as written
    places: list[Place] = field(default_factory=list)

    @property
    def nom(self) -> str:
        return self.data["nom"]

    @property
    def folder(self) -> str:
        """The département folder the file sits in (content/venues/<folder>/<id>.yml)."""
        return self.base.departement["code"]

    @property
    def repository_path(self) -> str:
        return f"content/venues/{self.folder}/{self.id}.yml"

    @property
    def itinerant(self) -> bool:
        return "etapes" in self.data

    @property
    def base(self) -> Place:
        """The venue's place, or the first stop (its base) when itinerant."""
        return self.places[0]

    @property
    def confirmed(self) -> bool:
        """Checked after the dataset it was imported from (or written by a contributor)."""
        from .datasets import is_confirmed

        return is_confirmed(self.data)

    @property
    def datasets(self) -> list[Any]:
        """The datasets the venue was imported from (model.datasets.Dataset), if any."""
        from .datasets import venue_datasets

        return venue_datasets(self.data)

    def territory(self) -> dict[str, Any]:
        """Derived fields published with the venue: not stored in its file."""
        base = self.base
        return {
            "departement": base.departement,
            "region": base.region,
            "epci": base.epci,
            "metropole": base.metropole,
        }


def places(data: dict[str, Any]) -> list[tuple[JsonPath, dict[str, Any]]]:
    """The located places of a venue: itself, or each stop of an itinerant venue."""
    stops = data.get("etapes")
    if isinstance(stops, list):
        return [(("etapes", i), s) for i, s in enumerate(stops) if isinstance(s, dict)]
    return [((), data)]
