"""The bot's immediate answer to a contribution issue (`tierslieux reply-issue`).

Bodies are written as GitHub renders the forms ("### <question>" then the answer), with
the questions' real titles; duplicates are looked for among the real venues of
content/venues, as the workflow does.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from tierslieux.check.validate import check_text
from tierslieux.contribute import confirmform
from tierslieux.contribute.fromissue import convert
from tierslieux.contribute.issueform import FIELDS
from tierslieux.contribute.issuereply import MARKER, decode_preview, reply
from tierslieux.importing.directory import Directory
from tierslieux.model.paths import VENUES_DIR
from tierslieux.model.yamlwrite import dump_venue

TIERSLIEUX = Path(sys.executable).with_name("tierslieux")
ISSUES = ROOT / "tests" / "fixtures" / "issues"
DAY = dt.date(2026, 11, 30)
SITE = "https://tiers-lieux.github.io/annuaire"
TITLES = {f.id: f.title() for f in FIELDS}
# A real venue of the directory: Breizh Entropy, Rennes (48.106669, -1.650961).
REAL = yaml.safe_load((VENUES_DIR / "35" / "breizh-entropy.yml").read_text("utf-8"))
METRES_PER_DEGREE = 111_195


def body(**answers: str) -> str:
    """An issue body as GitHub writes it, questions in the form's order."""
    parts = []
    for f in FIELDS:
        parts.append(f"### {f.title()}\n\n{answers.get(f.id) or '_No response_'}\n")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def directory() -> Directory:
    return Directory.load(VENUES_DIR)


def _answer(text: str, **kw) -> str:
    return reply(text, day=DAY, site_url=SITE, **kw)


def _section(text: str, heading: str) -> str:
    """The lines under a "### heading", up to the next heading."""
    match = re.search(rf"^### {re.escape(heading)}\n(.*?)(?=^### |\Z)", text, re.S | re.M)
    assert match, f"no section « {heading} » in:\n{text}"
    return match.group(1)


def _preview_link(text: str) -> str:
    (url,) = re.findall(r"\((https://\S+/contribuer/#fiche=[A-Za-z0-9_-]+)\)", text)
    return url


