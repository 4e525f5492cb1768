"""Geocode a venue's address with the national address service (Base Adresse Nationale).

Why: a network's file often gives a venue's address without coordinates, and a contributor
filling the issue form types an address, not a latitude. The national address service's
geocoder turns an address into a point with a score between 0 and 1; we keep that score in
the venue file (`position`) so that readers know how far to trust the pin, and we
fall back to the commune's centre, flagged as approximate, when the answer is too weak or
the service cannot be reached. `tierslieux import` and `tierslieux from-issue` share this
client.

The service: IGN's Géoplateforme geocoder, DEFAULT_URL (https://data.geopf.fr/geocodage/search),
which took over https://api-adresse.data.gouv.fr/search/ (LEGACY_URL) with the same
parameters and a GeoJSON FeatureCollection answer; both formats are read. Documentation:
https://geoservices.ign.fr/documentation/services/services-geoplateforme/geocodage and
https://adresse.data.gouv.fr/api-doc/adresse.

Configuration: the environment variable TIERSLIEUX_GEOCODER_URL, when set, replaces
DEFAULT_URL (the full URL of the search endpoint, http or https). The tests and CI point it
at the loopback fake in tests/fakes/ban.py; a self-hosted instance (addok) works too.

Behaviour, and why:
- The query is what the service accepts: 3 to 200 characters starting with a letter or a
  digit (it answers HTTP 400 otherwise); a shorter address is not sent at all.
- When we know the commune's INSEE code we filter on it (`citycode`) rather than on the
  postcode, which networks often get wrong in communes that have several; and an answer in
  another commune is never taken (an instance that ignores the filter would otherwise put a
  venue of Saint-Denis, La Réunion on the rue de Paris of Saint-Denis, Seine-Saint-Denis).
  Paris, Lyon and Marseille are the exception: the service files their addresses under the
  arrondissement's code, so we filter on the postcode and accept any of their arrondissements.
- An answer scored below `min_score` is no answer (None): a wrong pin looks precise, the
  commune's centre at least says it is not.
- The service allows 50 requests per second and per IP address; we stay under `rate` (40 by
  default). HTTP 429 and 503 are retried `max_retries` times after the Retry-After delay,
  capped at `max_retry_wait` seconds.
- When the service cannot be reached (network error, timeout, HTTP 5xx, repeated 429, a body
  that is not its JSON), `GeocoderUnavailable` is raised with a French message, and every
  later call raises it at once without calling: an import of 1,500 rows waits for one
  timeout, not 1,500, and reports it once (`already_reported` is true after the first).
- Answers, including "nothing found", are kept in memory per (address, postcode, citycode):
  a network's file lists the same address for several venues of one building.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, NotRequired, TypedDict
from urllib.parse import urlencode, urlsplit

DEFAULT_URL = "https://data.geopf.fr/geocodage/search"
LEGACY_URL = "https://api-adresse.data.gouv.fr/search/"
URL_ENV = "TIERSLIEUX_GEOCODER_URL"
USER_AGENT = "tierslieux/0.1 (annuaire ouvert des tiers-lieux; import de fiches)"

MIN_QUERY, MAX_QUERY = 3, 200  # what the service accepts for q
RESULT_LIMIT = 5  # enough to find our commune's answer when a filter is ignored
MAX_BODY = 2_000_000  # bytes; five features weigh about 3 KB
RETRIED_STATUSES = (429, 503)

# Communes whose addresses the service files under their arrondissements' codes.
ARRONDISSEMENT_PREFIXES = {"75056": "751", "69123": "6938", "13055": "132"}

# How a position was found (the venue file's `position.methode`): an answer of type
# "municipality" is the commune's own point, as approximate as the commune's centre.
FROM_ADDRESS, APPROXIMATE = "adresse", "commune"


@dataclass(frozen=True)
class GeocodeResult:
    """The service's best answer: WGS 84 point, score (0-1), label, type, INSEE code."""

    lat: float
    lon: float
    score: float
    label: str
    kind: str  # housenumber, street, locality or municipality
    citycode: str | None


class GeocoderUnavailable(Exception):
    """The service could not answer; the caller places the venue at its commune's centre."""

    def __init__(self, reason: str, *, already_reported: bool = False) -> None:
        self.reason = reason
        self.already_reported = already_reported
        super().__init__(f"service national d'adresses injoignable ({reason}) : "
                         "position du centre de la commune")


