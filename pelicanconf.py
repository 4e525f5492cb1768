"""Pelican settings for the tiers-lieux directory (local preview and CI builds)."""

from __future__ import annotations

import os
from pathlib import Path

from jinja2 import FileSystemBytecodeCache

ROOT = Path(__file__).resolve().parent

SITENAME = "Annuaire des tiers-lieux"
SITESUBTITLE = "Coworkings, fablabs, ateliers partagés et autres tiers-lieux de France"
SITEURL = os.environ.get("SITEURL", "").rstrip("/")
# Scheme and host for absolute links (feed, sitemap, Open Graph) when SITEURL is a path.
SITE_DOMAIN = os.environ.get("SITE_DOMAIN", "https://tiers-lieux.github.io")
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "fr"
LOCALE = ("C",)

PATH = "content"
THEME = "theme"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["tierslieux"]

# Venues are YAML files read by our plugin; Pelican itself only renders content/pages/.
VENUES_PATH = str(ROOT / "content" / "venues")
NODE_MODULES = str(ROOT / "node_modules")
ARTICLE_PATHS: list[str] = []
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
DIRECT_TEMPLATES: list[str] = []  # the home page is rendered by the plugin
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
ARTICLE_SAVE_AS = ""
AUTHOR_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
TAG_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
AUTHORS_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
TAGS_SAVE_AS = ""
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
DELETE_OUTPUT_DIRECTORY = False
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
SLUGIFY_SOURCE = "basename"

# Compiled templates are kept between builds (keyed by each template's source), which
# saves compiling them again on every build.
_TEMPLATE_CACHE = ROOT / ".cache" / "jinja"
_TEMPLATE_CACHE.mkdir(parents=True, exist_ok=True)
JINJA_ENVIRONMENT = {"trim_blocks": True, "lstrip_blocks": True, "autoescape": True,
                     "bytecode_cache": FileSystemBytecodeCache(str(_TEMPLATE_CACHE))}

# Map background. Markers are drawn by Leaflet from our own data: they show even when
# tiles cannot load.
MAP_TILES = {
    "url": "https://{s}.tile.openstreetmap.fr/osmfr/{z}/{x}/{y}.png",
    "subdomains": "abc",
    "max_zoom": 19,
    "attribution": (
        '&copy; les contributeurs d\'<a href="https://www.openstreetmap.org/copyright">'
        "OpenStreetMap</a>, fond de carte OpenStreetMap France"
    ),
}

# The public-service alternative, offered by the maps' layer switch: IGN's "Plan IGN" from
# the Géoplateforme (WMTS in the Web Mercator grid, no key).
MAP_TILES_IGN = {
    "url": ("https://data.geopf.fr/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
            "&LAYER=GEOGRAPHICALGRIDSYSTEMS.PLANIGNV2&STYLE=normal&FORMAT=image/png"
            "&TILEMATRIXSET=PM&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}"),
    "max_zoom": 19,
    "attribution": '<a href="https://www.ign.fr/">IGN-F</a> / '
                   '<a href="https://geoservices.ign.fr/">Géoportail</a>',
}

# Drawn under the markers of every map, tiles or not (theme/static/data/README.md).
MAP_OUTLINES_ATTRIBUTION = (
    'Contours : <a href="https://github.com/gregoiredavid/france-geojson">IGN Admin Express '
    '2018</a> (<a href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/">Licence '
    'Ouverte</a>)'
)

# The GitHub repository, for "Modifier ce lieu" and "Signaler une erreur" links. GitHub
# Actions sets GITHUB_REPOSITORY, so deployed builds link to the right place.
REPOSITORY_URL = "https://github.com/" + os.environ.get("GITHUB_REPOSITORY",
                                                        "tiers-lieux/annuaire")
REPOSITORY_BRANCH = "main"

# The maintainers' role address: the contribution form's e-mail path, the "À propos" page.
# A deployment sets its own; never a person's address.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "contact@annuaire-tiers-lieux.fr")

# "Autour de moi" geocodes a typed commune in the visitor's browser with the national
# address service (Géoplateforme, ex-API Adresse). Nothing else leaves the site.
GEOCODER_URL = "https://data.geopf.fr/geocodage/search"

DATA_LICENSE = {
    "id": "etalab-2.0",
    "name": "Licence Ouverte / Open Licence version 2.0",
    "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
}

DATA_PUBLISHER = "Annuaire des tiers-lieux"
DATA_SOURCES = [
    {"title": "Fiches des lieux, écrites et vérifiées par les contributeurs (dépôt git)",
     "path": REPOSITORY_URL},
    {"title": "Découpage administratif (communes, EPCI), Etalab, via "
              "@etalab/decoupage-administratif",
     "path": "https://github.com/datagouv/decoupage-administratif"},
]

# node_modules path -> output/vendor/ path
VENDOR_FILES = {
    "leaflet/dist/leaflet.js": "leaflet/leaflet.js",
    "leaflet/dist/leaflet.css": "leaflet/leaflet.css",
    "leaflet/dist/images": "leaflet/images",
    # Supercluster's browser bundle (kdbush included), a classic script: the global Supercluster.
    "supercluster/dist/supercluster.min.js": "supercluster/supercluster.min.js",
    # Their licences travel with the copies (the minified bundles carry no notice).
    "leaflet/LICENSE": "leaflet/LICENSE.txt",
    "supercluster/LICENSE": "supercluster/LICENSE.txt",
    "supercluster/node_modules/kdbush/LICENSE": "supercluster/LICENSE-kdbush.txt",
    # Ajv's browser bundle (the ajv package itself is CommonJS only), for the contribution
    # form: it checks answers against the same JSON Schema as the validator.
    "ajv-dist/dist/ajv2020.min.js": "ajv/ajv2020.min.js",
    "ajv-dist/dist/ajv2020.min.js.map": "ajv/ajv2020.min.js.map",
}
