"""Checks that need more than the schema: reference data, file location, consistency.

They run on whatever the schema let through and re-check the types they rely on, so a
file with schema errors still gets every other problem reported in the same run.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath
from typing import Any

import opening_hours

from ..model.dates import is_stale, latest_plausible_date, parse_date
from ..model.schema import field_schema
from ..model.venue import JsonPath, places
from ..reference.positions import CommunePositions, commune_positions, distance_km
from ..reference.refdata import TERRITORY_NAMES, Commune, ReferenceData
from .problems import Problem
from .yamlload import Loaded, field_name


def _schema_pattern(path: JsonPath) -> re.Pattern[str]:
    """The schema's own pattern for a field: these checks read a value as well-formed
    exactly when the schema does, so they never add a second verdict on a refused value."""
    node = field_schema(path) or {}
    return re.compile(node["pattern"])


_INSEE = _schema_pattern(("code_insee",))
_POSTCODE = _schema_pattern(("code_postal",))
_SIRET = _schema_pattern(("porteur", "siret"))
_DATE = _schema_pattern(("date_verification",))


def _date(value: Any) -> dt.date | None:
    """A date the schema accepts, or None: a refused date gets the schema's message only."""
    return parse_date(value) if isinstance(value, str) and _DATE.search(value) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer of hundreds of digits: no place on Earth
        return None


def siret_is_valid(siret: str) -> bool:
    """The SIRET's check digit (Luhn), with La Poste's exception."""
    digits = [int(c) for c in siret]
    if siret.startswith("356000000"):  # La Poste: one SIREN, checked by digit sum
        return sum(digits) % 5 == 0
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return total % 10 == 0


# How far from its commune's centre a venue may be, in km and in commune radii (the
# radius of the disc of the commune's area). Tuned on the 2019 national census (1,352
# rows with a known commune and coordinates): 1 error (a venue of Sophia Antipolis filed
# under a commune of Calvados, 838 km away) and 2 warnings.
FAR_KM, FAR_RADII = 20.0, 3.0  # beyond: an error
ODD_KM, ODD_RADII = 5.0, 2.0  # beyond: a warning


def _km(value: float) -> str:
    """A distance as a French reader writes it: « 308 km », « 7,4 km »."""
    return f"{value:.0f} km" if value >= 10 else f"{value:.1f} km".replace(".", ",")


