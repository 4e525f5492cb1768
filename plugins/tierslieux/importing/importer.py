"""Bulk import of a network's CSV or GeoJSON into venue files, driven by a mapping file.

Why: regional networks publish their venues as spreadsheets or web maps. Retyping them by
hand loses data; a blind conversion invents some and leaks personal data. This command
maps source columns to schema fields through a documented YAML mapping (the worked
example is plugins/tierslieux/importing/mappings/maplabbzh.yml, whose French comments explain each
section), derives what the directory needs (INSEE code, official commune name,
département, id), checks every generated file with exactly the validator's checks
(validate.check_text) before writing it, and accounts for every source row in a report:
imported, rejected with the reason, or skipped because its file already exists. The
mapping is read by importmapping.py, the source by importsource.py, and cell values are
normalised by normalize.py; this module places rows, builds and writes venues, and reports.

Heuristics (each one leaves a note on the row in the report when it changes or drops a
source value; a row is never dropped without a line):

- Text: HTML entities are decoded, <br> becomes a line break, other tags are removed,
  runs of spaces are collapsed.
- Address: when the cell has several lines, the first line that starts with a street
  number ("2, rue...", not "1er étage"), else the first that names a way (rue, avenue,
  place, chemin, quai...), else the last line, becomes `adresse`; the other lines become
  `complement_adresse`. Lines in square brackets ("[Projet en cours]") are editorial
  remarks: dropped, with a note. No street address: the row is rejected ("adresse
  manquante"); none is invented.
- Commune: refdata.find_commune(postcode, commune name), or the mapped INSEE code. When
  the pair does not match, a postcode that is in fact the commune's INSEE code, or a
  CEDEX or mistyped postcode whose département holds exactly one commune of that name,
  is replaced by the commune's postcode if it has only one. A missing postcode is the
  commune's postcode if it has only one. The official commune name is written.
- Id: slug of the name (ASCII, lowercase, hyphens, 80 characters at most), unique across
  every file under --into (all départements) and the rows of this run: the name, then
  the name and the commune, then that followed by -2, -3... A file already at the target
  path for the same INSEE code is the same venue: "existe déjà" (replaced only with
  --overwrite), so a second run skips what the first one wrote.
- URL: spaces removed; https:// added when the scheme is missing; any scheme other than
  http(s) (mailto:, ftp:, javascript:) refused; a host without a dot refused.
- Social networks (`reseau:` on a column): twitter "@name" or "name" ->
  https://twitter.com/name; instagram "name" -> https://www.instagram.com/name/;
  facebook "page" or "/groups/x" -> https://www.facebook.com/page;
  mastodon "@user@instance.org" -> https://instance.org/@user; linkedin only as a full
  address; a full address is kept (normalised as a URL).
- Phone: separators removed; +33 / 0033 (and the overseas +262, +269, +590, +594, +596)
  turned into the national form; a 9-digit number that lost its leading 0 in a
  spreadsheet gets it back; the result is 10 digits grouped by two ("02 99 00 00 00").
  Anything else is left out. A mobile number (06, 07) is kept with a note: it may be a
  person's own phone rather than the venue's.
- E-mail (the directory publishes no personal data): kept only when generic, that is a
  role word in the local part (contact, info, bonjour, hello, accueil, fablab...), a
  local part matching the venue's or its carrier's name, or an address on the venue's own
  website domain. Anything else is left out: "donnée personnelle probable" for a webmail
  address (gmail.com, orange.fr...) or a firstname.lastname-like local part. The report
  never repeats a dropped address in full.
- Columns listed in `colonnes_personnelles` can never be mapped (the mapping is refused).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, TextIO

from ..check.validate import check_text, display_path
from ..check.yamlload import load_file
from ..model.dates import build_date
from ..model.ids import MAX_LENGTH, slugify
from ..model.paths import VENUES_DIR
from ..model.yamlwrite import dump_venue, venue_path
from ..publish.exports import safe_cell
from ..reference.refdata import Commune, ReferenceData, find_commune, normalize_name, reference_data
from . import normalize
from .importmapping import (
    SPECIAL_TARGETS,
    ColumnSpec,
    Mapping,
    MappingError,
    field_kind,
    is_list,
    item_schema,
    load_mapping,
)
from .importsource import SourceError, SourceRow, parse_number, read_source
from .normalize import (
    classify_email,
    clean_lines,
    normalize_phone,
    normalize_url,
    social_url,
    split_address,
)

IMPORTED = "importé"
REJECTED = "rejeté"
SKIPPED = "ignoré (existe déjà)"

MAX_PROBLEMS_SHOWN = 3

# ---------------------------------------------------------------------------------------
# Communes
# ---------------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _find(ref: ReferenceData, postcode: str | None, name: str | None) -> Commune | None:
    return find_commune(ref, postcode, name)


@cache
def _names_index(ref: ReferenceData) -> dict[str, list[Commune]]:
    index: dict[str, list[Commune]] = defaultdict(list)
    for commune in ref.communes.values():
        if commune.parent is None:
            for name in {commune.nom, *commune.other_names}:
                index[normalize_name(name)].append(commune)
    return index


def _postcode_departements(postcode: str) -> tuple[str, ...]:
    if postcode.startswith("20"):
        return ("2A", "2B")
    if postcode.startswith("97"):
        return (postcode[:3],)
    return (postcode[:2],)


@dataclass
class Located:
    """Where a row is: its commune and the postcode to write, or why it cannot be placed."""

    commune: Commune | None = None
    postcode: str | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None


def _listing(communes: list[Commune]) -> str:
    shown = ", ".join(f"{c.nom} ({c.code})" for c in communes[:6])
    return shown + (", …" if len(communes) > 6 else "")


def locate(ref: ReferenceData, postcode: str | None, name: str | None,
           insee: str | None = None) -> Located:
    """The commune of a row from its INSEE code, or postcode and commune name."""
    out = Located()
    corrected = None
    if insee:
        commune = ref.commune(insee)
        if commune is None and insee in ref.former_codes:
            commune = ref.commune(ref.former_codes[insee])
            out.notes.append(f"code INSEE {insee} (ancienne commune) remplacé par "
                             f"{commune.code if commune else '?'}")
        if commune is None:
            out.reason = f"code INSEE « {insee} » inconnu du référentiel officiel"
            return out
    else:
        commune = _find(ref, postcode, name)
        if commune is None and postcode and name:
            as_insee = ref.commune(postcode)
            if as_insee is not None and ref.name_matches(as_insee, name):
                commune, corrected = as_insee, f"c'est le code INSEE de {as_insee.nom}"
            else:
                same = [c for c in _names_index(ref).get(normalize_name(name), [])
                        if c.departement in _postcode_departements(postcode)]
                if len(same) == 1:
                    commune, corrected = same[0], "code CEDEX ou erroné"
    if commune is None:
        out.reason = _why_not_located(ref, postcode, name)
        return out
    out.commune = commune
    if postcode and postcode in commune.codes_postaux:
        out.postcode = postcode
    elif len(commune.codes_postaux) == 1:
        out.postcode = commune.codes_postaux[0]
        if postcode:
            why = f" ({corrected})" if corrected else ""
            out.notes.append(f"code postal {postcode}{why} remplacé par {out.postcode}, "
                             f"celui de {commune.nom}")
        else:
            out.notes.append(f"code postal absent : {out.postcode}, celui de {commune.nom}")
    else:
        codes = ", ".join(commune.codes_postaux)
        out.reason = (f"le code postal {postcode} n'est pas celui de {commune.nom} "
                      f"({commune.code}), qui en a plusieurs ({codes})" if postcode else
                      f"code postal manquant : {commune.nom} en a plusieurs ({codes})")
        out.commune = None
        return out
    if name and normalize_name(name) != normalize_name(commune.nom):
        out.notes.append(f"commune « {name} » écrite « {commune.nom} » (nom officiel, "
                         f"code INSEE {commune.code})")
    elif not name and not insee:
        out.notes.append(f"commune absente : déduite du code postal ({commune.nom})")
    return out


def _why_not_located(ref: ReferenceData, postcode: str | None, name: str | None) -> str:
    if not postcode and not name:
        return "commune et code postal manquants"
    if name:
        named = _names_index(ref).get(normalize_name(name), [])
        if not named:
            near = ref.communes_for_postcode(postcode) if postcode else []
            more = f" ; communes du code postal {postcode} : {_listing(near)}" if near else ""
            return f"commune « {name} » introuvable dans le référentiel officiel{more}"
        if postcode:
            return (f"la commune « {name} » ne correspond pas au code postal {postcode} "
                    f"(communes de ce nom : {_listing(named)})")
        return (f"commune « {name} » ambiguë : {len(named)} communes portent ce nom "
                f"({_listing(named)}) ; ajoutez le code postal")
    options = ref.communes_for_postcode(postcode or "")
    if not options:
        return f"code postal {postcode} inconnu et commune manquante"
    return (f"commune manquante : le code postal {postcode} couvre plusieurs communes "
            f"({_listing(options)})")


# ---------------------------------------------------------------------------------------
# Building one venue
# ---------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What became of one source row: the line of the report."""

    number: int
    source_id: str
    name: str
    status: str = REJECTED
    reasons: list[tuple[str, str]] = field(default_factory=list)  # (category, detail)
    notes: list[str] = field(default_factory=list)
    path: str = ""

    @property
    def category(self) -> str:
        return self.reasons[0][0] if self.reasons else ""

    @property
    def detail(self) -> str:
        if self.reasons:
            return " ; ".join(text for _, text in self.reasons)
        return self.path


