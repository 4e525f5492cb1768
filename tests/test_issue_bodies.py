"""`tierslieux from-issue` on requests written the way venue managers write them.

The bodies in tests/fixtures/issue-bodies/ are what non-technical people type in the
issue form or an e-mail: dates in words, websites without https://, postcodes in quotes
or with a letter O, commune names without accents, pasted emojis and HTML, overseas
venues, an itinerant venue, a mail wrapped at 72 columns with CRLF line ends and a
signature. Most must give a file the real validator accepts with no maintainer edit;
the others must say exactly what to add. Positions come from the loopback fake of the
national address service.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from fakes.ban import FakeBan, unreachable_url
from tierslieux.check.validate import validate
from tierslieux.contribute.fromissue import Conversion, convert_issue, read_issue, sections
from tierslieux.importing.geocode import Geocoder

BODIES = ROOT / "tests" / "fixtures" / "issue-bodies"
TIERSLIEUX = Path(sys.executable).with_name("tierslieux")
DAY = dt.date(2026, 11, 20)
NEW_VENUES = sorted(p for p in BODIES.glob("*.md") if "correction" not in p.name)
# The requests that cannot give a venue, and the start of what the answer says to add.
REFUSED = {
    "09-incomplet-sans-commune.md":
        "« Commune » : indiquez le code postal et la commune du lieu",
    "10-incomplet-sans-types.md":
        "« Types » : manquant ; choisissez au moins un type parmi « Coworking »",
    "19-horaires-illisibles.md":
        "« Horaires » : « ça dépend de la météo, venez nous voir » n'a pas été compris : "
        "écrivez les jours puis les heures, par exemple « du mardi au samedi de 14h à 19h »",
}


@dataclass
class Run:
    folder: Path
    results: dict[str, Conversion]

    def data(self, name: str) -> dict:
        path = self.results[name].path
        assert path is not None, self.results[name].errors
        return yaml.safe_load(path.read_text(encoding="utf-8"))

    def notes(self, name: str) -> list[str]:
        return self.results[name].notes


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    """Every new-venue body converted into one venues folder, as the bot would."""
    folder = tmp_path_factory.mktemp("venues")
    with FakeBan() as ban:
        geocoder = Geocoder(ban.url, rate=0)
        results = {p.name: convert_issue(p.read_text(encoding="utf-8"), folder, DAY,
                                         geocoder=geocoder) for p in NEW_VENUES}
    yield Run(folder, results)


def test_the_figures_twenty_valid_files_and_three_precise_refusals(run: Run) -> None:
    created = sorted(name for name, r in run.results.items() if r.path is not None)
    refused = sorted(name for name, r in run.results.items() if r.path is None)
    assert len(NEW_VENUES) == 23
    assert len(created) == 20
    assert refused == sorted(REFUSED)
    checked = validate([run.folder], universe=run.folder)
    assert [str(e) for e in checked.errors] == []
    assert len(checked.venues) == 20
    assert sorted(p.name for p in run.folder.rglob("*.yml")) == sorted(
        run.results[name].path.name for name in created)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_refusal_says_exactly_what_to_add(run: Run, name: str) -> None:
    result = run.results[name]
    assert result.path is None
    assert len(result.errors) == 1
    assert result.errors[0].startswith(REFUSED[name])


def test_the_request_of_the_issue_is_read_as_meant(run: Run) -> None:
    """The realistic answer once refused with five errors now gives a venue."""
    data = run.data("01-rennes-comme-dans-l-issue.md")
    assert data["code_postal"] == "35000" and data["code_insee"] == "35238"
    assert str(data["date_ouverture"]) == "2021-03-01"
    assert data["site_web"] == "https://www.fabrique-du-coin.fr"
    assert data["horaires"] == "Tu-Sa 14:00-19:00"
    assert data["position"] == {"methode": "adresse", "score": 0.97}
    assert (data["latitude"], data["longitude"]) == pytest.approx((48.1063, -1.6775), abs=0.01)
    notes = run.notes("01-rennes-comme-dans-l-issue.md")
    assert "Date d'ouverture : « mars 2021 » lue comme 2021-03-01 (premier jour du mois)" in notes
    assert "Horaires lus : du mardi au samedi : 14 h – 19 h" in notes
    assert any(n.startswith("Position tirée de l'adresse (score 0,97)") for n in notes)


def test_commune_without_accents_free_text_type_and_appointment(run: Run) -> None:
    data = run.data("02-saint-etienne-sans-accents.md")
    assert (data["commune"], data["code_insee"]) == ("Saint-Étienne", "42218")
    assert data["adresse"] == "14 rue de la Republique"
    assert data["types"] == ["coworking"]
    assert data["telephone"] == "04 77 12 34 56"
    assert data["horaires"] == 'Mo-Fr 09:00-18:00; Sa unknown "sur rendez-vous"'
    # Not found by the address service: the commune's centre, flagged as approximate.
    assert data["position"] == {"methode": "commune"}
    notes = run.notes("02-saint-etienne-sans-accents.md")
    assert "Types : « espace de coworking » lu comme « Coworking »" in notes
    assert "Horaires lus : du lundi au vendredi : 9 h – 18 h ; samedi : sur rendez-vous" in notes
    assert any(n.startswith("Position approximative : centre de Saint-Étienne") for n in notes)


def test_emojis_and_pasted_html_are_removed(run: Run) -> None:
    emojis = run.results["03-emojis.md"].path
    text = emojis.read_text(encoding="utf-8")
    assert not any(ord(c) > 0x2600 for c in text if c not in "–…’«»")
    data = run.data("03-emojis.md")
    assert data["nom"] == "La Cantine Numérique" and data["adresse"] == "7 rue du Port"
    assert "Nom du lieu : émojis retirés" in run.notes("03-emojis.md")
    html = run.data("04-html-colle.md")
    assert html["nom"] == "L'Atelier des Mains Vertes"
    assert html["adresse"] == "3 chemin des Vignes"
    assert html["site_web"] == "https://mains-vertes.org"
    assert html["description"] == ("Un atelier partagé et un repair café.\n\n"
                                   "Outils, conseils et bonne humeur.")
    assert html["horaires"] == "Tu 10:00-12:00,14:00-18:00; Th 14:00-18:00; PH off"


def test_overseas_venues(run: Run) -> None:
    reunion = run.data("05-la-reunion.md")
    assert (reunion["commune"], reunion["code_insee"]) == ("Saint-Denis", "97411")
    assert reunion["code_postal"] == "97400"
    assert reunion["telephone"] == "02 62 20 12 34"
    assert reunion["latitude"] < -20 and reunion["position"]["methode"] == "adresse"
    assert reunion["horaires"] == "Mo-Fr 08:00-19:00; Sa,Su 10:00-18:00"
    guadeloupe = run.data("06-guadeloupe.md")
    assert guadeloupe["commune"] == "Pointe-à-Pitre" and guadeloupe["types"] == ["fablab"]
    assert guadeloupe["telephone"] == "05 90 82 12 34"
    cayenne = run.data("07-cayenne.md")
    assert cayenne["types"] == ["espace_public_numerique"]
    assert cayenne["position"]["methode"] == "adresse"
    gosier = run.data("20-statut-et-date-en-mots.md")
    assert gosier["code_insee"] == "97113" and str(gosier["date_ouverture"]) == "2019-01-01"
    assert any(n.startswith("Position approximative : centre du Gosier")
               for n in run.notes("20-statut-et-date-en-mots.md"))
    mayotte = run.data("23-mamoudzou.md")
    assert mayotte["code_insee"] == "97611" and mayotte["telephone"] == "02 69 61 12 34"
    assert mayotte["types"] == ["coworking", "incubateur"]


def test_itinerant_venue_with_stops_in_words(run: Run) -> None:
    data = run.data("08-itinerant.md")
    assert "adresse" not in data and "latitude" not in data
    assert [(s["commune"], s["code_insee"], s["horaires"]) for s in data["etapes"]] == [
        ("Mende", "48095", "Tu 09:00-17:00"), ("Marvejols", "48092", "Th 09:00-17:00")]
    assert "Étape 1 : position du centre de Mende" in run.notes("08-itinerant.md")


def test_mail_with_crlf_wrapping_and_a_signature(run: Run) -> None:
    assert b"\r\n" in (BODIES / "11-courriel-crlf-coupe.md").read_bytes()
    data = run.data("11-courriel-crlf-coupe.md")
    assert data["horaires"] == "Mo-Fr 09:00-18:00; Sa 10:00-13:00"  # a line cut in two
    assert "\r" not in data["description"]
    assert data["description"].endswith("une petite salle de réunion.")
    text = run.results["11-courriel-crlf-coupe.md"].path.read_text(encoding="utf-8")
    assert "Marie" not in text and "Bonjour" not in text  # the signature and greeting


def test_mail_with_questions_in_any_order(run: Run) -> None:
    data = run.data("12-courriel-ordre-libre.md")
    assert (data["nom"], data["commune"], data["adresse"]) == (
        "Repair Café de Pau", "Pau", "5 rue Tran")
    assert data["types"] == ["repair_cafe"] and data["statut"] == "ouvert"
    assert data["horaires"] == "Sa 14:00-17:00"
    assert "Horaires : texte après une ligne vide non repris (« Merci ! »)" in run.notes(
        "12-courriel-ordre-libre.md")


def test_a_personal_email_is_left_out_and_masked(run: Run) -> None:
    name = "13-courriel-personnel.md"
    data = run.data(name)
    assert "courriel" not in data
    assert "dupont" not in run.results[name].path.read_text(encoding="utf-8")
    assert not any("dupont" in n for n in run.notes(name))
    assert "Courriel : courriel non repris : donnée personnelle probable (j…@gmail.com)" in (
        run.notes(name))


def test_more_forgiving_readings(run: Run) -> None:
    appointment = run.data("14-sur-rendez-vous.md")
    assert appointment["horaires"] == 'unknown "sur rendez-vous"'
    assert appointment["statut"] == "projet"
    assert appointment["site_web"] == "http://labo-des-savoirs.fr"
    assert "Horaires lus : sur rendez-vous" in run.notes("14-sur-rendez-vous.md")
    canal = run.data("15-telephone-international.md")
    assert canal["code_postal"] == "35000" and canal["telephone"] == "02 99 12 34 56"
    assert canal["types"] == ["fablab", "atelier_partage"]
    assert canal["site_web"] == "https://ateliers-du-canal.fr/accueil"
    assert canal["horaires"] == "Tu-Su 08:30-20:00"
    assert str(run.data("16-date-en-chiffres.md")["date_ouverture"]) == "2021-03-12"
    paris = run.data("17-paris-arrondissement.md")
    assert (paris["commune"], paris["code_insee"], paris["code_postal"]) == (
        "Paris", "75056", "75018")
    assert paris["position"]["methode"] == "adresse"
    packed = run.data("18-adresse-avec-code-postal.md")
    assert (packed["adresse"], packed["code_postal"], packed["commune"]) == (
        "12 rue de Siam", "29200", "Brest")
    assert run.data("21-horaires-osm.md")["horaires"] == "Mo-Fr 09:00-18:00; Sa 10:00-13:00"
    given = run.data("22-coordonnees-donnees.md")
    assert (given["latitude"], given["longitude"]) == (48.1125, -1.688)
    assert "position" not in given  # surveyed by a person: no method to flag
    assert given["horaires"] == "Tu-Fr 09:00-18:00"


def test_correction_updates_the_named_venue(tmp_path: Path) -> None:
    """Answers given replace the file's values; questions left empty keep them."""
    with FakeBan() as ban:
        geocoder = Geocoder(ban.url, rate=0)
        created = convert_issue((BODIES / "01-rennes-comme-dans-l-issue.md").read_text(),
                                tmp_path, DAY, geocoder=geocoder)
        before = yaml.safe_load(created.path.read_text(encoding="utf-8"))
        fixed = convert_issue((BODIES / "24-correction-horaires-et-site.md").read_text(),
                              tmp_path, dt.date(2026, 12, 1), geocoder=geocoder)
    assert fixed.errors == [] and fixed.updated and fixed.path == created.path
    after = yaml.safe_load(fixed.path.read_text(encoding="utf-8"))
    assert after["horaires"] == "We-Sa 10:00-18:00"
    assert after["site_web"] == "https://fabrique-du-coin.org"
    assert str(after["date_verification"]) == "2026-12-01"
    unchanged = {k: v for k, v in before.items()
                 if k not in ("horaires", "site_web", "date_verification")}
    assert {k: after[k] for k in unchanged} == unchanged
    assert len(list(tmp_path.rglob("*.yml"))) == 1
    assert validate([tmp_path], universe=tmp_path).errors == []


