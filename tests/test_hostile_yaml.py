"""Hostile and broken YAML: deep nesting, characters that must never be published,
libyaml's errors in French on the right line, and YAML 1.1's silent coercions.

Each test feeds a class of inputs (not one case) and checks what a contributor sees: the
exit code, the French message, the problem's code, field and line.
"""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import FIXTURE_VENUES, ROOT, build_site
from tierslieux.check.validate import check_text
from tierslieux.check.yamlload import MAX_BYTES, MAX_DEPTH, MAX_PER_CODE, load_bytes

TIERSLIEUX = Path(sys.executable).with_name("tierslieux")
PATH = "content/venues/35/atelier-commun-rennes.yml"
BASE = """\
id: atelier-commun-rennes
nom: L'Atelier commun
types:
  - coworking
statut: ouvert
adresse: 10 rue de la Fixture
code_postal: "35000"
commune: Rennes
code_insee: "35238"
latitude: 48.1113
longitude: -1.68
horaires: Mo-Fr 09:00-18:00
porteur:
  nom: Association L'Atelier commun
  type: association
tarifs:
  gratuit: false
postes_travail: 24
description: |
  Un coworking avec un fablab,
  ouvert aux habitants du quartier.
date_verification: 2026-01-15
"""
LINES = {line.split(":")[0]: n for n, line in enumerate(BASE.splitlines(), 1)
         if ":" in line and not line.startswith(" ")}
LINES.update({"types[1]": 4, "porteur.nom": 14, "tarifs.gratuit": 17})


def venue(**fields: str) -> str:
    """BASE with whole lines replaced: venue(nom='nom: X'), venue(**{'porteur.nom': ...})."""
    lines = BASE.splitlines()
    for name, text in fields.items():
        lines[LINES[name] - 1] = text
    return "\n".join(lines) + "\n"


def problems(text: str | bytes) -> list[tuple[str, int, str]]:
    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    return [(p.code, p.line, p.field) for p in check_text(raw, PATH) if p.is_error]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TIERSLIEUX), *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


def test_base_venue_is_valid() -> None:
    assert problems(BASE) == []


