"""The contribution form at /contribuer/ in a real browser.

The texts the form sends (GitHub issue and e-mail) are read back here by the real
`tierslieux from-issue` code and checked by the real validator; the messages the form
shows are compared with the validator's own messages for the same value.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from conftest import axe_violations
from tierslieux.check.validate import check_text
from tierslieux.contribute.fromissue import convert, sections
from tierslieux.contribute.issueform import FIELDS
from tierslieux.model.hours import week_schedule
from tierslieux.reference.refdata import reference_data

TITLES = {f.id: f.title() for f in FIELDS}
CONTACT = "contact@annuaire-tiers-lieux.fr"  # CONTACT_EMAIL of pelicanconf.py


def page_catalogue(site: Path) -> dict:
    return json.loads((site / "contribuer" / "formulaire.json").read_text("utf-8"))


def test_the_page_asks_every_question_of_the_issue_form_under_its_title(fixture_site: Path):
    """The form follows the Python side: a question added or renamed in issueform.FIELDS
    reaches the page, and the sections it writes are the ones from-issue reads."""
    catalogue = page_catalogue(fixture_site)
    assert [(f["id"], f["title"], f["kind"]) for f in catalogue["fields"]] == [
        (f.id, f.title(), f.kind) for f in FIELDS]
    html = (fixture_site / "contribuer" / "index.html").read_text("utf-8")
    placed = catalogue["essentials"] + [i for g in catalogue["groups"] for i in g["fields"]]
    assert sorted(placed) == sorted(f.id for f in FIELDS)  # each question once
    for f in FIELDS:
        assert html.count(f'data-field="{f.id}"') == 1, f.id


def test_commune_suggestions_cover_every_commune_in_small_files(fixture_site: Path):
    folder = fixture_site / "donnees" / "communes"
    rows = {prefix.stem: json.loads(prefix.read_text("utf-8")) for prefix in folder.iterdir()}
    assert ["Rennes", "35238", "35000 35200 35700", ""] in rows["35"]
    valserhone = next(row for row in rows["01"] if row[1] == "01033")
    assert "Bellegarde-sur-Valserine" in valserhone[3].split("|")  # a former name
    listed = {row[1] for file in rows.values() for row in file}
    ref = reference_data()
    expected = {c.code for c in ref.communes.values() if c.parent is None and c.codes_postaux}
    assert listed == expected
    assert max(p.stat().st_size for p in folder.iterdir()) < 40_000  # one file per postcode


def open_form(page, served_site: str, suffix: str = "") -> None:
    page.goto(f"{served_site}/contribuer/{suffix}")
    page.wait_for_selector("#cf-app[data-ready]")


def field(page, field_id: str):
    return page.locator(f"#cf-{field_id}")


def open_group(page, title: str) -> None:
    page.locator("details.cf-group > summary", has_text=title).click()


def tick_day(page, day: str) -> None:
    page.locator(f'.cf-day[data-day="{day}"] .cf-day-name input').check()


def fill_new_venue(page) -> None:
    """What a person would type for a small venue in Mende, the hours with the widget."""
    field(page, "nom").fill("La Fabrique du Causse")
    page.get_by_label("Coworking").check()
    page.get_by_label("Fablab").check()
    field(page, "adresse").fill("3 place du Foirail")
    field(page, "code_postal").fill("48 000")
    field(page, "code_postal").blur()
    page.wait_for_function("document.querySelector('#cf-communes option[value=Mende]')")
    assert "Badaroux" in page.locator("#cf-communes option").evaluate_all(
        "options => options.map(o => o.value)")  # 48000 is the postcode of several communes
    field(page, "commune").fill("mende")
    field(page, "site_web").fill("fabrique-causse.example.org")
    field(page, "site_web").blur()
    field(page, "courriel").fill("bonjour@fabrique-causse.example.org")
    field(page, "description").fill("Coworking et fablab associatif au cœur de Mende.")
    for day in ("Tu", "We", "Th"):
        tick_day(page, day)
    open_group(page, "Adresse : précisions et position")
    field(page, "coordonnees").fill("44.5181, 3.5000")
    field(page, "coordonnees").blur()


def sent_text(page) -> str:
    return page.locator("#cf-texte").input_value()


def test_without_javascript_the_page_explains_both_ways(browser, served_site):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    page.goto(f"{served_site}/contribuer/")
    assert not page.locator("#cf-app").is_visible()
    ways = page.locator(".cf-ways")
    issue_link = ways.get_by_role("link", name="Proposer un nouveau lieu sur GitHub")
    assert "/issues/new?template=nouveau-lieu.yml" in issue_link.get_attribute("href")
    mail = ways.locator(f'a[href^="mailto:{CONTACT}"]')
    assert mail.count() == 1
    listed = ways.locator("ul li").all_inner_texts()
    for essential in ("nom", "types", "adresse", "code_postal", "commune", "horaires"):
        assert TITLES[essential] in listed
    assert "a besoin de JavaScript" in ways.inner_text()
    ctx.close()


def test_a_filled_form_sends_texts_that_from_issue_turns_into_a_valid_file(page, served_site,
                                                                         tmp_path: Path):
    open_form(page, served_site)
    fill_new_venue(page)
    assert field(page, "site_web").input_value() == "https://fabrique-causse.example.org"
    assert field(page, "code_postal").input_value() == "48000"
    assert "Aucune erreur repérée" in page.locator("#cf-bilan").inner_text()
    body = sent_text(page)
    answers = sections(body)
    assert answers[TITLES["commune"]] == "mende"
    assert answers[TITLES["types"]] == "Coworking, Fablab"
    assert answers[TITLES["horaires"]] == "Tu-Th 09:00-12:00,14:00-18:00"

    github = urlparse(page.locator("#cf-github").get_attribute("href"))
    query = parse_qs(github.query)
    assert github.path.endswith("/issues/new")
    assert query["body"] == [body]
    assert query["labels"] == ["nouveau-lieu"]
    assert query["title"] == ["[Nouveau lieu] La Fabrique du Causse"]
    mail = page.locator("#cf-mail").get_attribute("href")
    assert mail.startswith(f"mailto:{CONTACT}?")
    mail_body = unquote(mail.split("body=", 1)[1])
    assert mail_body == body

    # A mail client may wrap the text in CRLF; from-issue reads both the same way.
    for number, text in enumerate([body, mail_body.replace("\n", "\r\n")]):
        into = tmp_path / str(number)
        path, errors = convert(text, into, dt.date(2026, 11, 20))
        assert errors == []
        written = path.read_text(encoding="utf-8")
        assert check_text(written.encode(), str(path)) == []
        assert "site_web: https://fabrique-causse.example.org" in written
        assert "commune: Mende" in written  # the official spelling
        assert "code_insee: '48095'" in written or 'code_insee: "48095"' in written


def test_a_french_error_appears_next_to_the_field_then_clears(page, served_site, tmp_path):
    open_form(page, served_site)
    email = field(page, "courriel")
    error = page.locator("#cf-courriel-erreur")
    email.fill("bonjour chez fabrique.fr")
    assert error.is_hidden()  # not while the person is still typing the first time
    email.blur()
    assert error.is_visible()
    assert email.get_attribute("aria-invalid") == "true"
    assert "cf-courriel-erreur" in email.get_attribute("aria-describedby")

    # The same words as the validator for the same value (message, then hint).
    venue = (Path(__file__).parent / "fixtures/venues/35/atelier-commun-rennes.yml").read_text()
    venue = venue.replace("contact@atelier-commun.example.org", '"bonjour chez fabrique.fr"')
    [problem] = [p for p in check_text(venue.encode(), "35/atelier-commun-rennes.yml")
                 if p.field == "courriel"]
    expected = problem.message[0].upper() + problem.message[1:] + " " + problem.hint
    assert error.inner_text() == expected
    assert "Courriel" in page.locator("#cf-bilan").inner_text()

    email.fill("bonjour@fabrique.fr")  # fixed while typing: the error goes at once
    assert error.is_hidden()
    assert email.get_attribute("aria-invalid") is None


def test_a_commune_that_does_not_have_the_postcode_is_pointed_out(page, served_site):
    open_form(page, served_site)
    field(page, "code_postal").fill("35000")
    field(page, "commune").fill("Saint-Malo")
    field(page, "commune").blur()
    error = page.locator("#cf-commune-erreur")
    error.wait_for()
    assert error.inner_text().startswith("Le code postal n'appartient pas à la commune. "
                                         "Communes de ce code postal : Rennes.")
    field(page, "commune").fill("rennes")  # case and accents do not matter, as in from-issue
    assert error.is_hidden()
    field(page, "code_postal").fill("01200")  # a former name is accepted, as in from-issue
    field(page, "commune").fill("Bellegarde sur Valserine")
    page.wait_for_function("document.querySelector('#cf-communes option[value=Valserhône]')")
    assert error.is_hidden()


def test_a_text_too_long_for_a_link_is_copied_instead(context, served_site):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_form(page, served_site)
    fill_new_venue(page)
    # Accents and dashes take 6 to 9 characters each once put in a link.
    field(page, "description").fill("Été — " * 330)
    assert page.locator("#cf-long").is_visible()
    query = parse_qs(urlparse(page.locator("#cf-github").get_attribute("href")).query)
    assert "body" not in query and query["title"] == ["[Nouveau lieu] La Fabrique du Causse"]
    page.get_by_role("button", name="Copier le texte").click()
    page.locator("#cf-copied").get_by_text("Texte copié").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == sent_text(page)


def test_a_required_field_left_empty_is_named_and_a_list_error_uses_the_form_title(page,
                                                                               served_site):
    open_form(page, served_site)
    name = field(page, "nom")
    name.fill("")
    name.blur()
    assert page.locator("#cf-nom-erreur").inner_text().startswith(
        f"Le champ obligatoire « {TITLES['nom']} » manque.")
    description = field(page, "description")
    description.fill("Court")
    description.blur()
    assert "il faut au moins 10 caractères" in page.locator("#cf-description-erreur").inner_text()


def test_the_hours_widget_writes_the_osm_expression_and_reads_it_in_french(page, served_site):
    open_form(page, served_site)
    for day in ("Mo", "Tu", "We", "Th", "Fr"):
        tick_day(page, day)
    tick_day(page, "Sa")
    saturday = page.locator('.cf-day[data-day="Sa"]')
    saturday.get_by_role("button", name="Retirer la plage 2 du samedi").click()
    saturday.get_by_label("samedi, plage 1, début").fill("10:00")
    saturday.get_by_label("samedi, plage 1, fin").fill("12:30")
    page.get_by_label("Sur rendez-vous").check()
    expression = field(page, "horaires").input_value()
    assert expression == ('Mo-Fr 09:00-12:00,14:00-18:00 "sur rendez-vous"; '
                          'Sa 10:00-12:30 "sur rendez-vous"')
    reading = page.locator("#cf-horaires-lecture").inner_text()
    assert reading.startswith("Lecture : Du lundi au vendredi : de 9 h à 12 h et de 14 h à "
                              "18 h ; samedi : de 10 h à 12 h 30, sur rendez-vous.")
    # The expression is one the validator's opening-hours library reads as meant.
    assert week_schedule(expression)[0] == (
        "Du lundi au vendredi", "9 h – 12 h (sur rendez-vous), 14 h – 18 h (sur rendez-vous)")

    # Copy one day's ranges to the other ticked days; a season before each rule.
    monday = page.locator('.cf-day[data-day="Mo"]')
    monday.get_by_role("button", name="Retirer la plage 2 du lundi").click()
    page.locator('.cf-day[data-day="Mo"]').get_by_role(
        "button", name="Copier sur les autres jours cochés les horaires du lundi").click()
    page.get_by_label("Sur rendez-vous").uncheck()
    page.get_by_label("Premier mois d'ouverture").select_option(label="avril")
    page.get_by_label("Dernier mois d'ouverture").select_option(label="octobre")
    assert field(page, "horaires").input_value() == "Apr-Oct Mo-Sa 09:00-12:00"
    assert "Du lundi au samedi : de 9 h à 12 h (d'avril à octobre)." in page.locator(
        "#cf-horaires-lecture").inner_text()


def test_hours_typed_by_hand_update_the_widget_or_are_kept_as_written(page, served_site):
    open_form(page, served_site)
    page.locator(".cf-hours-expr summary").click()
    field(page, "horaires").fill("Mo,We 10:00-12:00")
    assert page.locator('.cf-day[data-day="We"] .cf-day-name input').is_checked()
    assert not page.locator('.cf-day[data-day="Tu"] .cf-day-name input').is_checked()
    assert page.locator("#cf-horaires-lecture").inner_text().startswith(
        "Lecture : Lundi et mercredi : de 10 h à 12 h.")
    # French words are for from-issue to read: accepted here, never an error.
    field(page, "horaires").fill("du mardi au samedi de 14h à 19h")
    field(page, "horaires").blur()
    assert "gardés tels quels" in page.locator("#cf-horaires-lecture").inner_text()
    assert page.locator("#cf-horaires-erreur").is_hidden()
    assert sections(sent_text(page))[TITLES["horaires"]] == "du mardi au samedi de 14h à 19h"


def test_the_preview_shows_the_list_entry_as_it_will_look(page, served_site):
    open_form(page, served_site)
    entry = page.locator("#cf-apercu li")
    field(page, "nom").fill("Le Bocal")
    assert entry.locator("a").inner_text() == "Le Bocal"
    page.get_by_label("Repair café").check()
    page.get_by_label("Hackerspace").check()
    assert entry.locator(".types").inner_text() == "Hackerspace, Repair café"
    field(page, "code_postal").fill("35000")
    field(page, "commune").fill("Rennes")
    assert entry.locator(".where").inner_text() == "Rennes"
    field(page, "statut").select_option(label="En projet")
    assert entry.get_attribute("class") == "statut-projet"
    assert entry.locator(".badge").inner_text() == "En projet"


def test_correcting_a_venue_prefills_it_from_its_published_data(page, served_site, tmp_path):
    open_form(page, served_site, "?lieu=atelier-commun-rennes&action=corriger")
    assert field(page, "nom").input_value() == "L'Atelier commun"
    assert page.get_by_label("Fablab").is_checked()
    assert field(page, "horaires").input_value() == "Mo-Fr 09:00-18:00; Sa 10:00-13:00"
    assert page.locator('.cf-day[data-day="Sa"] .cf-day-name input').is_checked()
    assert not page.locator('.cf-day[data-day="Su"] .cf-day-name input').is_checked()
    assert "Corriger la fiche de « L'Atelier commun »" in page.locator("#cf-mode").inner_text()
    open_group(page, "Contact")
    field(page, "telephone").fill("+33 (0)2 99 11 22 33")
    field(page, "telephone").blur()
    assert field(page, "telephone").input_value() == "02 99 11 22 33"
    body = sent_text(page)
    assert body.startswith("### Identifiant du lieu\n\natelier-commun-rennes\n\n### ")
    assert sections(body)[TITLES["telephone"]] == "02 99 11 22 33"
    query = parse_qs(urlparse(page.locator("#cf-github").get_attribute("href")).query)
    assert query["title"] == ["[Correction] L'Atelier commun"]
    # The correction updates the venue's own file, in a copy of the directory.
    shutil.copytree(Path(__file__).parent / "fixtures" / "venues", tmp_path / "venues")
    path, errors = convert(body, tmp_path / "venues", dt.date(2026, 11, 20))
    assert errors == [] and path == tmp_path / "venues" / "35" / "atelier-commun-rennes.yml"
    assert "telephone: 02 99 11 22 33" in path.read_text(encoding="utf-8")
    assert check_text(path.read_bytes(), str(path)) == []


def test_an_itinerant_venue_round_trips_through_the_form(page, served_site, tmp_path):
    open_form(page, served_site, "?lieu=tiers-lieu-roulant&action=corriger")
    assert page.locator("#cf-apercu li .where").inner_text() == "itinérant, au départ de Mende"
    stops = sections(sent_text(page))[TITLES["etapes"]].splitlines()
    assert stops[0] == "Mende ; 48000 ; 44.5181, 3.5 ; Tu 09:00-17:00"
    assert "Aucune erreur repérée" in page.locator("#cf-bilan").inner_text()
    shutil.copytree(Path(__file__).parent / "fixtures" / "venues", tmp_path / "venues")
    path, errors = convert(sent_text(page), tmp_path / "venues", dt.date(2026, 11, 20))
    assert errors == [] and path == tmp_path / "venues" / "48" / "tiers-lieu-roulant.yml"
    assert check_text(path.read_bytes(), str(path)) == []


@pytest.mark.parametrize(("action", "answer"), [("confirmer", "Les informations sont exactes"),
                                                ("fermer", "Le lieu a fermé")])
def test_confirming_a_venue_takes_one_choice(page, served_site, action, answer):
    open_form(page, served_site, f"?lieu=atelier-commun-rennes&action={action}")
    assert page.locator("#cf-confirm").is_visible()
    assert not field(page, "nom").is_visible()
    assert page.locator("#cf-apercu li a").inner_text() == "L'Atelier commun"
    page.get_by_label("Ajouter mon compte GitHub aux gestionnaires du lieu").check()
    page.get_by_label("Commentaire (facultatif)").fill("Merci !")
    body = sent_text(page)
    assert body == ("### Identifiant du lieu\n\natelier-commun-rennes\n\n"
                    f"### Votre demande\n\n{answer}\n\n"
                    "### Ajouter mon compte GitHub aux gestionnaires du lieu\n\nOui\n\n"
                    "### Commentaire\n\nMerci !\n")
    query = parse_qs(urlparse(page.locator("#cf-github").get_attribute("href")).query)
    assert query["labels"] == ["confirmation"]
    assert query["title"] == ["[Confirmer] L'Atelier commun"]


def test_a_fiche_link_shows_the_venue_in_the_form_and_its_preview(page, served_site):
    venue = {"nom": "Le Tiers-Lieu d'Été", "types": ["tiers_lieu_nourricier"],
             "statut": "projet", "adresse": "1 rue du Pré", "code_postal": "48000",
             "commune": "Mende", "horaires": "Sa 09:00-12:00", "tarifs": {"gratuit": True}}
    encoded = base64.urlsafe_b64encode(json.dumps(venue).encode()).decode().rstrip("=")
    open_form(page, served_site, f"#fiche={encoded}")
    assert field(page, "nom").input_value() == "Le Tiers-Lieu d'Été"
    assert field(page, "tarifs_gratuit").input_value() == "true"
    assert page.locator("#cf-apercu li a").inner_text() == "Le Tiers-Lieu d'Été"
    assert "Samedi : de 9 h à 12 h." in page.locator("#cf-horaires-lecture").inner_text()
    assert sections(sent_text(page))[TITLES["tarifs_gratuit"]] == "Oui"


def test_text_from_a_link_is_shown_as_text_never_as_markup(page, served_site):
    venue = {"nom": '<img src=x onerror="window.pwned=1">Lieu', "types": ["coworking"],
             "commune": "</script><b>Rennes</b>"}
    encoded = base64.urlsafe_b64encode(json.dumps(venue).encode()).decode()
    open_form(page, served_site, f"#fiche={encoded}")
    entry = page.locator("#cf-apercu li")
    assert entry.locator("a").inner_text() == venue["nom"]
    assert entry.locator("img, b").count() == 0
    assert page.evaluate("window.pwned") is None


def test_ajv_comes_from_node_modules(fixture_site: Path):
    built = fixture_site / "vendor" / "ajv" / "ajv2020.min.js"
    root = Path(__file__).resolve().parents[1]
    assert built.read_bytes() == (root / "node_modules/ajv-dist/dist/ajv2020.min.js").read_bytes()
    published = fixture_site / "donnees" / "schema" / "venue.schema.json"
    assert published.read_bytes() == (root / "schema" / "venue.schema.json").read_bytes()


def test_a_broken_link_says_so_and_leaves_an_empty_form(page, served_site):
    open_form(page, served_site, "?lieu=ce-lieu-n-existe-pas&action=corriger")
    assert "Aucun lieu n'a l'identifiant" in page.locator("#cf-mode").inner_text()
    assert field(page, "nom").input_value() == ""
    open_form(page, served_site, "#fiche=pas-du-json")
    assert "incomplet ou abîmé" in page.locator("#cf-mode").inner_text()


def test_the_form_has_no_accessibility_violations(page, served_site):
    assert axe_violations(page, f"{served_site}/contribuer/") == []
    page.wait_for_selector("#cf-app[data-ready]")
    fill_new_venue(page)
    field(page, "courriel").fill("pas une adresse")
    field(page, "courriel").blur()
    for title in ("Tarifs", "Accessibilité"):
        open_group(page, title)
    violations = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '));
    }""")
    assert violations == []


@pytest.mark.parametrize("width", [320, 360])
def test_no_sideways_scroll_on_a_phone(browser, served_site, width):
    ctx = browser.new_context(viewport={"width": width, "height": 700})
    page = ctx.new_page()
    open_form(page, served_site)
    fill_new_venue(page)
    for summary in page.locator("details > summary").all():
        summary.click()
    page.locator('.cf-day[data-day="Tu"]').get_by_role(
        "button", name="Ajouter une plage le mardi").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    ctx.close()
