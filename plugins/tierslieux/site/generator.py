"""The Pelican side: a generator that renders venue pages, maps, territories and exports.

Venues are read and checked once (by the validator), enriched, then every page and every
download is written from that one list. Invalid data stops the build: a site with venues
silently missing would be worse than no site.
"""

from __future__ import annotations

import os
import shutil
import sys
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from ..check.report import print_report
from ..check.validate import validate
from ..model.dates import build_date, french_date, is_stale
from ..model.hours import week_schedule
from ..model.paths import SCHEMA_PATH
from ..model.richtext import markdown_to_html, safe_url
from ..model.schema import labels, venue_schema
from ..model.venue import Venue
from ..publish import exports, mednum
from ..publish.changelog import changelog
from ..publish.columns import columns
from ..publish.datapackage import data_package
from ..publish.fielddocs import field_docs
from ..publish.history import added_dates
from ..reference.refdata import reference_data
from . import feeds, mapdata, stats
from .nearby import nearest
from .structured import script_json, venue_jsonld
from .territories import territories


class VenueDataError(SystemExit):
    """Stops Pelican when venue files have errors (already reported in French).

    A SystemExit, because Pelican logs any Exception with its traceback, and a contributor
    needs the list of problems, not our stack.
    """


def _label_filter(def_name: str) -> Callable[[str], str]:
    table = labels(def_name)
    return lambda code: table.get(code, code)


def _french_number(value: float) -> str:
    """One decimal, dropped when zero: "239,4", "12 345" (the statistics' formatter)."""
    return stats.format_number(value, 1).removesuffix(",0")


PARALLEL_FROM = 400  # venues; below, forking costs more than it saves
PARENT_SHARE = 0.2  # of the venue pages, rendered by the parent after everything else

FACETS = [  # (form name, schema vocabulary, title, legend, open by default)
    ("type", "type_lieu", "Type de lieu", "Types (au moins un de ceux cochés)", False),
    ("service", "service", "Services", "Services (tous ceux cochés)", False),
    ("equipement", "equipement", "Équipements", "Équipements (tous ceux cochés)", False),
    ("label", "label", "Labels", "Labels (tous ceux cochés)", False),
    ("porteur", "type_porteur", "Porteur", "Type de porteur (au moins un)", False),
    ("statut", "statut", "Statut", "Statut (les lieux fermés sont masqués par défaut)", False),
]


