"""The GitHub issue form for proposing a venue, generated from the JSON Schema.

The form's inputs and vocabularies come from the schema, so a new field or a new type
reaches contributors without anyone editing the form by hand; `tierslieux sync --check`
(run by the tests) fails when the committed form is out of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..model.schema import field_schema, vocabulary_of

NO_RESPONSE = {"_No response_", "None", ""}
YES, NO = "Oui", "Non"


@dataclass(frozen=True)
class FormField:
    id: str
    path: tuple[str, ...]  # where the answer goes in the venue file
    kind: str  # input, textarea, choice, multi, bool, number, integer, lines, coords, stops
    required: bool = False
    label: str = ""  # defaults to the schema title
    help: str = ""  # defaults to the schema description

    def title(self) -> str:
        if self.label:
            return self.label
        return (field_schema(self.path) or {}).get("title", self.id)

    def description(self) -> str:
        if self.help:
            return self.help
        return (field_schema(self.path) or {}).get("description", "")

    def options(self) -> list[str]:
        return list((vocabulary_of(self.path) or {}).values())



def _nested(parent: str, **kinds: str) -> list[FormField]:
    """One question per sub-field of an object field, in the order given."""
    return [FormField(f"{parent}_{key}", (parent, key), kind) for key, kind in kinds.items()]


FIELDS: list[FormField] = [
    FormField("nom", ("nom",), "input", required=True, label="Nom du lieu"),
    FormField("types", ("types",), "multi", required=True),
    FormField("statut", ("statut",), "choice", required=True),
    FormField("date_ouverture", ("date_ouverture",), "input"),
    FormField("date_fermeture", ("date_fermeture",), "input"),
    FormField("adresse", ("adresse",), "input",
              help="Numéro et voie, sans code postal ni commune. Laissez vide pour un lieu "
                   "itinérant et remplissez « Étapes »."),
    FormField("complement_adresse", ("complement_adresse",), "input"),
    FormField("code_postal", ("code_postal",), "input"),
    FormField("commune", ("commune",), "input"),
    FormField("code_insee", ("code_insee",), "input",
              help="Facultatif : déduit du code postal et de la commune s'il est vide."),
    FormField("coordonnees", ("latitude", "longitude"), "coords", label="Coordonnées",
              help="Latitude et longitude, séparées par une virgule, par exemple "
                   "« 48.1113, -1.6800 ». Sur openstreetmap.org, clic droit sur le lieu puis "
                   "« Afficher l'adresse ». Laissez vide pour un lieu itinérant."),
    FormField("etapes", ("etapes",), "stops", label="Étapes (lieu itinérant seulement)",
              help="Une étape par ligne : « commune ; code postal ; latitude, longitude ; "
                   "horaires », par exemple « Mende ; 48000 ; 44.5181, 3.5000 ; "
                   "Tu 09:00-17:00 »."),
    FormField("description", ("description",), "textarea"),
    FormField("site_web", ("site_web",), "input"),
    FormField("courriel", ("courriel",), "input"),
    FormField("telephone", ("telephone",), "input"),
    FormField("reseaux_sociaux", ("reseaux_sociaux",), "lines",
              help="Une adresse par ligne (Mastodon, Facebook, LinkedIn, Instagram...)."),
    *_nested("porteur", nom="input", type="choice", siret="input", rna="input"),
    FormField("services", ("services",), "multi"),
    FormField("equipements", ("equipements",), "multi"),
    *_nested("tarifs", gratuit="bool", demi_journee="number", journee="number", mois="number",
             adhesion="number", details="input"),
    FormField("horaires", ("horaires",), "input"),
    FormField("postes_travail", ("postes_travail",), "integer"),
    *_nested("accessibilite", fauteuil_roulant="choice", transports_en_commun="input",
             stationnement="bool", stationnement_velo="bool", fiche_acces_libre="input"),
    *_nested("connectivite", fibre="bool", wifi="bool", debit_mbps="number"),
    FormField("labels", ("labels",), "multi"),
    FormField("reseaux", ("reseaux",), "lines", help="Un réseau par ligne."),
    FormField("gestionnaires", ("gestionnaires",), "input",
              help="Identifiants GitHub des personnes qui gèrent ce lieu, séparés par des "
                   "virgules (sans @) : leur accord sera demandé pour toute modification."),
    FormField("sources", ("sources",), "lines",
              help="Pages publiques qui attestent ces informations, une par ligne."),
]

# Schema fields the form does not ask for, and why (checked by the tests).
NOT_ASKED = {
    "id": "déduit du nom du lieu",
    "latitude": "demandée avec la longitude dans « Coordonnées »",
    "longitude": "demandée avec la latitude dans « Coordonnées »",
    "date_verification": "la date de la demande",
    "provenance": "écrite par « tierslieux import » pour les fiches venues d'un jeu de données",
    "position.methode": "écrite par les outils (position tirée d'une adresse, d'une commune)",
    "position.score": "le score du géocodage, écrit par les outils",
}

INTRO = (
    "Merci de proposer un tiers-lieu ! Remplissez ce que vous savez : un champ vide vaut "
    "mieux qu'une information incertaine. Une fois la demande relue par l'équipe, une fiche "
    "est créée automatiquement et proposée en *pull request*.\n\n"
    "Ne mettez ni nom de personne ni adresse électronique personnelle : l'annuaire est public."
)


def _element(f: FormField) -> dict[str, Any]:
    attributes: dict[str, Any] = {"label": f.title()}
    if f.description():
        attributes["description"] = f.description()
    kind = "input"
    if f.kind in ("textarea", "lines", "stops"):
        kind = "textarea"
    elif f.kind in ("choice", "multi", "bool"):
        kind = "dropdown"
        attributes["options"] = [YES, NO] if f.kind == "bool" else f.options()
        if f.kind == "multi":
            attributes["multiple"] = True
    element: dict[str, Any] = {"type": kind, "id": f.id, "attributes": attributes}
    if f.required:
        element["validations"] = {"required": True}
    return element


def issue_form() -> dict[str, Any]:
    return {
        "name": "Proposer un nouveau lieu",
        "description": "Ajouter un tiers-lieu à l'annuaire, sans connaître git.",
        "title": "[Nouveau lieu] ",
        "labels": ["nouveau-lieu"],
        "body": [{"type": "markdown", "attributes": {"value": INTRO}},
                 *(_element(f) for f in FIELDS)],
    }


def issue_form_yaml() -> str:
    header = ("# Generated from schema/venue.schema.json by `tierslieux sync`: "
              "do not edit by hand.\n")
    return header + yaml.safe_dump(issue_form(), allow_unicode=True, sort_keys=False,
                                   width=100)
