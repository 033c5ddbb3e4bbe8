"""Picking a language at the desk: from any name, code or country to the leaflet to give.

`search()` ranks CLDR languages for what an officer types: a language name in any CLDR
locale or its autonym ("Tigrinya", "tigrigna", "ትግርኛ"), with typos ("tigrinia"), an ISO 639
code in two or three letters ("ti", "tir"), or a country by name in any locale or by ISO
3166 code ("Eritrea", "Érythrée", "ER", "ERI") -> the languages spoken there, most spoken
first. `pick()` adds what this edition has: the leaflet's code, whether its PDF is built,
and for a language without a leaflet the built languages its speakers most likely read.
`resolve_language()` turns a query into one code for the hand-over log, or refuses with
the candidates.

Matching is case-, accent- and mark-insensitive (cldr.normalise). A query is compared with
every name as a whole (exact, prefix, then typo-tolerant with RapidFuzz's normalised Indel
similarity, `fuzz.ratio`: ~10 ms over ~90,000 names, where difflib takes seconds), and
with the single words of multi-word names ("pidgin" in "Nigerian Pidgin") at 0.9 weight.

Scores are 0-100: an exact code or name is 100; a prefix (from four letters) 75-98 by how
much of the name was typed; a typo the ratio itself (from 75); a language reached through a
country scores the country's match (85 or more) times 0.8-1.0 by the share of its
population that speaks it, so a country's languages come out most spoken first. Equal
scores put the languages this edition configures first; results more than 25 points
below the first are left out.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from leaflet.errors import LeafletError, UsageError
from leaflet.i18n import _
from leaflet.languages import cldr
from leaflet.textsafety import clip

CUTOFF = 75.0  # fuzzy similarity below which a name does not match at all
WORD_WEIGHT = 0.9  # a match on one word of a multi-word name
TERRITORY_CODE_WEIGHT = 95.0  # "ar" is Arabic first, Argentina second
SHOWN_MIN = 50.0  # no result scores below this ...
TAIL = 25.0  # ... nor this far below the first one
TERRITORY_MIN = 85.0  # a country matched less well than this is not followed to its languages
ACCEPT = 85.0  # resolve_language: the first candidate needs at least this score ...
MARGIN = 5.0  # ... and this lead over the next language
OFFICER_LANGUAGES = cldr.OFFICER_LANGUAGES


class NoLanguageMatch(LeafletError):
    """Nothing matches the query (exit 1); `nearest` holds the closest names."""

    def __init__(self, query: str, nearest: list[str]):
        # Translators: %(names)s lists language and country names with their codes.
        super().__init__(_("no language matches %(query)s") % {"query": clip(query)},
                         hint=(_("nearest names: %(names)s") % {"names": ", ".join(nearest)})
                         if nearest else None)
        self.query = query
        self.nearest = nearest


class LanguageChoiceError(UsageError):
    """resolve_language() could not settle on one language (exit 2).

    `candidates` lists the close rows pick() shows (dicts with code, english_name, score)
    when the query is ambiguous; it is empty when nothing matched, and the hint then names
    the nearest names.
    """

    def __init__(self, message: str, candidates: list[dict], hint: str | None = None):
        super().__init__(message, hint=hint)
        self.candidates = candidates


@dataclass
class Hit:
    """One language found for a query, and why."""

    code: str  # index language code (ti, zh-Hant)
    score: float
    how: str  # code | name | word | territory
    matched: str  # the code or normalised name that matched, or the territory code
    share: float | None = None  # how: territory: % of the territory's population
    evidence: list = field(default_factory=list)


# --- search -----------------------------------------------------------------------------

def _offer(found: dict, targets: str, score: float, how: str, text: str) -> None:
    for kind, code in cldr.Index.split(targets):
        key = (kind, code)
        if score > found.get(key, (0.0,))[0]:
            found[key] = (score, how, text)


def _name_matches(idx: cldr.Index, q: str) -> dict:
    """{(kind, code): (score, how, name)} for every name (and word) matching `q`."""
    from rapidfuzz import fuzz, process

    found: dict = {}
    names, words = idx.names, idx.words
    i = bisect.bisect_left(names, q)
    if i < len(names) and names[i] == q:
        _offer(found, idx.targets[i], 100.0, "name", q)
    if len(q) >= 4:  # shorter prefixes are codes, not names
        for j in range(i, min(i + 400, len(names))):
            if not names[j].startswith(q):
                break
            if names[j] != q:
                _offer(found, idx.targets[j], min(98.0, 75 + 20 * len(q) / len(names[j])),
                       "name", names[j])
        k = bisect.bisect_left(words, q)
        for j in range(k, min(k + 200, len(words))):
            if not words[j].startswith(q):
                break
            score = 100.0 if words[j] == q else 75 + 20 * len(q) / len(words[j])
            _offer(found, idx.word_targets[j], score * WORD_WEIGHT, "word", words[j])
    if len(q) >= 4:
        for name, score, pos in process.extract(q, names, scorer=fuzz.ratio,
                                                score_cutoff=CUTOFF, limit=40):
            _offer(found, idx.targets[pos], score, "name", name)
        for word, score, pos in process.extract(q, words, scorer=fuzz.ratio,
                                                score_cutoff=CUTOFF / WORD_WEIGHT, limit=20):
            _offer(found, idx.word_targets[pos], score * WORD_WEIGHT, "word", word)
    return found


def _code_matches(idx: cldr.Index, raw: str) -> dict:
    """{(kind, code): (score, how, text)} for `raw` read as a language or territory code."""
    found: dict = {}
    text = raw.strip()
    if text.isdigit() and len(text) == 3:  # ISO 3166 numeric: 232 -> ER
        territory = idx.territory_codes.get(text)
        if territory:
            found[("t", territory)] = (TERRITORY_CODE_WEIGHT, "code", text)
        return found
    tag = cldr.parse_tag(text)
    if tag is None:
        return found
    lang, script, region = tag
    code = (idx.codes.get(f"{lang}-{script.lower()}") if script else None) or \
        idx.codes.get(lang)
    if code:
        found[("l", code)] = (100.0, "code", text)
    if not script and not region:
        territory = idx.territory_codes.get(lang)
        if territory:
            found[("t", territory)] = (TERRITORY_CODE_WEIGHT, "code", text)
    return found


def search(query: str, *, prefer=None, limit: int | None = None) -> list[Hit]:
    """Languages matching `query`, best first (ties: languages for which `prefer(code)`).

    Raises NoLanguageMatch when no name, code or country matches at all.
    """
    from leaflet.languages.tags import LANGUAGE_MAX

    if len(query) > LANGUAGE_MAX:  # bounded in work: a pasted page is not a language name
        raise UsageError(_("%(query)s is %(length)s characters long; a language name, "
                           "code or country has at most %(most)s")
                         % {"query": clip(query), "length": f"{len(query):,}",
                            "most": LANGUAGE_MAX})
    idx = cldr.index()
    q = cldr.normalise(query)
    if not q and not query.strip().isdigit():
        raise NoLanguageMatch(query, [])
    found = _name_matches(idx, q) if q else {}
    for key, value in _code_matches(idx, query).items():
        if value[0] > found.get(key, (0.0,))[0]:
            found[key] = value
    if not found:
        raise NoLanguageMatch(query, nearest_names(idx, q))
    hits: dict[str, Hit] = {}

    def add(hit: Hit) -> None:
        if hit.score > (hits[hit.code].score if hit.code in hits else -1):
            hits[hit.code] = hit

    for (kind, code), (score, how, text) in found.items():
        if kind == "l":
            add(Hit(code, score, how, text))
            continue
        if score < TERRITORY_MIN:
            continue
        territory = idx.territory(code)
        for lang, share, _official in territory.languages:
            weighted = score * (0.8 + 0.2 * min(share, 100.0) / 100)
            if weighted >= SHOWN_MIN:
                add(Hit(lang, weighted, "territory", code, share, [how, text]))
    ranked = sorted(hits.values(), key=lambda h: (
        -round(h.score, 1), not (prefer and prefer(h.code)), -(h.share or 0), h.code))
    if not ranked:  # only weak country matches
        raise NoLanguageMatch(query, nearest_names(idx, q))
    floor = max(SHOWN_MIN, ranked[0].score - TAIL)
    ranked = [h for h in ranked if h.score >= floor]
    return ranked[:limit] if limit else ranked


def nearest_names(idx: cldr.Index, q: str, n: int = 5) -> list[str]:
    """The English names (and codes) of the languages and countries closest to `q`."""
    from rapidfuzz import fuzz, process

    if not q:
        return []
    shown: list[str] = []
    for _name, _score, pos in process.extract(q, idx.names, scorer=fuzz.ratio, limit=4 * n):
        for kind, code in cldr.Index.split(idx.targets[pos]):
            info = idx.language(code) if kind == "l" else idx.territory(code)
            label = f"{info.names['en']} ({code})"
            if label not in shown:
                shown.append(label)
        if len(shown) >= n:
            break
    return shown[:n]


# --- the workspace: which languages have a leaflet ----------------------------------------

class Edition:
    """The languages this workspace configures and those whose PDF is built."""

    def __init__(self, workspace, idx: cldr.Index):
        self.workspace = workspace
        self.idx = idx
        self.configured = list(workspace.languages) if workspace is not None else []
        # code -> the PDF, relative to the workspace
        # (what the workspace says is built: leaflet.workspace.built, below this room's
        # callers, never imported here)
        self.built: dict[str, str] = workspace.built_languages() if workspace else {}
        # (language, script) -> configured code; a code without a region wins (pt over pt-BR).
        self._codes: dict[tuple[str, str | None], str] = {}
        self._bases: dict[str, list[str]] = {}
        for code in sorted(self.configured, key=lambda c: (cldr.parse_tag(c) is None or
                                                           cldr.parse_tag(c)[2] is not None, c)):
            tag = cldr.parse_tag(code)
            if tag is None:
                continue
            base = idx.codes.get(tag[0], tag[0]).split("-")[0]
            self._codes.setdefault((base, self._script(base, tag[1])), code)
            self._bases.setdefault(base, []).append(code)

    def _script(self, base: str, script: str | None) -> str | None:
        if script:
            return script
        info = self.idx.language(base)
        return info.script if info else None

    def code_for(self, key: str) -> str | None:
        """The configured code of index language `key` (zh -> zh-Hans), or None."""
        base, _sep, script = key.partition("-")
        return self._codes.get((base, self._script(base, script or None)))

    def same_language_other_script(self, key: str) -> list[str]:
        own = self.code_for(key)
        return [code for code in self._bases.get(key.partition("-")[0], []) if code != own]


def _row(idx: cldr.Index, edition: Edition, hit: Hit, officer: str) -> dict:
    code = edition.code_for(hit.code)
    shown_key = hit.code
    if code:  # describe the leaflet's own variant (zh-Hans, not zh) when the index has it
        tag = cldr.parse_tag(code)
        variant = f"{tag[0]}-{tag[1]}" if tag and tag[1] else None
        if variant and idx.language(variant):
            shown_key = variant
    info = idx.language(shown_key)
    match = {"how": hit.how, "text": hit.matched}
    if hit.how == "territory":
        territory = idx.territory(hit.matched)
        match.update(territory=hit.matched, territory_name=territory.names.get(
            officer, territory.names["en"]), share=hit.share, via=hit.evidence[0])
    return {
        "code": code or hit.code,
        "autonym": info.autonym,
        "english_name": info.english_name,
        "name": info.names.get(officer, info.english_name),
        "built": bool(code and code in edition.built),
        "score": round(hit.score, 1),
        "configured": code is not None,
        "pdf": edition.built.get(code) if code else None,
        "script": info.script,
        "direction": info.direction,
        "names": info.names,
        "match": match,
        "cldr_code": hit.code,
    }


def suggestions(idx: cldr.Index, edition: Edition, key: str, officer: str = "en",
                n: int = 3) -> list[dict]:
    """Built languages a speaker of `key` most likely reads, best first.

    From CLDR's territory data: each territory where `key` is spoken counts with the share
    of its population that speaks `key`, times the share that speaks the other language.
    CLDR gives shares, not head counts, so a territory weighs by how much of it speaks the
    language, not by its size (Tigrinya: Eritrea 60 % outweighs Ethiopia 6 %). The same
    language in another script (zh-Hant -> zh-Hans) comes first.
    """
    info = idx.language(key)
    own = edition.code_for(key)
    weights: dict[str, float] = {}
    because: dict[str, list] = {}
    for code in edition.same_language_other_script(key):
        if code in edition.built:
            weights[code] = 10.0
            because[code] = [{"reason": "same language, other script"}]
    for territory, share, _ in (info.territories if info else ()):
        t_info = idx.territory(territory)
        if t_info is None:
            continue
        for other, other_share, official in t_info.languages:
            code = edition.code_for(other)
            if not code or code == own or code not in edition.built:
                continue
            weights[code] = weights.get(code, 0.0) + share / 100 * other_share / 100
            because.setdefault(code, []).append({
                "territory": territory,
                "territory_name": t_info.names.get(officer, t_info.names["en"]),
                "share": other_share, "official": official})
    ranked = sorted(weights, key=lambda c: (-weights[c], c))[:n]
    rows = []
    for code in ranked:
        tag = cldr.parse_tag(code)
        other = idx.language(f"{tag[0]}-{tag[1]}" if tag[1] else tag[0]) or \
            idx.language(tag[0])
        rows.append({"code": code, "autonym": other.autonym if other else None,
                     "english_name": other.english_name if other else code,
                     "built": True, "weight": round(weights[code], 4),
                     "because": because[code][:3]})
    return rows


def pick(query: str, workspace, *, limit: int = 10, officer: str = "en") -> list[dict]:
    """Ranked rows for `query`: what `leaflet pick --json` prints.

    Each row: code (the edition's code when the language is configured), autonym (None when
    CLDR has no data for the language itself), english_name, name (in `officer`'s language),
    built (the PDF exists in output/<edition>/), score 0-100, configured, pdf, script,
    direction, names (en/fr/nl/de), match (how the query matched), and for a language
    without a built leaflet `suggestions`: built languages its speakers likely read.
    Raises NoLanguageMatch.
    """
    idx = cldr.index()
    edition = Edition(workspace, idx)
    rows: list[dict] = []
    seen: set[str] = set()
    for hit in search(query, prefer=lambda key: edition.code_for(key) is not None):
        row = _row(idx, edition, hit, officer)
        if row["code"] in seen:  # zh and zh-Hans both lead to the zh-Hans leaflet
            continue
        seen.add(row["code"])
        if not row["built"]:
            row["suggestions"] = suggestions(idx, edition, hit.code, officer)
        rows.append(row)
        if len(rows) >= limit:
            break
    return rows


def _script_codes() -> set[str]:
    from babel import Locale

    return set(Locale("en").scripts)


def resolve_language(query: str, workspace=None) -> str:
    """One BCP 47 code for `query`, for the hand-over log; LanguageChoiceError otherwise.

    - A well-formed code CLDR knows is returned in canonical form, aliases resolved, region
      kept: "TIR" -> "ti", "zh_hans" -> "zh-Hans", "ar-ma" -> "ar-MA", "und" -> "und"; an
      unknown script or region subtag is refused ("ar-XQ").
    - Anything else (a name in any language, a misspelling, a country) goes through the
      same matcher as `leaflet pick`; its first row's code is returned when it scores at
      least ACCEPT and leads the next language by MARGIN: "tigrinia" -> "ti", "Chinese"
      -> "zh-Hans" when leaflet.toml configures zh-Hans.
    - Otherwise LanguageChoiceError (a UsageError: exit 2) whose message lists the
      candidates, e.g. "Eritrea" -> ti, en, tig, ar; `.candidates` holds pick()'s rows.
    """
    text = (query or "").strip()
    if not text:
        raise LanguageChoiceError(_("the language is empty"), [],
                                  hint=_("give a code such as ti, or a language name"))
    idx = cldr.index()
    tag = cldr.parse_tag(text)
    if tag:
        lang, script, region = tag
        if lang == "und" and not script and not region:
            return "und"
        code = idx.codes.get(lang)
        if code:
            if region and not region.isdigit() and region.lower() not in idx.territory_codes:
                raise LanguageChoiceError(_("%(query)s: %(region)s is not a region CLDR knows")
                                          % {"query": clip(text), "region": repr(region)},
                                          [], hint=_("use a country code such as ER or MA"))
            if script and script not in _script_codes():
                raise LanguageChoiceError(_("%(query)s: %(script)s is not a CLDR script code")
                                          % {"query": clip(text), "script": repr(script)},
                                          [], hint=_("use a script code such as Latn or Hans"))
            base, _sep, alias_script = code.partition("-")
            script = script or alias_script or None
            return "-".join(p for p in (base, script, region) if p)
    try:
        rows = pick(text, workspace, limit=8)
    except NoLanguageMatch as exc:
        raise LanguageChoiceError(_("no language matches %(query)s") % {"query": clip(text)},
                                  [], hint=exc.hint) from None
    first = rows[0]
    second = next((r for r in rows[1:] if r["code"] != first["code"]), None)
    if first["score"] >= ACCEPT and (second is None or
                                     first["score"] - second["score"] >= MARGIN):
        return first["code"]
    close = [r for r in rows if r["score"] >= first["score"] - 15][:6]
    listed = ", ".join(f"{r['code']} ({r['english_name']})" for r in close)
    # Translators: %(candidates)s lists codes with their English names, like "ti (Tigrinya)".
    message = (_("%(query)s could mean several languages: %(candidates)s")
               if first["score"] >= ACCEPT or len(close) > 1 else
               _("%(query)s matches no language well enough: %(candidates)s"))
    raise LanguageChoiceError(message % {"query": clip(text), "candidates": listed}, close,
                              # Translators: %(command)s is a command to run, kept as it is.
                              hint=_("give one of these codes, or check with `%(command)s`")
                              % {"command": f"leaflet pick {clip(text, 40)[1:-1]}"})
