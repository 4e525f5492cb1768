"""Profile one real build of generated venues: where the time goes, function by function.

    python tests/bench/profile_build.py VENUES_DIR [--top 25] [--cprofile]

Runs `pelican content -s pelicanconf.py -o NEW_FOLDER -e VENUES_PATH=...` in this process
under pyinstrument (a sampling profiler: `pip install pyinstrument`, not a project
dependency) or, if it is missing or with --cprofile, under cProfile, with every page
rendered in this process (the build's forked child would escape the profiler; see
--parallel). Prints the functions
with the most cumulative time (a recursive function is counted once per call chain),
with their own (self) time. Writes nothing in the checkout.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _pelican_args(venues: Path, output: Path) -> list[str]:
    return ["content", "-s", "pelicanconf.py", "-o", str(output),
            "-e", f'VENUES_PATH="{venues}"']


def _run_pelican(args: list[str]) -> None:
    from pelican import main

    try:
        main(args)
    except SystemExit as exc:
        if exc.code not in (0, None):
            raise


def _short(path: str) -> str:
    for marker in ("site-packages/", "/plugins/", "/lib/python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def with_pyinstrument(args: list[str]) -> list[tuple[float, float, str, str]]:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.001)
    profiler.start()
    _run_pelican(args)
    session = profiler.stop()
    cumulative: dict[tuple[str, str], float] = defaultdict(float)
    own: dict[tuple[str, str], float] = defaultdict(float)

    def walk(frame: Any, active: frozenset[tuple[str, str]]) -> None:
        if frame.is_synthetic:  # pyinstrument's "[self]" and "[await]" leaves
            return
        key = (frame.function or "?", _short(frame.file_path or "?"))
        if key not in active:
            cumulative[key] += frame.time
        own[key] += frame.total_self_time
        for child in frame.children:
            walk(child, active | {key})

    root = session.root_frame()
    if root is not None:
        walk(root, frozenset())
    return sorted(((t, own[k], *k) for k, t in cumulative.items()), reverse=True)


def with_cprofile(args: list[str]) -> list[tuple[float, float, str, str]]:
    profiler = cProfile.Profile()
    profiler.runcall(_run_pelican, args)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = [(ct, tt, name, f"{_short(file)}:{line}")
            for (file, line, name), (_, _, tt, ct, _) in stats.items()]
    return sorted(rows, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("venues", type=Path)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--parallel", action="store_true",
                        help="keep the build's forked page-rendering child (whose work the "
                             "profile then misses); by default every page is rendered here")
    parser.add_argument("--tmp", type=Path, default=None,
                        help="where to write the site (default: the system's temporary folder)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT / "plugins"))
    if not args.parallel:
        from tierslieux.site import generator

        if hasattr(generator, "PARALLEL_FROM"):
            generator.PARALLEL_FROM = sys.maxsize  # this process only: no fork
    output = Path(tempfile.mkdtemp(prefix="tierslieux-profile-", dir=args.tmp)) / "output"
    pelican_args = _pelican_args(args.venues.absolute(), output)
    try:
        import pyinstrument  # noqa: F401

        use_pyinstrument = not args.cprofile
    except ImportError:
        use_pyinstrument = False
    start = time.perf_counter()
    rows = with_pyinstrument(pelican_args) if use_pyinstrument else with_cprofile(
        pelican_args)
    wall = time.perf_counter() - start
    tool = "pyinstrument" if use_pyinstrument else "cProfile"
    print(f"build profiled with {tool}: {wall:.1f} s wall (output in {output})")
    print(f"{'cumulative s':>12}  {'self s':>7}  function  (file)")
    for cumulative, own, function, where in rows[:args.top]:
        print(f"{cumulative:12.2f}  {own:7.2f}  {function}  ({where})")
    print("\nBy self time:")
    for cumulative, own, function, where in sorted(rows, key=lambda r: -r[1])[:args.top // 2]:
        print(f"{cumulative:12.2f}  {own:7.2f}  {function}  ({where})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
