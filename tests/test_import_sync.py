"""`tierslieux import` as a network's volunteer uses it, year after year: every row lands in
one category, a row already in the directory completes it instead of duplicating it, a
second run changes nothing, a changed row updates its venue, a vanished row is listed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import importcli
from fakes.ban import FakeBan, unreachable_url
from importcli import Run
from tierslieux.check.validate import validate
from tierslieux.model.yamlwrite import dump_venue

ROOT = Path(__file__).resolve().parents[1]
SYNC = ROOT / "tests" / "fixtures" / "import" / "sync"
MAPPING = SYNC / "reseau.yml"
STARTER = ROOT / "content" / "venues"


def run_import(source: Path, into: Path, *extra: str, mapping: Path = MAPPING) -> Run:
    return importcli.run_import(source, mapping, into, *extra)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yml"))}


def venue(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    """A directory that already holds one starter venue (Hôtel Pasteur, Rennes)."""
    into = tmp_path / "venues"
    (into / "35").mkdir(parents=True)
    data = yaml.safe_load((STARTER / "35" / "hotel-pasteur.yml").read_text(encoding="utf-8"))
    for imported in ("telephone", "provenance", "courriel"):  # as its contributor wrote it
        data.pop(imported, None)
    data["date_verification"] = "2026-11-22"
    (into / "35" / "hotel-pasteur.yml").write_text(dump_venue(data), encoding="utf-8")
    return into


@pytest.fixture
def ban(monkeypatch: pytest.MonkeyPatch):
    with FakeBan() as fake:
        monkeypatch.setenv("TIERSLIEUX_GEOCODER_URL", fake.url)
        yield fake


@pytest.fixture
def first(directory: Path, ban: FakeBan) -> Run:
    return run_import(SYNC / "reseau-v1.csv", directory)


def test_every_row_lands_in_exactly_one_category(first: Run, directory: Path) -> None:
    assert first.code == 0, first.err
    statuses = {r["id_source"]: r["statut"] for r in first.rows}
    assert statuses == {"R1": "créé", "R2": "rapproché", "R3": "créé", "R4": "filtré",
                        "R5": "créé", "R6": "créé", "R7": "créé"}
    assert "7 lignes : 5 créées, 0 mise à jour, 0 inchangée, 1 rapprochée d'une fiche " \
           "existante, 1 filtrée, 0 rejetée." in first.out
    assert "« etat » = « fermé »" in first.by_id()["R4"]["detail"]
    result = validate([directory], universe=directory)
    assert result.errors == []
    assert len(result.venues) == 4  # the starter venue + 3 created (the bus is one venue)


def test_a_bus_with_three_stops_is_one_itinerant_venue(first: Run, directory: Path) -> None:
    rows = first.by_id()
    assert rows["R5"]["fichier"] == rows["R6"]["fichier"] == rows["R7"]["fichier"]
    bus = venue(Path(rows["R5"]["fichier"]))
    assert [s["commune"] for s in bus["etapes"]] == ["Mende", "Marvejols", "Langogne"]
    assert [s["horaires"] for s in bus["etapes"]] == ["Tu 09:00-12:00", "We 14:00-17:00",
                                                      "Fr 09:00-12:00"]
    assert "adresse" not in bus and "latitude" not in bus


def test_values_are_normalised_and_defaults_applied(first: Run) -> None:
    fabrique = venue(Path(first.by_id()["R1"]["fichier"]))
    assert fabrique["adresse"] == "2 rue de la Mairie"  # two columns joined
    assert fabrique["site_web"] == "https://www.fabrique-tinteniac.fr"
    assert fabrique["reseaux_sociaux"] == ["https://www.facebook.com/fabriquetinteniac"]
    assert fabrique["courriel"] == "contact@fabrique-tinteniac.fr"  # moved from the web cell
    assert fabrique["porteur"] == {"nom": "Réseau test des tiers-lieux", "type": "association",
                                   "siret": "44123456700010"}  # spaces removed, defaults
    assert fabrique["horaires"] == "Tu-Fr 09:00-12:00,14:00-18:00; Sa 10:00-17:00"
    assert str(fabrique["date_verification"]) == "2024-03-01"  # the source's date
    assert fabrique["position"] == {"methode": "source"}
    assert fabrique["provenance"][0]["jeu"] == "reseau-test"
    assert fabrique["provenance"][0]["ligne"] == "R1"


def test_personal_column_never_reaches_files_or_report(first: Run, directory: Path) -> None:
    text = "".join(p.read_text(encoding="utf-8") for p in directory.rglob("*.yml"))
    assert "Camille" not in text and "Camille" not in first.out


def test_row_without_coordinates_is_geocoded(first: Run, ban: FakeBan) -> None:
    barachois = venue(Path(first.by_id()["R3"]["fichier"]))
    assert barachois["code_insee"] == "97411"
    assert barachois["position"]["methode"] == "adresse"
    assert 0.5 <= barachois["position"]["score"] <= 1
    assert abs(barachois["latitude"] + 20.88) < 0.05 and abs(barachois["longitude"] - 55.45) < 0.05
    assert barachois["telephone"] == "02 62 41 00 00"
    assert ban.requests  # the real client asked the (fake) service


def test_existing_venue_is_completed_never_overwritten(first: Run, directory: Path) -> None:
    row = first.by_id()["R2"]
    assert "hotel-pasteur" in row["rapprochement"] and "même site web" in row["rapprochement"]
    pasteur = venue(directory / "35" / "hotel-pasteur.yml")
    assert pasteur["nom"] == "Hôtel Pasteur"  # the manager's name stays
    assert pasteur["telephone"] == "02 99 00 00 02"  # what was missing is filled
    assert str(pasteur["date_verification"]) == "2026-11-22"  # a newer check is kept
    assert "description" in pasteur
    assert [p["jeu"] for p in pasteur["provenance"]] == ["reseau-test"]
    assert "empreinte" not in pasteur["provenance"][0]  # never the source's to overwrite


def test_second_run_changes_nothing(first: Run, directory: Path, ban: FakeBan) -> None:
    before = snapshot(directory)
    again = run_import(SYNC / "reseau-v1.csv", directory)
    assert again.code == 0, again.err
    assert snapshot(directory) == before
    assert {r["id_source"]: r["statut"] for r in again.rows} == {
        "R1": "inchangé", "R2": "inchangé", "R3": "inchangé", "R4": "filtré",
        "R5": "inchangé", "R6": "inchangé", "R7": "inchangé"}


def test_next_year_updates_and_lists_what_vanished(first: Run, directory: Path,
                                                   ban: FakeBan) -> None:
    # The manager of the Saint-Denis coworking edited their file meanwhile.
    fabrique_path = Path(first.by_id()["R1"]["fichier"])
    second = run_import(SYNC / "reseau-v2.csv", directory)
    assert second.code == 0, second.err
    statuses = {r["id_source"]: r["statut"] for r in second.rows
                if r["statut"] != "absent de la source"}
    assert statuses["R1"] == "mis à jour"
    assert venue(fabrique_path)["telephone"] == "02 99 00 00 09"
    assert "R3" not in statuses
    absent = [r for r in second.rows if r["statut"] == "absent de la source"]
    assert [(r["id_source"], Path(r["fichier"]).name) for r in absent] == [
        ("R3", "coworking-du-barachois.yml")]
    assert "à confirmer (fermé ?)" in second.out
    assert (directory / "974" / "coworking-du-barachois.yml").exists()  # never deleted


def test_a_file_edited_by_its_manager_is_only_completed(first: Run, directory: Path,
                                                        ban: FakeBan) -> None:
    path = Path(first.by_id()["R1"]["fichier"])
    data = venue(path)
    data["telephone"] = "02 99 12 34 56"  # the manager corrected the phone
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    second = run_import(SYNC / "reseau-v2.csv", directory)
    assert {r["id_source"]: r["statut"] for r in second.rows}["R1"] == "inchangé"
    assert venue(path)["telephone"] == "02 99 12 34 56"
    assert "valeurs de la fiche gardées" in second.by_id()["R1"]["notes"]


def test_dry_run_prints_the_diff_and_writes_nothing(first: Run, directory: Path,
                                                    ban: FakeBan) -> None:
    before = snapshot(directory)
    run = run_import(SYNC / "reseau-v2.csv", directory, "--dry-run")
    assert run.code == 0, run.err
    assert snapshot(directory) == before
    assert "-telephone: 02 99 00 00 01" in run.out
    assert "+telephone: 02 99 00 00 09" in run.out
    assert "aucun fichier n'a été écrit" in run.out


def test_geocoder_unreachable_places_at_the_commune_centre(directory: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIERSLIEUX_GEOCODER_URL", unreachable_url())
    run = run_import(SYNC / "reseau-v1.csv", directory)
    assert run.code == 0, run.err
    assert "service national d'adresses injoignable" in run.out
    row = run.by_id()["R3"]
    assert row["statut"] == "créé", row
    barachois = venue(Path(row["fichier"]))
    assert barachois["position"] == {"methode": "commune"}
    assert "position approximative" in row["notes"]


def test_a_typo_in_the_mapping_gets_file_and_line(tmp_path: Path) -> None:
    mapping = tmp_path / "correspondance.yml"
    mapping.write_text(MAPPING.read_text(encoding="utf-8").replace("  groupe: tournee",
                                                                    "  grupe: tournee"),
                       encoding="utf-8")
    run = run_import(SYNC / "reseau-v1.csv", tmp_path / "venues", mapping=mapping)
    assert run.code == 2
    line = next(i for i, text in enumerate(mapping.read_text().splitlines(), 1)
                if "grupe" in text)
    assert f"correspondance.yml:{line} : clé « grupe » inconnue dans source " \
           "(vouliez-vous dire « groupe » ?)" in run.err
    assert "Traceback" not in run.err




def test_chains_stay_apart_and_one_venue_geocoded_twice_is_merged() -> None:
    """Same website: one venue when next door with a like name, or with the same name in
    another dataset; two branches when one source lists both (Anticafé, Remix...)."""
    from tierslieux.importing.directory import Directory, Known

    def known(name: str, lat: float, dataset: str) -> Known:
        return Known(Path(f"/x/{name}.yml"), {
            "id": name.lower().replace(" ", "-"), "nom": name, "site_web": "https://chaine.fr",
            "latitude": lat, "longitude": 2.35,
            "provenance": [{"jeu": dataset, "ligne": "1", "date": "2019-06-13",
                            "licence": "etalab-2.0"}]})

    directory = Directory(Path("/x"))
    directory.add(known("Remix Coworking - Turbigo", 48.8650, "recensement-2019"))
    directory.add(known("Anticafé", 48.8700, "recensement-2019"))

    def find(name: str, lat: float, dataset: str):
        return directory.find({"nom": name, "site_web": "https://www.chaine.fr/"}, (lat, 2.35),
                              source=(dataset, "2"), radius_m=300, min_score=85)

    assert find("Remix Coworking - Fontaines du Temple", 48.8662, "recensement-2019") is None
    assert find("Anticafé", 48.8800, "recensement-2019") is None  # 1.1 km, same source
    same = find("Anticafé", 48.8800, "maplabbzh")  # another dataset: the same place
    assert same is not None and same.known.id == "anticafé" and same.how == "site"
    assert find("Remix Coworking Turbigo", 48.8651, "maplabbzh").how == "site"  # next door
