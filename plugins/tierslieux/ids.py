"""Venue identifiers: readable slugs, unique across the whole directory, never reused."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

MAX_LENGTH = 80


def slugify(text: str) -> str:
    """« L'Atelier du Coin » -> "l-atelier-du-coin" (ASCII, lowercase, hyphens)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:MAX_LENGTH].rstrip("-") or "lieu"


def taken_ids(root: Path) -> set[str]:
    """Every id in use under a venues folder (ids are file names)."""
    return {p.stem for p in root.rglob("*.yml")} if root.is_dir() else set()


def unique_id(name: str, commune: str, taken: Iterable[str]) -> str:
    """The name's slug; then with the commune; then numbered, until it is free."""
    used = set(taken)
    base = slugify(name)
    candidates = [base, f"{base}-{slugify(commune)}"[:MAX_LENGTH].rstrip("-")]
    for candidate in candidates:
        if candidate not in used:
            return candidate
    number = 2
    while f"{candidates[1]}-{number}" in used:
        number += 1
    return f"{candidates[1]}-{number}"