@dataclass
class Draft:
    """A venue being built from a row, with what was noticed on the way."""

    data: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reasons: list[tuple[str, str]] = field(default_factory=list)
    commune: Commune | None = None

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


def _convert(name: str, kind: str, text: str, spec: ColumnSpec,
             draft: Draft) -> Any | None:
    """One value of a field from clean source text, or None (with a note) if unusable."""
    if kind == "url":
        value, why = social_url(spec.network, text) if spec.network else normalize_url(text)
    elif kind == "phone":
        value, why = normalize_phone(text)
    elif kind == "postcode":
        value, why = normalize.postcode(text)
    elif kind == "insee":
        value = text.strip().upper()
        why = None if re.fullmatch(r"(?:\d{2}|2A|2B)\d{3}", value) else \
            f"« {text} » illisible : ignoré"
        value = value if why is None else None
    elif kind == "date":
        value = normalize.date(text)
        why = None if value else f"« {text} » illisible (attendu AAAA-MM-JJ) : ignorée"
    elif kind in ("integer", "number"):
        number = parse_number(text)
        if number is not None and kind == "integer" and number.is_integer():
            value, why = int(number), None
        elif number is not None and kind == "number":
            value, why = number, None
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
        why = None
    else:
        value, why = text, None
    if why:
        draft.notes.append(f"{name} : {why}")
    return value


