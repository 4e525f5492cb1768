"""Checks across files: one id per venue, and venues that look like the same place twice.

Ids equal file names (checked per file), so uniqueness is a check on names over the whole
directory, cheap even when a pull request touches one file. Likely duplicates (same
website, or alike names a short distance apart) are warnings naming both files: two
fablabs of one association may share a website, a maintainer decides.
"""

from __future__ import annotations

import math
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from pathlib import Path

from ..model.venue import places
from ..reference.refdata import normalize_name
from .problems import Problem
from .yamlload import Loaded

NEAR_KM = 5.0
NAME_SIMILARITY = 0.85
_CELL = 0.05  # degrees: about 5 km of latitude


def duplicate_ids(files: list[Path], others: Iterable[Path],
                  shown: Callable[[Path], str]) -> list[Problem]:
    by_stem: dict[str, set[Path]] = defaultdict(set)
    for f in [*files, *others]:
        by_stem[f.stem].add(f.absolute())
    out = []
    for f in files:
        same = sorted(by_stem[f.stem] - {f.absolute()})
        if same:
            names = ", ".join(shown(s) for s in same)
            out.append(Problem(shown(f), 1, "id-duplique", "id",
                               f"l'identifiant « {f.stem} » est déjà pris par {names}.",
                               "Chaque lieu a un identifiant unique : choisissez-en un autre "
                               "(par exemple en ajoutant le nom de la commune)."))
    return out


def deleted_ids(universe: Path) -> dict[str, str]:
    """id -> date its file was deleted, from git history (empty outside a checkout)."""
    try:
        log = subprocess.run(["git", "log", "--diff-filter=D", "--name-only",
                              "--format=%x00%cs", "--", "."], cwd=universe,
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    found: dict[str, str] = {}
    for block in log.split("\x00")[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        for name in lines[1:]:
            if name.endswith(".yml"):
                found.setdefault(Path(name).stem, lines[0])
    return found


def reused_ids(files: list[Path], universe: Path | None,
               shown: Callable[[Path], str]) -> list[Problem]:
    """Ids are never reused: warn when a file takes the id of a deleted one."""
    deleted = deleted_ids(universe) if universe and universe.is_dir() else {}
    return [Problem(shown(f), 1, "id-reutilise", "id",
                    f"l'identifiant « {f.stem} » a appartenu à une fiche supprimée le "
                    f"{deleted[f.stem]}.",
                    "S'il s'agit du même lieu, c'est une restauration : rien à faire. Sinon, "
                    "choisissez un autre identifiant : un identifiant publié n'est jamais "
                    "réattribué.")
            for f in files if f.stem in deleted and f.exists()]


def _site_key(url: str) -> str:
    url = url.strip().lower()
    for prefix in ("https://", "http://"):
        url = url.removeprefix(prefix)
    return url.removeprefix("www.").rstrip("/")


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(min(1.0, math.sqrt(h)))


def likely_duplicates(venues: list[Loaded]) -> list[Problem]:
    """Warnings, on both files, for pairs of files that may describe one place."""
    out: list[Problem] = []
    by_site: dict[str, list[int]] = defaultdict(list)
    cells: dict[tuple[int, int], list[tuple[int, tuple[float, float], str]]] = defaultdict(list)
    for index, loaded in enumerate(venues):
        data = loaded.data
        site = data.get("site_web")
        if isinstance(site, str) and site.strip():
            by_site[_site_key(site)].append(index)
        name = data.get("nom")
        located = places(data)
        if not isinstance(name, str) or not located:
            continue
        lat, lon = located[0][1].get("latitude"), located[0][1].get("longitude")
        if isinstance(lat, int | float) and isinstance(lon, int | float):
            point = (float(lat), float(lon))
            cell = (math.floor(point[0] / _CELL), math.floor(point[1] / _CELL))
            cells[cell].append((index, point, normalize_name(name)))

    def warn(i: int, j: int, code: str, why: str) -> None:
        field = "site_web" if code == "doublon-site-web" else "nom"
        for a, b in ((i, j), (j, i)):
            out.append(Problem(venues[a].path, venues[a].line_of((field,)), code, field,
                               f"ce lieu ressemble à {venues[b].path} ({why}).",
                               "S'il s'agit du même lieu, gardez une seule fiche (la plus "
                               "complète) ; sinon, ignorez cet avertissement."))

    for site, indexes in by_site.items():
        for k, i in enumerate(indexes):
            for j in indexes[k + 1:]:
                warn(i, j, "doublon-site-web", f"même site web : {site}")
    letters: dict[int, Counter[str]] = {}
    for (cy, cx), members in cells.items():
        neighbours = [m for dy in (-1, 0, 1) for dx in (-1, 0, 1)
                      for m in cells.get((cy + dy, cx + dx), ())]
        for i, point, name in members:
            for j, other_point, other_name in neighbours:
                if j <= i:
                    continue
                distance = _km(point, other_point)
                if distance > NEAR_KM:
                    continue
                # difflib's cheap upper bounds first (its real_quick_ratio and quick_ratio,
                # worked out here without building a matcher for each pair of a dense city).
                total = len(name) + len(other_name)
                if total and 2 * min(len(name), len(other_name)) / total < NAME_SIMILARITY:
                    continue
                common = letters.setdefault(i, Counter(name)) & letters.setdefault(
                    j, Counter(other_name))
                if total and 2 * sum(common.values()) / total < NAME_SIMILARITY:
                    continue
                if SequenceMatcher(None, name, other_name).ratio() >= NAME_SIMILARITY:
                    warn(i, j, "doublon-nom-proche", f"nom semblable, à {distance:.1f} km")
    return out
