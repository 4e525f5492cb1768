"""The Pelican side: a generator that renders venue pages, the home map and the exports.

Venues are read and checked once (by the validator), enriched, then every page and every
download is written from that one list. Invalid data stops the build: a site with venues
silently missing would be worse than no site.
"""

from __future__ import annotations

import logging
import shutil
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from . import exports
from .columns import columns
from .dates import build_date, french_date, is_stale
from .hours import week_schedule
from .refdata import normalize_name
from .report import print_report
from .richtext import markdown_to_html, safe_url
from .schema import labels, venue_schema
from .validate import validate
from .venue import Venue

log = logging.getLogger(__name__)


class VenueDataError(SystemExit):
    """Stops Pelican when venue files have errors (already reported in French).

    A SystemExit, because Pelican logs any Exception with its traceback, and a contributor
    needs the list of problems, not our stack.
    """


def _label_filter(def_name: str) -> Callable[[str], str]:
    table = labels(def_name)
    return lambda code: table.get(code, code)


class VenueGenerator(Generator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.venues: list[Venue] = []
        self.env.filters.update({
            "type_label": _label_filter("type_lieu"),
            "statut_label": _label_filter("statut"),
            "porteur_label": _label_filter("type_porteur"),
            "service_label": _label_filter("service"),
            "equipement_label": _label_filter("equipement"),
            "label_label": _label_filter("label"),
            "fauteuil_label": _label_filter("acces_fauteuil"),
            "french_date": french_date,
            "safe_url": safe_url,
            "week_schedule": week_schedule,
            "is_stale": lambda checked: is_stale(checked, build_date()),
        })

    # -- context -------------------------------------------------------------------
    def generate_context(self) -> None:
        venues_dir = Path(self.settings["VENUES_PATH"])
        result = validate([venues_dir], universe=venues_dir)
        if result.errors:
            print_report(result, sys.stderr)
            raise VenueDataError("Le site n'est pas construit : corrigez les fiches ci-dessus, "
                                 "puis relancez « make site ».")
        if len(result.venues) != len(result.files):  # pragma: no cover - defensive
            raise VenueDataError("des fiches valides n'ont pas pu être chargées.")
        self.venues = result.venues
        self.context["venues"] = self.venues
        self.context["venue_count"] = len(self.venues)

    # -- output --------------------------------------------------------------------
    def url_of(self, venue: Venue) -> str:
        return f"{self.settings['SITEURL']}/lieux/{venue.id}/"

    def _write(self, relative: str, content: str | bytes) -> None:
        target = Path(self.output_path) / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def _render(self, template: str, relative: str, **extra: Any) -> None:
        html = self.get_template(template).render(**self.context, **extra)
        self._write(relative, html)

    def generate_output(self, writer: Any) -> None:
        venues = self.venues
        meta = {
            "titre": self.settings["SITENAME"],
            "licence": self.settings["DATA_LICENSE"]["name"],
            "licence_url": self.settings["DATA_LICENSE"]["url"],
            "date_generation": build_date().isoformat(),
            "nombre": len(venues),
        }
        downloads = {
            "donnees/tiers-lieux.csv": exports.to_csv(venues, self.url_of),
            "donnees/tiers-lieux.geojson": exports.to_geojson(venues, self.url_of),
            "donnees/tiers-lieux.json": exports.to_json(venues, self.url_of, meta),
            "donnees/carte.json": exports.to_map_data(venues, self.url_of),
        }
        for relative, text in downloads.items():
            self._write(relative, text)
        sizes = {name: len(text.encode("utf-8")) for name, text in downloads.items()}

        by_territory = self._group_by_territory(venues)
        self._render("index", "index.html", groups=by_territory,
                     status_counts=Counter(v.data["statut"] for v in venues),
                     page_name="index")
        for venue in venues:
            self._render("lieu", f"lieux/{venue.id}/index.html", venue=venue,
                         description_html=markdown_to_html(venue.data.get("description", "")),
                         territory=venue.territory(), page_name="lieu",
                         stale=is_stale(venue.data["date_verification"], build_date()))
        self._render("donnees", "donnees/index.html", sizes=sizes, columns=columns(),
                     schema=venue_schema(), meta=meta, page_name="donnees")
        self._render("contribuer", "contribuer/index.html", page_name="contribuer")
        self._copy_vendor_files()

    @staticmethod
    def _group_by_territory(venues: list[Venue]) -> list[dict[str, Any]]:
        """Régions, then départements, then venues, in a stable order for the list."""
        nested: dict[tuple[str, str], dict[tuple[str, str], list[Venue]]] = defaultdict(
            lambda: defaultdict(list))
        for v in venues:
            reg, dep = v.base.region, v.base.departement
            nested[(reg["nom"], reg["code"])][(dep["code"], dep["nom"])].append(v)
        out = []
        for (reg_nom, reg_code), deps in sorted(nested.items(),
                                                key=lambda kv: normalize_name(kv[0][0])):
            out.append({
                "code": reg_code, "nom": reg_nom,
                "departements": [
                    {"code": code, "nom": nom,
                     "lieux": sorted(items, key=lambda v: (v.nom.casefold(), v.id))}
                    for (code, nom), items in sorted(deps.items())
                ],
            })
        return out

    def _copy_vendor_files(self) -> None:
        """Front-end libraries come from node_modules (pinned by package-lock.json)."""
        root = Path(self.settings["NODE_MODULES"])
        for source, target in self.settings["VENDOR_FILES"].items():
            src = root / source
            dst = Path(self.output_path) / "vendor" / target
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copyfile(src, dst)


def _get_generators(pelican: Any) -> type[Generator]:
    return VenueGenerator


def register() -> None:
    signals.get_generators.connect(_get_generators)