def build_draft(row: SourceRow, mapping: Mapping, ref: ReferenceData, today: str) -> Draft:
    """The venue a row describes, before id and validation; rejections are collected."""
    draft = Draft()
    if not any(v.strip() for v in row.values.values()):
        if row.location_problem:
            draft.reject("élément illisible", row.location_problem)
        else:
            draft.reject("ligne vide", "ligne vide")
        return draft
    emails: list[str] = []
    complement: list[str] = []
    for name, specs in mapping.fields.items():
        kind = field_kind(name)
        for spec in specs:
            lines = clean_lines(row.values.get(spec.column, ""))
            if not lines:
                continue
            if kind == "email":
                emails.append(" ".join(lines))
                continue
            if kind == "address":
                street, rest, notes = split_address(lines)
                draft.notes += notes
                if rest:
                    complement.append(rest)
                if street and draft.get("adresse") is None:
                    draft.put("adresse", street)
                continue
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
    if not draft.get("nom"):
        draft.reject("nom manquant", "nom manquant")
    if row.location_problem or row.lat is None or row.lon is None:
        draft.reject("coordonnées manquantes ou illisibles",
                     row.location_problem or "coordonnées manquantes")
    else:
        draft.put("latitude", round(row.lat, 7))
        draft.put("longitude", round(row.lon, 7))
    if not draft.get("adresse"):
        draft.reject("adresse manquante", "adresse manquante")
    located = locate(ref, draft.get("code_postal"), draft.get("commune"),
                     draft.get("code_insee"))
    draft.notes += located.notes
    if located.commune is None:
        draft.reject("commune non identifiée", located.reason or "commune non identifiée")
    else:
        draft.commune = located.commune
        draft.put("code_postal", located.postcode)
        draft.put("commune", located.commune.nom)
        draft.put("code_insee", located.commune.code)
    porteur = draft.data.get("porteur")
    if isinstance(porteur, dict) and "nom" not in porteur:
        draft.data.pop("porteur")
        draft.notes.append("porteur sans nom : non repris")
    for name, value in mapping.defaults.items():
        parent = name.rpartition(".")[0]
        if draft.get(name) is None and (not parent or draft.get(parent) is not None):
            draft.put(name, value)
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


