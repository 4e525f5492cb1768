"""« Je gère ce lieu » : the confirmation form and `tierslieux confirm-from-issue`.

Run on copies of real venue files: Bug (Rennes), imported from #MapLabBZH and never
confirmed since, and Le Dôme (Caen), written by hand (a folded description, `49.1810`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from tierslieux.check.validate import validate
from tierslieux.contribute import confirmform
from tierslieux.model.paths import VENUES_DIR

TIERSLIEUX = Path(sys.executable).with_name("tierslieux")
IMPORTED = VENUES_DIR / "35" / "bug-rennes.yml"
HANDWRITTEN = VENUES_DIR / "14" / "le-dome-caen.yml"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    for source in (IMPORTED, HANDWRITTEN):
        target = tmp_path / "venues" / source.parent.name / source.name
        target.parent.mkdir(parents=True)
        shutil.copy(source, target)
    (tmp_path / "CODEOWNERS").write_text("* @equipe-annuaire\n", encoding="utf-8")
    return tmp_path


def issue(venue_id: str, request: str, manager: str = "_No response_",
          closing: str = "_No response_") -> str:
    """The body GitHub writes for the confirmation form (titles read from the form)."""
    answers = {"identifiant": venue_id, "demande": request, "gestionnaire": manager,
               "date_fermeture": closing, "commentaire": "Merci !"}
    return "\n".join(f"### {e['attributes']['label']}\n\n{answers[e['id']]}\n"
                     for e in confirmform.confirm_form()["body"] if "id" in e)


def run(repo: Path, body: str, author: str = "marie-bug", date: str = "2026-11-30"):
    (repo / "issue.md").write_text(body, encoding="utf-8")
    return subprocess.run([TIERSLIEUX, "confirm-from-issue", "--body", repo / "issue.md",
                           f"--author={author}", "--date", date, "--into", repo / "venues",
                           "--codeowners", repo / "CODEOWNERS"], capture_output=True, text=True)


def _changed_lines(before: Path, after: Path) -> tuple[set[str], set[str]]:
    old = before.read_text("utf-8").splitlines()
    new = after.read_text("utf-8").splitlines()
    return set(old) - set(new), set(new) - set(old)


def _venue(repo: Path, venue_id: str):
    result = validate([repo / "venues"], universe=repo / "venues")
    assert [p for p in result.problems if p.is_error] == []
    return next(v for v in result.venues if v.id == venue_id)


def test_committed_form_is_the_generated_one_with_the_contracts_labels() -> None:
    committed = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE/confirmer.yml").read_text())
    assert committed == confirmform.confirm_form()
    assert committed["labels"] == ["confirmation"]
    assert committed["title"] == "[Confirmer] "
    labels = [e["attributes"]["label"] for e in committed["body"] if "id" in e]
    assert {"Identifiant du lieu", "Votre demande",
            "Ajouter mon compte GitHub aux gestionnaires du lieu", "Commentaire"} <= set(labels)
    request = next(e for e in committed["body"] if e.get("id") == "demande")
    assert request["attributes"]["options"] == ["Les informations sont exactes",
                                                "Le lieu a fermé"]


def test_confirming_an_imported_venue_makes_it_confirmed_and_its_manager_an_owner(repo):
    assert not _venue(repo, "bug-rennes").confirmed
    result = run(repo, issue("bug-rennes", confirmform.EXACT, manager="Oui"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[1:] == ["- date de vérification : 30 novembre 2026",
                                              "- gestionnaires : ajout de @marie-bug"]
    after = repo / "venues" / "35" / "bug-rennes.yml"
    removed, added = _changed_lines(IMPORTED, after)
    assert removed == {"date_verification: 2020-01-01"}
    assert added == {"date_verification: 2026-11-30", "gestionnaires:", "  - marie-bug"}
    venue = _venue(repo, "bug-rennes")
    assert venue.confirmed and venue.data["gestionnaires"] == ["marie-bug"]
    owners = (repo / "CODEOWNERS").read_text("utf-8").splitlines()
    assert owners[0] == "* @equipe-annuaire"  # the maintainers' own lines are kept
    assert "/content/venues/35/bug-rennes.yml @marie-bug" in owners
    # Confirming again changes nothing and adds no second handle.
    again = run(repo, issue("bug-rennes", confirmform.EXACT, manager="Oui"))
    assert again.returncode == 0 and again.stdout.startswith("Fiche déjà à jour")
    assert _venue(repo, "bug-rennes").data["gestionnaires"] == ["marie-bug"]


def test_without_oui_nobody_is_added(repo) -> None:
    result = run(repo, issue("bug-rennes", confirmform.EXACT, manager="Non"))
    assert result.returncode == 0
    assert "gestionnaires" not in _venue(repo, "bug-rennes").data
    assert "bug-rennes" not in (repo / "CODEOWNERS").read_text("utf-8")


def test_a_closure_sets_the_status_and_date_and_keeps_a_handwritten_file_as_written(repo):
    result = run(repo, issue("le-dome-caen", confirmform.CLOSED, closing="30/06/2026"))
    assert result.returncode == 0, result.stdout + result.stderr
    after = repo / "venues" / "14" / "le-dome-caen.yml"
    removed, added = _changed_lines(HANDWRITTEN, after)
    assert removed == {"statut: ouvert", 'date_verification: "2026-11-22"'}
    assert added == {"statut: ferme", "date_fermeture: 2026-06-30",
                     "date_verification: 2026-11-30"}
    assert "latitude: 49.1810" in after.read_text("utf-8")  # untouched lines stay as written
    data = _venue(repo, "le-dome-caen").data
    assert (data["statut"], data["date_fermeture"]) == ("ferme", "2026-06-30")


@pytest.mark.parametrize(("body", "expected"), [
    (issue("bug-renes", confirmform.EXACT),
     "« Identifiant du lieu » : aucun lieu n'a l'identifiant « bug-renes »"),
    (issue("../../etc/passwd", confirmform.EXACT),
     "« Identifiant du lieu » : « ../../etc/passwd » n'est pas un identifiant de lieu"),
    (issue("", confirmform.EXACT), "« Identifiant du lieu » : ce champ est obligatoire"),
    (issue("bug-rennes", "_No response_"),
     "« Votre demande » : choisissez « Les informations sont exactes » ou « Le lieu a fermé »"),
    (issue("bug-rennes", confirmform.CLOSED, closing="l'an dernier"),
     "« Date de fermeture (si le lieu a fermé) » : « l'an dernier » n'est pas une date"),
    (issue("bug-rennes", confirmform.CLOSED, closing="31/12/2030"),
     "est après la date de la demande"),
])
def test_a_wrong_request_is_explained_in_french_and_changes_nothing(repo, body, expected):
    result = run(repo, body)
    assert result.returncode == 1
    assert result.stdout.startswith("La demande n'a pas pu être appliquée. À corriger :")
    assert expected in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert (repo / "venues" / "35" / "bug-rennes.yml").read_bytes() == IMPORTED.read_bytes()


@pytest.mark.parametrize("login", ["evil\n* @attacker", "ghost", "dependabot[bot]", "-dash",
                                   "a b", "x" * 40, ""])
def test_an_unknown_or_malicious_login_never_reaches_the_file_or_codeowners(repo, login):
    result = run(repo, issue("bug-rennes", confirmform.EXACT, manager="Oui"), author=login)
    assert result.returncode == 1
    assert "n'est pas un compte GitHub qui puisse gérer un lieu" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert (repo / "venues" / "35" / "bug-rennes.yml").read_bytes() == IMPORTED.read_bytes()
    assert (repo / "CODEOWNERS").read_text("utf-8") == "* @equipe-annuaire\n"


def test_a_wrong_date_option_is_a_french_usage_error(repo) -> None:
    result = run(repo, issue("bug-rennes", confirmform.EXACT), date="30/11/2026")
    assert result.returncode == 2 and "AAAA-MM-JJ" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_site_forms_text_sent_by_e_mail_is_read_too(repo) -> None:
    """The site's form writes the contract's four sections (no closing date), and a mail
    client may turn line breaks into CRLF."""
    body = ("### Identifiant du lieu\n\nbug-rennes\n\n"
            "### Votre demande\n\nLe lieu a fermé\n\n"
            "### Ajouter mon compte GitHub aux gestionnaires du lieu\n\nNon\n\n"
            "### Commentaire\n\nFermé depuis l'été.\n").replace("\n", "\r\n")
    result = run(repo, body)
    assert result.returncode == 0, result.stdout + result.stderr
    data = _venue(repo, "bug-rennes").data
    assert data["statut"] == "ferme" and "date_fermeture" not in data
    assert data["date_verification"] == "2026-11-30"
