"""Placing a source row in its commune, the way people actually write communes.

Why: networks' files write « ST MALO », « Salleboeuf », « Mans (Le) », « Bordeaux Cedex »,
a former commune merged years ago, a postcode that lost its leading zero in a spreadsheet,
or pack « 33000 Bordeaux » at the end of the street address. A strict comparison lost a
third of some files; a scan of the 35,000 communes per row took 0.2 s. This module builds
dictionaries once per ReferenceData (names, postcodes, former communes, territories) and
resolves a row with a few lookups, correcting what the official data can prove and noting
every correction (in French, for the import report). It never guesses: when the data does
not single out one commune and one postcode, the row gets a reason instead.

Rules, in order:

- Inputs are cleaned: a postcode or INSEE code of 4 digits gets its leading zero back
  (noted); « 33000 Bordeaux » or « Bordeaux (33000) » in the commune cell, and
  « 8 rue X - 33000 Bordeaux » at the end of the address, are split into postcode and
  commune (the address is handed back without them; « BP 70061 » and « CS 90230 » are
  mailboxes, not postcodes).
- Names are compared by ``match_key``: case, accents, ligatures (œ, æ, ß), hyphens,
  apostrophes, dots, « St »/« Ste », « S/ » for « sur », a trailing « Cedex 9 » and the
  inverted article « Mans (Le) » do not matter. A parenthesised territory « (La Réunion) »,
  « (93) » or « (Corse) » is a hint that narrows same-name communes. A name unknown with its
  article (or without one) is looked up without any article.
- A name still unknown is tried without stray spaces (« N ancy »), without a trailing
  territory or « France », and part by part (« Rennes - Université Rennes 1 »). Then,
  only among the communes of the row's postcode: the one whose name contains it
  (« Saint-Ouen » 93400 is Saint-Ouen-sur-Seine), else a clearly closest spelling
  (« Arceuil » 94110), with a note. Being the postcode's only commune is not enough.
- Communes déléguées and associées (the reference data lists them with their chef-lieu)
  lead to today's commune, with a note; so do former INSEE codes.
- Same-name communes: the postcode decides, then the postcode's département (a CEDEX or
  mistyped postcode), then the territory hint, then the coordinates' territory (mainland,
  each overseas département), then the nearest commune position when a ``position_of``
  function is given. Otherwise the reason lists the candidates with their département.
- The postcode written is the one given when it is the commune's, else one found in the
  address or the commune cell, else the commune's only postcode (noted). A commune with
  several postcodes and none of them given is a reason, never a guess.
- « Paris », « Lyon », « Marseille » with the postcode of one arrondissement give that
  arrondissement, as refdata.find_commune does (the validator accepts both codes and
  names « Paris » for an arrondissement of Paris); an INSEE code is taken as given.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path

import orjson

from ..model.paths import REFERENCE_DIR
from ..reference.refdata import Commune, ReferenceData

PositionOf = Callable[[Commune], tuple[float, float] | None]
"""The (latitude, longitude) of a commune's centre, or None when unknown."""

# ---------------------------------------------------------------------------------------
# Name keys
# ---------------------------------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLES = frozenset({"le", "la", "les", "l"})
_SOUS = re.compile(r"\bs\s*/\s*s\b")  # "Bry s/s Bois"
_SUR = re.compile(r"\bs\s*/")  # "Boulogne S/ Mer", "Boulogne-s/-Mer"
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_PUNCTUATION = re.compile(r"[^\w\s/]+")  # apostrophes, dashes, dots: before NFKD drops them
_ARRONDISSEMENT = re.compile(
    r"(paris|lyon|marseille) 0?(\d{1,2}) ?(?:er|re|eme|ieme|em|e|me)?"
    r"(?: (?:arrondissement|arrondt|arrdt|ardt|arr))?")
_ARRONDISSEMENTS = {"paris": 20, "lyon": 9, "marseille": 16}
_QUALIFIER = re.compile(r"(.*?)\s*\(([^()]*)\)?\s*")  # the ")" may be cut off
_COMMA_ARTICLE = re.compile(r"(.+?)\s*,\s*(le|la|les|l'|l’)\s*", re.IGNORECASE)


def _words(text: str) -> list[str]:
    """Lowercase ASCII words, with the abbreviations of commune names spelt out."""
    folded = _PUNCTUATION.sub(" ", text.casefold().translate(_LIGATURES))
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode("ascii")
    if "/" in plain:
        plain = _SUR.sub(" sur ", _SOUS.sub(" sous ", plain))
    words = [_ABBREVIATIONS.get(w, w) for w in _NOT_WORD.sub(" ", plain).split()]
    if "cedex" in words[1:]:  # "Bordeaux Cedex 09": a delivery service, not a commune
        at = words.index("cedex", 1)
        if all(w.isdigit() for w in words[at + 1:]):
            words = words[:at]
    return words


