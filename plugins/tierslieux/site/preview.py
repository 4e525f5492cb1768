"""`make serve`: serve the built site and rebuild it when a file is saved.

    python -m tierslieux.site.preview [--output output] [--port 8000]

Polls the modification times of content/, theme/, plugins/ and pelicanconf.py twice a
second (no dependency); on a change, runs the incremental build (`make site`'s Pelican
step, from the previous output) into a new folder and swaps it in, so the browser shows
the change on its next load; Pagefind's index (the search box) follows a few seconds
later. A build that fails (a venue with an error) keeps the previous site and prints the
problems.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..model.paths import ROOT

WATCHED = [ROOT / "content", ROOT / "theme", ROOT / "plugins", ROOT / "pelicanconf.py"]
POLL_SECONDS = 0.5
BIN = Path(sys.executable).parent


def signature(watched: list[Path]) -> tuple[tuple[str, int, int], ...]:
    """Every watched file with its modification time and size: any save changes it."""
    found: list[tuple[str, int, int]] = []
    for top in watched:
        if top.is_file():
            info = top.stat()
            found.append((str(top), info.st_mtime_ns, info.st_size))
            continue
        for folder, dirs, files in os.walk(top):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
            for file in files:
                path = os.path.join(folder, file)
                try:
                    info = os.stat(path)
                except OSError:
                    continue  # deleted while we looked: seen at the next poll
                found.append((path, info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


def rebuild(output: Path, venues: Path | None = None) -> bool:
    """The incremental build into a new folder, swapped in when it succeeds."""
    fresh = output.with_name(output.name + ".tmp")
    shutil.rmtree(fresh, ignore_errors=True)
    settings = [f'INCREMENTAL_FROM="{output.absolute()}"'] if output.is_dir() else []
    if venues is not None:
        settings.append(f'VENUES_PATH="{venues.absolute()}"')
    result = subprocess.run([str(BIN / "pelican"), "content", "-s", "pelicanconf.py", "-o",
                             str(fresh), *(["-e", *settings] if settings else [])], cwd=ROOT)
    if result.returncode != 0:
        shutil.rmtree(fresh, ignore_errors=True)
        return False
    search = output / "pagefind"
    if search.is_dir():  # the previous index, until Pagefind has made the new one
        subprocess.run(["cp", "-al", str(search), str(fresh)], check=False)
    old = output.with_name(output.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if output.exists():
        output.rename(old)
    fresh.rename(output)
    shutil.rmtree(old, ignore_errors=True)
    return True


def index(output: Path) -> None:
    """Pagefind's index of the venue pages, as `make site` makes it."""
    shutil.rmtree(output / "pagefind", ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(output), "--glob",
                    "lieux/**/*.html", "--silent"], cwd=ROOT, check=False)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(output: Path, port: int) -> ThreadingHTTPServer:
    """The site on a loopback port; each request reads the folder as it is now."""
    handler = partial(_QuietHandler, directory=str(output.absolute()))
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Aperçu du site, reconstruit à chaque "
                                                 "enregistrement.")
    parser.add_argument("--output", type=Path, default=ROOT / "output")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--venues", type=Path, default=None,
                        help="un autre dossier de fiches que content/venues/")
    args = parser.parse_args(argv)
    watched = WATCHED + ([args.venues] if args.venues else [])
    seen = signature(watched)  # before serving: a save after the first page is a change
    server = serve(args.output, args.port)
    print(f"Aperçu sur http://127.0.0.1:{args.port}/ : le site est reconstruit à chaque "
          "enregistrement d'une fiche, d'un gabarit ou du code (Ctrl+C pour arrêter).",
          flush=True)
    try:
        while True:
            time.sleep(POLL_SECONDS)
            now = signature(watched)
            if now == seen:
                continue
            seen = now
            start = time.perf_counter()
            if rebuild(args.output, args.venues):
                print(f"Site reconstruit en {time.perf_counter() - start:.1f} s ; "
                      "rechargez la page.", flush=True)
                index(args.output)
            else:
                print("Le site n'est pas reconstruit : corrigez les problèmes ci-dessus. "
                      "L'aperçu montre la version précédente.", flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
