"""Placing import rows in their commune, as networks' files write them (issue 12).

Every test runs against the real official reference data: each one is a spelling or a
mistake seen in real files, and asserts the commune, the postcode written, and the French
note or reason a maintainer reads in the import report.
"""

from __future__ import annotations

import pytest

from tierslieux.importing.communes import (
    CommuneIndex,
    Located,
    commune_index,
    locate,
    match_key,
    nearest,
)
from tierslieux.reference.refdata import Commune, reference_data


@pytest.fixture(scope="module")
def index() -> CommuneIndex:
    return commune_index(reference_data())


def placed(found: Located) -> tuple[str | None, str | None]:
    assert found.reason is None, found.reason
    assert found.commune is not None
    return found.commune.code, found.postcode


# --- the key ------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "official"), [
    ("Salleboeuf", "Sallebœuf"),
    ("ST MALO", "Saint-Malo"),
    ("st.-malo", "Saint-Malo"),
    ("Mans (Le)", "Le Mans"),
    ("Mans, Le", "Le Mans"),
    ("Bourg St Andéol", "Bourg-Saint-Andéol"),
    ("STE LUCE", "Sainte-Luce"),
    ("Boulogne S/ Mer", "Boulogne-sur-Mer"),
    ("L HAY LES ROSES", "L'Haÿ-les-Roses"),
    ("L’Haÿ-les-Roses", "L'Haÿ-les-Roses"),
    ("BORDEAUX CEDEX 09", "Bordeaux"),
    ("Saint-Denis (La Réunion)", "Saint-Denis"),
    ("Saint Denis  (93)", "Saint-Denis"),
    ("PARIS 11EME ARR.", "Paris 11e Arrondissement"),
    ("Lyon 1er", "Lyon 1er Arrondissement"),
])
def test_spellings_of_one_commune_share_a_key(written: str, official: str) -> None:
    assert match_key(written) == match_key(official)


def test_different_communes_keep_different_keys() -> None:
    assert match_key("Le Mans") != match_key("Mans")
    assert match_key("Saint-Malo") != match_key("Sainte-Malo")
    assert match_key("Paris 11e") != match_key("Paris 1er")


def test_the_index_is_built_once_per_reference_data(index: CommuneIndex) -> None:
    assert commune_index(reference_data()) is index


# --- names ----------------------------------------------------------------------------------


def test_ligature_oe(index: CommuneIndex) -> None:
    found = locate(index, name="Salleboeuf", postcode="33370")
    assert placed(found) == ("33496", "33370")
    assert found.commune is not None and found.commune.nom == "Sallebœuf"
    assert found.notes == ["commune « Salleboeuf » écrite « Sallebœuf » (nom officiel, "
                           "code INSEE 33496)"]


def test_st_abbreviation_in_capitals(index: CommuneIndex) -> None:
    found = locate(index, name="ST MALO", postcode="35400")
    assert placed(found) == ("35288", "35400")
    assert "écrite « Saint-Malo »" in found.notes[0]
    assert placed(locate(index, name="Saint-Malo", postcode="35400")) == ("35288", "35400")
    assert locate(index, name="Saint-Malo", postcode="35400").notes == []
    assert placed(locate(index, name="Bourg St Andéol")) == ("07042", "07700")


def test_inverted_article(index: CommuneIndex) -> None:
    found = locate(index, name="Mans (Le)", postcode="72000")
    assert placed(found) == ("72181", "72000")
    assert found.notes == ["commune « Mans (Le) » écrite « Le Mans » (nom officiel, "
                           "code INSEE 72181)"]


def test_name_without_its_article_is_found_when_unique(index: CommuneIndex) -> None:
    assert placed(locate(index, name="Rochelle", postcode="17000")) == ("17300", "17000")


def test_accents_typed_in_the_source_are_trusted(index: CommuneIndex) -> None:
    # Chépy (Somme) and Chepy (Marne): with the accent it is the Somme's.
    assert placed(locate(index, name="Chépy")) == ("80190", "80210")
    reason = locate(index, name="CHEPY").reason or ""
    assert "Chepy (51149, Marne)" in reason and "Chépy (80190, Somme)" in reason


def test_official_parenthesised_names(index: CommuneIndex) -> None:
    assert placed(locate(index, name="Château-Chinon (Ville)")) == ("58062", "58120")
    reason = locate(index, name="Chateau Chinon").reason or ""
    assert "Château-Chinon (Ville) (58062" in reason and "(Campagne) (58063" in reason


