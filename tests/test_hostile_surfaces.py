"""What surrounds the checks, under hostile input: entries under content/venues/, what is
printed to the CI log and the step summary, floods of messages, the issue-form parser and
the build date. One small file from a stranger must never take a command down: each case
ends in a French message with a file and a line (or a clean exit code), never a traceback.

Commands that used to hang or exhaust memory (a FIFO, a link to /dev/zero) run in a child
process with a time and memory limit, so a regression fails here instead of taking the
machine down.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import resource
import shutil
import socket
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from conftest import FIXTURE_VENUES, PELICAN, ROOT
from tierslieux.check.logsafe import log_line, markdown, workflow_command
from tierslieux.check.problems import Problem
from tierslieux.check.report import annotation, human
from tierslieux.check.validate import Result, validate
from tierslieux.contribute.fromissue import convert, sections
from tierslieux.contribute.prsummary import summary
from tierslieux.model.dates import build_date

ISSUES = ROOT / "tests" / "fixtures" / "issues"
RENNES = FIXTURE_VENUES / "35" / "atelier-commun-rennes.yml"
DAY = dt.date(2026, 11, 20)
FORGED = "::error file=README.md,line=1::forged"

# What a stranger can put in a value or a name to forge a line of the GitHub log.
PAYLOADS = [
    f"x\n{FORGED}",
    f"x\r\n{FORGED}",
    "x\n  ::add-mask::secret",
    "x\n::stop-commands::jeton",
    "x\u2028::warning::forged",
    "x\x85::warning::forged",
    "x ##[error]legacy",
    "x\x1b[2K\r::error::overwritten",
    "x\u202e::error::reversed",
]


def _limits() -> None:  # pragma: no cover - runs in the child
    two_gib = 2 * 1024 ** 3
    resource.setrlimit(resource.RLIMIT_AS, (two_gib, two_gib))


def tierslieux(*args: str, cwd: Path, github: bool = False,
               timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real command line, in a child limited to 2 GiB and `timeout` seconds."""
    env = {**os.environ, "GITHUB_ACTIONS": "true" if github else ""}
    try:
        return subprocess.run([sys.executable, "-m", "tierslieux.cli", *args], cwd=cwd,
                              env=env, capture_output=True, text=True, timeout=timeout,
                              preexec_fn=_limits, errors="replace")
    except subprocess.TimeoutExpired:
        pytest.fail(f"tierslieux {' '.join(args)} still running after {timeout} s")


def forged_lines(output: str) -> list[str]:
    """Lines GitHub's runner would read as workflow commands but that are not ours, and
    lines holding a character a reader of the log cannot see.

    Ours are annotations on a file and line whose values are encoded (no raw ':' or ','
    in a property); anything else starting with '::' (after white space, as the runner
    trims it), or holding '##[' anywhere, is forged. Lines are cut at every Unicode line
    boundary (U+2028, U+0085...), not only where today's runner cuts them.
    """
    ours = re.compile(r"::(error|warning) file=[^:,]*,line=\d+,title=[^:,]*::.*")
    bad = []
    for line in output.splitlines():
        body = line.lstrip()
        forged = "##[" in line or (body.startswith("::") and not ours.fullmatch(body))
        if forged or any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in line):
            bad.append(line)
    return bad


def venue_folder(tmp_path: Path) -> Path:
    """A folder of venues holding one valid venue, as content/venues/ would."""
    venues = tmp_path / "venues"
    (venues / "35").mkdir(parents=True)
    shutil.copy(RENNES, venues / "35")
    return venues


def codes_at(result: Result) -> set[tuple[str, str, int]]:
    return {(p.path.rsplit("/", 1)[-1], p.code, p.line) for p in result.problems}


# --- 3. what sits under content/venues/ -------------------------------------------------


def test_link_to_a_file_outside_is_refused_and_its_content_never_echoed(
        tmp_path: Path) -> None:
    secret = tmp_path / "ailleurs" / "secret.yml"
    secret.parent.mkdir()
    secret.write_text("mot_de_passe: s3cr3t-valeur\njeton: ghp_abcdef\n", encoding="utf-8")
    venues = venue_folder(tmp_path)
    (venues / "35" / "fuite.yml").symlink_to(secret)
    run = tierslieux("validate", ".", cwd=venues, github=True)
    assert run.returncode == 1
    assert "35/fuite.yml:1: erreur [lien-symbolique]" in run.stdout
    assert "::error file=35/fuite.yml,line=1,title=lien-symbolique::" in run.stdout
    for leaked in ("mot_de_passe", "s3cr3t", "jeton", "ghp_"):
        assert leaked not in run.stdout + run.stderr
    assert "Traceback" not in run.stderr


