"""GitHub workflows follow the security hardening guide, checked by actionlint and zizmor."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import ROOT, require_tool

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ZIZMOR = Path(sys.executable).with_name("zizmor")


def test_there_are_workflows_for_pull_requests_deploys_issues_and_freshness() -> None:
    names = {w.name for w in WORKFLOWS}
    assert {"pull-request.yml", "deploy.yml", "from-issue.yml", "freshness.yml"} <= names


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
