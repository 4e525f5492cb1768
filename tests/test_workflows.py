"""GitHub workflows follow the security hardening guide, checked by actionlint and zizmor."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

from conftest import ROOT, require_tool

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ZIZMOR = Path(sys.executable).with_name("zizmor")


def test_there_are_workflows_for_pull_requests_deploys_issues_and_freshness() -> None:
    names = {w.name for w in WORKFLOWS}
    assert {"pull-request.yml", "deploy.yml", "from-issue.yml", "freshness.yml",
            "issue-reply.yml", "confirm.yml"} <= names


def test_no_expression_reaches_a_shell_line() -> None:
    """Untrusted text (an issue's body or title, a branch name) reaches scripts only through
    the environment: no `${{ ... }}` at all inside a `run:` of any workflow."""
    scripts = 0
    for workflow, name, job in _jobs():
        for step in job.get("steps", []):
            if "run" in step:
                scripts += 1
                assert "${{" not in step["run"], (workflow, name, step.get("name"))
    assert scripts >= 10


def test_actionlint_reports_nothing() -> None:
    require_tool(shutil.which("node") is not None, "Node.js")
    run = subprocess.run(["node", "tests/tools/actionlint.cjs", *map(str, WORKFLOWS)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"0 finding(s) in {len(WORKFLOWS)} file(s)" in run.stdout


def test_actionlint_does_find_an_injection() -> None:
    """The check can fail: an untrusted title inlined in a script is reported."""
    bad = ROOT / "tests" / "fixtures" / "injection-workflow.yml"
    run = subprocess.run(["node", "tests/tools/actionlint.cjs", str(bad)], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 1 and "potentially untrusted" in run.stdout


def test_zizmor_reports_nothing_even_as_an_auditor() -> None:
    run = subprocess.run([str(ZIZMOR), "--offline", "--persona=auditor", "--no-progress",
                          *map(str, WORKFLOWS)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings to report" in run.stdout + run.stderr


def test_actions_are_pinned_and_permissions_least() -> None:
    for workflow in WORKFLOWS:
        text = workflow.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
        assert data["permissions"] == {}, workflow.name
        for uses in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), uses
        triggers = data.get("on", data.get(True))  # YAML 1.1 reads the key `on` as true
        assert "pull_request_target" not in triggers


# --- What the workflows install -------------------------------------------------------

LOCK = ROOT / ".github" / "requirements" / "runtime.txt"
STAMPS = ("-o .venv/.installed", "-o node_modules/.installed")
LOCKED_INSTALL = ("pip install --require-hashes --no-deps --only-binary=:all: "
                  "-r .github/requirements/runtime.txt")
PROJECT_INSTALL = "pip install --no-deps --no-build-isolation --no-index -e ."


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _lock() -> dict[str, tuple[str, list[str]]]:
    """The lock file as {name: (version, hashes)}."""
    entries: dict[str, tuple[str, list[str]]] = {}
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9._-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})*)",
                             line)
        assert match, f"not a pinned, hashed requirement: {line[:80]}"
        hashes = re.findall(r"sha256:([0-9a-f]{64})", match[3])
        entries[_canonical(match[1])] = (match[2], hashes)
    return entries


def _commands(job: dict) -> list[str]:
    """The shell commands of a job, one per logical line (continuations joined)."""
    commands = []
    for step in job.get("steps", []):
        script = step.get("run", "").replace("\\\n", " ")
        commands += [re.sub(r"\s+", " ", c).strip() for c in script.splitlines() if c.strip()]
    return commands


def _jobs() -> list[tuple[str, str, dict]]:
    return [(w.name, name, job) for w in WORKFLOWS
            for name, job in yaml.safe_load(w.read_text(encoding="utf-8"))["jobs"].items()]


def _writes(job: dict) -> bool:
    return "write" in (job.get("permissions") or {}).values()


def _needs(job: dict) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else needs


def _privileged() -> list[tuple[str, str, dict]]:
    """Jobs holding a write token, and the jobs whose output such a job publishes."""
    jobs = _jobs()
    feeding = {(w, n) for w, _, job in jobs if _writes(job) for n in _needs(job)}
    return [(w, n, job) for w, n, job in jobs if _writes(job) or (w, n) in feeding]


def test_privileged_jobs_install_only_from_the_hashed_lock_file() -> None:
    installing = 0
    for workflow, name, job in _privileged():
        commands = _commands(job)
        pip = [c for c in commands if "pip install" in c]
        where = f"{workflow}: {name}"
        if not pip and not any("tierslieux" in c or "make" in c for c in commands):
            continue  # e.g. the Pages deployment and the dispatch: no Python tool runs
        installing += 1
        assert any(c.endswith(LOCKED_INSTALL) for c in pip), where
        assert all(c.endswith((LOCKED_INSTALL, PROJECT_INSTALL)) for c in pip), (where, pip)
        assert any(c.endswith("pip check") for c in commands), where
        npm = [c for c in commands if c.startswith("npm ")]
        assert npm == ["npm ci --omit=dev --ignore-scripts --no-audit --no-fund"], where
    assert installing >= 3  # from-issue, freshness and the Pages build


def test_no_job_installs_test_tools_or_unpinned_packages() -> None:
    """`make deps` (or `make site`) would run `pip install -e '.[dev]'`: 50-odd packages
    resolved at run time, test tools included."""
    for workflow, name, job in _jobs():
        for command in _commands(job):
            where = f"{workflow}: {name}: {command}"
            assert ".[dev]" not in command and "requirements" not in command.replace(
                ".github/requirements/runtime.txt", ""), where
            if re.search(r"\bpip3? install\b", command):
                assert command.endswith((LOCKED_INSTALL, PROJECT_INSTALL)), where
            if re.match(r"make\b", command):
                assert all(stamp in command for stamp in STAMPS), where
            assert not re.search(r"\b(pipx|uv|uvx|npx|poetry)\b", command), where


def test_the_lock_file_pins_every_runtime_dependency_with_hashes() -> None:
    lock = _lock()
    project = _pyproject()
    for spec in project["project"]["dependencies"]:
        req = Requirement(spec)
        assert _canonical(req.name) in lock, f"{req.name} missing: regenerate {LOCK.name}"
        version, _ = lock[_canonical(req.name)]
        assert req.specifier.contains(version), (req.name, str(req.specifier), version)
    for spec in project["build-system"]["requires"]:  # --no-build-isolation builds with it
        req = Requirement(spec)
        assert req.specifier.contains(lock[_canonical(req.name)][0]), req.name
    for name, (_, hashes) in lock.items():
        assert hashes, name
    dev = {_canonical(Requirement(s).name) for s in project["project"]["optional-dependencies"]
           ["dev"]}
    assert not dev & set(lock), dev & set(lock)


def test_the_lock_file_covers_the_runtime_dependencies_of_the_dependencies() -> None:
    """`--no-deps` installs exactly the lock: a package that a dependency needs must be
    there. Walks the metadata of the packages installed in this environment."""
    lock = _lock()
    todo = [Requirement(s) for s in _pyproject()["project"]["dependencies"]]
    seen: set[str] = set()
    while todo:
        req = todo.pop()
        name = _canonical(req.name)
        if name in seen or (req.marker and not req.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        assert name in lock, f"{name} (needed by the runtime) is not in {LOCK.name}"
        try:
            todo += [Requirement(r) for r in distribution(req.name).requires or []]
        except PackageNotFoundError:
            pytest.fail(f"{req.name} is not installed: run `make deps`")
    assert len(seen) >= 20


def test_the_lock_file_says_how_to_regenerate_it() -> None:
    head = LOCK.read_text(encoding="utf-8")[:600]
    assert "pip-compile --generate-hashes" in head and "pyproject.toml" in head


def test_pull_requests_opened_by_the_bot_get_their_checks_run() -> None:
    """GITHUB_TOKEN starts no `pull_request` run: each workflow opening one dispatches the
    check (from-issue for new venues, confirm for a manager's confirmation, sync-sources)."""
    check = yaml.safe_load((ROOT / ".github/workflows/pull-request.yml").read_text("utf-8"))
    triggers = check.get("on", check.get(True))
    assert "pull_request" in triggers and "workflow_dispatch" in triggers
    assert "github.ref" in check["concurrency"]["group"]  # dispatches don't cancel each other
    allowed = set()
    openers = {w for w, _, job in _jobs() if any("gh pr create" in c for c in _commands(job))}
    assert {"from-issue.yml", "confirm.yml"} <= openers
    for opening in sorted(openers):
        source = yaml.safe_load((ROOT / ".github/workflows" / opening).read_text("utf-8"))
        jobs = source["jobs"]
        opener = next(n for n, j in jobs.items()
                      if any("gh pr create" in c for c in _commands(j)))
        dispatchers = [n for n, j in jobs.items()
                       if any(re.match(r"gh workflow run pull-request\.yml .*--ref \"\$BRANCH\"",
                                       c) for c in _commands(j))]
        assert len(dispatchers) == 1, opening
        dispatcher = jobs[dispatchers[0]]
        assert dispatcher["needs"] == opener
        assert dispatcher["permissions"] == {"actions": "write"}
        assert "steps.pr.outputs.branch" in jobs[opener]["outputs"]["branch"]
        allowed.add((opening, dispatchers[0]))
    for workflow, name, job in _jobs():  # nobody else may start workflows
        if (workflow, name) not in allowed:
            assert "actions" not in (job.get("permissions") or {}), (workflow, name)


# --- The immediate reply and the confirmation ----------------------------------------

def _workflow(name: str) -> dict:
    return yaml.safe_load((ROOT / ".github/workflows" / name).read_text("utf-8"))


def _template_label(name: str) -> str:
    form = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE" / name).read_text("utf-8"))
    (label,) = form["labels"]
    return label


def test_the_reply_runs_our_code_without_a_write_token_and_posts_without_our_code() -> None:
    from tierslieux.contribute.issuereply import MARKER

    data = _workflow("issue-reply.yml")
    triggers = data.get("on", data.get(True))
    assert triggers == {"issues": {"types": ["opened", "edited"]}}
    assert "github.event.issue.number" in data["concurrency"]["group"]
    jobs = data["jobs"]
    assert len(jobs) == 2
    (writer,) = [n for n, j in jobs.items() if _writes(j)]
    (reader,) = [n for n in jobs if n != writer]
    assert jobs[reader]["permissions"] == {"contents": "read"}
    assert jobs[writer]["permissions"] == {"issues": "write"}
    assert jobs[writer]["needs"] == reader
    # The job that comments checks out nothing and runs no Python, npm or make.
    assert all("uses" not in step for step in jobs[writer]["steps"])
    for command in _commands(jobs[writer]):
        assert not re.search(r"tierslieux|\.venv|python|pip|npm|make|git ", command), command
    assert any("reply-issue" in c for c in _commands(jobs[reader]))
    # It answers the three contribution forms, chosen by the labels the forms set.
    condition = jobs[reader]["if"]
    for form in ("nouveau-lieu.yml", "correction.yml", "confirmer.yml"):
        label = _template_label(form)
        assert f"contains(github.event.issue.labels.*.name, '{label}')" in condition, form
        title = yaml.safe_load((ROOT / ".github/ISSUE_TEMPLATE" / form).read_text("utf-8"))[
            "title"].strip()
        assert f"startsWith(github.event.issue.title, '{title}')" in condition, form
    # One comment per issue: found again by the marker the reply starts with, among the
    # bot's own comments only (anybody can paste the marker in a comment of theirs).
    writer_env = jobs[writer]["steps"][0]["env"]
    assert writer_env["MARKER"] == MARKER
    script = jobs[writer]["steps"][0]["run"]
    assert 'select(.user.login == "github-actions[bot]"' in script
    assert "--method PATCH" in script and "gh issue comment" in script
    assert writer_env["REPLY"] == f"${{{{ needs.{reader}.outputs.reply }}}}"


def test_the_confirmation_is_applied_only_once_a_maintainer_labels_it() -> None:
    data = _workflow("confirm.yml")
    triggers = data.get("on", data.get(True))
    assert triggers == {"issues": {"types": ["labeled"]}}
    job = data["jobs"]["appliquer"]
    label = _template_label("confirmer.yml")
    # One label for maintainers: `fiche-validee` applies a confirmation here, and only here.
    assert "github.event.label.name == 'fiche-validee'" in job["if"]
    assert f"contains(github.event.issue.labels.*.name, '{label}')" in job["if"]
    creator = _workflow("from-issue.yml")["jobs"]["creer-la-fiche"]
    assert f"!contains(github.event.issue.labels.*.name, '{label}')" in creator["if"]
    env = {k: v for step in job["steps"] for k, v in (step.get("env") or {}).items()}
    assert env["ISSUE_AUTHOR"] == "${{ github.event.issue.user.login }}"
    assert any(c.startswith(".venv/bin/tierslieux confirm-from-issue") or
               "tierslieux confirm-from-issue" in c for c in _commands(job))
    assert any(c == "git add content/venues .github/CODEOWNERS" for c in _commands(job))
