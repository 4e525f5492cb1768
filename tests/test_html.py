"""The built HTML is valid (Nu Html Checker) and no internal link or asset is broken."""

from __future__ import annotations

import json
import re
import runpy
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import ROOT, require_tool

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SITE_DOMAIN = runpy.run_path(str(ROOT / "pelicanconf.py"))["SITE_DOMAIN"].rstrip("/")


def vnu_errors(files: list[Path]) -> list[str]:
    """Errors of the Nu Html Checker on these files, as « file:line: message »."""
    require_tool(shutil.which("java") is not None, "Java (for the Nu Html Checker)")
    require_tool(VNU.exists(), "vnu-jar (npm ci)")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json",
         *[str(f) for f in files]], capture_output=True, text=True, timeout=120)
    report = result.stderr.strip() or result.stdout.strip()
    messages = json.loads(report)["messages"] if report else []
    if result.returncode and not messages:
        pytest.fail(f"vnu failed: {result.stdout}{result.stderr}")
    return [f"{m.get('url', '').removeprefix('file:')}:{m.get('lastLine', '?')}: "
            f"{m['type']}: {m['message']}" for m in messages]


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)


def test_every_page_is_valid_html(fixture_site: Path) -> None:
    pages = html_pages(fixture_site)
    required = ["index.html", "lieux/atelier-commun-rennes/index.html",
                "lieux/tiers-lieu-roulant/index.html", "territoires/bretagne/index.html",
                "territoires/bretagne/ille-et-vilaine/index.html", "statistiques/index.html",
                "donnees/index.html", "contribuer/index.html", "404.html",
                "embed/index.html"]
    assert {fixture_site / r for r in required} <= set(pages)
    errors = vnu_errors(pages)
    print(f"\nNu Html Checker: {len(pages)} pages, {len(errors)} errors")
    assert errors == [], "\n".join(errors)


def test_vnu_reports_invalid_html(tmp_path: Path) -> None:
    """The checker really runs: a broken page gives errors."""
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html lang=fr><head><title>x</title></head>"
                    "<body><p><div></p></body></html>", encoding="utf-8")
    assert vnu_errors([page])


# -- links --------------------------------------------------------------------------------
URL_ATTRIBUTES = {"href", "src", "action", "poster", "data-source"}


class _Links(HTMLParser):
    """Every URL an HTML page refers to, and every id it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("id", "name") if tag == "a" else ("id",):
            if values.get(name):
                self.ids.add(values[name])
        for name, value in values.items():
            if name in URL_ATTRIBUTES or name == "xlink:href":
                self.urls.append(value.strip())
            elif name in ("srcset", "imagesrcset"):
                self.urls += [c.strip().split()[0] for c in value.split(",") if c.strip()]
        if tag == "meta" and values.get("property") in ("og:url", "og:image"):
            self.urls.append(values.get("content", ""))

    handle_startendtag = handle_starttag


def page_url(site: Path, page: Path) -> str:
    path = "/" + page.relative_to(site).as_posix()
    return path.removesuffix("index.html")


def internal_path(url: str, base: str) -> str | None:
    """The site path a URL points at (with its #fragment), or None when it is external."""
    if url.startswith(SITE_DOMAIN + "/") or url == SITE_DOMAIN:
        url = url[len(SITE_DOMAIN):] or "/"
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:  # http(s) elsewhere, mailto:, tel:, data:...
        return None
    resolved = urlsplit(urljoin(base, url))
    return resolved.path + ("#" + resolved.fragment if resolved.fragment else "")


def target_file(site: Path, path: str) -> Path:
    path = unquote(path)
    return site / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))


class _Site:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._ids: dict[Path, set[str]] = {}

    def ids(self, file: Path) -> set[str]:
        if file not in self._ids:
            text = file.read_text("utf-8")
            if file.suffix == ".html":
                parser = _Links()
                parser.feed(text)
                self._ids[file] = parser.ids
            else:  # SVG sprites
                self._ids[file] = set(re.findall(r'\bid="([^"]+)"', text))
        return self._ids[file]

    def broken(self, path: str, source: str) -> str | None:
        page, _, fragment = path.partition("#")
        file = target_file(self.root, page)
        if not file.is_file():
            return f"{source}: {path} (no file {file.relative_to(self.root)})"
        if fragment and file.suffix in (".html", ".svg") and fragment not in self.ids(file):
            return f"{source}: {path} (no id « {fragment} »)"
        return None


def _css_urls(css: str) -> list[str]:
    found = re.findall(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""", css)
    return [u for u in found if not u.startswith(("data:", "#"))]


def test_no_internal_link_or_asset_is_broken(fixture_site: Path) -> None:
    site = _Site(fixture_site)
    problems: list[str] = []
    checked = 0
    pages = html_pages(fixture_site)
    for page in pages:
        base = page_url(fixture_site, page)
        parser = _Links()
        parser.feed(page.read_text("utf-8"))
        for url in parser.urls:
            if not url:
                problems.append(f"{base}: empty URL")
                continue
            if url.startswith("#"):  # in-page fragment
                checked += 1
                if url[1:] and unquote(url[1:]) not in parser.ids:
                    problems.append(f"{base}: {url} (no such id on the page)")
                continue
            path = internal_path(url, base)
            if path is None:
                continue
            checked += 1
            problems.append(site.broken(path, base))
    stylesheets = sorted(fixture_site.rglob("*.css"))
    for css in stylesheets:
        base = "/" + css.relative_to(fixture_site).as_posix()
        for url in _css_urls(css.read_text("utf-8")):
            path = internal_path(url, base)
            if path is not None:
                checked += 1
                problems.append(site.broken(path, base))
    # Loaded by the map script, not by a tag: the search index entry point.
    checked += 1
    problems.append(site.broken("/pagefind/pagefind.js", "theme/js/annuaire/search.js"))
    problems = [p for p in problems if p]
    print(f"\nLinks: {len(pages)} pages and {len(stylesheets)} stylesheets, "
          f"{checked} internal links and assets checked")
    assert checked > 100
    assert problems == [], "\n".join(problems)


def test_sitemap_and_feed_point_at_existing_pages(fixture_site: Path) -> None:
    site = _Site(fixture_site)
    sitemap = ET.parse(fixture_site / "sitemap.xml").getroot()
    locs = [e.text or "" for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    feed = ET.parse(fixture_site / "flux.xml").getroot()
    links = [e.get("href", "") for e in feed.iter("{http://www.w3.org/2005/Atom}link")]
    problems = []
    for url in locs + links:
        assert url.startswith(SITE_DOMAIN + "/"), url  # absolute, on the site's domain
        problems.append(site.broken(internal_path(url, "/") or "", url))
    print(f"\nsitemap.xml: {len(locs)} URLs, flux.xml: {len(links)} links checked")
    assert [p for p in problems if p] == []
    listed = {target_file(fixture_site, internal_path(u, "/") or "") for u in locs}
    unlisted = [page_url(fixture_site, p) for p in html_pages(fixture_site)
                if p not in listed and p.name == "index.html" and "embed" not in p.parts]
    if unlisted:
        print("pages not in sitemap.xml:", ", ".join(unlisted))
    assert not [u for u in unlisted if u.startswith(("/lieux/", "/territoires/"))]