# ---------------------------------------------------------------------------------------
# Ids, files and the run
# ---------------------------------------------------------------------------------------


def _join_slug(base: str, suffix: str) -> str:
    room = MAX_LENGTH - len(suffix) - 1
    return f"{base[:room].rstrip('-')}-{suffix}"


class Importer:
    """Turns rows into files under `into`, keeping ids unique and existing files safe."""

    def __init__(self, mapping: Mapping, into: Path, ref: ReferenceData, *,
                 overwrite: bool = False, dry_run: bool = False,
                 today: str | None = None) -> None:
        self.mapping = mapping
        self.into = into
        self.ref = ref
        self.overwrite = overwrite
        self.dry_run = dry_run
        self.today = today or build_date().isoformat()
        self.existing: dict[str, list[Path]] = defaultdict(list)
        if into.is_dir():
            for path in into.rglob("*.yml"):
                self.existing[path.stem].append(path.absolute())
        self.reserved: set[str] = set()
        self.write_failed = False

    def run(self, rows: list[SourceRow]) -> list[Outcome]:
        """One outcome per row, in source order: the report has a line for each."""
        return [self.import_row(row) for row in rows]

    def import_row(self, row: SourceRow) -> Outcome:
        """Import one row; whatever happens, it comes back with a status and a reason."""
        source_id = row.values.get(self.mapping.id_column or "", "").strip()
        name_column = self.mapping.fields.get("nom", [ColumnSpec("")])[0].column
        outcome = Outcome(row.number, source_id,
                          " ".join(clean_lines(row.values.get(name_column, ""))))
        try:
            self._import(row, outcome)
        except Exception as exc:  # every row gets a line, even on a bug
            outcome.status = REJECTED
            outcome.reasons = [("erreur interne", f"erreur interne ({type(exc).__name__} : "
                                f"{exc}) : signalez-la avec la ligne en cause")]
        return outcome

    def _import(self, row: SourceRow, outcome: Outcome) -> None:
        draft = build_draft(row, self.mapping, self.ref, self.today)
        if row.extra_cells:
            draft.notes.append(f"{row.extra_cells} cellule(s) au-delà des colonnes de "
                               "l'en-tête : ignorée(s)")
        outcome.notes = draft.notes
        if draft.reasons or draft.commune is None:
            outcome.reasons = draft.reasons
            return
        dep = draft.commune.departement
        venue_id, same = self._allocate(draft.data["nom"], draft.commune, dep)
        if venue_id is None:
            outcome.reasons = [("identifiant impossible",
                                f"aucun identifiant ne peut être tiré du nom « "
                                f"{draft.data['nom']} »")]
            return
        target = venue_path(self.into, dep, venue_id)
        outcome.path = display_path(target)
        if same and not self.overwrite:
            self.reserved.add(venue_id)
            outcome.status = SKIPPED
            return
        data = {"id": venue_id, **draft.data}
        raw = dump_venue(data).encode("utf-8")
        problems = check_text(raw, outcome.path, self.ref)
        errors = [p for p in problems if p.is_error]
        if errors:
            shown = [f"« {p.field or 'fiche'} » : {p.message}" for p in errors[:MAX_PROBLEMS_SHOWN]]
            more = len(errors) - MAX_PROBLEMS_SHOWN
            if more > 0:
                shown.append(f"et {more} autre{'s' if more > 1 else ''} problème"
                             f"{'s' if more > 1 else ''}")
            outcome.reasons = [(f"fiche invalide ({errors[0].code})",
                                "fiche invalide : " + " ; ".join(shown))]
            outcome.path = ""
            return
        outcome.notes += [f"avertissement [{p.code}] : {p.message}"
                          for p in problems if not p.is_error]
        self.reserved.add(venue_id)
        if not self.dry_run:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                temporary = target.with_name(f".{target.name}.tmp")
                temporary.write_bytes(raw)
                os.replace(temporary, target)
            except OSError as exc:
                self.write_failed = True
                outcome.reasons = [("écriture impossible",
                                    f"écriture impossible de {outcome.path} ({exc.strerror})")]
                outcome.path = ""
                return
            if not same:
                self.existing[venue_id].append(target.absolute())
        outcome.status = IMPORTED
        if same:
            outcome.notes.append("fiche existante remplacée (--overwrite)")

    def _candidates(self, name: str, commune: Commune) -> Iterator[str]:
        base = slugify(name, fallback="")
        place = slugify(commune.nom)
        if len(base) < 2:
            return
        yield base
        stem = base if base == place or base.endswith("-" + place) else _join_slug(base, place)
        if stem != base:
            yield stem
        number = 2
        while True:
            yield _join_slug(stem, str(number))
            number += 1

    def _allocate(self, name: str, commune: Commune, dep: str) -> tuple[str | None, bool]:
        """A free id (False), or the id of this venue's existing file (True)."""
        for candidate in self._candidates(name, commune):
            if candidate in self.reserved:
                continue
            paths = self.existing.get(candidate, [])
            if not paths:
                return candidate, False
            target = venue_path(self.into, dep, candidate).absolute()
            if paths == [target] and self._same_place(target, commune):
                return candidate, True
        return None, False

    @staticmethod
    def _same_place(path: Path, commune: Commune) -> bool:
        loaded = load_file(path)
        data = loaded.data
        # An unreadable file is not ours to judge: treat it as the same venue, never
        # overwritten without --overwrite.
        return not isinstance(data, dict) or data.get("code_insee") in (None, commune.code)


