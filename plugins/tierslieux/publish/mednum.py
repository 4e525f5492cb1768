"""Export to the national "Schéma de données des lieux de médiation numérique" (v1.0.2).

The digital-inclusion map (Cartographie nationale) and data.inclusion read this standard;
publishing in it saves them a custom converter. The standard requires a SIRET or RNA
number (`pivot`) and a street address: venues without them are left out, never given
invented values, and the data page lists them with the reason.

Typology codes come from data·inclusion's vocabulary (TIERS_LIEUX, FABLAB, EPN, ASSO...).
Every mapping of our fields and vocabularies to theirs is in MAPPING_DOC, shown on the
data page, so the conversion can be reviewed without reading this code.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..model.richtext import markdown_to_text
from ..model.schema import labels
from ..model.venue import Venue
from .exports import safe_cell
from .sources import national_source

STANDARD = "Schéma de données des lieux de médiation numérique"
STANDARD_VERSION = "1.0.2"
STANDARD_URL = "https://schema.data.gouv.fr/LaMednum/standard-mediation-num/"

COLUMNS = ["id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse",
           "complement_adresse", "latitude", "longitude", "typologie", "telephone",
           "courriels", "site_web", "horaires", "presentation_resume", "presentation_detail",
           "source", "itinerance", "structure_parente", "date_maj", "services",
           "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
           "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels",
           "modalites_acces", "modalites_accompagnement", "fiche_acces_libre", "prise_rdv"]

FABLAB_TYPES = {"fablab", "makerspace", "hackerspace", "atelier_partage"}
TYPE_TYPOLOGY = {**{t: "FABLAB" for t in FABLAB_TYPES}, "espace_public_numerique": "EPN"}
PORTEUR_TYPOLOGY = {"association": "ASSO", "collectivite": "MUNI", "epci": "EPCI",
                    "etablissement_public": "ETABL_PUB", "entreprise": "ETABL_PRI",
                    "cooperative": "ESS"}
LABEL_TYPOLOGY = {"france_services": "MSAP"}
SERVICES = {"inclusion_numerique": "Maîtrise des outils numériques du quotidien",
            "services_publics": "Aide aux démarches administratives"}
EQUIPEMENTS = {"materiel_informatique": "Accès internet et matériel informatique"}
FABRICATION = {"impression_3d", "decoupe_laser", "fraiseuse_cnc", "electronique",
               "brodeuse_numerique", "plotter_decoupe", "studio_audiovisuel"}
DISPOSITIFS = {"france_services": "France Services",
               "conseiller_numerique": "Conseillers numériques"}
# Calling codes of the overseas numbering areas (0590 -> +590...), else +33.
OVERSEAS_PREFIXES = {"0590": "590", "0690": "590", "0691": "590", "0594": "594", "0694": "594",
                     "0262": "262", "0263": "262", "0692": "262", "0693": "262", "0596": "596",
                     "0696": "596", "0697": "596", "0269": "269", "0639": "269"}

MAPPING_DOC: list[tuple[str, str]] = [
    ("id", "id"),
    ("pivot", "porteur.siret, sinon porteur.rna (obligatoire : sans lui, le lieu n'est pas "
     "exporté)"),
    ("nom, commune, code_postal, code_insee, latitude, longitude", "mêmes champs "
     "(pour un lieu itinérant : sa première étape)"),
    ("adresse, complement_adresse", "mêmes champs (obligatoire : sans adresse, le lieu n'est "
     "pas exporté)"),
    ("typologie", "TIERS_LIEUX pour tous ; FABLAB pour fablab, makerspace, hackerspace, atelier "
     "partagé ; EPN pour espace public numérique ; selon le porteur : ASSO (association), MUNI "
     "(collectivité), EPCI, ETABL_PUB (établissement public), ETABL_PRI (entreprise), ESS "
     "(coopérative) ; MSAP pour le label France services"),
    ("telephone", "telephone au format international sans espace (+33…, +590…, +262…)"),
    ("courriels", "courriel"),
    ("site_web", "site_web puis reseaux_sociaux, séparés par |"),
    ("horaires", "horaires (même syntaxe OpenStreetMap)"),
    ("presentation_resume", "description en texte brut, coupée à 280 caractères"),
    ("presentation_detail", "description en texte brut, si elle dépasse 280 caractères"),
    ("source", "nom de l'annuaire, suivi, pour un lieu importé, des jeux de données d'où il "
     "vient, avec leur auteur et leur licence"),
    ("itinerance", "Fixe, ou Itinérant pour un lieu à étapes"),
    ("structure_parente", "premier réseau de reseaux"),
    ("date_maj", "date_verification"),
    ("services", "inclusion_numerique → Maîtrise des outils numériques du quotidien ; "
     "services_publics → Aide aux démarches administratives ; équipement materiel_informatique "
     "→ Accès internet et matériel informatique ; machines de fabrication numérique → Loisirs "
     "et créations numériques"),
    ("frais_a_charge", "tarifs.gratuit → Gratuit ; un prix indiqué → Payant"),
    ("dispositif_programmes_nationaux", "labels france_services → France Services ; "
     "conseiller_numerique → Conseillers numériques"),
    ("autres_formations_labels", "les autres labels, en toutes lettres"),
    ("modalites_acces", "horaires → Se présenter ; telephone → Téléphoner ; courriel → "
     "Contacter par mail"),
    ("fiche_acces_libre", "accessibilite.fiche_acces_libre"),
    ("publics_specifiquement_adresses, prise_en_charge_specifique, formations_labels, "
     "modalites_accompagnement, prise_rdv", "vides : l'annuaire ne décrit pas ces informations"),
]


@dataclass(frozen=True)
class Exclusion:
    venue: Venue
    reasons: tuple[str, ...]


def international_phone(number: str) -> str | None:
    digits = re.sub(r"[^0-9+]", "", number)
    if digits.startswith("+"):
        return digits if re.fullmatch(r"\+[0-9]{8,15}", digits) else None
    if not re.fullmatch(r"0[0-9]{9}", digits):
        return None
    return "+" + OVERSEAS_PREFIXES.get(digits[:4], "33") + digits[1:]


def _summary(text: str, limit: int = 280) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return cut + "…"


def _place(venue: Venue) -> dict[str, Any]:
    return venue.data["etapes"][0] if venue.itinerant else venue.data


def exclusion_reasons(venue: Venue) -> tuple[str, ...]:
    d = venue.data
    reasons = []
    porteur = d.get("porteur") or {}
    if not (porteur.get("siret") or porteur.get("rna")):
        reasons.append("pas de SIRET ni de RNA")
    if not _place(venue).get("adresse"):
        reasons.append("pas d'adresse postale")
    if d["statut"] in ("ferme", "projet"):
        reasons.append("lieu fermé" if d["statut"] == "ferme" else "lieu en projet")
    return tuple(reasons)


def row(venue: Venue, source: str) -> dict[str, str | float]:
    d = venue.data
    place = _place(venue)
    porteur = d.get("porteur") or {}
    all_labels = labels("label")
    typologies = ["TIERS_LIEUX"]
    typologies += [TYPE_TYPOLOGY[t] for t in d["types"] if t in TYPE_TYPOLOGY]
    if porteur.get("type") in PORTEUR_TYPOLOGY:
        typologies.append(PORTEUR_TYPOLOGY[porteur["type"]])
    typologies += [LABEL_TYPOLOGY[lb] for lb in d.get("labels", []) if lb in LABEL_TYPOLOGY]
    services = [SERVICES[s] for s in d.get("services", []) if s in SERVICES]
    services += [EQUIPEMENTS[e] for e in d.get("equipements", []) if e in EQUIPEMENTS]
    if FABRICATION & set(d.get("equipements", [])):
        services.append("Loisirs et créations numériques")
    tarifs = d.get("tarifs") or {}
    fees = ["Gratuit"] if tarifs.get("gratuit") else []
    if any(tarifs.get(k) for k in ("demi_journee", "journee", "mois", "adhesion")):
        fees.append("Payant")
    access = (["Se présenter"] if d.get("horaires") else []) + (
        ["Téléphoner"] if d.get("telephone") else []) + (
        ["Contacter par mail"] if d.get("courriel") else [])
    text = markdown_to_text(d.get("description", ""))
    phone = international_phone(d["telephone"]) if d.get("telephone") else None
    return {
        "id": d["id"],
        "pivot": porteur.get("siret") or porteur.get("rna"),
        "nom": d["nom"],
        "commune": place["commune"],
        "code_postal": place["code_postal"],
        "code_insee": place["code_insee"],
        "adresse": place["adresse"],
        "complement_adresse": d.get("complement_adresse", ""),
        "latitude": place["latitude"],
        "longitude": place["longitude"],
        "typologie": "|".join(dict.fromkeys(typologies)),
        "telephone": phone or "",
        "courriels": d.get("courriel", ""),
        "site_web": "|".join([u for u in [d.get("site_web"), *d.get("reseaux_sociaux", [])]
                              if u]),
        "horaires": d.get("horaires", ""),
        "presentation_resume": _summary(text),
        "presentation_detail": text if len(text) > 280 else "",
        "source": source,
        "itinerance": "Itinérant" if venue.itinerant else "Fixe",
        "structure_parente": (d.get("reseaux") or [""])[0],
        "date_maj": d["date_verification"],
        "services": "|".join(dict.fromkeys(services)),
        "frais_a_charge": "|".join(fees),
        "dispositif_programmes_nationaux": "|".join(DISPOSITIFS[lb] for lb in d.get("labels", [])
                                                    if lb in DISPOSITIFS),
        "autres_formations_labels": "|".join(all_labels[lb] for lb in d.get("labels", [])
                                             if lb not in DISPOSITIFS),
        "modalites_acces": "|".join(access),
        "fiche_acces_libre": (d.get("accessibilite") or {}).get("fiche_acces_libre", ""),
    }


def export(venues: list[Venue], source: str,
           row_of: Callable[[Venue, str], dict[str, str | float]] | None = None,
           ) -> tuple[str, list[Exclusion]]:
    """The CSV in the standard's column order, and the venues left out with their reasons.

    `row_of`: `row`, or a cache of it (the site's incremental build)."""
    row_of = row_of or row
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    excluded = []
    for venue in venues:
        reasons = exclusion_reasons(venue)
        if reasons:
            excluded.append(Exclusion(venue, reasons))
            continue
        cells = row_of(venue, national_source(source, venue))
        # The standard requires "+33..." phone numbers: built by us from digits only, they
        # cannot carry a formula, so they are the one cell written without the apostrophe.
        writer.writerow([cells.get(name, "") if name == "telephone"
                         else safe_cell(cells.get(name) or None) for name in COLUMNS])
    return buffer.getvalue(), excluded
