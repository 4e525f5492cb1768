"""The generated parts of CONTRIBUTING.md: every field, every error code, every mapping key.

Written from the schemas and the catalogue of problems, so the guide cannot drift from
what the validator and the importer actually accept and report.
"""

from __future__ import annotations

from typing import Any

from ..check.problems import CODES
from ..importing.importmapping import mapping_schema
from ..model.schema import venue_schema
from ..publish.fielddocs import field_docs, location_fields
from .issueform import essential_fields

FIELDS_BEGIN = "<!-- BEGIN champs (généré par `tierslieux sync`) -->"
FIELDS_END = "<!-- END champs -->"
CODES_BEGIN = "<!-- BEGIN codes (généré par `tierslieux sync`) -->"
CODES_END = "<!-- END codes -->"
MAPPING_BEGIN = "<!-- BEGIN correspondance (généré par `tierslieux sync`) -->"
MAPPING_END = "<!-- END correspondance -->"
FORM_BEGIN = "<!-- BEGIN formulaire (généré par `tierslieux sync`) -->"
FORM_END = "<!-- END formulaire -->"

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


def _mapping_rows(node: dict[str, Any], prefix: str, defs: dict[str, Any]) -> list[str]:
    rows = []
    for key, sub in node.get("properties", {}).items():
        if "$ref" in sub:
            sub = defs[sub["$ref"].rsplit("/", 1)[1]]
        path = f"{prefix}.{key}" if prefix else key
        values = ", ".join(f"`{v}`" for v in sub.get("enum", []))
        text = _cell(sub.get("description", "")) + (f"<br>Valeurs : {values}" if values else "")
        example = sub.get("examples", [None])[0]
        shown = f"`{example}`".replace("'", "") if example is not None else ""
        required = "oui" if key in node.get("required", []) else ""
        rows.append(f"| `{path}` | {required} | {text} | {_cell(shown)} |")
        if sub.get("type") == "object" and "properties" in sub:
            rows += _mapping_rows(sub, path, defs)
    return rows


def mapping_table() -> str:
    """Every key of a mapping file, from schema/mapping.schema.json."""
    schema = mapping_schema()
    defs = schema.get("$defs", {})
    head = ["| Clé | Obligatoire | Ce qu'elle dit | Exemple |", "| --- | --- | --- | --- |"]
    rows = _mapping_rows(schema, "", defs)
    rows.append("| `champs.<champ>` (forme longue) |  | "
                + _cell(defs["lecture"]["description"]) + " Clés : "
                + ", ".join(f"`{k}` ({_cell(v.get('description', ''))})"
                            for k, v in defs["lecture"]["properties"].items()) + " |  |")
    return "\n".join(head + rows)


def form_table() -> str:
    """The questions of the GitHub form and what may be typed in each (issueform.py)."""
    head = ["| Question | Obligatoire | Ce que vous pouvez écrire |", "| --- | --- | --- |"]
    rows = []
    for f in essential_fields():
        help_text = f.description()
        if f.kind in ("multi", "choice"):
            help_text += " Choix : " + ", ".join(f"« {o} »" for o in f.options()) + "."
        rows.append(f"| {_cell(f.title())} | {'oui' if f.required else ''} | "
                    f"{_cell(help_text)} |")
    return "\n".join(head + rows)


def replace_block(text: str, begin: str, end: str, content: str) -> str:
    if begin not in text or end not in text:
        raise ValueError(f"marqueurs absents : {begin} … {end}")
    before, rest = text.split(begin, 1)
    return before + begin + "\n" + content + "\n" + end + rest.split(end, 1)[1]


def render(current: str) -> str:
    text = replace_block(current, FIELDS_BEGIN, FIELDS_END, fields_table())
    text = replace_block(text, CODES_BEGIN, CODES_END, codes_table())
    text = replace_block(text, FORM_BEGIN, FORM_END, form_table())
    return replace_block(text, MAPPING_BEGIN, MAPPING_END, mapping_table())
