"""The Atom feed of venues added and closed, and the sitemap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from xml.sax.saxutils import escape

from feedgenerator import Atom1Feed

from ..model.dates import build_date, parse_date
from ..model.schema import labels
from ..model.venue import Venue

MAX_ENTRIES = 100


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)


def atom_feed(venues: list[Venue], added: dict[str, dt.date], site_url: str,
              title: str, feed_url: str) -> str:
    types = labels("type_lieu")
    events: list[tuple[dt.date, str, Venue]] = []
    for v in venues:
        if v.id in added:
            events.append((added[v.id], "ajout", v))
        closed = parse_date(v.data.get("date_fermeture"))
        if v.data["statut"] == "ferme" and closed:
            events.append((closed, "fermeture", v))
    events.sort(key=lambda e: (e[0], e[1], e[2].id), reverse=True)
    events = events[:MAX_ENTRIES]
    feed = Atom1Feed(title=f"{title} : lieux ajoutés et fermés", link=site_url + "/",
                     description="Les tiers-lieux ajoutés à l'annuaire et ceux qui ont fermé.",
                     language="fr", feed_url=feed_url, feed_guid=feed_url)
    # feedgenerator falls back to the clock for <updated> when there is no entry.
    newest = _moment(events[0][0] if events else build_date())
    feed.latest_post_date = lambda: newest
    for day, kind, v in events:
        where = v.base.commune + f" ({v.base.departement['nom']})"
        kinds = ", ".join(types[t].lower() for t in v.data["types"])
        verb = "Nouveau lieu" if kind == "ajout" else "Fermeture"
        url = f"{site_url}/lieux/{v.id}/"
        feed.add_item(title=f"{verb} : {v.nom}, {where}", link=url,
                      description=f"{v.nom} : {kinds} à {where}.",
                      unique_id=f"{url}#{kind}", pubdate=_moment(day), updateddate=_moment(day))
    return feed.writeString("utf-8")


def sitemap(urls: Iterable[tuple[str, str | None]]) -> str:
    """(absolute or root-relative URL, lastmod date or None) pairs as a sitemap.xml."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in urls:
        entry = f"  <url><loc>{escape(loc)}</loc>"
        if lastmod:
            entry += f"<lastmod>{escape(lastmod)}</lastmod>"
        lines.append(entry + "</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
