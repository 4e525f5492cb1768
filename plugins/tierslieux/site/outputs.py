"""Every output of the build but the venue pages, one function per family.

Each function takes the running generator (its venues, settings and writers) and writes one
family of files. `OUTPUTS` lists them in the order they run: the data page shows the sizes
of the downloads, so downloads come first, and `AFTER_DOWNLOADS` names what depends on
them (a rebuild writes the downloads in a child beside the others). Adding an output means
one function and one line.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model.dates import build_date
from ..model.paths import SCHEMA_PATH
from ..model.schema import labels, venue_schema
from ..publish import exports, mednum
from ..publish.changelog import changelog
from ..publish.columns import columns
from ..publish.datapackage import data_package
from ..publish.fielddocs import field_docs
from ..publish.history import added_dates
from ..publish.reconciliation import Reconciliation, reconcile_all, report_csv, report_schema
from ..publish.sources import (
    SHARE_ALIKE,
    credit_line,
    dataset_credit,
    licence_combination,
    package_source,
    reuse_terms,
    used_datasets,
)
from ..reference.refdata import reference_data
from . import census, choropleth, feeds, mapdata, stats
from .communes import communes_by_postcode
from .incremental import in_background, territory_digest

if TYPE_CHECKING:
    from .generator import VenueGenerator

FACETS = [  # (form name, schema vocabulary, title, legend, open by default)
    ("type", "type_lieu", "Type de lieu", "Types (au moins un de ceux cochés)", False),
    ("service", "service", "Services", "Services (tous ceux cochés)", False),
    ("equipement", "equipement", "Équipements", "Équipements (tous ceux cochés)", False),
    ("label", "label", "Labels", "Labels (tous ceux cochés)", False),
    ("porteur", "type_porteur", "Porteur", "Type de porteur (au moins un)", False),
    ("statut", "statut", "Statut", "Statut (les lieux fermés sont masqués par défaut)", False),
]


@dataclass
class Downloads:
    """What the data page says of the downloads written before it."""

    meta: dict[str, Any]
    sizes: dict[str, int] = field(default_factory=dict)
    excluded: list[Any] = field(default_factory=list)  # venues left out of the national export
    history: list[dict[str, Any]] = field(default_factory=list)
    datasets: list[Any] = field(default_factory=list)  # datasets some venues come from
    reconciliations: list[Reconciliation] = field(default_factory=list)  # one per report
    recensement: census.CensusComparison | None = None  # the 2019 census beside ours


def imports_dir(build: VenueGenerator) -> Path:
    """The committed import reports, beside the venues (content/imports/)."""
    return Path(build.settings["VENUES_PATH"]).parent / "imports"


def write_downloads(build: VenueGenerator) -> None:
    """CSV, GeoJSON, JSON, the national export, history, région extracts, data package."""
    venues = build.venues
    settings = build.settings
    used = used_datasets(venues)
    done = build.downloads = Downloads(meta={
        "titre": settings["SITENAME"],
        "licence": settings["DATA_LICENSE"]["name"],
        "licence_url": settings["DATA_LICENSE"]["url"],
        "date_generation": build_date().isoformat(),
        "nombre": len(venues),
        "sources": [dataset_credit(d) for d in used],
    }, datasets=used, reconciliations=reconcile_all(venues, imports_dir(build)))

    def publish(relative: str, content: str | bytes) -> None:
        """Write a download now and keep only its size: at 20,000 venues the texts
        together weigh hundreds of megabytes (the largest come as bytes, never copied)."""
        data = content.encode("utf-8") if isinstance(content, str) else content
        build.write(relative, data)
        done.sizes[relative] = len(data)

    def kept(relative: str, *inputs: Any) -> bool:
        """True when the previous build's file is still right (its size is noted)."""
        if build.needs(relative, *inputs):
            return False
        done.sizes[relative] = (Path(build.output_path) / relative).stat().st_size
        return True

    rows = build.row_memo()
    tables = exports.Exports(venues, build.url_of, rows.cached("export", exports.row))
    publish("donnees/tiers-lieux.csv", tables.csv())
    publish("donnees/tiers-lieux.geojson", tables.geojson())
    publish("donnees/tiers-lieux.json", tables.json(done.meta))
    for result in done.reconciliations:
        publish(f"donnees/{result.report_name}", report_csv(result, build.url_of))
    national, done.excluded = mednum.export(venues, settings["SITENAME"],
                                            rows.cached("mednum", mednum.row))
    in_background(rows.save, fork=build.manifest is not None and build.manifest.incremental)
    publish("donnees/lieux-mediation-numerique.csv", national)
    del national
    done.history = changelog(Path(settings["VENUES_PATH"]))
    publish("donnees/historique.json", exports.dumps_pretty(
        {"titre": f"{settings['SITENAME']} : historique des versions",
         "versions": done.history}))
    for region in build.regions:
        region_inputs = [build.venue_digests.get(v.id) for v in region.lieux]
        for kind, table in (("csv", tables.csv), ("geojson", tables.geojson)):
            relative = f"donnees/regions/{region.code}.{kind}"
            if not kept(relative, region_inputs):
                publish(relative, table(region.lieux))
    del tables
    publish("donnees/datapackage.json", exports.dumps_pretty(
        _data_package(build, done, national_count=len(venues) - len(done.excluded))))
    for venue in venues:
        relative = f"donnees/lieux/{venue.id}.json"
        if build.needs(relative, build.venue_digests.get(venue.id)):
            build.write(relative,
                        exports.dumps_pretty(exports.record(venue, build.url_of(venue))))
    build.write("donnees/carte.json", mapdata.to_json(venues))
    build.write("donnees/schema/venue.schema.json", SCHEMA_PATH.read_text(encoding="utf-8"))


