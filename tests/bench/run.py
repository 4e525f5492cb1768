"""`make bench`: the directory at 1,000, 3,500 and 20,000 venues, against its targets.

    python tests/bench/run.py [--sizes 1000,3500] [--runs K] [--skip browser,baseline]

For each size, on synthetic venues (tests/bench/generate.py, seeded): validation (all
files read, as on a fresh clone; all files again, their results kept in .cache/; one
file), full build, rebuild after one venue changed, Pagefind, output and map
data sizes, the home map in headless Chromium; and in the same run, for comparison,
plain Pelican with its default theme (tests/bench/baseline.py) and the floor of the raw
steps (tests/bench/floor.py). Every command is a separate process timed from outside
(start-up included), and every build writes into a new folder. Prints one table and
writes every sample to .bench/results.json (.bench/ is git-ignored).

BENCH_SIZES (environment) is read when --sizes is not given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
PYTHON = sys.executable
BENCH_DIR = ROOT / ".bench"  # results
# Venues and outputs: in the system's temporary folder, because creating files inside the
# checkout can be much slower on some machines (a file watcher): we time the project,
# not the watcher. --workdir changes it.
WORK_DIR = Path(tempfile.gettempdir()) / "tierslieux-bench"
RUN_DIR = WORK_DIR / f"run-{os.getpid()}"  # this run's outputs: runs may overlap
DEFAULT_SIZES = [1000, 3500, 20000]
SEED = 2026
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]
DEFAULT_STATUTS = {"projet", "ouvert", "ferme_temporairement"}  # what the home map shows
MAP_TIMEOUT_MS = 120_000

sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "plugins"))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- processes -----------------------------------------------------------------------
@dataclass
class Sample:
    wall: float  # seconds
    peak_mib: float  # peak memory of the process tree (sampled PSS), or of its largest process
    returncode: int
    user: float = 0.0  # CPU seconds in the process and its children
    system: float = 0.0  # CPU seconds in the kernel (file creation shows here)
    rss_mib: float = 0.0  # maximum resident set size of its largest single process (wait4)
    tree_pss_mib: float = 0.0  # peak sum of PSS over the process and its children (sampled)


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as fh:
                    todo += [int(x) for x in fh.read().split()]
        except OSError:
            continue
    return pids


def _pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Peak memory of a process tree: the build forks, and wait4's maxrss is per process.

    PSS (proportional set size) counts the pages a parent shares with its forked child
    once, so the sum is what the tree really takes. Sampled every 50 ms.
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            total = sum(_pss_kib(p) for p in _tree(self.pid))
            self.peak_kib = max(self.peak_kib, total)


def run_process(cmd: list[str], cwd: Path = ROOT, check: bool = True,
                env: dict[str, str] | None = None) -> tuple[Sample, str]:
    """Run one process, timed from outside, with its CPU time and peak memory."""
    out_path = RUN_DIR / "last-process.log"
    os.sync()  # the previous step's writes are not flushed on this one's time
    with out_path.open("wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
                                env=env)
        sampler = MemorySampler(proc.pid)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        sampler.stopped.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text("utf-8", errors="replace")
    if check and proc.returncode != 0:
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{text[-3000:]}")
    rss, pss = usage.ru_maxrss / 1024, sampler.peak_kib / 1024
    return Sample(wall, max(rss, pss), proc.returncode, usage.ru_utime, usage.ru_stime,
                  rss, pss), text


def median(samples: list[Sample]) -> float:
    return statistics.median(s.wall for s in samples)


def peak(samples: list[Sample]) -> float:
    return max(s.peak_mib for s in samples)


class Folders:
    """New, never-used output folders (writing into a just-emptied folder is far slower)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.count = 0

    def new(self, name: str) -> Path:
        self.count += 1
        path = self.base / f"{name}-{self.count}"
        assert not path.exists()
        return path


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def discard(path: Path) -> None:
    """Set a folder aside, to be deleted after the last measure.

    After thousands of files are deleted, ext4 skips their inodes for a few minutes when
    allocating new ones (`recently_deleted`), which makes every file creation 10-20 times
    slower: nothing is deleted while timing, every output stays until the end of the run.
    (Right after a run, wait a few minutes before the next one.)
    """
    if path.exists():
        trash = RUN_DIR / "trash"
        trash.mkdir(parents=True, exist_ok=True)
        path.rename(trash / f"{path.name}-{time.time_ns()}")