def test_correction_that_moves_the_venue_geocodes_the_new_address(tmp_path: Path) -> None:
    with FakeBan() as ban:
        geocoder = Geocoder(ban.url, rate=0)
        created = convert_issue((BODIES / "01-rennes-comme-dans-l-issue.md").read_text(),
                                tmp_path, DAY, geocoder=geocoder)
        moved = convert_issue((BODIES / "25-correction-demenagement.md").read_text(),
                              tmp_path, DAY, geocoder=geocoder)
    assert moved.errors == [] and moved.path == tmp_path / "75" / "la-fabrique-du-coin.yml"
    assert not created.path.exists()
    data = yaml.safe_load(moved.path.read_text(encoding="utf-8"))
    assert (data["adresse"], data["code_insee"], data["position"]["methode"]) == (
        "83 boulevard Ornano", "75056", "adresse")
    assert data["horaires"] == "Tu-Sa 14:00-19:00"  # kept


def test_correction_of_an_unknown_venue_names_the_identifier(tmp_path: Path) -> None:
    body = (BODIES / "24-correction-horaires-et-site.md").read_text().replace(
        "la-fabrique-du-coin", "../../etc/passwd")
    reading = read_issue(body, DAY, into=tmp_path)
    assert reading.data is None
    assert reading.errors == ["« Identifiant du lieu » : aucun lieu « ../../etc/passwd » dans "
                              "l'annuaire ; copiez l'identifiant affiché en bas de la page du "
                              "lieu."]