# --- same-name communes -------------------------------------------------------------------


def test_same_name_told_apart_by_postcode(index: CommuneIndex) -> None:
    assert placed(locate(index, name="Saint-Denis", postcode="93200")) == ("93066", "93200")
    assert placed(locate(index, name="Saint-Denis", postcode="97490")) == ("97411", "97490")
    assert placed(locate(index, name="Bourg", postcode="33710")) == ("33067", "33710")
    assert placed(locate(index, name="Bourg", postcode="52200")) == ("52062", "52200")


def test_same_name_told_apart_by_departement_of_a_cedex_postcode(index: CommuneIndex) -> None:
    found = locate(index, name="Bourg", postcode="33049")
    assert placed(found) == ("33067", "33710")
    assert found.notes == ["code postal 33049 (code CEDEX ou inconnu) remplacé par 33710, "
                           "celui de Bourg"]


def test_same_name_told_apart_by_a_territory_in_parentheses(index: CommuneIndex) -> None:
    found = locate(index, name="Saint-Denis (La Réunion)", postcode="97400")
    assert placed(found) == ("97411", "97400")
    # Without a postcode the qualifier still picks the commune, whose postcodes are listed.
    assert locate(index, name="Saint-Denis (La Réunion)").reason == (
        "code postal manquant : Saint-Denis en a plusieurs (97400, 97417, 97490)")
    assert locate(index, name="Saint-Denis (93)").reason == (
        "code postal manquant : Saint-Denis en a plusieurs (93200, 93210, 93380)")
    assert "aucune commune de ce nom en « Corse »" in (
        locate(index, name="Saint-Denis (Corse)").reason or "")


def test_same_name_told_apart_by_the_territory_of_the_coordinates(index: CommuneIndex) -> None:
    # Saint-Pierre: in Martinique, La Réunion, Saint-Pierre-et-Miquelon and mainland France.
    found = locate(index, name="Saint-Pierre", lat=14.74, lon=-61.17)
    assert placed(found) == ("97225", "97250")
    assert found.notes[0] == ("commune « Saint-Pierre » : plusieurs communes portent ce nom, "
                              "retenue Saint-Pierre (97225, Martinique) d'après les coordonnées")


BOURG_CENTRES = {"33067": (45.041, -0.559), "52062": (47.786, 5.293)}


def bourg_position(commune: Commune) -> tuple[float, float] | None:
    return BOURG_CENTRES.get(commune.code)


def test_same_name_told_apart_only_by_coordinates(index: CommuneIndex) -> None:
    # Both Bourg are in mainland France: only the communes' centres can tell them apart.
    assert locate(index, name="Bourg", lat=45.05, lon=-0.55).reason is not None
    found = locate(index, name="Bourg", lat=45.05, lon=-0.55, position_of=bourg_position)
    assert placed(found) == ("33067", "33710")
    assert "retenue Bourg (33067, Gironde), la plus proche des coordonnées (1 km)" in found.notes[0]
    # Halfway between the two, the coordinates prove nothing.
    halfway = locate(index, name="Bourg", lat=46.4, lon=2.4, position_of=bourg_position)
    assert halfway.commune is None and "ambiguë" in (halfway.reason or "")


def test_nearest_needs_a_clear_margin() -> None:
    ref = reference_data()
    bourgs = [ref.communes["33067"], ref.communes["52062"]]
    assert nearest(bourgs, 47.7, 5.2, bourg_position) is not None
    assert nearest(bourgs, 46.4, 2.4, bourg_position) is None  # halfway
    assert nearest(bourgs, 43.3, 5.4, bourg_position) is None  # far from both


def test_ambiguity_lists_the_candidates_with_their_departement(index: CommuneIndex) -> None:
    found = locate(index, name="Saint-Denis")
    assert found.commune is None
    assert found.reason == (
        "commune « Saint-Denis » ambiguë : 4 communes portent ce nom (Saint-Denis (11339, "
        "Aude), Saint-Denis (30247, Gard), Saint-Denis (93066, Seine-Saint-Denis), "
        "Saint-Denis (97411, La Réunion)) ; ajoutez le code postal")


# --- former communes ----------------------------------------------------------------------