class Geocoder:
    """Client of the national address service's search endpoint, for one run.

    `clock` and `sleep` are injectable so tests check the throttle and Retry-After without
    waiting; `rate=0` turns the throttle off (the loopback fake has no limit).
    """

    def __init__(self, base_url: str | None = None, *, timeout: float = 10,
                 min_score: float = 0.5, user_agent: str = USER_AGENT, rate: float = 40,
                 max_retries: int = 2, max_retry_wait: float = 5,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        url = base_url or os.environ.get(URL_ENV) or DEFAULT_URL
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"adresse du service d'adresses invalide : « {url} » "
                             f"(une adresse http:// ou https:// est attendue, voir {URL_ENV})")
        self.url = url
        self.host = parts.netloc
        self.timeout = timeout
        self.min_score = min_score
        self.user_agent = user_agent
        self.rate = rate
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._clock = clock
        self._sleep = sleep
        self._last_request: float | None = None
        self._cache: dict[tuple[str, ...], GeocodeResult | None] = {}
        self.unavailable: GeocoderUnavailable | None = None
        self.requests_sent = 0

    def geocode(self, address: str, *, postcode: str | None = None,
                citycode: str | None = None) -> GeocodeResult | None:
        """The point of an address, or None when the service has no answer good enough.

        Raises GeocoderUnavailable when the service cannot be reached (now or earlier in
        this run).
        """
        q = clean_query(address)
        if q is None:
            return None
        key = ("address", q.casefold(), postcode or "", citycode or "")
        if key in self._cache:
            return self._cache[key]
        params = {"q": q, "index": "address", "limit": str(RESULT_LIMIT), "autocomplete": "0"}
        prefix = ARRONDISSEMENT_PREFIXES.get(citycode or "")
        if citycode and not prefix:
            params["citycode"] = citycode
        elif postcode:
            params["postcode"] = postcode

        def in_commune(props: dict[str, Any]) -> bool:
            if not citycode:
                return True
            codes = {props.get("citycode"), props.get("oldcitycode")}
            if prefix:
                return any(isinstance(c, str) and c.startswith(prefix) for c in codes)
            return citycode in codes

        result = self._best(self._search(params), in_commune)
        self._cache[key] = result
        return result

    def locate_commune(self, name: str, *, citycode: str) -> GeocodeResult | None:
        """The commune's own point in the national address base (its centre or town hall).

        Why: when an address scores too low but the service is up, this gives the commune's
        centre without any local table. The service needs the name in q: a citycode and
        type=municipality alone find nothing.
        """
        q = clean_query(name)
        if q is None:
            return None
        key = ("municipality", q.casefold(), "", citycode)
        if key in self._cache:
            return self._cache[key]
        params = {"q": q, "index": "address", "type": "municipality", "citycode": citycode,
                  "limit": "1", "autocomplete": "0"}
        result = self._best(
            self._search(params),
            lambda props: props.get("citycode") == citycode and props.get("type") == "municipality",
        )
        self._cache[key] = result
        return result

    # Choosing an answer -------------------------------------------------------------------

    def _best(self, features: list[Any],
              accept: Callable[[dict[str, Any]], bool]) -> GeocodeResult | None:
        best: GeocodeResult | None = None
        for feature in features:
            parsed = _parse_feature(feature)
            if parsed is None or not accept(parsed[1]):
                continue
            if best is None or parsed[0].score > best.score:
                best = parsed[0]
        if best is None or best.score < self.min_score:
            return None
        return best

    # Talking to the service ---------------------------------------------------------------

    def _search(self, params: dict[str, str]) -> list[Any]:
        """The answer's features; [] when the service refuses the query (HTTP 400)."""
        if self.unavailable is not None:
            raise GeocoderUnavailable(self.unavailable.reason, already_reported=True)
        separator = "&" if urlsplit(self.url).query else "?"
        request = urllib.request.Request(
            self.url + separator + urlencode(params),
            headers={"User-Agent": self.user_agent, "Accept": "application/json"})
        for attempt in range(self.max_retries + 1):
            self._throttle()
            self.requests_sent += 1
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    body = response.read(MAX_BODY + 1)
            except urllib.error.HTTPError as error:
                retry_after = error.headers.get("Retry-After") if error.headers else None
                error.close()
                if error.code in RETRIED_STATUSES and attempt < self.max_retries:
                    self._sleep(self._retry_wait(retry_after))
                    continue
                if error.code == 400:
                    return []
                raise self._give_up(f"{self.host} : {_status_reason(error.code)}") from None
            except (OSError, http.client.HTTPException) as error:  # URLError, timeouts too
                raise self._give_up(self._network_reason(error)) from None
            return self._features(body)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _features(self, body: bytes) -> list[Any]:
        if len(body) > MAX_BODY:
            raise self._give_up(f"{self.host} : réponse trop volumineuse")
        try:
            data = json.loads(body)
        except ValueError:
            raise self._give_up(f"{self.host} : réponse illisible") from None
        if (not isinstance(data, dict) or data.get("type") != "FeatureCollection"
                or not isinstance(data.get("features"), list)):
            raise self._give_up(f"{self.host} : réponse illisible")
        return data["features"]

    def _throttle(self) -> None:
        if self.rate <= 0:
            return
        if self._last_request is not None:
            wait = self._last_request + 1 / self.rate - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last_request = self._clock()

    def _retry_wait(self, header: str | None) -> float:
        """Seconds to wait before retrying, from Retry-After (seconds or a date), capped."""
        wait = 1.0
        if header:
            try:
                wait = float(header.strip())
            except ValueError:
                try:
                    wait = (parsedate_to_datetime(header) - datetime.now(UTC)).total_seconds()
                except (TypeError, ValueError):
                    wait = 1.0
        if not math.isfinite(wait):
            wait = self.max_retry_wait
        return min(max(wait, 0.0), self.max_retry_wait)

    def _network_reason(self, error: BaseException) -> str:
        cause = error.reason if isinstance(error, urllib.error.URLError) else error
        if isinstance(cause, TimeoutError):
            return f"{self.host} : pas de réponse en {_seconds(self.timeout)} s"
        if isinstance(cause, ConnectionRefusedError):
            return f"{self.host} : connexion refusée"
        if isinstance(cause, socket.gaierror):
            return f"{self.host} : nom de serveur introuvable"
        if isinstance(error, http.client.HTTPException):
            return f"{self.host} : réponse interrompue"
        return f"{self.host} : erreur réseau"

    def _give_up(self, reason: str) -> GeocoderUnavailable:
        self.unavailable = GeocoderUnavailable(reason)
        return self.unavailable