def _joined(words: list[str]) -> str:
    key = " ".join(words)
    arrondissement = _ARRONDISSEMENT.fullmatch(key)
    if arrondissement:  # "Paris 11e", "PARIS 11EME ARR." -> the official "Paris 11e Arrondissement"
        city, number = arrondissement.group(1), int(arrondissement.group(2))
        if 1 <= number <= _ARRONDISSEMENTS[city]:  # "Paris 75" is the département
            key = f"{city} {number}{'er' if number == 1 else 'e'} arrondissement"
    return key


def _unqualified(name: str) -> tuple[str, str | None]:
    """(name, trailing qualifier): « Mans (Le) » becomes « Le Mans », without qualifier."""
    text = name.strip()
    qualifier = None
    if "(" not in text and "," not in text:
        return text, None
    for _ in range(2):  # "Mans (Le) (72)"
        inverted = _COMMA_ARTICLE.fullmatch(text)
        if inverted:
            text = f"{inverted.group(2)} {inverted.group(1)}"
            continue
        match = _QUALIFIER.fullmatch(text)
        if not match or not match.group(1):
            break
        outer, inner = match.group(1), match.group(2)
        if " ".join(_words(inner)) in _ARTICLES:
            text = f"{inner} {outer}"
        else:
            text, qualifier = outer, inner
    return text, qualifier


@lru_cache(maxsize=65536)
def _keys(name: str) -> tuple[str, str]:
    """(full key, match key): rows repeat the same communes, so both are kept."""
    text, qualifier = _unqualified(name)
    words = _words(text)
    key = _joined(words)
    if qualifier is None:
        return key, key
    return _joined(words + _words(qualifier)), key


def match_key(name: str) -> str:
    """The key two spellings of one commune name share.

    Case, accents, ligatures, hyphens, apostrophes, dots, « St »/« Ste », « S/ » (sur),
    a trailing « Cedex NN » and a trailing parenthesised qualifier (« (93) »,
    « (La Réunion) ») are ignored; an inverted article (« Mans (Le) », « Mans, Le ») is put
    back in front. The article itself is kept: « Le Mans » and « Mans » are different keys
    (the index falls back to article-free keys only when the name is not found).
    """
    return _keys(name)[1]


def _full_key(name: str) -> str:
    """Like match_key, but a non-article qualifier stays part of the name.

    A handful of official names carry one (« Château-Chinon (Ville) » and « (Campagne) »);
    the full key keeps them apart when the source writes the qualifier.
    """
    return _keys(name)[0]


def _bare(key: str) -> str:
    """The key without its leading article (« la rochelle » -> « rochelle »)."""
    first, _, rest = key.partition(" ")
    return rest if first in _ARTICLES and rest else key


# ---------------------------------------------------------------------------------------
# The index
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Named:
    """A commune reached through a name; ``former`` is set when that name is a former one."""

    commune: Commune
    former: str | None = None


