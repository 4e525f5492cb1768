"""How the downloads credit the datasets venues were imported from.

Why: an imported venue's information belongs to its source under the source's licence.
The Licence Ouverte asks reusers to name the source and its date; CC BY 4.0 asks them to
name the author ("Guillaume Rouan / #MapLabBZH"), link the licence and say what was
changed, wherever the data goes. So every row of the CSV and GeoJSON carries its
datasets, their licences and their attributions (columns source_*), every JSON record
its credits, the data package each dataset as a source, and the national export the
author beside the directory's name: a reuser who keeps one file keeps the credit.
"""

from __future__ import annotations

from typing import Any

from ..model.datasets import Dataset, provenance
from ..model.venue import Venue

LIST_SEPARATOR = "|"
CONTRIBUTORS = "les contributrices et contributeurs de l'annuaire"


def attribution(dataset: Dataset) -> str:
    """Whom to name for a dataset (its attribution, else its title)."""
    return dataset.attribution or dataset.title


def source_cells(venue: Venue) -> dict[str, str | None]:
    """The source_* cells of a venue's row: one value per dataset, in the same order.

    A venue written by contributors has empty cells. `source_lignes` names each row of a
    dataset the venue holds ("recensement-2019:468"), so a reuser holding the source file
    can find it; a venue can hold several rows of one dataset (a place listed twice).
    """
    entries = provenance(venue.data)
    sets = venue.datasets
    if not sets:
        return {"source": None, "source_lignes": None, "source_date": None,
                "source_licence": None, "source_attribution": None}
    dates = {d.id: max(str(e.get("date", "")) for e in entries if e["jeu"] == d.id)
             for d in sets}
    licences = {d.id: next(str(e.get("licence") or d.licence) for e in entries
                           if e["jeu"] == d.id) for d in sets}
    rows = [f"{e['jeu']}:{e['ligne']}" for e in entries if e.get("ligne")]
    return {
        "source": LIST_SEPARATOR.join(d.id for d in sets),
        "source_lignes": LIST_SEPARATOR.join(rows) or None,
        "source_date": LIST_SEPARATOR.join(dates[d.id] for d in sets),
        "source_licence": LIST_SEPARATOR.join(licences[d.id] for d in sets),
        "source_attribution": LIST_SEPARATOR.join(attribution(d) for d in sets),
    }


def dataset_credit(dataset: Dataset) -> dict[str, Any]:
    """A dataset as the JSON downloads describe it (French keys, like the venue files)."""
    return {"jeu": dataset.id, "titre": dataset.title, "url": dataset.url,
            "date": dataset.date, "licence": dataset.licence,
            "licence_nom": dataset.licence_name, "licence_url": dataset.licence_url,
            "attribution": attribution(dataset)}


def venue_credits(venue: Venue) -> list[dict[str, Any]]:
    """The datasets a venue comes from, with the rows it holds of each."""
    entries = provenance(venue.data)
    return [{**dataset_credit(d),
             "lignes": [str(e["ligne"]) for e in entries if e["jeu"] == d.id and e.get("ligne")]}
            for d in venue.datasets]


def used_datasets(venues: list[Venue]) -> list[Dataset]:
    """The datasets at least one published venue comes from, each once, by title."""
    seen: dict[str, Dataset] = {}
    for venue in venues:
        for dataset in venue.datasets:
            seen.setdefault(dataset.id, dataset)
    return sorted(seen.values(), key=lambda d: (d.title, d.id))


def package_source(dataset: Dataset) -> dict[str, Any]:
    """A dataset as a Data Package `sources` entry (title and path, plus its licence)."""
    entry: dict[str, Any] = {"title": f"{dataset.title} — {attribution(dataset)}"}
    if dataset.url:
        entry["path"] = dataset.url
    entry["licenses"] = [{"name": dataset.licence, "title": dataset.licence_name,
                          **({"path": dataset.licence_url} if dataset.licence_url else {})}]
    if dataset.date:
        entry["version"] = dataset.date
    return entry


def national_source(directory: str, venue: Venue) -> str:
    """The national standard's `source` (who collected the data) for one venue."""
    sets = venue.datasets
    if not sets:
        return directory
    return f"{directory}, d'après {' ; '.join(credit_line(d) for d in sets)}"


def credit_line(dataset: Dataset) -> str:
    """« Title », author, licence, year: one dataset in a sentence."""
    parts = [f"« {dataset.title} »", attribution(dataset) if dataset.attribution else "",
             dataset.licence_name, dataset.year]
    return ", ".join(p for p in parts if p)


# What a reuser of a dataset's information must do, by licence (French, for the data page
# and the data package). None of these asks for share-alike: the directory, which combines
# them, can stay under the Licence Ouverte, as long as each dataset keeps its credit.
REUSE_TERMS = {
    "etalab-2.0": "mentionner la source et la date de sa dernière mise à jour",
    "CC-BY-4.0": "citer l'auteur, donner le lien de la licence et signaler les modifications",
    "CC0-1.0": "rien (domaine public), même si citer la source reste apprécié",
}
SHARE_ALIKE = {"ODbL-1.0"}


def reuse_terms(dataset: Dataset) -> str:
    return REUSE_TERMS.get(dataset.licence, f"respecter la licence {dataset.licence_name}")


def licence_combination(sets: list[Dataset]) -> str:
    """How the datasets' licences combine with the directory's, in a few French sentences."""
    if not sets:
        return "Toutes les fiches ont été écrites par les contributeurs de l'annuaire."
    text = ("Une partie des lieux vient de jeux de données publiés par d'autres (colonnes "
            "source_* du CSV et du GeoJSON, champ source du JSON) : "
            + " ; ".join(credit_line(d) for d in sets) + ".")
    shared = [d for d in sets if d.licence in SHARE_ALIKE]
    for d in shared:
        text += (f" « {d.title} » est sous {d.licence_name}, qui impose le partage à "
                 "l'identique : ses informations ne peuvent être rediffusées que sous cette "
                 "licence.")
    if not shared:
        text += (" Aucune de leurs licences n'impose le partage à l'identique : l'ensemble est "
                 "publié sous Licence Ouverte 2.0.")
    for d in sets:
        if d.licence != "etalab-2.0" and d.licence not in SHARE_ALIKE:
            text += (f" Les informations issues de « {d.title} » restent aussi sous "
                     f"{d.licence_name} : en les réutilisant, il faut {reuse_terms(d)} "
                     f"(« {attribution(d)} »).")
    return text
