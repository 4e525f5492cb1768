"""Keep .github/CODEOWNERS in step with the `gestionnaires` of each venue.

A venue's managers (GitHub handles in its file) are asked to approve changes to it. Only
the block between the markers is generated; maintainers' own lines around it are kept.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model.venue import Venue

BEGIN = "# BEGIN gestionnaires des lieux (généré par `tierslieux sync`, ne pas modifier)"
END = "# END gestionnaires des lieux"


def owner_lines(venues: Iterable[Venue]) -> list[str]:
    lines = []
    for venue in sorted(venues, key=lambda v: v.id):
        handles = venue.data.get("gestionnaires") or []
        if handles:
            path = f"/content/venues/{venue.folder}/{venue.id}.yml"
            lines.append(path + " " + " ".join(f"@{h}" for h in handles))
    return lines


def render(current: str, venues: Iterable[Venue]) -> str:
    """CODEOWNERS with its generated block replaced (or appended when absent)."""
    block = "\n".join([BEGIN, *owner_lines(venues), END])
    if BEGIN in current and END in current:
        before, rest = current.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        return before + block + after
    prefix = current.rstrip("\n") + "\n\n" if current.strip() else ""
    return prefix + block + "\n"