class CommuneIndex:
    """Dictionaries over the reference data, built once, so that a row costs a few lookups.

    ReferenceData keeps the names of communes déléguées only when they share the code of
    today's commune; the others (for example Béon, now part of Culoz-Béon) are read here from
    the same official file, with their chef-lieu.
    """

    def __init__(self, ref: ReferenceData, directory: Path = REFERENCE_DIR) -> None:
        self.ref = ref
        self.by_key: dict[str, list[_Named]] = {}
        self.by_bare_key: dict[str, list[_Named]] = {}
        self.by_squashed_key: dict[str, list[_Named]] = {}  # "N ancy", "Crac'h"
        self.by_postcode: dict[str, list[Commune]] = {}
        self.by_prefix: dict[str, set[str]] = {}  # "33", "971": départements of those codes
        self.arrondissements: dict[str, list[Commune]] = {}
        self.former_names: dict[str, str] = {}  # INSEE code of a former commune -> its name
        for commune in ref.communes.values():
            self._add_name(commune.nom, _Named(commune))
            for other in commune.other_names:
                self._add_name(other, _Named(commune, other))
            if commune.parent:
                self.arrondissements.setdefault(commune.parent, []).append(commune)
            else:
                for postcode in commune.codes_postaux:
                    self.by_postcode.setdefault(postcode, []).append(commune)
                    self.by_prefix.setdefault(_prefix(postcode), set()).add(commune.departement)
        for entry in _secondary_communes(directory):
            today = ref.communes.get(entry["chefLieu"])
            if today is not None:
                self._add_name(entry["nom"], _Named(today, entry["nom"]))
                if entry["code"] not in ref.communes:
                    self.former_names.setdefault(entry["code"], entry["nom"])
        self.territories = self._territories()

    def _add_name(self, name: str, named: _Named) -> None:
        full, key = _keys(name)
        keys = (key,) if full == key else (full, key)
        for k in keys:
            _add(self.by_key, k, named)
            _add(self.by_bare_key, _bare(k), named)
            _add(self.by_squashed_key, k.replace(" ", ""), named)

    def _territories(self) -> dict[str, frozenset[str]]:
        """Territory words found in parentheses (code, département, région) -> départements."""
        in_region: dict[str, set[str]] = {}
        for commune in self.ref.communes.values():
            in_region.setdefault(commune.region, set()).add(commune.departement)
        found: dict[str, frozenset[str]] = {}
        for code, territory in self.ref.departements.items():
            for key in (match_key(code), match_key(territory.nom), _bare(match_key(territory.nom))):
                found.setdefault(key, frozenset({code}))
        for code, territory in self.ref.regions.items():
            deps = frozenset(in_region.get(code, ()))
            for key in (match_key(territory.nom), _bare(match_key(territory.nom))):
                if deps:
                    found.setdefault(key, deps)
        return found

    def named(self, name: str) -> list[_Named]:
        """The communes a name designates, today's names first; [] when unknown."""
        return (self.by_key.get(_full_key(name)) or self.by_key.get(match_key(name))
                or self.by_bare_key.get(_bare(match_key(name))) or [])

    def loosely_named(self, name: str) -> tuple[list[_Named], frozenset[str] | None, str]:
        """Communes for a name that is not one as written, and the territory it named.

        Tried in turn, each only when the previous fails: letters split by a stray space
        (« N ancy »), a territory or « France » after the name (« Baie Mahault
        Guadeloupe », « Paris - France »), one part of a name with a remark
        (« Rennes - Université Rennes 1 »).
        """
        key = match_key(name)
        found = self.by_squashed_key.get(key.replace(" ", ""))
        if found:
            return found, None, ""
        words = key.split()
        for size in (3, 2, 1):
            tail = " ".join(words[-size:])
            if len(words) <= size or words[-size - 1] in ("de", "en"):
                continue
            deps = self.territories.get(tail) or (frozenset() if tail == "france" else None)
            if deps is not None:
                rest = " ".join(words[:-size])
                found = self.by_key.get(rest) or self.by_bare_key.get(_bare(rest))
                if found:
                    return found, deps or None, tail
        parts = [p for p in re.split(r"\s+[-–—/]\s+|,", name) if p.strip()]
        if len(parts) > 1:
            for part in parts:
                found = self.named(part)
                if found:
                    return found, None, ""
        return [], None, ""

    def postcode_departements(self, postcode: str) -> frozenset[str]:
        """Départements a postcode belongs to.

        A CEDEX or mistyped code is no commune's: its first digits tell the département,
        through the official codes that share them (« 20 » is Corse-du-Sud and Haute-Corse,
        « 971 » also Saint-Barthélemy and Saint-Martin, « 06 » a commune of the 04).
        """
        owners = self.by_postcode.get(postcode)
        if owners:
            return frozenset(c.departement for c in owners)
        return frozenset(self.by_prefix.get(_prefix(postcode), ()))

    def departement_name(self, code: str) -> str:
        territory = self.ref.departements.get(code)
        return territory.nom if territory else code


def _prefix(postcode: str) -> str:
    return postcode[:3] if postcode[:2] in ("97", "98") else postcode[:2]


def _add(index: dict[str, list[_Named]], key: str, named: _Named) -> None:
    """Add a commune once per key; a current name beats a former name of the same commune."""
    entries = index.get(key)
    if entries is None:
        index[key] = [named]
        return
    for at, existing in enumerate(entries):
        if existing.commune.code == named.commune.code:
            if existing.former and not named.former:
                entries[at] = named
            return
    entries.append(named)


@cache
def _secondary_communes(directory: Path) -> tuple[dict[str, str], ...]:
    raw = orjson.loads((directory / "communes.json").read_bytes())
    return tuple({"code": c["code"], "nom": c["nom"], "chefLieu": c["chefLieu"]}
                 for c in raw if c["type"] in ("commune-deleguee", "commune-associee")
                 and c.get("chefLieu"))


@cache
def commune_index(ref: ReferenceData) -> CommuneIndex:
    """The index of a ReferenceData, built on first use (about a second) and kept."""
    return CommuneIndex(ref)


# ---------------------------------------------------------------------------------------
# Reading the cells
# ---------------------------------------------------------------------------------------

