"""One source row (or the rows of one itinerant venue) turned into venue fields.

Why apart from the importer: reading a row's cells through the mapping is pure (no files,
no network, no directory); placing the venue (commune, position) and matching it with the
directory come after, in importer.py. Every value that is changed or dropped leaves a
French note, and every reason to refuse the row is collected, not raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import normalize
from .frenchhours import from_days
from .importmapping import SPECIAL_TARGETS, ColumnSpec, Mapping, field_kind, is_list, item_schema
from .importsource import SourceRow, parse_number
from .normalize import classify_email, clean_lines, normalize_phone, normalize_url, social_url

# Fields of a fixed venue that describe one stop of an itinerant venue instead.
STOP_FIELDS = ("nom", "adresse", "code_postal", "commune", "code_insee", "horaires")


@dataclass
class Draft:
    """A venue being built from a row, with what was noticed on the way."""

    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reasons: list[tuple[str, str]] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None

    def get(self, name: str) -> Any:
        node: Any = self.data
        for part in name.split("."):
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    def put(self, name: str, value: Any) -> None:
        """Set a dotted field; None removes it (and creates no empty group)."""
        *parents, last = name.split(".")
        node = self.data
        for part in parents:
            if value is None and part not in node:
                return
            node = node.setdefault(part, {})
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value

    def add(self, name: str, items: list[Any]) -> None:
        """Extend a list field, keeping the first occurrence of each value."""
        current = list(self.get(name) or [])
        current += [item for item in items if item not in current]
        if current:
            self.put(name, current)

    def reject(self, category: str, detail: str) -> None:
        self.reasons.append((category, detail))


def _convert(name: str, kind: str, text: str, spec: ColumnSpec, draft: Draft) -> Any | None:
    """One value of a field from clean source text, or None (with a note) if unusable."""
    why = None
    if kind == "url":
        value, why = social_url(spec.network, text) if spec.network else normalize_url(text)
    elif kind == "phone":
        value, why = normalize_phone(text)
    elif kind == "postcode":
        value, why = normalize.postcode(text)
    elif kind in ("siret", "rna"):
        value, why = normalize.identifier(text, kind)
    elif kind == "insee":
        value = re.sub(r"\s", "", text).upper()
        if re.fullmatch(r"\d{4}", value):  # a spreadsheet dropped the leading zero
            why, value = f"code INSEE « {text} » complété en 0{value}", "0" + value
        elif not re.fullmatch(r"(?:\d{2}|2A|2B)\d{3}", value):
            value, why = None, f"« {text} » illisible : ignoré"
    elif kind == "date":
        value, why = normalize.date_reading(text)
        why = why if value else f"« {text} » illisible (attendu AAAA-MM-JJ) : ignorée"
    elif kind in ("integer", "number"):
        number = parse_number(text)
        if number is not None and kind == "integer" and number.is_integer():
            value = int(number)
        elif number is not None and kind == "number":
            value = number
        else:
            value, why = None, f"« {text} » n'est pas un nombre : ignoré"
    elif kind == "boolean":
        value = normalize.boolean(text)
        why = None if value is not None else f"« {text} » n'est ni oui ni non : ignoré"
    elif kind == "enum":
        value = normalize.enum(item_schema(name), text)
        if value is None:
            allowed = ", ".join(item_schema(name).get("enum", []))
            draft.reject(f"valeur hors vocabulaire ({spec.column})",
                         f"la valeur « {text} » de la colonne « {spec.column} » n'est pas "
                         f"permise pour « {name} » ({allowed}) : ajoutez une traduction")
    else:
        value = text
    if why:
        draft.notes.append(f"{name} : {why}")
    return value


def _kind(name: str) -> str:
    return {"porteur.siret": "siret", "porteur.rna": "rna"}.get(name) or field_kind(name)


def _cell_text(row: SourceRow, spec: ColumnSpec) -> list[str]:
    """The clean lines a spec reads from a row (joined columns are joined first)."""
    if spec.columns:
        parts = [" ".join(clean_lines(row.values.get(c, ""))) for c in spec.columns]
        return clean_lines(spec.join.join(p for p in parts if p))
    return clean_lines(row.values.get(spec.column, ""))


def _links(name: str, lines: list[str], draft: Draft, emails: list[str]) -> list[str]:
    """A web cell may hold a site, social accounts and an e-mail: each goes to its field."""
    pages, socials, found = normalize.split_links(" ".join(lines))
    if found:
        emails.extend(found)
        draft.notes.append(f"{name} : adresse électronique trouvée dans la colonne des liens "
                           "(traitée comme un courriel)")
    if name == "site_web" and socials:
        values = [v for v in (normalize_url(s)[0] for s in socials) if v]
        draft.add("reseaux_sociaux", values)
        draft.notes.append(f"site_web : {len(values)} compte(s) de réseau social "
                           "rangé(s) dans reseaux_sociaux")
        return pages
    return pages + socials


def build_draft(row: SourceRow, mapping: Mapping, today: str) -> Draft:
    """The venue a row describes, before its commune, position and id."""
    draft = Draft(lat=row.lat, lon=row.lon, notes=list(getattr(row, "notes", [])))
    if not any(v.strip() for v in row.values.values()):
        draft.reject("ligne vide", row.location_problem or "ligne vide")
        return draft
    emails: list[str] = []
    complement: list[str] = []
    for name, specs in mapping.fields.items():
        kind = _kind(name)
        for spec in specs:
            if spec.has_constant:
                if is_list(name):
                    value = spec.constant
                    draft.add(name, value if isinstance(value, list) else [value])
                elif draft.get(name) is None:
                    draft.put(name, spec.constant)
                continue
            if spec.days:
                hours, notes = from_days({day: row.values.get(col, "") for day, col in spec.days})
                draft.notes += notes
                if hours and draft.get(name) is None:
                    draft.put(name, hours)
                continue
            lines = _cell_text(row, spec)
            if not lines:
                continue
            if kind == "email":
                emails.append(" ".join(lines))
                continue
            if kind == "address":
                street, rest, notes = normalize.split_address(lines)
                draft.notes += notes
                if rest:
                    complement.append(rest)
                if street and draft.get("adresse") is None:
                    draft.put("adresse", street)
                continue
            if kind == "url" and not spec.network:
                pieces = _links(name, lines, draft, emails)
            else:
                text = ("\n".join(lines) if kind == "longtext" else
                        " ".join(lines) if name == "nom" else ", ".join(lines))
                pieces = ([p.strip() for p in text.split(spec.separator) if p.strip()]
                          if spec.separator else [text])
            values = [v for v in (_convert(name, kind, p, spec, draft) for p in pieces)
                      if v is not None]
            if is_list(name):
                draft.add(name, values)
            elif values and draft.get(name) is None:
                draft.put(name, values[0])
                if len(values) > 1:
                    draft.notes.append(f"{name} : seule la première valeur est reprise "
                                       f"({len(values) - 1} autre(s) laissée(s))")
    if complement:
        own = draft.get("complement_adresse")
        draft.put("complement_adresse", ", ".join([own, *complement] if own else complement))
    _translate(row, mapping, draft)
    if emails:
        names = [n for n in (draft.get("nom"), draft.get("porteur.nom")) if n]
        kept, notes = classify_email(" ".join(emails), draft.get("site_web"), names)
        draft.notes += notes
        if kept:
            draft.put("courriel", kept)
    for name, value in mapping.defaults.items():
        if draft.get(name) is None:
            draft.put(name, value)
    porteur = draft.data.get("porteur")
    if isinstance(porteur, dict) and "nom" not in porteur:
        draft.data.pop("porteur")
        draft.notes.append("porteur sans nom : non repris")
    if not draft.get("nom"):
        draft.reject("nom manquant", "nom manquant")
    if not draft.get("types") and not draft.reasons:
        draft.reject("type non précisé par la source",
                     "la source ne dit pas de quel type de lieu il s'agit : rien n'est "
                     "inventé (ajoutez une traduction ou une valeur par défaut pour « types »)")
    if row.location_problem:
        draft.notes.append(f"coordonnées de la source inutilisables : {row.location_problem}")
    if draft.get("date_verification") is None:
        draft.put("date_verification", today)
    return draft


def _translate(row: SourceRow, mapping: Mapping, draft: Draft) -> None:
    for tr in mapping.translations:
        text = " ".join(clean_lines(row.values.get(tr.column, "")))
        if not text:
            continue
        items = ([p.strip() for p in text.split(tr.separator) if p.strip()]
                 if tr.separator else [text])
        for item in items:
            targets = tr.lookup(item)
            if targets is None:
                if tr.on_unknown == "rejeter":
                    draft.reject(f"valeur sans traduction ({tr.column})",
                                 f"la valeur « {item} » de la colonne « {tr.column} » n'a pas "
                                 "de traduction dans la correspondance")
                else:
                    draft.notes.append(f"« {item} » (colonne {tr.column}) n'a pas de "
                                       "traduction : les champs qu'elle donnerait restent vides"
                                       " ou prennent leur valeur par défaut")
                continue
            if "rejeter" in targets:
                draft.reject(f"exclu par la correspondance ({tr.column} = {item})",
                             targets["rejeter"])
            if "avertir" in targets:
                draft.notes.append(targets["avertir"])
            for name, value in targets.items():
                if name in SPECIAL_TARGETS:
                    continue
                if is_list(name) and value is not None:
                    draft.add(name, value if isinstance(value, list) else [value])
                else:
                    draft.put(name, value)


def merge_stops(drafts: list[Draft]) -> Draft:
    """The rows of one itinerant venue (same group key) as one venue with its stops.

    The first row gives the venue's shared fields; each row gives one stop (its place,
    commune and hours). Fields that differ between rows other than the stop's own are
    kept from the first row, with a note.
    """
    first = drafts[0]
    own = (*STOP_FIELDS, "latitude", "longitude", "position", "complement_adresse")
    venue = Draft(data={k: v for k, v in first.data.items() if k not in own or k == "nom"},
                  notes=list(first.notes), reasons=list(first.reasons))
    for draft in drafts[1:]:
        venue.notes += draft.notes
        venue.reasons += draft.reasons
        for key, value in draft.data.items():
            if key in own or key == "date_verification":
                continue
            if key in venue.data and venue.data[key] != value:
                venue.notes.append(f"étapes : « {key} » diffère d'une ligne à l'autre, celui "
                                   "de la première ligne est repris")
            venue.data.setdefault(key, value)
    return venue
