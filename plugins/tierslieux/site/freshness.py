"""What the site says of where a venue's information comes from, and what its manager can do.

An imported venue's information dates from its source, not from the import: until someone
confirms it, its page, the map and the list say so, credit the source under its licence,
and offer its manager three prefilled GitHub issues (confirm, correct, report closed);
every other venue page offers the same three actions, more discreetly.
The credits are built here once, for the templates (`credit`) and for the map data
(`map_credit`), so that a page and a map popup always credit a dataset the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ..model.datasets import Dataset
from ..model.venue import Venue

# Licences under which the author must be named wherever the data is shown: the credit
# then carries the dataset's attribution (« © Guillaume Rouan / #MapLabBZH »).
ATTRIBUTION_REQUIRED = ("CC-BY-4.0", "ODbL-1.0")


@dataclass(frozen=True)
class Credit:
    """How a dataset is credited: its title (linked), year, author when due, licence."""

    id: str
    title: str
    url: str
    year: str
    attribution: str  # who to credit in a short line (the map's attribution)
    author: str  # the same, but only when the licence requires naming the author
    licence_name: str
    licence_url: str


@dataclass(frozen=True)
class ManagerAction:
    """One of the three things a venue's manager can do from its page."""

    key: str  # "confirmer", "corriger", "fermeture"
    label: str
    url: str  # a prefilled GitHub issue
    hint: str
    site_url: str = ""  # the same on the site's form, for people without a GitHub account


def credit(dataset: Dataset) -> Credit:
    author = dataset.attribution if dataset.licence in ATTRIBUTION_REQUIRED else ""
    return Credit(dataset.id, dataset.title, dataset.url, dataset.year,
                  dataset.attribution or dataset.title, author,
                  dataset.licence_name, dataset.licence_url)


def map_credit(dataset: Dataset) -> dict[str, str]:
    """The credit as the map data sends it (short keys, French like the rest of it)."""
    c = credit(dataset)
    return {"id": c.id, "titre": c.title, "url": c.url, "annee": c.year,
            "attribution": c.attribution, "auteur": c.author,
            "licence": c.licence_name, "licence_url": c.licence_url}


def credits_of(venues: Iterable[Venue]) -> list[Credit]:
    """The datasets some of these venues come from, each once, by title."""
    seen: dict[str, Dataset] = {}
    for venue in venues:
        for dataset in venue.datasets:
            seen.setdefault(dataset.id, dataset)
    return [credit(d) for d in sorted(seen.values(), key=lambda d: (d.title, d.id))]


def position_method(venue: Venue) -> str:
    """How the venue's position was found ("source", "adresse", "commune"), or ""."""
    position = venue.data.get("position")
    return str(position.get("methode", "")) if isinstance(position, dict) else ""


@lru_cache(maxsize=512)
def _quoted_line(line: str) -> str:
    return quote(line, safe="")


def _quote(value: str) -> str:
    """quote(value, safe=""), line by line: percent-encoding works byte by byte, and the
    lines every venue shares (the body's wording) are encoded once per build, not once
    per venue (a tenth of a venue page's time went there)."""
    return "%0A".join(_quoted_line(line) for line in value.split("\n"))


def _issue_url(repository: str, **params: str) -> str:
    query = "&".join(f"{key}={_quote(value)}" for key, value in params.items())
    return f"{repository}/issues/new?{query}"


# The « Je gère ce lieu » issue form (contribute/confirmform.py generates it; the site
# stage may not import contribute, and tests/test_freshness_site.py checks these names).
CONFIRM_FORM = "confirmer.yml"
CONFIRM_ID_FIELD = "identifiant"
CONFIRM_TITLE = "[Confirmer] "
CLOSED_TITLE = "[Fermeture] "


def manager_actions(venue: Venue, repository: str, site_url: str) -> list[ManagerAction]:
    """Confirm, correct, report closed: GitHub issues prefilled with the venue, and the
    same three actions on the site's form (/contribuer/?lieu=...&action=...).

    Confirming and reporting a closure use the confirmation form (`confirmer.yml`), which
    `tierslieux confirm-from-issue` applies to the file; correcting uses the correction
    form (`correction.yml`). Only text fields are prefilled (the venue's id, the title):
    GitHub drops the whole form when a dropdown is, so the person picks « Les informations
    sont exactes » or « Le lieu a fermé » there. A closed venue is not offered « fermé ».
    """
    nom = venue.nom

    def on_site(action: str) -> str:
        return f"{site_url}/contribuer/?lieu={quote(venue.id, safe='')}&action={action}"

    actions = [
        ManagerAction(
            "confirmer", "Confirmer ces informations",
            _issue_url(repository, template=CONFIRM_FORM, title=f"{CONFIRM_TITLE}{nom}",
                       **{CONFIRM_ID_FIELD: venue.id}),
            "Tout est exact : choisissez « Les informations sont exactes » ; la fiche sera "
            "marquée confirmée à la date de votre demande.", on_site("confirmer")),
        ManagerAction(
            "corriger", "Corriger la fiche",
            _issue_url(repository, template="correction.yml", lieu=venue.id,
                       title=f"[Correction] {nom}"),
            "Une adresse, des horaires, un site web ont changé : dites ce qu'il faut écrire.",
            on_site("corriger")),
        ManagerAction(
            "fermeture", "Signaler que le lieu a fermé",
            _issue_url(repository, template=CONFIRM_FORM, title=f"{CLOSED_TITLE}{nom}",
                       **{CONFIRM_ID_FIELD: venue.id}),
            "Choisissez « Le lieu a fermé » : la fiche restera publiée comme «\u00a0fermé\u00a0», "
            "avec sa date de fermeture.", on_site("fermer")),
    ]
    if venue.data.get("statut") == "ferme":
        actions.pop()
    return actions


def venue_context(venue: Venue, settings: dict[str, Any], page_url: str) -> dict[str, Any]:
    """What lieu.html needs to say where the venue's information comes from."""
    return {
        "confirmed": venue.confirmed,
        "credits": [credit(d) for d in venue.datasets],
        "position_method": position_method(venue),
        "manager_actions": manager_actions(venue, settings["REPOSITORY_URL"],
                                           settings["SITEURL"]),
    }
