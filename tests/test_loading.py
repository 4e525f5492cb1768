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


def test_fast_yaml_writer_writes_exactly_what_pyyaml_writes() -> None:
    """The libyaml emitter, re-indented, gives the same bytes as PyYAML's own emitter on
    every starter and fixture venue (dates as text, as the tools hold them)."""
    import datetime as dt

    import yaml

    from tierslieux.model.yamlwrite import dump_venue, slow_dump

    def as_tools_hold(value):
        if isinstance(value, dict):
            return {k: as_tools_hold(v) for k, v in value.items()}
        if isinstance(value, list):
            return [as_tools_hold(v) for v in value]
        return value.isoformat() if isinstance(value, dt.date) else value

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