_POSTCODE_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{2} ?[0-9]{3}|[0-9]{4})(?![0-9])")
_PACKED = re.compile(
    r"(?P<street>.*?[^\s,;–—-])[\s,;–—-]+(?P<pc>[0-9]{2} ?[0-9]{3})"
    r"\s+(?P<city>[^0-9,;]*?[^\W\d_][^0-9,;]*?)(?:\s+cedex\s*[0-9]{0,2})?"
    r"(?:\s*[,;–—-]?\s*france)?\s*", re.IGNORECASE)
_NAME_THEN_POSTCODE = re.compile(r"(.*?[^\W\d_].*?)[\s,;–—-]*\(?([0-9]{5})\)?\s*")
_POSTCODE_THEN_NAME = re.compile(r"([0-9]{5})[\s,;–—-]+(.*?[^\W\d_].*)")
# "BP 70061 Lyon", "CS 90230 Villeurbanne": a mailbox number, not a postcode.
_MAILBOX = re.compile(r"\b(?:bp|b\.p\.|cs|tsa|cp|case postale)\s*$", re.IGNORECASE)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.isalnum():
        return value
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def _read_code(value: str | None, what: str, notes: list[str]) -> str | None:
    """A postcode or INSEE code with its lost leading zero back (« 1053 » -> « 01053 »)."""
    if value is None:
        return None
    code = re.sub(r"\.0+$", "", value.replace(" ", "")).upper()
    if re.fullmatch(r"[0-9]{4}", code):
        notes.append(f"{what} {code} complété en 0{code}")
        return "0" + code
    return code


@dataclass
class _Row:
    """The cells of a row once cleaned: what locate works from."""

    postcode: str | None = None
    name: str | None = None  # as written in the source, for the notes
    lookup_name: str | None = None  # without its postcode or territory qualifier
    cedex: bool = False
    hint: frozenset[str] | None = None  # départements named by a qualifier
    hint_label: str | None = None
    extra_postcodes: list[tuple[str, str]] = field(default_factory=list)  # (code, where)
    packed: str | None = None  # "33000 Bordeaux" as found at the end of the address
    packed_name: str | None = None
    street: str | None = None
    name_noted: bool = False  # a note already says how the name was understood


def _read_row(index: CommuneIndex, postcode: str | None, name: str | None,
              address: str | None, notes: list[str]) -> _Row:
    row = _Row()
    text = _text(postcode)
    if text and len(text) == 5 and text.isdigit():
        row.postcode = text
    elif text:
        row.cedex = "cedex" in text.casefold()
        found = _POSTCODE_IN_TEXT.search(text)
        if found:
            row.postcode = _read_code(found.group(1), "code postal", notes)
            rest = _text(text[:found.start()] + " " + text[found.end():])
            if rest and not name and re.search(r"[^\W\d_]", re.sub(r"(?i)cedex", "", rest)):
                name = rest  # "33000 Bordeaux" in the postcode cell
                notes.append(f"commune absente : « {rest} », tirée du code postal « {text} »")
        else:
            notes.append(f"code postal « {text} » illisible : non repris")
    row.name = _text(name)
    if row.name:
        row.cedex = row.cedex or "cedex" in row.name.casefold()
        lookup = row.name
        packed = any(c.isdigit() for c in lookup) and (
            _POSTCODE_THEN_NAME.fullmatch(lookup) or _NAME_THEN_POSTCODE.fullmatch(lookup))
        if packed:
            code, lookup = ((packed.group(1), packed.group(2)) if packed.re is _POSTCODE_THEN_NAME
                            else (packed.group(2), packed.group(1)))
            row.extra_postcodes.append((code, "commune"))
        plain, qualifier = _unqualified(lookup)
        if qualifier is not None:
            key = match_key(qualifier)
            if re.fullmatch(r"[0-9]{5}", key):
                row.extra_postcodes.append((key, "commune"))
            elif key in index.territories:
                row.hint, row.hint_label = index.territories[key], qualifier
            else:
                plain = lookup  # "Château-Chinon (Ville)": part of the name
        row.lookup_name = plain
    text = _text(address)
    if text and any(c.isdigit() for c in text):
        packed_address = _PACKED.fullmatch(text)
        if packed_address and not _MAILBOX.search(packed_address.group("street")):
            row.street = packed_address.group("street")
            row.packed = text[packed_address.end("street"):].strip(" ,;–—-")
            row.packed_name = packed_address.group("city")
            code = packed_address.group("pc").replace(" ", "")
            row.extra_postcodes.append((code, "adresse"))
            row.cedex = row.cedex or "cedex" in row.packed.casefold()
    if not row.postcode and row.extra_postcodes:
        row.postcode, where = row.extra_postcodes[0]
        source = "de l'adresse" if where == "adresse" else "de la commune"
        notes.append(f"code postal absent : {row.postcode}, tiré {source}")
    if not row.lookup_name and row.packed_name:
        row.name = row.lookup_name = row.packed_name
        notes.append(f"commune absente : « {row.packed_name} », tirée de l'adresse")
    return row


# ---------------------------------------------------------------------------------------
# Locating
# ---------------------------------------------------------------------------------------


@dataclass
class Located:
    """Where a row is: its commune and the postcode to write, or why it cannot be placed.

    ``address`` is set when a postcode and commune packed at the end of the address were
    split out: it is the street part, to write instead of the source's address.
    """

    commune: Commune | None = None
    postcode: str | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None
    address: str | None = None


def _of(name: str) -> str:
    """« de » before a commune name, French-style: « d'Ajaccio », « du Mans », « des Ulis »."""
    first, _, rest = name.partition(" ")
    if first == "Le" and rest:
        return f"du {rest}"
    if first == "Les" and rest:
        return f"des {rest}"
    if name[:1] in "AEIOUYÂÊÎÔÛÉÈÀ":
        return f"d'{name}"
    return f"de {name}"


def _listing(index: CommuneIndex, communes: Iterable[Commune | _Named]) -> str:
    shown = []
    for item in communes:
        commune = item.commune if isinstance(item, _Named) else item
        former = item.former if isinstance(item, _Named) else None
        where = index.departement_name(commune.departement)
        if former and match_key(former) != match_key(commune.nom):
            where += f", ancienne commune {former}"
        shown.append(f"{commune.nom} ({commune.code}, {where})")
    return ", ".join(shown[:6]) + (", …" if len(shown) > 6 else "")


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0 * math.asin(math.sqrt(h))


NEAREST_MAX_KM = 40.0
NEAREST_RATIO = 2.0


def nearest(communes: list[Commune], lat: float, lon: float,
            position_of: PositionOf) -> tuple[Commune, float] | None:
    """The commune clearly nearest to a point: within 40 km, and the next one twice as far.

    Why the margin: a venue lies within its commune, which can be 20 km across, while
    same-name communes are usually in other départements. A point halfway between two
    candidates, or far from all, proves nothing, and the row is better rejected.
    """
    ranked = sorted((_distance_km((lat, lon), where), c.code, c)
                    for c in communes if (where := position_of(c)) is not None)
    if not ranked or ranked[0][0] > NEAREST_MAX_KM:
        return None
    if len(ranked) < len(communes):  # a candidate without position could be the right one
        return None
    if len(ranked) > 1 and ranked[1][0] < NEAREST_RATIO * ranked[0][0]:
        return None
    return ranked[0][2], ranked[0][0]


def locate(index: CommuneIndex, *, postcode: str | None = None, name: str | None = None,
           insee: str | None = None, lat: float | None = None, lon: float | None = None,
           address: str | None = None,
           position_of: PositionOf | None = None) -> Located:
    """The commune and postcode of a source row, with a French note for each correction.

    Why one entry point: the importer hands over whatever cells the mapping found; the
    rules (module docstring) decide which ones to trust. ``position_of`` gives commune
    centres to tell same-name communes apart by the row's coordinates; without it only the
    territory of the coordinates is used.
    """
    out = Located()
    try:
        _locate(index, out, postcode, name, insee, lat, lon, address, position_of)
    except _Reason as reason:
        out.commune, out.postcode, out.address, out.reason = None, None, None, str(reason)
    return out


class _Reason(Exception):
    """Raised inside the lookup when a row cannot be placed; carries the French reason."""


def _locate(index: CommuneIndex, out: Located, postcode: str | None, name: str | None,
            insee: str | None, lat: float | None, lon: float | None, address: str | None,
            position_of: PositionOf | None) -> None:
    code = _read_code(_text(insee), "code INSEE", out.notes)
    row = _read_row(index, postcode, name, address, out.notes)
    commune: Commune | None = None
    former: str | None = None
    why_postcode = ""
    by_insee = False  # an INSEE code is taken as given: no arrondissement from the postcode
    if code:
        commune = _by_insee(index, code, row, out.notes)
        by_insee = commune is not None
        if commune is None and not (row.lookup_name or row.postcode):
            raise _Reason(f"code INSEE « {code} » inconnu du référentiel officiel")
    if commune is None and row.lookup_name:
        commune, former, why_postcode = _by_name(index, row, lat, lon, position_of, out.notes)
    elif commune is None:
        commune = _by_postcode_only(index, row, lat, lon, position_of, out.notes)
    chosen = _choose_postcode(index, commune, row, why_postcode, out.notes)
    if not by_insee and commune.code in index.arrondissements:
        within = [a for a in index.arrondissements[commune.code] if chosen in a.codes_postaux]
        if len(within) == 1:
            commune = within[0]
    out.commune, out.postcode = commune, chosen
    _name_note(index, row, commune, former, by_insee, out.notes)
    if row.street is not None and row.packed:
        if not row.packed_name or _designates(index, row.packed_name, commune):
            out.address = row.street
            out.notes.append(f"adresse : « {row.packed} » retiré de la rue "
                             "(code postal et commune à part)")
        else:
            out.notes.append(f"adresse : elle se termine par « {row.packed} », qui n'est pas "
                             f"la commune retenue ({commune.nom}) ; laissée telle quelle")


def _designates(index: CommuneIndex, name: str, commune: Commune) -> bool:
    """Whether a name is one of a commune's names (its own, a former one, its city's)."""
    codes = {n.commune.code for n in index.named(name)}
    return commune.code in codes or (commune.parent in codes)


def _by_insee(index: CommuneIndex, code: str, row: _Row, notes: list[str]) -> Commune | None:
    ref = index.ref
    commune = ref.commune(code)
    if commune is not None:
        return commune
    if code in ref.former_codes:
        commune = ref.commune(ref.former_codes[code])
        if commune is not None:
            old = index.former_names.get(code)
            what = f"ancienne commune « {old} »" if old else "ancienne commune"
            notes.append(f"code INSEE {code} ({what}) remplacé par {commune.code}, "
                         f"celui {_of(commune.nom)}")
            return commune
    if re.fullmatch(r"20[0-9]{3}", code):  # Corsica before 1976: 20xxx, now 2Axxx or 2Bxxx
        options = [c for c in (ref.commune(f"2A{code[2:]}"), ref.commune(f"2B{code[2:]}"))
                   if c is not None and _fits(index, c, row)]
        if len(options) == 1:
            notes.append(f"code INSEE {code} (ancienne numérotation de la Corse) remplacé "
                         f"par {options[0].code}, celui {_of(options[0].nom)}")
            return options[0]
    if row.lookup_name or row.postcode:
        notes.append(f"code INSEE « {code} » inconnu du référentiel officiel : commune "
                     "cherchée d'après son nom et son code postal")
    return None


def _fits(index: CommuneIndex, commune: Commune, row: _Row) -> bool:
    """Whether a commune agrees with the row's name, else its postcode."""
    if row.lookup_name:
        return _designates(index, row.lookup_name, commune)
    return bool(row.postcode and row.postcode in commune.codes_postaux)


def _postcodes(row: _Row) -> set[str]:
    codes = {code for code, _ in row.extra_postcodes}
    if row.postcode:
        codes.add(row.postcode)
    return codes


def _by_name(index: CommuneIndex, row: _Row, lat: float | None, lon: float | None,
             position_of: PositionOf | None,
             notes: list[str]) -> tuple[Commune, str | None, str]:
    """(commune, former name or None, why the postcode is not its own); raises _Reason."""
    assert row.lookup_name is not None
    shown = row.name or row.lookup_name
    named = index.named(row.lookup_name)
    postcodes = _postcodes(row)
    if not named:
        named, hint, label = index.loosely_named(row.lookup_name)
        if hint and row.hint is None:
            row.hint, row.hint_label = hint, label
    if not named:
        return _unknown_name_in_postcode(index, row, shown, notes), None, ""
    why = ""
    candidates = named
    if postcodes:
        with_postcode = [n for n in named if postcodes & set(n.commune.codes_postaux)]
        cities = {n.commune.parent for n in named if n.commune.parent}
        if with_postcode:
            candidates = with_postcode
        elif cities and (city := _city_with_postcode(index, cities, postcodes)):
            # "Marseille 13" with 13001: the city (then its 1st arrondissement, by the
            # postcode), not the 13th arrondissement with a corrected postcode.
            return city, None, ""
        elif row.postcode and any(n.commune.code == row.postcode for n in named):
            candidates = [n for n in named if n.commune.code == row.postcode]
            why = f"c'est le code INSEE {_of(candidates[0].commune.nom)}"
        elif within := _within_postcode(index, row):
            return within, None, ""
        else:
            deps = frozenset().union(*(index.postcode_departements(p) for p in postcodes))
            candidates = [n for n in named if n.commune.departement in deps]
            if not candidates:
                raise _Reason(f"la commune « {shown} » ne correspond pas au code postal "
                              f"{row.postcode or min(postcodes)} (communes de ce nom : "
                              f"{_listing(index, named)})")
    if row.hint is not None:
        hinted = [n for n in candidates if n.commune.departement in row.hint]
        if not hinted:
            raise _Reason(f"commune « {shown} » : aucune commune de ce nom en "
                          f"« {row.hint_label} » (communes de ce nom : "
                          f"{_listing(index, named)})")
        candidates = hinted
    if len(candidates) > 1 and not (shown or "").isascii():
        # "Chépy" typed with its accent is Chépy (80), not Chepy (51): a file that writes
        # accents is trusted on them. Without accents both stay candidates.
        exact = [n for n in candidates if _same_spelling(row.lookup_name, n)]
        if len(exact) == 1:
            candidates = exact
    if len(candidates) > 1 and lat is not None and lon is not None:
        picked = _by_coordinates(index, [n.commune for n in candidates], lat, lon,
                                 position_of, shown, notes)
        if picked is not None:
            candidates = [n for n in candidates if n.commune.code == picked.code]
    if len(candidates) > 1:
        where = f" pour le code postal {row.postcode}" if row.postcode else ""
        advice = "ajoutez le code INSEE" if row.postcode else "ajoutez le code postal"
        raise _Reason(f"commune « {shown} » ambiguë : {len(candidates)} communes portent ce "
                      f"nom{where} ({_listing(index, candidates)}) ; "
                      f"{advice}")
    return candidates[0].commune, candidates[0].former, why


