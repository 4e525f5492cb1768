"""The package's folders are the pipeline's stages, and imports only run down them."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "plugins" / "tierslieux"

# Each stage may import itself and the stages listed here, nothing else.
ALLOWED = {
    "model": set(),
    "reference": {"model"},
    "check": {"model", "reference"},
    "publish": {"model", "reference", "check"},
    "site": {"model", "reference", "check", "publish"},
    "importing": {"model", "reference", "check", "publish"},
    "contribute": {"model", "reference", "check", "publish", "importing"},
}
TOP_LEVEL = {"__init__.py", "cli.py"}  # the entry points, which may import any stage


def _imported_stages(path: Path) -> set[tuple[str, int]]:
    """The stages a module imports, each with the line of the import."""
    module = path.relative_to(PACKAGE.parent).with_suffix("").parts  # ("tierslieux", stage, m)
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module[: len(module) - node.level])
                target = base + (node.module.split(".") if node.module else [])
                names = [target] if node.module else [[*target, a.name] for a in node.names]
            else:
                names = [(node.module or "").split(".")]
        elif isinstance(node, ast.Import):
            names = [a.name.split(".") for a in node.names]
        else:
            continue
        for parts in names:
            if parts[0] == "tierslieux" and len(parts) > 1 and parts[1] in ALLOWED:
                found.add((parts[1], node.lineno))
    return found


def _violations() -> list[str]:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        stage = path.relative_to(PACKAGE).parts[0]
        if stage in TOP_LEVEL:
            continue
        for target, line in _imported_stages(path):
            if target != stage and target not in ALLOWED[stage]:
                bad.append(f"{path.relative_to(PACKAGE)}:{line}: {stage} imports {target}")
    return sorted(bad)


def test_every_module_sits_in_a_stage() -> None:
    loose = [p.name for p in PACKAGE.glob("*.py") if p.name not in TOP_LEVEL]
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert loose == []
    assert folders == set(ALLOWED)
    for stage in ALLOWED:
        assert ast.get_docstring(ast.parse((PACKAGE / stage / "__init__.py").read_text())), stage


def test_imports_only_run_down_the_stages() -> None:
    assert _violations() == []


def test_the_check_catches_an_upward_import(tmp_path: Path, monkeypatch) -> None:
    """The rule above can fail: an upward import planted in a copy is reported."""
    import shutil

    copy = tmp_path / "tierslieux"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    hours = copy / "model" / "hours.py"
    hours.write_text(hours.read_text(encoding="utf-8")
                     + "\nfrom ..site import stats  # noqa\n", encoding="utf-8")
    monkeypatch.setattr(__name__ + ".PACKAGE", copy)
    assert [v.split(": ", 1)[1] for v in _violations()] == ["model imports site"]
