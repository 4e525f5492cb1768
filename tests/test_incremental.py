"""The incremental build: after a venue file changes, a build from the previous output
rewrites only what that change touches, and gives the same site as a full build."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import FIXTURE_VENUES, PELICAN, ROOT

MANIFEST = ".tierslieux-manifest.json"


def build(venues: Path, output: Path, previous: Path | None = None) -> None:
    """`make site`'s two steps: Pelican (from the previous output when given), Pagefind."""
    settings = [f'VENUES_PATH="{venues}"']
    if previous is not None:
        settings.append(f'INCREMENTAL_FROM="{previous}"')
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    result = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", str(output), "-e", *settings],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    index = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(output), "--glob",
         "lieux/**/*.html", "--silent"], capture_output=True, text=True, timeout=300)
    assert index.returncode == 0, index.stdout + index.stderr


def differences(a: Path, b: Path) -> str:
    """`diff -r` of two sites: empty when they are the same, byte for byte."""
    return subprocess.run(["diff", "-r", str(a), str(b)], capture_output=True,
                          text=True).stdout[:3000]


def same_file(a: Path, b: Path) -> bool:
    """True when both names are one file: the incremental build kept it, untouched."""
    return a.stat().st_ino == b.stat().st_ino


def test_one_venue_changed_rewrites_its_pages_only_and_equals_a_full_build(
        tmp_path: Path) -> None:
    venues = tmp_path / "venues"
    shutil.copytree(FIXTURE_VENUES, venues)
    first = tmp_path / "first"
    build(venues, first)

    # A contributor adds a sentence to one description.
    rennes = venues / "35" / "atelier-commun-rennes.yml"
    text = rennes.read_text(encoding="utf-8")
    rennes.write_text(text.replace("description: |\n", "description: |\n  Fermé en août.\n", 1),
                      encoding="utf-8")
    second, full = tmp_path / "second", tmp_path / "full"
    build(venues, second, previous=first)
    build(venues, full)
    assert differences(second, full) == ""
    page = Path("lieux") / "atelier-commun-rennes" / "index.html"
    assert "Fermé en août." in (second / page).read_text(encoding="utf-8")
    assert not same_file(first / page, second / page)
    assert not same_file(first / "donnees/lieux/atelier-commun-rennes.json",
                         second / "donnees/lieux/atelier-commun-rennes.json")
    # The other venues' pages and records (their neighbour list shows no description)
    # are the previous build's files, not rewritten.
    for other in ("coworking-faubourg", "fablab-du-barachois", "ancienne-friche"):
        assert same_file(first / "lieux" / other / "index.html",
                         second / "lieux" / other / "index.html"), other
        assert same_file(first / "donnees" / "lieux" / f"{other}.json",
                         second / "donnees" / "lieux" / f"{other}.json"), other
    # The previous output is left as it was (files are replaced, never written into).
    assert "Fermé en août." not in (first / page).read_text(encoding="utf-8")

    # A venue is deleted and another added: no page of the deleted one survives.
    (venues / "974" / "fablab-du-barachois.yml").unlink()
    added = venues / "35" / "atelier-commun-bis.yml"
    added.write_text(text.replace("id: atelier-commun-rennes", "id: atelier-commun-bis")
                     .replace("nom: L'Atelier commun", "nom: L'Atelier commun bis"),
                     encoding="utf-8")
    third, full_again = tmp_path / "third", tmp_path / "full-again"
    build(venues, third, previous=second)
    build(venues, full_again)
    assert differences(third, full_again) == ""
    assert not (third / "lieux" / "fablab-du-barachois").exists()
    assert not (third / "donnees" / "lieux" / "fablab-du-barachois.json").exists()
    assert (third / "lieux" / "atelier-commun-bis" / "index.html").is_file()


def test_other_code_or_settings_make_a_full_build(tmp_path: Path) -> None:
    """A previous output built with other settings is not reused: nothing is copied."""
    venues = tmp_path / "venues"
    shutil.copytree(FIXTURE_VENUES, venues)
    first = tmp_path / "first"
    build(venues, first)
    (first / "lieux" / "stale.html").write_text("old", encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000", "SITEURL": "/annuaire"}
    second = tmp_path / "second"
    result = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", str(second), "-e",
         f'VENUES_PATH="{venues}"', f'INCREMENTAL_FROM="{first}"'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert not (second / "lieux" / "stale.html").exists()
    page = (second / "lieux" / "coworking-faubourg" / "index.html").read_text(encoding="utf-8")
    assert 'href="/annuaire/' in page


def test_preview_shows_a_saved_venue_change(tmp_path: Path) -> None:
    """`make serve`: a contributor saves a venue file, reloads, and sees the change."""
    venues = tmp_path / "venues"
    shutil.copytree(FIXTURE_VENUES, venues)
    output = tmp_path / "output"
    build(venues, output)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1795000000"}
    preview = subprocess.Popen(
        [sys.executable, "-m", "tierslieux.site.preview", "--output", str(output),
         "--port", str(port), "--venues", str(venues)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/lieux/coworking-faubourg/"
    try:
        assert "Coworking du Faubourg" in fetch(url)
        venue = venues / "75" / "coworking-faubourg.yml"
        venue.write_text(venue.read_text(encoding="utf-8").replace(
            "nom: Coworking du Faubourg", "nom: Coworking du Faubourg-Montmartre"),
            encoding="utf-8")
        deadline = time.monotonic() + 120  # a loaded test machine; about 2 s when idle
        page = ""
        while time.monotonic() < deadline and "Faubourg-Montmartre" not in page:
            time.sleep(0.5)
            page = fetch(url)
        assert "Coworking du Faubourg-Montmartre" in page
    finally:
        preview.terminate()
        out, _ = preview.communicate(timeout=30)
    assert "Site reconstruit en" in out


def fetch(url: str) -> str:
    """A page of the preview, or "" while it is not answering."""
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            time.sleep(0.1)
    return ""