def _city_with_postcode(index: CommuneIndex, codes: set[str],
                        postcodes: set[str]) -> Commune | None:
    cities = [c for code in sorted(codes) if (c := index.ref.commune(code)) is not None
              and postcodes & set(c.codes_postaux)]
    return cities[0] if len(cities) == 1 else None


def _same_spelling(name: str, named: _Named) -> bool:
    official = named.former or named.commune.nom
    return _words_with_accents(name) == _words_with_accents(official)


def _words_with_accents(name: str) -> str:
    text, _ = _unqualified(name)
    return " ".join(_PUNCTUATION.sub(" ", text.casefold()).split())


def _within_postcode(index: CommuneIndex, row: _Row) -> Commune | None:
    """The one commune of the row's postcodes whose name contains the name written.

    « Saint-Ouen » with 93400 is Saint-Ouen-sur-Seine (renamed in 2018), « Cesson » with
    35510 is Cesson-Sévigné, « Strasb » with 67000 is Strasbourg: the postcode bounds the
    search, as refdata.find_commune does. A name that starts with it wins over one that
    merely contains it (« Barbezieux »: Barbezieux-Saint-Hilaire, not Brie-sous-Barbezieux).
    """
    wanted = match_key(row.lookup_name or "")
    if not wanted:
        return None
    near = _postcode_communes(index, row)
    containing = [c for c in near if wanted in match_key(c.nom)]
    if len(containing) > 1:
        containing = [c for c in containing if match_key(c.nom).startswith(wanted)]
    return containing[0] if len(containing) == 1 else None


def _postcode_communes(index: CommuneIndex, row: _Row) -> list[Commune]:
    near = {c.code: c for p in sorted(_postcodes(row)) for c in index.by_postcode.get(p, ())}
    return list(near.values())


FUZZY_MIN_RATIO = 0.85


def _unknown_name_in_postcode(index: CommuneIndex, row: _Row, shown: str,
                              notes: list[str]) -> Commune:
    """A name that is no commune's: its postcode may still designate one commune.

    Only among the communes of the row's own postcodes, and only when one of them stands
    out: its name contains the name written, or is a close spelling of it (« Arceuil » for
    Arcueil, « Semur-en-Auxios »). Being the postcode's only commune is not enough: an
    unknown name may be a district (« Sainte-Clotilde ») or a mistake, and the row is
    better rejected than placed by guess.
    """
    within = _within_postcode(index, row)
    if within is not None:
        return within
    near = _postcode_communes(index, row)
    wanted = match_key(row.lookup_name or "")
    scored = sorted(((SequenceMatcher(None, wanted, match_key(c.nom)).ratio(), c.code, c)
                     for c in near), reverse=True)
    if scored and scored[0][0] >= FUZZY_MIN_RATIO and (
            len(scored) == 1 or scored[1][0] < scored[0][0] - 0.1):
        commune = scored[0][2]
        notes.append(f"commune « {shown} » introuvable : « {commune.nom} » (code INSEE "
                     f"{commune.code}), commune du code postal {row.postcode} au nom le plus "
                     "proche")
        row.name_noted = True
        return commune
    more = (f" ; communes du code postal {row.postcode} : {_listing(index, near)}"
            if near and row.postcode else "")
    raise _Reason(f"commune « {shown} » introuvable dans le référentiel officiel{more}")


def _by_coordinates(index: CommuneIndex, communes: list[Commune], lat: float, lon: float,
                    position_of: PositionOf | None, shown: str,
                    notes: list[str]) -> Commune | None:
    here = index.ref.territory_at(lat, lon)
    if here is not None:
        inside = [c for c in communes if index.ref.territory_key(c) == here]
        if len(inside) == 1:
            notes.append(f"commune « {shown} » : plusieurs communes portent ce nom, retenue "
                         f"{inside[0].nom} ({inside[0].code}, "
                         f"{index.departement_name(inside[0].departement)}) d'après les "
                         "coordonnées")
            return inside[0]
        communes = inside or communes
    if position_of is None:
        return None
    closest = nearest(communes, lat, lon, position_of)
    if closest is None:
        return None
    commune, km = closest
    notes.append(f"commune « {shown} » : plusieurs communes portent ce nom, retenue "
                 f"{commune.nom} ({commune.code}, {index.departement_name(commune.departement)}), "
                 f"la plus proche des coordonnées ({km:.0f} km)")
    return commune