def tree_size(path: Path) -> tuple[int, int]:
    total = files = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            total += os.path.getsize(os.path.join(dirpath, name))
            files += 1
    return total, files


# -- data sets -----------------------------------------------------------------------
def venue_key(as_of: dt.date) -> str:
    """Generated venues are reused while the date and the generator stay the same."""
    digest = hashlib.sha256((HERE / "generate.py").read_bytes()).hexdigest()[:10]
    return f"{as_of.isoformat()}-{digest}"


def venues_for(n: int, seed: int, as_of: dt.date, fresh: bool) -> Path:
    """The generated venues (cached by size, seed, date and generator source)."""
    from generate import generate

    folder = WORK_DIR / "venues" / f"{n}-s{seed}-{venue_key(as_of)}"
    if fresh or not folder.is_dir():
        discard(folder)
        start = time.perf_counter()
        # Generated aside, then renamed: another run never sees a half-written set.
        partial = folder.with_name(f".{folder.name}-{os.getpid()}")
        discard(partial)
        generate(n, partial, seed, as_of)
        try:
            partial.rename(folder)
        except OSError:  # another run has just made the same set
            discard(partial)
        log(f"generated {n} venues in {time.perf_counter() - start:.1f} s: {folder}")
    else:
        log(f"reusing the {n} generated venues in {folder}")
    return folder


def linked_copy(source: Path, target: Path) -> Path:
    """This run's own copy of a venue set, made of hard links: no file data is written,
    no inode allocated, and a file this run changes is replaced, not edited in place."""
    for dirpath, _, names in os.walk(source):
        here = target / Path(dirpath).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.link(os.path.join(dirpath, name), here / name)
    return target


