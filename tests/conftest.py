"""Shared fixtures: the real reference data, and real Pelican builds of fixture venues."""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_VENUES = ROOT / "tests" / "fixtures" / "venues"
BROKEN = ROOT / "tests" / "broken"
PELICAN = Path(sys.executable).with_name("pelican")
CHROMIUM = Path("/usr/bin/chromium")


# Nothing in the suite may reach the national address service: unless a test points the
# geocoder at the loopback fake (tests/fakes/ban.py), it gets a closed loopback port, so
# the importer's offline path is what runs. Set for subprocesses too.
os.environ["TIERSLIEUX_GEOCODER_URL"] = "http://127.0.0.1:9/search"
# Results kept between runs (validation, incremental builds) go to this session's folder,
# not the checkout's .cache/: each test's temporary venues folder would leave a file there.
_CACHE = tempfile.mkdtemp(prefix="tierslieux-cache-")
os.environ["TIERSLIEUX_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)


def build_site(venues: Path, output: Path) -> subprocess.CompletedProcess[str]:
    """Run the real Pelican build on a folder of venues."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    result = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", str(output),
         "-e", f'VENUES_PATH="{venues}"'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    if result.returncode == 0:  # the same search index as `make site`
        index = subprocess.run(
            [sys.executable, "-m", "pagefind", "--site", str(output), "--glob",
             "lieux/**/*.html", "--silent"], capture_output=True, text=True, timeout=300)
        if index.returncode:
            return index
    return result


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("site") / "output"
    result = build_site(FIXTURE_VENUES, output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


@pytest.fixture(scope="session")
def starter_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("starter") / "output"
    result = build_site(ROOT / "content" / "venues", output)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve_folder(directory: Path) -> Iterator[str]:
    """A folder served on a loopback port (a built site, a network's files): its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 partial(_QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page: object, url: str) -> list[str]:
    """axe-core's violations on a page, once its map (if any) has drawn its markers."""
    page.goto(url)  # type: ignore[attr-defined]
    if page.locator("#carte").count():  # type: ignore[attr-defined]
        page.wait_for_selector("#carte[data-loaded]", state="attached")  # type: ignore[attr-defined]
    page.add_script_tag(path=str(AXE))  # type: ignore[attr-defined]
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""")  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def served_site(fixture_site: Path) -> Iterator[str]:
    """The fixture site on a loopback port, as a visitor's browser would fetch it."""
    with serve_folder(fixture_site) as url:
        yield url


def require_tool(available: bool, what: str) -> None:
    """Skip locally when a tool is missing; in CI every test must run."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is required in CI (installed by .ci/run)")
    pytest.skip(f"{what} is not installed (run .ci/run, or apt-get install chromium)")


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    require_tool(CHROMIUM.exists() or shutil.which("chromium") is not None, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=str(CHROMIUM),
            # Every host but loopback resolves to nothing: tiles (and anything else from
            # the Internet) fail at once, as on a visitor's flaky connection.
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"],
        )
        yield instance
        instance.close()


@pytest.fixture()
def context(browser):
    """A French visitor's browser window, 1280 px wide, in Paris's time zone."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR",
                              timezone_id="Europe/Paris")
    yield ctx
    ctx.close()


@pytest.fixture()
def page(context):
    """A page that fails the test if any script on it throws."""
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    assert errors == []
