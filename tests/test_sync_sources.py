"""`tierslieux sync-sources`: every listed source is re-imported from its address (a
loopback server here) and one Markdown summary is written for the pull request."""

from __future__ import annotations

import contextlib
import functools
import http.server
import io
import threading
from pathlib import Path

from tierslieux import cli

ROOT = Path(__file__).resolve().parents[1]
SYNC = ROOT / "tests" / "fixtures" / "import" / "sync"


def test_sources_are_fetched_imported_and_summarised(tmp_path: Path) -> None:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(SYNC))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/reseau-v1.csv"
        config = tmp_path / "sources.yml"
        config.write_text(f"sources:\n  - nom: Réseau test\n    adresse: {url}\n"
                          "    correspondance: tests/fixtures/import/sync/reseau.yml\n",
                          encoding="utf-8")
        summary = tmp_path / "resume.md"
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            code = cli.main(["sync-sources", str(config), "--into", str(tmp_path / "v"),
                             "--resume-markdown", str(summary)])
    finally:
        server.shutdown()
    assert code == 0
    text = summary.read_text(encoding="utf-8")
    assert "## Réseau test" in text and "| filtrées | 1 |" in text
    assert len(list((tmp_path / "v").rglob("*.yml"))) >= 3


def test_a_bad_config_is_explained(tmp_path: Path) -> None:
    config = tmp_path / "sources.yml"
    config.write_text("sources: [{nom: X}]\n", encoding="utf-8")
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = cli.main(["sync-sources", str(config), "--into", str(tmp_path / "v")])
    assert code == 2
    assert "une source a un nom, une adresse et une correspondance" in err.getvalue()
