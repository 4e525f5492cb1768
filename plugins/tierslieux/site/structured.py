"""schema.org JSON-LD for venue pages, safe to embed in a <script> element."""

from __future__ import annotations

import json
from typing import Any

from ..model.richtext import safe_url
from ..model.schema import labels
from ..model.venue import Venue


def script_json(data: Any) -> str:
    """JSON that cannot close its <script> element nor open a comment, whatever it holds."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def venue_jsonld(venue: Venue, url: str) -> dict[str, Any]:
    d = venue.data
    types = labels("type_lieu")
    item: dict[str, Any] = {
        "@context": "https://schema.org",
        # LocalBusiness: a Place open to the public, with hours, contact and an operator.
        "@type": "LocalBusiness",
        "@id": url,
        "url": url,
        "name": d["nom"],
        "additionalType": [types[t] for t in d["types"]],
        "geo": {"@type": "GeoCoordinates", "latitude": venue.base.latitude,
                "longitude": venue.base.longitude},
    }
    if not venue.itinerant:
        item["address"] = {"@type": "PostalAddress", "streetAddress": d["adresse"],
                           "postalCode": d["code_postal"], "addressLocality": d["commune"],
                           "addressRegion": venue.base.region["nom"], "addressCountry": "FR"}
    if d.get("description"):
        item["description"] = d["description"]
    if safe_url(d.get("site_web")):
        item["sameAs"] = [d["site_web"], *[u for u in d.get("reseaux_sociaux", [])
                                           if safe_url(u)]]
    if d.get("telephone"):
        item["telephone"] = d["telephone"]
    if d.get("courriel"):
        item["email"] = d["courriel"]
    if d.get("horaires"):
        item["openingHours"] = d["horaires"]
    if d.get("postes_travail") is not None:
        item["maximumAttendeeCapacity"] = d["postes_travail"]
    if (d.get("tarifs") or {}).get("gratuit"):
        item["isAccessibleForFree"] = True
    if d.get("porteur"):
        item["parentOrganization"] = {
            "@type": "Organization", "name": d["porteur"]["nom"]}
    return item