def test_commune_deleguee_leads_to_todays_commune(index: CommuneIndex) -> None:
    found = locate(index, name="Acqueville", postcode="50440")
    assert placed(found) == ("50041", "50440")
    assert found.notes == ["ancienne commune « Acqueville » : aujourd'hui La Hague "
                           "(code INSEE 50041)"]
    andard = locate(index, name="ANDARD", postcode="49800")
    assert placed(andard) == ("49307", "49800")
    assert andard.notes == ["ancienne commune « Andard » : aujourd'hui Loire-Authion "
                            "(code INSEE 49307)"]


def test_former_commune_and_current_namesake(index: CommuneIndex) -> None:
    # Béon (Yonne) exists; Béon (Ain) is now part of Culoz-Béon: the postcode decides.
    assert placed(locate(index, name="Béon", postcode="89410")) == ("89037", "89410")
    assert placed(locate(index, name="Béon", postcode="01350")) == ("01138", "01350")
    reason = locate(index, name="Béon").reason or ""
    assert "Culoz-Béon (01138, Ain, ancienne commune Béon)" in reason


def test_former_insee_code(index: CommuneIndex) -> None:
    found = locate(index, insee="50001", name="Acqueville", postcode="50440")
    assert found.commune is not None and found.commune.code == "50041"
    assert found.notes[0] == ("code INSEE 50001 (ancienne commune « Acqueville ») remplacé "
                              "par 50041, celui de La Hague")


# --- postcodes ----------------------------------------------------------------------------


def test_cedex_postcode_replaced_by_the_communes_only_postcode(index: CommuneIndex) -> None:
    found = locate(index, name="MERIGNAC CEDEX", postcode="33705")
    assert placed(found) == ("33281", "33700")
    assert found.notes[0] == "code postal 33705 (CEDEX) remplacé par 33700, celui de Mérignac"


def test_cedex_postcode_of_a_commune_with_several_is_not_guessed(index: CommuneIndex) -> None:
    found = locate(index, name="Bordeaux Cedex", postcode="33049")
    assert found.commune is None
    assert found.reason == ("le code postal 33049 (CEDEX) n'est pas celui de Bordeaux "
                            "(33063), qui en a plusieurs (33000, 33100, 33200, 33300, "
                            "33800) : indiquez le bon")


def test_wrong_postcode_in_the_same_departement(index: CommuneIndex) -> None:
    found = locate(index, name="Saint-Malo", postcode="35000")
    assert placed(found) == ("35288", "35400")
    assert found.notes == ["code postal 35000 (celui de Rennes) remplacé par 35400, "
                           "celui de Saint-Malo"]


def test_wrong_postcode_elsewhere_is_a_reason(index: CommuneIndex) -> None:
    found = locate(index, name="Sallebœuf", postcode="35000")
    assert found.commune is None
    assert found.reason == ("la commune « Sallebœuf » ne correspond pas au code postal 35000 "
                            "(communes de ce nom : Sallebœuf (33496, Gironde))")
    several = locate(index, name="Le Mans", postcode="72999")
    assert "qui en a plusieurs (72000, 72100)" in (several.reason or "")


def test_postcode_that_is_the_insee_code(index: CommuneIndex) -> None:
    found = locate(index, name="Saint-Malo", postcode="35288")
    assert placed(found) == ("35288", "35400")
    assert found.notes == ["code postal 35288 (c'est le code INSEE de Saint-Malo) remplacé "
                           "par 35400, celui de Saint-Malo"]


def test_missing_postcode_or_commune(index: CommuneIndex) -> None:
    plescop = locate(index, name="Plescop")
    assert placed(plescop) == ("56158", "56890")
    assert plescop.notes == ["code postal absent : 56890, celui de Plescop"]
    assert locate(index, name="Paris").reason == (
        "code postal manquant : Paris en a plusieurs (75001, 75002, 75003, 75004, 75005, "
        "75006, 75007, 75008, 75009, 75010, 75011, 75012, 75013, 75014, 75015, 75016, "
        "75116, 75017, 75018, 75019, 75020)")
    alone = locate(index, postcode="35400")
    assert placed(alone) == ("35288", "35400")
    assert alone.notes == ["commune absente : déduite du code postal (Saint-Malo)"]
    assert "couvre plusieurs communes" in (locate(index, postcode="56890").reason or "")
    assert locate(index).reason == "commune et code postal manquants"


