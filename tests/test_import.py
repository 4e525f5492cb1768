"""`tierslieux import`: every source row is reported, written files pass the validator,
personal data stays out, nothing existing is overwritten, bad mappings are explained."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml

import importcli
from importcli import Run
from tierslieux.check.validate import validate
from tierslieux.importing.importreport import CREATED as IMPORTED
from tierslieux.importing.importreport import MATCHED, REJECTED
from tierslieux.importing.importreport import UNCHANGED as SKIPPED

ROOT = Path(__file__).resolve().parents[1]
BZH_SOURCE = ROOT.parent / "shared" / "data" / "maplabbzh-fablabs-tiers-lieux-bretagne.geojson"
BZH_MAPPING = ROOT / "plugins" / "tierslieux" / "importing" / "mappings" / "maplabbzh.yml"
FIXTURES = ROOT / "tests" / "fixtures" / "import"
STATUSES = {IMPORTED, REJECTED, MATCHED}


def run_import(source: Path, mapping: Path, into: Path, *extra: str,
               report: Path | None = None) -> Run:
    """The real command line, the national address service off (commune centres)."""
    return importcli.run_import(source, mapping, into, "--sans-geocodage", *extra,
                                report=report)


def files_under(folder: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()} if folder.exists() else {}


def totals_line(out: str) -> str:
    return next(line for line in out.splitlines() if " lignes : " in line
                or " ligne : " in line)


# --- the real Bretagne file ------------------------------------------------------------


def require_bzh() -> None:
    if BZH_SOURCE.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{BZH_SOURCE} is required in CI (shared/ sits beside the checkout)")
    pytest.skip(f"{BZH_SOURCE} is absent (../shared/data is only beside a project checkout)")


@pytest.fixture(scope="module")
def bzh(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    require_bzh()
    into = tmp_path_factory.mktemp("bzh") / "venues"
    return into, run_import(BZH_SOURCE, BZH_MAPPING, into)


def test_bretagne_every_row_is_reported_and_totals_add_up(bzh: tuple[Path, Run]) -> None:
    into, run = bzh
    assert run.code == 0, run.err
    assert len(run.rows) == 121
    assert [int(r["ligne"]) for r in run.rows] == list(range(1, 122))
    assert all(r["statut"] in STATUSES for r in run.rows)
    assert all(r["detail"] for r in run.rows if r["statut"] == REJECTED)
    counts = {s: sum(r["statut"] == s for r in run.rows) for s in STATUSES}
    assert sum(counts.values()) == 121
    assert totals_line(run.out).startswith(f"121 lignes : {counts[IMPORTED]} créées, 0 mise")
    assert f"{counts[REJECTED]} rejetées." in totals_line(run.out)
    written = sorted(p for p in into.rglob("*.yml"))
    assert len(written) == counts[IMPORTED] > 100
    assert {str(p) for p in written} == {r["fichier"] for r in run.rows
                                         if r["statut"] == IMPORTED}
    # Each printed row names its status: nothing is dropped without a line.
    for row in run.rows:
        assert any(line.split()[:1] == [row["ligne"]] and row["statut"] in line
                   for line in run.out.splitlines())


def test_bretagne_files_pass_the_validator(bzh: tuple[Path, Run]) -> None:
    into, _ = bzh
    result = validate([into], universe=into)
    assert result.errors == []
    assert len(result.venues) == len(list(into.rglob("*.yml")))


def test_bretagne_known_cases(bzh: tuple[Path, Run]) -> None:
    into, run = bzh
    by_id = {r["id_source"]: r for r in run.rows}
    # The "formation" category is excluded by the mapping, with its reason.
    assert by_id["73"]["statut"] == REJECTED and "formation" in by_id["73"]["detail"]
    # No street address: rejected, never invented.
    assert by_id["2"]["statut"] == REJECTED and "adresse manquante" in by_id["2"]["detail"]
    # A CEDEX postcode and an INSEE code typed as a postcode are corrected, with a note.
    assert "35288" in by_id["18"]["notes"] and by_id["18"]["statut"] == IMPORTED
    cambuzz = yaml.safe_load(Path(by_id["18"]["fichier"]).read_text(encoding="utf-8"))
    assert (cambuzz["code_postal"], cambuzz["code_insee"]) == ("35400", "35288")
    # Two "Rehab-Lab" rows get two ids.
    assert by_id["99"]["fichier"].endswith("/56/rehab-lab.yml")
    assert by_id["103"]["fichier"].endswith("/29/rehab-lab-roscoff.yml")
    makerspace = yaml.safe_load((into / "56" / "makerspace56.yml").read_text(encoding="utf-8"))
    assert makerspace["types"] == ["fablab"] and makerspace["labels"] == ["charte_fab_lab"]
    assert makerspace["reseaux_sociaux"] == ["https://twitter.com/makerspace56"]
    assert makerspace["code_insee"] == "56260"


def test_bretagne_personal_addresses_stay_out(bzh: tuple[Path, Run]) -> None:
    into, run = bzh
    text = "\n".join(p.read_text(encoding="utf-8") for p in into.rglob("*.yml"))
    for personal in ("g.pacotte@ville-rennes.fr", "lavb35@gmail.com", "rroue@"):
        assert personal not in text
        assert personal not in run.out  # the report does not repeat them either
    by_id = {r["id_source"]: r for r in run.rows}
    assert "donnée personnelle probable" in by_id["119"]["notes"]
    assert "donnée personnelle probable" in by_id["54"]["notes"]
    assert "courriel: contact@makerspace56.org" in text


def test_bretagne_second_run_skips_everything_it_wrote(bzh: tuple[Path, Run]) -> None:
    into, first = bzh
    before = files_under(into)
    again = run_import(BZH_SOURCE, BZH_MAPPING, into)
    assert again.code == 0, again.err
    assert files_under(into) == before
    for old, new in zip(first.rows, again.rows, strict=True):
        if old["statut"] in (IMPORTED, MATCHED):
            assert (new["statut"], new["fichier"]) == (SKIPPED, old["fichier"])
        else:
            assert new["statut"] == old["statut"]


def test_bretagne_dry_run_writes_nothing(bzh: tuple[Path, Run], tmp_path: Path) -> None:
    _, first = bzh
    into = tmp_path / "venues"
    run = run_import(BZH_SOURCE, BZH_MAPPING, into, "--dry-run")
    assert run.code == 0, run.err
    assert not into.exists()
    assert [r["statut"] for r in run.rows] == [r["statut"] for r in first.rows]
    assert "aucun fichier n'a été écrit" in run.out


# --- a small CSV with every kind of trouble --------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> tuple[Path, Run]:
    into = tmp_path / "venues"
    return into, run_import(FIXTURES / "reseau.csv", FIXTURES / "reseau.yml", into)


def _venue(path: str) -> dict:
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def test_small_csv_report(small: tuple[Path, Run]) -> None:
    into, run = small
    assert run.code == 0, run.err
    rows = {r["id_source"]: r for r in run.rows}
    assert list(rows) == [f"A{i}" for i in range(1, 10)]
    assert totals_line(run.out) == ("9 lignes : 6 créées, 0 mise à jour, 0 inchangée, "
                                    "0 rapprochée d'une fiche existante, 0 filtrée, "
                                    "3 rejetées.")
    # Unknown type value: rejected, naming the value and the column.
    assert rows["A1"]["statut"] == REJECTED
    assert "« laboratoire-secret »" in rows["A1"]["detail"] and "type" in rows["A1"]["detail"]
    # A commune that does not exist.
    assert rows["A6"]["statut"] == REJECTED
    assert "commune « Villeimaginaire » introuvable" in rows["A6"]["detail"]
    assert rows["A8"]["detail"].startswith("adresse manquante")
    # No coordinates and the address service offline: the commune's centre, flagged.
    assert rows["A9"]["statut"] == IMPORTED
    assert _venue(rows["A9"]["fichier"])["position"] == {"methode": "commune"}
    assert "position approximative" in rows["A9"]["notes"]
    assert validate([into], universe=into).errors == []


def test_small_csv_values_are_normalised(small: tuple[Path, Run]) -> None:
    _, run = small
    rows = {r["id_source"]: r for r in run.rows}
    port = _venue(rows["A2"]["fichier"])  # personal gmail address left out
    assert "courriel" not in port
    assert "donnée personnelle probable" in rows["A2"]["notes"]
    assert port["reseaux_sociaux"] == ["https://twitter.com/fablabduport"]
    bourg = _venue(rows["A3"]["fichier"])
    assert bourg["telephone"] == "02 99 00 00 00"
    assert bourg["courriel"] == "bonjour@coworking-bourg.example"
    assert bourg["services"] == ["espace_travail"]
    gare = _venue(rows["A4"]["fichier"])
    assert gare["site_web"] == "https://www.example.org"
    assert gare["telephone"] == "02 97 00 00 00"
    plescop = _venue(rows["A5"]["fichier"])  # no postcode, unambiguous commune
    assert (plescop["code_postal"], plescop["code_insee"]) == ("56890", "56158")
    assert "code postal absent" in rows["A5"]["notes"]
    assert plescop["latitude"] == 47.697  # decimal comma read
    quimper = _venue(rows["A7"]["fichier"])  # unusable phone: left out, with a note
    assert "telephone" not in quimper
    assert "telephone : « 02 98 00 00 0 » non reconnu" in rows["A7"]["notes"]
    assert str(plescop["date_verification"]) == "2025-01-15"
    assert plescop["sources"] == ["https://example.org/reseau.csv"]


def test_small_csv_duplicate_name_gets_a_distinct_id(small: tuple[Path, Run]) -> None:
    into, run = small
    rows = {r["id_source"]: r for r in run.rows}
    assert Path(rows["A3"]["fichier"]) == into / "35" / "coworking-du-bourg.yml"
    assert Path(rows["A7"]["fichier"]) == into / "29" / "coworking-du-bourg-quimper.yml"
    assert _venue(rows["A7"]["fichier"])["id"] == "coworking-du-bourg-quimper"


def test_small_csv_personal_column_is_never_copied(small: tuple[Path, Run]) -> None:
    into, run = small
    text = "\n".join(p.read_text(encoding="utf-8") for p in into.rglob("*.yml"))
    for secret in ("Jean Dupont", "Paul Durand", "jean.dupont@gmail.com", "à revoir"):
        assert secret not in text
    assert "jean.dupont" not in run.out


def test_id_taken_in_another_departement_is_not_reused(tmp_path: Path) -> None:
    into = tmp_path / "venues"
    (into / "13").mkdir(parents=True)
    other = into / "13" / "coworking-du-bourg.yml"
    other.write_text("id: coworking-du-bourg\n", encoding="utf-8")
    run = run_import(FIXTURES / "reseau.csv", FIXTURES / "reseau.yml", into)
    rows = {r["id_source"]: r for r in run.rows}
    assert Path(rows["A3"]["fichier"]) == into / "35" / "coworking-du-bourg-rennes.yml"
    assert other.read_text(encoding="utf-8") == "id: coworking-du-bourg\n"


# --- bad input: exit code 2 and a French message ---------------------------------------


def _mapping_with(tmp_path: Path, old: str, new: str) -> Path:
    text = (FIXTURES / "reseau.yml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "correspondance.yml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_unknown_field_in_mapping_is_explained(tmp_path: Path) -> None:
    mapping = _mapping_with(tmp_path, "  site_web: site", "  site_webb: site")
    into = tmp_path / "venues"
    run = run_import(FIXTURES / "reseau.csv", mapping, into)
    assert run.code == 2
    assert "« site_webb » n'existe pas dans le schéma" in run.err
    assert "vouliez-vous dire « site_web »" in run.err
    assert "Champs possibles : nom, types, statut" in run.err
    assert "Traceback" not in run.err and run.out == "" and not into.exists()


def test_mapping_errors_are_all_reported_at_once(tmp_path: Path) -> None:
    mapping = _mapping_with(tmp_path, "      fablab: {types: [fablab]}",
                            "      fablab: {types: [fablabs]}")
    text = mapping.read_text(encoding="utf-8").replace("format: csv", "format: docx")
    text = text.replace("\ndefauts:", "  contact: {valeurs: {x: {porteur.type: association}}}"
                        "\n\ndefauts:")
    mapping.write_text(text, encoding="utf-8")
    run = run_import(FIXTURES / "reseau.csv", mapping, tmp_path / "venues")
    assert run.code == 2
    assert "source.format : « docx » n'est pas une valeur permise (csv, xlsx, json, geojson)" \
        in run.err
    assert "« fablabs » n'est pas une valeur permise pour « types »" in run.err
    assert "la colonne « contact » est déclarée personnelle" in run.err
    assert "3 problèmes" in run.err


def test_unreadable_source_and_missing_columns(tmp_path: Path) -> None:
    missing = run_import(tmp_path / "absent.csv", FIXTURES / "reseau.yml", tmp_path / "v")
    assert missing.code == 2 and "n'existe pas" in missing.err
    source = tmp_path / "autre.csv"
    shutil.copy(FIXTURES / "reseau.csv", source)
    source.write_text(source.read_text(encoding="utf-8").replace(";site;", ";web;", 1),
                      encoding="utf-8")
    run = run_import(source, FIXTURES / "reseau.yml", tmp_path / "v")
    assert run.code == 2
    assert "colonnes absentes" in run.err and "« site » (champs.site_web)" in run.err
    latin = tmp_path / "latin.csv"
    latin.write_bytes((FIXTURES / "reseau.csv").read_text(encoding="utf-8").encode("cp1252"))
    run = run_import(latin, FIXTURES / "reseau.yml", tmp_path / "v")
    assert run.code == 2 and "n'est pas encodé" in run.err and "Traceback" not in run.err


def test_write_failure_exits_1_and_reports_the_row(tmp_path: Path) -> None:
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier", encoding="utf-8")
    run = run_import(FIXTURES / "reseau.csv", FIXTURES / "reseau.yml", blocker / "venues",
                     report=tmp_path / "rapport.csv")
    assert run.code == 1
    assert len(run.rows) == 9
    assert all(r["statut"] == REJECTED for r in run.rows)
    assert sum("écriture impossible" in r["detail"] for r in run.rows) == 6


def test_large_file_over_two_processes_gives_the_one_process_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above PARALLEL_FROM units, venues are prepared by forked workers while the main
    process decides them: same files, same report, as one process doing it all."""
    from tierslieux.importing import importer

    lines = (FIXTURES / "reseau.csv").read_text(encoding="utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    # Enough rows for both parallel passes: preparing rows, and rendering the files.
    threshold = importer.PARALLEL_FROM
    out, count = [header], 2 * threshold + 300
    assert importer._can_fork()  # else both runs would take the one-process path
    for i in range(count):
        cells = rows[i % len(rows)].split(";")
        cells[0] = f"L{i}"
        if i % 50:  # every 50th row repeats an earlier venue: matched, not created twice
            cells[1] = f"{cells[1]} {i}"
        out.append(";".join(cells))
    source = tmp_path / "grand.csv"
    source.write_text("\n".join(out) + "\n", encoding="utf-8")

    parallel = run_import(source, FIXTURES / "reseau.yml", tmp_path / "a" / "venues")
    monkeypatch.setattr(importer, "PARALLEL_FROM", 10**9)
    alone = run_import(source, FIXTURES / "reseau.yml", tmp_path / "b" / "venues")
    assert parallel.code == alone.code == 0
    def same_folder(run: Run, folder: str) -> list[dict[str, str]]:
        return [{**r, "fichier": r["fichier"].replace(str(tmp_path / folder), "")}
                for r in run.rows]

    assert same_folder(parallel, "a") == same_folder(alone, "b")
    assert len(parallel.rows) == count
    assert {r["statut"] for r in parallel.rows} >= {IMPORTED, MATCHED, REJECTED}
    a, b = files_under(tmp_path / "a"), files_under(tmp_path / "b")
    assert len(a) > threshold  # files rendered over two processes too
    assert {p.relative_to(tmp_path / "a"): v for p, v in a.items()} == {
        p.relative_to(tmp_path / "b"): v for p, v in b.items()}