def pick_file(venues: Path) -> Path:
    """The venue the 'one file' measures touch: a file with a description, mid-list."""
    files = sorted(venues.rglob("*.yml"))
    for f in files[len(files) // 2:] + files:
        if "\ndescription:" in f.read_text("utf-8"):
            return f
    return files[len(files) // 2]


def changed_text(original: bytes, path: Path, run: int) -> str:
    """The same venue with one more sentence in its description, as a contributor would."""
    from tierslieux.check.yamlload import load_bytes
    from tierslieux.model.yamlwrite import dump_venue

    data = load_bytes(original, str(path)).data
    data["description"] = data["description"].rstrip() + (
        f" Horaires d'été : fermé en août (modification {run + 1}).")
    return dump_venue(data)


# -- the home map in a browser -------------------------------------------------------
INIT_SCRIPT = """
(() => {
  const expected = %d;
  const b = window.__bench = {expected: expected};
  function tick() {
    const now = performance.now();
    const el = document.getElementById("carte");
    if (b.loaded === undefined && el && el.hasAttribute("data-loaded")) { b.loaded = now; }
    if (b.loaded !== undefined) {
      const icons = document.querySelectorAll(
        "#carte .marker-cluster, #carte .tl-marker").length;
      const tl = window.tierslieux;
      const count = tl && tl.cluster ? tl.cluster.getLayers().length : -1;
      if (icons > 0 && b.icons === undefined) { b.icons = now; }
      // Drawn: the attribute is set, cluster icons are in the DOM, and every marker the
      // default filters show is in the cluster layer (which clusters and draws the view
      // in the same task as it is given the markers: clusters.js).
      if (icons > 0 && (expected < 0 || count < 0 || count === expected)) {
        Object.assign(b, {drawn: now, count: count, iconCount: icons, done: true});
        return;
      }
      if (now - b.loaded > %d) {
        Object.assign(b, {count: count, iconCount: icons, timeout: true, done: true});
        return;
      }
    }
    requestAnimationFrame(tick);
  }
  requestAnimationFrame(tick);
})();
"""


def expected_markers(site: Path) -> int:
    """Markers the home map shows with its default filters (closed venues hidden): one per
    venue, an itinerant venue's stops being drawn only when its popup is open."""
    try:
        data = json.loads((site / "donnees" / "carte.json").read_text("utf-8"))
        col = {name: i for i, name in enumerate(data["colonnes"])}
        statuts = data["vocabulaires"]["statuts"]
        return sum(1 for row in data["lieux"] if statuts[row[col["statut"]]] in DEFAULT_STATUTS)
    except (KeyError, ValueError, TypeError, IndexError):
        return -1  # unknown format: only the attribute and the icons are awaited


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(site: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(site),
         str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def measure_map(site: Path, runs: int) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    expected = expected_markers(site)
    server, url = serve(site)
    results = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                page.add_init_script(INIT_SCRIPT % (expected, MAP_TIMEOUT_MS))
                page.goto(url + "/", wait_until="commit", timeout=MAP_TIMEOUT_MS)
                page.wait_for_function("() => window.__bench && window.__bench.done",
                                       polling=50, timeout=MAP_TIMEOUT_MS + 30_000)
                found = page.evaluate("""() => {
                    const nav = performance.getEntriesByType("navigation")[0];
                    const data = performance.getEntriesByType("resource")
                        .find(e => e.name.endsWith("/donnees/carte.json"));
                    // The marks the map's modules set (main.js, map.js): the first after
                    // `after` (the empty cluster layer, added to the map, marks "clustered").
                    const mark = (name, after) => {
                        const m = performance.getEntriesByName("tierslieux:" + name)
                            .find(e => e.startTime >= (after || 0));
                        return m ? m.startTime : null;
                    };
                    const markers = mark("markers");
                    return Object.assign({}, window.__bench, {
                        decoded: mark("decoded"), markers: markers,
                        clustered: markers === null ? null : mark("clustered", markers),
                        domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
                        dataFetched: data ? data.responseEnd : null});
                }""")
                found["errors"] = errors
                results.append(found)
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return results


# -- the home page's weight (issue 15) ------------------------------------------------
def home_gzip_bytes(site: Path) -> int:
    """The home HTML as a phone downloads it (gzip -6): under 150 kB at any size."""
    return len(gzip.compress((site / "index.html").read_bytes(), compresslevel=6, mtime=0))


# -- one size ------------------------------------------------------------------------
def bench_size(n: int, runs: int, args: argparse.Namespace, as_of: dt.date,
               shared: Path | None = None) -> dict[str, Any]:
    """Every measure on `n` generated venues (or on the venues in `shared`)."""
    shared = shared or venues_for(n, args.seed, as_of, args.fresh)
    work = RUN_DIR / str(n)
    work.mkdir(parents=True)
    folders = Folders(work)
    venues = linked_copy(shared, work / "venues")
    res: dict[str, Any] = {"n": n, "runs": runs, "venues_dir": str(shared), "failures": {}}
    tierslieux = str(BIN / "tierslieux")
    pelican = str(BIN / "pelican")
    one = pick_file(venues)
    res["one_file"] = str(one.relative_to(venues))
    site: Path | None = None

    def step(name: str, what: str, action: Callable[[], None]) -> None:
        """One measure; a failure is recorded and reported, and the others still run."""
        if name in args.skip:
            return
        log(f"N={n}: {what}")
        try:
            action()
        except Exception as exc:  # any failure is reported with the table
            res["failures"][name] = str(exc)[-2000:]
            log(f"N={n}: {name} FAILED: {str(exc)[-500:]}")

    def repeat(cmd: list[str], cwd: Path = ROOT) -> list[dict[str, Any]]:
        return [asdict(run_process(cmd, cwd)[0]) for _ in range(runs)]

    def validate_all() -> None:
        samples = []
        for _ in range(runs):  # every file read, as on a fresh clone (a pull request's CI)
            sample, text = run_process([tierslieux, "validate", str(venues), "--sans-cache",
                                        *universe_option(venues)])
            samples.append(asdict(sample))
        res["validate_all"] = samples
        res["validate_summary"] = text.strip().splitlines()[-1] if text.strip() else ""
        log(f"N={n}: {res['validate_summary']}")

    def validate_again() -> None:
        # The results of each file are kept (.cache/): a second run reads no file again.
        run_process([tierslieux, "validate", str(venues), *universe_option(venues)])
        res["validate_again"] = repeat([tierslieux, "validate", str(venues),
                                        *universe_option(venues)])

    def validate_one() -> None:
        res["validate_one"] = repeat([tierslieux, "validate", str(one),
                                      *universe_option(venues)])

    def build(name: str, previous: Path | None = None) -> tuple[Sample, Path]:
        out = folders.new(name)
        sample, _ = run_process([pelican, "content", "-s", "pelicanconf.py", "-o", str(out),
                                 "-e", f'VENUES_PATH="{venues}"',
                                 *incremental_settings(previous)])
        return sample, out

    def full_build() -> None:
        nonlocal site
        samples = []
        for _ in range(runs):
            sample, site = build("build")
            samples.append(asdict(sample))
        res["build"] = samples
        total, files = tree_size(site)
        res["output_bytes"], res["output_files"] = total, files
        res["home_bytes"] = (site / "index.html").stat().st_size
        res["home_gzip_bytes"] = home_gzip_bytes(site)
        carte = (site / "donnees" / "carte.json").read_bytes()
        res["map_data_bytes"] = len(carte)
        res["map_data_gzip_bytes"] = len(gzip.compress(carte, compresslevel=6, mtime=0))

    def pagefind() -> None:
        assert site is not None, "no site was built"
        sample, _ = run_process([PYTHON, "-m", "pagefind", "--site", str(site), "--glob",
                                 "lieux/**/*.html", "--silent"])
        res["pagefind"] = asdict(sample)
        res["pagefind_bytes"] = tree_size(site / "pagefind")[0]

    def browser() -> None:
        assert site is not None, "no site was built"
        res["map"] = measure_map(site, runs)

    def rebuild() -> None:
        original = one.read_bytes()
        samples = []
        try:
            for r in range(runs):
                changed = one.with_name(one.name + ".new")
                changed.write_text(changed_text(original, one, r), encoding="utf-8")
                changed.replace(one)  # the shared venue set keeps its file
                samples.append(asdict(build("rebuild", previous=site)[0]))
        finally:
            one.write_bytes(original)
        res["rebuild"] = samples

    def floor(which: str) -> None:
        samples, steps = [], []
        for _ in range(runs):
            sample, text = run_process([PYTHON, str(HERE / "floor.py"), str(venues),
                                        str(folders.new("floor")), "--validator", which])
            samples.append(asdict(sample))
            steps.append(json.loads(text.strip().splitlines()[-1]))
        res[f"floor_{which}"] = samples
        res[f"floor_{which}_steps"] = steps

    def baseline() -> None:
        from baseline import prepare

        project = work / "pelican-project"
        prepare(venues, project)
        samples = []
        for _ in range(runs):
            out = folders.new("pelican")
            samples.append(asdict(run_process([pelican, "content", "-s", "pelicanconf.py",
                                               "-o", str(out)], project)[0]))
            res["baseline_output_files"] = tree_size(out)[1]
        res["baseline"] = samples

    step("validate", f"validate every venue ({runs} runs)", validate_all)
    step("validate-again", f"validate every venue again, results kept ({runs} runs)",
         validate_again)
    step("validate-one", f"validate one file ({runs} runs)", validate_one)
    step("build", f"full build ({runs} runs, each into a new folder)", full_build)
    step("pagefind", "Pagefind index (1 run)", pagefind)
    step("browser", f"home map in Chromium ({runs} runs, cold cache)", browser)
    step("rebuild", f"rebuild after one venue changed ({runs} runs)", rebuild)
    step("floor", f"floor with jsonschema-rs ({runs} runs, one process each)",
         lambda: floor("jsonschema-rs"))
    step("floor", f"floor with jsonschema ({runs} runs, one process each)",
         lambda: floor("jsonschema"))
    step("baseline", f"plain Pelican, default theme ({runs} runs)", baseline)
    return res


def universe_option(venues: Path) -> list[str]:
    """The benchmark's venues are their own directory: ids are unique within them, not
    against the launch content (a synthetic id may be one of its ids)."""
    return ["--venues-dir", str(venues)]


def incremental_settings(previous: Path | None) -> list[str]:
    """Pelican settings for a build from a previous output, as `make site` does it: the
    copy of the previous output (hard links) is made by the build, inside its time."""
    return [f'INCREMENTAL_FROM="{previous}"'] if previous is not None else []


LAUNCH = -1  # the results key of the launch content's column


def launch_venues() -> Path:
    """The launch content (content/venues), measured beside the synthetic sizes."""
    return ROOT / "content" / "venues"


def bench_launch(runs: int, args: argparse.Namespace, as_of: dt.date) -> dict[str, Any]:
    res = bench_size(LAUNCH, runs, args, as_of, shared=launch_venues())
    res["venue_count"] = sum(1 for _ in launch_venues().rglob("*.yml"))
    return res


def column_title(n: int, results: dict[int, dict[str, Any]]) -> str:
    if n == LAUNCH:
        count = (results.get(LAUNCH) or {}).get("venue_count")
        return f"launch ({count:,})" if count else "launch"
    return f"N={n:,}"


# -- report --------------------------------------------------------------------------
def walls(res: dict[str, Any], key: str) -> float | None:
    samples = res.get(key)
    if not samples:
        return None
    samples = samples if isinstance(samples, list) else [samples]
    return statistics.median(s["wall"] for s in samples)


def peaks(res: dict[str, Any], key: str) -> float | None:
    samples = res.get(key)
    if not samples:
        return None
    samples = samples if isinstance(samples, list) else [samples]
    return max(s["peak_mib"] for s in samples)


def cpu(res: dict[str, Any], key: str) -> str | None:
    """Median user and system CPU seconds (system time grows when file creation is slow)."""
    samples = res.get(key)
    if not samples:
        return None
    return (f"{statistics.median(s['user'] for s in samples):.1f} / "
            f"{statistics.median(s['system'] for s in samples):.1f}")


def memory(res: dict[str, Any], key: str) -> str | None:
    samples = res.get(key)
    if not samples:
        return None
    return (f"{max(s['rss_mib'] for s in samples):.0f} / "
            f"{max(s['tree_pss_mib'] for s in samples):.0f}")


def floor_key(res: dict[str, Any]) -> str:
    return "floor_jsonschema-rs" if res.get("floor_jsonschema-rs") else "floor_jsonschema"


def map_seconds(res: dict[str, Any]) -> float | None:
    runs = res.get("map")
    if not runs:
        return None
    if any(r.get("timeout") for r in runs):
        return float("inf")
    return statistics.median(r["drawn"] for r in runs) / 1000


def map_phases(res: dict[str, Any]) -> str | None:
    runs = [r for r in res.get("map") or [] if not r.get("timeout")]
    if not runs:
        return None
    keys = ("domContentLoaded", "dataFetched", "loaded")
    return " / ".join(f"{statistics.median(r[k] or 0 for r in runs) / 1000:.2f}" for k in keys)


def map_script_phases(res: dict[str, Any]) -> str | None:
    """Where the script's time goes once the data is in: decoding carte.json, making one
    Leaflet marker per venue, clustering them and drawing the view's clusters."""
    runs = [r for r in res.get("map") or [] if not r.get("timeout")]
    if not runs or any(r.get("decoded") is None for r in runs):
        return None
    keys = ("decoded", "markers", "clustered")
    return " / ".join(f"{statistics.median(r[k] or 0 for r in runs) / 1000:.2f}" for k in keys)


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


@dataclass
class Row:
    label: str
    value: Callable[[dict[str, Any]], Any]
    fmt: str = "{:.2f}"


def rows(results: dict[int, dict[str, Any]]) -> list[Row]:
    def growth(res: dict[str, Any]) -> float | None:
        base = results.get(3500)
        return ratio(walls(res, "build"), walls(base, "build")) if base and res["n"] > 3500 \
            else None

    return [
        Row("timing runs (median of)", lambda r: r["runs"], "{}"),
        Row("validate all venues, s", lambda r: walls(r, "validate_all")),
        Row("validate all again, results kept, s", lambda r: walls(r, "validate_again")),
        Row("validate one file, s", lambda r: walls(r, "validate_one")),
        Row("full build, s", lambda r: walls(r, "build")),
        Row("  of which CPU user / system, s", lambda r: cpu(r, "build"), "{}"),
        Row("full build peak memory, MiB", lambda r: peaks(r, "build"), "{:.0f}"),
        Row("  largest process / tree PSS, MiB", lambda r: memory(r, "build"), "{}"),
        Row("build growth vs N=3,500, x", growth),
        Row("floor (jsonschema-rs), s", lambda r: walls(r, "floor_jsonschema-rs")),
        Row("floor (jsonschema), s", lambda r: walls(r, "floor_jsonschema")),
        Row("build / floor, x", lambda r: ratio(walls(r, "build"), walls(r, floor_key(r)))),
        Row("plain Pelican (notmyidea), s", lambda r: walls(r, "baseline")),
        Row("plain Pelican peak memory, MiB", lambda r: peaks(r, "baseline"), "{:.0f}"),
        Row("speed-up vs plain Pelican, x",
            lambda r: ratio(walls(r, "baseline"), walls(r, "build"))),
        Row("rebuild after 1 venue changed, s", lambda r: walls(r, "rebuild")),
        Row("rebuild / full build, x", lambda r: ratio(walls(r, "rebuild"), walls(r, "build"))),
        Row("pagefind index (1 run), s", lambda r: walls(r, "pagefind")),
        Row("pagefind peak memory, MiB", lambda r: peaks(r, "pagefind"), "{:.0f}"),
        Row("output size, MiB", lambda r: r["output_bytes"] / 2**20, "{:.1f}"),
        Row("output files", lambda r: r["output_files"], "{:,}"),
        Row("map data carte.json raw, kB", lambda r: r["map_data_bytes"] / 1000, "{:,.0f}"),
        Row("map data carte.json gzip -6, kB", lambda r: r["map_data_gzip_bytes"] / 1000,
            "{:,.0f}"),
        Row("home map drawn (navigation->markers), s", map_seconds),
        Row("  HTML parsed / data fetched / data-loaded, s", map_phases, "{}"),
        Row("  data decoded / markers made / clustered, s", map_script_phases, "{}"),
        Row("home page index.html, kB", lambda r: r["home_bytes"] / 1000, "{:,.0f}"),
        Row("home page index.html gzip -6, kB", lambda r: r["home_gzip_bytes"] / 1000, "{:,.1f}"),
    ]


@dataclass
class Target:
    row: str
    n: int
    text: str
    met: Callable[[float], bool]


TARGETS = [
    Target("build / floor, x", 3500, "<= 1.5", lambda v: v <= 1.5),
    Target("speed-up vs plain Pelican, x", 3500, ">= 2.5", lambda v: v >= 2.5),
    Target("validate all venues, s", 3500, "< 1 s", lambda v: v < 1.0),
    Target("validate all again, results kept, s", 3500, "< 1 s", lambda v: v < 1.0),
    Target("validate one file, s", 3500, "< 1 s", lambda v: v < 1.0),
    Target("build growth vs N=3,500, x", 20000, "<= 6.5", lambda v: v <= 6.5),
    Target("full build peak memory, MiB", 20000, "< 512 MiB", lambda v: v < 512),
    Target("map data carte.json gzip -6, kB", 3500, "<= 150 kB", lambda v: v <= 150),
    Target("home map drawn (navigation->markers), s", 3500, "< 1 s", lambda v: v < 1.0),
    Target("home map drawn (navigation->markers), s", 20000, "< 2 s", lambda v: v < 2.0),
    Target("rebuild / full build, x", 3500, "< 0.25", lambda v: v < 0.25),
    Target("home page index.html gzip -6, kB", 20000, "< 150 kB", lambda v: v < 150),
    Target("pagefind peak memory, MiB", 20000, "< 1 GiB", lambda v: v < 1024),
]


def cell(row: Row, res: dict[str, Any] | None) -> str:
    if res is None:
        return "-"
    try:
        value = row.value(res)
    except (KeyError, TypeError):
        value = None
    if value is None:
        return "-"
    if value == float("inf"):
        return "timeout"
    return row.fmt.format(value)


def verdicts(results: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    table = {r.label: r for r in rows(results)}
    out = []
    for t in TARGETS:
        res = results.get(t.n)
        value = None
        if res is not None:
            try:
                value = table[t.row].value(res)
            except (KeyError, TypeError):
                value = None
        status = "n/a" if value is None else ("met" if t.met(value) else "NOT MET")
        out.append({"measure": t.row, "n": t.n, "target": t.text, "value": value,
                    "status": status})
    return out


def print_table(results: dict[int, dict[str, Any]], sizes: list[int],
                checks: list[dict[str, Any]]) -> None:
    headers = ["measure"] + [column_title(n, results) for n in sizes] + ["target", "verdict"]
    lines = []
    for row in rows(results):
        mine = [c for c in checks if c["measure"] == row.label]
        target = "; ".join(f"{c['target']} @{c['n']:,}" for c in mine)
        verdict = "; ".join(c["status"] if len(mine) == 1 else f"{c['status']} @{c['n']:,}"
                            for c in mine)
        lines.append([row.label] + [cell(row, results.get(n)) for n in sizes]
                     + [target, verdict])
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *lines, strict=True)]
    sep = "  "

    def fmt(items: list[str]) -> str:
        left = (0, len(items) - 2, len(items) - 1)  # labels, targets, verdicts
        return sep.join(str(x).ljust(w) if i in left else str(x).rjust(w)
                        for i, (x, w) in enumerate(zip(items, widths, strict=True)))

    print(fmt(headers))
    print(sep.join("-" * w for w in widths))
    for line in lines:
        print(fmt(line))
    met = sum(c["status"] == "met" for c in checks)
    missed = sum(c["status"] == "NOT MET" for c in checks)
    print(f"\nTargets: {met} met, {missed} not met, {len(checks) - met - missed} not measured.")


def notes(results: dict[int, dict[str, Any]]) -> list[str]:
    out = [
        f"Commit measured: {measured_commit()}. Times are wall-clock seconds of whole processes "
        "(start-up included), median of the runs shown. Peak memory: the larger of the "
        "largest single process's max RSS (wait4) and the peak sum of PSS over the process "
        "tree (sampled every 50 ms; the build forks a page-rendering child).",
        f"Venues and outputs are written under {WORK_DIR}. "
        "Every build writes into a new folder; 'build' is `pelican content -s pelicanconf.py` "
        "(the Makefile's `site` recipe without Pagefind); Pagefind is timed on its own. "
        "The rebuild after one venue changed is incremental, as `make site` runs it: "
        "INCREMENTAL_FROM the full build's output, whose copy (hard links) is timed with it.",
        "Floor: CSafeLoader + schema validation + bare Jinja2 pages + Python-Markdown + "
        "CSV/JSON, in one process. The issue's floor used jsonschema-rs; "
        + ("it is installed here, so the target uses the jsonschema-rs floor (the "
           "pure-Python jsonschema floor is shown beside it)."
           if any(r.get("floor_jsonschema-rs") for r in results.values()) else
           "it is NOT installed here, so the floor uses the pure-Python jsonschema library "
           "(a higher, more lenient floor)."),
        "Plain Pelican: a fresh project (pelican-quickstart development settings, 10 "
        "articles a page), default 'notmyidea' theme, one .md article per venue.",
        "Home map: headless Chromium, loopback http.server (no gzip), cold cache each run; "
        "from navigation start (performance.now()) to #carte[data-loaded], cluster icons in "
        "the DOM and every default-filtered marker in the cluster layer. kB = 1,000 bytes.",
    ]
    for n, res in sorted(results.items()):
        title = column_title(n, results)
        if res.get("map"):
            errors = sum(len(r.get("errors", [])) for r in res["map"])
            if errors:
                out.append(f"{title}: {errors} JavaScript error(s) on the home page.")
            if any(r.get("timeout") for r in res["map"]):
                out.append(f"{title}: the map did not finish drawing within the time limit.")
        for name, message in res.get("failures", {}).items():
            out.append(f"{title}: {name} FAILED: {message.strip().splitlines()[-1]}")
        if res.get("validate_summary"):
            out.append(f"{title} validation: {res['validate_summary']}")
    return out


def commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, text=True,
                              capture_output=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "plugins", "theme",
                                "pelicanconf.py", "schema"], cwd=ROOT, text=True,
                               capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "") + f" [code {code_digest()}]"


