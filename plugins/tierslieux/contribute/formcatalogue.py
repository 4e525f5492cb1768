"""What the site's contribution form needs to know, exported at build time as one JSON.

The form at /contribuer/ writes the same issue body as GitHub's issue form (sections
`### <question>`), which `tierslieux from-issue` reads back; it checks answers against the
same JSON Schema as the validator and shows the validator's own French messages. So the
questions (ids, titles, kinds, vocabularies), the section titles and the messages all come
from here, from the Python side, and nothing is copied by hand into the JavaScript.
"""

from __future__ import annotations

from typing import Any

from ..check.problems import CODES
from ..check.schemacheck import _TYPE_NAMES, HINTS, LIMITS, MESSAGES, _example_hint
from ..model.schema import vocabulary_of
from . import confirmform
from .issueform import FIELDS, NO, VENUE_ID_TITLE, YES, FormField

# The first questions of the site form, always shown; the rest wait in folded sections.
# This is the site form's own choice (the GitHub issue form has its own short list).
ESSENTIALS = ("nom", "types", "statut", "adresse", "code_postal", "commune", "site_web",
              "courriel", "description", "horaires")

# Folded sections after the essentials: (title, field ids). A question of FIELDS listed in
# no section lands in the last one, so a new question is never left out of the form.
GROUPS = [
    ("Adresse : précisions et position", ("complement_adresse", "code_insee", "coordonnees")),
    ("Contact", ("telephone", "reseaux_sociaux")),
    ("Structure qui porte le lieu", ("porteur_nom", "porteur_type", "porteur_siret",
                                     "porteur_rna")),
    ("Services, équipements et labels", ("services", "equipements", "postes_travail",
                                         "labels", "reseaux")),
    ("Tarifs", ("tarifs_gratuit", "tarifs_demi_journee", "tarifs_journee", "tarifs_mois",
                "tarifs_adhesion", "tarifs_details")),
    ("Accessibilité", ("accessibilite_fauteuil_roulant", "accessibilite_transports_en_commun",
                       "accessibilite_stationnement", "accessibilite_stationnement_velo",
                       "accessibilite_fiche_acces_libre")),
    ("Connexion à Internet", ("connectivite_fibre", "connectivite_wifi",
                              "connectivite_debit_mbps")),
    ("Dates", ("date_ouverture", "date_fermeture")),
    ("Lieu itinérant", ("etapes",)),
    ("Autres informations", ("gestionnaires", "sources")),
]

# Help in the site form's own words where the schema's description speaks of the file's
# syntax (quotes, true/false, Markdown, date format): the widgets take care of that. A
# help given in issueform.FIELDS wins over these.
FORM_HELP = {
    "code_postal": "5 chiffres, par exemple 35000. Les communes de ce code postal vous "
                   "sont alors proposées.",
    "description": "Quelques phrases : ce qu'on y trouve, pour qui (2 000 caractères au "
                   "plus).",
    "date_ouverture": "Le jour de l'ouverture au public, si vous le connaissez.",
    "date_fermeture": "Le jour de la fermeture définitive, si le lieu a fermé.",
    "tarifs_gratuit": "Oui si l'accès au lieu est gratuit.",
    "accessibilite_stationnement": "Oui si un parking est disponible.",
}

# Contract of issue 14: a correction carries the venue's id in this section, and a
# confirmation uses the "confirmer" issue template with these sections and answers.
IDENTIFIER_TITLE = VENUE_ID_TITLE  # read by from-issue (a correction) and confirm-from-issue
CONFIRM = {  # the confirmation form's own words (contribute/confirmform.py), one source
    "template": confirmform.FORM_FILE,
    "title": confirmform.TITLE_PREFIX,
    "label": confirmform.LABEL,
    "request_title": confirmform.REQUEST_TITLE,
    "exact": confirmform.EXACT,
    "closed": confirmform.CLOSED,
    "manager_title": confirmform.MANAGER_TITLE,
    "comment_title": confirmform.COMMENT_TITLE,
}
NEW_VENUE = {"title": "[Nouveau lieu] ", "label": "nouveau-lieu"}
# A correction carries the same sections as a new venue (read by the same command).
CORRECTION = {"title": "[Correction] ", "label": "nouveau-lieu"}


def _field(f: FormField) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f.id, "title": f.title(), "kind": f.kind,
                           "path": list(f.path), "required": f.required,
                           "description": f.help or FORM_HELP.get(f.id) or f.description()}
    vocabulary = vocabulary_of(f.path) if f.kind in ("choice", "multi") else None
    if vocabulary:
        out["options"] = [[code, label] for code, label in vocabulary.items()]
    if f.kind == "bool":
        out["options"] = [["true", YES], ["false", NO]]
    if f.kind != "coords":
        out["hint"] = _example_hint(f.path)
    return out


def form_catalogue() -> dict[str, Any]:
    """Everything the form's JavaScript reads: questions, sections, messages, titles."""
    fields = [_field(f) for f in FIELDS]
    known = {f["id"] for f in fields}
    listed = {i for _, ids in GROUPS for i in ids} | set(ESSENTIALS)
    groups = [{"title": title, "fields": [i for i in ids if i in known]}
              for title, ids in GROUPS]
    groups[-1]["fields"] += [f["id"] for f in fields if f["id"] not in listed]
    return {
        "fields": fields,
        "essentials": [i for i in ESSENTIALS if i in known],
        "groups": [g for g in groups if g["fields"]],
        "messages": MESSAGES,
        "hints": HINTS,
        "limits": LIMITS,
        "types": _TYPE_NAMES,
        "codes": {code: {"summary": c.summary, "fix": c.fix} for code, c in CODES.items()},
        "yes": YES,
        "no": NO,
        "no_response": "_No response_",
        "identifier_title": IDENTIFIER_TITLE,
        "confirm": CONFIRM,
        "new_venue": NEW_VENUE,
        "correction": CORRECTION,
    }