def test_link_to_a_valid_venue_outside_is_not_published(tmp_path: Path) -> None:
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    shutil.copy(RENNES, outside)
    venues = tmp_path / "venues"
    (venues / "35").mkdir(parents=True)
    (venues / "35" / RENNES.name).symlink_to(outside / RENNES.name)
    result = validate([venues], universe=venues)
    assert result.venues == []
    assert codes_at(result) == {(RENNES.name, "lien-symbolique", 1)}


@pytest.mark.parametrize("make, code", [
    (lambda d: (d / "zero.yml").symlink_to("/dev/zero"), "lien-symbolique"),
    (lambda d: (d / "casse.yml").symlink_to(d / "nulle-part.yml"), "lien-symbolique"),
    (lambda d: (d / "boucle.yml").symlink_to(d / "boucle.yml"), "lien-symbolique"),
    (lambda d: (d / "dossier-lie").symlink_to(FIXTURE_VENUES / "35"), "lien-symbolique"),
    (lambda d: os.mkfifo(d / "tube.yml"), "pas-un-fichier"),
    (lambda d: socket.socket(socket.AF_UNIX).bind(str(d / "prise.yml")), "pas-un-fichier"),
    (lambda d: (d / "dossier.yml").mkdir(), "pas-un-fichier"),
    (lambda d: (d / "dossier.yml" / "fiche.yml").parent.mkdir() or
     shutil.copy(RENNES, d / "dossier.yml" / "fiche.yml"), "pas-un-fichier"),
    (lambda d: (d / ".cachee.yml").write_bytes(RENNES.read_bytes()), "fichier-cache"),
    (lambda d: (d / ".brouillons").mkdir() or shutil.copy(RENNES, d / ".brouillons"),
     "fichier-cache"),
], ids=["lien-dev-zero", "lien-casse", "lien-boucle", "dossier-lie", "fifo", "socket",
        "dossier-yml", "dossier-yml-plein", "fichier-cache", "dossier-cache"])
def test_every_entry_that_is_not_a_regular_file_is_refused(tmp_path: Path, make,
                                                           code: str) -> None:
    venues = venue_folder(tmp_path)
    before = set((venues / "35").iterdir())
    make(venues / "35")
    (entry,) = set((venues / "35").iterdir()) - before
    run = tierslieux("validate", ".", cwd=venues, timeout=60)
    assert run.returncode == 1, run.stdout + run.stderr
    assert f"35/{entry.name}:1: erreur [{code}]" in run.stdout
    assert "Comment corriger" in run.stdout
    assert "1 fichier vérifié : 1 erreur" in run.stdout  # the good venue is still checked
    assert "Traceback" not in run.stderr


def test_folders_nested_thousands_deep_are_walked_without_a_crash(tmp_path: Path) -> None:
    venues = venue_folder(tmp_path)
    deep = venues / "35"
    for _ in range(1200):  # deeper than Python's recursion limit
        deep = deep / "a"
        deep.mkdir()
    (deep / "perdu.yml").write_bytes(RENNES.read_bytes())
    try:
        run = tierslieux("validate", ".", cwd=venues)
    finally:  # pytest's own clean-up of tmp_path recurses, and would fail on this tree
        (deep / "perdu.yml").unlink()
        while deep != venues / "35":
            deep.rmdir()
            deep = deep.parent
    assert run.returncode == 1
    assert "/a/perdu.yml:" in run.stdout and "2 fichiers vérifiés" in run.stdout
    assert "Traceback" not in run.stderr


def test_the_venues_folder_itself_must_not_be_a_link(tmp_path: Path) -> None:
    real = venue_folder(tmp_path)
    linked = tmp_path / "lien-vers-venues"
    linked.symlink_to(real)
    result = validate([linked], universe=linked)
    assert codes_at(result) == {("lien-vers-venues", "lien-symbolique", 1)}
    assert result.venues == []


