"""Derive territories (département, région, EPCI, métropole) from INSEE codes."""

from __future__ import annotations

from typing import Any

from ..model.venue import Place, Venue, places
from .refdata import EPCI_TYPE_LABELS, ReferenceData


def make_place(ref: ReferenceData, fields: dict[str, Any]) -> Place:
    commune = ref.communes[fields["code_insee"]]
    dep = ref.departements[commune.departement]
    reg = ref.regions.get(commune.region)
    epci = ref.epci_of(commune.code)
    return Place(
        latitude=float(fields["latitude"]),
        longitude=float(fields["longitude"]),
        code_insee=commune.code,
        commune=fields["commune"],
        departement={"code": dep.code, "nom": dep.nom},
        region={"code": reg.code, "nom": reg.nom} if reg else {"code": dep.code,
                                                               "nom": dep.nom},
        epci={"siren": epci.siren, "nom": epci.nom, "type": epci.type,
              "type_libelle": EPCI_TYPE_LABELS.get(epci.type, epci.type)} if epci else None,
        metropole=bool(epci and epci.is_metropole),
    )


def enrich(ref: ReferenceData, venue_id: str, source: str, data: dict[str, Any]) -> Venue:
    """A checked venue with its derived places; the data must have passed validation."""
    return Venue(id=venue_id, source=source, data=data,
                 places=[make_place(ref, fields) for _, fields in places(data)])
