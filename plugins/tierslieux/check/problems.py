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
    fix: str = ""  # the usual way out, for the contributor guide


_E, _W = Severity.ERROR, Severity.WARNING

CODES: dict[str, Code] = {
    c.code: c
    for c in [
        Code("fichier-illisible", _E, "Le fichier ne peut pas être lu.",
             "Vérifiez que le fichier existe (pas un lien cassé) et qu'il est lisible."),
        Code("fichier-trop-gros", _E, "Le fichier dépasse la taille maximale autorisée.",
             "Une fiche fait quelques kilo-octets : raccourcissez la description."),
        Code("fichier-vide", _E, "Le fichier ne contient aucune donnée.",
             "Partez de l'exemple commenté ci-dessus."),
        Code("extension-invalide", _E, "Le fichier ne se termine pas par .yml.",
             "Nommez la fiche `<id>.yml` ; retirez les autres fichiers du dossier."),
        Code("lien-symbolique", _E, "L'entrée est un lien symbolique : il n'est ni suivi ni lu.",
             "Remplacez le lien par le fichier lui-même, ou retirez-le."),
        Code("pas-un-fichier", _E, "L'entrée n'est pas un fichier ordinaire (dossier nommé en .yml, tube, socket, périphérique).",
             "Retirez cette entrée de `content/venues/` : une fiche est un fichier texte."),
        Code("fichier-cache", _E, "Le nom du fichier ou du dossier commence par un point : il ne serait pas publié.",
             "Retirez le point au début du nom, ou retirez le fichier s'il n'est pas une fiche."),
        Code("nom-fichier-invalide", _E, "Le nom du fichier contient un caractère invisible ou de contrôle (retour à la ligne…).",
             "Renommez le fichier `<id>.yml` : lettres minuscules, chiffres et tirets."),
        Code("encodage-invalide", _E, "Le fichier n'est pas encodé en UTF-8.",
             "Enregistrez le fichier en UTF-8 (et non Latin-1 ou Windows-1252)."),
        Code("encodage-bom", _E, "Le fichier commence par une marque d'ordre d'octets (BOM).",
             "Enregistrez en « UTF-8 sans BOM » (option de l'éditeur)."),
        Code("yaml-tabulation", _E, "Une tabulation est utilisée pour l'indentation.",
             "Indentez avec des espaces, deux par niveau."),
        Code("yaml-syntaxe", _E, "La syntaxe YAML est incorrecte.",
             "Vérifiez l'indentation, le « : » après chaque champ, et mettez entre guillemets un texte qui contient « : » ou commence par un caractère spécial."),
        Code("yaml-plusieurs-documents", _E, "Le fichier contient plusieurs documents YAML.",
             "Une fiche par fichier : retirez la ligne `---` et ce qui suit."),
        Code("yaml-alias", _E, "Le fichier utilise des ancres ou des alias YAML (& et *).",
             "Recopiez la valeur au lieu d'utiliser `&ancre` et `*alias`."),
        Code("yaml-etiquette", _E, "Le fichier utilise une étiquette YAML (!!...) non permise.",
             "Retirez l'étiquette (`!!...`) et écrivez la valeur simplement."),
        Code("yaml-trop-profond", _E, "Des listes ou groupes de champs sont imbriqués trop profondément.",
             "Une fiche a peu de niveaux (`etapes`, puis une étape, puis ses champs) : vérifiez les crochets, les accolades et l'indentation."),
        Code("caractere-interdit", _E, "Un caractère invisible ou de contrôle est interdit (contrôle, inversion du sens d'écriture, non-caractère Unicode).",
             "Retirez le caractère nommé (U+…) ; dans un texte entre guillemets, retirez aussi la séquence `\\u…` qui l'écrit."),
        Code("texte-invisible", _E, "Un texte ne contient que des espaces ou des caractères invisibles.",
             "Écrivez le texte en lettres visibles, ou retirez le champ s'il est facultatif."),
        Code("valeur-ambigue", _E, "Une valeur sans guillemets serait lue comme un booléen ou un nombre (yes, no, on, off, 0x30, 0755, 1:30…).",
             "Pour un champ oui/non, écrivez `true` ou `false` ; pour un nombre, des chiffres décimaux (`48.1113`) ; pour un texte, mettez-le entre guillemets (`\"no\"`)."),
        Code("cle-dupliquee", _E, "Un même champ apparaît deux fois.",
             "Gardez une seule fois le champ, avec la bonne valeur."),
        Code("cle-invalide", _E, "Un nom de champ n'est pas du texte.",
             "Un nom de champ est un mot en minuscules suivi de « : » (voir la liste des champs)."),
        Code("nombre-invalide", _E, "Un nombre n'est pas fini (.nan, .inf).",
             "Écrivez un nombre décimal ordinaire avec un point : `48.1113`."),
        Code("racine-invalide", _E, "Le fichier n'est pas une fiche (liste de champs : valeur).",
             "Le haut du fichier est une suite de lignes `champ: valeur`, sans tiret devant."),
        Code("champ-manquant", _E, "Un champ obligatoire est absent.",
             "Ajoutez le champ (voir la liste des champs obligatoires)."),
        Code("champ-inconnu", _E, "Un champ ne fait pas partie du schéma.",
             "Corrigez l'orthographe du champ (le message propose le plus proche) ou retirez-le."),
        Code("champ-incompatible", _E, "Un champ ne peut pas être utilisé avec un autre.",
             "Un lieu itinérant n'a pas d'adresse : décrivez ses arrêts dans `etapes`."),
        Code("type-invalide", _E, "Une valeur n'est pas du type attendu.",
             "Un code postal, un code INSEE ou un téléphone s'écrivent entre guillemets ; une liste s'écrit une valeur par ligne précédée de « - »."),
        Code("valeur-hors-vocabulaire", _E, "Une valeur ne fait pas partie de la liste permise.",
             "Choisissez un code de la liste (le message propose le plus proche)."),
        Code("format-invalide", _E, "Une valeur n'a pas le format attendu.",
             "Suivez le format indiqué dans la liste des champs (exemples fournis)."),
        Code("date-invalide", _E, "Une date n'existe pas ou n'est pas au format AAAA-MM-JJ.",
             "Écrivez la date au format AAAA-MM-JJ et vérifiez que ce jour existe."),
        Code("valeur-hors-limites", _E, "Un nombre ou un texte est trop petit ou trop grand.",
             "Corrigez la valeur (un prix n'est pas négatif, un nom a au moins deux caractères…)."),
        Code("liste-vide", _E, "Une liste doit contenir au moins un élément.",
             "Ajoutez au moins un élément, ou retirez le champ s'il est facultatif."),
        Code("valeur-en-double", _E, "Une liste contient deux fois la même valeur.",
             "Retirez le doublon de la liste."),
        Code("insee-inconnu", _E, "Le code INSEE ne correspond à aucune commune.",
             "Cherchez le code INSEE de la commune (ce n'est pas le code postal)."),
        Code("insee-ancien", _E, "Le code INSEE est celui d'une ancienne commune.",
             "Utilisez le code de la commune actuelle, donné dans le message."),
        Code("code-postal-commune", _E, "Le code postal n'appartient pas à la commune.",
             "Corrigez le code postal ou le code INSEE (le message donne les codes postaux de la commune)."),
        Code("commune-nom", _E, "Le nom de commune ne correspond pas au code INSEE.",
             "Écrivez le nom officiel de la commune, donné dans le message."),
        Code("coordonnees-hors-france", _E, "Les coordonnées sont hors de France.",
             "Relevez latitude et longitude du lieu sur openstreetmap.org (degrés décimaux)."),
        Code("coordonnees-inversees", _E, "La latitude et la longitude sont inversées.",
             "Échangez latitude et longitude."),
        Code("coordonnees-territoire", _E, "Les coordonnées sont loin du territoire de la commune.",
             "Vérifiez les coordonnées, ou le code INSEE."),
        Code("coordonnees-hors-commune", _E, "Les coordonnées sont trop loin du centre de la commune (au-delà de 20 km, davantage pour une grande commune).",
             "Relevez la position du lieu sur openstreetmap.org, ou corrigez le code INSEE (le message donne la commune la plus proche du point)."),
        Code("coordonnees-eloignees", _W, "Les coordonnées sont loin du centre de la commune (au-delà de 5 km, davantage pour une grande commune).",
             "Vérifiez la position ; si le lieu est bien dans cette commune, ignorez l'avertissement."),
        Code("id-nom-fichier", _E, "L'identifiant ne correspond pas au nom du fichier.",
             "Donnez au fichier le nom de l'identifiant (un identifiant publié ne change jamais)."),
        Code("dossier-departement", _E, "Le fichier n'est pas dans le dossier de son département.",
             "Déplacez le fichier dans `content/venues/<département>/`."),
        Code("id-duplique", _E, "Deux fiches ont le même identifiant.",
             "Choisissez un autre identifiant, par exemple en ajoutant la commune."),
        Code("horaires-invalides", _E, "Les horaires ne respectent pas le format opening_hours.",
             "Utilisez la syntaxe OpenStreetMap : `Mo-Fr 09:00-18:00; Sa 10:00-12:00`."),
        Code("dates-incoherentes", _E, "La date de fermeture précède la date d'ouverture.",
             "Vérifiez les dates d'ouverture et de fermeture."),
        Code("date-future", _E, "La date de vérification est dans le futur.",
             "Indiquez le jour où les informations ont été vérifiées."),
        Code("siret-invalide", _E, "Le numéro SIRET n'est pas valide (clé de contrôle).",
             "Recopiez le SIRET depuis annuaire-entreprises.data.gouv.fr, ou retirez-le."),
        Code("fermeture-sans-date", _W, "Un lieu fermé n'indique pas sa date de fermeture.",
             "Ajoutez `date_fermeture` si vous la connaissez."),
        Code("verification-ancienne", _W, "Les informations n'ont pas été vérifiées depuis plus de 12 mois.",
             "Vérifiez la fiche auprès du lieu, puis mettez `date_verification` à jour."),
        Code("id-reutilise", _W, "L'identifiant a appartenu à une fiche supprimée.",
             "S'il s'agit du même lieu, c'est une restauration : rien à faire ; sinon, choisissez un autre identifiant."),
        Code("doublon-site-web", _W, "Deux fiches ont le même site web.",
             "S'il s'agit du même lieu, gardez une seule fiche ; sinon, ignorez l'avertissement."),
        Code("doublon-nom-proche", _W, "Deux fiches proches ont des noms semblables.",
             "S'il s'agit du même lieu, gardez une seule fiche ; sinon, ignorez l'avertissement."),
        Code("date-fermeture-statut", _E, "Une date de fermeture est donnée à un lieu non fermé.",
             "Passez le statut à `ferme`, ou retirez la date de fermeture."),
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
