"""`tierslieux a-verifier`: the venues whose facts were last checked over 12 months ago.

A scheduled workflow posts this list in one issue it keeps up to date, so that checking
old venues becomes a visible, shared chore rather than something nobody sees.
"""

from __future__ import annotations

import argparse
import datetime as dt
from itertools import groupby

from ..check.validate import validate
from ..model.dates import french_date, is_stale
from ..model.venue import Venue


def stale_venues(venues: list[Venue], as_of: dt.date) -> list[Venue]:
    found = [v for v in venues if is_stale(v.data["date_verification"], as_of)]
    return sorted(found, key=lambda v: (v.folder, v.data["date_verification"], v.id))


def report(venues: list[Venue], as_of: dt.date, site_url: str) -> str:
    stale = stale_venues(venues, as_of)
    lines = ["Fiches dont les informations ont été vérifiées il y a plus de 12 mois "
             f"(au {french_date(as_of.isoformat())}) : **{len(stale)}** sur {len(venues)}.",
             ""]
    if not stale:
        return "\n".join([*lines, "Aucune : merci à toutes et à tous !", ""])
    lines.append("Pour en vérifier une : contactez le lieu ou consultez son site, corrigez la "
                 "fiche et mettez `date_verification` à jour.")
    for folder, group in groupby(stale, key=lambda v: v.folder):
        items = list(group)
        lines += ["", f"### {items[0].base.departement['nom']} ({folder})", ""]
        lines += [f"- [ ] [{v.nom}]({site_url}/lieux/{v.id}/) — `{v.repository_path}`, "
                  f"vérifiée le {french_date(v.data['date_verification'])}" for v in items]
    return "\n".join([*lines, ""])


def _run(args: argparse.Namespace) -> int:
    print(report(validate().venues, dt.date.today(), args.site_url.rstrip("/")))
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("a-verifier", help="lister les fiches à vérifier (plus de 12 mois)")
    cmd.add_argument("--site-url", default="", help="adresse du site, pour les liens")
    cmd.set_defaults(func=_run)
