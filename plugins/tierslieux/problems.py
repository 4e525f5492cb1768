"""The catalogue of problems the validator reports, with their stable codes.

Codes are part of our public contract with contributors (CONTRIBUTING.md explains each
one and CI annotations show them), so they never change meaning once published.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True)
class Code:
    code: str
    severity: Severity
    summary: str  # what the check is about, for the contributor guide


_E, _W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        # Reading the file
        Code("fichier-illisible", _E, "Le fichier ne peut pas être lu."),
        Code("fichier-trop-gros", _E, "Le fichier dépasse la taille maximale autorisée."),
        Code("fichier-vide", _E, "Le fichier ne contient aucune donnée."),
        Code("extension-invalide", _E, "Le fichier ne se termine pas par .yml."),
        Code("encodage-invalide", _E, "Le fichier n'est pas encodé en UTF-8."),
        Code("encodage-bom", _E, "Le fichier commence par une marque d'ordre d'octets (BOM)."),
        Code("yaml-tabulation", _E, "Une tabulation est utilisée pour l'indentation."),
        Code("yaml-syntaxe", _E, "La syntaxe YAML est incorrecte."),
        Code("yaml-plusieurs-documents", _E, "Le fichier contient plusieurs documents YAML."),
        Code("yaml-alias", _E, "Le fichier utilise des ancres ou des alias YAML (& et *)."),
        Code("yaml-etiquette", _E, "Le fichier utilise une étiquette YAML (!!...) non permise."),
        Code("cle-dupliquee", _E, "Un même champ apparaît deux fois."),
        Code("cle-invalide", _E, "Un nom de champ n'est pas du texte."),
        Code("nombre-invalide", _E, "Un nombre n'est pas fini (.nan, .inf)."),
        Code("racine-invalide", _E, "Le fichier n'est pas une fiche (liste de champs : valeur)."),
        # The schema
        Code("champ-manquant", _E, "Un champ obligatoire est absent."),
        Code("champ-inconnu", _E, "Un champ ne fait pas partie du schéma."),
        Code("champ-incompatible", _E, "Un champ ne peut pas être utilisé avec un autre."),
        Code("type-invalide", _E, "Une valeur n'est pas du type attendu."),
        Code("valeur-hors-vocabulaire", _E, "Une valeur ne fait pas partie de la liste permise."),
        Code("format-invalide", _E, "Une valeur n'a pas le format attendu."),
        Code("date-invalide", _E, "Une date n'existe pas ou n'est pas au format AAAA-MM-JJ."),
        Code("valeur-hors-limites", _E, "Un nombre ou un texte est trop petit ou trop grand."),
        Code("liste-vide", _E, "Une liste doit contenir au moins un élément."),
        Code("valeur-en-double", _E, "Une liste contient deux fois la même valeur."),
        # Reference data and consistency
        Code("insee-inconnu", _E, "Le code INSEE ne correspond à aucune commune."),
        Code("insee-ancien", _E, "Le code INSEE est celui d'une ancienne commune."),
        Code("code-postal-commune", _E, "Le code postal n'appartient pas à la commune."),
        Code("commune-nom", _E, "Le nom de commune ne correspond pas au code INSEE."),
        Code("coordonnees-hors-france", _E, "Les coordonnées sont hors de France."),
        Code("coordonnees-inversees", _E, "La latitude et la longitude sont inversées."),
        Code("coordonnees-territoire", _E,
             "Les coordonnées sont loin du territoire de la commune."),
        Code("id-nom-fichier", _E, "L'identifiant ne correspond pas au nom du fichier."),
        Code("dossier-departement", _E, "Le fichier n'est pas dans le dossier de son département."),
        Code("id-duplique", _E, "Deux fiches ont le même identifiant."),
        Code("horaires-invalides", _E, "Les horaires ne respectent pas le format opening_hours."),
        Code("dates-incoherentes", _E, "La date de fermeture précède la date d'ouverture."),
        Code("date-future", _E, "La date de vérification est dans le futur."),
        Code("siret-invalide", _E, "Le numéro SIRET n'est pas valide (clé de contrôle)."),
        Code("fermeture-sans-date", _W, "Un lieu fermé n'indique pas sa date de fermeture."),
        Code("date-fermeture-statut", _E, "Une date de fermeture est donnée à un lieu non fermé."),
    ]
}


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about one file, located precisely enough for a contributor to act."""

    path: str
    line: int
    code: str
    field: str
    message: str
    hint: str = ""

    @property
    def severity(self) -> Severity:
        return CODES[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR
