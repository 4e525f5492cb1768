"""Reading the source of `tierslieux import`: any network's file as rows of text by column.

Why: the import must account for every record of the source, so reading it is kept apart
from interpreting it. Networks publish what their tools give them: a CSV from Excel
(semicolons, Windows-1252, a BOM), a spreadsheet, an API's JSON, a GeoJSON from QGIS, at
a URL that a scheduled sync fetches again. Each record becomes exactly one SourceRow (its
cells as text, its WGS 84 point when it has a usable one, or why not); whatever was
detected or corrected on the way (encoding, delimiter, JSON root, projection, swapped
axes) is said in French in Source.notes, and a file that cannot be read is refused with a
French SourceError. Coordinates are the job of coordinates.py.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import http.client
import io
import json
import re
import socket
import ssl
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..check.validate import display_path
from .coordinates import crs_problem, locate, parse_number, split_pair

__all__ = ["FORMATS", "MAX_BYTES", "Source", "SourceError", "SourceOptions", "SourceRow",
           "parse_number", "read_source"]

FORMATS = ("csv", "xlsx", "json", "geojson")
# A network's directory is a few megabytes at most; past this it is not what we think.
MAX_BYTES = 50 * 1024 * 1024

_EXTENSIONS = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".tab": "csv",
               ".xlsx": "xlsx", ".xlsm": "xlsx", ".json": "json", ".jsonl": "json",
               ".ndjson": "json", ".geojson": "geojson"}
_CONTENT_TYPES = {"text/csv": "csv", "text/tab-separated-values": "csv",
                  "application/json": "json", "application/geo+json": "geojson",
                  "application/vnd.geo+json": "geojson",
                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}
_DELIMITERS = {";": "« ; » (point-virgule)", ",": "« , » (virgule)", "\t": "tabulation",
               "|": "« | » (barre verticale)"}
_ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 avec BOM (marque retirée)",
                   "cp1252": "Windows-1252 (export Excel)", "latin-1": "Latin-1 (ISO-8859-1)",
                   "utf-16": "UTF-16 (« texte Unicode » d'Excel)"}


class SourceError(Exception):
    """A source that cannot be read as its mapping describes it (French message)."""


@dataclass
class SourceOptions:
    """How to read a source; every None is detected from the file and said in the notes."""

    format: str | None = None  # "csv" | "xlsx" | "json" | "geojson"; None: extension/content
    id_column: str | None = None  # column (dotted path for JSON) identifying a row
    delimiter: str | None = None  # CSV: None = detected among ; , tab |
    encoding: str | None = None  # None = detected: UTF-8 (BOM or not), Windows-1252, Latin-1
    header: bool = True  # CSV/XLSX: the first row names the columns
    # Column names. Without a header they name the columns in order (extra cells are
    # counted); when None, CSV columns are "1", "2", ... and XLSX columns "A", "B", ... as
    # the spreadsheet shows them. With a header, they replace the file's own names.
    columns: list[str] | None = None
    sheet: str | None = None  # XLSX sheet name; None = the first
    root: str | None = None  # JSON: dotted path to the array of records ("data.lieux")
    # Column (dotted path for JSON) of the latitude (Y, northing with a projected CRS) and
    # of the longitude (X, easting). The same column for both: one cell holding
    # "48.11, -1.68" (latitude first, as Opendatasoft exports) or a WKT "POINT (x y)".
    latitude: str | None = None
    longitude: str | None = None
    crs: str | None = None  # e.g. "EPSG:2154"; None = WGS 84 degrees (or GeoJSON's "crs")


@dataclass
class SourceRow:
    """One record of the source, as text by column, with its point when it has one.

    number: where a person finds the record. CSV: the line of the file where the record
    starts (the header is line 1, blank lines and line breaks inside quoted cells count).
    XLSX: the spreadsheet's row number. JSON and GeoJSON: the record's position in its
    array, the first being 1.
    """

    number: int
    values: dict[str, str]
    lat: float | None = None
    lon: float | None = None
    location_problem: str | None = None  # why the coordinates given are not usable
    extra_cells: int = 0  # non-empty cells beyond the named columns
    notes: list[str] = field(default_factory=list)  # French: what was corrected on the way


@dataclass
class Source:
    """Every record of a source, its columns in order, and what was detected (French)."""

    columns: list[str]
    rows: list[SourceRow]
    notes: list[str] = field(default_factory=list)
    format: str = ""


def _size_cap() -> str:
    return f"{MAX_BYTES // 1024 // 1024} Mo" if MAX_BYTES >= 1024 * 1024 else \
        f"{MAX_BYTES // 1024} Ko"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


# ---------------------------------------------------------------------------------------
# Getting the bytes: a file or a URL
# ---------------------------------------------------------------------------------------


def _is_url(location: str | Path) -> bool:
    return isinstance(location, str) and re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*://", location) \
        is not None


def _shown_url(url: str) -> str:
    """The URL without its query or credentials, which may hold an API key."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, "", ""))


def _read_file(path: Path) -> bytes:
    shown = display_path(path)
    try:
        if path.is_dir():
            raise SourceError(f"la source {shown} est un dossier, pas un fichier.")
        if not path.exists():
            raise SourceError(f"le fichier source {shown} n'existe pas.")
        if not path.is_file():
            raise SourceError(f"la source {shown} n'est pas un fichier ordinaire.")
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise SourceError(f"le fichier source {shown} ne peut pas être lu "
                          f"({exc.strerror}).") from None
    if len(raw) > MAX_BYTES:
        raise SourceError(f"le fichier source {shown} dépasse {_size_cap()} :"
                          " ce n'est sans doute pas un annuaire de lieux.")
    return raw


def _network_reason(reason: object) -> str:
    if isinstance(reason, TimeoutError):
        return "pas de réponse à temps"
    if isinstance(reason, ConnectionRefusedError):
        return "connexion refusée"
    if isinstance(reason, socket.gaierror):
        return "nom de serveur inconnu"
    if isinstance(reason, ssl.SSLError):
        return "connexion sécurisée impossible (certificat refusé)"
    if isinstance(reason, ConnectionResetError):
        return "connexion coupée par le serveur"
    return str(getattr(reason, "strerror", None) or reason)


def _fetch(url: str, timeout: float) -> tuple[bytes, str, str | None]:
    """The body at an http(s) URL, its final URL and Content-Type; SourceError otherwise."""
    shown = _shown_url(url)
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise SourceError(f"adresse {shown} non prise en charge : seules les adresses http:// "
                          "et https:// sont lues.")
    request = urllib.request.Request(url, headers={"User-Agent": "tierslieux-import",
                                                   "Accept": "*/*"})
    too_big = (f"le fichier à l'adresse {shown} dépasse {_size_cap()} : ce "
               "n'est sans doute pas un annuaire de lieux.")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_BYTES:
                raise SourceError(too_big)
            raw = response.read(MAX_BYTES + 1)
            final, content_type = response.geturl(), response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        meaning = {404: " : le fichier n'est pas (ou plus) à cette adresse",
                   401: " : l'accès demande une authentification",
                   403: " : l'accès est refusé"}.get(exc.code, "")
        raise SourceError(f"le serveur de {shown} a répondu « {exc.code} {exc.reason} »"
                          f"{meaning}.") from None
    except urllib.error.URLError as exc:
        raise SourceError(f"impossible de joindre {shown} ({_network_reason(exc.reason)}). "
                          "Vérifiez l'adresse et la connexion, puis relancez.") from None
    except TimeoutError:
        raise SourceError(f"pas de réponse de {shown} en {timeout:g} s : le serveur est "
                          "peut-être surchargé, relancez plus tard.") from None
    except (OSError, http.client.HTTPException) as exc:  # cut or malformed answers
        raise SourceError(f"lecture de {shown} interrompue ({_network_reason(exc)}).") from None
    if len(raw) > MAX_BYTES:
        raise SourceError(too_big)
    return raw, final, content_type


# ---------------------------------------------------------------------------------------
# Format and encoding
# ---------------------------------------------------------------------------------------


def _first_char(raw: bytes) -> str:
    head = raw[:64].lstrip(b"\xef\xbb\xbf\xff\xfe \t\r\n\x00")
    return chr(head[0]) if head else ""


def _looks_geojson(raw: bytes) -> bool:
    return re.search(rb'"type"\s*:\s*"(?:FeatureCollection|Feature)"', raw[:4096]) is not None


def _format(raw: bytes, options: SourceOptions, name: str, content_type: str | None,
            shown: str, notes: list[str]) -> str:
    """The format to read: the mapping's, else the content's signature, name or type."""
    is_zip, is_ole = raw.startswith(b"PK\x03\x04"), raw.startswith(b"\xd0\xcf\x11\xe0")
    if is_zip and b"opendocument.spreadsheet" in raw[:200]:
        raise SourceError(f"le fichier source {shown} est un classeur OpenDocument (.ods) : "
                          "enregistrez-le au format .xlsx ou CSV (UTF-8) depuis votre tableur.")
    if is_ole:
        raise SourceError(f"le fichier source {shown} est un classeur Excel ancien (.xls) : "
                          "enregistrez-le au format .xlsx ou CSV (UTF-8) depuis votre tableur.")
    if not is_zip and re.match(rb"\s*<(?:!doctype html|html)", raw[:256], re.IGNORECASE):
        raise SourceError(f"le fichier source {shown} est une page web (HTML), pas un fichier "
                          "de données : donnez l'adresse du fichier lui-même (lien de "
                          "téléchargement).")
    fmt = options.format
    if fmt is not None:
        if fmt not in FORMATS:
            raise SourceError(f"format « {fmt} » inconnu : écrivez csv, xlsx, json ou geojson.")
        if is_zip and fmt != "xlsx":
            raise SourceError(f"le fichier source {shown} est un classeur (.xlsx), pas un "
                              f"fichier {fmt} : écrivez « format: xlsx ».")
        return fmt
    suffix = Path(urllib.parse.urlsplit(name).path).suffix.lower()
    guessed = "xlsx" if is_zip else _EXTENSIONS.get(suffix) or _CONTENT_TYPES.get(
        content_type or "")
    if guessed is None:
        guessed = "json" if _first_char(raw) in ("{", "[") else "csv"
        notes.append(f"format détecté : {guessed.upper()}.")
    if guessed == "json" and _looks_geojson(raw):
        guessed = "geojson"
        if suffix != ".geojson":
            notes.append("format détecté : GeoJSON.")
    return guessed


def _byte_line(raw: bytes, position: int) -> int:
    return raw.count(b"\n", 0, position) + 1


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """Decodes the bytes UTF-8 rejects as Windows-1252 (files pasted from two sources)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start:error.end]
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error("tierslieux-cp1252", _cp1252_fallback)


def _lines_not_utf8(raw: bytes) -> list[int]:
    """Numbers of the lines that are not UTF-8 in a file whose other accented lines are.

    Empty when no accented line is UTF-8 (a plain Windows-1252 or Latin-1 file): French
    text in those encodings essentially never forms valid UTF-8 by chance, line by line.
    """
    utf8, other = 0, []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8 += 1
        except UnicodeDecodeError:
            other.append(number)
    return other if utf8 else []


def _decode(raw: bytes, options: SourceOptions, shown: str, notes: list[str], *,
            say_utf8: bool = True) -> str:
    """The text of the file, in the mapping's encoding or the detected one (said in notes).

    French files come in three encodings: UTF-8 (with or without Excel's BOM), Windows-1252
    (Excel's "CSV" on Windows: it has œ, €, ’ in 0x80-0x9F) and Latin-1 (old tools, which
    have none of these). A fixed rule tells them apart where a statistical detector can
    misread a short file as some other language's code page. Excel's "Unicode text" is
    UTF-16 with a BOM. A UTF-8 file with a few Windows-1252 bytes pasted in is read as
    such, and said. `say_utf8` False: UTF-8 is the rule (JSON), only other encodings are
    worth a note.
    """
    if options.encoding:
        try:
            name = codecs.lookup(options.encoding).name
        except LookupError:
            raise SourceError(f"encodage « {options.encoding} » inconnu : écrivez utf-8, "
                              "cp1252 ou latin-1.") from None
        try:
            return raw.decode("utf-8-sig" if name == "utf-8" else name)
        except UnicodeDecodeError as exc:
            raise SourceError(
                f"le fichier source {shown} n'est pas encodé en {options.encoding} (octet "
                f"0x{raw[exc.start]:02x}, ligne {_byte_line(raw, exc.start)}). Retirez "
                "l'encodage de la correspondance pour qu'il soit détecté, ou corrigez-le "
                "(cp1252 pour un export Excel).") from None
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding == "utf-16":
            raise SourceError(f"le fichier source {shown} commence comme de l'UTF-16 mais ne "
                              f"l'est pas (octet {exc.start}).") from None
        mixed = _lines_not_utf8(raw)
        if mixed:
            shown_lines = ", ".join(map(str, mixed[:5])) + (", ..." if len(mixed) > 5 else "")
            notes.append(f"encodage détecté : UTF-8, sauf {_plural(len(mixed), 'ligne')} en "
                         f"Windows-1252 (ligne{'s' if len(mixed) > 1 else ''} {shown_lines}), "
                         "lue" + ("s" if len(mixed) > 1 else "") + " comme telle : vérifiez "
                         "les accents.")
            return raw.decode(encoding, errors="tierslieux-cp1252")
        encoding = "cp1252" if re.search(rb"[\x80-\x9f]", raw) else "latin-1"
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:  # 0x81, 0x8d, 0x8f, 0x90, 0x9d: not Windows-1252
            text = raw.decode("latin-1")
            notes.append(f"encodage inconnu (octet 0x{raw[exc.start]:02x}, ligne "
                         f"{_byte_line(raw, exc.start)}, n'existe pas en Windows-1252) : lu "
                         "en Latin-1, vérifiez les accents ou indiquez l'encodage.")
            return text
    if say_utf8 or encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"encodage détecté : {_ENCODING_NAMES[encoding]}.")
    return text


# ---------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    """A cell as text: integers without ".0", dates in ISO, booleans as oui/non."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        if all(not isinstance(item, dict | list) for item in value):
            return ", ".join(_cell(item) for item in value if item is not None)
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False, default=str)


def _flatten(record: dict[str, Any], out: dict[str, str], prefix: str = "") -> dict[str, str]:
    """Nested objects as dotted keys ("geolocalisation.lat"); lists as text (see _cell)."""
    for key, value in record.items():
        name = prefix + key if prefix else key
        kind = type(value)
        if kind is str:  # most cells: kept fast for 10,000-record files
            out[name] = value
        elif kind is dict:
            if value:
                _flatten(value, out, f"{name}.")
            else:
                out[name] = ""
        else:
            out[name] = _cell(value)
    return out


def _name_columns(names: list[str], position: Callable[[int], str],
                  notes: list[str]) -> list[str]:
    """Column names made usable: unnamed ones get their position, repeated ones a suffix."""
    out: list[str] = []
    unnamed = []
    for index, name in enumerate(names):
        name = name.strip().lstrip("\ufeff")
        if not name:
            name = position(index)
            unnamed.append(name)
        out.append(name)
    if unnamed:
        notes.append(f"colonnes sans nom dans l'en-tête : nommées {', '.join(unnamed)} "
                     "(leur position).")
    seen: dict[str, int] = {}
    for index, name in enumerate(out):
        if name in seen:
            seen[name] += 1
            out[index] = f"{name} ({seen[name]})"
            notes.append(f"plusieurs colonnes nommées « {name} » : la n° {seen[name]} est "
                         f"appelée « {out[index]} » ; « {name} » désigne la première.")
        else:
            seen[name] = 1
    return out


def _table_rows(records: Iterable[tuple[int, list[str]]], options: SourceOptions,
                position: Callable[[int], str], notes: list[str],
                ) -> tuple[list[str], list[SourceRow]]:
    """Columns and rows of a grid (CSV, sheet, JSON arrays): header, names, cells, blanks.

    `position` names the column at an index when the file gives no name ("1" in a CSV,
    "A" in a sheet, as each tool shows them to the person writing the mapping).
    """
    pending = iter(records)
    columns: list[str]
    buffered: list[tuple[int, list[str]]] = []
    if options.header:
        header: list[str] | None = None
        for _, cells in pending:
            if any(c.strip() for c in cells):
                header = cells
                break
        if header is None:
            return [], []
        while header and not header[-1].strip():  # Excel's trailing empty cells
            header = header[:-1]
        if options.columns:
            columns = list(options.columns)
            notes.append("en-tête du fichier remplacé par les noms de colonnes de la "
                         "correspondance.")
        else:
            columns = _name_columns(header, position, notes)
    elif options.columns:
        columns = list(options.columns)
    else:  # no names: as many positions as the longest record
        buffered = list(pending)
        pending = iter(buffered)
        width = max((len(cells) for _, cells in buffered), default=0)
        columns = [position(i) for i in range(width)]
        if columns:
            named = columns[0] if width == 1 else f"{columns[0]} à {columns[-1]}"
            notes.append(f"fichier sans en-tête : colonnes nommées {named} selon leur "
                         "position.")
    width = len(columns)
    rows: list[SourceRow] = []
    blank = 0
    for number, cells in pending:
        if not "".join(cells).strip():
            blank += 1
            continue
        values = dict(zip(columns, cells, strict=False))
        extra = 0
        if len(cells) < width:
            values.update(dict.fromkeys(columns[len(cells):], ""))
        elif len(cells) > width:
            extra = sum(1 for c in cells[width:] if c.strip())
        rows.append(SourceRow(number, values, extra_cells=extra))
    if blank:
        notes.append(f"{_plural(blank, 'ligne vide')} (sans aucune valeur) "
                     f"ignorée{'s' if blank > 1 else ''}.")
    return columns, rows


# ---------------------------------------------------------------------------------------
# CSV
# ---------------------------------------------------------------------------------------


def _sniff_delimiter(text: str) -> str | None:
    """The delimiter that splits the first records into the same number of cells (>1)."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[:sample.rfind("\n")]
    best, best_score = None, (0.0, 0)
    for delimiter in _DELIMITERS:
        records = [r for r in csv.reader(io.StringIO(sample, newline=""),
                                         delimiter=delimiter) if r][:200]
        if len(records) > 1 and len(text) > len(sample):
            records = records[:-1]  # the last may be cut by the sample
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        share = sum(1 for r in records if len(r) == width) / len(records)
        if (share, width) > best_score:
            best, best_score = delimiter, (share, width)
    return best


def _read_csv(raw: bytes, shown: str, options: SourceOptions,
              notes: list[str]) -> tuple[list[str], list[SourceRow]]:
    text = _decode(raw, options, shown, notes)
    delimiter = options.delimiter
    if delimiter is None:
        delimiter = _sniff_delimiter(text)
        if delimiter is None:
            delimiter = ","
        else:
            notes.append(f"délimiteur détecté : {_DELIMITERS[delimiter]}.")
    if csv.field_size_limit() < MAX_BYTES:  # long descriptions: the file cap is the limit
        csv.field_size_limit(MAX_BYTES)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def records() -> Iterable[tuple[int, list[str]]]:
        line = 0
        try:
            for record in reader:
                yield line + 1, record
                line = reader.line_num
        except csv.Error as exc:
            raise SourceError(f"le fichier source {shown} n'est pas un CSV lisible "
                              f"(ligne {reader.line_num + 1} : {exc}).") from None

    columns, rows = _table_rows(records(), options, lambda i: str(i + 1), notes)
    if options.header and len(columns) == 1 and any(sep in columns[0] for sep in _DELIMITERS):
        raise SourceError(
            f"une seule colonne lue dans l'en-tête de {shown} (« {columns[0][:60]} ») : le "
            f"délimiteur est-il bien « {delimiter} » ? Corrigez-le dans la correspondance, "
            "ou retirez-le pour qu'il soit détecté.")
    return columns, rows


# ---------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------


def _read_xlsx(raw: bytes, shown: str, options: SourceOptions,
               notes: list[str]) -> tuple[list[str], list[SourceRow]]:
    from openpyxl import load_workbook  # only for spreadsheets: keeps other imports light
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"le classeur {shown} est illisible ({type(exc).__name__}) : "
                          "ouvrez-le et enregistrez-le de nouveau au format .xlsx.") from None
    try:
        names = book.sheetnames
        if options.sheet is not None and options.sheet not in names:
            raise SourceError(f"le classeur {shown} n'a pas de feuille « {options.sheet} » "
                              f"(feuilles : {', '.join(names)}).")
        sheet = book[options.sheet] if options.sheet else book.worksheets[0]
        if len(names) > 1:
            notes.append(f"feuille lue : « {sheet.title} » (le classeur en a {len(names)} : "
                         f"{', '.join(names)}).")
        first = sheet.min_row or 1
        grid = [(number, [_cell(v) for v in cells]) for number, cells in
                enumerate(sheet.iter_rows(values_only=True), start=first)]
    finally:
        book.close()
    return _table_rows(grid, options, lambda i: get_column_letter(i + 1), notes)


# ---------------------------------------------------------------------------------------
# JSON and GeoJSON
# ---------------------------------------------------------------------------------------


MAX_JSON_DEPTH = 64  # levels of [ and {: an API's records need a handful


def _nesting_line(text: str) -> int:
    """The line of the first [ or { past MAX_JSON_DEPTH levels (strings skipped)."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return text.count("\n", 0, match.start()) + 1
        elif token in ("]", "}"):
            depth -= 1
    return 1


def _too_deep(data: Any) -> bool:
    """Whether nesting passes MAX_JSON_DEPTH, walked without recursion: flattening a record
    and writing a cell back as JSON recurse once per level, and would crash on it."""
    stack = [(data, 1)] if type(data) in (dict, list) else []
    while stack:
        node, depth = stack.pop()
        for child in node.values() if type(node) is dict else node:
            if type(child) in (dict, list):
                if depth >= MAX_JSON_DEPTH:
                    return True
                stack.append((child, depth + 1))
    return False


def _load_json(raw: bytes, shown: str, options: SourceOptions, notes: list[str]) -> Any:
    text = _decode(raw, options, shown, notes, say_utf8=False)
    try:
        data = _parse_json(text, shown, notes)
    except RecursionError:  # json.loads recurses once per level too
        data, deep = None, True
    else:
        deep = _too_deep(data)
    if deep:
        raise SourceError(f"le fichier source {shown} contient des listes ou des objets "
                          f"imbriqués sur plus de {MAX_JSON_DEPTH} niveaux (ligne "
                          f"{_nesting_line(text)}) : ce n'est pas une liste d'enregistrements "
                          "lisible.")
    return data


def _parse_json(text: str, shown: str, notes: list[str]) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data":  # JSON Lines: one object per line
            try:
                records = [json.loads(line) for line in text.splitlines() if line.strip()]
            except json.JSONDecodeError:
                pass
            else:
                notes.append("format détecté : JSON Lines (un objet par ligne).")
                return records
        raise SourceError(f"le fichier source {shown} n'est pas un JSON valide (ligne "
                          f"{exc.lineno}, colonne {exc.colno} : {exc.msg}).") from None


def _find_records(data: Any, shown: str, root: str | None, notes: list[str]) -> list[Any]:
    """The array of records: at `root`, or the data itself, or the first array found."""
    if root:
        node = data
        walked: list[str] = []
        for key in root.split("."):
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                where = f"« {'.'.join(walked)} »" if walked else "le haut du fichier"
                keys = ", ".join(list(node)[:20]) if isinstance(node, dict) else "aucune clé"
                raise SourceError(f"pas de « {key} » dans {where} de {shown} (racine "
                                  f"« {root} ») ; clés présentes : {keys}.")
            walked.append(key)
        if not isinstance(node, list):
            raise SourceError(f"« {root} » dans {shown} n'est pas une liste d'enregistrements "
                              f"mais {_describe_json(node)}.")
        return node
    if isinstance(data, list):
        return data
    # Breadth first: the top object's arrays, then those of its objects, and so on.
    queue: list[tuple[str, Any]] = [("", data)]
    found: list[tuple[str, list[Any]]] = []
    while queue and len(found) < 5:
        path, node = queue.pop(0)
        if isinstance(node, dict):
            for key, value in node.items():
                sub = f"{path}.{key}" if path else str(key)
                if isinstance(value, list) and any(isinstance(v, dict) for v in value):
                    found.append((sub, value))
                elif isinstance(value, dict):
                    queue.append((sub, value))
    if not found:
        raise SourceError(f"le fichier source {shown} ne contient aucune liste "
                          "d'enregistrements (un tableau d'objets) : indiquez où ils sont avec "
                          "la racine (par exemple « data.lieux »).")
    path, records = found[0]
    others = f" ; autres listes : {', '.join(p for p, _ in found[1:])}" if found[1:] else ""
    notes.append(f"enregistrements lus dans « {path} » ({_plural(len(records), 'élément')})"
                 f"{others}. Indiquez la racine dans la correspondance pour en choisir une "
                 "autre." if others else
                 f"enregistrements lus dans « {path} » ({_plural(len(records), 'élément')}).")
    return records


def _describe_json(value: Any) -> str:
    if isinstance(value, dict):
        return "un objet"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, str):
        return f"le texte « {value[:40]} »"
    return f"la valeur {json.dumps(value)}"


def _lookup(record: Any, path: str) -> Any:
    """The value at a dotted path ("geolocalisation.lat", "coordinates.0"), or None."""
    if isinstance(record, dict) and path in record:
        return record[path]
    node = record
    for key in path.split("."):
        if isinstance(node, dict):
            node = node.get(key)
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


Cells = tuple[Any, Any] | str | None  # (latitude, longitude), a French problem, or nothing


def _coordinate_cells(record: Any, options: SourceOptions,
                      get: Callable[[Any, str], Any]) -> Cells:
    """(latitude cell, longitude cell) of a record, from the mapping's column(s).

    One column for both holds "lat, lon" text, a [lat, lon] list (Opendatasoft's
    geo_point_2d), a {"lat": .., "lon": ..} object, or a WKT "POINT (x y)".
    """
    if not options.latitude or not options.longitude:
        return None
    if options.latitude != options.longitude:
        return get(record, options.latitude), get(record, options.longitude)
    combined = get(record, options.latitude)
    if isinstance(combined, list) and len(combined) == 2:
        return combined[0], combined[1]
    if isinstance(combined, dict):
        lat = next((combined[k] for k in ("lat", "latitude", "y") if k in combined), None)
        lon = next((combined[k] for k in ("lon", "lng", "longitude", "x") if k in combined),
                   None)
        return lat, lon
    text = _cell(combined).strip()
    if not text:
        return None
    return split_pair(text) or (f"coordonnées illisibles : « {text[:40]} » (attendu : "
                                "latitude et longitude, par exemple « 48.1113, -1.6802 »)")


def _read_json(raw: bytes, shown: str, options: SourceOptions, notes: list[str],
               ) -> tuple[list[str], list[SourceRow], list[Cells]]:
    records = _find_records(_load_json(raw, shown, options, notes), shown, options.root, notes)
    if records and all(isinstance(r, list) for r in records):  # a table: [[names], [cells]]
        notes.append("enregistrements sous forme de listes : lus comme un tableau"
                     + (" dont la première liste nomme les colonnes." if options.header
                        else "."))
        grid = [(n, [_cell(c) for c in r]) for n, r in enumerate(records, start=1)]
        columns, rows = _table_rows(grid, options, lambda i: str(i + 1), notes)
        return columns, rows, [_coordinate_cells(r.values, options, _get) for r in rows]
    columns: dict[str, None] = {}
    rows: list[SourceRow] = []
    cells: list[Cells] = []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            cells.append(f"élément n° {number} illisible : {_describe_json(record)} au lieu "
                         "d'un objet")
            rows.append(SourceRow(number, {}))
            continue
        values = _flatten(record, {})
        columns.update(dict.fromkeys(values))
        rows.append(SourceRow(number, values))
        cells.append(_coordinate_cells(record, options, _lookup))
    return list(columns), rows, cells


def _get(values: dict[str, str], column: str) -> str | None:
    return values.get(column)


def _geojson_crs(data: dict[str, Any], shown: str) -> str | None:
    """The CRS named by an old GeoJSON's "crs" member (2008 specification), if any."""
    member = data.get("crs")
    if not isinstance(member, dict):
        return None
    props = member.get("properties")
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str) or not name.strip():
        return None
    if problem := crs_problem(name):
        raise SourceError(f"le fichier source {shown} annonce une projection illisible : {problem}")
    return name


