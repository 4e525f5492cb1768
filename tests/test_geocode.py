"""The address geocoder, run for real over HTTP against a loopback fake of the national
address service that answers in the service's own format (tests/fixtures/ban/)."""

from __future__ import annotations

import pytest

from fakes.ban import FakeBan, fake_ban, unreachable_url
from tierslieux.importing.geocode import (
    DEFAULT_URL,
    URL_ENV,
    Geocoder,
    GeocoderUnavailable,
    clean_query,
    commune_centre_position,
    is_approximate,
    position_from_geocode,
)

__all__ = ["fake_ban"]  # the fixture is used by name below


class FakeClock:
    """A clock that only moves when the geocoder sleeps, so no test waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def geocoder(fake: FakeBan, **options: object) -> Geocoder:
    clock = FakeClock()
    settings = {"rate": 0, "clock": clock, "sleep": clock.sleep, **options}
    return Geocoder(fake.url, **settings)  # type: ignore[arg-type]


def test_found_address_keeps_the_score_and_the_point(fake_ban: FakeBan) -> None:
    result = geocoder(fake_ban).geocode("2 place Pasteur", postcode="35000", citycode="35238")

    assert result is not None
    assert (result.lat, result.lon) == (48.110331, -1.673252)
    assert result.score == pytest.approx(0.9725, abs=1e-4)
    assert result.label == "2 Place Pasteur 35000 Rennes"
    assert result.kind == "housenumber"
    assert result.citycode == "35238"
    # The commune's code is the filter, not the postcode (Rennes has three).
    sent = fake_ban.requests[0]
    assert sent["citycode"] == "35238" and "postcode" not in sent
    assert sent["q"] == "2 place Pasteur" and sent["autocomplete"] == "0"
    assert position_from_geocode(result) == {
        "latitude": 48.110331, "longitude": -1.673252,
        "position": {"methode": "adresse", "score": 0.97},
    }


def test_low_score_is_no_answer(fake_ban: FakeBan) -> None:
    gc = geocoder(fake_ban)
    assert gc.geocode("Local associatif derrière la gare", citycode="35238") is None
    assert len(fake_ban.requests) == 1
    # The same answer passes once the threshold is below its score (0.34).
    lenient = geocoder(fake_ban, min_score=0.3)
    found = lenient.geocode("Local associatif derrière la gare", citycode="35238")
    assert found is not None and found.label == "Place de la Gare 35000 Rennes"


def test_answer_in_another_commune_is_refused(fake_ban: FakeBan) -> None:
    # This recording comes from an instance that ignored the filter and answered the
    # rue de Paris of Saint-Denis (93) for a venue of Saint-Denis, La Réunion (97411).
    gc = geocoder(fake_ban)
    assert gc.geocode("1 rue de Paris Saint-Denis", postcode="97400", citycode="97411") is None
    assert fake_ban.requests[0]["citycode"] == "97411"
    # The answer itself was good: only its commune is wrong.
    lenient = geocoder(fake_ban, min_score=0)
    assert lenient.geocode("1 rue de Paris Saint-Denis", citycode="97411") is None


def test_empty_answer_is_no_answer(fake_ban: FakeBan) -> None:
    assert geocoder(fake_ban).geocode("12 impasse Inconnue", citycode="35238") is None
    assert len(fake_ban.requests) == 1


def test_overseas_address(fake_ban: FakeBan) -> None:
    result = geocoder(fake_ban).geocode("2 rue de Paris", postcode="97400", citycode="97411")

    assert result is not None
    assert (result.lat, result.lon) == (-20.878936, 55.448373)
    assert result.label == "2 Rue de Paris 97400 Saint-Denis"
    assert result.citycode == "97411"


def test_legacy_format_street_answer(fake_ban: FakeBan) -> None:
    # api-adresse.data.gouv.fr's format (version, attribution, licence, filters, limit).
    result = geocoder(fake_ban).geocode("Place Léopold Héder", citycode="97302")

    assert result is not None and result.kind == "street"
    assert (result.lat, result.lon) == (4.938241, -52.332652)
    assert position_from_geocode(result)["position"] == {"methode": "adresse", "score": 0.91}


def test_paris_is_found_under_its_arrondissement(fake_ban: FakeBan) -> None:
    # Venue files give Paris as 75056; the service files the address under 75118.
    result = geocoder(fake_ban).geocode("83 boulevard Ornano", postcode="75018",
                                        citycode="75056")

    assert result is not None and result.citycode == "75118"
    assert fake_ban.requests[0].get("postcode") == "75018"
    assert "citycode" not in fake_ban.requests[0]


def test_commune_centre_from_the_service(fake_ban: FakeBan) -> None:
    result = geocoder(fake_ban).locate_commune("Mende", citycode="48095")

    assert result is not None and result.kind == "municipality"
    position = position_from_geocode(result)
    assert position["position"] == {"methode": "commune", "score": 0.97}
    assert is_approximate(position)
    assert fake_ban.requests[0]["type"] == "municipality"


def test_commune_centre_position_is_flagged_approximate() -> None:
    position = commune_centre_position(44.5184, 3.5)
    assert position == {"latitude": 44.5184, "longitude": 3.5,
                        "position": {"methode": "commune"}}
    assert is_approximate(position)


def test_unreachable_service_says_so_in_french() -> None:
    gc = Geocoder(unreachable_url(), rate=0, timeout=2)

    with pytest.raises(GeocoderUnavailable) as caught:
        gc.geocode("2 place Pasteur", citycode="35238")

    message = str(caught.value)
    assert message.startswith("service national d'adresses injoignable (")
    assert "connexion refusée" in message
    assert message.endswith(") : position du centre de la commune")
    assert caught.value.already_reported is False


def test_server_error_is_unavailable(fake_ban: FakeBan) -> None:
    fake_ban.fail(500)

    with pytest.raises(GeocoderUnavailable, match=r"erreur HTTP 500"):
        geocoder(fake_ban).geocode("2 place Pasteur", citycode="35238")
    assert len(fake_ban.requests) == 1  # a 500 is not retried


def test_rate_limit_then_success_honours_retry_after(fake_ban: FakeBan) -> None:
    clock = FakeClock()
    fake_ban.fail(429, retry_after="2")
    gc = Geocoder(fake_ban.url, rate=0, clock=clock, sleep=clock.sleep)

    result = gc.geocode("1 place Charles de Gaulle", citycode="48095")

    assert result is not None and result.label == "1 Place Charles de Gaulle 48000 Mende"
    assert clock.sleeps == [2.0]
    assert len(fake_ban.requests) == 2


def test_retry_after_is_capped_and_retries_are_bounded(fake_ban: FakeBan) -> None:
    clock = FakeClock()
    fake_ban.fail(429, retry_after="3600", times=None)
    gc = Geocoder(fake_ban.url, rate=0, clock=clock, sleep=clock.sleep,
                  max_retries=2, max_retry_wait=5)

    with pytest.raises(GeocoderUnavailable, match="HTTP 429"):
        gc.geocode("2 place Pasteur", citycode="35238")
    assert clock.sleeps == [5, 5]
    assert len(fake_ban.requests) == 3


def test_service_unavailable_503_is_retried(fake_ban: FakeBan) -> None:
    fake_ban.fail(503, times=1)
    assert geocoder(fake_ban).geocode("2 place Pasteur", citycode="35238") is not None
    assert len(fake_ban.requests) == 2


def test_timeout_is_unavailable(fake_ban: FakeBan) -> None:
    fake_ban.hang(5)
    gc = geocoder(fake_ban, timeout=0.2)

    with pytest.raises(GeocoderUnavailable, match=r"pas de réponse en 0,2 s"):
        gc.geocode("2 place Pasteur", citycode="35238")


def test_malformed_body_is_unavailable(fake_ban: FakeBan) -> None:
    fake_ban.malformed()
    with pytest.raises(GeocoderUnavailable, match="réponse illisible"):
        geocoder(fake_ban).geocode("2 place Pasteur", citycode="35238")


def test_same_query_twice_is_one_request(fake_ban: FakeBan) -> None:
    gc = geocoder(fake_ban)
    first = gc.geocode("2 place Pasteur", postcode="35000", citycode="35238")
    again = gc.geocode("2  Place PASTEUR", postcode="35000", citycode="35238")
    nothing = gc.geocode("12 impasse Inconnue", citycode="35238")
    nothing_again = gc.geocode("12 impasse Inconnue", citycode="35238")

    assert first == again and first is not None
    assert nothing is None and nothing_again is None
    assert len(fake_ban.requests) == 2


def test_no_more_calls_once_unavailable(fake_ban: FakeBan) -> None:
    gc = geocoder(fake_ban)
    fake_ban.fail(500)
    with pytest.raises(GeocoderUnavailable) as first:
        gc.geocode("2 place Pasteur", citycode="35238")
    fake_ban.heal()

    later = []
    for address in ("1 place Charles de Gaulle", "2 rue de Paris", "83 boulevard Ornano"):
        with pytest.raises(GeocoderUnavailable) as caught:
            gc.geocode(address, citycode="48095")
        later.append(caught.value)

    assert len(fake_ban.requests) == 1
    assert first.value.already_reported is False
    assert all(e.already_reported and str(e) == str(first.value) for e in later)


def test_throttle_spaces_requests_at_the_configured_rate(fake_ban: FakeBan) -> None:
    clock = FakeClock()
    gc = Geocoder(fake_ban.url, rate=4, clock=clock, sleep=clock.sleep)
    for address in ("2 place Pasteur", "1 place Charles de Gaulle", "2 rue de Paris"):
        gc.geocode(address)

    assert len(fake_ban.requests) == 3
    assert clock.sleeps == [pytest.approx(0.25), pytest.approx(0.25)]


def test_queries_the_service_refuses_are_not_sent(fake_ban: FakeBan) -> None:
    gc = geocoder(fake_ban)
    assert gc.geocode("  ", citycode="35238") is None
    assert gc.geocode("- 5", citycode="35238") is None
    assert fake_ban.requests == []
    assert clean_query('"- 2 place Pasteur') == "2 place Pasteur"
    long = clean_query("2 place Pasteur " + "très long complément " * 20)
    assert long is not None and len(long) <= 200 and not long.endswith(" ")


def test_a_refused_query_is_no_answer_not_an_outage(fake_ban: FakeBan) -> None:
    # If the service still answers HTTP 400 (its rules changed), the row is not found,
    # and the next rows are still geocoded.
    gc = geocoder(fake_ban)
    fake_ban.fail(400)
    assert gc.geocode("2 place Pasteur", citycode="35238") is None
    assert gc.geocode("2 rue de Paris", citycode="97411") is not None
    assert gc.unavailable is None


def test_url_comes_from_the_environment(fake_ban: FakeBan,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, fake_ban.url)
    assert Geocoder(rate=0).geocode("2 rue de Paris", citycode="97411") is not None
    assert len(fake_ban.requests) == 1

    monkeypatch.delenv(URL_ENV)
    assert Geocoder().url == DEFAULT_URL


def test_only_web_urls_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(URL_ENV, "file:///etc/passwd")
    with pytest.raises(ValueError, match="adresse du service d'adresses invalide"):
        Geocoder()