def test_unreadable_files_and_folders_are_reported_in_french(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as root, for whom nothing is unreadable: the system's refusal is faked."""
    venues = venue_folder(tmp_path)
    (venues / "75").mkdir()
    shutil.copy(FIXTURE_VENUES / "75" / "coworking-faubourg.yml", venues / "75")
    (venues / "13").mkdir()
    locked_file, locked_folder = venues / "35" / RENNES.name, venues / "13"

    def refuse(real):
        def opener(path=".", *args, **kwargs):
            if (isinstance(path, (str, bytes, os.PathLike))
                    and Path(os.fsdecode(path)) in (locked_file, locked_folder)):
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real(path, *args, **kwargs)
        return opener

    monkeypatch.setattr(os, "open", refuse(os.open))
    monkeypatch.setattr(os, "scandir", refuse(os.scandir))
    monkeypatch.setattr("builtins.open", refuse(open))
    monkeypatch.setattr("io.open", refuse(io.open))
    result = validate([venues], universe=venues)
    messages = {p.path.rsplit("/", 1)[-1]: (p.code, p.message) for p in result.problems}
    assert messages == {
        RENNES.name: ("fichier-illisible", "le fichier ne peut pas être lu (accès refusé)."),
        "13": ("fichier-illisible", "le dossier ne peut pas être lu (accès refusé)."),
    }
    assert len(result.venues) == 1  # the readable one


@pytest.mark.parametrize("name, shown, suggestion", [
    (f"x\n{FORGED}.yml", "x\\n::error", "x::error file=README.md,line=1::forged.yml"),
    ("fiche\r.yml", "fiche\\r.yml", "fiche.yml"),
    ("fiche\x1b[31m.yml", "fiche\\x1b[31m.yml", "fiche[31m.yml"),
    ("fiche\u202elmy.yml", "fiche\\u202elmy.yml", "fichelmy.yml"),
    (os.fsdecode(b"fiche-\xff.yml"), "fiche-\\xff.yml", "fiche-.yml"),
    ("\n.yml", "\\n.yml", "<identifiant>.yml"),
], ids=["newline-command", "cr", "escape", "bidi", "not-utf8", "only-control"])
def test_file_names_with_control_characters_are_refused_with_a_new_name(
        tmp_path: Path, name: str, shown: str, suggestion: str) -> None:
    venues = venue_folder(tmp_path)
    (venues / "35" / name).write_bytes(RENNES.read_bytes())
    run = tierslieux("validate", ".", cwd=venues, github=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "[nom-fichier-invalide]" in run.stdout
    assert shown in run.stdout
    assert f"Renommez-le « {suggestion} »" in run.stdout
    assert forged_lines(run.stdout + run.stderr) == []
    assert "Traceback" not in run.stderr


def test_a_build_refuses_a_linked_venue_in_french(tmp_path: Path) -> None:
    """The site is built from the same walk: a linked venue is not published."""
    outside = tmp_path / "ailleurs"
    outside.mkdir()
    shutil.copy(RENNES, outside)
    venues = tmp_path / "venues"
    (venues / "35").mkdir(parents=True)
    (venues / "35" / RENNES.name).symlink_to(outside / RENNES.name)
    output = tmp_path / "output"
    run = subprocess.run(
        [str(PELICAN), "content", "-s", "pelicanconf.py", "-o", str(output),
         "-e", f'VENUES_PATH="{venues}"'], cwd=ROOT, capture_output=True, text=True,
        timeout=300, env={**os.environ, "SOURCE_DATE_EPOCH": "1795000000"})
    assert run.returncode != 0
    assert f"35/{RENNES.name}:1: erreur [lien-symbolique]" in run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    assert not (output / "lieux" / RENNES.stem).exists()


# --- 6. nothing printed can forge a workflow command ------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_log_line_and_annotations_neutralise_every_payload(payload: str) -> None:
    assert forged_lines(log_line(payload)) == []
    assert forged_lines(log_line("  " + payload.lstrip("x\n"))) == []
    command = workflow_command("error", payload, file=payload, line=3, title=payload)
    assert forged_lines(command) == []
    assert "\n" not in command and "\r" not in command


def test_annotations_encode_their_properties_as_github_decodes_them() -> None:
    p = Problem("35/a,b:c%d.yml", 7, "champ-inconnu", "x", "100 %\nfin %0A::error::x", "")
    line = annotation(p)
    assert line.startswith("::error file=35/a%2Cb%3Ac%25d.yml,line=7,"
                           "title=champ-inconnu (x)::")
    assert line.endswith("::100 %25%0Afin %250A::error::x")  # decoded: what was written
    assert human(p) == ("35/a,b:c%d.yml:7: erreur [champ-inconnu] « x » : "
                        "100 %\\nfin %0A::error::x")


def _hostile_venue(value: str) -> str:
    """The fixture venue with `value` in fields whose problems quote it, and as a key."""
    quoted = value.replace("\\", "\\\\").replace('"', '\\"')
    quoted = "".join(c if c.isprintable() or c == " " else f"\\u{ord(c):04x}"
                     for c in quoted)
    text = RENNES.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^statut: .*$", lambda _: f'statut: "{quoted}"', text)
    text = re.sub(r"(?m)^code_postal: .*$", lambda _: f'code_postal: "{quoted}"', text)
    return text + f'horaires: "{quoted}"\n"{quoted}": 1\n'


@pytest.mark.parametrize("payload", PAYLOADS)
def test_validate_prints_no_forged_command_from_a_venue(tmp_path: Path,
                                                        payload: str) -> None:
    venues = venue_folder(tmp_path)
    (venues / "35" / RENNES.name).write_text(_hostile_venue(payload), encoding="utf-8")
    run = tierslieux("validate", ".", cwd=venues, github=True)
    assert run.returncode == 1
    # The value is refused (its forbidden character, or its vocabulary), on its line.
    assert re.search(r"erreur \[(?:valeur-hors-vocabulaire|caractere-interdit)\] « statut »",
                     run.stdout)
    assert forged_lines(run.stdout + run.stderr) == []
    assert "Traceback" not in run.stderr


def test_a_file_name_starting_with_a_command_is_shown_but_inert(tmp_path: Path) -> None:
    venues = venue_folder(tmp_path)
    name = "::error file=README.md,line=1::forged.yml"
    (venues / "35" / name).write_bytes(RENNES.read_bytes())
    run = tierslieux("validate", name, cwd=venues / "35", github=True)
    assert run.returncode == 1
    assert "\\::error file=README.md,line=1::forged.yml:" in run.stdout  # visible, inert
    assert "::error file=%3A%3Aerror file=README.md%2Cline=1%3A%3Aforged.yml," in run.stdout
    assert forged_lines(run.stdout) == []


def _issue_with(**answers: str) -> str:
    body = (ISSUES / "nouveau-lieu.md").read_text(encoding="utf-8")
    for title, answer in answers.items():
        body = re.sub(rf"(### {re.escape(title)}\n\n)[^\n]*",
                      lambda m, answer=answer: m.group(1) + answer, body, count=1)
    return body


@pytest.mark.parametrize("payload", PAYLOADS)
def test_from_issue_prints_no_forged_command(tmp_path: Path, payload: str) -> None:
    issue = tmp_path / "issue.md"
    issue.write_text(_issue_with(**{"Coordonnées": payload, "Téléphone": payload,
                                    "Postes de travail": payload}), encoding="utf-8")
    run = tierslieux("from-issue", str(issue), "--into", str(tmp_path / "v"),
                     "--date", "2026-11-20", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.startswith("La fiche n'a pas pu être créée.")
    assert "« Coordonnées »" in run.stdout
    assert forged_lines(run.stdout + run.stderr) == []


def test_import_prints_no_forged_command(tmp_path: Path) -> None:
    source = tmp_path / "reseau.csv"
    rows = (ROOT / "tests" / "fixtures" / "import" / "reseau.csv").read_text(
        encoding="utf-8").splitlines()
    forged = f'"Fablab\n{FORGED}"'
    rows[1] = rows[1].replace("Atelier Mystère", forged).replace(
        "laboratoire-secret", '"secret\n::add-mask::x ##[error]y"')
    rows[2] = rows[2].replace("Le Fablab du Port", forged)
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    os.environ["TIERSLIEUX_GEOCODER_URL"] = "http://127.0.0.1:9/"  # closed: no internet
    try:
        run = tierslieux("import", str(source), "--mapping",
                         str(ROOT / "tests" / "fixtures" / "import" / "reseau.yml"),
                         "--into", str(tmp_path / "v"), "--dry-run", cwd=tmp_path)
    finally:
        del os.environ["TIERSLIEUX_GEOCODER_URL"]
    assert run.returncode == 0, run.stderr
    assert "add-mask::x #\\#[error]y" in run.stdout  # the rejected value, shown inert
    assert forged_lines(run.stdout + run.stderr) == []


# --- pr-summary: Markdown for $GITHUB_STEP_SUMMARY --------------------------------------


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
                   cwd=root, check=True, capture_output=True)


@pytest.fixture
def pull_request(tmp_path: Path) -> Path:
    """A repository with one venue on main and a branch checked out, ready for changes."""
    venues = tmp_path / "content" / "venues" / "35"
    venues.mkdir(parents=True)
    shutil.copy(RENNES, venues)
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "base")
    _git(tmp_path, "switch", "-qc", "pr")
    return tmp_path


def _commit(root: Path) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "pr")


