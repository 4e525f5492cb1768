"""The Pelican side: a generator that renders venue pages, maps, territories and exports.

Venues are read and checked once (by the validator), enriched, then every page and every
download is written from that one list. Invalid data stops the build: a site with venues
silently missing would be worse than no site.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.generators import Generator

from ..check.checkmemo import CheckMemo, validation_version
from ..check.forked import beside, can_fork
from ..check.report import print_report
from ..check.validate import validate
from ..model.dates import build_date, is_stale
from ..model.richtext import markdown_to_html
from ..model.venue import Venue
from .filters import fast_getattr, template_filters
from .freshness import credits_of, venue_context
from .incremental import (
    Manifest,
    Memo,
    RowMemo,
    code_version,
    digest_of,
    in_background,
    neighbour_view,
    replace_file,
    reuse_previous_output,
    venue_digest,
    wait_background,
)
from .nearby import nearest
from .outputs import AFTER_DOWNLOADS, OUTPUTS, Downloads, write_downloads
from .structured import venue_jsonld
from .territories import territories


class VenueDataError(SystemExit):
    """Stops Pelican when venue files have errors (already reported in French).

    A SystemExit, because Pelican logs any Exception with its traceback, and a contributor
    needs the list of problems, not our stack.
    """


PARALLEL_FROM = 400  # venues; below, forking costs more than it saves
PARENT_SHARE = 0.2  # of the venue pages, rendered by the parent after everything else


class VenueGenerator(Generator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.venues: list[Venue] = []
        self.downloads: Downloads | None = None  # set by write_downloads
        self._folders: set[str] = set()
        self.manifest: Manifest | None = None  # set by generate_output
        self.venue_digests: dict[str, str] = {}  # id -> digest of what its pages show
        self.env.filters.update(template_filters())
        self.env.getattr = fast_getattr(self.env)  # type: ignore[method-assign]
        self.env.filters["credits_of"] = credits_of  # the sources a list of venues credits

    # -- context -------------------------------------------------------------------
    def generate_context(self) -> None:
        venues_dir = Path(self.settings["VENUES_PATH"])
        previous = self.settings.get("INCREMENTAL_FROM")
        # The previous output is copied (hard links) while the venues are read.
        copied = (reuse_previous_output(Path(previous), Path(self.output_path),
                                        self._code_version()) if previous else None)
        memo = CheckMemo(venues_dir, validation_version())  # the same as `validate`'s
        # A full build reads every file; it leaves its results for the next incremental one.
        result = validate([venues_dir], universe=venues_dir,
                          memo=memo.load() if previous else memo.entries)
        in_background(memo.save, fork=bool(previous))
        if result.errors:
            if copied is not None:
                copied()  # no copy left running behind a failed build
            print_report(result, sys.stderr)
            raise VenueDataError("Le site n'est pas construit : corrigez les fiches ci-dessus, "
                                 "puis relancez « make site ».")
        self.venues = result.venues
        self.regions = territories(self.venues)
        self.context["venues"] = self.venues
        self.context["venue_count"] = len(self.venues)
        self.context["regions"] = self.regions
        self.context["confirmed_count"] = sum(1 for v in self.venues if v.confirmed)
        return_free_memory()
        if copied is not None:  # before any generator writes
            copied()

    def _code_version(self) -> str:
        """The code digest, with the editorial pages every page lists in its menu."""
        return code_version(self.settings,
                            [(p.slug, p.title, p.url) for p in self.context.get("pages", [])])

    # -- output --------------------------------------------------------------------
    def url_of(self, venue: Venue) -> str:
        return f"{self.settings['SITEURL']}/lieux/{venue.id}/"

    def write(self, relative: str, content: str | bytes) -> None:
        """Write a page or a download (text, or UTF-8 bytes)."""
        target = os.path.join(self.output_path, relative)
        folder = os.path.dirname(target)
        if folder not in self._folders:  # one mkdir per folder, not per file
            os.makedirs(folder, exist_ok=True)
            self._folders.add(folder)
        if self.manifest is not None and self.manifest.incremental:
            # The previous output was copied with hard links: write a new file, never
            # into the one both folders share.
            replace_file(target, content.encode("utf-8") if isinstance(content, str)
                         else content)
            return
        if isinstance(content, bytes):
            with open(target, "wb") as fh:
                fh.write(content)
            return
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(content)

    def needs(self, relative: str, *inputs: Any) -> bool:
        """True when a file must be written: its inputs differ from the previous build's in
        this folder (the code's digest covers what every page shares), or it is missing.
        Records them in the manifest."""
        if self.manifest is None:
            return True
        return self.manifest.needs(relative, digest_of(*inputs))

    def render(self, template: str, relative: str, **extra: Any) -> None:
        html = self.get_template(template).render(**self.context, **extra)
        self.write(relative, html)

    def generate_output(self, writer: Any) -> None:
        self.manifest = Manifest(self.output_path, self._code_version())
        self.venue_digests = {v.id: venue_digest(v) for v in self.venues}
        neighbours = self._nearest()
        digests = self.venue_digests
        views: dict[str, list[Any]] = {}  # what a neighbour list shows of each venue
        for venue in self.venues:
            views[venue.id] = neighbour_view(venue)
        todo = [venue for venue in self.venues if self.needs(
            f"lieux/{venue.id}/index.html", digests[venue.id],
            [(views[other.id], distance) for other, distance in neighbours[venue.id]])]

        def render(venue: Venue) -> None:
            self._render_venue(venue, neighbours[venue.id])

        if len(todo) < PARALLEL_FROM and self.manifest.incremental and can_fork():
            self._rebuild(todo, render)
        else:
            self._split_work(todo, render, self._write_everything_else)
        self.manifest.finish()
        wait_background()

    def row_memo(self) -> RowMemo:
        """The download rows of the previous build, reused for unchanged venues."""
        return RowMemo(Memo("rows", Path(self.settings["VENUES_PATH"])), self.manifest,
                       self.venue_digests)

    def _nearest(self) -> dict[str, list[tuple[Venue, float]]]:
        """Each venue's neighbours; an incremental build reuses the previous build's when no
        venue was added, removed, moved, closed or reopened (they depend on nothing else)."""
        key = digest_of([(v.id, v.data["statut"], [(p.latitude, p.longitude) for p in v.places])
                         for v in self.venues])
        memo = Memo("nearest", Path(self.settings["VENUES_PATH"]))
        by_id = {v.id: v for v in self.venues}
        saved = memo.get(key) if self.manifest is not None and self.manifest.incremental else None
        if saved is not None:
            return {vid: [(by_id[oid], d) for oid, d in found] for vid, found in saved.items()}
        neighbours = nearest(self.venues)
        found_ids = {vid: [(o.id, d) for o, d in found] for vid, found in neighbours.items()}
        in_background(lambda: memo.put(key, found_ids), fork=self.manifest.incremental)
        return neighbours

    def _write_everything_else(self) -> None:
        """Every output but the venue pages: each family in turn, in the order listed."""
        for write in OUTPUTS:
            write(self)

    def _render_venue(self, venue: Venue, neighbours: list[tuple[Venue, float]]) -> None:
        page_url = self.absolute(self.url_of(venue))
        self.render("lieu", f"lieux/{venue.id}/index.html", venue=venue,
                     description_html=markdown_to_html(venue.data.get("description", "")),
                     territory=venue.territory(), page_name="lieu",
                     region_url=self._region_of(venue).url,
                     departement_url=self._departement_of(venue).url,
                     neighbours=neighbours,
                     jsonld=venue_jsonld(venue, page_url),
                     stale=is_stale(venue.data["date_verification"], build_date()),
                     **venue_context(venue, self.settings, page_url))

    @staticmethod
    def _split_work(items: list[Venue], work: Callable[[Venue], None],
                    rest: Callable[[], None]) -> None:
        """Run `work` on every item and `rest` once, over two processes when worth it.

        Pages are independent files, and the machines have two cores: a forked child
        renders most venue pages while this process writes everything else, then the few
        venue pages left. The output is the same byte for byte; a failure in the child
        fails the build.
        """
        if len(items) < PARALLEL_FROM or not can_fork():
            rest()
            for item in items:
                work(item)
            return
        cut = int(len(items) * PARENT_SHARE)  # the parent also has `rest` to do
        pages = beside(lambda: [work(item) for item in items[cut:]] and None,
                       "the venue pages")
        try:
            rest()
            for item in items[:cut]:
                work(item)
        except BaseException:
            with contextlib.suppress(Exception):
                pages()  # the child is collected before the error goes up
            raise
        pages()

    def _rebuild(self, todo: list[Venue], render: Callable[[Venue], None]) -> None:
        """A rebuild renders few pages, and its longest output is the downloads (every
        venue is in them): a forked child writes them while this process writes what does
        not describe them, then, with the child's sizes and manifest entries, the rest."""
        downloads = beside(self._downloads_in_child, "the downloads")
        try:
            for write in OUTPUTS:
                if write is not write_downloads and write not in AFTER_DOWNLOADS:
                    write(self)
            for venue in todo:
                render(venue)
        except BaseException:
            with contextlib.suppress(Exception):
                downloads()
            raise
        self.downloads, files = downloads()
        assert self.manifest is not None
        self.manifest.files.update(files)
        for write in OUTPUTS:
            if write in AFTER_DOWNLOADS:
                write(self)

    def _downloads_in_child(self) -> tuple[Downloads | None, dict[str, str]]:
        write_downloads(self)
        wait_background()  # the download rows' cache, written by a child of its own
        assert self.manifest is not None
        return self.downloads, self.manifest.files

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


def return_free_memory() -> None:
    """Give the memory freed after reading the venues (YAML events, line maps, the
    validation's results once saved) back to the system, before the page-rendering child
    is forked: at 20,000 venues, a few tens of MiB less in each process (glibc only)."""
    with contextlib.suppress(OSError, AttributeError, TypeError):  # another C library
        ctypes.CDLL(ctypes.util.find_library("c")).malloc_trim(0)


def _get_generators(pelican: Any) -> type[Generator]:
    return VenueGenerator


def register() -> None:
    signals.get_generators.connect(_get_generators)
