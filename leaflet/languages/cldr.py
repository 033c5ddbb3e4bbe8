"""What CLDR (through Babel) knows about languages, as one search index for `leaflet pick`.

This module owns the language knowledge behind picking a language at the desk: for every
CLDR language its autonym, its names in en/fr/nl/de, its script and direction, and the
territories where it is spoken with the population share CLDR gives (Babel's
`territory_languages`); for every territory its names and languages; the ISO 639-1/639-2/
639-3 codes and aliases (`tir` -> `ti`), the ISO 3166 alpha-2, alpha-3 and numeric codes
(`ERI`, `232` -> `ER`); and every language and territory name of every CLDR locale Babel
ships (1,147 locales, ~94,000 distinct names once normalised), for search.

Reading every locale takes seconds, so the index is built once per Babel version (and per
version of the small `language-names.toml` table of names CLDR lacks) and kept as a pickle
in the user cache folder (platformdirs, or `LEAFLET_CACHE_DIR`); loading it takes tens of
milliseconds. Nothing here is imported by `import leaflet` or by commands that do not pick
a language: Babel, platformdirs and the pickle are loaded inside the functions.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from leaflet.languages.tags import TAG

log = logging.getLogger(__name__)

INDEX_FORMAT = 2  # bump when the layout of the pickled index changes
EXTRA_NAMES_PATH = Path(__file__).with_name("language-names.toml")
OFFICER_LANGUAGES = ("en", "fr", "nl", "de")
# Scripts written right to left, for languages Babel has no locale data for.
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm", "Mand", "Samr",
                         "Rohg", "Yezi", "Mend", "Hung", "Avst", "Phnx", "Sogd"})
_TAG = TAG  # one definition of a code's shape, shared with the log's validation


def normalise(text: str) -> str:
    """Text as the index compares it: case-folded, accents and marks removed, words only.

    `Érythrée` -> `erythree`, `Tiếng Việt` -> `tieng viet`. Combining marks are dropped in
    every script (Arabic vowel signs, Devanagari matras too), the same for the query and
    the names, so a name typed with or without them compares equal.
    """
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[\W_]+", " ", text).strip()
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True)
class LanguageInfo:
    """One CLDR language (a base code, or a code with a script: `zh-Hant`)."""

    code: str  # BCP 47: ti, pcm, zh-Hant
    names: dict[str, str]  # in en, fr, nl, de (English always present)
    autonym: str | None  # None when CLDR has no data for the language itself
    script: str  # likely CLDR script code
    direction: str  # ltr | rtl
    territories: tuple[tuple[str, float, bool], ...]  # (territory, % of population, official)

    @property
    def english_name(self) -> str:
        return self.names["en"]


@dataclass(frozen=True)
class TerritoryInfo:
    code: str  # ISO 3166 alpha-2 (ER)
    names: dict[str, str]
    languages: tuple[tuple[str, float, bool], ...]  # (language, % of population, official), most first


class Index:
    """The loaded search index: sorted names for exact, prefix and fuzzy search, and tables."""

    def __init__(self, data: dict):
        self.names: list[str] = data["names"]  # sorted, normalised
        self.targets: list[str] = data["targets"]  # parallel: "l:ti t:ER"
        self.words: list[str] = data["words"]  # words of multi-word names, sorted
        self.word_targets: list[str] = data["word_targets"]
        self.codes: dict[str, str] = data["codes"]  # lower-case code or alias -> language
        self.territory_codes: dict[str, str] = data["territory_codes"]  # lower -> ER
        self._languages: dict[str, tuple] = data["languages"]
        self._territories: dict[str, tuple] = data["territories"]
        self.babel_version: str = data["babel"]

    def language(self, code: str) -> LanguageInfo | None:
        row = self._languages.get(code)
        if row is None:
            return None
        names, autonym, script, direction, territories = row
        return LanguageInfo(code, names, autonym, script, direction, territories)

    def territory(self, code: str) -> TerritoryInfo | None:
        row = self._territories.get(code)
        return TerritoryInfo(code, row[0], row[1]) if row else None

    def language_codes(self) -> list[str]:
        return list(self._languages)

    @staticmethod
    def split(targets: str) -> list[tuple[str, str]]:
        """`"l:ti t:ER"` -> [("l", "ti"), ("t", "ER")]."""
        return [(t[0], t[2:]) for t in targets.split()]


# --- the cache --------------------------------------------------------------------------

def cache_dir() -> Path:
    """Where the index is kept: $LEAFLET_CACHE_DIR, else the platform's user cache folder."""
    folder = os.environ.get("LEAFLET_CACHE_DIR")
    if folder:
        return Path(folder)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("leaflet", appauthor=False))