def test_summary_quotes_names_and_paths_as_plain_text(pull_request: Path) -> None:
    venues = pull_request / "content" / "venues" / "35"
    hostile = ('**gras** <img src=x onerror=alert(1)> [lien](javascript:alert(1)) '
               '`code` $x$ | &lt;')
    text = RENNES.read_text(encoding="utf-8").replace(
        "nom: L'Atelier commun", f"nom: '{hostile}'")
    (venues / "a](javascript:x) b.yml").write_text(text, encoding="utf-8")
    (venues / "ligne\nsuivante.yml").write_text(text, encoding="utf-8")
    _commit(pull_request)
    out = summary("main", "https://github.com/o/r", "abc", root=pull_request)
    assert "<img" not in out and "**gras**" not in out
    assert not re.search(r"(?<!\\)\]\(javascript", out)  # no link but ours
    assert ("« \\*\\*gras\\*\\* &lt;img src=x onerror=alert(1)&gt; \\[lien\\](javascript:"
            "alert(1)) \\`code\\` \\$x\\$ \\| &amp;lt; »") in out
    assert ("[content/venues/35/a\\](javascript:x) b.yml](https://github.com/o/r/blob/abc/"
            "content/venues/35/a%5D%28javascript%3Ax%29%20b.yml)") in out
    assert ("[content/venues/35/ligne\\\\nsuivante.yml](https://github.com/o/r/blob/abc/"
            "content/venues/35/ligne%0Asuivante.yml)") in out
    assert all(line.startswith(("## ", "- ")) for line in out.splitlines() if line)