class RefChecker:
    def __init__(self, ref: ReferenceData, positions: CommunePositions | None = None) -> None:
        self.ref = ref
        self._positions = positions

    @property
    def positions(self) -> CommunePositions:
        """Commune centres, loaded on the first venue that has coordinates."""
        if self._positions is None:
            self._positions = commune_positions(self.ref)
        return self._positions

    def check(self, loaded: Loaded) -> list[Problem]:
        data = loaded.data
        if not isinstance(data, dict):
            return []
        out: list[Problem] = []

        def problem(at: JsonPath, code: str, message: str, hint: str = "") -> None:
            out.append(Problem(loaded.path, loaded.line_of(at), code, field_name(at),
                               message, hint))

        for base, place in places(data):
            self._check_place(base, place, problem)
        self._check_location(loaded, data, problem)
        self._check_hours(data, problem)
        self._check_dates(data, problem)
        porteur = data.get("porteur")
        if isinstance(porteur, dict):
            siret = porteur.get("siret")
            if isinstance(siret, str) and _SIRET.search(siret) and not siret_is_valid(siret):
                problem(("porteur", "siret"), "siret-invalide",
                        f"le numéro SIRET {siret} est invalide (sa clé de contrôle est fausse).",
                        "Recopiez le SIRET depuis annuaire-entreprises.data.gouv.fr, ou retirez "
                        "ce champ s'il n'est pas connu.")
        return out

    def _check_place(self, base: JsonPath, place: dict[str, Any], problem: Any) -> None:
        code = place.get("code_insee")
        postcode = place.get("code_postal")
        name = place.get("commune")
        commune = None
        if isinstance(code, str) and _INSEE.search(code):
            commune = self.ref.commune(code)
            if commune is None:
                current = self.ref.former_codes.get(code)
                if current:
                    new = self.ref.communes[current]
                    problem((*base, "code_insee"), "insee-ancien",
                            f"le code INSEE {code} est celui d'une ancienne commune, "
                            f"aujourd'hui rattachée à {new.nom} ({new.code}).",
                            f"Utilisez le code INSEE {new.code} et le nom « {new.nom} ».")
                else:
                    hint = "Cherchez le code de la commune sur "
                    hint += "https://www.insee.fr/fr/recherche/recherche-geographique. "
                    if isinstance(postcode, str):
                        options = self.ref.communes_for_postcode(postcode)
                        if options:
                            hint += "Communes du code postal " + postcode + " : " + ", ".join(
                                f"{c.nom} ({c.code})" for c in options[:8]) + "."
                    problem((*base, "code_insee"), "insee-inconnu",
                            f"le code INSEE {code} ne correspond à aucune commune.",
                            hint + " Attention : le code INSEE n'est pas le code postal.")
        if commune is None:
            return
        if (isinstance(postcode, str) and _POSTCODE.search(postcode)
                and postcode not in commune.codes_postaux):
            owners = self.ref.communes_for_postcode(postcode)
            owned = (", ".join(f"{c.nom} ({c.code})" for c in owners[:5])
                     or "aucune commune")
            problem((*base, "code_postal"), "code-postal-commune",
                    f"le code postal {postcode} n'appartient pas à la commune "
                    f"{commune.nom} ({commune.code}).",
                    f"Codes postaux de {commune.nom} : {', '.join(commune.codes_postaux)}. "
                    f"Le code postal {postcode} est celui de : {owned}. Corrigez le code "
                    "postal ou le code INSEE.")
        if isinstance(name, str) and name.strip() and not self.ref.name_matches(commune, name):
            problem((*base, "commune"), "commune-nom",
                    f"la commune « {name} » ne correspond pas au code INSEE {commune.code}, "
                    f"qui est celui de {commune.nom}.",
                    f"Écrivez « {commune.nom} », ou corrigez le code INSEE.")
        lat, lon = _number(place.get("latitude")), _number(place.get("longitude"))
        if lat is None or lon is None:
            return
        here = self.ref.territory_at(lat, lon)
        expected = self.ref.territory_key(commune)
        if here is None:
            if self.ref.territory_at(lon, lat) is not None:
                problem((*base, "latitude"), "coordonnees-inversees",
                        f"la latitude ({lat}) et la longitude ({lon}) semblent inversées.",
                        f"Échangez les deux valeurs : latitude: {lon} et longitude: {lat}.")
            else:
                problem((*base, "latitude"), "coordonnees-hors-france",
                        f"le point ({lat}, {lon}) est hors de France.",
                        "Relevez la latitude et la longitude du lieu (WGS 84, degrés décimaux) "
                        "sur https://www.openstreetmap.org ou https://adresse.data.gouv.fr.")
        elif here != expected and expected in TERRITORY_NAMES:
            problem((*base, "latitude"), "coordonnees-territoire",
                    f"le point ({lat}, {lon}) est {TERRITORY_NAMES[here]}, alors que "
                    f"{commune.nom} est {TERRITORY_NAMES[expected]}.",
                    "Vérifiez la latitude et la longitude, ou le code INSEE.")
        else:
            self._check_distance(base, commune, lat, lon, problem)

    def _check_distance(self, base: JsonPath, commune: Commune, lat: float, lon: float,
                        problem: Any) -> None:
        """The point must lie within reach of its commune: the size of the commune decides."""
        where = self.positions.of(commune)
        if where is None:
            return
        away = distance_km(lat, lon, where.lat, where.lon)
        if away <= ODD_KM:  # the common case, decided without the commune's size
            return
        radius = self.positions.radius_km(where.commune)
        far, odd = max(FAR_KM, FAR_RADII * radius), max(ODD_KM, ODD_RADII * radius)
        if away <= odd:
            return
        name = f"{where.commune.nom} ({where.commune.code})"
        message = (f"le point ({lat}, {lon}) est à {_km(away)} du centre de la commune {name}, "
                   f"situé en ({where.lat}, {where.lon}) ; la commune s'étend sur environ "
                   f"{_km(radius)} autour de son centre.")
        nearest = self.positions.nearest(lat, lon)
        hint = ""
        if nearest is not None and nearest.code != where.commune.code:
            hint = (f"Le centre de commune le plus proche du point est celui de {nearest.nom} "
                    f"({nearest.code}). ")
        hint += ("Relevez la position du lieu sur https://www.openstreetmap.org ou "
                 "https://adresse.data.gouv.fr (latitude et longitude en degrés décimaux), "
                 "ou corrigez le code INSEE.")
        if away > far:
            problem((*base, "latitude"), "coordonnees-hors-commune", message, hint)
        else:
            problem((*base, "latitude"), "coordonnees-eloignees", message,
                    "Si le lieu est bien dans cette commune, ignorez cet avertissement. " + hint)

    def _check_location(self, loaded: Loaded, data: dict[str, Any], problem: Any) -> None:
        file = PurePath(loaded.path)
        ident = data.get("id")
        if isinstance(ident, str) and ident != file.stem:
            problem(("id",), "id-nom-fichier",
                    f"l'identifiant « {ident} » diffère du nom du fichier « {file.name} ».",
                    f"Renommez le fichier en « {ident}.yml », ou écrivez « id: {file.stem} » "
                    "(un identifiant déjà publié ne change jamais).")
        located = places(data)
        if not located:
            return
        base, place = located[0]
        code = place.get("code_insee")
        commune = self.ref.commune(code) if isinstance(code, str) else None
        if commune is not None and file.parent.name != commune.departement:
            problem((*base, "code_insee"), "dossier-departement",
                    f"le fichier est dans le dossier « {file.parent.name} », mais le lieu est "
                    f"dans le département {commune.departement}.",
                    f"Déplacez le fichier dans content/venues/{commune.departement}/.")

    def _check_hours(self, data: dict[str, Any], problem: Any) -> None:
        holders = [((), data)] + [(base, place) for base, place in places(data) if base]
        for base, holder in holders:
            at = (*base, "horaires")
            value = holder.get("horaires")
            if not isinstance(value, str) or not value.strip():
                continue
            try:
                opening_hours.OpeningHours(value)
            except (opening_hours.ParserError, SyntaxError, ValueError) as exc:
                where = re.search(r"-->\s*\d+:(\d+)", str(exc))
                column = f" (vers le caractère {where.group(1)})" if where else ""
                problem(at, "horaires-invalides",
                        f"les horaires « {value} » ne respectent pas le format "
                        f"opening_hours{column}.",
                        "Jours en anglais abrégés (Mo Tu We Th Fr Sa Su), heures sur 24 h : "
                        "« Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00 ». Testez-les sur "
                        "https://openingh.openstreetmap.de/evaluation_tool/.")

    def _check_dates(self, data: dict[str, Any], problem: Any) -> None:
        opened = _date(data.get("date_ouverture"))
        closed = _date(data.get("date_fermeture"))
        checked = _date(data.get("date_verification"))
        status = data.get("statut")
        if opened and closed and closed < opened:
            problem(("date_fermeture",), "dates-incoherentes",
                    f"la date de fermeture ({closed}) précède la date d'ouverture ({opened}).",
                    "Vérifiez les deux dates.")
        if status == "ferme" and "date_fermeture" not in data:
            problem(("statut",), "fermeture-sans-date",
                    "le lieu est fermé mais sa date de fermeture n'est pas indiquée.",
                    "Ajoutez « date_fermeture: AAAA-MM-JJ » si vous la connaissez.")
        if closed and status in ("ouvert", "projet"):
            problem(("date_fermeture",), "date-fermeture-statut",
                    f"une date de fermeture est indiquée alors que le statut est « {status} ».",
                    "Passez le statut à « ferme » (ou « ferme_temporairement »), ou retirez "
                    "la date de fermeture.")
        if is_stale(checked.isoformat() if checked else None, dt.date.today()):
            problem(("date_verification",), "verification-ancienne",
                    f"les informations ont été vérifiées le {checked}, il y a plus de 12 mois.",
                    "Vérifiez la fiche auprès du lieu (site web, téléphone), corrigez ce qui a "
                    "changé et mettez la date de vérification à jour.")
        if checked and checked > latest_plausible_date():
            problem(("date_verification",), "date-future",
                    f"la date de vérification ({checked}) est dans le futur.",
                    "Indiquez le jour où vous avez vérifié les informations.")
