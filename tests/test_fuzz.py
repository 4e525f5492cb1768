"""Fuzz: mutated venue files, issue bodies and import sources never crash the tools.

A seeded mutator (tests/fuzz/mutate.py) turns the broken-file corpus, the starter venues,
the issue fixtures and a network's CSV and GeoJSON into hostile variants. The real
commands run on them: `tierslieux validate` as a subprocess on folders of 200 files (in
folders named after a département, so the path checks apply), `from-issue` and `import`
through tests/fuzz/driver.py, which calls the CLI's `main` once per case in one process.

What must hold, whatever the input: the exit status is 0 or 1 (2 only where the command
documents it), no traceback, no Python exception name and no signal reach the user, no
printed line can be read by GitHub's runner as a workflow command, every line of the
validation report names a file and a line of that file (or is a hint or the totals), and
what `from-issue` or `import` writes passes `validate`.

FUZZ_CASES sets the number of mutated venue files (1,500 in `make test`, about a minute;
`make fuzz` runs 30,000 with a random seed); FUZZ_SEED replays a run. Each distinct
failure is saved under FUZZ_FAILURES (default /tmp/fuzz-failures/seed-N/) with its input,
command and output.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import BROKEN, ROOT
from fuzz.checks import (
    ANNOTATION,
    HINT,
    LEFT_OUT,
    PROBLEM,
    SUMMARY,
    Findings,
    line_count,
    process_problems,
)
from fuzz.mutate import (
    CSV_OPERATORS,
    ISSUE_OPERATORS,
    JSON_OPERATORS,
    OPERATORS,
    SOURCE_OPERATORS,
    issue_answer,
    mutate,
)
from tierslieux.check.problems import CODES

TIERSLIEUX = Path(sys.executable).with_name("tierslieux")
DRIVER = ROOT / "tests" / "fuzz" / "driver.py"
CASES = int(os.environ.get("FUZZ_CASES", "1500"))
_SEED = os.environ.get("FUZZ_SEED", "20251130")
SEED = random.SystemRandom().randrange(10**9) if _SEED == "random" else int(_SEED)
FAILURES = Path(os.environ.get("FUZZ_FAILURES", "/tmp/fuzz-failures")) / f"seed-{SEED}"
BATCH = 200
BATCH_TIMEOUT = 300
MAX_ISOLATIONS = 6  # distinct crashes narrowed down to one file per run (each costs ~10 runs)
# Problems that compare a file with the other venues: a fuzzed or imported file may share
# an id or a website with a starter venue; that is the validator doing its job.
CROSS_FILE = {"id-duplique", "id-reutilise", "doublon-site-web", "doublon-nom-proche"}
# Nothing reaches the Internet: the geocoder of `import` gets a closed loopback port.
ENV = {**os.environ, "TIERSLIEUX_GEOCODER_URL": os.environ.get("TIERSLIEUX_GEOCODER_URL")
       or "http://127.0.0.1:9/search"}
HOSTILE_NAMES = ["Nom Avec Espaces", "é-accentué", "-tiret", "MAJUSCULES", "a..b", "x" * 200,
                 "::error::nom", "nom\u202elmy", "ligne\nretour", "tab\tnom", "##[group]x",
                 "\u200bzero", "nom.yml", " espace"]


@dataclass
class VenueCase:
    index: int
    dep: str
    stem: str
    data: bytes
    operators: list[str]
    relpath: str = ""


def _venue_corpus() -> list[tuple[str, str, bytes]]:
    found = []
    for folder in (BROKEN / "venues", ROOT / "content" / "venues"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.stat().st_size < 200_000:
                found.append((path.parent.name, path.stem, path.read_bytes()))
    return found


def _venue_cases(start: int, stop: int, corpus: list[tuple[str, str, bytes]]) -> list[VenueCase]:
    everything = [data for _, _, data in corpus]
    cases = []
    for index in range(start, stop):
        rng = random.Random(f"{SEED}:venue:{index}")
        dep, stem, data = rng.choice(corpus)
        data, ops = mutate(rng, data, everything, OPERATORS)
        if rng.random() < 0.03:
            stem, ops = rng.choice(HOSTILE_NAMES), [*ops, "hostile_name"]
        if rng.random() < 0.02:
            dep, ops = rng.choice(["2A", "2B", "976", "00", "999", "35 ", "ab"]), [*ops, "folder"]
        cases.append(VenueCase(index, dep, stem, data, ops))
    return cases


def _lay_out(cases: list[VenueCase], folder: Path) -> list[str]:
    """Files as root<k>/<dep>/<stem>.yml: each keeps its name, so the id checks apply."""
    roots: list[set[tuple[str, str]]] = []
    for case in cases:
        key = (case.dep, case.stem)
        k = next((i for i, taken in enumerate(roots) if key not in taken), len(roots))
        if k == len(roots):
            roots.append(set())
        roots[k].add(key)
        case.relpath = f"r{k}/{case.dep}/{case.stem}.yml"
        target = folder / case.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.data)
    return [f"r{k}" for k in range(len(roots))]


def _visible(path: str) -> str:
    """A path as compared with the report: hidden characters and their escapes both as ?."""
    path = path.replace("#\\#[", "##[").replace("\\::", "::")
    path = re.sub(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[nrt])", "?", path)
    return "".join(ch if ch.isprintable() else "?" for ch in path)


def _run_validate(cases: list[VenueCase], work: Path, github: bool,
                  timeout: int = BATCH_TIMEOUT) -> tuple[int | None, str, str, list[str]]:
    folder = work / f"batch-{cases[0].index}-{len(cases)}-{int(github)}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    roots = _lay_out(cases, folder)
    env = {**ENV, "GITHUB_ACTIONS": "true" if github else "false"}
    command = [str(TIERSLIEUX), "validate", *roots]
    try:
        run = subprocess.run(command, cwd=folder, env=env, capture_output=True,
                             timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        return None, (exc.stdout or b"").decode(errors="replace"), "", command
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return (run.returncode, run.stdout.decode("utf-8", errors="backslashreplace"),
            run.stderr.decode("utf-8", errors="backslashreplace"), command)


def _validate_process_failures(code: int | None, out: str, err: str,
                               github: bool) -> list[tuple[str, str]]:
    found = process_problems(code, out, err, allowed={0, 1}, annotations=github)
    if err.strip() and not found:
        found.append((f"stderr: {err.strip().splitlines()[0][:60]}",
                      "validate wrote to stderr: " + err.strip()[:200]))
    return found


def _report_failures(cases: list[VenueCase], code: int, out: str,
                     github: bool) -> list[tuple[str, str, list[VenueCase]]]:
    """Lines of the report that do not name a file and a line of it."""
    by_path = {_visible(c.relpath): c for c in cases}
    found: list[tuple[str, str, list[VenueCase]]] = []
    previous: VenueCase | None = None
    previous_code = "start"
    problems = annotations = 0
    errors_reported: int | None = None
    for line in out.splitlines():
        if m := PROBLEM.match(line):
            problems += 1
            path, number, problem = m["path"], int(m["line"]), m["code"]
            case = by_path.get(_visible(path))
            previous, previous_code = case, problem
            if problem not in CODES:
                found.append((f"unknown code {problem}", f"code [{problem}] is not in the "
                              "catalogue", [case] if case else []))
            if case is None:
                if not (ROOT / path).exists():
                    found.append((f"[{problem}] names no input file",
                                  f"the report names {path!r}, which is none of the files "
                                  "checked", cases))
            elif not 1 <= number <= line_count(case.data):
                found.append((f"[{problem}] line out of range",
                              f"line {number} of a {line_count(case.data) - 1}-line file",
                              [case]))
        elif HINT.match(line) or LEFT_OUT.match(line):
            continue
        elif m := SUMMARY.fullmatch(line):
            errors_reported = int(m["errors"])
        elif github and ANNOTATION.fullmatch(line):
            annotations += 1
        else:
            found.append((f"line after [{previous_code}] names no file and line",
                          f"report line does not start with `path:line:`: {line[:160]!r}",
                          [previous] if previous else cases))
    if errors_reported is None:
        found.append(("no summary line", "the report has no totals line", cases))
    elif (errors_reported > 0) != (code == 1):
        found.append(("exit status disagrees with the totals",
                      f"exit {code} with {errors_reported} error(s) reported", cases))
    if github and annotations != problems:
        found.append(("annotations do not match problems",
                      f"{annotations} annotation(s) for {problems} problem line(s)", cases))
    return found


def _isolate(cases: list[VenueCase], signature: str, work: Path,
             github: bool) -> list[VenueCase]:
    """The smallest half, then quarter... of the files that still gives this failure."""
    def fails(part: list[VenueCase]) -> bool:
        code, out, err, _ = _run_validate(part, work, github, timeout=120)
        return any(s == signature for s, _ in _validate_process_failures(code, out, err,
                                                                           github))

    while len(cases) > 1:
        half = len(cases) // 2
        for part in (cases[:half], cases[half:]):
            if fails(part):
                cases = part
                break
        else:
            return cases  # it takes files from both halves
    return cases


def _replay(cases: list[VenueCase]) -> str:
    indexes = ", ".join(str(c.index) for c in cases[:10])
    return (f"FUZZ_SEED={SEED}, venue case(s) {indexes} "
            f"(operators: {', '.join(sorted({o for c in cases for o in c.operators}))})")


def _fuzz_validate(work: Path, findings: Findings, stats: dict[str, int]) -> None:
    corpus = _venue_corpus()
    isolations = 0
    for batch, start in enumerate(range(0, CASES, BATCH)):
        cases = _venue_cases(start, min(CASES, start + BATCH), corpus)
        github = batch % 2 == 1
        for _attempt in range(4):  # after a crash, the other files are checked again
            code, out, err, _ = _run_validate(cases, work, github)
            stats["validate runs"] += 1
            crashes = _validate_process_failures(code, out, err, github)
            if not crashes:
                break
            signature, description = crashes[0]
            if isolations < MAX_ISOLATIONS and len(cases) > 1:
                isolations += 1
                culprits = _isolate(cases, signature, work, github)
            else:
                culprits = cases
            findings.add("validate", signature, description,
                         {c.relpath: c.data for c in culprits},
                         ["tierslieux", "validate", *sorted({c.relpath.split("/")[0]
                                                              for c in culprits})],
                         out[-2000:] + "\n" + err[-4000:], _replay(culprits))
            cases = [c for c in cases if c not in culprits]
            if not cases:
                break
        if crashes:
            continue  # this batch could not be checked past its crashes
        stats["venue files"] += len(cases)
        for signature, description, culprits in _report_failures(cases, code, out, github):
            culprits = culprits[:20]
            findings.add("validate", signature, description,
                         {c.relpath: c.data for c in culprits},
                         ["tierslieux", "validate", *(c.relpath for c in culprits[:3])],
                         out[:4000], _replay(culprits))


# --- from-issue and import, through the driver ---------------------------------------------

def _run_driver(cases: list[dict], work: Path) -> list[dict]:
    """The cases, 250 per driver process (a process that dies loses only its own)."""
    if len(cases) > 250:
        return [r for start in range(0, len(cases), 250)
                for r in _run_driver(cases[start:start + 250], work)]
    (work / "cases.json").write_text(json.dumps(cases), encoding="utf-8")
    results_path = work / "results.jsonl"
    run = subprocess.run([sys.executable, str(DRIVER), str(work / "cases.json"),
                          str(results_path)], cwd=ROOT, env=ENV, capture_output=True,
                         text=True, timeout=60 + 40 * len(cases))
    lines = [json.loads(line) for line in results_path.read_text("utf-8").splitlines()]
    results = [r for r in lines if "id" in r]
    if run.returncode != 0:  # the driver itself died: blame the case it had started
        started = [r["start"] for r in lines if "start" in r]
        done = {r["id"] for r in results}
        for case_id in started:
            if case_id not in done:
                results.append({"id": case_id, "code": run.returncode, "stdout": run.stdout,
                                "stderr": run.stderr, "traceback": "", "timeout": False})
    return results


def _check_written(result: dict) -> list[tuple[str, str]]:
    """What `from-issue` or `import` wrote must pass `validate` (cross-file checks aside)."""
    then = result.get("then")
    if not then:
        return []
    found = process_problems(None if then["timeout"] else then["code"],
                             then["stdout"], then["stderr"] + then["traceback"],
                             allowed={0, 1})
    for line in then["stdout"].splitlines():
        m = PROBLEM.match(line)
        if m and m["severity"] == "erreur" and m["code"] not in CROSS_FILE:
            found.append((f"wrote a file that validate rejects [{m['code']}]",
                          f"validate on what was written: {line[:200]}"))
    return found


def _fuzz_from_issue(work: Path, findings: Findings, stats: dict[str, int], count: int) -> None:
    bodies = [p.read_bytes() for p in sorted((ROOT / "tests/fixtures/issues").glob("*.md"))]
    cases, inputs = [], {}
    for index in range(count):
        rng = random.Random(f"{SEED}:issue:{index}")
        if rng.random() < 0.4:  # one wrong answer in a sound form: most become venue files
            data, ops = issue_answer(rng, rng.choice(bodies), b""), ["issue_answer"]
        else:
            data, ops = mutate(rng, rng.choice(bodies), bodies, ISSUE_OPERATORS)
        folder = work / f"issue-{index}"
        (folder / "into").mkdir(parents=True)
        (folder / "issue.md").write_bytes(data)
        inputs[f"issue-{index}"] = (data, ops)
        cases.append({"id": f"issue-{index}", "cwd": str(folder),
                      "argv": ["from-issue", "issue.md", "--date", "2025-06-01",
                               "--into", "into"],
                      "then": ["validate", "into"]})
    for result in _run_driver(cases, work):
        stats["issue bodies"] += 1
        stats["issue venues written"] += "then" in result
        stats["slowest case"] = max(stats["slowest case"], result.get("seconds", 0))
        found = process_problems(None if result["timeout"] else result["code"],
                                 result["stdout"], result["stderr"] + result["traceback"],
                                 allowed={0, 1, 2})
        if result["code"] == 2 and not result["stderr"].startswith("erreur : "):
            found.append(("exit 2 without an explanation", "exit 2 but stderr: "
                          + result["stderr"][:200]))
        for line in result["stdout"].splitlines():
            if line and not line.startswith(("- ", "Fiche créée : ", "Fiche mise à jour : ",
                                              "La fiche n'a pas pu être créée",
                                              "Ce qui a été compris :")):
                found.append(("message split over lines", f"from-issue printed a line that "
                              f"is not one of its messages: {line[:160]!r}"))
                break
        found += _check_written(result)
        data, ops = inputs[result["id"]]
        for signature, description in found:
            findings.add("from-issue", signature, description, {"issue.md": data},
                         ["tierslieux", "from-issue", "issue.md", "--date", "2025-06-01",
                          "--into", "into"],
                         result["stdout"][:2000] + result["stderr"][:2000]
                         + result["traceback"][-3000:],
                         f"FUZZ_SEED={SEED}, {result['id']} (operators: {', '.join(ops)})")


def _import_sources(work: Path) -> list[tuple[str, bytes, bytes]]:
    """(name, source, mapping): the fixture CSV, and the same rows as GeoJSON."""
    csv_path = ROOT / "tests/fixtures/import/reseau.csv"
    mapping_path = ROOT / "tests/fixtures/import/reseau.yml"
    csv = csv_path.read_bytes()
    mapping = yaml.safe_load(mapping_path.read_text(encoding="utf-8"))
    rows = [line.split(";") for line in csv.decode("utf-8").splitlines()]
    header, body = rows[0], rows[1:]
    features = []
    for row in body:
        props = dict(zip(header, row, strict=True))
        try:
            point = [float(props.pop(axis).replace(",", ".")) for axis in ("lon", "lat")]
        except ValueError:
            continue
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Point", "coordinates": point}})
    geojson = json.dumps({"type": "FeatureCollection", "features": features},
                         ensure_ascii=False, indent=1).encode()
    mapping["source"] = {"format": "geojson", "identifiant": mapping["source"]["identifiant"]}
    geo_mapping = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False).encode()
    return [("reseau.csv", csv, mapping_path.read_bytes()),
            ("reseau.geojson", geojson, geo_mapping)]


def _fuzz_import(work: Path, findings: Findings, stats: dict[str, int], count: int) -> None:
    sources = _import_sources(work)
    # The unmutated sources import cleanly: the harness itself is sound.
    baseline = []
    for name, source, mapping in sources:
        folder = work / f"baseline-{name}"
        (folder / "into").mkdir(parents=True)
        (folder / name).write_bytes(source)
        (folder / "mapping.yml").write_bytes(mapping)
        baseline.append({"id": f"baseline-{name}", "cwd": str(folder),
                         "argv": ["import", name, "--mapping", "mapping.yml", "--into", "into"],
                         "then": ["validate", "into"]})
    for result in _run_driver(baseline, work):
        assert result["code"] in (0, 1) and not result["traceback"], result
        written = re.search(r"^(\d+) fichiers? vérifiés?", result["then"]["stdout"], re.M)
        assert written and int(written[1]) >= 3, (
            "the unmutated fixture imports fewer than 3 venues, so the fuzz would hardly "
            "check what import writes:\n" + result["stdout"][-1500:])
    cases, inputs = [], {}
    for index in range(count):
        rng = random.Random(f"{SEED}:import:{index}")
        name, source, mapping = rng.choice(sources)
        all_sources = [s for _, s, _ in sources]
        if rng.random() < 0.1:
            mapping, ops = mutate(rng, mapping, [m for _, _, m in sources], SOURCE_OPERATORS)
            ops = ["mapping:" + o for o in ops]
        else:
            operators = JSON_OPERATORS if name.endswith("geojson") else CSV_OPERATORS
            source, ops = mutate(rng, source, all_sources, operators)
        folder = work / f"import-{index}"
        (folder / "into").mkdir(parents=True)
        (folder / name).write_bytes(source)
        (folder / "mapping.yml").write_bytes(mapping)
        argv = ["import", name, "--mapping", "mapping.yml", "--into", "into"]
        mode = rng.random()
        if mode < 0.4:
            argv.append("--dry-run")
        elif mode < 0.6:
            argv += ["--report", "rapport.csv"]
        inputs[f"import-{index}"] = ({name: source, "mapping.yml": mapping}, ops, argv)
        cases.append({"id": f"import-{index}", "cwd": str(folder), "argv": argv,
                      "then": None if "--dry-run" in argv else ["validate", "into"]})
    for result in _run_driver(cases, work):
        stats["import sources"] += 1
        stats["imports written"] += "then" in result
        stats["slowest case"] = max(stats["slowest case"], result.get("seconds", 0))
        found = process_problems(None if result["timeout"] else result["code"],
                                 result["stdout"], result["stderr"] + result["traceback"],
                                 allowed={0, 1, 2})
        if result["code"] == 2 and not result["stderr"].startswith("erreur"):
            found.append(("exit 2 without an explanation", "exit 2 but stderr: "
                          + result["stderr"][:200]))
        found += _check_written(result)
        files, ops, argv = inputs[result["id"]]
        for signature, description in found:
            findings.add("import", signature, description, files, ["tierslieux", *argv],
                         result["stdout"][-2000:] + result["stderr"][:2000]
                         + result["traceback"][-3000:],
                         f"FUZZ_SEED={SEED}, {result['id']} (operators: {', '.join(ops)})")


def test_mutated_inputs_never_crash_the_tools(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(FAILURES, ignore_errors=True)
    findings = Findings(FAILURES, SEED)
    stats: dict[str, float] = {"venue files": 0, "validate runs": 0, "issue bodies": 0,
                               "issue venues written": 0, "import sources": 0,
                               "imports written": 0, "slowest case": 0}
    started = time.perf_counter()
    timings = {}
    for name, phase in [
        ("validate", lambda: _fuzz_validate(tmp_path / "validate", findings, stats)),
        ("from-issue", lambda: _fuzz_from_issue(tmp_path / "issues", findings, stats,
                                                max(30, CASES // 10))),
        ("import", lambda: _fuzz_import(tmp_path / "import", findings, stats,
                                        max(20, CASES // 15))),
    ]:
        phase_start = time.perf_counter()
        phase()
        timings[name] = time.perf_counter() - phase_start
    elapsed = time.perf_counter() - started
    figures = (f"fuzz (seed {SEED}): {stats['venue files']} venue files in "
               f"{stats['validate runs']} validate runs ({timings['validate']:.1f} s), "
               f"{stats['issue bodies']} issue bodies, {stats['issue venues written']} "
               f"written ({timings['from-issue']:.1f} s), {stats['import sources']} import "
               f"sources, {stats['imports written']} written ({timings['import']:.1f} s); "
               f"slowest driver case {stats['slowest case']:.2f} s; {elapsed:.1f} s in all; "
               f"{len(findings.failures)} distinct failure(s)")
    with capsys.disabled():
        print("\n" + figures)
        if findings.failures:
            print(findings.summary())
    assert stats["venue files"] >= CASES * 0.9 or findings.failures, stats
    assert not findings.failures, findings.summary()


def test_the_fuzz_checks_catch_what_they_look_for() -> None:
    """The fuzz test can fail: each kind of breakage it looks for is recognised."""
    trace = ('Traceback (most recent call last):\n  File "/x/plugins/tierslieux/check/'
             'yamlload.py", line 3, in load_bytes\nRecursionError: maximum recursion depth')
    assert process_problems(1, "", trace, allowed={0, 1})[0][0] == (
        "RecursionError in check/yamlload.py:load_bytes")
    assert process_problems(-11, "", "", allowed={0, 1})[0][0] == "killed by signal 11"
    assert process_problems(None, "", "", allowed={0, 1})[0][0] == "timeout"
    assert process_problems(3, "", "", allowed={0, 1})[0][0] == "exit status 3"
    assert "KeyError" in process_problems(0, "erreur : KeyError 'nom'", "", allowed={0})[0][0]
    assert process_problems(0, "  ::add-mask::x", "", allowed={0})[0][0] == (
        "forged workflow command")
    assert process_problems(0, "a ##[group]b", "", allowed={0})
    assert not process_problems(1, "r0/35/a.yml:2: erreur [yaml-syntaxe] : x", "",
                                allowed={0, 1})

    case = VenueCase(0, "35", "a", b"nom: x\nid: a\n", [], "r0/35/a.yml")
    good = ("r0/35/a.yml:2: erreur [champ-manquant] « statut » : il manque.\n"
            "    Comment corriger : ajoutez-le.\n"
            "1 fichier vérifié : 1 erreur, 0 avertissement (dans 1 fichier).")
    assert _report_failures([case], 1, good, github=False) == []
    assert "disagrees" in _report_failures([case], 0, good, github=False)[0][0]
    out_of_range = good.replace(":2:", ":40:")
    assert "out of range" in _report_failures([case], 1, out_of_range, github=False)[0][0]
    split = good.replace("il manque.", "il manque\nla suite.")
    assert "names no file" in _report_failures([case], 1, split, github=False)[0][0]
    unknown = good.replace("r0/35/a.yml", "r9/35/autre.yml", 1)
    assert "names no input file" in _report_failures([case], 1, unknown, github=False)[0][0]
    assert "annotations" in _report_failures([case], 1, good, github=True)[0][0]
