"""The GitHub issue forms for proposing and correcting a venue, generated from the schema.

The form's inputs and vocabularies come from the schema, so a new field or a new type
reaches contributors without anyone editing the form by hand; `tierslieux sync --check`
(run by the tests) fails when a committed form is out of date.

`FIELDS` is the full catalogue of answers `tierslieux from-issue` reads (each by its
title, from the GitHub form, the site's form or an e-mail); the GitHub forms show only
`ESSENTIALS`, about a dozen questions a venue's manager can answer without help, worded
without any file-format words: from-issue reads dates, hours, phones and addresses as
people write them and finds the position from the address.
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
        if self.help or self.id in HELP:
            return self.help or HELP[self.id]
        return (field_schema(self.path) or {}).get("description", "")

    def options(self) -> list[str]:
        return list((vocabulary_of(self.path) or {}).values())


# Help shown instead of the schema's description, which is written for the venue file
# (it speaks of quotes, `true`, Markdown or OpenStreetMap): here, what a person may type.
HELP = {
    "nom": "Le nom sous lequel le public connaît le lieu.",
    "types": "Un ou plusieurs : un lieu est souvent hybride.",
    "statut": "Où en est le lieu aujourd'hui.",
    "date_ouverture": "Par exemple « 15 mars 2021 », « 15/03/2021 » ou seulement « mars 2021 ».",
    "date_fermeture": "Par exemple « 30 juin 2024 » ou « 30/06/2024 ».",
    "code_postal": "Cinq chiffres, par exemple 35000.",
    "commune": "Par exemple « Saint-Étienne » ; les accents ne sont pas obligatoires.",
    "description": "Quelques phrases pour présenter le lieu (2 000 caractères au plus).",
    "site_web": "Par exemple www.mon-lieu.fr.",
    "courriel": "L'adresse de contact du lieu, par exemple contact@mon-lieu.fr, et non celle "
                "d'une personne : elle sera publiée.",
    "telephone": "Le numéro du lieu, écrit comme vous voulez : 02 99 12 34 56, "
                 "0262 12 34 56, +33 2 99 12 34 56.",
    "horaires": "En toutes lettres, par exemple « du mardi au samedi de 14h à 19h », "
                "« lundi et jeudi 9h-12h et 14h-18h » ou « sur rendez-vous ».",
    "tarifs_gratuit": "« Oui » si l'accès au lieu est gratuit.",
    "accessibilite_fauteuil_roulant": "Le lieu est-il accessible en fauteuil roulant ?",
    "accessibilite_stationnement": "« Oui » si un parking est disponible.",
}


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
              help="Facultatif : la position est trouvée à partir de l'adresse. Si vous la "
                   "connaissez, latitude et longitude séparées par une virgule, par exemple "
                   "« 48.1113, -1.6800 »."),
    FormField("etapes", ("etapes",), "stops", label="Étapes (lieu itinérant seulement)",
              help="Une étape par ligne : « commune ; code postal ; jours et heures », par "
                   "exemple « Mende ; 48000 ; le mardi de 9h à 17h ». Laissez vide pour un "
                   "lieu fixe."),
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

# The questions the GitHub forms show, in the catalogue's order (the others stay readable).
ESSENTIALS: tuple[str, ...] = ("nom", "types", "statut", "adresse", "code_postal", "commune",
                               "etapes", "description", "site_web", "courriel", "telephone",
                               "horaires")

# A correction names the venue it corrects in this section (contract of the forms).
VENUE_ID_TITLE = "Identifiant du lieu"
# Free-text sections of the correction form (their ids `probleme` and `correction` are
# prefilled by the venue pages' links). from-issue reads « champ : valeur » lines of the
# second one as answers; the rest is for the maintainers.
PROBLEM_TITLE = "Ce qui est faux ou manquant"
CORRECTION_TITLE = "Ce qu'il faudrait écrire"
SOURCE_TITLE = "Source"
LINK_TITLE = "Votre lien avec le lieu"
EXTRA_TITLES = (VENUE_ID_TITLE, PROBLEM_TITLE, CORRECTION_TITLE, SOURCE_TITLE, LINK_TITLE)

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
    "mieux qu'une information incertaine. Écrivez comme dans un courriel : les dates, les "
    "horaires et les numéros sont compris en toutes lettres, et la position du lieu est "
    "trouvée à partir de son adresse. Une réponse automatique vous dit aussitôt ce qui a été "
    "compris, puis l'équipe relit la demande avant d'ajouter le lieu à l'annuaire.\n\n"
    "Pour ajouter d'autres informations (tarifs, services, équipements, accessibilité…), "
    "utilisez le formulaire « Ajouter ou corriger un lieu » du site.\n\n"
    "Ne mettez ni nom de personne ni adresse électronique personnelle : l'annuaire est public."
)

CORRECTION_INTRO = (
    "Merci de signaler une erreur ! Indiquez l'identifiant du lieu, puis remplissez seulement "
    "ce qui change : ce que vous laissez vide reste tel quel sur la fiche. Une réponse "
    "automatique vous dit aussitôt ce qui a été compris.\n\n"
    "Ne mettez ni nom de personne ni adresse électronique personnelle : cette page est publique."
)


def essential_fields() -> list[FormField]:
    """The questions of the GitHub forms, in the catalogue's order."""
    return [f for f in FIELDS if f.id in ESSENTIALS]