def test_unknown_commune_lists_the_postcodes_communes(index: CommuneIndex) -> None:
    found = locate(index, name="Villeimaginaire", postcode="35400")
    assert found.reason == ("commune « Villeimaginaire » introuvable dans le référentiel "
                            "officiel ; communes du code postal 35400 : Saint-Malo (35288, "
                            "Ille-et-Vilaine)")


def test_short_name_within_the_postcode(index: CommuneIndex) -> None:
    found = locate(index, name="Cherbourg", postcode="50100")
    assert placed(found) == ("50129", "50100")
    assert "écrite « Cherbourg-en-Cotentin »" in found.notes[0]


# --- codes that lost their leading zero ---------------------------------------------------


def test_insee_code_without_its_leading_zero(index: CommuneIndex) -> None:
    found = locate(index, insee="1053")
    assert placed(found) == ("01053", "01000")
    assert found.notes == ["code INSEE 1053 complété en 01053",
                           "code postal absent : 01000, celui de Bourg-en-Bresse"]


def test_postcode_without_its_leading_zero(index: CommuneIndex) -> None:
    found = locate(index, name="Bourg-en-Bresse", postcode="1000")
    assert placed(found) == ("01053", "01000")
    assert found.notes == ["code postal 1000 complété en 01000"]
    assert placed(locate(index, name="Bourg-en-Bresse", postcode="1000.0")) == (
        "01053", "01000")


# --- postcode and commune packed together -------------------------------------------------


def test_packed_address_is_split(index: CommuneIndex) -> None:
    found = locate(index, address="8 rue Sainte-Catherine - 33000 Bordeaux")
    assert placed(found) == ("33063", "33000")
    assert found.address == "8 rue Sainte-Catherine"
    assert "adresse : « 33000 Bordeaux » retiré de la rue (code postal et commune à part)" in (
        found.notes)


def test_packed_address_corrects_a_cedex_postcode(index: CommuneIndex) -> None:
    found = locate(index, name="BORDEAUX CEDEX", postcode="33049",
                   address="8 rue X 33000 BORDEAUX CEDEX")
    assert placed(found) == ("33063", "33000")
    assert found.address == "8 rue X"
    assert found.notes[0] == "code postal 33049 (CEDEX) remplacé par 33000, celui de l'adresse"


def test_packed_address_of_another_commune_is_left_alone(index: CommuneIndex) -> None:
    found = locate(index, name="Mérignac", postcode="33700",
                   address="8 rue X, 33000 Bordeaux")
    assert placed(found) == ("33281", "33700")
    assert found.address is None
    assert "n'est pas la commune retenue (Mérignac)" in found.notes[-1]


def test_postcode_and_commune_in_one_cell(index: CommuneIndex) -> None:
    assert placed(locate(index, name="33000 Bordeaux")) == ("33063", "33000")
    assert placed(locate(index, name="Bordeaux (33000)")) == ("33063", "33000")
    in_postcode = locate(index, postcode="33000 Bordeaux")
    assert placed(in_postcode) == ("33063", "33000")


# --- Corsica, overseas, Paris -------------------------------------------------------------


def test_corsica(index: CommuneIndex) -> None:
    assert placed(locate(index, name="Ajaccio", postcode="20000")) == ("2A004", "20000")
    assert placed(locate(index, name="BASTIA", postcode="20200")) == ("2B033", "20200")
    assert placed(locate(index, insee="2b033", postcode="20200")) == ("2B033", "20200")
    cedex = locate(index, name="Porto Vecchio", postcode="20538")  # 20: 2A or 2B
    assert placed(cedex) == ("2A247", "20137")
    old = locate(index, insee="20004", name="Ajaccio", postcode="20000")
    assert placed(old) == ("2A004", "20000")
    assert old.notes[0].startswith("code INSEE 20004")


def test_overseas(index: CommuneIndex) -> None:
    assert placed(locate(index, name="Fort-de-France", postcode="97200")) == (
        "97209", "97200")
    assert placed(locate(index, name="MAMOUDZOU", postcode="97600")) == ("97611", "97600")
    # Saint-Barthélemy's postcode starts with 971 but the collectivity is 977.
    assert placed(locate(index, name="Saint-Barthélemy", postcode="97133")) == (
        "97701", "97133")
    assert placed(locate(index, name="Saint-Barthélemy", postcode="97199")) == (
        "97701", "97133")


