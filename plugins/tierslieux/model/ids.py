"""Venue identifiers: readable slugs, unique across the whole directory, never reused."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

MAX_LENGTH = 80

# Letters that Unicode does not decompose into ASCII, and "@" standing for "a" ("L@b").
_SPELLED_OUT = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss",
                              "@": "a"})


def slugify(text: str, fallback: str = "lieu") -> str:
    """« L'Atelier du Cœur » -> "l-atelier-du-coeur" (ASCII, lowercase, hyphens).

    A slug longer than MAX_LENGTH is cut after a whole word when one ends in its second
    half; `fallback` stands for a text with nothing to keep.
    """
    plain = unicodedata.normalize("NFKD", text.translate(_SPELLED_OUT))
    ascii_text = plain.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > MAX_LENGTH:
        cut = slug[:MAX_LENGTH + 1]
        slug = cut[:cut.rfind("-")] if "-" in cut[MAX_LENGTH // 2:] else slug[:MAX_LENGTH]
    return slug.rstrip("-") or fallback


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
