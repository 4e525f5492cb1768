"""The importer's normalisation of values typed by people, shared with `from-issue`.

Each case is what someone wrote in a form or a spreadsheet cell, and what the venue file
must hold; the refusals are the texts that must not be guessed.
"""

from __future__ import annotations

import pytest

from tierslieux.importing.frenchhours import from_sentence
from tierslieux.importing.normalize import (
    date_reading,
    postcode,
    vocabulary_code,
    without_pictographs,
)
from tierslieux.model.schema import resolve, venue_schema


@pytest.mark.parametrize(("written", "expression"), [
    ("du mardi au samedi de 14h à 19h", "Tu-Sa 14:00-19:00"),
    ("lundi, mercredi 9h-12h et 14h-18h", "Mo,We 09:00-12:00,14:00-18:00"),
    ("Du lundi au vendredi 9h-18h, samedi sur rendez-vous",
     'Mo-Fr 09:00-18:00; Sa unknown "sur rendez-vous"'),
    ("sur rendez-vous", 'unknown "sur rendez-vous"'),
    ("sur RDV", 'unknown "sur rendez-vous"'),
    ("tous les jours 8h30-20h sauf le lundi", "Tu-Su 08:30-20:00"),
    ("fermé le lundi, du mardi au dimanche 10h-18h", "Tu-Su 10:00-18:00"),
    ("lundi fermé, mardi-vendredi 9h-18h", "Tu-Fr 09:00-18:00"),
    ("Mardi : 10h - 12h / 14h - 18h ; Jeudi : 14h-18h ; Fermé les jours fériés",
     "Tu 10:00-12:00,14:00-18:00; Th 14:00-18:00; PH off"),
    ("du lun. au ven. 9h30-17h30", "Mo-Fr 09:30-17:30"),
    ("en semaine de 8h à 19h, le week-end de 10h à 18h",
     "Mo-Fr 08:00-19:00; Sa,Su 10:00-18:00"),
    ("7j/7 24h/24", "Mo-Su 00:00-24:00"),
    ("les mercredis de 14 heures à 18 heures", "We 14:00-18:00"),
    ("du lundi au vendredi de 9h à\n12h et de 14h à 17h", "Mo-Fr 09:00-12:00,14:00-17:00"),
    # « après-midi » is a word before the hours, « midi » a time.
    ("le samedi de 10h a 17h et le mercredi apres-midi de 14h a 18h",
     "Sa 10:00-17:00; We 14:00-18:00"),
    ("mardi 9h-midi et 14h-18h", "Tu 09:00-12:00,14:00-18:00"),
])
def test_hours_in_french_become_the_osm_expression(written: str, expression: str) -> None:
    assert from_sentence(written) == expression


@pytest.mark.parametrize("written", [
    "9h-18h",  # which days?
    "ouvert le mercredi après-midi",  # which hours?
    "le marché du mardi 9h-12h",  # « marché » is not « mardi »
    "ça dépend de la météo",
    "mardi 19h-14h",  # ends before it starts
    "Mo-Fr 09:00-18:00",  # OSM syntax is read by the caller, not as French
])
def test_hours_not_understood_are_not_guessed(written: str) -> None:
    assert from_sentence(written) is None


@pytest.mark.parametrize(("written", "iso", "first_day_of"), [
    ("2021-03-15", "2021-03-15", None),
    ("15/03/2021", "2021-03-15", None),
    ("15.03.2021", "2021-03-15", None),
    ("15/03/21", "2021-03-15", None),
    ("15 mars 2021", "2021-03-15", None),
    ("1er février 2020", "2020-02-01", None),
    ("mars 2021", "2021-03-01", "du mois"),
    ("Sept. 2020", "2020-09-01", "du mois"),
    ("03/2021", "2021-03-01", "du mois"),
    ("2021", "2021-01-01", "de l'année"),
    ("depuis 2019", "2019-01-01", "de l'année"),
])
def test_dates_in_words_and_numbers(written: str, iso: str, first_day_of: str | None) -> None:
    """A month or a year alone is its first day, and the note says so."""
    value, note = date_reading(written)
    assert value == iso
    assert note == (f"« {written} » lue comme {iso} (premier jour {first_day_of})"
                    if first_day_of else None)


@pytest.mark.parametrize("written", ["31/02/2021", "bientôt", "2021-13-01", "mars"])
def test_impossible_dates_are_refused(written: str) -> None:
    assert date_reading(written) == (None, None)


@pytest.mark.parametrize(("written", "code"), [
    ("35000", "35000"), ("« 35000 »", "35000"), ('"35000"', "35000"), ("35 000", "35000"),
    ("« 35 000 »", "35000"), ("CP 35000", "35000"), ("35OOO", "35000"), ("97 400", "97400"),
    ("7000", "07000"),
])
def test_postcodes_as_typed(written: str, code: str) -> None:
    assert postcode(written)[0] == code


def _types() -> dict:
    return resolve(venue_schema()["properties"]["types"]["items"])


@pytest.mark.parametrize(("written", "code"), [
    ("Coworking", "coworking"), ("espace de coworking", "coworking"), ("cowork", "coworking"),
    ("fab lab", "fablab"), ("Fab-Lab", "fablab"), ("atelier partagé", "atelier_partage"),
    ("Atelier partage", "atelier_partage"), ("EPN", "espace_public_numerique"),
    ("recyclerie", "ressourcerie"), ("repair café", "repair_cafe"),
    ("tiers-lieu nourricier", "tiers_lieu_nourricier"), ("télétravail", "teletravail"),
    ("Café associatif", "cafe_associatif"), ("pépinière d'entreprises", "incubateur"),
])
def test_free_text_types_map_to_the_vocabulary(written: str, code: str) -> None:
    assert vocabulary_code(_types(), written) == code


@pytest.mark.parametrize("written", ["café", "lab", "boulangerie", "un lieu"])
def test_ambiguous_or_unknown_types_match_nothing(written: str) -> None:
    assert vocabulary_code(_types(), written) is None


def test_pictographs_are_removed_and_letters_kept() -> None:
    assert without_pictographs("🚀 La Cantine ✨ Numérique ☕️") == "La Cantine Numérique"
    assert without_pictographs("Œuvre « 1ère » – 3 €") == "Œuvre « 1ère » – 3 €"