def _by_postcode_only(index: CommuneIndex, row: _Row, lat: float | None, lon: float | None,
                      position_of: PositionOf | None, notes: list[str]) -> Commune:
    if not row.postcode:
        raise _Reason("commune et code postal manquants")
    options = index.by_postcode.get(row.postcode, [])
    if not options:
        as_insee = index.ref.commune(row.postcode)
        hint = (f" (c'est le code INSEE {_of(as_insee.nom)} : indiquez aussi la commune)"
                if as_insee else "")
        raise _Reason(f"code postal {row.postcode} inconnu et commune manquante{hint}")
    if len(options) > 1 and lat is not None and lon is not None and position_of is not None:
        closest = nearest(options, lat, lon, position_of)
        if closest is not None:
            notes.append(f"commune absente : {closest[0].nom}, la commune du code postal "
                         f"{row.postcode} la plus proche des coordonnées ({closest[1]:.0f} km)")
            return closest[0]
    if len(options) > 1:
        raise _Reason(f"commune manquante : le code postal {row.postcode} couvre plusieurs "
                      f"communes ({_listing(index, options)})")
    notes.append(f"commune absente : déduite du code postal ({options[0].nom})")
    return options[0]


def _choose_postcode(index: CommuneIndex, commune: Commune, row: _Row, why: str,
                     notes: list[str]) -> str:
    """The postcode to write; raises _Reason when the data cannot single one out."""
    codes = commune.codes_postaux
    if row.postcode and row.postcode in codes:
        return row.postcode
    if not why and row.postcode:
        if row.cedex:
            why = "CEDEX"
        else:
            owners = index.by_postcode.get(row.postcode)
            why = (f"celui {_of(', '.join(c.nom for c in owners[:3]))}"
                   f"{', …' if len(owners) > 3 else ''}" if owners
                   else "code CEDEX ou inconnu")
    shown = f"code postal {row.postcode} ({why})" if row.postcode else "code postal absent"
    for code, where in row.extra_postcodes:
        if code in codes and code != row.postcode:
            source = "de l'adresse" if where == "adresse" else "écrit avec la commune"
            notes.append(f"{shown} remplacé par {code}, celui {source}")
            return code
    if len(codes) == 1:
        if row.postcode:
            notes.append(f"{shown} remplacé par {codes[0]}, celui {_of(commune.nom)}")
        else:
            notes.append(f"code postal absent : {codes[0]}, celui {_of(commune.nom)}")
        return codes[0]
    if not codes:
        raise _Reason(f"{commune.nom} ({commune.code}) n'a pas de code postal dans le "
                      "référentiel officiel")
    listed = ", ".join(codes)
    if row.postcode:
        raise _Reason(f"le {shown} n'est pas celui {_of(commune.nom)} ({commune.code}), qui en "
                      f"a plusieurs ({listed}) : indiquez le bon")
    raise _Reason(f"code postal manquant : {commune.nom} en a plusieurs ({listed})")


def _name_note(index: CommuneIndex, row: _Row, commune: Commune, former: str | None,
               by_insee: bool, notes: list[str]) -> None:
    """Say when the commune written differs from the source's (the official name is written)."""
    shown = row.name
    if not shown or not row.lookup_name or row.name_noted:
        return
    if by_insee:
        same = [n for n in index.named(row.lookup_name) if n.commune.code == commune.code]
        former = same[0].former if same else None
    if former and by_insee and any(f"« {former} »" in note for note in notes):
        return  # the former INSEE code's note already names it
    if former:
        notes.append(f"ancienne commune « {former} » : aujourd'hui {commune.nom} "
                     f"(code INSEE {commune.code})")
        return
    if commune.parent:
        city = index.ref.commune(commune.parent)
        if city and match_key(row.lookup_name) == match_key(city.nom):
            return  # "Paris" for Paris 11e Arrondissement: the validator accepts it
    if by_insee and not _designates(index, row.lookup_name, commune):
        notes.append(f"commune « {shown} » remplacée par « {commune.nom} », celle du code "
                     f"INSEE {commune.code}")
        return
    if shown.casefold() != commune.nom.casefold():
        notes.append(f"commune « {shown} » écrite « {commune.nom} » (nom officiel, "
                     f"code INSEE {commune.code})")
