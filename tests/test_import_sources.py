"""Reading a network's source for `tierslieux import`: one test per difficulty a real file
brings (projection, swapped axes, encodings, delimiters, spreadsheets, nested JSON, old
GeoJSON, URLs). Each checks what a maintainer would see: where the places land, what the
notes say was detected, and the French message when a source cannot be read."""

from __future__ import annotations

import datetime as dt
import math
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from conftest import serve_folder
from tierslieux.importing import importsource
from tierslieux.importing.coordinates import parse_coordinate
from tierslieux.importing.importsource import (
    Source,
    SourceError,
    SourceOptions,
    parse_number,
    read_source,
)
from tierslieux.reference.refdata import ReferenceData

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "tests" / "fixtures" / "import" / "sources"
BZH_SOURCE = ROOT.parent / "shared" / "data" / "maplabbzh-fablabs-tiers-lieux-bretagne.geojson"

# Landmarks (WGS 84), known independently of the fixtures' projected values.
RENNES_CITY_HALL = (48.1115, -1.6799)
PARIS_CITY_HALL = (48.8566, 2.3522)
SAINT_DENIS_974_CITY_HALL = (-20.8789, 55.4481)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371000 * math.asin(math.sqrt(h))


def where(source: Source, number: int) -> tuple[float, float]:
    row = next(r for r in source.rows if r.number == number)
    assert row.lat is not None and row.lon is not None, row
    return row.lat, row.lon


def by_name(source: Source, column: str = "nom") -> dict[str, importsource.SourceRow]:
    return {r.values[column]: r for r in source.rows}


def test_lambert93_csv_lands_on_the_right_city_halls() -> None:
    source = read_source(SOURCES / "lambert93.csv",
                         SourceOptions(latitude="Y", longitude="X", crs="EPSG:2154"))
    assert metres_between(where(source, 2), RENNES_CITY_HALL) < 100
    rows = by_name(source)
    assert metres_between(where(source, rows["Le Fablab du Port"].number),
                          (48.3904, -4.4861)) < 100  # Brest
    assert metres_between(where(source, rows["Coworking des Terreaux, salle 2"].number),
                          (45.7676, 4.8357)) < 100  # Lyon
    no_point = rows["Le Repair Café itinérant"]  # empty X and Y: left to the geocoder
    assert (no_point.lat, no_point.lon, no_point.location_problem) == (None, None, None)
    assert [r.number for r in source.rows] == [2, 3, 4, 5, 6]  # lines of the file
    assert "projection : EPSG:2154 (RGF93 v1 / Lambert-93), convertie en WGS 84." in source.notes
    assert "délimiteur détecté : « , » (virgule)." in source.notes


def test_metres_without_a_crs_are_refused_with_the_crs_to_declare() -> None:
    source = read_source(SOURCES / "lambert93.csv", SourceOptions(latitude="Y", longitude="X"))
    located = [r for r in source.rows if r.values["X"]]
    assert located and all(r.lat is None for r in located)
    assert all("« crs: EPSG:2154 » (Lambert-93" in (r.location_problem or "")
               for r in located)
    assert "X « 351870 », Y « 6789300 »" in (located[0].location_problem or "")
    assert any("coordonnées en mètres sans projection indiquée sur 4 lignes" in n
               and "crs: EPSG:2154" in n for n in source.notes)


def test_web_mercator_json_with_decimal_commas() -> None:
    source = read_source(SOURCES / "web-mercator.json",
                         SourceOptions(latitude="y", longitude="x", crs="EPSG:3857",
                                       id_column="id"))
    assert source.format == "json"
    assert metres_between(where(source, 1), PARIS_CITY_HALL) < 100
    assert metres_between(where(source, 2), (43.6045, 1.4440)) < 100  # Toulouse, Capitole
    assert metres_between(where(source, 3), (48.5819, 7.7508)) < 100  # "862815,1" as text
    assert source.rows[0].values["id"] == "101"
    assert any("EPSG:3857" in n and "Pseudo-Mercator" in n for n in source.notes)