def code_digest() -> str:
    """A digest of what the build runs (plugin, theme, settings, schema), to spot changes."""
    digest = hashlib.sha256()
    for base in ("plugins", "theme", "schema", "pelicanconf.py"):
        paths = [ROOT / base] if (ROOT / base).is_file() else sorted(
            p for p in (ROOT / base).rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for path in paths:
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


COMMIT_AT_START: list[str] = []


def measured_commit() -> str:
    """The commit at the start of the run, and a warning if the code changed during it."""
    now = commit()
    start = COMMIT_AT_START[0] if COMMIT_AT_START else now
    return start if now == start else f"{start} at the start, {now} at the end (the code " \
        "changed during the run: figures may mix both)"


def parse_sizes(text: str) -> list[int]:
    return [int(x.replace("_", "")) for x in text.replace(" ", ",").split(",") if x]


def main(argv: list[str] | None = None) -> int:
    global WORK_DIR, RUN_DIR
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=None,
                        help="comma-separated venue counts (default: BENCH_SIZES or "
                             "1000,3500,20000)")
    parser.add_argument("--runs", type=int, default=None,
                        help="timing runs per measure (default: 3 up to 3,500 venues, 1 above)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--skip", type=lambda s: set(s.split(",")), default=set(),
                        help="comma-separated: browser, baseline, floor, pagefind, launch "
                             "(the launch content's column)")
    parser.add_argument("--fresh", action="store_true",
                        help="regenerate the venues even when already generated")
    parser.add_argument("--workdir", type=Path, default=WORK_DIR,
                        help=f"where venues and outputs are written (default: {WORK_DIR})")
    parser.add_argument("--keep", action="store_true",
                        help="keep the outputs (sites, floors, Pelican projects) after the run")
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results.json")
    args = parser.parse_args(argv)
    sizes = args.sizes or parse_sizes(os.environ.get("BENCH_SIZES", "")) or DEFAULT_SIZES
    WORK_DIR = args.workdir.absolute()
    RUN_DIR = WORK_DIR / f"run-{os.getpid()}"
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    as_of = dt.date.today()
    COMMIT_AT_START.append(commit())
    started = time.perf_counter()
    results: dict[int, dict[str, Any]] = {}
    def save(complete: bool) -> None:  # after each size, so that a crash loses little
        payload = {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "commit": measured_commit(), "complete": complete, "seed": args.seed, "sizes": sizes,
            "elapsed_s": time.perf_counter() - started,
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                        "platform": platform.platform()},
            "table": {row.label: {str(n): (row.value(res) if cell(row, res) != "-" else None)
                                  for n, res in results.items()}
                      for row in rows(results)},
            "targets": verdicts(results), "notes": notes(results), "samples": results,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        partial = args.output.with_name(f".{args.output.name}-{os.getpid()}")
        partial.write_text(json.dumps(payload, indent=1, default=str) + "\n", "utf-8")
        partial.replace(args.output)

    for n in sizes:
        runs = args.runs or (3 if n <= 3500 else 1)
        results[n] = bench_size(n, runs, args, as_of)
        save(complete=False)
    if "launch" not in args.skip:
        results[LAUNCH] = bench_launch(args.runs or 3, args, as_of)
        sizes = [*sizes, LAUNCH]
        save(complete=False)
    save(complete=True)
    checks = verdicts(results)

    print()
    print_table(results, sizes, checks)
    print()
    for note in notes(results):
        print("- " + note)
    elapsed = time.perf_counter() - started
    print(f"\nBenchmark took {elapsed / 60:.1f} min; figures in {args.output}")

    if not args.keep:  # now that nothing is timed any more
        remove(RUN_DIR)
        for old in (WORK_DIR / "venues").iterdir():  # other days, other generators
            if not old.name.startswith(".") and not old.name.endswith(venue_key(as_of)):
                remove(old)
    else:
        print(f"Outputs kept in {RUN_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