def _extra_names_text() -> bytes:
    try:
        return EXTRA_NAMES_PATH.read_bytes()
    except FileNotFoundError:
        return b""


def cache_path() -> Path:
    """The index file for the installed Babel and the current extra-names table."""
    import babel

    extras = hashlib.sha256(_extra_names_text()).hexdigest()[:10]
    return cache_dir() / f"pick-index-v{INDEX_FORMAT}-babel{babel.__version__}-{extras}.pickle"


@functools.cache
def _load(path: Path) -> Index:
    import pickle

    try:
        with path.open("rb") as fh:
            data = pickle.load(fh)
        if data.get("format") == INDEX_FORMAT:
            return Index(data)
    except FileNotFoundError:
        pass
    except Exception as exc:  # a truncated or foreign file: build it again
        log.debug("index %s unreadable (%s): rebuilding", path, exc)
    data = build_index()
    _store(path, pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL))
    return Index(data)


def _store(path: Path, blob: bytes) -> None:
    from leaflet.files import write_atomic

    # Files of other Babel versions are left alone: two installs may share the folder.
    try:
        write_atomic(path, blob)
    except OSError as exc:  # a read-only home: search still works, from memory
        log.debug("cannot write the index cache %s: %s", path, exc)


def index() -> Index:
    """The search index, from the cache (built and stored there on first use)."""
    return _load(cache_path())


# --- building the index from Babel ------------------------------------------------------


def _language_key(key: str) -> str | None:
    """A CLDR language key as an index language: regions dropped, scripts kept.

    `en_GB` -> `en`, `fa_AF` -> `fa`, `es_419` -> `es`, `zh_Hant` -> `zh-Hant`; `root` and
    other non-language keys -> None.
    """
    match = _TAG.match(key)
    if not match or key == "root":
        return None
    lang = match["lang"].lower()
    return f"{lang}-{match['script'].title()}" if match["script"] else lang


def _display(locale, key: str) -> str | None:
    """The name of language `key` (`zh_Hant`, `kk_Arab`) in `locale`, from CLDR."""
    if key in locale.languages:
        return locale.languages[key]
    base, _, script = key.partition("_")
    if base in locale.languages:
        if script and script in locale.scripts:
            return f"{locale.languages[base]} ({locale.scripts[script]})"
        if not script:
            return locale.languages[base]
    return None


def build_index() -> dict:
    """Read every CLDR locale Babel ships into the index (a few seconds; cached by index())."""
    import babel
    from babel import Locale
    from babel.core import get_global

    officer = {code: Locale(code) for code in OFFICER_LANGUAGES}
    aliases = _aliases(get_global("language_aliases"))

    def canonical(key: str) -> str | None:
        code = _language_key(key)
        return aliases.get(code, code) if code else None

    territory_languages = get_global("territory_languages")
    languages = _languages(officer, canonical, territory_languages,
                           get_global("likely_subtags"))
    territories = _territories(officer, canonical, territory_languages, languages)
    codes, territory_codes = _codes(languages, aliases, territories,
                                    get_global("territory_aliases"))
    found = _names(canonical, languages, territories)
    names = sorted(found)
    words = _words(found, set(names))
    word_list = sorted(words)
    return {
        "format": INDEX_FORMAT,
        "babel": babel.__version__,
        "names": names,
        "targets": [" ".join(sorted(found[n])) for n in names],
        "words": word_list,
        "word_targets": [" ".join(sorted(words[w])) for w in word_list],
        "codes": codes,
        "territory_codes": territory_codes,
        "languages": languages,
        "territories": territories,
    }


def _aliases(language_aliases: dict) -> dict[str, str]:
    """Deprecated and duplicate codes (tl -> fil, iw -> he, sh -> sr-Latn) and their target."""
    aliases = {}
    for alias, target in language_aliases.items():
        if _TAG.match(alias) and isinstance(target, str) and _TAG.match(target.split()[0]):
            aliases[_language_key(alias)] = _language_key(target.split()[0])
    return aliases