def test_swapped_axes_are_swapped_back_and_said() -> None:
    source = read_source(SOURCES / "axes-inverses.csv",
                         SourceOptions(latitude="latitude", longitude="longitude"))
    rows = by_name(source)
    lille = rows["La Fabrique du Beffroi"]
    assert metres_between((lille.lat, lille.lon), (50.6311, 3.0700)) < 100
    assert lille.notes == ["latitude et longitude inversées dans la source : corrigé"]
    marseille = rows["Le Tiers-Lieu du Vieux-Port"]
    assert (marseille.lat, marseille.lon, marseille.notes) == (43.2961, 5.3699, [])
    assert "axes inversés (latitude et longitude échangées) sur 2 lignes : corrigé." \
        in source.notes


def test_csv_without_header_names_columns_by_position() -> None:
    source = read_source(SOURCES / "sans-entete.csv",
                         SourceOptions(header=False, latitude="6", longitude="7"))
    assert source.columns == ["1", "2", "3", "4", "5", "6", "7", "8"]
    first, second, third = source.rows
    assert first.values["2"] == "Fablab des Capucins"
    assert first.values["3"] == "25 rue de Pontaniou\nLes Ateliers des Capucins"
    assert [first.number, second.number, third.number] == [1, 3, 5]  # lines of the file
    assert (second.lat, second.lon) == (48.5097, -4.0686)
    assert "1 ligne vide (sans aucune valeur) ignorée." in source.notes
    assert "fichier sans en-tête : colonnes nommées 1 à 8 selon leur position." in source.notes

    named = read_source(SOURCES / "sans-entete.csv", SourceOptions(
        header=False, columns=["code", "nom", "adresse", "cp", "commune", "lat", "lon"],
        latitude="lat", longitude="lon"))
    assert named.rows[2].values["commune"] == "Morlaix"
    assert named.rows[2].extra_cells == 1  # "note en trop": counted, not lost


def test_semicolon_cp1252_excel_export() -> None:
    source = read_source(SOURCES / "cp1252-pointvirgule.csv",
                         SourceOptions(latitude="Latitude", longitude="Longitude"))
    assert "encodage détecté : Windows-1252 (export Excel)." in source.notes
    assert "délimiteur détecté : « ; » (point-virgule)." in source.notes
    first = source.rows[0]
    assert first.values["Commune"] == "Sallebœuf"
    assert first.values["Nom du lieu"] == "L’Atelier du Bœuf"
    assert first.values["Tarif"] == "5 € la journée"
    assert metres_between((first.lat, first.lon), (44.8358, -0.4012)) < 100  # "44,8358"
    assert source.rows[2].lat is None and source.rows[2].location_problem is None

    with pytest.raises(SourceError) as error:  # a mapping that says UTF-8 is wrong here
        read_source(SOURCES / "cp1252-pointvirgule.csv", SourceOptions(encoding="utf-8"))
    message = str(error.value)
    assert "n'est pas encodé en utf-8 (octet 0xe9, ligne 1)" in message
    assert "cp1252" in message


def test_latin1_and_mixed_encodings_are_told_apart() -> None:
    source = read_source(SOURCES / "latin1.csv", SourceOptions())
    assert "encodage détecté : Latin-1 (ISO-8859-1)." in source.notes
    assert [r.values["commune"] for r in source.rows] == [
        "Châteaubriant", "Saint-Brévin-les-Pins", "Fougères"]


def test_utf8_with_a_pasted_windows_1252_line(tmp_path: Path) -> None:
    path = tmp_path / "mixte.csv"
    path.write_bytes("nom;commune\nAtelier de la Gare;Fougères\n".encode()
                     + "L’Établi;Vitré\n".encode("cp1252"))
    source = read_source(path, SourceOptions())
    assert [r.values["nom"] for r in source.rows] == ["Atelier de la Gare", "L’Établi"]
    assert [r.values["commune"] for r in source.rows] == ["Fougères", "Vitré"]
    assert source.notes[0] == ("encodage détecté : UTF-8, sauf 1 ligne en Windows-1252 "
                               "(ligne 3), lue comme telle : vérifiez les accents.")


