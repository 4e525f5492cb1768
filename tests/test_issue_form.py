"""Contributing without git: the issue form and `tierslieux from-issue`."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT
from tierslieux.check.validate import validate
from tierslieux.contribute.fromissue import convert, sections
from tierslieux.contribute.issueform import (
    ESSENTIALS,
    FIELDS,
    NOT_ASKED,
    correction_form,
    issue_form,
)
from tierslieux.model.schema import venue_schema

ISSUES = ROOT / "tests" / "fixtures" / "issues"
TIERSLIEUX = Path(sys.executable).with_name("tierslieux")
DAY = dt.date(2026, 11, 20)


def _leaf_paths(schema: dict, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    from tierslieux.model.schema import resolve

    out = set()
    for name, raw in schema["properties"].items():
        prop = resolve(raw)
        if prop.get("type") == "object":
            out |= _leaf_paths(prop, (*prefix, name))
        else:
            out.add((*prefix, name))
    return out


def test_form_asks_for_every_schema_field_or_says_why_not() -> None:
    asked = {f.path for f in FIELDS if f.kind != "coords"}
    asked |= {("latitude",), ("longitude",)} - {(k,) for k in NOT_ASKED}
    not_asked = {tuple(k.split(".")) for k in NOT_ASKED}
    assert _leaf_paths(venue_schema()) == asked | not_asked


def test_form_offers_every_vocabulary_label_and_unique_ids() -> None:
    form = issue_form()
    elements = [e for e in form["body"] if e["type"] != "markdown"]
    assert len({e["id"] for e in elements}) == len(elements)
    assert len({e["attributes"]["label"] for e in elements}) == len(elements)
    types = next(e for e in elements if e["id"] == "types")
    assert types["attributes"]["multiple"] is True
    assert "Tiers-lieu nourricier / agricole" in types["attributes"]["options"]


def test_committed_form_is_the_generated_one() -> None:
    committed = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/nouveau-lieu.yml").read_text())
    assert committed == issue_form()
    correction = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/correction.yml").read_text())
    assert correction == correction_form()


def test_github_form_shows_only_the_essentials_in_plain_french() -> None:
    """About a dozen questions, no file-format words, no coordinates (they are geocoded)."""
    shown = [issue_form()["description"]] + [
        text for e in issue_form()["body"] for key, value in e["attributes"].items()
        if key in ("label", "description", "value", "options")
        for text in (value if isinstance(value, list) else [value])]
    form = "\n".join(shown)
    elements = [e for e in issue_form()["body"] if e["type"] != "markdown"]
    assert [e["id"] for e in elements] == [f.id for f in FIELDS if f.id in ESSENTIALS]
    assert 10 <= len(elements) <= 13
    assert "coordonnees" not in ESSENTIALS
    for word in ("guillemets", "true si", "Markdown", "opening_hours", "OpenStreetMap", "YAML",
                 "AAAA-MM-JJ", "pull request"):
        assert word not in form, word
    required = {e["id"] for e in elements if e.get("validations", {}).get("required")}
    assert required == {"nom", "types", "statut"}


def test_correction_form_names_the_venue_then_asks_the_same_optional_questions() -> None:
    elements = [e for e in correction_form()["body"] if e["type"] != "markdown"]
    assert elements[0]["attributes"]["label"] == "Identifiant du lieu"
    assert elements[0]["validations"] == {"required": True}
    asked = [e["id"] for e in elements[1:] if e["id"] in ESSENTIALS]
    assert asked == [f.id for f in FIELDS if f.id in ESSENTIALS]
    assert not any(e.get("validations") for e in elements[1:])


def test_sections_read_githubs_markdown() -> None:
    body = "### Nom du lieu\n\nLa Cantine\n\n### Code INSEE\n\n_No response_\n"
    assert sections(body) == {"Nom du lieu": "La Cantine", "Code INSEE": ""}


def test_realistic_issue_becomes_a_valid_file(tmp_path: Path) -> None:
    path, errors = convert((ISSUES / "nouveau-lieu.md").read_text(), tmp_path, DAY)
    assert errors == []
    assert path == tmp_path / "35" / "la-fabrique-du-coin.yml"
    result = validate([tmp_path], universe=tmp_path)
    assert result.errors == []
    data = result.venues[0].data
    assert data["types"] == ["coworking", "fablab", "cafe_associatif"]
    assert data["commune"] == "Rennes" and data["code_insee"] == "35238"
    assert data["tarifs"] == {"gratuit": False, "demi_journee": 8, "journee": 14.5,
                              "adhesion": 20, "details": "Tarif réduit pour les étudiants."}
    assert data["porteur"] == {"nom": "Association La Fabrique du Coin", "type": "association"}
    assert data["gestionnaires"] == ["fabrique-coin", "another-handle"]
    assert data["description"].startswith("Un **coworking**")
    assert data["date_verification"] == "2026-11-20"


def test_itinerant_issue(tmp_path: Path) -> None:
    path, errors = convert((ISSUES / "lieu-itinerant.md").read_text(), tmp_path, DAY)
    assert errors == []
    assert path == tmp_path / "48" / "le-camion-des-possibles.yml"
    venue = validate([tmp_path], universe=tmp_path).venues[0]
    assert [s["code_insee"] for s in venue.data["etapes"]] == ["48095", "48092"]


def test_incomplete_issue_is_explained_in_the_forms_words(tmp_path: Path) -> None:
    path, errors = convert((ISSUES / "incomplet.md").read_text(), tmp_path, DAY)
    assert path is None
    assert list(tmp_path.iterdir()) == []
    assert any(e.startswith("« Types » : « Boulangerie »") and "« Fablab »" in e for e in errors)
    assert any(e.startswith("« Journée (€) »") for e in errors)
    # « 48,1125 -1,6880 » (decimal commas, a space between) is read, not refused.
    assert not any(e.startswith("« Coordonnées »") for e in errors)


def test_missing_address_is_named_after_the_form_question(tmp_path: Path) -> None:
    body = (ISSUES / "nouveau-lieu.md").read_text().replace("12 rue de Brest", "_No response_")
    path, errors = convert(body, tmp_path, DAY)
    assert path is None
    assert any(e.startswith("« Adresse » : le champ obligatoire") for e in errors)


def test_existing_id_gets_the_commune(tmp_path: Path) -> None:
    (tmp_path / "29").mkdir()
    (tmp_path / "29" / "la-fabrique-du-coin.yml").write_text("id: la-fabrique-du-coin\n")
    path, _ = convert((ISSUES / "nouveau-lieu.md").read_text(), tmp_path, DAY)
    assert path == tmp_path / "35" / "la-fabrique-du-coin-rennes.yml"


def test_cli(tmp_path: Path) -> None:
    ok = subprocess.run([str(TIERSLIEUX), "from-issue", str(ISSUES / "nouveau-lieu.md"),
                         "--into", str(tmp_path), "--date", "2026-11-20"],
                        capture_output=True, text=True)
    assert ok.returncode == 0 and "Fiche créée" in ok.stdout
    bad = subprocess.run([str(TIERSLIEUX), "from-issue", str(ISSUES / "incomplet.md"),
                          "--into", str(tmp_path)], capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stdout.startswith("La fiche n'a pas pu être créée.")
    assert "Traceback" not in bad.stderr


def test_guide_lists_the_forms_questions_and_what_they_accept() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for f in FIELDS:
        if f.id in ESSENTIALS:
            assert f"| {f.title()} |" in guide, f.id
    for example in ("mars 2021", "www.mon-lieu.fr", "du mardi au samedi de 14h à 19h",
                    "sur rendez-vous", "0262 20 12 34", "Identifiant du lieu".lower()):
        assert example in guide, example