def test_paris_arrondissements(index: CommuneIndex) -> None:
    found = locate(index, name="Paris", postcode="75011")
    assert placed(found) == ("75111", "75011")
    assert found.notes == []  # the validator accepts « Paris » for an arrondissement
    assert placed(locate(index, name="PARIS 11EME")) == ("75111", "75011")
    assert placed(locate(index, insee="75056", postcode="75011")) == ("75056", "75011")


def test_insee_code_taken_as_given(index: CommuneIndex) -> None:
    found = locate(index, insee="35288", name="Rennes", postcode="35400")
    assert placed(found) == ("35288", "35400")
    assert found.notes == ["commune « Rennes » remplacée par « Saint-Malo », celle du code "
                           "INSEE 35288"]
    unknown = locate(index, insee="99999")
    assert unknown.reason == "code INSEE « 99999 » inconnu du référentiel officiel"
    by_name = locate(index, insee="33000", name="Bordeaux", postcode="33000")
    assert placed(by_name) == ("33063", "33000")
    assert by_name.notes[0].startswith("code INSEE « 33000 » inconnu du référentiel officiel")


# --- seen in the 2019 national census of tiers-lieux (shared/data/cget-mission-…) ---------


def test_renamed_or_shortened_commune_within_its_postcode(index: CommuneIndex) -> None:
    renamed = locate(index, name="Saint-Ouen", postcode="93400")  # Saint-Ouen-sur-Seine
    assert placed(renamed) == ("93070", "93400")
    assert "écrite « Saint-Ouen-sur-Seine »" in renamed.notes[0]
    assert placed(locate(index, name="Cesson", postcode="35510")) == ("35051", "35510")
    # Three names of 16300 contain « Barbezieux »: the one that starts with it.
    assert placed(locate(index, name="Barbezieux", postcode="16300")) == ("16028", "16300")


def test_close_spelling_within_its_postcode(index: CommuneIndex) -> None:
    found = locate(index, name="Arceuil", postcode="94110")
    assert placed(found) == ("94003", "94110")
    assert found.notes == ["commune « Arceuil » introuvable : « Arcueil » (code INSEE 94003), "
                           "commune du code postal 94110 au nom le plus proche"]
    assert placed(locate(index, name="Saint Aignan de Grand Lieu", postcode="44860")) == (
        "44150", "44860")


def test_unknown_name_is_not_placed_by_its_postcode_alone(index: CommuneIndex) -> None:
    # 97490 has one commune, Saint-Denis; Sainte-Clotilde is one of its districts, but
    # nothing in the reference data says so.
    found = locate(index, name="Sainte-Clotilde", postcode="97490")
    assert found.commune is None
    assert found.reason == ("commune « Sainte-Clotilde » introuvable dans le référentiel "
                            "officiel ; communes du code postal 97490 : Saint-Denis (97411, "
                            "La Réunion)")


def test_names_with_remarks_or_stray_spaces(index: CommuneIndex) -> None:
    assert placed(locate(index, name="N ancy", postcode="54000")) == ("54395", "54000")
    assert placed(locate(index, name="Crac'h", postcode="56950")) == ("56046", "56950")
    assert placed(locate(index, name="Rennes - Université Rennes 1", postcode="35000")) == (
        "35238", "35000")
    assert placed(locate(index, name="Champs-sur-Marne FRANCE", postcode="77420")) == (
        "77083", "77420")
    assert placed(locate(index, name="Baie Mahault Guadeloupe", postcode="97122")) == (
        "97103", "97122")
    assert placed(locate(index, name="Eragny-Sur-Oise (mardi après-", postcode="95610")) == (
        "95218", "95610")
    assert placed(locate(index, name="Fort de France", postcode="97200")) == (
        "97209", "97200")


def test_mailbox_number_is_not_a_postcode(index: CommuneIndex) -> None:
    found = locate(index, name="Villeurbanne", postcode="69100",
                   address="5 allée Y CS 90230 Villeurbanne")
    assert placed(found) == ("69266", "69100")
    assert found.address is None


def test_city_with_an_arrondissement_number_and_another_postcode(index: CommuneIndex) -> None:
    assert placed(locate(index, name="Marseille 13", postcode="13001")) == ("13201", "13001")
    assert placed(locate(index, name="Marseille 13e", postcode="13013")) == ("13213", "13013")
