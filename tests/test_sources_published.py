"""Imported venues credit their datasets everywhere, the reconciliation with each source
file adds up, and no personal data of a source reaches the repository or the site."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from markupsafe import escape

from conftest import ROOT
from tierslieux.importing.normalize import classify_email
from tierslieux.model.datasets import datasets
from tierslieux.model.venue import Venue
from tierslieux.publish.reconciliation import (
    VENUE_GONE,
    SourceRow,
    read_report,
    reconcile,
    reconcile_all,
)

FRICTIONLESS = Path(sys.executable).with_name("frictionless")
SHARED_DATA = ROOT.parent / "shared" / "data"
CENSUS = "cget-mission-coworking-tiers-lieux-2019.csv"
BRETAGNE = "maplabbzh-fablabs-tiers-lieux-bretagne.geojson"
BZH_CREDIT = "Guillaume Rouan / #MapLabBZH"


def shared_file(name: str) -> Path:
    """A source file from ../shared: skipped with the reason in a fresh clone, never in CI."""
    target = SHARED_DATA / name
    if not target.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{target} is required in CI")
        pytest.skip(f"{target} is absent (../shared is only beside the project's checkout)")
    return target


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _venue(venue_id: str, *rows: tuple[str, str]) -> Venue:
    return Venue(venue_id, f"{venue_id}.yml", {"id": venue_id, "provenance": [
        {"jeu": jeu, "ligne": ligne, "date": "2019-06-13", "licence": "etalab-2.0"}
        for jeu, ligne in rows]})


# -- the source columns and credits in every download -----------------------------------

def test_every_download_credits_the_datasets_of_each_venue(starter_site: Path) -> None:
    data = starter_site / "donnees"
    rows = {r["id"]: r for r in _csv(data / "tiers-lieux.csv")}
    features = {f["id"]: f["properties"] for f in json.loads(
        (data / "tiers-lieux.geojson").read_text("utf-8"))["features"]}
    records = {r["id"]: r for r in json.loads((data / "tiers-lieux.json").read_text("utf-8"))
               ["lieux"]}
    bretagne = {r["id"]: r for r in _csv(data / "regions" / "53.csv")}
    from_bzh = 0
    for venue_id, record in records.items():
        jeux = list(dict.fromkeys(p["jeu"] for p in record.get("provenance", [])))
        row = rows[venue_id]
        assert row["source"] == "|".join(jeux), venue_id
        assert features[venue_id]["source"] == (row["source"] or None)
        assert [c["jeu"] for c in record["source"]] == jeux
        assert "{'jeu'" not in json.dumps(row)  # no Python repr of a provenance entry
        lignes = [f"{p['jeu']}:{p['ligne']}" for p in record.get("provenance", [])]
        assert row["source_lignes"] == "|".join(lignes)
        if "maplabbzh" in jeux:
            from_bzh += 1
            position = jeux.index("maplabbzh")
            assert row["source_attribution"].split("|")[position] == BZH_CREDIT
            assert row["source_licence"].split("|")[position] == "CC-BY-4.0"
            assert features[venue_id]["source_attribution"] == row["source_attribution"]
            assert {c["jeu"]: c["attribution"] for c in record["source"]}["maplabbzh"] \
                == BZH_CREDIT
            own = json.loads((data / "lieux" / f"{venue_id}.json").read_text("utf-8"))
            assert own["source"] == record["source"]
            if record["territoire"]["region"]["code"] == "53":
                assert bretagne[venue_id]["source_attribution"] == row["source_attribution"]
        if not jeux:
            assert row["source"] == row["source_attribution"] == ""
    holders = [path for path in (ROOT / "content" / "venues").rglob("*.yml")
               if re.search(r"^  - jeu: maplabbzh$", path.read_text("utf-8"), re.M)]
    assert from_bzh == len(holders) > 50  # every venue holding a row of the #MapLabBZH map
    national = _csv(data / "lieux-mediation-numerique.csv")
    for line in national:
        jeux = rows[line["id"]]["source"]
        if "maplabbzh" in jeux:
            assert BZH_CREDIT in line["source"]


def test_data_package_lists_each_dataset_and_passes_frictionless(starter_site: Path) -> None:
    data = starter_site / "donnees"
    package = json.loads((data / "datapackage.json").read_text("utf-8"))
    by_path = {s.get("path"): s for s in package["sources"]}
    for dataset in datasets().values():
        source = by_path[dataset.url]
        assert dataset.title in source["title"] and dataset.attribution in source["title"]
        assert source["licenses"][0]["name"] == dataset.licence
    assert "https://github.com/tiers-lieux/annuaire" in by_path  # the directory itself
    assert BZH_CREDIT in package["description"] and "CC BY 4.0" in package["description"]
    names = [r["name"] for r in package["resources"]]
    assert {"rapprochement-recensement-2019", "rapprochement-maplabbzh"} <= set(names)
    run = subprocess.run([str(FRICTIONLESS), "validate", "--trusted", "datapackage.json"],
                         cwd=data, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout
    assert run.stdout.count("VALID") == len(names) and "INVALID" not in run.stdout


# -- the reconciliation -------------------------------------------------------------------

def test_reconciliation_places_each_row_once() -> None:
    """Rows held by a venue count it once; a second row is merged; the rest not taken."""
    dataset = datasets()["recensement-2019"]
    rows = [SourceRow(2, "1", "A", "créé"), SourceRow(3, "2", "A bis", "rapproché"),
            SourceRow(4, "3", "B", "rejeté", "adresse manquante", "rien n'est inventé"),
            SourceRow(5, "4", "C", "créé"), SourceRow(6, "5", "D", "rapproché")]
    venues = [_venue("a", ("recensement-2019", "1"), ("recensement-2019", "2")),
              _venue("d", ("maplabbzh", "9"), ("recensement-2019", "5"))]
    result = reconcile(dataset, rows, venues)
    assert [v.id for v in result.venues] == ["a", "d"]
    assert (result.created, result.completed) == (1, 1)
    assert [(m.row.source_id, m.venue.id) for m in result.merged] == [("2", "a")]
    assert [(n.row.source_id, n.reason) for n in result.not_taken] == [
        ("3", "adresse manquante"), ("4", VENUE_GONE)]  # C's venue was removed since
    assert result.balanced and not result.problems


def test_reconciliation_says_when_the_report_and_the_venues_disagree() -> None:
    dataset = datasets()["recensement-2019"]
    rows = [SourceRow(2, "1", "A", "créé"), SourceRow(4, "3", "B", "créé")]
    result = reconcile(dataset, rows, [_venue("a", ("recensement-2019", "1")),
                                       _venue("x", ("recensement-2019", "77"))])
    assert any("gap" in p for p in result.problems)
    assert any("x holds row '77'" in p for p in result.problems)


def _report(dataset_id: str) -> list[dict[str, str]]:
    return [r for r in _csv(ROOT / "content" / "imports" / f"{dataset_id}.csv")
            if r["statut"] != "absent de la source"]


def test_committed_reports_and_venues_add_up(starter_site: Path) -> None:
    """rows = venues published + merged + not taken, for each dataset, as the page says.

    The expected figures are recounted here from the committed import report and the
    published CSV (its source and source_lignes columns), not from the module.
    """
    page = (starter_site / "donnees" / "index.html").read_text("utf-8")
    rows_by_id = {r["id"]: r for r in _csv(starter_site / "donnees" / "tiers-lieux.csv")}
    for dataset_id, source_rows in (("recensement-2019", 1512), ("maplabbzh", 121)):
        report = _report(dataset_id)
        holders = {i: [x for x in r["source_lignes"].split("|")
                       if x.startswith(f"{dataset_id}:")] for i, r in rows_by_id.items()
                   if dataset_id in r["source"].split("|")}
        held = sum(len(lignes) for lignes in holders.values())
        not_taken = [r for r in report if r["statut"] in ("rejeté", "filtré")]
        total, venues, merged = len(report), len(holders), held - len(holders)
        assert total == source_rows == held + len(not_taken)

        lines = _csv(starter_site / "donnees" / "rapprochement" / f"{dataset_id}.csv")
        fates = Counter(line["devenir"] for line in lines)
        assert len(lines) == total
        assert (fates["lieu publié"], fates["fusionnée"], fates["non reprise"]) == (
            venues, merged, len(not_taken))
        assert {line["lieu"] for line in lines if line["devenir"] != "non reprise"} == set(
            holders)  # the venues a reuser finds by the source column
        assert all(line["motif"] for line in lines if line["devenir"] == "non reprise")

        section = page.split(f'id="rapprochement-{dataset_id}"', 1)[1].split("</section>")[0]
        cells = re.findall(r'<td class="num">([^<]+)</td>', section)
        assert [c.replace("\u202f", "") for c in cells] == [
            str(total), str(venues), str(merged), str(len(not_taken))]
        reasons = Counter(r["motif"] for r in not_taken)
        for reason, count in reasons.items():
            assert str(escape(f"{reason} ({count})")) in section
        summary = f"Les {len(not_taken)} lignes non reprises, et pourquoi"
        assert summary in section
        first = not_taken[0]
        assert f"Ligne {first['ligne']}" in section and str(escape(first["nom"])) in section
        if merged:
            assert f"Les {merged} lignes fusionnées dans un lieu déjà compté" in section
    assert "Ligne 1465 (identifiant 1464) : La REcyclerie" in page  # a census ID column


def test_reconciliation_runs_on_the_committed_content_without_problems() -> None:
    from tierslieux.check.validate import validate

    venues_dir = ROOT / "content" / "venues"
    venues = validate([venues_dir], universe=venues_dir).venues
    results = reconcile_all(venues, ROOT / "content" / "imports")
    assert {r.dataset.id for r in results} == {"recensement-2019", "maplabbzh"}
    for result in results:
        assert result.balanced and result.problems == [], result.problems


@pytest.mark.parametrize(("name", "dataset_id"), [(CENSUS, "recensement-2019"),
                                                  (BRETAGNE, "maplabbzh")])
def test_a_reuser_finds_every_row_of_the_source_file(name: str, dataset_id: str,
                                                     starter_site: Path) -> None:
    """Each row of the source file is in the published reconciliation, once."""
    source = shared_file(name)
    if source.suffix == ".csv":
        ids = [r["ID"] for r in _csv(source)]
    else:
        ids = [str(f["properties"]["id"]) for f in json.loads(
            source.read_text("utf-8"))["features"]]
    lines = _csv(starter_site / "donnees" / "rapprochement" / f"{dataset_id}.csv")
    assert sorted(line["id_source"] for line in lines) == sorted(ids)
    report, _ = read_report(ROOT / "content" / "imports" / f"{dataset_id}.csv")
    assert len(report) == len(ids)


# -- personal data --------------------------------------------------------------------

def _personal_data() -> list[str]:
    """What must never be published: the census's contacts and e-mails, and the
    #MapLabBZH map's e-mails that are not a venue's own generic address.

    One exception, by construction: an address the map publishes as a venue's own
    generic e-mail (its carrying association's, say) is that venue's, not a person's, even
    when the census also listed it under MAIL.
    """
    found: set[str] = set()
    generic: set[str] = set()
    for feature in json.loads(shared_file(BRETAGNE).read_text("utf-8"))["features"]:
        props = feature["properties"]
        kept, _ = classify_email(props.get("email") or "", props.get("web") or None,
                                 [props.get("name") or "", props.get("organisation") or ""])
        generic.add((kept or "").lower())
        for address in re.split(r"[\s,;]+", props.get("email") or ""):
            address = address.removeprefix("mailto:").strip("<>()").lower()
            if "@" in address and address != (kept or "").lower():
                found.add(address)
    for row in _csv(shared_file(CENSUS)):
        for address in re.split(r"[\s,;]+", row["MAIL"]):
            if "@" in address and address.lower() not in generic:
                found.add(address.lower())
        contact = " ".join(row["CONTACT"].split())
        if contact and contact.lower() != " ".join(row["NOM_TL"].split()).lower():
            found.add(contact.lower())
    return sorted(found)


def _mask(text: str) -> str:
    return f"{text[:1]}… ({len(text)} caractères)"


def _leaks(files: list[Path], needles: list[str]) -> list[str]:
    leaks = []
    for path in files:
        try:
            text = " ".join(path.read_text(encoding="utf-8").split()).lower()
        except (UnicodeDecodeError, OSError):
            continue
        for needle in needles:
            # A name counts as a whole word: "Martin" is not in "Saint-Martin-de-Ré".
            if needle in text and re.search(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", text):
                leaks.append(f"{path}: {_mask(needle)}")  # never the value itself
    return leaks


def test_no_personal_data_of_a_source_in_the_repository_or_the_site(
        starter_site: Path, tmp_path: Path) -> None:
    needles = _personal_data()
    assert len(needles) > 100  # the test reads the real values
    planted = tmp_path / "page.html"  # the search finds a value where one would leak
    planted.write_text(f"<p>Contact : {needles[0].upper()}</p>", encoding="utf-8")
    assert len(_leaks([planted], needles)) == 1
    content = [p for p in (ROOT / "content").rglob("*") if p.is_file()]
    site = [p for p in starter_site.rglob("*") if p.is_file() and "pagefind" not in p.parts]
    assert len(content) > 1400 and len(site) > 1400
    assert _leaks(content + site, needles) == []


# -- the pages that show all this: valid HTML, accessible, no horizontal scroll ---------

PAGES = ["donnees/index.html", "statistiques/index.html"]


def test_data_and_statistics_pages_with_sources_are_valid_html(starter_site: Path) -> None:
    from test_html import vnu_errors

    errors = vnu_errors([starter_site / p for p in PAGES])
    assert errors == [], "\n".join(errors)


@pytest.fixture(scope="module")
def served_starter(starter_site: Path):
    import threading
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(starter_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize("width", [1280, 360])
def test_sources_and_census_sections_read_in_a_browser(browser, served_starter, width) -> None:
    from conftest import AXE

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in ("/donnees/", "/statistiques/"):
            page.goto(served_starter + path)
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            assert page.evaluate("document.documentElement.scrollWidth") <= width, path
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate("""async () => {
                const r = await axe.run(document, {resultTypes: ['violations']});
                return r.violations.map(v => v.id + ': ' + v.nodes.map(
                    n => n.target.join(' ')).join(', '));
            }""")
            assert violations == [], "\n".join(violations)
        page.goto(served_starter + "/donnees/")
        assert page.get_by_text("Guillaume Rouan / #MapLabBZH").first.is_visible()
        summary = page.locator("#rapprochement-recensement-2019 ~ details summary").first
        not_taken = sum(1 for r in _report("recensement-2019")
                        if r["statut"] in ("rejeté", "filtré"))
        assert summary.inner_text() == f"Les {not_taken} lignes non reprises, et pourquoi"
        assert not page.get_by_text("Ligne 1465 (identifiant 1464) : La REcyclerie").is_visible()
        summary.click()
        assert page.get_by_text("Ligne 1465 (identifiant 1464) : La REcyclerie").is_visible()
    finally:
        context.close()