def clean_query(address: str) -> str | None:
    """The address as the service accepts it, or None when too short to send.

    Why: the service answers HTTP 400 to a q shorter than 3 or longer than 200 characters, or
    not starting with a letter or a digit; a leading dash or quote from a spreadsheet should
    not cost a venue its position.
    """
    text = " ".join(address.split())
    start = next((i for i, c in enumerate(text) if c.isalnum()), len(text))
    text = text[start:]
    if len(text) > MAX_QUERY:
        cut = text[:MAX_QUERY]
        text = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return text if len(text) >= MIN_QUERY else None


def _parse_feature(feature: Any) -> tuple[GeocodeResult, dict[str, Any]] | None:
    """A feature as a result with its raw properties; None when it lacks what we need."""
    try:
        lon, lat = feature["geometry"]["coordinates"][:2]
        props = feature["properties"]
        score = props["score"]
    except (KeyError, TypeError, ValueError, IndexError):
        return None
    if not isinstance(props, dict) or not all(_is_number(v) for v in (lon, lat, score)):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    citycode = props.get("citycode")
    return GeocodeResult(
        lat=float(lat), lon=float(lon), score=float(score),
        label=str(props.get("label") or ""), kind=str(props.get("type") or ""),
        citycode=citycode if isinstance(citycode, str) else None,
    ), props


def _is_number(value: Any) -> bool:
    return (isinstance(value, int | float) and not isinstance(value, bool)
            and math.isfinite(value))


def _status_reason(status: int) -> str:
    if status == 429:
        return "trop de requêtes, HTTP 429"
    return f"erreur HTTP {status}"


def _seconds(value: float) -> str:
    """A duration the French way: 0,5 rather than 0.5."""
    return f"{value:g}".replace(".", ",")


# What goes in the venue file ----------------------------------------------------------------


class PositionMethod(TypedDict):
    """The venue file's `position`: how the point was found, and the service's score."""

    methode: str  # "adresse" (geocoded) or "commune" (the commune's centre, approximate)
    score: NotRequired[float]


class Position(TypedDict):
    """The venue-file fields a geocoded or approximate position writes."""

    latitude: float
    longitude: float
    position: PositionMethod


def position_from_geocode(result: GeocodeResult) -> Position:
    """The fields to write for the service's answer, its score rounded to two decimals.

    Why: the method and score travel with the coordinates, so the venue page and the
    exports can say "position approximative" without asking the service again.
    """
    methode = APPROXIMATE if result.kind == "municipality" else FROM_ADDRESS
    return {"latitude": round(result.lat, 6), "longitude": round(result.lon, 6),
            "position": {"methode": methode, "score": round(result.score, 2)}}


def commune_centre_position(latitude: float, longitude: float) -> Position:
    """The fields to write when the venue is placed at its commune's centre (approximate)."""
    return {"latitude": round(latitude, 6), "longitude": round(longitude, 6),
            "position": {"methode": APPROXIMATE}}


def is_approximate(position: Position) -> bool:
    """True when the point is only the commune's (to flag in the report and on the page)."""
    return position["position"]["methode"] == APPROXIMATE
