"""The datasets venues were imported from, and whether a venue was confirmed since.

Why in the model: every stage speaks of it. The importer writes a venue's `provenance`
(dataset id, row, source date, licence); the site says where a venue's information comes
from and when, and shows it as unconfirmed until someone checks it after its source; the
downloads and the data package credit each dataset, under its licence. The datasets'
titles, addresses and attributions are those of their import mappings (the `provenance`
section of plugins/tierslieux/importing/mappings/*.yml), read here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .paths import ROOT

MAPPINGS_DIR = ROOT / "plugins" / "tierslieux" / "importing" / "mappings"
IMPORT_REPORTS_DIR = ROOT / "content" / "imports"
LICENCES = {  # SPDX-like id -> (French name, address)
    "etalab-2.0": ("Licence Ouverte 2.0", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
    "CC-BY-4.0": ("CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/deed.fr"),
    "ODbL-1.0": ("ODbL 1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "CC0-1.0": ("CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/deed.fr"),
}


@dataclass(frozen=True)
class Dataset:
    """A source the directory imported venues from."""

    id: str  # "recensement-2019"
    title: str
    date: str  # ISO date the source describes the venues at
    licence: str  # "etalab-2.0", "CC-BY-4.0"...
    url: str = ""
    attribution: str = ""
    mapping: str = ""  # the mapping file, relative to the repository

    @property
    def licence_name(self) -> str:
        return LICENCES.get(self.licence, (self.licence, ""))[0]

    @property
    def licence_url(self) -> str:
        return LICENCES.get(self.licence, ("", ""))[1]

    @property
    def year(self) -> str:
        return self.date[:4]

    @property
    def report(self) -> Path:
        """The committed import report: every row of the source and what became of it."""
        return IMPORT_REPORTS_DIR / f"{self.id}.csv"


@cache
def datasets(folder: Path = MAPPINGS_DIR) -> dict[str, Dataset]:
    """Every dataset named by an import mapping, by id (mapping files are ours, trusted)."""
    out = {}
    for path in sorted(folder.glob("*.yml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        prov = data.get("provenance") if isinstance(data, dict) else None
        if isinstance(prov, dict) and prov.get("jeu"):
            out[prov["jeu"]] = Dataset(
                prov["jeu"], str(prov.get("titre") or prov["jeu"]), str(prov.get("date", "")),
                str(prov.get("licence", "")), str(prov.get("url", "")),
                str(prov.get("attribution", "")), str(path.relative_to(ROOT)))
    return out


def provenance(data: dict[str, Any]) -> list[dict[str, Any]]:
    """A venue's provenance entries (empty for a venue written by a contributor)."""
    return [e for e in data.get("provenance") or [] if isinstance(e, dict) and e.get("jeu")]


def venue_datasets(data: dict[str, Any]) -> list[Dataset]:
    """The datasets a venue comes from, known ones first, each once."""
    known = datasets()
    seen: list[str] = []
    for entry in provenance(data):
        if entry["jeu"] not in seen:
            seen.append(entry["jeu"])
    return [known.get(j) or Dataset(j, j, "", "") for j in seen]


def is_confirmed(data: dict[str, Any]) -> bool:
    """True unless the venue comes from a dataset and nobody checked it since.

    A venue written by a contributor is confirmed by its `date_verification`; an imported
    one only once someone checks it after its source's date (its manager confirming, or a
    maintainer), which moves `date_verification` past every provenance date.
    """
    dates = [str(e.get("date", "")) for e in provenance(data)]
    if not dates:
        return True
    return str(data.get("date_verification", "")) > max(dates)
