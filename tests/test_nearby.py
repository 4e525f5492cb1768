"""The "À proximité" list: each venue's nearest open venues, as a full scan finds them."""

from __future__ import annotations

import random
from types import SimpleNamespace

from tierslieux.site.nearby import km, nearest


def _venue(i: int, points: list[tuple[float, float]], statut: str = "ouvert") -> SimpleNamespace:
    places = [SimpleNamespace(latitude=lat, longitude=lon) for lat, lon in points]
    return SimpleNamespace(id=f"v{i:04d}", data={"statut": statut}, places=places,
                           base=places[0])


def _by_full_scan(venues: list[SimpleNamespace], k: int) -> dict[str, list[str]]:
    out = {}
    for v in venues:
        here = (v.base.latitude, v.base.longitude)
        found = sorted(
            (min(km(here, (p.latitude, p.longitude)) for p in other.places), other.id)
            for other in venues if other is not v and other.data["statut"] != "ferme")
        out[v.id] = [other_id for _, other_id in found[:k]]
    return out


def test_nearest_matches_a_full_scan_in_dense_cities_countryside_and_overseas() -> None:
    rng = random.Random(16)
    venues = []
    for i in range(400):  # a dense city: hundreds within a few kilometres
        venues.append(_venue(i, [(48.85 + rng.uniform(-0.04, 0.04),
                                  2.35 + rng.uniform(-0.06, 0.06))]))
    for i in range(400, 700):  # the countryside of metropolitan France
        venues.append(_venue(i, [(rng.uniform(42.5, 51), rng.uniform(-4.5, 8))],
                             "ferme" if i % 10 == 0 else "ouvert"))
    for i in range(700, 706):  # overseas, alone in its ocean
        venues.append(_venue(i, [(-21.1 + rng.uniform(-0.2, 0.2), 55.5)]))
    venues.append(_venue(706, [(47.2, -1.55), (47.5, -0.55), (48.1, -1.68)]))  # itinerant
    found = nearest(venues, k=5)
    expected = _by_full_scan(venues, 5)
    assert {vid: [o.id for o, _ in lst] for vid, lst in found.items()} == expected
    # Distances are on the sphere, in km, nearest first; a closed venue is never listed.
    paris = found["v0000"]
    assert [d for _, d in paris] == sorted(d for _, d in paris) and paris[-1][1] < 10
    closed = {v.id for v in venues if v.data["statut"] == "ferme"}
    assert not closed & {o.id for lst in found.values() for o, _ in lst}
