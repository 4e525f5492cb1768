"""A loopback fake of the national address service's /search endpoint (BAN geocoder).

Why: the geocoding client (tierslieux.importing.geocode) must be tested as it runs for real,
over HTTP with urllib, against answers in the service's real format, without the internet.
This server answers from recorded bodies in tests/fixtures/ban/ (index.json says which
request each one answers), an empty FeatureCollection for anything else, and the service's
own HTTP 400 for a q it refuses. It can be told to fail the way the real one does (HTTP 500,
HTTP 429 with Retry-After, no answer in time, a body that is not JSON) and records every
request, so tests can assert what was sent, the cache and the stop after a failure.

Use it as a context manager, or through the `fake_ban` fixture imported explicitly (list
it in the test module's __all__ so that ruff sees the import used):

    with FakeBan() as ban:
        Geocoder(ban.url, rate=0).geocode("2 place Pasteur", citycode="35238")
        assert len(ban.requests) == 1

`ban.url` is the search endpoint's URL, what TIERSLIEUX_GEOCODER_URL takes for a run of the
real command against the fake.
"""

from __future__ import annotations

import json
import socket
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "ban"
FILTERS = ("postcode", "citycode", "type")
# What the service says to a q it refuses (Géoplateforme, HTTP 400).
REFUSED_QUERY = {
    "code": 400,
    "message": "Failed parsing query",
    "detail": ["q: must contain between 3 and 200 chars and start with a number or a letter"],
}
# The Géoplateforme answers its rate limit with an HTML page, not JSON.
TOO_MANY_REQUESTS = b"<html><body><h1>429 Too Many Requests</h1></body></html>"


def normalize_query(text: str) -> str:
    """The key a recorded q is found by: case, accents and spacing do not matter."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.split())


def request_key(params: dict[str, str]) -> tuple[str, ...]:
    return (normalize_query(params.get("q", "")), *(params.get(f, "") for f in FILTERS))


def load_recordings(directory: Path = FIXTURES) -> dict[tuple[str, ...], dict]:
    """Map each recorded request to the body the service gave."""
    index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
    answers = {}
    for entry in index["recordings"]:
        params = {k: entry[k] for k in ("q", *FILTERS) if k in entry}
        body = json.loads((directory / entry["response"]).read_text(encoding="utf-8"))
        answers[request_key(params)] = body
    return answers


def unreachable_url() -> str:
    """A loopback URL where nothing listens: connecting to it is refused at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/search"


@dataclass
class Failure:
    """How the next requests fail; `times` None means every request from now on."""

    kind: str  # "status", "hang" or "malformed"
    status: int = 500
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0
    times: int | None = 1


class FakeBan:
    """The fake service, on 127.0.0.1 and a free port, in a background thread."""

    def __init__(self, fixtures: Path = FIXTURES) -> None:
        self.answers = load_recordings(fixtures)
        self.empty = json.loads((fixtures / "empty.json").read_text(encoding="utf-8"))
        self.requests: list[dict[str, str]] = []  # query parameters, in arrival order
        self._failures: list[Failure] = []
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # What the tests ask for --------------------------------------------------------------

    def fail(self, status: int = 500, *, times: int | None = 1,
             retry_after: str | None = None) -> None:
        """Answer the next `times` requests with this HTTP status (429: the HTML page)."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        body = TOO_MANY_REQUESTS if status == 429 else b'{"code":%d,"message":"Erreur"}' % status
        self._push(Failure("status", status=status, headers=headers, body=body, times=times))

    def hang(self, seconds: float, *, times: int | None = 1) -> None:
        """Wait `seconds` before answering the next requests (a client timeout fires first)."""
        self._push(Failure("hang", seconds=seconds, times=times))

    def malformed(self, *, times: int | None = 1) -> None:
        """Answer HTTP 200 with a body that is not JSON (a proxy's error page, a cut body)."""
        self._push(Failure("malformed", body=b'{"type":"FeatureCollection","features":[{"ty',
                           times=times))

    def heal(self) -> None:
        """Answer normally again."""
        with self._lock:
            self._failures.clear()

    # The server ---------------------------------------------------------------------------

    def __enter__(self) -> FakeBan:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}/search"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._closing.set()  # release any request held by hang()
        assert self._server is not None and self._thread is not None
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _push(self, failure: Failure) -> None:
        with self._lock:
            self._failures.append(failure)

    def _next_failure(self) -> Failure | None:
        with self._lock:
            if not self._failures:
                return None
            failure = self._failures[0]
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.pop(0)
            return failure

    def _answer(self, params: dict[str, str]) -> tuple[int, dict]:
        q = params.get("q", "").strip()
        if not 3 <= len(q) <= 200 or not q[0].isalnum():
            return 400, REFUSED_QUERY
        body = self.answers.get(request_key(params))
        body = json.loads(json.dumps(body if body is not None else self.empty))
        body["query"] = params["q"]  # the service echoes the q it was sent
        return 200, body


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBan
    server_version = "FakeBAN/1.0"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path.rstrip("/") != "/search":
            self._send(404, b'{"code":404,"message":"Not Found"}')
            return
        params = dict(parse_qsl(url.query, keep_blank_values=True))
        with self.fake._lock:
            self.fake.requests.append(params)
        failure = self.fake._next_failure()
        if failure is not None and failure.kind == "hang":
            self.fake._closing.wait(failure.seconds)
            failure = None
        if failure is not None:
            self._send(failure.status if failure.kind == "status" else 200, failure.body,
                       failure.headers,
                       "text/html" if failure.status == 429 else "application/json")
            return
        status, body = self.fake._answer(params)
        self._send(status, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    def _send(self, status: int, body: bytes, headers: dict[str, str] | None = None,
              content_type: str = "application/json; charset=utf-8") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): nothing to answer to

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output quiet


@pytest.fixture
def fake_ban() -> Iterator[FakeBan]:
    """A running fake, stopped after the test."""
    with FakeBan() as fake:
        yield fake