def test_correction_free_text_does_not_leak_into_the_answers() -> None:
    answers = sections((BODIES / "24-correction-horaires-et-site.md").read_text())
    assert answers["Horaires"] == "du mercredi au samedi de 10h à 18h"
    assert answers["Ce qui est faux ou manquant"].startswith("Nous avons changé")


def _cli(body: Path, into: Path, url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIERSLIEUX_GEOCODER_URL": url}
    return subprocess.run([str(TIERSLIEUX), "from-issue", str(body), "--into", str(into),
                           "--date", "2026-11-20"], capture_output=True, text=True, env=env)


def test_cli_prints_what_was_understood(tmp_path: Path) -> None:
    with FakeBan() as ban:
        done = _cli(BODIES / "01-rennes-comme-dans-l-issue.md", tmp_path, ban.url)
    assert done.returncode == 0, done.stderr
    assert "Fiche créée" in done.stdout and "Ce qui a été compris :" in done.stdout
    assert "- Position tirée de l'adresse (score 0,97)" in done.stdout
    refused = _cli(BODIES / "10-incomplet-sans-types.md", tmp_path, unreachable_url())
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert refused.stdout.startswith("La fiche n'a pas pu être créée.")


def test_cli_without_the_address_service_uses_the_communes_centre(tmp_path: Path) -> None:
    done = _cli(BODIES / "01-rennes-comme-dans-l-issue.md", tmp_path, unreachable_url())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "service national d'adresses injoignable" in done.stdout
    data = yaml.safe_load(next(tmp_path.rglob("*.yml")).read_text(encoding="utf-8"))
    assert data["position"] == {"methode": "commune"}


def test_correction_of_one_price_keeps_the_others(tmp_path: Path) -> None:
    full = ROOT / "tests" / "fixtures" / "issues" / "nouveau-lieu.md"
    created = convert_issue(full.read_text(encoding="utf-8"), tmp_path, DAY)
    body = "### Identifiant du lieu\n\nla-fabrique-du-coin\n\n### Journée (€)\n\n16 €\n"
    fixed = convert_issue(body, tmp_path, DAY)
    assert fixed.errors == [] and fixed.path == created.path
    data = yaml.safe_load(fixed.path.read_text(encoding="utf-8"))
    assert data["tarifs"] == {"gratuit": False, "demi_journee": 8, "journee": 16,
                              "adhesion": 20, "details": "Tarif réduit pour les étudiants."}
    assert (data["latitude"], data["longitude"]) == (48.1125, -1.688)  # place untouched


def test_correction_cannot_silently_turn_a_fixed_venue_itinerant(tmp_path: Path) -> None:
    full = ROOT / "tests" / "fixtures" / "issues" / "nouveau-lieu.md"
    created = convert_issue(full.read_text(encoding="utf-8"), tmp_path, DAY)
    before = created.path.read_text(encoding="utf-8")
    body = ("### Identifiant du lieu\n\nla-fabrique-du-coin\n\n"
            "### Étapes (lieu itinérant seulement)\n\nMende ; 48000 ; mardi 9h-17h\n")
    refused = convert_issue(body, tmp_path, DAY)
    assert refused.path is None
    assert refused.errors[0].startswith("« Étapes (lieu itinérant seulement) » : ce lieu a une "
                                        "adresse")
    assert created.path.read_text(encoding="utf-8") == before


def test_closure_reported_from_the_venue_page_link(tmp_path: Path) -> None:
    """The page's « Signaler que le lieu a fermé » prefills « statut : fermé » lines."""
    created = convert_issue((BODIES / "01-rennes-comme-dans-l-issue.md").read_text(),
                            tmp_path, DAY)
    closed = convert_issue((BODIES / "26-correction-fermeture.md").read_text(), tmp_path, DAY)
    assert closed.errors == [] and closed.path == created.path
    data = yaml.safe_load(closed.path.read_text(encoding="utf-8"))
    assert data["statut"] == "ferme" and str(data["date_fermeture"]) == "2024-06-01"
    assert data["horaires"] == "Tu-Sa 14:00-19:00"
    assert "Ce qu'il faudrait écrire : « statut : fermé » lu comme réponse à « Statut »" in (
        closed.notes)


def test_a_double_dash_inside_an_answer_is_not_a_signature() -> None:
    body = ("### Nom du lieu\n\nLe Lieu\n\n### Description\n\nAvant\n--\nAprès\n\n"
            "### Site web\n\nwww.le-lieu.fr\n\n-- \nMarie Martin\n")
    answers = sections(body)
    assert answers["Description"] == "Avant\n--\nAprès"
    assert answers["Site web"] == "www.le-lieu.fr"
