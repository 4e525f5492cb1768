"""Reading YAML: every defect becomes a located problem, never an exception."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tierslieux.check.yamlload import MAX_BYTES, load_bytes


def codes(raw: bytes) -> list[tuple[str, int]]:
    return [(p.code, p.line) for p in load_bytes(raw, "x.yml").problems]


def test_values_keep_their_lines_and_dates_stay_text() -> None:
    loaded = load_bytes(b"nom: A\nporteur:\n  nom: B\ntypes:\n  - fablab\nd: 2024-05-01\n", "x")
    assert loaded.problems == []
    assert loaded.data["d"] == "2024-05-01"
    assert loaded.line_of(("porteur", "nom")) == 3
    assert loaded.line_of(("types", 0)) == 5
    assert loaded.line_of(("porteur", "inconnu")) == 2


def test_duplicate_key_is_reported_not_silently_overwritten() -> None:
    loaded = load_bytes(b"nom: Premier\nville: X\nnom: Second\n", "x")
    assert [(p.code, p.line) for p in loaded.problems] == [("cle-dupliquee", 3)]
    assert loaded.data["nom"] == "Premier"
    assert "ligne 1" in loaded.problems[0].message


def test_billion_laughs_is_refused_quickly() -> None:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for name in "bcdefghijklmnop":
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    start = time.perf_counter()
    loaded = load_bytes(text.encode(), "x")
    assert time.perf_counter() - start < 5  # expanding it would need 9**15 strings
    assert [(p.code, p.line) for p in loaded.problems] == [("yaml-alias", 2)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", [("fichier-vide", 1)]),
        (b"# rien\n", [("fichier-vide", 1)]),
        (b"\xef\xbb\xbfnom: A\n", [("encodage-bom", 1)]),
        (b"nom: A\nville: \xe9t\xe9\n", [("encodage-invalide", 2)]),
        (b"nom: A\x00\n", [("encodage-invalide", 1)]),
        (b"nom: A\ntypes:\n\t- fablab\n", [("yaml-tabulation", 3)]),
        (b"nom: A: B\n", [("yaml-syntaxe", 1)]),
        (b"nom: A\n---\nnom: B\n", [("yaml-plusieurs-documents", 2)]),
        (b"- nom: A\n", [("racine-invalide", 1)]),
        (b"juste du texte\n", [("racine-invalide", 1)]),
        (b"nom: A\nlat: .inf\n", [("nombre-invalide", 2)]),
        (b"nom: !!binary aGVsbG8=\n", [("yaml-etiquette", 1)]),
        (b"nom: A\n3: x\n", [("cle-invalide", 2)]),
        (b"base: &b {x: 1}\nautre:\n  <<: *b\n", [("yaml-alias", 3)]),
    ],
)
def test_defects(raw: bytes, expected: list[tuple[str, int]]) -> None:
    assert codes(raw) == expected


def test_oversized_file_is_refused_before_parsing() -> None:
    assert codes(b"a: b\n" * (MAX_BYTES // 5 + 1)) == [("fichier-trop-gros", 1)]


def as_tools_hold(value):
    """Venue data as the tools hold it before writing: dates as text."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: as_tools_hold(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_tools_hold(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_fast_yaml_writer_writes_exactly_what_pyyaml_writes() -> None:
    """The libyaml emitter, re-indented, gives the same bytes as PyYAML's own emitter on
    every starter and fixture venue (dates as text, as the tools hold them)."""

    import yaml

    from tierslieux.model.yamlwrite import dump_venue, slow_dump

    root = Path(__file__).resolve().parents[1]
    files = [*root.glob("content/venues/*/*.yml"), *root.glob("tests/fixtures/venues/**/*.yml")]
    checked = 0
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            data = as_tools_hold(data)
            data["description"] = "Une ligne :\n- avec un tiret\n\nHoraires :\n- lundi"
            assert dump_venue(data) == slow_dump(data), path
            checked += 1
    assert checked >= 15


def test_direct_yaml_writer_writes_exactly_what_libyaml_writes() -> None:
    """The direct writer of plain values gives libyaml's bytes on every venue as written
    (long descriptions folded) and on 3,000 seeded venues full of values YAML reads
    otherwise (yes, 0123, 1e5, « a: b », #, line separators, tabs, long texts)."""
    import random
    import string

    import yaml

    from tierslieux.model.schema import venue_schema
    from tierslieux.model.yamlwrite import _libyaml_dump, _ordered, dump_venue

    def libyaml(data):
        return _libyaml_dump(_ordered(data, venue_schema()))

    root = Path(__file__).resolve().parents[1]
    checked = 0
    for path in root.glob("content/venues/*/*.yml"):
        data = as_tools_hold(yaml.safe_load(path.read_text(encoding="utf-8")))
        assert dump_venue(data) == libyaml(data), path
        checked += 1
    assert checked >= 15

    rng = random.Random(2026)
    atoms = ["yes", "no", "null", "~", "0123", "1e5", "1.5", "-3", "+4", "2021-01-01", "a: b",
             "a:b", "x #y", "#x", "'q", '"q', "«x»", "’", "é", "²", "\u00a0", "\u2028", "- a",
             "? a", "*a", "&a", "!a", "%a", "@a", "|", "> x", "[a]", "{a}", "True", "on",
             "0x1F", ".5", "1_000", "12:30", "a  b", " a", "a ", "\t",
             "https://x.fr/a?b=c&d=e#f", "Mo-Fr 09:00-18:00; PH off"]

    def text() -> str:
        parts = [rng.choice(atoms) if rng.random() < 0.5 else
                 "".join(rng.choice(string.ascii_letters + " éà'-.,:/#")
                         for _ in range(rng.randint(1, 12)))
                 for _ in range(rng.randint(1, 6))]
        joined = rng.choice([" ", ""]).join(parts)
        return joined * rng.randint(5, 15) if rng.random() < 0.1 else joined

    def value(depth: int = 0):
        r = rng.random()
        if r < 0.6 or depth >= 2:
            return text()
        if r < 0.7:
            return rng.choice([1, 0, -5, 1.25, 1e20, True, False, None, 48.1113, -1.68])
        if r < 0.85:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {rng.choice(["nom", "horaires", text()]): value(depth + 1)
                for _ in range(rng.randint(0, 3))}

    keys = ["nom", "types", "adresse", "code_postal", "commune", "description", "porteur",
            "tarifs", "sources", "horaires", "latitude"]
    for _ in range(3000):
        data = {k: value() for k in rng.sample(keys, rng.randint(1, 8))}
        if rng.random() < 0.3:
            data["etapes"] = [{"commune": text(), "code_postal": rng.choice(["35000", text()]),
                               "latitude": 48.1, "longitude": -1.6, "horaires": text()}
                              for _ in range(rng.randint(1, 3))]
        assert dump_venue(data) == libyaml(data), data
