"""The generated parts of CONTRIBUTING.md: every field and every error code.

Written from the schema and the catalogue of problems, so the guide cannot drift from
what the validator actually accepts and reports.
"""

from __future__ import annotations

from ..check.problems import CODES
from ..model.schema import venue_schema
from ..publish.fielddocs import field_docs, location_fields

FIELDS_BEGIN = "<!-- BEGIN champs (généré par `tierslieux sync`) -->"
FIELDS_END = "<!-- END champs -->"
CODES_BEGIN = "<!-- BEGIN codes (généré par `tierslieux sync`) -->"
CODES_END = "<!-- END codes -->"

def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def fields_table() -> str:
    location = ", ".join(f"`{f}`" for f in location_fields())
    required = ", ".join(f"`{f}`" for f in venue_schema()["required"])
    head = [
        f"Champs obligatoires pour tous les lieux : {required}. Un lieu fixe a aussi "
        f"{location} ; un lieu itinérant a `etapes` à la place.",
        "",
        "| Champ | Titre | Type | Obligatoire | Description et valeurs permises | Exemple |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    rows = []
    for f in field_docs():
        values = "<br>".join(f"`{code}` : {label}" for code, label in f.values)
        description = _cell(f.description) + ("<br>" + values if values else "")
        example = _cell(f"`{f.example}`") if f.example else ""
        rows.append(f"| `{f.path}` | {_cell(f.title)} | {f.kind} | "
                    f"{'oui' if f.required else ''} | {description} | {example} |")
    return "\n".join(head + rows)


def codes_table() -> str:
    head = ["| Code | Gravité | Ce que cela signifie | Comment corriger |",
            "| --- | --- | --- | --- |"]
    return "\n".join(head + [f"| `{c.code}` | {c.severity} | {_cell(c.summary)} | "
                             f"{_cell(c.fix)} |" for c in CODES.values()])


def replace_block(text: str, begin: str, end: str, content: str) -> str:
    if begin not in text or end not in text:
        raise ValueError(f"marqueurs absents : {begin} … {end}")
    before, rest = text.split(begin, 1)
    return before + begin + "\n" + content + "\n" + end + rest.split(end, 1)[1]


def render(current: str) -> str:
    text = replace_block(current, FIELDS_BEGIN, FIELDS_END, fields_table())
    return replace_block(text, CODES_BEGIN, CODES_END, codes_table())