def test_summary_survives_odd_values_and_entries(pull_request: Path) -> None:
    venues = pull_request / "content" / "venues" / "35"
    rennes = venues / RENNES.name
    rennes.write_text(rennes.read_text(encoding="utf-8").replace(
        "statut: ouvert", "statut: [ferme, '<b>x</b>']"), encoding="utf-8")
    (venues / "zero.yml").symlink_to("/dev/zero")
    (venues / "latin1.yml").write_bytes("nom: Café\n".encode("latin-1"))
    _commit(pull_request)
    code = ("from tierslieux.contribute.prsummary import summary; import sys; "
            "from pathlib import Path; "
            "print(summary('main', 'https://github.com/o/r', 'abc', root=Path(sys.argv[1])))")
    try:
        run = subprocess.run([sys.executable, "-c", code, str(pull_request)],
                             capture_output=True, text=True, timeout=60,
                             preexec_fn=_limits)
    except subprocess.TimeoutExpired:
        pytest.fail("pr-summary still running after 60 s")
    assert run.returncode == 0, run.stderr
    assert "statut : Ouvert → \\['ferme', '&lt;b&gt;x&lt;/b&gt;'\\]" in run.stdout
    assert "- ➕ Ajoute « zero.yml » : [content/venues/35/zero.yml]" in run.stdout
    assert "- ➕ Ajoute « latin1.yml »" in run.stdout


# --- 9. floods ---------------------------------------------------------------------------


def test_one_file_cannot_flood_the_log(tmp_path: Path) -> None:
    venues = venue_folder(tmp_path)
    flood = RENNES.read_text(encoding="utf-8") + "".join(f"x{i}: 1\n" for i in range(3000))
    (venues / "35" / RENNES.name).write_text(flood, encoding="utf-8")
    shutil.copy(FIXTURE_VENUES / "75" / "coworking-faubourg.yml", venues / "35")
    run = tierslieux("validate", ".", cwd=venues, github=True)
    assert run.returncode == 1
    flooded = [line for line in run.stdout.splitlines()
               if line.startswith(f"35/{RENNES.name}:") and " … et " not in line]
    assert len(flooded) == 50
    total = int(re.search(r"2 fichiers vérifiés : (\d+) erreurs", run.stdout).group(1))
    assert total >= 3001  # every error counts, shown or not
    assert (f"35/{RENNES.name}: … et {total - 1 - 50} autres problèmes dans ce fichier (non "
            "affichés : corrigez les premiers, puis relancez la vérification).") in run.stdout
    annotations = [line for line in run.stdout.splitlines()
                   if line.startswith(f"::error file=35/{RENNES.name},")]
    assert len(annotations) == 50
    assert "[dossier-departement]" in run.stdout  # the other file is still reported
    assert len(run.stdout) < 100_000


