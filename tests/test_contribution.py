"""Scaffolding, freshness, duplicates, CODEOWNERS, the guide and the pull-request summary."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURE_VENUES, ROOT
from tierslieux.check.problems import CODES
from tierslieux.check.validate import check_text, validate
from tierslieux.contribute import codeowners, contribdocs
from tierslieux.contribute.freshness import report, stale_venues
from tierslieux.contribute.prsummary import summary
from tierslieux.contribute.scaffold import build_venue
from tierslieux.contribute.sync import run as sync_run

TIERSLIEUX = Path(sys.executable).with_name("tierslieux")


def fixture_venues():
    return validate([FIXTURE_VENUES], universe=FIXTURE_VENUES).venues


def test_derived_files_are_up_to_date() -> None:
    """Fails when the issue form, the guide's tables or CODEOWNERS lag behind."""
    assert sync_run(check=True) == []


def test_codeowners_lists_each_venues_managers() -> None:
    venues = fixture_venues()
    venues[0].data = {**venues[0].data, "gestionnaires": ["alice", "bob-2"]}
    text = codeowners.render("* @equipe\n", venues)
    assert text.startswith("* @equipe\n\n" + codeowners.BEGIN)
    line = f"/content/venues/{venues[0].folder}/{venues[0].id}.yml @alice @bob-2"
    assert line in text.splitlines()
    # Replacing keeps the maintainers' own lines and is idempotent.
    assert codeowners.render(text, venues) == text
    assert line not in codeowners.render(text, fixture_venues())


def test_guide_documents_every_field_and_code() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"| `{code}` |" in guide
    for field in ["nom", "porteur.siret", "etapes[].horaires", "accessibilite.fauteuil_roulant"]:
        assert f"| `{field}` |" in guide
    assert "`tiers_lieu_nourricier` : Tiers-lieu nourricier / agricole" in guide
    assert contribdocs.render(guide) == guide


def test_guides_commented_example_is_a_valid_venue() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = re.search(r"## Une fiche, commentée\n\n```yaml\n(.*?)```", guide, re.S).group(1)
    problems = check_text(example.encode(), "content/venues/35/atelier-commun-rennes.yml")
    assert [p for p in problems if p.is_error] == []


def test_new_writes_a_valid_file_in_the_right_folder(tmp_path: Path) -> None:
    answers = {"nom": "Le Hangar", "adresse": "3 quai X", "code_postal": "29200",
               "commune": "brest", "latitude": "48.39", "longitude": "-4.48",
               "types": "makerspace, atelier_partage"}
    path, text = build_venue(answers, dt.date(2026, 11, 1), tmp_path)
    assert path == tmp_path / "29" / "le-hangar.yml"
    assert "commune: Brest\ncode_insee: \"29019\"" in text
    assert [p for p in check_text(text.encode(), str(path)) if p.is_error] == []
    with pytest.raises(ValueError, match="aucune commune"):
        build_venue({**answers, "commune": "Atlantide"}, dt.date(2026, 11, 1), tmp_path)