def _feature_cells(feature: dict[str, Any], props: dict[str, Any], row: SourceRow,
                   options: SourceOptions) -> Cells:
    """(latitude, longitude) of a feature's Point (first of a MultiPoint), or why not.

    A feature without geometry takes the mapping's latitude and longitude properties
    when it names them; otherwise it has a problem, since a GeoJSON says where its
    features are or is not a usable GeoJSON.
    """
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict) or geometry.get("type") is None:
        if options.latitude and options.longitude:
            return _coordinate_cells(props, options, _lookup)
        return "géométrie absente (pas de coordonnées)"
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "MultiPoint" and isinstance(coords, list) and coords:
        if len(coords) > 1:
            row.notes.append(f"géométrie à {len(coords)} points : le premier est retenu")
        coords = coords[0]
    elif kind != "Point":
        return f"géométrie de type « {kind} » : seuls les points (Point) sont acceptés"
    if not (isinstance(coords, list) and len(coords) >= 2):
        return "coordonnées du point illisibles"
    return coords[1], coords[0]


def _read_geojson(raw: bytes, shown: str, options: SourceOptions, notes: list[str],
                  ) -> tuple[list[str], list[SourceRow], list[Cells], str | None]:
    data = _load_json(raw, shown, options, notes)
    if isinstance(data, dict) and data.get("type") == "Feature":
        features: Any = [data]
    elif isinstance(data, dict) and data.get("type") == "FeatureCollection":
        features = data.get("features")
    else:
        features = None
    if not isinstance(features, list):
        raise SourceError(f"le fichier source {shown} n'est pas un GeoJSON « FeatureCollection »"
                          " (une liste « features » de points).")
    crs = _geojson_crs(data, shown)
    columns: dict[str, None] = {}
    rows: list[SourceRow] = []
    cells: list[Cells] = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            rows.append(SourceRow(number, {}))
            cells.append(f"élément n° {number} : {_describe_json(feature)} au lieu d'un objet "
                         "GeoJSON « Feature »")
            continue
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        values = _flatten(props, {})
        if "id" not in values and isinstance(feature.get("id"), str | int):
            values["id"] = _cell(feature["id"])  # the feature's own id, for syncs
        columns.update(dict.fromkeys(values))
        row = SourceRow(number, values)
        rows.append(row)
        cells.append(_feature_cells(feature, props, row, options))
    multipoints = sum(1 for r in rows if r.notes)
    if multipoints:
        notes.append(f"géométries à plusieurs points sur {_plural(multipoints, 'ligne')} : "
                     "le premier point est retenu.")
    return list(columns), rows, cells, crs