def write_home(build: VenueGenerator) -> None:
    """The home page: map, filters and the list of every venue."""
    facets = [{"name": name, "title": title, "legend": legend, "open": is_open,
               "options": list(labels(vocab).items())}
              for name, vocab, title, legend, is_open in FACETS]
    filter_vocab = {
        "regions": [(r.code, r.nom) for r in build.regions],
        "departements": sorted((d.code, d.nom, r.code) for r in build.regions
                               for d in r.departements),
    }
    build.render("index", "index.html", groups=build.regions, facets=facets,
                 filter_vocab=filter_vocab, page_name="index",
                 status_counts=Counter(v.data["statut"] for v in build.venues))


def write_territory_pages(build: VenueGenerator) -> None:
    """The territory index, then one page per région and per département with venues."""
    build.render("territoires", "territoires/index.html", page_name="territoires")
    embed_base = build.absolute(f"{build.settings['SITEURL']}/embed/")
    digests = build.venue_digests
    for region in build.regions:
        if build.needs(f"{region.url}index.html", territory_digest(region, digests)):
            build.render("territoire", f"{region.url}index.html", territory=region,
                         level="region", page_name="territoire", embed_base=embed_base)
        for dep in region.departements:
            if build.needs(f"{dep.url}index.html", territory_digest(dep, digests)):
                build.render("territoire", f"{dep.url}index.html", territory=dep,
                             level="departement", page_name="territoire",
                             embed_base=embed_base)


def write_data_pages(build: VenueGenerator) -> None:
    """/donnees/ (after the downloads it describes) and the schema's documentation."""
    done = build.downloads
    done.recensement = census.compare(build.venues, done.reconciliations,
                                      imports_dir(build), reference_data())
    build.render("donnees", "donnees/index.html", sizes=done.sizes, columns=columns(),
                 schema=venue_schema(), meta=done.meta, page_name="donnees",
                 excluded=done.excluded, mapping=mednum.MAPPING_DOC, history=done.history[:10],
                 mednum=mednum, datasets=done.datasets,
                 credit_lines=[credit_line(d) for d in done.datasets],
                 dataset_venues=Counter(d.id for v in build.venues for d in v.datasets),
                 share_alike=[d for d in done.datasets if d.licence in SHARE_ALIKE],
                 reuse_terms=reuse_terms, reconciliations=done.reconciliations,
                 recensement_link=done.recensement is not None,
                 contributed=sum(1 for v in build.venues if not v.datasets))
    build.render("donnees_schema", "donnees/schema/index.html", page_name="donnees",
                 fields=field_docs())


def write_other_pages(build: VenueGenerator) -> None:
    """Contribute (and the communes its form suggests), embed and 404."""
    form = build.settings.get("CONTRIBUTE_FORM")
    build.render("contribuer", "contribuer/index.html", page_name="contribuer", form=form)
    if form:  # the form's questions and messages, read by its JavaScript
        build.write("contribuer/formulaire.json",
                    json.dumps(form, ensure_ascii=False, separators=(",", ":")))
    for prefix, text in communes_by_postcode(reference_data()).items():
        build.write(f"donnees/communes/{prefix}.json", text)
    build.render("embed", "embed/index.html", page_name="embed")
    build.render("404", "404.html", page_name="404")