class VenueGenerator(Generator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.venues: list[Venue] = []
        self._folders: set[str] = set()
        self.env.filters.update({
            "type_label": _label_filter("type_lieu"),
            "statut_label": _label_filter("statut"),
            "porteur_label": _label_filter("type_porteur"),
            "service_label": _label_filter("service"),
            "equipement_label": _label_filter("equipement"),
            "label_label": _label_filter("label"),
            "fauteuil_label": _label_filter("acces_fauteuil"),
            "french_date": french_date,
            "french_number": _french_number,
            "safe_url": safe_url,
            "week_schedule": week_schedule,
            "script_json": script_json,
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
        self.venues = result.venues
        self.regions = territories(self.venues)
        self.context["venues"] = self.venues
        self.context["venue_count"] = len(self.venues)
        self.context["regions"] = self.regions

    # -- output --------------------------------------------------------------------
    def url_of(self, venue: Venue) -> str:
        return f"{self.settings['SITEURL']}/lieux/{venue.id}/"

    def _write(self, relative: str, content: str) -> None:
        target = os.path.join(self.output_path, relative)
        folder = os.path.dirname(target)
        if folder not in self._folders:  # one mkdir per folder, not per file
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(content)

    def _render(self, template: str, relative: str, **extra: Any) -> None:
        html = self.get_template(template).render(**self.context, **extra)
        self._write(relative, html)

    def generate_output(self, writer: Any) -> None:
        neighbours = nearest(self.venues)
        self._split_work(self.venues,
                         lambda venue: self._render_venue(venue, neighbours[venue.id]),
                         self._write_everything_else)

    def _write_everything_else(self) -> None:
        """Downloads, the home, territory, data and other pages: all but venue pages."""
        venues = self.venues
        site = self.settings["SITEURL"]
        meta = {
            "titre": self.settings["SITENAME"],
            "licence": self.settings["DATA_LICENSE"]["name"],
            "licence_url": self.settings["DATA_LICENSE"]["url"],
            "date_generation": build_date().isoformat(),
            "nombre": len(venues),
        }
        sizes: dict[str, int] = {}

        def publish(relative: str, text: str) -> None:
            """Write a download now and keep only its size: at 20,000 venues the texts
            together weigh hundreds of megabytes."""
            self._write(relative, text)
            sizes[relative] = len(text.encode("utf-8"))

        tables = exports.Exports(venues, self.url_of)
        publish("donnees/tiers-lieux.csv", tables.csv())
        publish("donnees/tiers-lieux.geojson", tables.geojson())
        publish("donnees/tiers-lieux.json", tables.json(meta))
        national, excluded = mednum.export(venues, self.settings["SITENAME"])
        publish("donnees/lieux-mediation-numerique.csv", national)
        del national
        history = changelog(Path(self.settings["VENUES_PATH"]))
        publish("donnees/historique.json", exports.dumps_pretty(
            {"titre": f"{self.settings['SITENAME']} : historique des versions",
             "versions": history}))
        for region in self.regions:
            publish(f"donnees/regions/{region.code}.csv", tables.csv(region.lieux))
            publish(f"donnees/regions/{region.code}.geojson", tables.geojson(region.lieux))
        del tables
        publish("donnees/datapackage.json", exports.dumps_pretty(
            self._data_package(meta, national_count=len(venues) - len(excluded))))
        for venue in venues:
            self._write(f"donnees/lieux/{venue.id}.json",
                        exports.dumps_pretty(exports.record(venue, self.url_of(venue))))
        self._write("donnees/carte.json", mapdata.to_json(venues))
        self._write("donnees/schema/venue.schema.json", SCHEMA_PATH.read_text(encoding="utf-8"))

        facets = [{"name": name, "title": title, "legend": legend, "open": is_open,
                   "options": list(labels(vocab).items())}
                  for name, vocab, title, legend, is_open in FACETS]
        filter_vocab = {
            "regions": [(r.code, r.nom) for r in self.regions],
            "departements": sorted((d.code, d.nom, r.code) for r in self.regions
                                   for d in r.departements),
        }
        self._render("index", "index.html", groups=self.regions, facets=facets,
                     filter_vocab=filter_vocab, page_name="index",
                     status_counts=Counter(v.data["statut"] for v in venues))
        self._render_territories()
        self._render("donnees", "donnees/index.html", sizes=sizes, columns=columns(),
                     schema=venue_schema(), meta=meta, page_name="donnees",
                     excluded=excluded, mapping=mednum.MAPPING_DOC, history=history[:10],
                     mednum=mednum)
        self._render("donnees_schema", "donnees/schema/index.html", page_name="donnees",
                     fields=field_docs())
        self._render("contribuer", "contribuer/index.html", page_name="contribuer")
        self._render("statistiques", "statistiques/index.html", page_name="statistiques",
                     stats=stats.compute(venues, reference_data()))
        self._render("embed", "embed/index.html", page_name="embed")
        self._render("404", "404.html", page_name="404")
        feed_url = self.absolute(f"{site}/flux.xml")
        self._write("flux.xml", feeds.atom_feed(
            venues, added_dates(Path(self.settings["VENUES_PATH"])), self.absolute(site),
            self.settings["SITENAME"], feed_url))
        self._write("sitemap.xml", feeds.sitemap(self._sitemap_urls()))
        self._copy_vendor_files()

    def _render_venue(self, venue: Venue, neighbours: list[tuple[Venue, float]]) -> None:
        self._render("lieu", f"lieux/{venue.id}/index.html", venue=venue,
                     description_html=markdown_to_html(venue.data.get("description", "")),
                     territory=venue.territory(), page_name="lieu",
                     region_url=self._region_of(venue).url,
                     departement_url=self._departement_of(venue).url,
                     neighbours=neighbours,
                     jsonld=venue_jsonld(venue, self.absolute(self.url_of(venue))),
                     stale=is_stale(venue.data["date_verification"], build_date()))

    @staticmethod
    def _split_work(items: list[Venue], work: Callable[[Venue], None],
                    rest: Callable[[], None]) -> None:
        """Run `work` on every item and `rest` once, over two processes when worth it.

        Pages are independent files, and the machines have two cores: a forked child
        renders most venue pages while this process writes everything else, then the few
        venue pages left. The output is the same byte for byte; a failure in the child
        fails the build.
        """
        if len(items) < PARALLEL_FROM or not hasattr(os, "fork") or (os.cpu_count() or 1) < 2:
            rest()
            for item in items:
                work(item)
            return
        cut = int(len(items) * PARENT_SHARE)  # the parent also has `rest` to do
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child renders its share, then leaves at once
            code = 0
            try:
                for item in items[cut:]:
                    work(item)
            except BaseException:  # reported by the parent as a failed build
                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        try:
            rest()
            for item in items[:cut]:
                work(item)
        finally:
            _, status = os.waitpid(pid, 0)
        if status != 0:
            raise RuntimeError("the page-rendering child process failed (see above)")

    def _data_package(self, meta: dict[str, Any], national_count: int) -> dict[str, Any]:
        site = self.absolute(self.settings["SITEURL"] + "/")
        licence = self.settings["DATA_LICENSE"]
        return data_package({
            "name": "tiers-lieux",
            "title": self.settings["SITENAME"],
            "description": f"{meta['nombre']} tiers-lieux de France (coworkings, fablabs, "
                           "ateliers partagés…), avec leur territoire (département, région, "
                           "EPCI) déduit du code INSEE.",
            "version": build_date().isoformat(),
            "created": f"{build_date().isoformat()}T00:00:00Z",
            "homepage": site,
            "licence": {"name": licence["id"], "title": licence["name"],
                        "path": licence["url"]},
            "sources": self.settings["DATA_SOURCES"],
            "contributors": [{"title": self.settings["DATA_PUBLISHER"], "role": "publisher"},
                             {"title": "Les contributrices et contributeurs de l'annuaire",
                              "role": "author", "path": self.settings["REPOSITORY_URL"]}],
        }, [{
            "name": "lieux-mediation-numerique",
            "title": f"{mednum.STANDARD} (version {mednum.STANDARD_VERSION})",
            "description": f"Les {national_count} lieux qui ont un SIRET ou un RNA et une "
                           f"adresse, au format du standard national : {mednum.STANDARD_URL}",
            "path": "lieux-mediation-numerique.csv",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        }, {
            "name": "historique",
            "title": "Historique des versions",
            "description": "Lieux ajoutés, modifiés, fermés et rouverts à chaque version.",
            "path": "historique.json", "format": "json", "mediatype": "application/json",
        }])

    def absolute(self, url: str) -> str:
        """Absolute URL for feeds, JSON-LD and Open Graph (SITE_DOMAIN when SITEURL is local)."""
        if url.startswith("http"):
            return url
        return self.settings["SITE_DOMAIN"].rstrip("/") + url

    def _region_of(self, venue: Venue) -> Any:
        return next(r for r in self.regions if r.code == venue.base.region["code"])

    def _departement_of(self, venue: Venue) -> Any:
        region = self._region_of(venue)
        return next(d for d in region.departements if d.code == venue.base.departement["code"])

    def _render_territories(self) -> None:
        self._render("territoires", "territoires/index.html", page_name="territoires")
        embed_base = self.absolute(f"{self.settings['SITEURL']}/embed/")
        for region in self.regions:
            self._render("territoire", f"{region.url}index.html", territory=region,
                         level="region", page_name="territoire", embed_base=embed_base)
            for dep in region.departements:
                self._render("territoire", f"{dep.url}index.html", territory=dep,
                             level="departement", page_name="territoire",
                             embed_base=embed_base)

    def _sitemap_urls(self) -> list[tuple[str, str | None]]:
        site = self.settings["SITEURL"]
        pages = ["/", "/donnees/", "/donnees/schema/", "/contribuer/", "/territoires/",
                 "/statistiques/"]
        pages += [f"/{p.url}" for p in self.context.get("pages", [])]
        urls: list[tuple[str, str | None]] = [(self.absolute(site + p), None) for p in pages]
        for region in self.regions:
            urls.append((self.absolute(f"{site}/{region.url}"), None))
            urls += [(self.absolute(f"{site}/{d.url}"), None) for d in region.departements]
        urls += [(self.absolute(self.url_of(v)), v.data["date_verification"])
                 for v in self.venues]
        return urls

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