# ---------------------------------------------------------------------------------------
# Reading a source
# ---------------------------------------------------------------------------------------


def read_source(location: str | Path, options: SourceOptions, *, timeout: float = 30) -> Source:
    """Every record of a file or an http(s) URL, as rows; SourceError (French) otherwise.

    A URL is fetched once with urllib (for scheduled syncs), within `timeout` seconds per
    network operation and MAX_BYTES. Nothing is dropped silently: each record is one row,
    except records with no value at all in a CSV or a sheet, whose count is in the notes.
    """
    if options.crs is not None and (problem := crs_problem(options.crs)):
        raise SourceError(problem)
    if _is_url(location):
        url = str(location)
        raw, name, content_type = _fetch(url, timeout)
        shown = _shown_url(url)
    else:
        path = Path(location)
        raw, name, content_type = _read_file(path), path.name, None
        shown = display_path(path)
    if not raw.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise SourceError(f"le fichier source {shown} est vide.")
    notes: list[str] = []
    fmt = _format(raw, options, name, content_type, shown, notes)
    crs, crs_origin = options.crs, ""
    cells: list[Cells]
    if fmt == "geojson":
        columns, rows, cells, file_crs = _read_geojson(raw, shown, options, notes)
        if crs is None and file_crs is not None:
            crs, crs_origin = file_crs, " annoncée par le fichier (membre « crs »)"
    elif fmt == "json":
        columns, rows, cells = _read_json(raw, shown, options, notes)
    else:
        reader = _read_csv if fmt == "csv" else _read_xlsx
        columns, rows = reader(raw, shown, options, notes)
        if not columns:
            raise SourceError(f"le fichier source {shown} est vide (pas même une ligne "
                              "d'en-tête).")
        cells = [_coordinate_cells(row.values, options, _get) for row in rows]
    if options.id_column and rows and options.id_column not in columns:
        notes.append(f"colonne d'identifiant « {options.id_column} » absente de la source.")
    if options.latitude and options.longitude and rows and all(c is None for c in cells):
        named = " et ".join(f"« {n} »" for n in dict.fromkeys(
            (options.latitude, options.longitude)))
        notes.append(f"coordonnées ({named}) absentes ou vides sur toutes les lignes.")
    pairs = [c if not isinstance(c, str) else None for c in cells]
    points, point_notes = locate(pairs, crs, crs_origin=crs_origin)
    for row, cell, point in zip(rows, cells, points, strict=True):
        row.lat, row.lon = point.lat, point.lon
        row.location_problem = cell if isinstance(cell, str) else point.problem
        if point.note:
            row.notes.append(point.note)
    return Source(columns, rows, notes + point_notes, fmt)