def _languages(officer: dict, canonical, territory_languages: dict, likely: dict) -> dict:
    """code -> (names in en/fr/nl/de, autonym, script, direction, territories): every key
    CLDR names in English, and every key of the territory data."""
    from babel import Locale, localedata

    keys = {k.replace("-", "_") for k in officer["en"].languages}
    keys |= {k for langs in territory_languages.values() for k in langs}
    spoken: dict[str, list] = {}
    for territory, langs in territory_languages.items():
        for key, info in langs.items():
            code = canonical(key)
            if code:
                spoken.setdefault(code, []).append(
                    (territory, float(info.get("population_percent") or 0.0),
                     bool(info.get("official_status"))))
    languages: dict[str, tuple] = {}
    for key in sorted(keys):
        code = canonical(key)
        if code is None or code in languages:
            continue
        cldr_key = code.replace("-", "_")
        names = {lang: name for lang, loc in officer.items()
                 if (name := _display(loc, cldr_key))}
        if "en" not in names:
            continue
        autonym, direction = None, None
        if localedata.exists(cldr_key):
            own = Locale.parse(cldr_key)
            autonym = own.get_display_name(own) or None
            direction = "rtl" if own.character_order == "right-to-left" else "ltr"
        parts = likely.get(cldr_key, likely.get(cldr_key.split("_")[0], "")).split("_")
        script = cldr_key.split("_")[1] if "_" in cldr_key else next(
            (p for p in parts[1:] if len(p) == 4), "Latn")
        if direction is None:
            direction = "rtl" if script in RTL_SCRIPTS else "ltr"
        territories = tuple(sorted(spoken.get(code, ()), key=lambda t: (-t[1], t[0])))
        languages[code] = (names, autonym, script, direction, territories)
    return languages


def _territories(officer: dict, canonical, territory_languages: dict,
                 languages: dict) -> dict:
    """territory -> (names in en/fr/nl/de, ((language, share, official), …) by share)."""
    territories: dict[str, tuple] = {}
    for territory, langs in territory_languages.items():
        names = {lang: loc.territories[territory] for lang, loc in officer.items()
                 if territory in loc.territories}
        if "en" not in names:
            continue
        rows = []
        for key, info in langs.items():
            code = canonical(key)
            if code in languages:
                rows.append((code, float(info.get("population_percent") or 0.0),
                             bool(info.get("official_status"))))
        rows.sort(key=lambda r: (-r[1], r[0]))
        territories[territory] = (names, tuple(rows))
    return territories


def _codes(languages: dict, aliases: dict, territories: dict,
           territory_aliases: dict) -> tuple[dict, dict]:
    """The languages' own codes, then CLDR's aliases (ISO 639-2/B and T, 639-3, deprecated
    codes) for those that name a known language; the same for territories."""
    codes = {code.lower(): code for code in languages}
    for alias, code in aliases.items():
        if code in languages and alias.lower() not in codes:
            codes[alias.lower()] = code
    territory_codes = {t.lower(): t for t in territories}
    for alias, targets in territory_aliases.items():
        if len(targets) == 1 and targets[0] in territories and alias.lower() not in \
                territory_codes:
            territory_codes[alias.lower()] = targets[0]
    return codes, territory_codes


def _names(canonical, languages: dict, territories: dict) -> dict[str, set[str]]:
    """Names in every locale, normalised, each with the languages ("l:") and territories
    ("t:") it names; and the extra names of language-names.toml."""
    import tomllib

    from babel import Locale, localedata

    found: dict[str, set[str]] = {}

    def add(name: str, target: str) -> None:
        norm = normalise(name)
        if norm:
            found.setdefault(norm, set()).add(target)

    for identifier in localedata.locale_identifiers():
        loc = Locale.parse(identifier)
        for key, name in loc.languages.items():
            code = canonical(key)
            if code is None:
                continue
            if code not in languages:
                code = code.split("-")[0]
            if code in languages:
                add(name, "l:" + code)
        for territory, name in loc.territories.items():
            if territory in territories:
                add(name, "t:" + territory)
        if (key := canonical(identifier)) in languages:
            add(loc.get_display_name(loc) or "", "l:" + key)  # autonym with its script
    extras = tomllib.loads(_extra_names_text().decode("utf-8")) if _extra_names_text() else {}
    for code, names in extras.get("languages", {}).items():
        if code in languages:
            for name in names:
                add(name, "l:" + code)
    return found


def _words(found: dict[str, set[str]], full: set[str]) -> dict[str, set[str]]:
    """The words (3 letters or more) of names of several words, with what they name."""
    words: dict[str, set[str]] = {}
    for name, targets in found.items():
        parts = name.split()
        if len(parts) > 1:
            for word in parts:
                if len(word) >= 3 and word not in full:
                    words.setdefault(word, set()).update(targets)
    return words


def parse_tag(text: str) -> tuple[str, str | None, str | None] | None:
    """`zh_hans-cn` -> ("zh", "Hans", "CN"); None when `text` is not shaped like a tag."""
    match = _TAG.match(text.strip())
    if not match:
        return None
    return (match["lang"].lower(), match["script"].title() if match["script"] else None,
            match["region"].upper() if match["region"] else None)
