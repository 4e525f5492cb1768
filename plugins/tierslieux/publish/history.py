"""When each venue file first appeared, from git history (one `git log` for all files)."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path


def added_dates(venues_dir: Path) -> dict[str, dt.date]:
    """id -> date of the commit that added its file; empty outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "log", "--diff-filter=A", "--name-only", "--format=%x00%cs", "--",
             "."], cwd=venues_dir, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    found: dict[str, dt.date] = {}
    for block in out.split("\x00")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        day = dt.date.fromisoformat(lines[0])
        for name in lines[1:]:
            if name.endswith(".yml"):
                # Newest first: keep the oldest addition (a re-added file keeps its id).
                found[Path(name).stem] = day
    return found