def test_new_cli_with_options(tmp_path: Path) -> None:
    run = subprocess.run([str(TIERSLIEUX), "new", "--nom", "Le Hangar", "--adresse", "3 quai X",
                          "--code-postal", "29200", "--commune", "Brest", "--latitude", "48.39",
                          "--longitude", "-4.48", "--types", "fablab", "--into", str(tmp_path)],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert run.returncode == 0, run.stderr
    assert validate([tmp_path], universe=tmp_path).errors == []
    missing = subprocess.run([str(TIERSLIEUX), "new", "--nom", "X"], capture_output=True,
                             text=True, stdin=subprocess.DEVNULL)
    assert missing.returncode == 2 and "--adresse" in missing.stderr


def test_stale_venues_are_listed_and_marked(fixture_site: Path) -> None:
    venues = fixture_venues()
    as_of = dt.date(2027, 9, 1)  # a year after most fixtures were checked
    stale = {v.id for v in stale_venues(venues, as_of)}
    assert stale == {"ancienne-friche", "tiers-lieu-roulant", "fablab-du-barachois"}
    text = report(venues, as_of, "https://example.org")
    assert "**3** sur 5" in text
    assert "- [ ] [L'Ancienne Friche](https://example.org/lieux/ancienne-friche/)" in text
    # The fixture site is built as of 2026-11-18 (SOURCE_DATE_EPOCH): nothing is a year old.
    home = (fixture_site / "index.html").read_text("utf-8")
    assert home.count("badge-stale") == 0


def test_site_marks_a_venue_checked_over_a_year_ago(tmp_path: Path) -> None:
    from conftest import build_site

    venues = tmp_path / "venues" / "13"
    venues.mkdir(parents=True)
    text = (FIXTURE_VENUES / "13" / "ancienne-friche.yml").read_text()
    (venues / "ancienne-friche.yml").write_text(
        text.replace("date_verification: 2026-01-10", "date_verification: 2024-01-10"))
    result = build_site(tmp_path / "venues", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "out/lieux/ancienne-friche/index.html").read_text("utf-8")
    assert "À vérifier :" in page
    region = (tmp_path / "out/territoires/provence-alpes-cote-d-azur/index.html")
    assert "à vérifier</span>" in region.read_text("utf-8")


def test_venue_page_links_to_edit_and_report(fixture_site: Path) -> None:
    page = (fixture_site / "lieux/atelier-commun-rennes/index.html").read_text("utf-8")
    assert ('href="https://github.com/tiers-lieux/annuaire/edit/main/'
            'content/venues/35/atelier-commun-rennes.yml">Modifier ce lieu</a>') in page
    assert ("issues/new?template=correction.yml&amp;lieu=atelier-commun-rennes&amp;"
            "title=%5BCorrection%5D%20L%27Atelier%20commun\">Signaler une erreur</a>") in page


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=root, check=True, capture_output=True)


def test_pull_request_summary(tmp_path: Path) -> None:
    venues = tmp_path / "content" / "venues"
    for dep in ("35", "13", "75"):
        (venues / dep).mkdir(parents=True)
    for rel in ("35/atelier-commun-rennes.yml", "75/coworking-faubourg.yml"):
        (venues / rel).write_bytes((FIXTURE_VENUES / rel).read_bytes())
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    _git(tmp_path, "switch", "-qc", "pr")
    rennes = venues / "35/atelier-commun-rennes.yml"
    rennes.write_text(rennes.read_text().replace("statut: ouvert", "statut: ferme\n"
                                                 "date_fermeture: 2026-10-31"))
    (venues / "13/ancienne-friche.yml").write_bytes(
        (FIXTURE_VENUES / "13/ancienne-friche.yml").read_bytes())
    (venues / "75/coworking-faubourg.yml").unlink()
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-qm", "pr")
    text = summary("main", "https://github.com/o/r", "abc123", root=tmp_path)
    assert ("- ➕ Ajoute « L'Ancienne Friche » (Marseille) : [content/venues/13/ancienne-"
            "friche.yml](https://github.com/o/r/blob/abc123/content/venues/13/ancienne-friche"
            ".yml)") in text
    assert "- 🔒 Ferme (Fermé) « L'Atelier commun » (Rennes)" in text
    assert "champs : date_fermeture, statut" in text
    assert "- ⚠️ Supprime « Coworking du Faubourg » (Paris) : une fiche ne se supprime pas" in text


def test_site_has_an_add_or_edit_page(fixture_site: Path) -> None:
    page = (fixture_site / "contribuer" / "index.html").read_text("utf-8")
    assert "<h1>Ajouter ou modifier un lieu</h1>" in page
    assert "issues/new?template=nouveau-lieu.yml" in page
    assert 'href="/contribuer/"' in (fixture_site / "index.html").read_text("utf-8")
