"""Property-based tests: loading and validation never crash, valid venues round-trip.

Hypothesis runs derandomized (the same examples on every run, no example database), so
CI is deterministic; `max_examples` is kept modest so the whole file runs in seconds.
To hunt for bugs locally, run with more random examples:
HYPOTHESIS_HUNT=5000 .venv/bin/pytest tests/test_properties.py
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import json
import math
import os
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from conftest import FIXTURE_VENUES
from tierslieux.check.characters import FORBIDDEN, is_blank
from tierslieux.check.refcheck import RefChecker
from tierslieux.check.validate import check_loaded, check_text
from tierslieux.check.yamlload import MAX_BYTES, Loaded, load_bytes
from tierslieux.model.richtext import markdown_to_html
from tierslieux.model.schema import labels, resolve, venue_schema
from tierslieux.model.yamlwrite import dump_venue
from tierslieux.publish import exports
from tierslieux.publish.columns import row
from tierslieux.reference.enrich import enrich
from tierslieux.reference.refdata import reference_data
from tierslieux.site import mapdata
from tierslieux.site.structured import script_json, venue_jsonld

HUNT = int(os.environ.get("HYPOTHESIS_HUNT", "0"))
EXAMPLES = HUNT or 200
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=not HUNT, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])
PATH = "content/venues/35/atelier-commun-rennes.yml"
REF = reference_data()
CHECKER = RefChecker(REF)
FIXED_BASE = load_bytes((FIXTURE_VENUES / "35" / "atelier-commun-rennes.yml").read_bytes(),
                        PATH).data
ITINERANT_PATH = "content/venues/48/tiers-lieu-roulant.yml"
ITINERANT_BASE = load_bytes((FIXTURE_VENUES / "48" / "tiers-lieu-roulant.yml").read_bytes(),
                            ITINERANT_PATH).data
SCHEMA = venue_schema()
TOP_KEYS = list(SCHEMA["properties"])
NESTED_KEYS = {name: list(resolve(prop).get("properties", {}))
               for name, prop in SCHEMA["properties"].items()
               if resolve(prop).get("type") == "object"}
ETAPE_KEYS = list(SCHEMA["$defs"]["etape"]["properties"])
VOCABULARY = [code for name in ("type_lieu", "statut", "service", "equipement", "label",
                                "type_porteur", "acces_fauteuil") for code in labels(name)]


def check_everything(raw: bytes, path: str = PATH) -> None:
    """Load, then check the same bytes as a tool would: neither may raise."""
    loaded = load_bytes(raw, path)
    assert isinstance(loaded.problems, list)
    problems = check_text(raw, path, REF)
    if loaded.problems:
        assert any(p.is_error for p in problems)
    for p in problems:
        assert p.line >= 1 and p.message and p.code


# -- (a) loading never crashes ------------------------------------------------------------
@SETTINGS
@given(st.binary(max_size=3000))
@example(b"\xef\xbb\xbf" + b"id: x\n")
@example(b"\x00")
@example(b"a: &a [*a]\n")
@example(b"a" * (MAX_BYTES + 1))
@example(b"- \xff\n")
def test_any_bytes_load_without_crashing(raw: bytes) -> None:
    check_everything(raw)


# Characters that mean something to YAML, so random text hits its odd corners.
YAML_ALPHABET = st.sampled_from([*":-?&*!|>'\"%@`#,[]{}\\~<=.+ \t\n\r0123456789eExXoO",
                                 "id", "nom", "types", "etapes", "null", "true", ".nan",
                                 ".inf", "0x1F", "0o17", "1e3", "2026-01-01", "!!str",
                                 "!!binary", "!!python/object:os.system", "<<", "---",
                                 "...", "%YAML 1.1", "\ufeff", "\u2028", "\x85", "é"])


@SETTINGS
@given(st.one_of(st.text(max_size=2000), st.lists(YAML_ALPHABET, max_size=300).map("".join)))
def test_any_text_loads_without_crashing(text: str) -> None:
    check_everything(text.encode("utf-8", "surrogatepass"))


SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=50),
                    st.sampled_from(VOCABULARY), st.dates().map(str))
KEYS = st.one_of(st.sampled_from(TOP_KEYS + ETAPE_KEYS), st.text(max_size=12))


def yamlish(keys: st.SearchStrategy[Any] = KEYS) -> st.SearchStrategy[Any]:
    return st.recursive(SCALARS, lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(keys, inner, max_size=8)), max_leaves=40)


@SETTINGS
@given(st.one_of(
    yamlish(),
    st.dictionaries(st.one_of(KEYS, st.integers(), st.booleans(), st.none(), st.floats()),
                    yamlish(), max_size=10)))
def test_any_yaml_structure_loads_without_crashing(value: Any) -> None:
    check_everything(yaml.safe_dump(value, allow_unicode=True).encode("utf-8"))


def _mutate(raw: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    out = bytearray(raw)
    for position, delete, insert in edits:
        at = position % (len(out) + 1)
        out[at:at + delete] = insert
    return bytes(out)


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 5000), st.integers(0, 8),
                          st.binary(max_size=6) | YAML_ALPHABET.map(str.encode)),
                min_size=1, max_size=6))
def test_edited_valid_files_load_without_crashing(edits: list) -> None:
    for source, path in ((FIXTURE_VENUES / "35" / "atelier-commun-rennes.yml", PATH),
                         (FIXTURE_VENUES / "48" / "tiers-lieu-roulant.yml", ITINERANT_PATH)):
        check_everything(_mutate(source.read_bytes(), edits), path)


# -- (b) validation never raises on venue-shaped data ----------------------------------------
JSONISH = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
    max_leaves=20)


def plausible(key: str) -> st.SearchStrategy[Any]:
    """A value of the right shape (often valid, sometimes subtly not) for a field."""
    base = FIXED_BASE.get(key, ITINERANT_BASE.get(key))
    options: list[st.SearchStrategy[Any]] = [JSONISH]
    if base is not None:
        options.append(st.just(copy.deepcopy(base)))
    if key in NESTED_KEYS:
        options.append(st.fixed_dictionaries({}, optional={
            k: st.one_of(JSONISH, st.sampled_from(VOCABULARY)) for k in NESTED_KEYS[key]}))
    if key == "etapes":
        etape = st.fixed_dictionaries({}, optional={
            k: st.one_of(JSONISH, st.just(ITINERANT_BASE["etapes"][0].get(k, "x")))
            for k in ETAPE_KEYS})
        options.append(st.lists(etape | JSONISH, max_size=4))
    if key in ("types", "services", "equipements", "labels", "reseaux", "sources"):
        options.append(st.lists(st.sampled_from(VOCABULARY) | st.text(max_size=20),
                                max_size=5))
    if key in ("code_insee", "code_postal"):
        options.append(st.sampled_from(["35238", "35000", "2A004", "97411", "75056", "99999",
                                        "13055", "00000", "2B", ""]))
    if key in ("latitude", "longitude"):
        options.append(st.floats(-200, 200) | st.sampled_from([math.nan, math.inf, True]))
    if key in ("date_ouverture", "date_fermeture", "date_verification"):
        options.append(st.dates().map(str) | st.sampled_from(["2026-02-30", "2026-13-01"]))
    if key == "horaires":
        options.append(st.sampled_from(["Mo-Fr 09:00-18:00", "24/7", "Mo 25:00-26:00",
                                        "sunrise-sunset", "PH off", "Mo-Su"]))
    return st.one_of(options)


VENUE_SHAPED = st.fixed_dictionaries({}, optional={k: plausible(k) for k in TOP_KEYS})


@SETTINGS
@given(VENUE_SHAPED, st.dictionaries(st.text(max_size=10), JSONISH, max_size=2))
def test_validation_never_raises_on_venue_shaped_data(data: dict, extra: dict) -> None:
    data = {**extra, **data}
    problems = check_loaded(Loaded(PATH, data=data), CHECKER)
    assert all(p.line >= 1 and p.message for p in problems)
    check_everything(yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))


# -- (c) valid venues round-trip unchanged --------------------------------------------------
# Any character that validation accepts: not the ones it refuses (controls, bidi
# overrides, noncharacters: check/characters.py), and not a text that shows nothing.
CHARACTERS = st.characters(exclude_categories=("Cs",)).filter(
    lambda ch: not FORBIDDEN.match(ch))


def text_between(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(CHARACTERS, min_size=low, max_size=high).filter(lambda t: not is_blank(t))


def subset(vocabulary: str, min_size: int = 0) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(list(labels(vocabulary))), min_size=min_size,
                    unique=True, max_size=5)


# Any visible character in the path; invisible, control and non-characters are refused.
URL = st.from_regex(r"\Ahttps?://[a-z0-9][a-z0-9.-]{0,20}\.example/[^\s\x00-\x1f\x7f-\xa0"
                    r"\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u206f\ufdd0-\ufdef\ufeff"
                    r"\ufffe\uffff\U0001fffe-\U0010ffff]{0,30}\Z")
PRICE = st.one_of(st.integers(0, 10000), st.floats(0, 10000, allow_nan=False))

VARIATIONS: dict[str, st.SearchStrategy[Any]] = {
    "nom": text_between(2, 150),
    "types": subset("type_lieu", 1),
    "statut": st.sampled_from(["projet", "ouvert", "ferme_temporairement"]),
    "description": text_between(10, 400),
    "adresse": text_between(3, 200),
    "complement_adresse": text_between(1, 200),
    "site_web": URL,
    "courriel": st.from_regex(r"\A[a-z0-9_%+-]{1,10}(?:\.[a-z0-9_%+-]{1,9})?"
                              r"@[a-z0-9](?:[a-z0-9-]{0,18}[a-z0-9])?\.[a-z]{2,6}\Z"),
    "telephone": st.from_regex(r"\A(?:\+33|0)[1-9](?:[ .]?[0-9]{2}){4}\Z"),
    "reseaux_sociaux": st.lists(URL, unique=True, max_size=3),
    "porteur": st.fixed_dictionaries(
        {"nom": text_between(2, 150), "type": st.sampled_from(list(labels("type_porteur")))},
        optional={"rna": st.from_regex(r"\AW[0-9A-Z]{9}\Z")}),
    "services": subset("service"),
    "equipements": subset("equipement"),
    "tarifs": st.fixed_dictionaries({}, optional={
        "gratuit": st.booleans(), "demi_journee": PRICE, "journee": PRICE,
        "mois": st.one_of(st.integers(0, 100000), st.floats(0, 100000)),
        "details": text_between(1, 500)}),
    "horaires": st.sampled_from(["Mo-Fr 09:00-18:00; Sa 10:00-13:00", "24/7",
                                 'Mo 10:00-12:00 "sur rendez-vous"', "Tu,Th 14:00-20:00",
                                 "Mo-Su 08:00-12:00,14:00-19:00; PH off"]),
    "postes_travail": st.integers(0, 10000),
    "accessibilite": st.fixed_dictionaries({}, optional={
        "fauteuil_roulant": st.sampled_from(list(labels("acces_fauteuil"))),
        "transports_en_commun": text_between(1, 300), "stationnement": st.booleans(),
        "stationnement_velo": st.booleans(), "fiche_acces_libre": URL}),
    "connectivite": st.fixed_dictionaries({}, optional={
        "fibre": st.booleans(), "wifi": st.booleans(),
        "debit_mbps": st.one_of(st.integers(0, 100000), st.floats(0, 100000))}),
    "labels": subset("label"),
    "reseaux": st.lists(text_between(2, 150), unique=True, max_size=3),
    "gestionnaires": st.lists(st.from_regex(r"\A[A-Za-z0-9]{1,20}\Z"), unique=True,
                              max_size=3),
    "sources": st.lists(URL, unique=True, max_size=3),
    "latitude": st.floats(48.10, 48.12),
    "longitude": st.floats(-1.69, -1.67),
    "date_ouverture": st.dates(dt.date(1990, 1, 1), dt.date(2025, 1, 1)).map(str),
}
FIXED_ONLY = {"adresse", "complement_adresse", "latitude", "longitude"}
STOP = st.fixed_dictionaries(
    {k: st.just(v) for k, v in ITINERANT_BASE["etapes"][0].items() if k not in ("nom",)},
    optional={"nom": text_between(1, 150), "adresse": text_between(1, 200)})


@st.composite
def valid_venues(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    itinerant = draw(st.booleans())
    data = copy.deepcopy(ITINERANT_BASE if itinerant else FIXED_BASE)
    for key, strategy in VARIATIONS.items():
        if itinerant and key in FIXED_ONLY:
            continue
        choice = draw(st.sampled_from(["keep", "vary", "drop"]))
        if choice == "vary":
            data[key] = draw(strategy)
        elif choice == "drop" and key not in ("nom", "types", "statut", "latitude",
                                              "longitude", "adresse"):
            data.pop(key, None)
    if itinerant:
        first = draw(STOP)
        data["etapes"] = [first, *data["etapes"][1:]]
    return (ITINERANT_PATH if itinerant else PATH), data


@SETTINGS
@given(valid_venues())
def test_valid_venues_round_trip_through_yaml_and_json(case: tuple[str, dict]) -> None:
    venue_path, data = case
    text = dump_venue(data)
    raw = text.encode("utf-8")
    problems = check_text(raw, venue_path, REF)
    assume(not any(p.is_error for p in problems))
    loaded = load_bytes(raw, venue_path)
    assert loaded.problems == []
    assert loaded.data == data  # dump_venue then load_bytes: the same data

    venue = enrich(REF, data["id"], venue_path, loaded.data)
    url = f"/lieux/{venue.id}/"
    record = exports.record(venue, url)
    derived = ("territoire", "url", "source")  # added by the export, not in the file
    assert {k: v for k, v in record.items() if k not in derived} == data
    full = json.loads(exports.to_json([venue], lambda v: url, {"nombre": 1}))
    assert {k: v for k, v in full["lieux"][0].items() if k not in derived} == data

    # Everything else published from the venue works too and keeps the name intact.
    rows = list(csv.DictReader(io.StringIO(exports.to_csv([venue], lambda v: url),
                                           newline="")))
    assert rows == [{n: exports.safe_cell(v) for n, v in row(venue, url).items()}]
    geo = json.loads(exports.to_geojson([venue], lambda v: url))
    assert geo["features"][0]["properties"]["nom"] == data["nom"]
    assert json.loads(mapdata.to_json([venue]))["lieux"][0][1] == data["nom"]
    assert json.loads(script_json(venue_jsonld(venue, url)))["name"] == data["nom"]
    markdown_to_html(data.get("description", ""))


@SETTINGS
@given(valid_venues())
def test_most_generated_venues_are_valid(case: tuple[str, dict]) -> None:
    """Guards the round-trip test against silently discarding most of its examples."""
    venue_path, data = case
    problems = check_text(dump_venue(data).encode("utf-8"), venue_path, REF)
    errors = sorted({p.code for p in problems if p.is_error})
    assert errors == [], (errors, data)


def test_next_line_character_written_by_dump_venue_is_refused_on_its_line() -> None:
    data = {**FIXED_BASE, "nom": "Café\x85Atelier", "description": "Première ligne\x85suite."}
    loaded = load_bytes(dump_venue(data).encode("utf-8"), PATH)
    assert {(p.code, p.field) for p in loaded.problems} == {
        ("caractere-interdit", "nom"), ("caractere-interdit", "description")}
    assert all("U+0085" in p.message for p in loaded.problems)


def test_carriage_return_stays_inside_its_csv_cell() -> None:
    data = {**FIXED_BASE, "complement_adresse": "Bâtiment A\rporte 2"}
    assert [(p.code, p.field) for p in check_text(dump_venue(data).encode(), PATH, REF)] == [
        ("caractere-interdit", "complement_adresse")]  # refused; the CSV holds it anyway
    venue = enrich(REF, data["id"], PATH, data)
    text = exports.to_csv([venue], lambda v: "/lieux/x/")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) == 2 and "Bâtiment A\rporte 2" in rows[1]


def test_examples_are_counted() -> None:
    tests = [test_any_bytes_load_without_crashing, test_any_text_loads_without_crashing,
             test_any_yaml_structure_loads_without_crashing,
             test_edited_valid_files_load_without_crashing,
             test_validation_never_raises_on_venue_shaped_data,
             test_valid_venues_round_trip_through_yaml_and_json,
             test_most_generated_venues_are_valid]
    print(f"\n{len(tests)} properties, up to {EXAMPLES} examples each "
          f"({len(tests) * EXAMPLES} generated cases at most)")
    assert Path(__file__).exists()
