"""Normalising text that comes from outside: spreadsheets, web maps, forms.

Why: every tool that takes values typed by other people meets the same mess (HTML in
cells, addresses on several lines, handles instead of URLs, phones in every format,
personal e-mail addresses). These functions turn such text into the directory's forms, or
say why they cannot, so each tool applies the same rules (the importer's module
docstring lists them).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from typing import Any
from urllib.parse import urlsplit

import phonenumbers


def plain(text: str) -> str:
    """Lowercase ASCII text, for forgiving comparisons of source values."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BR = re.compile(r"<\s*br\s*/?\s*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def clean_lines(value: str) -> list[str]:
    """Source text as clean, non-empty lines (HTML line breaks kept as lines)."""
    text = _TAG.sub(" ", _BR.sub("\n", _CONTROL.sub("", value)))
    lines = (" ".join(line.split()) for line in html.unescape(text).splitlines())
    return [line for line in lines if line]


_ORDINAL = re.compile(r"^\d+\s*(?:er|ère|re|e|è|ème|eme|nd|nde)\b", re.IGNORECASE)
_STREET_NUMBER = re.compile(r"^\d+(?:\s*[-/]\s*\d+)?(?:\s?(?:bis|ter|quater|[a-d]))?\s*,?\s+\D",
                            re.IGNORECASE)
_STREET_WORDS = {
    "rue", "ruelle", "avenue", "av", "bd", "boulevard", "place", "pl", "allee", "allees",
    "chemin", "route", "rte", "quai", "impasse", "esplanade", "square", "cours", "faubourg",
    "fbg", "lieu", "lieudit", "voie", "passage", "parvis", "promenade", "sentier",
    "carrefour", "rond", "zone", "zi", "za", "zac", "parc", "hameau", "bourg", "residence",
    "venelle", "cite", "domaine", "lotissement", "mail", "village", "port",
}


def split_address(lines: list[str]) -> tuple[str | None, str | None, list[str]]:
    """(street address, complement, notes) from the lines of an address cell."""
    notes = []
    kept = []
    for line in lines:
        if re.fullmatch(r"\[.*\]", line):
            notes.append(f"adresse : mention « {line} » non reprise")
        else:
            kept.append(line)
    if not kept:
        return None, None, notes

    def numbered(line: str) -> bool:
        return bool(_STREET_NUMBER.match(line)) and not _ORDINAL.match(line)

    def street(line: str) -> bool:
        return bool(set(re.findall(r"[a-z]+", plain(line))) & _STREET_WORDS)

    pick = (next((line for line in kept if numbered(line)), None)
            or next((line for line in kept if street(line)), None) or kept[-1])
    rest = [line for line in kept if line is not pick]
    return pick, ", ".join(rest) or None, notes


def normalize_url(value: str) -> tuple[str | None, str | None]:
    """(URL, None) or (None, why it cannot be used). Adds https:// when missing."""
    text = "".join(value.split())
    if not text:
        return None, None
    scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", text)
    if scheme and not re.match(r"^[^:/]+:\d+(/|$)", text):  # not "host:port"
        if scheme.group(1).lower() not in ("http", "https") or not text[
                len(scheme.group(0)):].startswith("//"):
            return None, f"« {value.strip()} » n'est pas une adresse web (http ou https)"
        text = scheme.group(1).lower() + text[len(scheme.group(1)):]
    elif text.startswith("//"):
        text = "https:" + text
    else:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        host = ""
    if "." not in host or not re.fullmatch(r"[\w.-]+", host) or host.startswith("."):
        return None, f"« {value.strip()} » n'est pas une adresse web utilisable"
    return text, None