def _element(f: FormField, *, correction: bool = False) -> dict[str, Any]:
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
    if f.required and not correction:
        element["validations"] = {"required": True}
    return element


def issue_form() -> dict[str, Any]:
    return {
        "name": "Proposer un nouveau lieu",
        "description": "Ajouter un tiers-lieu à l'annuaire, sans rien installer.",
        "title": "[Nouveau lieu] ",
        "labels": ["nouveau-lieu"],
        "body": [{"type": "markdown", "attributes": {"value": INTRO}},
                 *(_element(f) for f in essential_fields())],
    }


def correction_form() -> dict[str, Any]:
    """The same questions, all optional, after the venue's identifier (contract point 2)."""
    return {
        "name": "Corriger une fiche",
        "description": "Signaler une information fausse, manquante ou périmée sur un lieu.",
        "title": "[Correction] ",
        "labels": ["correction"],
        "body": [
            {"type": "markdown", "attributes": {"value": CORRECTION_INTRO}},
            {"type": "input", "id": "lieu",
             "attributes": {"label": VENUE_ID_TITLE,
                            "description": "Il figure en bas de la page du lieu (par exemple "
                                           "« la-cantine-rennes »)."},
             "validations": {"required": True}},
            *(_element(f, correction=True) for f in essential_fields()),
            {"type": "textarea", "id": "probleme",
             "attributes": {"label": PROBLEM_TITLE,
                            "description": "Ce que les questions ci-dessus ne permettent pas "
                                           "de dire : l'équipe le lira."}},
            {"type": "textarea", "id": "correction",
             "attributes": {"label": CORRECTION_TITLE,
                            "description": "Une information par ligne, par exemple « statut : "
                                           "fermé » ou « date de fermeture : juin 2024 »."}},
            {"type": "input", "id": "source",
             "attributes": {"label": SOURCE_TITLE,
                            "description": "Une page publique qui confirme la correction "
                                           "(site du lieu, article…)."}},
            {"type": "dropdown", "id": "lien",
             "attributes": {"label": LINK_TITLE,
                            "options": ["Je gère ce lieu", "J'y travaille ou je le fréquente",
                                        "Je fais partie d'un réseau de tiers-lieux", "Autre"]}},
        ],
    }


def _dump(form: dict[str, Any]) -> str:
    header = ("# Generated from schema/venue.schema.json by `tierslieux sync`: "
              "do not edit by hand.\n")
    return header + yaml.safe_dump(form, allow_unicode=True, sort_keys=False, width=100)


def issue_form_yaml() -> str:
    return _dump(issue_form())


def correction_form_yaml() -> str:
    return _dump(correction_form())