# ---------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count <= 1 else (plural or word + 's')}"


def totals_line(outcomes: list[Outcome]) -> str:
    """« 121 lignes : 80 importées, 35 rejetées, 6 ignorées (existe déjà) »."""
    counts = Counter(o.status for o in outcomes)
    return (f"{_plural(len(outcomes), 'ligne')} : {_plural(counts[IMPORTED], 'importée')}, "
            f"{_plural(counts[REJECTED], 'rejetée')}, {_plural(counts[SKIPPED], 'ignorée')} "
            "(existe déjà)")


def rejection_counts(outcomes: list[Outcome]) -> list[tuple[str, int]]:
    """Rejected rows by their first reason, most frequent first."""
    counts = Counter(o.category for o in outcomes if o.status == REJECTED)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def print_report(outcomes: list[Outcome], out: TextIO, *, header: list[str],
                 dry_run: bool) -> None:
    """The French report: one line per source row, its notes, then the totals."""
    for line in header:
        print(line, file=out)
    print(f"{'n°':>4}  {'id source':<10} {'nom':<40} {'statut':<21} détail", file=out)
    for o in outcomes:
        name = o.name if len(o.name) <= 40 else o.name[:39] + "…"
        detail = o.detail
        if o.status == IMPORTED and dry_run:
            detail = f"serait écrit : {o.path}"
        print(f"{o.number:>4}  {o.source_id[:10]:<10} {name:<40} {o.status:<21} {detail}",
              file=out)
        for note in o.notes:
            print(f"{'':>17}· {note}", file=out)
    print(totals_line(outcomes) + ".", file=out)
    rejected = rejection_counts(outcomes)
    if rejected:
        print("Rejets par motif : " + " ; ".join(f"{cat} : {n}" for cat, n in rejected) + ".",
              file=out)
    if dry_run:
        print("Simulation (--dry-run) : aucun fichier n'a été écrit.", file=out)


