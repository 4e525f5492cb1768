"""The `tierslieux` command speaks French, argparse's own words included."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tierslieux.cli import build_parser

TIERSLIEUX = Path(sys.executable).with_name("tierslieux")
ENGLISH = ["usage:", "positional arguments", "optional arguments", "show this help",
           "error:", "the following arguments are required", "invalid choice",
           "unrecognized arguments"]
COMMANDS = sorted(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(TIERSLIEUX), *args], capture_output=True, text=True, timeout=60)


def english_in(text: str) -> list[str]:
    """English argparse phrases, and value names left in lower-case English (`paths`)."""
    found = [w for w in ENGLISH if w in text]
    found += re.findall(r"\[([a-z_]+) \.\.\.\]", text)  # [paths ...]
    found += re.findall(r"^ {2}([a-z_]+)(?: {2,}|$)", text, re.M)  # a positional argument
    found += re.findall(r"--[a-z-]+ ([A-Z_]*(?:INTO|FILE|PATH|URL|HEAD|BASE)[A-Z_]*)", text)
    return found


def test_main_help_is_french() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert result.stdout.startswith("utilisation : tierslieux")
    assert "afficher cette aide et quitter" in result.stdout
    assert english_in(result.stdout) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_help_is_french(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"utilisation : tierslieux {command}")
    assert english_in(result.stdout) == []


def test_usage_errors_are_french() -> None:
    unknown = run("nimporte")
    assert unknown.returncode == 2
    assert "tierslieux : erreur : argument COMMANDE : choix invalide : 'nimporte'" in unknown.stderr
    missing = run("from-issue")
    assert "arguments obligatoires manquants : FICHIER" in missing.stderr
    assert english_in(unknown.stderr + missing.stderr) == []