def write_statistics(build: VenueGenerator) -> None:
    """/statistiques/, with the census comparison the data pages worked out."""
    build.render("statistiques", "statistiques/index.html", page_name="statistiques",
                 stats=stats.compute(build.venues, reference_data()),
                 map_shapes=choropleth.shapes(), map_source=choropleth.SOURCE,
                 recensement=build.downloads.recensement if build.downloads else None)


def write_feeds(build: VenueGenerator) -> None:
    """The Atom feed of added and closed venues, and the sitemap."""
    site = build.settings["SITEURL"]
    venues_path = Path(build.settings["VENUES_PATH"])
    build.write("flux.xml", feeds.atom_feed(
        build.venues, added_dates(venues_path), build.absolute(site),
        build.settings["SITENAME"], build.absolute(f"{site}/flux.xml")))
    build.write("sitemap.xml", feeds.sitemap(_sitemap_urls(build)))


def copy_vendor_files(build: VenueGenerator) -> None:
    """Front-end libraries come from node_modules (pinned by package-lock.json)."""
    root = Path(build.settings["NODE_MODULES"])
    for source, target in build.settings["VENDOR_FILES"].items():
        src = root / source
        dst = Path(build.output_path) / "vendor" / target
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)


OUTPUTS: list[Callable[[VenueGenerator], None]] = [
    write_downloads,
    write_home,
    write_territory_pages,
    write_other_pages,
    write_feeds,
    copy_vendor_files,
    write_data_pages,
    write_statistics,
]
# What needs the downloads written first (their sizes, the census comparison).
AFTER_DOWNLOADS = {write_data_pages, write_statistics}


def _data_package(build: VenueGenerator, done: Downloads,
                  national_count: int) -> dict[str, Any]:
    settings = build.settings
    licence = settings["DATA_LICENSE"]
    meta = done.meta
    return data_package({
        "name": "tiers-lieux",
        "title": settings["SITENAME"],
        "description": f"{meta['nombre']} tiers-lieux de France (coworkings, fablabs, "
                       "ateliers partagés…), avec leur territoire (département, région, "
                       "EPCI) déduit du code INSEE. " + licence_combination(done.datasets),
        "version": build_date().isoformat(),
        "created": f"{build_date().isoformat()}T00:00:00Z",
        "homepage": build.absolute(settings["SITEURL"] + "/"),
        "licence": {"name": licence["id"], "title": licence["name"], "path": licence["url"]},
        "sources": [*settings["DATA_SOURCES"], *(package_source(d) for d in done.datasets)],
        "contributors": [{"title": settings["DATA_PUBLISHER"], "role": "publisher"},
                         {"title": "Les contributrices et contributeurs de l'annuaire",
                          "role": "author", "path": settings["REPOSITORY_URL"]}],
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
    }, *({
        "name": f"rapprochement-{result.dataset.id}",
        "title": f"Rapprochement : {result.dataset.title}",
        "description": f"Chaque ligne du jeu de données ({len(result.rows)} lignes) et ce "
                       f"qu'elle est devenue : {len(result.venues)} lieux publiés, "
                       f"{len(result.merged)} lignes fusionnées dans un lieu déjà compté, "
                       f"{len(result.not_taken)} lignes non reprises (avec le motif).",
        "path": result.report_name,
        "profile": "tabular-data-resource",
        "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "dialect": {"delimiter": ",", "quoteChar": '"', "header": True},
        "schema": report_schema(),
    } for result in done.reconciliations)])


def _sitemap_urls(build: VenueGenerator) -> list[tuple[str, str | None]]:
    site = build.settings["SITEURL"]
    pages = ["/", "/donnees/", "/donnees/schema/", "/contribuer/", "/territoires/",
             "/statistiques/"]
    pages += [f"/{p.url}" for p in build.context.get("pages", [])]
    urls: list[tuple[str, str | None]] = [(build.absolute(site + p), None) for p in pages]
    for region in build.regions:
        urls.append((build.absolute(f"{site}/{region.url}"), None))
        urls += [(build.absolute(f"{site}/{d.url}"), None) for d in region.departements]
    urls += [(build.absolute(build.url_of(v)), v.data["date_verification"])
             for v in build.venues]
    return urls