def _table(text: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in _section(text, "Ce que nous avons compris").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 3 and cells[0] not in ("Question", "---"):
            rows[cells[0]] = (cells[1], cells[2])
    return rows


@pytest.mark.parametrize("name", ["breizh entropy", "Breizh Entropy - hackerspace"])
def test_a_venue_already_listed_150_m_away_is_named_with_its_distance(directory, name):
    north = REAL["latitude"] + 150 / METRES_PER_DEGREE
    text = _answer(body(nom=name, types="Fablab", statut="Ouvert",
                        adresse="6 rue d'Ouessant", code_postal="35000", commune="Rennes",
                        coordonnees=f"{north:.6f}, {REAL['longitude']}"),
                   directory=directory)
    duplicates = _section(text, "Ce lieu existe peut-être déjà")
    assert (f"Ce lieu existe peut-être déjà : [Breizh Entropy]({SITE}/lieux/breizh-entropy/), "
            "à 150 m (nom semblable).") in duplicates


def test_another_name_next_door_is_not_a_duplicate(directory) -> None:
    north = REAL["latitude"] + 150 / METRES_PER_DEGREE
    text = _answer(body(nom="Atelier Vélo Solidaire", types="Fablab", statut="Ouvert",
                        adresse="6 rue d'Ouessant", code_postal="35000", commune="Rennes",
                        coordonnees=f"{north:.6f}, {REAL['longitude']}"),
                   directory=directory)
    assert "existe peut-être déjà" not in text


def test_a_venue_without_coordinates_is_compared_within_its_commune(directory) -> None:
    text = _answer(body(nom="Breizh Entropy", types="Fablab", statut="Ouvert",
                        code_postal="35000", commune="Rennes"), directory=directory)
    duplicates = _section(text, "Ce lieu existe peut-être déjà")
    assert f"[Breizh Entropy]({SITE}/lieux/breizh-entropy/), dans la même commune" in duplicates


def test_a_new_venue_far_from_any_other_has_no_duplicate_section(directory) -> None:
    text = _answer((ISSUES / "nouveau-lieu.md").read_text("utf-8"), directory=directory)
    assert "existe peut-être déjà" not in text


def test_the_table_speaks_the_forms_words_and_the_preview_decodes_to_the_file(
        directory, tmp_path: Path) -> None:
    issue = (ISSUES / "nouveau-lieu.md").read_text("utf-8")
    text = _answer(issue, directory=directory)
    assert text.startswith(MARKER + "\n")
    rows = _table(text)
    assert rows[TITLES["types"]][0] == "Coworking, Fablab, Café associatif"
    assert rows[TITLES["statut"]][0] == "Ouvert"
    assert rows[TITLES["commune"]] == ("Rennes", "orthographe officielle")  # typed "rennes"
    assert rows[TITLES["code_insee"]] == ("35238", "déduit du code postal et de la commune")
    assert rows[TITLES["date_ouverture"]][0] == "15 mars 2021"
    assert rows[TITLES["horaires"]][0].startswith("Du lundi au vendredi : 9 h – 18 h")
    assert rows[TITLES["tarifs_journee"]][0] == "14,5 €"
    assert rows[TITLES["connectivite_wifi"]][0] == "Oui"
    cells = " ".join(v for v, _ in rows.values())
    assert not re.search(r"\b(true|false|null)\b", cells)  # no YAML words
    assert "À compléter ou corriger" not in text
    # The preview carries exactly the file from-issue writes (its id made unique).
    path, errors = convert(issue, tmp_path, DAY)
    assert errors == []
    written = yaml.load(path.read_text("utf-8"), Loader=yaml.BaseLoader)
    shown = decode_preview(_preview_link(text))
    assert yaml.load(dump_venue(shown), Loader=yaml.BaseLoader) == written
    problems = check_text(dump_venue(shown).encode(), f"35/{shown['id']}.yml")
    assert [p for p in problems if p.is_error] == []


def test_missing_and_unreadable_answers_are_named_with_how_to_fix_them(directory) -> None:
    text = _answer(body(commune="Rennes", code_postal="35000", tarifs_journee="gratuit"),
                   directory=directory)
    todo = _section(text, "À compléter ou corriger")
    for missing in ("nom", "types"):  # named, whatever from-issue's wording
        assert re.search(f"^- « {re.escape(TITLES[missing])} » : (ce champ est obligatoire"
                         "|manquant)", todo, re.M), missing
    assert f"« {TITLES['tarifs_journee']} » : « gratuit » n'est pas un nombre" in todo
    assert not re.search(r"…$", todo, re.M)  # messages (lists of options) are never cut
    assert "modifiez votre demande" in todo
    rows = _table(text)
    assert rows[TITLES["tarifs_journee"]] == ("gratuit", "**à corriger** (voir plus bas)")
    assert rows[TITLES["commune"]][0] == "Rennes"  # what could be read is still shown
    assert decode_preview(_preview_link(text)) == {"code_postal": "35000", "commune": "Rennes"}


def test_untrusted_text_cannot_add_markup_links_or_mentions(directory) -> None:
    text = _answer(body(nom="[Gagnez](https://evil.example) @everyone <img src=x> | col",
                        types="Fablab", statut="Ouvert", code_postal="35000",
                        commune="Rennes"), directory=directory)
    shown = _table(text)[TITLES["nom"]][0]
    # The tag is shown escaped, or dropped by from-issue's cleaning of pasted HTML.
    assert shown in ("\\[Gagnez\\](https://evil.example) @\u2060everyone &lt;img src=x&gt; "
                     "\\| col", "\\[Gagnez\\](https://evil.example) @\u2060everyone \\| col")
    assert "<img" not in text and not re.search(r"(?<!\\)\]\(https://evil", text)
    assert not re.search(r"(^|\s)@everyone", text)


def _confirmation(venue_id: str, request: str, manager: str = "_No response_",
                  closing: str = "_No response_") -> str:
    answers = {confirmform.ID_TITLE: venue_id, confirmform.REQUEST_TITLE: request,
               confirmform.CLOSING_DATE_TITLE: closing, confirmform.MANAGER_TITLE: manager,
               confirmform.COMMENT_TITLE: "Merci pour l'annuaire !"}
    return "\n".join(f"### {t}\n\n{answers[t]}\n" for t in confirmform.TITLES)


def test_a_confirmation_says_what_will_change_in_the_file() -> None:
    text = _answer(_confirmation("breizh-entropy", confirmform.EXACT, manager="Oui"),
                   author="marie-be")
    rows = _table(text)
    assert rows["Lieu"][0] == f"[Breizh Entropy]({SITE}/lieux/breizh-entropy/)"
    assert rows["Votre demande"][0] == "Les informations sont exactes"
    assert rows["Gestionnaire ajouté"][0] == "marie-be"
    changes = _section(text, "Ce qui changera dans la fiche")
    assert "- date de vérification : 30 novembre 2026" in changes
    assert "- gestionnaires : ajout de @\u2060marie-be" in changes
    closed = _answer(_confirmation("breizh-entropy", confirmform.CLOSED, closing="30/06/2026"))
    assert "- statut : fermé\n- date de fermeture : 30 juin 2026" in closed


def test_a_confirmation_with_a_wrong_id_or_no_choice_is_explained() -> None:
    text = _answer(_confirmation("breizh-entropi", confirmform.EXACT))
    assert ("« Identifiant du lieu » : aucun lieu de l'annuaire n'a l'identifiant "
            "« breizh-entropi »") in _section(text, "À compléter ou corriger")
    text = _answer(_confirmation("breizh-entropy", "_No response_"))
    assert ("« Votre demande » : choisissez « Les informations sont exactes » ou « Le lieu "
            "a fermé ».") in _section(text, "À compléter ou corriger")


def test_a_correction_shows_each_change_beside_the_current_value() -> None:
    issue = "### Identifiant du lieu\n\nbreizh-entropy\n\n" + body(
        horaires="Tu-Sa 14:00-19:00", site_web="https://breizh-entropy.org/")
    text = _answer(issue)
    rows = _table(text)
    assert rows["Lieu"][0] == f"[Breizh Entropy]({SITE}/lieux/breizh-entropy/)"
    assert rows[TITLES["horaires"]][0] == ("Lundi : fermé<br>Du mardi au samedi : 14 h – 19 h"
                                           "<br>Dimanche : fermé")
    assert rows[TITLES["site_web"]] == ("https://breizh-entropy.org/",
                                        f"avant : {REAL['site_web']}")
    corrected = decode_preview(_preview_link(text))
    assert corrected["horaires"] == "Tu-Sa 14:00-19:00"
    assert corrected["nom"] == "Breizh Entropy" and corrected["id"] == "breizh-entropy"


def test_the_command_writes_the_reply_and_never_a_traceback(tmp_path: Path) -> None:
    issue = tmp_path / "issue.md"
    out = tmp_path / "reply.md"
    issue.write_bytes(b"### Nom du lieu\n\n\xff\xfe pas de l'UTF-8\n")
    run = subprocess.run([TIERSLIEUX, "reply-issue", "--body", issue, "--out", out,
                          "--date", "2026-11-30", "--site-url", SITE],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr
    assert out.read_text("utf-8").startswith(MARKER + "\nCette demande n'a pas pu être lue")
    run = subprocess.run([TIERSLIEUX, "reply-issue", "--body", issue, "--out", out,
                          "--date", "30/11/2026"], capture_output=True, text=True)
    assert run.returncode == 2 and "AAAA-MM-JJ" in run.stderr and "Traceback" not in run.stderr


def test_hours_in_french_words_are_shown_not_crashed_on(directory) -> None:
    """Whether from-issue turns them into OSM or asks for another wording, the reply reads
    them back in French."""
    text = _answer(body(nom="Le Local", types="Fablab", statut="Ouvert",
                        adresse="3 rue de la Paix", code_postal="35000", commune="Rennes",
                        coordonnees="48.1125, -1.6880",
                        horaires="du mardi au samedi de 14h à 19h"), directory=directory)
    shown = _table(text)[TITLES["horaires"]][0].lower()
    assert "mardi" in shown and "samedi" in shown and "19" in shown


def test_mutated_bodies_always_get_a_reply(directory) -> None:
    """The fuzzer's hostile answers (HTML, control characters, odd scalars, broken
    headings) in the three kinds of body: a reply, never an exception."""
    import random

    from fuzz.mutate import ISSUE_OPERATORS, mutate

    corpus = [p.read_bytes() for p in sorted(ISSUES.glob("*.md"))]
    corpus += [_confirmation("breizh-entropy", confirmform.EXACT, manager="Oui").encode(),
               ("### Identifiant du lieu\n\nbreizh-entropy\n\n" + body(
                   horaires="Mo 10:00-12:00", nom="Breizh")).encode()]
    for index in range(int(os.environ.get("REPLY_FUZZ_CASES", "60"))):
        rng = random.Random(f"reply:{index}")
        data, _ = mutate(rng, rng.choice(corpus), corpus, ISSUE_OPERATORS)
        text = _answer(data.decode("utf-8", "replace"), author="marie-be", directory=directory)
        assert text.startswith(MARKER + "\n") and len(text) <= 60_100