# == 1. Deep nesting ========================================================================
def nested(shape: str, depth: int) -> str:
    """A file whose lists and groups go `depth` levels deep (the file itself is level 1)."""
    inner = depth - 1
    if shape == "flow-list":
        return "a: " + "[" * inner + "]" * inner + "\n"
    if shape == "flow-map":
        return "a: " + "{b: " * inner + "}" * inner + "\n"
    if shape == "flow-mixed":
        return "a: " + "[{b: " * (inner // 2) + "[" * (inner % 2) + "]" * (inner % 2) + (
            "}]" * (inner // 2)) + "\n"
    if shape == "block-list":
        return "a:\n" + "".join("  " * i + "-\n" for i in range(1, inner + 1))
    if shape == "block-map":
        return "a:\n" + "".join("  " * i + "b:\n" for i in range(1, inner + 1))
    raise AssertionError(shape)


SHAPES = ["flow-list", "flow-map", "flow-mixed", "block-list", "block-map"]
# The line of the first collection past the limit.
TOO_DEEP_LINE = {"flow-list": 1, "flow-map": 1, "flow-mixed": 1, "block-list": MAX_DEPTH + 1,
                 "block-map": MAX_DEPTH + 1}


@pytest.mark.parametrize("shape", SHAPES)
def test_nesting_up_to_the_limit_is_read(shape: str) -> None:
    loaded = load_bytes(nested(shape, MAX_DEPTH).encode(), "x.yml")
    assert loaded.problems == [] and isinstance(loaded.data, dict)


@pytest.mark.parametrize("shape", SHAPES)
def test_nesting_past_the_limit_is_one_french_problem_on_its_line(shape: str) -> None:
    loaded = load_bytes(nested(shape, MAX_DEPTH + 1).encode(), "x.yml")
    assert [(p.code, p.line, p.field) for p in loaded.problems] == [
        ("yaml-trop-profond", TOO_DEEP_LINE[shape], "a")]
    assert f"plus de {MAX_DEPTH} niveaux" in loaded.problems[0].message
    assert loaded.data is None


def biggest(shape: str) -> bytes:
    """The deepest nesting of this shape that still fits the size limit."""
    low, high = MAX_DEPTH, MAX_BYTES
    while low < high:  # nested() grows with depth: find the largest that fits
        middle = (low + high + 1) // 2
        if len(nested(shape, middle).encode()) <= MAX_BYTES:
            low = middle
        else:
            high = middle - 1
    return nested(shape, low).encode()


@pytest.mark.parametrize("shape", SHAPES)
def test_the_deepest_file_that_fits_is_refused_in_process(shape: str) -> None:
    raw = biggest(shape)
    assert len(raw) > MAX_BYTES - 300
    loaded = load_bytes(raw, "x.yml")
    assert [(p.code, p.line) for p in loaded.problems] == [
        ("yaml-trop-profond", TOO_DEEP_LINE[shape])]


def write_deep_venues(folder: Path) -> Path:
    """A folder with a valid venue and the deepest flow and block files that fit."""
    shutil.copytree(FIXTURE_VENUES / "35", folder / "35")
    (folder / "35" / "crochets.yml").write_bytes(biggest("flow-list"))
    (folder / "35" / "accolades.yml").write_bytes(biggest("flow-map"))
    (folder / "35" / "indentation-profonde.yml").write_bytes(biggest("block-list"))
    return folder


DEEP_REPORT = ["35/crochets.yml:1: erreur [yaml-trop-profond]",
               "35/accolades.yml:1: erreur [yaml-trop-profond]",
               f"35/indentation-profonde.yml:{MAX_DEPTH + 1}: erreur [yaml-trop-profond]"]


def test_validate_command_reports_deep_files_without_crashing(tmp_path: Path) -> None:
    # Before: a segmentation fault (exit -11, no message) or a RecursionError traceback.
    result = run("validate", str(write_deep_venues(tmp_path / "venues")), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    for line in DEEP_REPORT:
        assert f"venues/{line}" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert "3 erreurs" in result.stdout


def test_build_stops_on_deep_files_with_the_french_report(tmp_path: Path) -> None:
    result = build_site(write_deep_venues(tmp_path / "venues"), tmp_path / "output")
    out = result.stdout + result.stderr
    assert result.returncode not in (0, -11), out
    for line in DEEP_REPORT:
        assert line in out
    assert "Traceback" not in out and "RecursionError" not in out
    assert "Le site n'est pas construit" in out


def test_import_mapping_with_deep_nesting_is_refused_in_french(tmp_path: Path) -> None:
    mapping = (ROOT / "tests" / "fixtures" / "import" / "reseau.yml").read_text("utf-8")
    lines = mapping.count("\n")
    (tmp_path / "map.yml").write_text(mapping + "colonnes_ignorees: " + "[" * 30000
                                      + "]" * 30000 + "\n", "utf-8")
    (tmp_path / "venues").mkdir()
    result = run("import", str(ROOT / "tests" / "fixtures" / "import" / "reseau.csv"),
                 "--mapping", str(tmp_path / "map.yml"), "--into", str(tmp_path / "venues"),
                 "--dry-run", "--sans-geocodage", cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode not in (0, -11), out
    assert f"map.yml:{lines + 1} : les listes et groupes de champs sont imbriqués" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("depth", [100, 990, 30000])
def test_import_json_source_with_deep_nesting_is_refused_in_french(tmp_path: Path,
                                                                     depth: int) -> None:
    # Before: a RecursionError traceback (decoding, or flattening the record).
    mapping = (ROOT / "tests" / "fixtures" / "import" / "reseau.yml").read_text("utf-8")
    mapping = mapping.replace("format: csv", "format: json").replace(
        '  delimiteur: ";"\n', "").replace("  encodage: utf-8\n", "")
    (tmp_path / "map.yml").write_text(mapping, "utf-8")
    rows = list(csv.DictReader((ROOT / "tests" / "fixtures" / "import" / "reseau.csv")
                               .open(encoding="utf-8"), delimiter=";"))
    records = [json.dumps(row, ensure_ascii=False) for row in rows]
    records[1] = records[1][:-1] + ', "remarque":\n' + '{"a": [' * (depth // 2) + "1" + (
        "]}" * (depth // 2)) + "}"
    (tmp_path / "source.json").write_text("[\n" + ",\n".join(records) + "\n]\n", "utf-8")
    (tmp_path / "venues").mkdir()
    result = run("import", str(tmp_path / "source.json"), "--mapping", str(tmp_path / "map.yml"),
                 "--into", str(tmp_path / "venues"), "--dry-run", "--sans-geocodage",
                 cwd=tmp_path)
    out = result.stdout + result.stderr
    assert result.returncode not in (0, -11), out
    assert "imbriqués sur plus de 64 niveaux (ligne 4)" in out
    assert "Traceback" not in out and "RecursionError" not in out


def test_from_issue_keeps_nested_brackets_as_text(tmp_path: Path) -> None:
    # An answer is text: brackets typed in it never become YAML structure.
    answer = "[" * 400 + "{a: " * 200 + "*x &y !!python/object ---"
    body = (ROOT / "tests" / "fixtures" / "issues" / "nouveau-lieu.md").read_text("utf-8")
    body = body.replace("Un **coworking** associatif avec un petit fablab.", answer)
    (tmp_path / "issue.md").write_text(body, "utf-8")
    result = run("from-issue", str(tmp_path / "issue.md"), "--into", str(tmp_path / "out"),
                 "--date", "2026-01-15", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    [written] = (tmp_path / "out").rglob("*.yml")
    loaded = load_bytes(written.read_bytes(), "x.yml")
    assert loaded.problems == []
    assert loaded.data["description"].startswith("[" * 400 + "{a: ")


# == 2. Characters that must never be published ================================================
FORBIDDEN = ["\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x9b",
             "\x9f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067",
             "\u2068", "\u2069", "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe",
             "\U0010ffff"]
ESCAPED_ONLY = ["\r", "\x85", "\ud800", "\udbff", "\udc00", "\udfff"]  # raw: a line break


def escapes(ch: str) -> list[str]:
    code = ord(ch)
    out = [f"\\U{code:08X}"]
    if code <= 0xFFFF:
        out.append(f"\\u{code:04x}")
    if code <= 0xFF:
        out.append(f"\\x{code:02X}")
    return out


def _cases() -> list[tuple[str, str, int, str]]:
    cases = []
    for ch in FORBIDDEN:
        cases += [
            (ch, venue(nom=f"nom: L'Atelier{ch} commun"), 2, "nom"),
            (ch, venue(nom=f'nom: "L\'Atelier {ch}commun"'), 2, "nom"),
            (ch, venue(nom=f"nom: 'L''Atelier {ch}commun'"), 2, "nom"),
            (ch, venue(**{"porteur.nom": f"  nom: Association{ch}"}), 14, "porteur.nom"),
            (ch, venue(**{"types[1]": f"  - cowork{ch}ing"}), 4, "types[1]"),
            (ch, BASE.replace("ouvert aux habitants", f"ouvert aux {ch}habitants"), 21,
             "description"),
            (ch, venue(horaires=f"horaires: Mo-Fr 09:00-18:00 # commentaire {ch}"), 12, ""),
            (ch, venue(horaires=f"hor{ch}aires: Mo-Fr 09:00-18:00"), 12, None),
        ]
    for ch in FORBIDDEN + ESCAPED_ONLY:
        for written in escapes(ch):
            cases += [
                (ch, venue(nom=f'nom: "L\'Atelier {written}commun"'), 2, "nom"),
                (ch, venue(**{"porteur.nom": f'  nom: "Association{written}"'}), 14,
                 "porteur.nom"),
                (ch, BASE.replace("description: |", f'remarque: "a\\\n  b {written}"'), 20,
                 "remarque"),
                (ch, venue(horaires=f'"hor{written}aires": Mo-Fr 09:00-18:00'), 12, None),
            ]
    return cases


@pytest.mark.parametrize(("ch", "text", "line", "field"), _cases())
def test_forbidden_characters_are_named_on_their_line(ch: str, text: str, line: int,
                                                      field: str | None) -> None:
    found = [p for p in check_text(text.encode("utf-8", "surrogatepass"), PATH)
             if p.code == "caractere-interdit"]
    assert len(found) == 1, found
    p = found[0]
    assert (p.line, p.is_error) == (line, True)
    if field is not None:  # a key's field is the key itself, which holds U+FFFD now
        assert p.field == field
    assert f"U+{ord(ch):04X}" in p.message
    assert ch not in p.message + p.hint + p.field  # shown by its code, never raw


ALLOWED = {
    "tab": "\t", "zero width joiner in an emoji": "👩\u200d💻", "left-to-right mark": "\u200e",
    "arabic letter mark": "\u061c", "no-break space": "\u00a0", "line separator": "\u2028",
    "combining accent": "e\u0301", "replacement character": "\ufffd", "cjk": "大",
    "hebrew": "עברית", "emoji flag": "🇫🇷", "private use": "\ue000",
}


@pytest.mark.parametrize("text", ALLOWED.values(), ids=ALLOWED.keys())
def test_visible_text_with_unusual_characters_is_accepted(text: str) -> None:
    escaped = text.encode("unicode_escape").decode("ascii").replace('"', '\\"')
    assert problems(venue(nom=f'nom: "Atelier {escaped} commun"')) == []


BLANK = ["   ", "\\t", "\\u00a0\\u00a0", "\\u200b\\u200b", "\\u200b \\u200c\\u200d\\u2060",
         "\\ufeff\\ufeff", "\\u3164\\u3164", "\\u2800\\u2800", "\\u0301\\u0301",
         "\\u2028\\u2029", "\\u3000\\u3000", "\\u00ad\\u00ad", "\\u180e\\u180e",
         "\\ufe0f\\ufe0f"]


@pytest.mark.parametrize("blank", BLANK)
@pytest.mark.parametrize(("name", "line", "field", "template"), [
    ("nom", 2, "nom", 'nom: "{}"'),
    ("porteur.nom", 14, "porteur.nom", '  nom: "{}"'),
    ("adresse", 6, "adresse", 'adresse: "{}{}"'),
    ("horaires", 12, "horaires", 'horaires: "{}"'),
])
def test_text_that_shows_nothing_is_refused(blank: str, name: str, line: int, field: str,
                                            template: str) -> None:
    text = venue(**{name: template.format(blank, blank)})
    assert ("texte-invisible", line, field) in problems(text)


# -- property: a file that validates builds, with a well-formed Atom feed ---------------------
CLOSED_VENUE = """\
id: {id}
nom: "{nom}"
types:
  - coworking
statut: ferme
date_fermeture: 2025-06-01
adresse: "{adresse}"
code_postal: "35000"
commune: Rennes
code_insee: "35238"
latitude: 48.1113
longitude: -1.68
porteur:
  nom: "{nom} porteur"
  type: association
description: "{nom} : description assez longue."
date_verification: 2026-01-15
"""


def _escape_all(text: str) -> str:
    return "".join(ch if (ch.isascii() and ch.isalnum()) or ch in " '" else
                   f"\\U{ord(ch):08X}" for ch in text)


def test_any_file_that_validates_builds_with_a_well_formed_feed(tmp_path: Path) -> None:
    rng = random.Random(11)
    tricky = [*ALLOWED.values(), *"\t\u200b\u200d\u2028\u2029\ufeff\u00a0\u0301&<>\"'\\",
              "]]>", "<![CDATA[", "&amp;"]
    venues = tmp_path / "venues"
    shutil.copytree(FIXTURE_VENUES, venues)
    kept: dict[str, str] = {}
    refused = 0
    for i in range(120):
        # One venue in two gets a character of the forbidden classes somewhere.
        alphabet = tricky + (FORBIDDEN + ESCAPED_ONLY) * (i % 2)
        name = "Lieu " + "".join(rng.choice(alphabet) for _ in range(3)) + f" {i}"
        text = CLOSED_VENUE.format(id=f"lieu-{i}", nom=_escape_all(name),
                                   adresse=_escape_all(f"{i} rue " + rng.choice(alphabet)))
        raw = text.encode("ascii")
        path = f"content/venues/35/lieu-{i}.yml"
        if any(p.is_error for p in check_text(raw, path)):
            refused += 1
            continue
        (venues / "35" / f"lieu-{i}.yml").write_bytes(raw)
        kept[f"lieu-{i}"] = load_bytes(raw, path).data["nom"]
    assert refused > 30 and len(kept) > 50  # both sides of the property are exercised
    result = build_site(venues, tmp_path / "output")
    assert result.returncode == 0, result.stdout + result.stderr
    output = tmp_path / "output"
    feed = ET.parse(output / "flux.xml").getroot()  # a strict XML parser: well-formed
    atom = "{http://www.w3.org/2005/Atom}"
    titles = " ".join(e.findtext(f"{atom}title") or "" for e in feed.iter(f"{atom}entry"))
    for nom in kept.values():
        assert nom in titles
    with (output / "donnees" / "tiers-lieux.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = "".join(cell for row in rows for cell in row)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]",
                         cells)


def test_a_control_character_fails_validation_in_the_command(tmp_path: Path) -> None:
    folder = tmp_path / "35"
    folder.mkdir()
    (folder / "atelier-commun-rennes.yml").write_text(
        venue(nom='nom: "Atelier\\u202e commun"'), "utf-8")
    result = run("validate", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert ("35/atelier-commun-rennes.yml:2: erreur [caractere-interdit] « nom » : le "
            "caractère U+202E") in result.stdout


# == 7. libyaml's errors in French, on the line of the mistake ===================================
# Words of libyaml's messages (reader, scanner, parser): none may reach a contributor.
ENGLISH = re.compile(
    r"\b(while (scanning|parsing)|found|did not|could not|expected|not allowed|unacceptable|"
    r"character|token|stream|scalar|mapping|sequence|indicator|line break|escape code|"
    r"True|False|None)\b|<unicode string>|\bline \d|column \d")


def french_only(problem: object) -> None:
    text = f"{problem.message} {problem.hint}"  # type: ignore[attr-defined]
    assert not ENGLISH.search(text), text


# One file per kind of libyaml error: (text, line of the mistake, a word of the French).
SYNTAX = [
    ("nom: A: B\n", 1, "« : »"),
    ("nom: A\nville X\ncode: 1\n", 2, "« : » manque"),
    ('nom: "A\nville: X\n', 1, "guillemet"),
    ("nom: 'A\nville: X\n", 1, "guillemet"),
    ('nom: A\nadresse: "10 rue\nville: X\ncode: "35"\n', 2, "guillemet"),
    ("nom: A\ntypes: [a, b\nville: X\nstatut: Y\n", 2, "crochet"),
    ("nom: A\ntypes: {a: 1\nville: X\n", 2, "accolade"),
    ("nom: A\ntypes: [a, b\n", 2, "crochet"),
    ('nom: "A \\q B"\n', 1, "« \\q »"),
    ('nom: "A \\xZZ"\n', 1, "hexadécimaux"),
    ("nom: @A\n", 1, "« @ »"),
    ("nom: `A\n", 1, "« ` »"),
    ("nom: A\n- b\n", 2, "liste"),
    ("types:\n  - a\n  b: c\n", 3, "liste"),
    ("nom: A\n ville: X\n", 2, "indentée"),
    ("porteur:\n  nom: A\n type: B\n", 3, "alignée"),
    ("types:\n  - a\n - b\n", 3, "« - »"),
    ("description: |x\n  texte\n", 1, "« | »"),
    ("description: |0\n  texte\n", 1, "0"),
    ("nom: &\n", 1, "« & »"),
    ("nom: *\n", 1, "« & »"),
    ("nom: !<x\n", 1, "étiquette"),
    ("nom: !x!y z\n", 1, "étiquette"),
    ("%YAML 2.0\n---\nnom: A\n", 1, "directive"),
    ("%FOO\n---\nnom: A\n", 1, "directive"),
    ("%YAML 1.1\n%YAML 1.1\n---\nnom: A\n", 2, "directive"),
    ("nom: A\n? x\n: z\n? [a\n", 4, "crochet"),
    ("  nom: A\nville: X\n", 1, "indentée"),
    ("- nom: A\nville: X\n", 1, "liste"),
    ("nom: A\ndescription: Un lieu\n  avec: deux points\n", 3, "indentée"),
    ("tarifs:\n  journee:' 15\n  mois: 180.5\n", 2, "« : »"),
    ('nom: "A"B\n', 1, "« B »"),
    ("nom: A\n---\nnom: B\n...\n---\n", 2, "documents"),
    ('nom: "A\n---\nB"\n', 1, "guillemet"),
    ("nom: [a, ]]\n", 1, "« ] »"),
    ("nom: {a: 1, b: 2}}\n", 1, "« } »"),
    ("nom: [a, , b]\n", 1, "valeur manque"),
    ("nom:\n\t- a\n", 2, "tabulation"),
    ("porteur:\n\tnom: A\n", 2, "tabulation"),
]


@pytest.mark.parametrize(("text", "line", "word"), SYNTAX)
def test_each_libyaml_error_is_explained_in_french_on_its_line(text: str, line: int,
                                                             word: str) -> None:
    found = load_bytes(text.encode(), "x.yml").problems
    syntax = [p for p in found if p.code in ("yaml-syntaxe", "yaml-tabulation", "racine-invalide",
                                              "yaml-plusieurs-documents")]
    assert len(syntax) == 1, found
    p = syntax[0]
    french_only(p)
    assert p.line == line, (p.line, p.message)
    assert word in p.message + p.hint, p.message
    assert "ne peut pas être lue" not in p.message  # not the catch-all explanation


def _variants(seed: int, count: int) -> list[tuple[str, int, str]]:
    """Valid files with one character typed in a line (after its indentation)."""
    rng = random.Random(seed)
    sources = sorted(FIXTURE_VENUES.rglob("*.yml"))
    out = []
    while len(out) < count:
        source = rng.choice(sources).read_text("utf-8")
        position = rng.randrange(len(source))
        start = source.rfind("\n", 0, position) + 1
        if not source[start:position].strip():
            continue  # typed at the start of a line: it changes the indentation itself
        typed = rng.choice([*":-?&*!|>'\"%@`#,[]{}\\\t", "\x07", "\u202e", ": "])
        line = source.count("\n", 0, position) + 1
        out.append((source[:position] + typed + source[position:], line, typed))
    return out


def test_typed_mistakes_get_french_messages_on_the_line_typed() -> None:
    broken = 0
    for text, line, typed in _variants(seed=7, count=2500):
        for p in load_bytes(text.encode("utf-8"), "x.yml").problems:
            french_only(p)
            if p.code.startswith("yaml-") or p.code in ("caractere-interdit",
                                                       "racine-invalide"):
                broken += 1
                # On the line typed, or the message sends the reader to it.
                assert p.line == line or f"ligne {line}" in p.message, (
                    typed, line, p.line, p.message, text.splitlines()[line - 1])
    assert broken > 400  # most variants are broken: the property is exercised


def test_truncated_and_cut_files_get_french_messages_within_the_file() -> None:
    rng = random.Random(3)
    for source in sorted(FIXTURE_VENUES.rglob("*.yml")):
        raw = source.read_bytes()
        for _ in range(150):
            cut = rng.randrange(len(raw))
            end = cut + rng.randrange(0, 40)
            for text in (raw[:cut], raw[:cut] + raw[end:]):
                for p in load_bytes(text, "x.yml").problems:
                    french_only(p)
                    assert 1 <= p.line <= text.count(b"\n") + 1


@pytest.mark.parametrize(("line", "shown", "python"), [
    ("nom: true", "« true »", "True"),
    ("nom: FALSE", "« FALSE »", "False"),
    ("nom: 48.10", "« 48.10 »", "48.1"),
    ("nom: ~", "« ~ »", "None"),
    ("nom:", "«  »", "None"),
    ("nom: null", "« null »", "None"),
    ("nom: [a, b]", "« [a, b] »", "['a', 'b']"),
    ("nom: {a: 1}", "« {a: 1} »", "{'a': 1}"),
    ("nom: 1.0e+3", "« 1.0e+3 »", "1000.0"),
])
def test_values_are_shown_as_written_in_the_file(line: str, shown: str, python: str) -> None:
    [p] = [p for p in check_text(venue(nom=line).encode(), PATH) if p.is_error]
    assert p.line == 2 and shown in p.message, p.message
    assert f"« {python} »" not in p.message and f'"{python}"' not in p.hint


# == 8. YAML 1.1 coercions ==================================================================
COERCIONS = [
    # (field, line written, what the hint must say)
    *[("tarifs.gratuit", f"  gratuit: {word}", "true") for word in
      ("yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF")],
    ("nom", "nom: yes", '"yes"'),
    ("nom", "nom: Off", '"Off"'),
    ("horaires", "horaires: off", '"off"'),
    ("code_postal", "code_postal: 01000", '"01000"'),
    ("code_postal", "code_postal: 07000", '"07000"'),
    ("code_insee", "code_insee: 0x35238", '"0x35238"'),
    ("horaires", "horaires: 9:30", '"9:30"'),
    ("postes_travail", "postes_travail: 0x18", "chiffres décimaux"),
    ("postes_travail", "postes_travail: 0b11000", "chiffres décimaux"),
    ("postes_travail", "postes_travail: 030", "chiffres décimaux"),
    ("postes_travail", "postes_travail: 2_4", "chiffres décimaux"),
    ("postes_travail", "postes_travail: 1:30", "chiffres décimaux"),
    ("postes_travail", "postes_travail: 1_000", "chiffres décimaux"),
    ("latitude", "latitude: 48.111_3", "chiffres décimaux"),
    ("latitude", "latitude: 48:06:40.68", "chiffres décimaux"),
    ("latitude", "latitude: -0x30", "chiffres décimaux"),
]


@pytest.mark.parametrize(("name", "line", "hint"), COERCIONS)
def test_yaml_1_1_values_are_refused_with_what_to_write(name: str, line: str,
                                                        hint: str) -> None:
    found = [p for p in check_text(venue(**{name: line}).encode(), PATH) if p.is_error]
    assert [(p.code, p.line, p.field) for p in found] == [
        ("valeur-ambigue", LINES[name], name)]
    written = line.split(": ", 1)[1]
    assert f"« {written} »" in found[0].message
    assert hint in found[0].hint
    french_only(found[0])


@pytest.mark.parametrize(("name", "line"), [
    ("tarifs.gratuit", "  gratuit: true"), ("tarifs.gratuit", "  gratuit: False"),
    ("tarifs.gratuit", "  gratuit: TRUE"), ("nom", 'nom: "yes"'), ("nom", "nom: 'no'"),
    ("horaires", "horaires: 09:30-12:00"), ("nom", "nom: Yes we can"),
    ("postes_travail", "postes_travail: +24"), ("postes_travail", "postes_travail: 0"),
    ("latitude", "latitude: 48.1113"), ("latitude", "latitude: 048.1113"),
    ("longitude", "longitude: -1.68"), ("longitude", "longitude: -.68e+0"),
    ("nom", "nom: 1 place Yes"), ("nom", "nom: 12:30 café"), ("nom", 'nom: "0x30"'),
    # Text for PyYAML, so text here too: what is written is what is published.
    ("nom", "nom: y"), ("nom", "nom: N"), ("nom", "nom: 1e3"), ("nom", "nom: 0o17"),
    ("nom", "nom: 09"), ("nom", "nom: 2024-05-01"),
])
def test_unambiguous_values_are_accepted(name: str, line: str) -> None:
    assert [p for p in problems(venue(**{name: line})) if p[0] == "valeur-ambigue"] == []


@pytest.mark.parametrize(("raw", "code"), [
    (b"a:\n" + b"- yes\n" * (MAX_BYTES // 6 - 1), "valeur-ambigue"),
    (b"a:\n" + b'- "\\u202e"\n' * (MAX_BYTES // 11 - 1), "caractere-interdit"),
    (b"a:\n" + b"- \x07\x07\x07\x07\n" * (MAX_BYTES // 7 - 1), "caractere-interdit"),
    (b"a: 1\n" * (MAX_BYTES // 5), "cle-dupliquee"),
])
def test_a_mistake_repeated_thousands_of_times_is_counted_not_listed(raw: bytes,
                                                                      code: str) -> None:
    lines = raw.count(b"\n")  # one mistake on every line but the first
    found = [p for p in load_bytes(raw, "x.yml").problems if p.code == code]
    assert len(found) == MAX_PER_CODE + 1
    assert [p.line for p in found[:MAX_PER_CODE]] == list(range(2, MAX_PER_CODE + 2))
    summary = found[-1]
    assert summary.message == (
        f"{lines - 1 - MAX_PER_CODE} autres problèmes « {code} » suivent, des lignes "
        f"{MAX_PER_CODE + 2} à {lines} : ils ne sont pas détaillés.")
    french_only(summary)


@pytest.mark.parametrize("tagged", ['!!bool "yes"', '!!int "0x30"', '!!float "1:30"',
                                    "!!int abc", "!!bool maybe", "!!timestamp 2024-13-45"])
def test_explicit_tags_cannot_bring_coercions_back(tagged: str) -> None:
    assert ("yaml-etiquette", 17, "tarifs.gratuit") in problems(
        venue(**{"tarifs.gratuit": f"  gratuit: {tagged}"}))