def test_bom_and_tab_delimiter() -> None:
    source = read_source(SOURCES / "bom-tabulation.csv",
                         SourceOptions(id_column="identifiant", latitude="lat", longitude="lon"))
    assert source.columns[0] == "identifiant"  # not "\ufeffidentifiant"
    assert source.rows[1].values == {"identifiant": "35-102", "nom": "L’Établi de Vitré",
                                     "commune": "Vitré", "code_postal": "35500",
                                     "lat": "48.1238", "lon": "-1.2090"}
    assert "encodage détecté : UTF-8 avec BOM (marque retirée)." in source.notes
    assert "délimiteur détecté : tabulation." in source.notes


def test_xlsx_sheet_dates_and_numbers(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Notice"
    book.active.append(["Liste des tiers-lieux de Nouvelle-Aquitaine, mise à jour en mars."])
    sheet = book.create_sheet("Lieux")
    sheet.append(["Identifiant", "Nom", "Code postal", "Ouverture", "Latitude", "Longitude"])
    sheet.append(["NA-01", "Le Fablab du Marais", 79000.0, dt.datetime(2021, 9, 1),
                  46.3237, -0.4647])
    sheet.append([])
    sheet.append(["NA-02", "L’Atelier partagé du Port", 17000, dt.date(2019, 3, 15),
                  "46,1591", "-1,1520", "cellule en trop"])
    path = tmp_path / "reseau.xlsx"
    book.save(path)

    source = read_source(path, SourceOptions(sheet="Lieux", latitude="Latitude",
                                             longitude="Longitude"))
    assert source.format == "xlsx"
    first, second = source.rows
    assert (first.number, second.number) == (2, 4)  # rows as the spreadsheet numbers them
    assert first.values["Code postal"] == "79000"  # not "79000.0"
    assert first.values["Ouverture"] == "2021-09-01"
    assert second.values["Ouverture"] == "2019-03-15"
    assert (second.lat, second.lon, second.extra_cells) == (46.1591, -1.152, 1)
    assert "feuille lue : « Lieux » (le classeur en a 2 : Notice, Lieux)." in source.notes
    assert "1 ligne vide (sans aucune valeur) ignorée." in source.notes

    with pytest.raises(SourceError, match=r"pas de feuille « Adhérents » \(feuilles : "
                                          r"Notice, Lieux\)"):
        read_source(path, SourceOptions(sheet="Adhérents"))


def test_nested_json_by_dotted_paths() -> None:
    source = read_source(SOURCES / "api-imbriquee.json", SourceOptions(
        id_column="id", latitude="geolocalisation.lat", longitude="geolocalisation.lon"))
    toulouse, montpellier, broken = source.rows
    assert metres_between((toulouse.lat, toulouse.lon), (43.6045, 1.4440)) < 100
    assert metres_between((montpellier.lat, montpellier.lon), (43.6086, 3.8796)) < 100
    assert toulouse.values["adresse.code_postal"] == "31000"
    assert toulouse.values["services"] == "coworking, fablab, point d'accès numérique"
    assert toulouse.values["horaires"].startswith('[{"jour": "lundi"')
    assert (toulouse.values["accessible_pmr"], toulouse.values["capacite"]) == ("oui", "40")
    assert montpellier.values["services"] == "" and montpellier.values["capacite"] == ""
    # Every record is a row, even one that is not an object: the report will show it.
    assert broken.number == 3
    assert broken.location_problem == ("élément n° 3 illisible : le texte « lieu supprimé » "
                                       "au lieu d'un objet")


def test_json_object_holding_the_array() -> None:
    source = read_source(SOURCES / "objet-liste.json",
                         SourceOptions(latitude="latitude", longitude="longitude"))
    assert [r.values["commune"] for r in source.rows] == ["Dijon", "Besançon"]
    assert "enregistrements lus dans « lieux » (2 éléments)." in source.notes

    named = read_source(SOURCES / "api-imbriquee.json", SourceOptions(root="data.lieux"))
    assert len(named.rows) == 3
    assert not any("enregistrements lus" in n for n in named.notes)
    with pytest.raises(SourceError) as error:
        read_source(SOURCES / "api-imbriquee.json", SourceOptions(root="donnees.lieux"))
    assert str(error.value).startswith("pas de « donnees » dans le haut du fichier de ")
    assert "clés présentes : meta, data" in str(error.value)


def test_old_geojson_with_a_crs_member() -> None:
    source = read_source(SOURCES / "ancien-crs.geojson", SourceOptions(id_column="id"))
    rennes, vannes, no_geometry, polygon = source.rows
    assert metres_between((rennes.lat, rennes.lon), RENNES_CITY_HALL) < 100
    assert metres_between((vannes.lat, vannes.lon), (47.6586, -2.7599)) < 100
    assert vannes.notes == ["géométrie à 2 points : le premier est retenu"]
    assert no_geometry.location_problem == "géométrie absente (pas de coordonnées)"
    assert "Polygon" in (polygon.location_problem or "")
    assert rennes.values["reseau.adherent"] == "oui" and vannes.values["id"] == "tl-56-01"
    assert ("projection : EPSG:2154 (RGF93 v1 / Lambert-93) annoncée par le fichier (membre "
            "« crs »), convertie en WGS 84.") in source.notes
    assert "géométries à plusieurs points sur 1 ligne : le premier point est retenu." \
        in source.notes


@pytest.fixture
def fixtures_server() -> Iterator[str]:
    """The fixtures folder served on a loopback port, as a network's site would serve it."""
    with serve_folder(SOURCES) as url:
        yield url


def test_a_url_reads_like_the_file(fixtures_server: str) -> None:
    options = SourceOptions(latitude="Latitude", longitude="Longitude")
    fetched = read_source(f"{fixtures_server}/cp1252-pointvirgule.csv?jeton=s3cret", options)
    local = read_source(SOURCES / "cp1252-pointvirgule.csv", options)
    assert fetched.rows == local.rows
    assert fetched.notes == local.notes
    geojson = read_source(f"{fixtures_server}/ancien-crs.geojson", SourceOptions())
    assert geojson.format == "geojson" and len(geojson.rows) == 4

    with pytest.raises(SourceError) as error:
        read_source(f"{fixtures_server}/disparu.csv?jeton=s3cret", options)
    message = str(error.value)
    assert message == (f"le serveur de {fixtures_server}/disparu.csv a répondu « 404 File not "
                       "found » : le fichier n'est pas (ou plus) à cette adresse.")


def test_unreachable_url_says_so_in_french() -> None:
    with socket.socket() as probe:  # a loopback port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SourceError) as error:
        read_source(f"http://127.0.0.1:{port}/lieux.csv?cle=s3cret", SourceOptions(),
                    timeout=5)
    assert str(error.value) == (f"impossible de joindre http://127.0.0.1:{port}/lieux.csv "
                                "(connexion refusée). Vérifiez l'adresse et la connexion, "
                                "puis relancez.")

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(SourceError) as error:
            read_source(f"http://127.0.0.1:{port}/lieux.csv", SourceOptions(), timeout=0.3)
    assert str(error.value).startswith(f"pas de réponse de http://127.0.0.1:{port}/lieux.csv "
                                       "en 0.3 s")


def test_decimal_commas_degrees_minutes_and_one_geo_point_column() -> None:
    assert parse_number("48,1113") == 48.1113
    assert parse_number("12 345,6") == 12345.6
    assert parse_number("12\u00a0345,6") == 12345.6
    assert parse_number("1 250") == 1250
    assert parse_number("−1,68") == -1.68
    assert parse_number("1_000") is None and parse_number("nan") is None
    assert parse_coordinate("1°40'48\" O") == pytest.approx(-1.68)

    source = read_source(SOURCES / "virgules-decimales.csv",
                         SourceOptions(latitude="Geo Point", longitude="Geo Point"))
    cantine, champs_libres, thabor = source.rows
    assert metres_between((cantine.lat, cantine.lon), RENNES_CITY_HALL) < 100
    assert (champs_libres.lat, champs_libres.lon) == (48.10556, -1.67389)
    assert metres_between((thabor.lat, thabor.lon), (48.1144, -1.6708)) < 100


def test_overseas_utm_reunion() -> None:
    source = read_source(SOURCES / "reunion-utm40s.csv",
                         SourceOptions(latitude="y_utm", longitude="x_utm", crs="EPSG:2975"))
    saint_denis = source.rows[0]
    assert metres_between((saint_denis.lat, saint_denis.lon), SAINT_DENIS_974_CITY_HALL) < 100
    assert {ReferenceData.territory_at(r.lat, r.lon) for r in source.rows} == {"974"}
    assert "projection : EPSG:2975 (RGR92 / UTM zone 40S), convertie en WGS 84." \
        in source.notes


@pytest.mark.parametrize(("content", "options", "expected"), [
    (b"", SourceOptions(), "est vide"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, SourceOptions(),
     "est un classeur Excel ancien (.xls) : enregistrez-le au format .xlsx ou CSV"),
    (b"<!DOCTYPE html><html><body>Connexion</body></html>", SourceOptions(),
     "est une page web (HTML), pas un fichier de données"),
    (b"nom,lat,lon\nA,1,2\n", SourceOptions(crs="EPSG:99999"),
     "projection « EPSG:99999 » inconnue : écrivez un code EPSG"),
    (b'{"lieux": [', SourceOptions(format="json"), "n'est pas un JSON valide (ligne 1"),
])
def test_unreadable_sources_are_refused_in_french(tmp_path: Path, content: bytes,
                                                  options: SourceOptions, expected: str) -> None:
    path = tmp_path / "source.csv"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=re.escape(expected)):
        read_source(path, options)


