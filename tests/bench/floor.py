"""The floor: the raw steps of a build, with nothing around them, in one process.

    python tests/bench/floor.py VENUES_DIR OUTPUT_DIR [--validator jsonschema|jsonschema-rs]

Loads every venue file with libyaml (CSafeLoader), validates it against the project's
schema (formats checked), renders one page per venue with bare Jinja2 (descriptions
through Python-Markdown) and writes the CSV and JSON exports. No reference-data checks,
no enrichment, no site chrome: what any build of these pages has to pay at least. Prints
the time of each step as one JSON line; the benchmark times the whole process, start-up
included.

The validator is the `jsonschema` library's Draft202012Validator (pure Python, the
default), or jsonschema-rs (what the issue's floor used) when asked and installed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import time
from pathlib import Path

import jinja2
import markdown
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "schema" / "venue.schema.json"

PAGE = """<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>{{ v.nom }} – Annuaire des tiers-lieux</title>
<link rel="stylesheet" href="/theme/site.css"></head>
<body>
<header><a href="/">Annuaire des tiers-lieux</a></header>
<main>
<h1>{{ v.nom }}</h1>
<p class="types">{{ v.types | join(", ") }} · {{ v.statut }}</p>
{% if v.etapes %}<ol>{% for e in v.etapes %}
<li>{{ e.nom or "" }} {{ e.code_postal }} {{ e.commune }} : {{ e.horaires }}</li>{% endfor %}
</ol>{% else %}
<p class="adresse">{{ v.adresse }}{% if v.complement_adresse %}, {{ v.complement_adresse }}
{% endif %}<br>{{ v.code_postal }} {{ v.commune }}</p>
<p>{{ v.latitude }}, {{ v.longitude }}</p>{% endif %}
{{ description | safe }}
<dl>
{% if v.site_web %}<dt>Site web</dt><dd><a href="{{ v.site_web }}">{{ v.site_web }}</a></dd>
{% endif %}{% if v.courriel %}<dt>Courriel</dt><dd>{{ v.courriel }}</dd>{% endif %}
{% if v.telephone %}<dt>Téléphone</dt><dd>{{ v.telephone }}</dd>{% endif %}
{% if v.porteur %}<dt>Porteur</dt><dd>{{ v.porteur.nom }} ({{ v.porteur.type }})</dd>
{% endif %}{% if v.horaires %}<dt>Horaires</dt><dd>{{ v.horaires }}</dd>{% endif %}
{% for key in ["services", "equipements", "labels", "reseaux"] %}{% if v[key] %}
<dt>{{ key }}</dt><dd><ul>{% for item in v[key] %}<li>{{ item }}</li>{% endfor %}</ul></dd>
{% endif %}{% endfor %}
{% if v.tarifs %}<dt>Tarifs</dt><dd><ul>{% for k, t in v.tarifs.items() %}
<li>{{ k }} : {{ t }}</li>{% endfor %}</ul></dd>{% endif %}
</dl>
<p>Vérifié le {{ v.date_verification }}</p>
</main>
</body>
</html>
"""

CSV_COLUMNS = ["id", "nom", "types", "statut", "adresse", "code_postal", "commune",
               "code_insee", "latitude", "longitude", "site_web", "courriel", "telephone",
               "services", "equipements", "horaires", "date_verification"]


def _plain(value: object) -> object:
    """libyaml turns unquoted dates into date objects; the schema wants ISO strings (at any
    depth: the launch content has dates in its provenance records)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _error_counter(schema: dict, which: str):  # -> Callable[[dict], int]
    if which == "jsonschema-rs":
        import jsonschema_rs

        fast = jsonschema_rs.validator_for(schema, validate_formats=True)
        return lambda data: sum(1 for _ in fast.iter_errors(data))
    from jsonschema import Draft202012Validator, FormatChecker

    slow = Draft202012Validator(schema, format_checker=FormatChecker())
    return lambda data: sum(1 for _ in slow.iter_errors(data))


def main(venues_dir: Path, out: Path, which: str = "jsonschema") -> dict[str, float]:
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    files = sorted(venues_dir.rglob("*.yml"))
    venues = []
    for f in files:
        data = yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)
        venues.append({k: _plain(v) for k, v in data.items()})
    t1 = time.perf_counter()
    times["load"] = t1 - t0

    with SCHEMA.open(encoding="utf-8") as fh:
        count_errors = _error_counter(json.load(fh), which)
    errors = sum(count_errors(v) for v in venues)
    if errors:
        raise SystemExit(f"{errors} schema errors")
    t2 = time.perf_counter()
    times["validate"] = t2 - t1

    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    template = env.from_string(PAGE)
    md = markdown.Markdown()
    out.mkdir(parents=True)
    for v in venues:
        description = md.reset().convert(v.get("description", ""))
        page = out / "lieux" / v["id"]
        page.mkdir(parents=True)
        (page / "index.html").write_text(
            template.render(v=v, description=description), encoding="utf-8")
    t3 = time.perf_counter()
    times["render"] = t3 - t2

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for v in venues:
        place = (v.get("etapes") or [v])[0]
        cells = {**v, **{k: place.get(k) for k in
                         ("commune", "code_postal", "code_insee", "latitude", "longitude")}}
        writer.writerow(["|".join(c) if isinstance(c, list) else "" if c is None else c
                         for c in (cells.get(k) for k in CSV_COLUMNS)])
    (out / "donnees").mkdir()
    (out / "donnees" / "tiers-lieux.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (out / "donnees" / "tiers-lieux.json").write_text(
        json.dumps({"lieux": venues}, ensure_ascii=False, indent=1), encoding="utf-8")
    times["exports"] = time.perf_counter() - t3
    times["venues"] = len(venues)
    return times


if __name__ == "__main__":
    which = sys.argv[4] if len(sys.argv) > 4 and sys.argv[3] == "--validator" else "jsonschema"
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2]), which)))