# --- 10. the issue form's own sections ---------------------------------------------------


def test_a_heading_typed_in_an_answer_stays_in_that_answer(tmp_path: Path) -> None:
    body = (ISSUES / "nouveau-lieu.md").read_text(encoding="utf-8").replace(
        "On y boit aussi un café.",
        "On y boit aussi un café.\n\n### Commune\n\nBrest\n\n### Site web\n\n"
        "https://faux.example/\n\n### Nom du lieu\n\nFaux nom")
    answers = sections(body)
    assert answers["Commune"] == "rennes"
    assert answers["Site web"] == "https://fabrique-du-coin.example.org/"
    assert answers["Nom du lieu"] == "La Fabrique du Coin"
    assert answers["Description"].endswith("### Nom du lieu\n\nFaux nom")
    path, errors = convert(body, tmp_path, DAY)
    assert errors == []
    text = path.read_text(encoding="utf-8")
    assert path == tmp_path / "35" / "la-fabrique-du-coin.yml"
    assert "site_web: https://fabrique-du-coin.example.org/" in text


def test_headings_that_are_not_the_forms_are_part_of_the_answer() -> None:
    body = ("Texte avant le formulaire\n### Nom du lieu\n\nLa Cantine\n\n### Remarque\n\n"
            "rien\n\n### Code INSEE\n\n_No response_\n")
    assert sections(body) == {"Nom du lieu": "La Cantine\n\n### Remarque\n\nrien",
                              "Code INSEE": ""}


@pytest.mark.parametrize("date", ["2026-13-45", "demain", "20261120", "2026-W47-5",
                                  "2026-11-20T10:00", ""])
def test_from_issue_refuses_a_bad_date_in_french(tmp_path: Path, date: str) -> None:
    run = tierslieux("from-issue", str(ISSUES / "nouveau-lieu.md"), "--into",
                     str(tmp_path), "--date", date, cwd=tmp_path)
    assert run.returncode == 2
    assert (f"erreur : --date « {date} » n'est pas une date au format AAAA-MM-JJ (par "
            "exemple 2026-11-20).") in run.stderr
    assert "Traceback" not in run.stderr
    assert not any(tmp_path.rglob("*.yml"))


@pytest.mark.parametrize("source", ["/dev/zero", "fifo", "dossier"])
def test_from_issue_refuses_what_is_not_an_issue_text(tmp_path: Path, source: str) -> None:
    if source == "fifo":
        os.mkfifo(tmp_path / "fifo")
    elif source == "dossier":
        (tmp_path / "dossier").mkdir()
    run = tierslieux("from-issue", str(tmp_path / source) if source != "/dev/zero"
                     else source, "--into", str(tmp_path / "v"), "--date", "2026-11-20",
                     cwd=tmp_path, timeout=60)
    assert run.returncode == 2
    assert run.stderr.startswith("erreur : impossible de lire")
    assert run.stderr.rstrip().endswith("(pas un fichier ordinaire).")
    assert "Traceback" not in run.stderr


# --- 12. the build date ------------------------------------------------------------------


def test_build_date_is_the_last_commits_date_in_utc(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").write_text("a")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", ".")
    env = {**os.environ, "GIT_COMMITTER_DATE": "2001-02-03T23:30:00-05:00",
           "GIT_AUTHOR_DATE": "2001-02-03T23:30:00-05:00"}
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit",
                    "-qm", "a"], cwd=tmp_path, env=env, check=True, capture_output=True)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: the local day is later
    assert build_date(tmp_path) == dt.date(2001, 2, 4)  # 04:30 UTC
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999999999")  # past the calendar
    assert build_date(tmp_path) == dt.date(2001, 2, 4)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795000000")  # set: it wins
    assert build_date(tmp_path) == dt.date(2026, 11, 18)


def test_build_date_outside_a_checkout_is_todays_in_utc(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert build_date(tmp_path) in {dt.datetime.now(dt.UTC).date(),
                                    (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).date()}


def test_markdown_keeps_plain_words_readable() -> None:
    assert markdown("date_fermeture, statut") == "date_fermeture, statut"
    assert markdown("L'Atelier (Rennes) : 35/x-y.yml") == "L'Atelier (Rennes) : 35/x-y.yml"