def test_folders_and_oversized_files_are_refused(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SourceError, match="est un dossier, pas un fichier"):
        read_source(tmp_path, SourceOptions())
    big = tmp_path / "enorme.csv"
    big.write_bytes(b"nom\n" + b"x\n" * 600)
    monkeypatch.setattr(importsource, "MAX_BYTES", 1024)
    with pytest.raises(SourceError, match=re.escape(
            "dépasse 1 Ko : ce n'est sans doute pas un annuaire")):
        read_source(big, SourceOptions())


@pytest.mark.skipif(not BZH_SOURCE.exists(), reason="../shared absent (clone sans shared/)")
def test_the_real_maplabbzh_geojson_reads_whole() -> None:
    source = read_source(BZH_SOURCE, SourceOptions())
    assert len(source.rows) == 121
    assert all(ReferenceData.territory_at(r.lat, r.lon) == "metro" for r in source.rows)
    assert source.notes == []


def test_zero_typo_and_degrees_in_a_projected_file(tmp_path: Path) -> None:
    path = tmp_path / "melange.csv"
    path.write_text("nom;x;y\nLa Cantine du Centre;351870;6789300\nLieu sans position;0;0\n"
                    "Lieu saisi à la main;-1,6799;48,1115\nFaute de frappe;-1,68;481,115\n",
                    encoding="utf-8")
    source = read_source(path, SourceOptions(latitude="y", longitude="x", crs="EPSG:2154"))
    cantine, zero, degrees, typo = source.rows
    assert metres_between((cantine.lat, cantine.lon), RENNES_CITY_HALL) < 100
    # "0, 0" means "unknown": no point, no problem, so the importer geocodes the address.
    assert (zero.lat, zero.lon, zero.location_problem) == (None, None, None)
    assert zero.notes == ["coordonnées 0, 0 : considérées comme absentes"]
    assert metres_between((degrees.lat, degrees.lon), RENNES_CITY_HALL) < 100
    assert "coordonnées déjà en degrés malgré la projection EPSG:2154 sur 1 ligne : lues en " \
        "degrés WGS 84." in source.notes
    assert ReferenceData.territory_at(typo.lat, typo.lon) is None  # kept, and said:
    assert "point hors de France (ni en métropole ni outre-mer) sur 1 ligne : vérifiez la " \
        "source ou sa projection." in source.notes

    wgs84 = read_source(path, SourceOptions(latitude="y", longitude="x"))
    assert wgs84.rows[3].location_problem == (
        "coordonnées impossibles : latitude « 481,115 », longitude « -1,68 » (une latitude va "
        "de -90 à 90, une longitude de -180 à 180)")
