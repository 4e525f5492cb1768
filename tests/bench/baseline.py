"""The plain Pelican baseline: the same venues as N Markdown articles, default theme.

    python tests/bench/baseline.py VENUES_DIR PROJECT_DIR

Writes a fresh Pelican project, as `pelican-quickstart` would make it (its development
settings: no feeds, 10 articles a page), with one article per venue under
content/<département>/<id>.md: the fields as Markdown metadata, the description as
the body. Pelican's default theme ("notmyidea") renders it, with its usual index,
category (the folder), tag (the venue types), author and archive pages. The benchmark
then runs `pelican content -s pelicanconf.py -o NEW_FOLDER` in PROJECT_DIR.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import yaml

SETTINGS = '''AUTHOR = "Annuaire"
SITENAME = "Annuaire des tiers-lieux"
SITEURL = ""

PATH = "content"

TIMEZONE = "Europe/Paris"

DEFAULT_LANG = "fr"

# Feed generation is usually not desired when developing
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Blogroll
LINKS = (
    ("Pelican", "https://getpelican.com/"),
    ("Python.org", "https://www.python.org/"),
)

DEFAULT_PAGINATION = 10
'''

# Metadata keys, in file order; nested values are flattened to one line.
FIELDS = ["statut", "date_ouverture", "date_fermeture", "adresse", "complement_adresse",
          "code_postal", "commune", "code_insee", "latitude", "longitude", "site_web",
          "courriel", "telephone", "reseaux_sociaux", "porteur", "services", "equipements",
          "tarifs", "horaires", "postes_travail", "accessibilite", "connectivite", "labels",
          "reseaux", "gestionnaires", "sources", "etapes"]


def _flat(value: object) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}={_flat(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(_flat(v) for v in value) if not any(
            isinstance(v, dict) for v in value) else " | ".join(_flat(v) for v in value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\n", " ")


def article(data: dict) -> str:
    lines = [f"Title: {data['nom']}",
             f"Date: {_flat(data['date_verification'])}",
             f"Slug: {data['id']}",
             f"Tags: {', '.join(data['types'])}"]
    lines += [f"{key.capitalize()}: {_flat(data[key])}" for key in FIELDS if key in data]
    body = data.get("description", "")
    return "\n".join(lines) + "\n\n" + body + "\n"


def prepare(venues_dir: Path, project: Path) -> int:
    content = project / "content"
    content.mkdir(parents=True)
    (project / "pelicanconf.py").write_text(SETTINGS, encoding="utf-8")
    count = 0
    for f in sorted(venues_dir.rglob("*.yml")):
        data = yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)
        target = content / f.parent.name / f"{data['id']}.md"
        target.parent.mkdir(exist_ok=True)
        target.write_text(article(data), encoding="utf-8")
        count += 1
    return count


if __name__ == "__main__":
    print(prepare(Path(sys.argv[1]), Path(sys.argv[2])), "articles written")