def _looks_like_url(text: str) -> bool:
    lowered = text.lower()
    return ("://" in lowered or lowered.startswith("www.")
            or bool(re.match(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/", lowered)))


def social_url(network: str, value: str) -> tuple[str | None, str | None]:
    """A social account as a full address: handles become URLs (rules: importer docstring)."""
    text = value.strip()
    if not text:
        return None, None
    if network == "url" or _looks_like_url(text):
        return normalize_url(text)
    handle = text.lstrip("@")
    if network == "twitter" and re.fullmatch(r"[A-Za-z0-9_]{1,15}", handle):
        return f"https://twitter.com/{handle}", None
    if network == "instagram" and re.fullmatch(r"[A-Za-z0-9._]{1,30}", handle):
        return f"https://www.instagram.com/{handle}/", None
    if network == "facebook" and re.fullmatch(r"[^\s?#]+", text.lstrip("/")):
        return f"https://www.facebook.com/{text.lstrip('/')}", None
    if network == "mastodon":
        account = re.fullmatch(r"@?([A-Za-z0-9_]+)@([A-Za-z0-9.-]+\.[A-Za-z]{2,})", text)
        if account:
            return f"https://{account.group(2).lower()}/@{account.group(1)}", None
    return None, f"compte {network} « {text} » non reconnu"


# Regions phonenumbers tries, in order, for a number written without its country code:
# mainland France, then the overseas départements and collectivités (same 0 prefix).
_PHONE_REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "PM", "NC", "PF", "WF", "BL", "MF")
# Numbering plans written the national way (10 digits, « 02 62 12 34 56 »); the others
# (New Caledonia +687, French Polynesia +689, Saint-Pierre-et-Miquelon +508, Wallis +681)
# have short numbers with no trunk 0 and are written in E.164 form, « +687 24 12 34 ».
_NATIONAL_PLANS = {33, 262, 590, 594, 596, 269}


def normalize_phone(value: str) -> tuple[str | None, str | None]:
    """(« 02 99 00 00 00 » or « +687 24 12 34 », note) or (None, why not).

    phonenumbers (Google's libphonenumber metadata) knows which numbers exist in each
    French territory; a 9-digit number that lost its leading 0 in a spreadsheet gets it
    back, and a mobile number is kept with a note (it may be a person's own phone).
    """
    text = value.strip()
    if not text:
        return None, None
    result = _phone(text)
    if result is None:
        for part in re.split(r"\s*(?:[;,/]|\bou\b|\bet\b)\s*", text):
            result = _phone(part) if part and part != text else None
            if result:
                return result[0], f"seul le premier numéro de « {text} » est repris"
        return None, f"« {text} » non reconnu comme numéro de téléphone : non repris"
    return result


def _phone(text: str) -> tuple[str, str | None] | None:
    cleaned = re.sub(r"\(0\)", "", text)
    digits = re.sub(r"[\s.\-()/\u00a0]", "", cleaned)
    if not re.fullmatch(r"(?:\+|00)?\d{6,15}", digits):
        return None
    note = None
    if len(digits) == 9 and digits[0] in "123456789":
        digits = "0" + digits
        note = f"« {text} » : zéro initial ajouté"
    number = None
    for region in _PHONE_REGIONS:
        try:
            candidate = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(candidate):
            number = candidate
            break
    if number is None:
        return None
    if number.country_code in _NATIONAL_PLANS:
        national = "0" + str(number.national_number)
        if len(national) != 10:
            return None
        grouped = " ".join(national[i:i + 2] for i in range(0, 10, 2))
    else:
        grouped = phonenumbers.format_number(
            number, phonenumbers.PhoneNumberFormat.INTERNATIONAL).replace(".", " ")
    kind = phonenumbers.number_type(number)
    if kind == phonenumbers.PhoneNumberType.MOBILE and note is None:
        note = f"numéro mobile {grouped} repris : vérifiez que c'est celui du lieu"
    return grouped, note


def identifier(value: str, kind: str) -> tuple[str | None, str | None]:
    """A SIRET (14 digits) or RNA (W + 9 digits) without the spaces and dots of print."""
    text = re.sub(r"[\s.\-\u00a0\u202f]", "", value).upper()
    if not text:
        return None, None
    if kind == "siret" and re.fullmatch(r"\d{14}", text):
        return text, None
    if kind == "rna" and re.fullmatch(r"W\d{9}", text):
        return text, None
    expected = "14 chiffres" if kind == "siret" else "W suivi de 9 chiffres"
    return None, f"« {value.strip()} » n'est pas un {kind.upper()} ({expected}) : non repris"


_URL_IN_TEXT = re.compile(r"(?:https?://|www\.)[^\s,;<>\"']+|[^\s,;<>\"'@]+@[^\s,;<>\"']+\.[a-z]{2,}",
                          re.IGNORECASE)
SOCIAL_HOSTS = ("facebook.com", "fb.com", "twitter.com", "x.com", "instagram.com",
                "linkedin.com", "youtube.com", "mastodon", "tiktok.com", "vimeo.com")


def split_links(text: str) -> tuple[list[str], list[str], list[str]]:
    """(web pages, social accounts, e-mail addresses) found in one cell.

    Networks often put a site, a Facebook page and even an e-mail in one "web" cell.
    """
    pages, socials, emails = [], [], []
    found = _URL_IN_TEXT.findall(text) or [text.strip()]
    for item in found:
        item = item.strip().rstrip(".")
        if not item:
            continue
        if "@" in item and "/" not in item.split("@")[0] and not item.lower().startswith("http"):
            emails.append(item.removeprefix("mailto:"))
        elif any(host in item.lower() for host in SOCIAL_HOSTS):
            socials.append(item)
        else:
            pages.append(item)
    return pages, socials, emails


_WEBMAIL = re.compile(
    r"(?:gmail\.com|googlemail\.com|orange\.fr|wanadoo\.fr|free\.fr|sfr\.fr|neuf\.fr|"
    r"club-internet\.fr|laposte\.net|bbox\.fr|numericable\.fr|aliceadsl\.fr|voila\.fr|"
    r"hotmail\.[a-z.]+|live\.[a-z.]+|msn\.com|outlook\.[a-z.]+|yahoo\.[a-z.]+|ymail\.com|"
    r"aol\.[a-z.]+|gmx\.[a-z.]+|icloud\.com|me\.com|mac\.com|protonmail\.[a-z.]+|"
    r"proton\.me|tutanota\.[a-z.]+|mailo\.com|netcourrier\.com|yandex\.[a-z.]+|zoho\.com)")
# Local parts (or their start) that name a role or a place, not a person.
_ROLE_WORDS = {
    "contact", "contacts", "info", "infos", "information", "informations", "accueil",
    "bonjour", "hello", "hey", "hi", "coucou", "salut", "welcome", "fablab", "fablabs", "lab",
    "makerspace", "hackerspace", "coworking", "cowork", "tierslieu", "tierslieux", "atelier",
    "ateliers", "asso", "association", "collectif", "equipe", "team", "bureau", "secretariat",
    "direction", "admin", "administration", "communication", "presse", "reservation",
    "reservations", "inscription", "inscriptions", "mediatheque", "bibliotheque", "biblio",
    "cyber", "cyberespace", "epn", "multimedia", "numerique", "mairie", "office", "espace",
    "cantine", "projet", "projets", "mail", "courrier", "animation", "animations",
    "formation", "formations", "fabmanager", "benevoles", "membres", "adherents", "hub",
    "studio", "ecole", "centre", "maison", "tiers", "lieu", "repair", "ressourcerie",
}
_NAME_STOPWORDS = {"association", "asso", "les", "des", "une", "pour", "avec"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", plain(text))


def _domain_matches(domain: str, site: str | None) -> bool:
    if not site:
        return False
    try:
        host = (urlsplit(site).hostname or "").lower()
    except ValueError:
        return False
    host = host.removeprefix("www.")
    return bool(host) and (host == domain or host.endswith("." + domain)
                           or domain.endswith("." + host))


def _name_matches(local: str, names: list[str]) -> bool:
    parts = [p for p in re.split(r"[^a-z0-9]+", local) if p]
    compact_local = re.sub(r"\d+$", "", "".join(parts))
    for name in names:
        tokens = _words(name)
        compact = "".join(tokens)
        initials = "".join(t[0] for t in tokens)
        if len(compact_local) >= 3 and (compact_local in compact or compact_local == initials):
            return True
        if len(compact) >= 4 and compact in "".join(parts):
            return True
        useful = {t for t in tokens if len(t) >= 4 and t not in _NAME_STOPWORDS}
        if useful & set(parts):
            return True
    return False


def _mask(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}…@{domain}" if domain else f"{address[:1]}…"


def classify_email(value: str, site: str | None,
                   names: list[str]) -> tuple[str | None, list[str]]:
    """(the generic address to publish, or None; notes on what was left out and why)."""
    notes: list[str] = []
    kept = None
    for candidate in re.split(r"[\s,;]+", value.strip()):
        address = candidate.removeprefix("mailto:").strip("<>()")
        if not address:
            continue
        if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", address):
            notes.append(f"courriel « {_mask(address)} » mal formé : non repris")
            continue
        local, _, domain = address.rpartition("@")
        domain = domain.lower()
        address = f"{local}@{domain}"
        plain_local = plain(local)
        parts = [re.sub(r"\d+$", "", p) for p in re.split(r"[^a-z0-9]+", plain_local) if p]
        generic = (any(p in _ROLE_WORDS for p in parts)
                   or any(p.startswith(w) for p in parts for w in _ROLE_WORDS if len(w) >= 5)
                   or _name_matches(plain_local, names)
                   or (not _WEBMAIL.fullmatch(domain) and _domain_matches(domain, site)))
        if generic and kept is None:
            kept = address
            continue
        if generic:
            notes.append(f"courriel : une seule adresse reprise ({_mask(address)} laissée)")
            continue
        personal_form = re.fullmatch(r"[a-z]+(?:[._-][a-z]+)+\d*", plain_local)
        if _WEBMAIL.fullmatch(domain) or personal_form:
            notes.append(f"courriel non repris : donnée personnelle probable ({_mask(address)})")
        else:
            notes.append(f"courriel non repris : {_mask(address)} n'est pas reconnue comme "
                         "adresse générique du lieu (à vérifier à la main)")
    return kept, notes


# Quotes people type around a value (a form once asked for them), and « CP » before a code.
_QUOTES = "\"'«»“”„‘’`"


def postcode(value: str) -> tuple[str | None, str | None]:
    """(5-digit postcode, note) from « 35 000 », "35000", CP 35000 or 3500 (leading 0 lost)."""
    digits = re.sub(r"[\s\u00a0\u202f.]", "", value.strip().strip(_QUOTES))
    digits = re.sub(r"^(?:cp|c\.p\.|codepostal):?", "", digits.strip(_QUOTES), flags=re.IGNORECASE)
    if re.fullmatch(r"[\dOo]{5}", digits) and re.search(r"\d", digits):
        fixed = digits.replace("O", "0").replace("o", "0")  # « 35OOO », typed with letters O
        if fixed != digits:
            return fixed, f"« {value.strip()} » lu comme {fixed}"
    if not digits:
        return None, None
    if re.fullmatch(r"\d{4}", digits):
        return "0" + digits, f"« {value.strip()} » complété en 0{digits}"
    if re.fullmatch(r"\d{5}", digits):
        return digits, None
    return None, f"« {value.strip()} » illisible : ignoré"


MONTHS = ("janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout",
          "septembre", "octobre", "novembre", "decembre")
_MONTH_ABBREVIATIONS = {"janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7, "sept": 9,
                        "oct": 10, "nov": 11, "dec": 12}
_NUMERIC_DATE = re.compile(r"(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4}|\d{2})")
_WORDS_DATE = re.compile(r"(?:(?:le|depuis|en|ouvert|ouverture)\s+)*(?:(\d{1,2})(?:er|e)?\s+)?"
                         r"([a-z]+)\.?\s+(\d{4})")


def _month(word: str) -> int | None:
    if word in MONTHS:
        return MONTHS.index(word) + 1
    return _MONTH_ABBREVIATIONS.get(word)


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def date_reading(value: str) -> tuple[str | None, str | None]:
    """(AAAA-MM-JJ, note when only a month or a year was given) or (None, None).

    Why forgiving: people write « 15/03/2021 », « 15 mars 2021 », « mars 2021 » or
    « 2021 ». A month or a year alone becomes its first day, and the note says so.
    """
    text = plain(value).strip(_QUOTES + " .")
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if iso:
        return _iso(int(iso[1]), int(iso[2]), int(iso[3])), None
    numeric = _NUMERIC_DATE.fullmatch(text)
    if numeric:
        day, month, year = (int(g) for g in numeric.groups())
        if len(numeric[3]) == 2:
            year += 2000  # « 15/03/21 »: venues of the directory opened after 2000
        return _iso(year, month, day), None
    words = _WORDS_DATE.fullmatch(text)
    if words and _month(words[2]):
        month = _month(words[2]) or 1
        if words[1]:
            return _iso(int(words[3]), month, int(words[1])), None
        found = _iso(int(words[3]), month, 1)
        return found, f"« {value.strip()} » lue comme {found} (premier jour du mois)"
    month_year = re.fullmatch(r"(\d{1,2})[/.\-](\d{4})", text)
    if month_year:
        found = _iso(int(month_year[2]), int(month_year[1]), 1)
        return found, (f"« {value.strip()} » lue comme {found} (premier jour du mois)"
                       if found else None)
    year_only = re.fullmatch(r"(?:(?:en|depuis)\s+)?(\d{4})", text)
    if year_only and 1800 <= int(year_only[1]) <= 2200:
        found = f"{year_only[1]}-01-01"
        return found, f"« {value.strip()} » lue comme {found} (premier jour de l'année)"
    return None, None


def date(value: str) -> str | None:
    """The date as AAAA-MM-JJ, or None (see date_reading for the forms read)."""
    return date_reading(value)[0]


# Pictographs people paste from chat apps (🚀, ☕, ✨) and the joiners between them.
_PICTOGRAPHS = re.compile(
    "[\U0001F000-\U0001FAFF\U00002600-\U000027BF\U0001F1E6-\U0001F1FF"
    "\u2B00-\u2BFF\u200d\ufe0e\ufe0f\u20e3]")


def without_pictographs(text: str) -> str:
    """The text without emojis, for names, addresses and other one-line values."""
    return " ".join(_PICTOGRAPHS.sub(" ", text).split())


def boolean(value: str) -> bool | None:
    word = plain(value)
    if word in ("oui", "yes", "true", "vrai", "1", "x"):
        return True
    if word in ("non", "no", "false", "faux", "0"):
        return False
    return None


def enum(item: dict[str, Any], value: str) -> str | None:
    """The code of the item schema's `enum` that a value names (code or French label)."""
    wanted = plain(value).replace(" ", "_").replace("-", "_")
    for code in item.get("enum", []):
        if wanted == code:
            return code
    for code, label in item.get("x-labels", {}).items():
        if plain(label) == plain(value):
            return code
    return None


# Words that only say "a place for": « espace de coworking », « un lieu de type fablab ».
_VOCABULARY_FILLER = {"espace", "espaces", "lieu", "lieux", "de", "d", "du", "des", "un", "une",
                      "le", "la", "les", "l", "type", "en", "pour", "notre", "nos"}


def _squashed(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", plain(text))


def vocabulary_code(item: dict[str, Any], value: str) -> str | None:
    """The code a free-text answer names in an item schema's vocabulary, or None.

    Why more forgiving than `enum`: people type « espace de coworking », « fab lab » or
    « EPN » rather than the label. Tried in turn: the code or the label (`enum`), the same
    without spaces, hyphens and filler words, one of the label's parts (« Ressourcerie /
    recyclerie » → « recyclerie »), the initials of a label of three words or more, and
    a label part found in the text or the text in a label part; an answer matching two
    codes matches none.
    """
    exact = enum(item, value)
    if exact is not None:
        return exact
    words = [w for w in re.findall(r"[a-z0-9]+", plain(value).replace("'", " "))
             if w not in _VOCABULARY_FILLER]
    key = "".join(words)
    if len(key) < 3:
        return None
    labels = item.get("x-labels", {})
    keys: dict[str, set[str]] = {}
    for code in item.get("enum", []):
        label = labels.get(code, code)
        parts = {_squashed(code), _squashed(label),
                 *(_squashed(p) for p in re.split(r"\s*/\s*", label))}
        label_words = [w for w in re.findall(r"[a-z0-9]+", plain(label))
                       if w not in _VOCABULARY_FILLER]
        kept = [w for w in re.findall(r"[a-z0-9]+", plain(label)) if w not in ("de", "d")]
        if len(kept) >= 3:
            parts.add("".join(w[0] for w in kept))
        parts.add("".join(label_words))
        keys[code] = {p for p in parts if p}
    same = [code for code, parts in keys.items() if key in parts]
    if len(same) == 1:
        return same[0]
    near = [code for code, parts in keys.items()
            if any(len(p) >= 5 and (p in key or (len(key) >= 5 and key in p)) for p in parts)]
    return near[0] if len(near) == 1 else None