REPORT_COLUMNS = ["ligne", "id_source", "nom", "statut", "motif", "detail", "fichier", "notes"]


def write_report_csv(outcomes: list[Outcome], path: Path) -> None:
    """The same report as CSV, one row per source row (cells safe from formulas)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(REPORT_COLUMNS)
    for o in outcomes:
        writer.writerow([safe_cell(v) for v in (
            o.number, o.source_id, o.name, o.status, o.category,
            " ; ".join(t for _, t in o.reasons), o.path, " | ".join(o.notes))])
    path.write_text(buffer.getvalue(), encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    """`tierslieux import`: 0 when every row is accounted for, 2 bad input, 1 write failed."""
    try:
        mapping = load_mapping(Path(args.mapping))
    except MappingError as exc:
        print(exc.french(), file=sys.stderr)
        return 2
    source_path = Path(args.source)
    try:
        source = read_source(source_path, mapping)
    except SourceError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    present = set(source.columns)
    missing = {c: where for c, where in mapping.used_columns().items() if c not in present}
    if missing and source.rows:
        listed = ", ".join(f"« {c} » ({where})" for c, where in sorted(missing.items()))
        print(f"erreur : colonnes absentes de {display_path(source_path)} : {listed}. "
              f"Colonnes présentes : {', '.join(source.columns) or 'aucune'}.", file=sys.stderr)
        return 2
    into = Path(args.into)
    if into.exists() and not into.is_dir():
        print(f"erreur : --into {into} n'est pas un dossier.", file=sys.stderr)
        return 2
    importer = Importer(mapping, into, reference_data(), overwrite=args.overwrite,
                        dry_run=args.dry_run)
    outcomes = importer.run(source.rows)
    header = [f"Import de {display_path(source_path)} ({_plural(len(source.rows), 'ligne')}) "
              f"avec {display_path(Path(args.mapping))} vers {display_path(into)}"
              + (" — simulation, rien n'est écrit" if args.dry_run else "") + "."]
    unused = [c for c in source.columns if c not in mapping.used_columns()
              and c not in mapping.ignored and c not in mapping.personal]
    if unused:
        header.append("Colonnes de la source non reprises (à déclarer dans colonnes_ignorees "
                      f"ou colonnes_personnelles) : {', '.join(unused)}.")
    print_report(outcomes, sys.stdout, header=header, dry_run=args.dry_run)
    status = 1 if importer.write_failed else 0
    if args.report:
        try:
            write_report_csv(outcomes, Path(args.report))
        except OSError as exc:
            print(f"erreur : le rapport {args.report} ne peut pas être écrit "
                  f"({exc.strerror}).", file=sys.stderr)
            return 1
    return status


def add_command(sub: argparse._SubParsersAction) -> None:
    """Register `tierslieux import` (called by cli.py)."""
    parser = sub.add_parser(
        "import", help="importer les lieux d'un fichier CSV ou GeoJSON d'un réseau",
        description="Importe un fichier CSV ou GeoJSON selon un fichier de correspondance "
                    "(exemple commenté : "
                    "plugins/tierslieux/importing/mappings/maplabbzh.yml). Chaque ligne de la "
                    "source figure dans le rapport : importée, rejetée (avec le motif) ou "
                    "ignorée (fiche déjà présente).")
    parser.add_argument("source", help="fichier CSV ou GeoJSON à importer")
    parser.add_argument("--mapping", required=True, metavar="FICHIER.yml",
                        help="fichier de correspondance (colonnes -> champs, traductions)")
    parser.add_argument("--into", default=str(VENUES_DIR), metavar="DOSSIER",
                        help="dossier des fiches (par défaut : content/venues)")
    parser.add_argument("--overwrite", action="store_true",
                        help="remplacer la fiche d'un lieu déjà présent")
    parser.add_argument("--dry-run", action="store_true",
                        help="afficher le rapport sans rien écrire")
    parser.add_argument("--report", metavar="FICHIER.csv",
                        help="écrire aussi le rapport en CSV")
    parser.set_defaults(func=run_import)
