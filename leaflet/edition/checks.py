"""`leaflet check`: everything that must hold before a language version is printed.

Each check is a small named function with a stable id (CHECK_IDS); it takes one catalogue
entry, or one catalogue, or one rendered document, and yields Findings. A runner collects
them per language. Catalogue checks follow translate-toolkit's pofilter and Babel's
checkers; the print checks (glyph coverage, layout fit, data freshness) are what only a
printed leaflet needs. Errors make `check` exit 1; warnings do not (unless --release).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from leaflet import textsafety
from leaflet.edition import catalog
from leaflet.languages import scripts
from leaflet.errors import CatalogError

ERROR, WARNING = "error", "warning"
DATA_CHECKS = ("DATA-UNVERIFIED", "DATA-STALE")
# A translation may be this many times as long as its English source, plus a margin for
# very short ones: Tamil or Malayalam run to about 2.5 times English; anything beyond is a
# paste accident, and checking it would cost time growing with its length.
LENGTH_FACTOR, LENGTH_MARGIN = 5, 100

CHECK_IDS = {
    "PO-SYNTAX": "the catalogue cannot be parsed",
    "PO-CHARSET": "the catalogue is not declared as UTF-8",
    "PO-PLURAL-FORMS": "Plural-Forms disagrees with CLDR's plural rules for the language",
    "PO-LANGUAGE": "the Language header does not name the catalogue's language",
    "PO-REVIEW": "the review status header is missing or incomplete, or the text changed "
                 "since the review (warning)",
    "UNTRANSLATED": "an entry has no translation",
    "FUZZY": "an entry is marked fuzzy (needs review)",
    "STALE": "the catalogue does not match translations/messages.pot",
    "PLACEHOLDERS": "the %(name)s placeholders of msgstr differ from msgid's",
    "NUMBERS": "msgstr holds a number msgid lacks, or a digit beside a placeholder (it "
               "would change a printed figure: 1%(days)s prints 145)",
    "MARKUP": "msgstr has tags msgid lacks, tags off the allow-list, or something that runs",
    "CONTACT": "msgstr contains a phone number, e-mail, URL or postcode msgid lacks",
    "INVISIBLE": "msgstr holds a direction, format or control character (U+202E, U+200B, ...)",
    "MIXED-SCRIPT": "a word of msgstr mixes letters of two scripts (a Cyrillic а in Latin)",
    "LENGTH": "msgstr is far longer than its msgid could need",
    "TERMS": "msgstr does not use the language's agreed term (translations/<locale>/terms.tbx)",
    "DATA-INVALID": "a contact detail is not valid for its kind (phone, e-mail, website)",
    "GLYPHS": "a character the PDF prints is missing from the language's fonts",
    "LAYOUT": "the rendered leaflet does not keep its pages, overflows one, or prints body "
              "text under 9 pt",
    "FILL": "a page of the rendered leaflet is less than 60 % full (warning)",
    "DATA-UNVERIFIED": "a contact detail has no verified-on date",
    "DATA-STALE": "a contact detail was verified more than 12 months ago",
}

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
_PERCENT = re.compile(r"%(?!\(\w+\)[sd])(?!%)")  # a bare or malformed % directive
_BRACES = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][\w-]*)([^>]*)>")
_RUNNABLE = re.compile(r"<\s*script|\bon[a-z]+\s*=|javascript\s*:", re.I)
# An HTML character reference (&#x202E;, &#49;, &rlm;): it would carry a character past
# every check of the text as typed.
_CHAR_REFERENCE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
# Contact-like data: what a translator must never type into a msgstr.
_CONTACT_PATTERNS = {
    "phone number": re.compile(r"\+?\d[\d ./-]{4,}\d"),
    "e-mail address": re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    "URL": re.compile(r"(https?://|www\.)\S+|\b[\w-]+\.(be|org|com|eu|net|info)\b", re.I),
    "postcode": re.compile(r"(?<![\d.,])\d{4}(?![\d.,])"),
}
FRESH_MONTHS = 12


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    path: str
    line: int | None
    message: str
    lang: str | None = None
    subject: str | None = None  # what the finding is about, e.g. the detail `payoke.phone`

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == WARNING else ""
        return f"{where}: {self.check}: {prefix}{self.message}"

    def as_dict(self) -> dict:
        return asdict(self)


def _digits_ascii(text: str) -> str:
    """Digits of any script as ASCII, so Arabic-Indic or Devanagari digits are caught too."""
    return "".join(str(unicodedata.digit(ch)) if unicodedata.digit(ch, None) is not None
                   else ch for ch in text)


def _contact_form(text: str) -> str:
    """Text as the CONTACT patterns read it: compatibility forms folded (full-width
    letters, ligatures), digits of every script as ASCII, every space (no-break, narrow
    no-break, thin, ideographic ...) as a space and every dash or dot-like separator as
    the ASCII one, so that French typography's "02 511 64 64" with U+202F is a number too."""
    out = []
    for ch in unicodedata.normalize("NFKC", text):
        digit = unicodedata.digit(ch, None)
        category = unicodedata.category(ch)
        if digit is not None:
            out.append(str(digit))
        elif category == "Zs" or ch in "\t":
            out.append(" ")
        elif category == "Pd" or ch in "\u2212\u2043":
            out.append("-")
        elif ch in "\u00b7\u2022\u2219\u30fb\u066b\u066c\u060c\u2024":
            out.append(".")
        else:
            out.append(ch)
    return "".join(out)


def _numeric(ch: str) -> bool:
    """A character that prints a figure: a digit of any script, a superscript or circled
    digit, a fraction, a Roman numeral, a CJK numeral."""
    return unicodedata.numeric(ch, None) is not None


def _numbers(text: str) -> dict[str, str]:
    """The numbers of `text`, placeholders left out: runs of digits of any script, keyed by
    their value in ASCII digits ("07" and "٧" are 7), each with its first spelling."""
    found: dict[str, str] = {}
    run: list[str] = []
    spelled: list[str] = []
    for ch in PLACEHOLDER.sub(" ", text) + " ":
        digit = unicodedata.digit(ch, None)
        if digit is not None:
            run.append(str(digit))
            spelled.append(ch)
        elif run:
            found.setdefault("".join(run).lstrip("0") or "0", "".join(spelled))
            run, spelled = [], []
    return found


# What may stand between a placeholder and a figure and still join them into one printed
# number: spaces of any kind and the separators of numbers ("%(number)s 5", "1.%(days)s").
_FIGURE_JOINERS = frozenset(".,/:'-\u2019\u066b\u066c\u060c\u00b7")


def _figure_beside(text: str, start: int, end: int) -> str | None:
    """The figure character printed next to the placeholder text[start:end], across at most
    three spaces or number separators, or None."""
    for index, step in ((start - 1, -1), (end, 1)):
        for _ in range(4):
            if not 0 <= index < len(text):
                break
            ch = text[index]
            if _numeric(ch):
                return ch
            if not (unicodedata.category(ch) == "Zs" or ch in _FIGURE_JOINERS
                    or textsafety.is_invisible(ch)):
                break
            index += step
    return None


def _translations_of(entry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


# --- entry checks: each takes (entry, path, lang) and yields findings -------------------

def length_bound(msgid: str) -> int:
    return LENGTH_FACTOR * len(msgid) + LENGTH_MARGIN


def check_length(entry, path, lang=None):
    bound = length_bound(entry.msgid + (entry.msgid_plural or ""))
    for text in _translations_of(entry):
        if len(text) > bound:
            yield Finding("LENGTH", ERROR, path, entry.linenum,
                          f"the translation of {entry.msgid[:40]!r} is {len(text)} characters, "
                          f"more than {bound} ({LENGTH_FACTOR} times the English and "
                          f"{LENGTH_MARGIN}): shorten it")
            return


def check_invisible(entry, path, lang=None):
    script = lang.script if lang is not None else None
    allow_newline = "\n" in entry.msgid
    for text in _translations_of(entry):
        found = textsafety.invisible_chars(_unreferenced(text), script,
                                           allow_newline=allow_newline)
        if found:
            allowed = ("; ZWNJ/ZWJ are allowed only in scripts that spell with them "
                       "(docs/translating.md)") if set(found) & textsafety.JOINERS else ""
            yield Finding("INVISIBLE", ERROR, path, entry.linenum,
                          f"{', '.join(textsafety.describe(ch) for ch in found[:3])} in the "
                          f"translation of {entry.msgid[:40]!r}: delete it (it can reorder or "
                          f"hide what is printed){allowed}")
            return


def check_mixed_script(entry, path, lang=None):
    for text in _translations_of(entry):
        mixed = textsafety.mixed_script_words(PLACEHOLDER.sub(" ", TAG.sub(" ", text)))
        if mixed:
            word, found = mixed[0]
            yield Finding("MIXED-SCRIPT", WARNING, path, entry.linenum,
                          f"the word {textsafety.clip(word, 40)} mixes {' and '.join(found)} "
                          f"letters in the translation of {entry.msgid[:40]!r}: retype it "
                          "in one script")
            return


def check_completeness(entry, path, lang=None):
    if entry.fuzzy:
        yield Finding("FUZZY", ERROR, path, entry.linenum,
                      f"fuzzy entry {entry.msgid[:50]!r}: check the translation, then remove "
                      "the fuzzy flag")
    elif not all(s.strip() for s in _translations_of(entry)):
        yield Finding("UNTRANSLATED", ERROR, path, entry.linenum,
                      f"untranslated entry {entry.msgid[:50]!r}")


def check_placeholders(entry, path, lang=None):
    wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
    for text in _translations_of(entry):
        if not text:
            continue
        found = set(PLACEHOLDER.findall(text))
        if found != wanted:
            missing = ", ".join(f"%({n})s" for n in sorted(wanted - found))
            extra = ", ".join(f"%({n})s" for n in sorted(found - wanted))
            detail = "; ".join(x for x in (missing and f"missing {missing}",
                                           extra and f"unknown {extra}") if x)
            yield Finding("PLACEHOLDERS", ERROR, path, entry.linenum,
                          f"{detail} in the translation of {entry.msgid[:40]!r}")
        elif _PERCENT.search(PLACEHOLDER.sub("", text)) and not _PERCENT.search(
                PLACEHOLDER.sub("", entry.msgid)):
            yield Finding("PLACEHOLDERS", ERROR, path, entry.linenum,
                          "a stray or malformed % directive (write %% for a percent sign)")
        elif _BRACES.search(text) and not _BRACES.search(entry.msgid):
            yield Finding("PLACEHOLDERS", ERROR, path, entry.linenum,
                          "{...} is not a placeholder here: use the %(name)s of msgid")


def check_numbers(entry, path, lang=None):
    """NUMBERS: a number the English lacks, or a figure glued to a placeholder.

    A translation may repeat a number of its English ("24 heures sur 24") or write it out
    in words, but never bring one in: `1%(days)s` prints "145 jours", `%(number)s 5` a wrong
    phone number, and no other check sees a figure in a translation as data. Digits of
    every script count (١%(days)s, %(days)s०), and any figure beside a placeholder across
    spaces or number separators is refused even when the English has that number
    elsewhere."""
    source = entry.msgid + " " + (entry.msgid_plural or "")
    wanted = _numbers(source)
    glued_in_source = {m.group(0) for m in PLACEHOLDER.finditer(source)
                       if _figure_beside(source, m.start(), m.end())}
    for text in _translations_of(entry):
        if not text:
            continue
        text = _unreferenced(text)
        for match in PLACEHOLDER.finditer(text):
            figure = _figure_beside(text, match.start(), match.end())
            if figure is not None and match.group(0) not in glued_in_source:
                yield Finding("NUMBERS", ERROR, path, entry.linenum,
                              f"{figure!r} ({textsafety.describe(figure)}) stands beside "
                              f"{match.group(0)} in the translation of {entry.msgid[:40]!r}: "
                              "it would print another figure; leave a word between them or "
                              "remove it")
                return
        numbers = _numbers(text)
        extra = sorted(set(numbers) - set(wanted), key=lambda n: (len(n), n))
        if extra:
            yield Finding("NUMBERS", ERROR, path, entry.linenum,
                          f"the number {numbers[extra[0]]} is not in the English of "
                          f"{entry.msgid[:40]!r}: a translation never brings a figure in "
                          "(numbers of the leaflet come from its English or leaflet.toml)")
            return


def _unreferenced(text: str) -> str:
    """`text` with its HTML character references resolved, as a browser would print them."""
    import html

    return html.unescape(text) if "&" in text else text


def check_markup(entry, path, lang=None):
    def tags(text):
        return sorted((m.group(1), m.group(2).lower()) for m in TAG.finditer(text))

    for text in _translations_of(entry):
        if not text:
            continue
        if _RUNNABLE.search(text) or _RUNNABLE.search(_unreferenced(text)):
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          "script, event handler or javascript: in the translation")
            continue
        references = [m.group(0) for m in _CHAR_REFERENCE.finditer(text)
                      if m.group(0) not in entry.msgid]
        if references:
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          f"the character reference {textsafety.clip(references[0], 30)} in "
                          f"the translation of {entry.msgid[:40]!r}: type the character "
                          "itself (a reference hides it from every check)")
            continue
        bad = sorted({name for _, name in tags(text) if name not in catalog.ALLOWED_TAGS})
        if bad:
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          f"tag(s) not allowed: {', '.join(bad)} (allowed: "
                          f"{', '.join(catalog.ALLOWED_TAGS)})")
        elif tags(text) != tags(entry.msgid) or text.count("<") != len(TAG.findall(text)):
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          "the tags differ from msgid's or a tag is not closed")


def check_contact(entry, path, lang=None):
    source = _contact_form(PLACEHOLDER.sub(" ", entry.msgid))
    for text in _translations_of(entry):
        text = _contact_form(PLACEHOLDER.sub(" ", _unreferenced(text)))
        for kind, pattern in _CONTACT_PATTERNS.items():
            for match in pattern.finditer(text):
                if match.group(0) not in source:
                    yield Finding("CONTACT", ERROR, path, entry.linenum,
                                  f"{kind} {match.group(0)!r} typed into the translation: "
                                  "contact details come from leaflet.toml only")
                    break


ENTRY_CHECKS = (check_completeness, check_invisible, check_placeholders, check_markup,
                check_contact, check_numbers, check_mixed_script)


# --- catalogue checks ---------------------------------------------------------------------

def check_header(po, path, lang, real_path=None):
    from babel.messages.catalog import Catalog

    content_type = po.metadata.get("Content-Type", "")
    match = re.search(r"charset=([\w-]+)", content_type)
    if not match or match.group(1).lower().replace("_", "-") != "utf-8":
        yield Finding("PO-CHARSET", ERROR, path, _header_line(real_path or path, "Content-Type"),
                      f"charset is {match.group(1) if match else 'missing'}: declare and save "
                      "the file as UTF-8")
    language = po.metadata.get("Language", "")
    if language.replace("-", "_") != lang.locale:
        yield Finding("PO-LANGUAGE", ERROR, path, _header_line(real_path or path, "Language"),
                      f"Language is {language!r}, expected {lang.locale!r}")
    expected = Catalog(locale=lang.locale).num_plurals
    forms = po.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", forms)
    if not match or int(match.group(1)) != expected:
        yield Finding("PO-PLURAL-FORMS", ERROR, path, _header_line(real_path or path, "Plural-Forms"),
                      f"nplurals is {match.group(1) if match else 'missing'}, CLDR has "
                      f"{expected} plural forms for {lang.code}: use `{Catalog(locale=lang.locale).plural_forms}`")
    status = po.metadata.get(catalog.REVIEW_HEADER, "").strip()
    line = _header_line(real_path or path, catalog.REVIEW_HEADER)
    if status not in ("draft", "reviewed"):
        yield Finding("PO-REVIEW", ERROR, path, line,
                      f"{catalog.REVIEW_HEADER} must be draft or reviewed, not {status!r}")
    elif status == "reviewed":
        who = po.metadata.get("X-Reviewed-By", "").strip()
        when = po.metadata.get("X-Reviewed-On", "").strip()
        try:
            dt.date.fromisoformat(when)
        except ValueError:
            when = ""
        if not who or not when:
            yield Finding("PO-REVIEW", ERROR, path, line,
                          "reviewed needs X-Reviewed-By (name) and X-Reviewed-On (YYYY-MM-DD)")
            return
        from leaflet.edition import review

        found = review.state(po)
        if found.note:
            yield Finding("PO-REVIEW", WARNING, path, line, found.note)
        elif found.status == review.CHANGED:
            yield Finding("PO-REVIEW", WARNING, path, line,
                          f"changed since the review of {when} by {who}, so printed as a "
                          f"draft: {found.describe(path)}; the reviewer checks these and runs "
                          "`leaflet catalog review`")


def check_stale(po, path, pot):
    have = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    want = {(e.msgctxt, e.msgid) for e in pot}
    for entry in pot:
        if (entry.msgctxt, entry.msgid) not in have:
            yield Finding("STALE", ERROR, path, None,
                          f"msgid {entry.msgid[:50]!r} of messages.pot is missing: run "
                          "`leaflet catalog update`")
    for entry in po:
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in want:
            yield Finding("STALE", ERROR, path, entry.linenum,
                          f"msgid {entry.msgid[:50]!r} is no longer in messages.pot: run "
                          "`leaflet catalog update`")


def _header_line(path, field: str) -> int | None:
    try:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith(f'"{field}:'):
                return number
    except (OSError, UnicodeDecodeError):
        pass
    return None


def check_terms(workspace, po, path, lang):
    """TERMS: every entry whose English holds a key term uses the language's agreed term."""
    from leaflet.edition import terms

    if lang.locale == "en" or not terms.master_path(workspace.translations_dir).is_file():
        return
    try:
        base = terms.load(workspace.translations_dir, lang.locale)
    except CatalogError as exc:
        yield Finding("TERMS", ERROR, workspace.display_path(Path(exc.path)) if exc.path
                      else path, exc.line, exc.message)
        return
    yield from terms.findings(po, path, base, lang,
                              lambda severity, line, message: Finding("TERMS", severity, path,
                                                                      line, message))


# --- print checks ---------------------------------------------------------------------------

def _cmap(family: str) -> set[int]:
    covered = set()
    for bold in (False, True):
        path, index = scripts.font_face(family, bold)
        covered |= face_cmap(path, index)
    return covered


def face_cmap(path: Path, index: int = 0) -> set[int]:
    """The code points one font face maps, cached on disk per font file.

    fontTools takes about a second to read the cmap of a CJK face; every build checks the
    glyphs of every language it renders, so the set is kept in the user's cache folder,
    keyed by the file's path, size and modification time (a changed font is read again).
    """
    import array
    import hashlib

    st = path.stat()
    key = hashlib.sha256(f"{path}\0{index}\0{st.st_size}\0{st.st_mtime_ns}".encode()
                         ).hexdigest()[:32]
    cache = _cache_dir() / f"{key}.u32"
    try:
        codes = array.array("I")
        codes.frombytes(cache.read_bytes())
        return set(codes)
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        covered = set(font.getBestCmap() or {})
    finally:
        font.close()
    try:
        from leaflet.files import write_atomic

        write_atomic(cache, array.array("I", sorted(covered)).tobytes())
    except OSError:
        pass  # no cache: the next check reads the font again
    return covered


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("leaflet", appauthor=False)) / "cmaps"


_CMAPS: dict[str, set[int]] = {}


def family_cmap(family: str) -> set[int]:
    """`_cmap(family)`, kept for the life of the process."""
    if family not in _CMAPS:
        _CMAPS[family] = _cmap(family)
    return _CMAPS[family]


def check_glyphs(po, path, lang, shown_data: list[str]):
    """Every character of the translations and of the data shown is in the font stack."""
    stack = [family_cmap(family) for family in lang.families]

    def missing(text):
        return sorted({ch for ch in text if not ch.isspace() and unicodedata.category(ch)[0]
                       != "C" and not any(ord(ch) in cmap for cmap in stack)})

    for entry in po:
        if entry.obsolete:
            continue
        for text in _translations_of(entry):
            if len(text) > length_bound(entry.msgid + (entry.msgid_plural or "")):
                continue  # LENGTH already refuses it
            absent = missing(PLACEHOLDER.sub("", text))
            if absent:
                yield Finding("GLYPHS", ERROR, path, entry.linenum,
                              f"{_describe(absent)} not in {', '.join(lang.families)}: the "
                              "PDF would print empty boxes")
    absent = missing("".join(shown_data))
    if absent:
        yield Finding("GLYPHS", ERROR, path, None,
                      f"data shown in this language ({_describe(absent)}) is not in "
                      f"{', '.join(lang.families)}")


def _describe(chars: list[str]) -> str:
    shown = ", ".join(f"U+{ord(c):04X} {c!r}" for c in chars[:5])
    return shown + (f" and {len(chars) - 5} more" if len(chars) > 5 else "")


def check_freshness(workspace, today: dt.date, release: bool, allow_unverified: bool):
    severity = ERROR if release and not allow_unverified else WARNING
    limit = today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) \
        else today - dt.timedelta(days=366)
    path = workspace.path.name
    for name, verified_on, table, key in workspace.contact_details():
        line = workspace.line_of(table, key)
        if verified_on is None:
            yield Finding("DATA-UNVERIFIED", severity, path, line,
                          f"{name} has no verified_on date", subject=name)
        elif verified_on < limit:
            yield Finding("DATA-STALE", severity, path, line,
                          f"{name} was verified on {verified_on}, more than {FRESH_MONTHS} "
                          "months ago", subject=name)


def check_contact_data(workspace):
    """DATA-INVALID: phone numbers, e-mail addresses parsed by kind (leaflet/contacts.py)."""
    from leaflet.workspace import contacts

    for problem in contacts.problems(workspace):
        yield Finding("DATA-INVALID", ERROR, workspace.path.name,
                      workspace.line_of(problem.table, problem.key), problem.message,
                      subject=problem.name)


MIN_FILL = 0.60  # every page's text reaches at least this share of its height
MIN_BODY_PT = 9.0  # body text (inside a page's section) is never smaller


def page_metrics(pages, expected_sections: list[str]) -> dict[str, dict]:
    """Per section of the template: pages it lies on, how full its page is, its smallest text.

    `fill` is the height from the top of the page's content area to the bottom of the
    section's last box, over the content area's height. `min_pt` is the smallest font size
    of any text inside the section (the footer's small print lies outside sections).
    """
    seen: dict[str, dict] = {}
    for number, page in enumerate(pages, 1):
        page_box = page._page_box
        top, area = page_box.content_box_y(), page_box.height
        for box in page_box.descendants():
            element = getattr(box, "element", None)
            ident = element.get("id") if element is not None else None
            if ident in expected_sections and "page" in (element.get("class") or "").split():
                height = box.margin_height() if box.height != "auto" else 0
                entry = seen.setdefault(ident, {"pages": [], "fill": 0.0, "spill": 0.0,
                                                "min_pt": None})
                entry["pages"].append(number)
                if len(entry["pages"]) == 1:
                    entry["fill"] = (box.position_y - top + height) / area
                else:
                    entry["spill"] += box.position_y - top + height
                sizes = list(_text_sizes(box))
                if sizes:
                    low = min(sizes)
                    entry["min_pt"] = low if entry["min_pt"] is None else min(low, entry["min_pt"])
    return seen


def _text_sizes(box, small_print: bool = False):
    """Font sizes (pt) of the text in `box`, leaving out small print (class "small")."""
    element = getattr(box, "element", None)
    if element is not None and getattr(box, "element_tag", None) and \
            "small" in (element.get("class") or "").split():
        small_print = True
    if type(box).__name__ == "TextBox":
        if not small_print and (box.text or "").strip():
            yield box.style["font_size"] * 0.75
        return
    for child in getattr(box, "children", ()):
        yield from _text_sizes(child, small_print)


def layout_findings(pages, expected_sections: list[str], path: str, code: str, *,
                    fill: bool = True):
    """Overflow, page-count, fill and text-size findings from WeasyPrint's laid-out pages.

    Each `<section class="page" id=...>` of the template must fill exactly one page. A
    section found on two pages overflowed its page; a box wider than the page's content
    area overflowed sideways (a long unbreakable word, a URL). A page whose text stops
    before MIN_FILL of its height is a warning (FILL); text under MIN_BODY_PT an error.
    """
    px_to_mm = 25.4 / 96
    for number, page in enumerate(pages, 1):
        page_box = page._page_box
        left = page_box.content_box_x()
        right = left + page_box.width
        for box in page_box.descendants():
            if getattr(box, "width", None) not in (None, "auto") and box.position_x is not None:
                excess = box.position_x + box.margin_width() - right
                if excess > 1 and type(box).__name__ == "TextBox":
                    text = getattr(box, "text", "") or ""
                    yield Finding("LAYOUT", ERROR, path, None,
                                  f"{code}: page {number}: {text[:30]!r} runs "
                                  f"{excess * px_to_mm:.1f} mm past the right margin")
    metrics = page_metrics(pages, expected_sections)
    for section in expected_sections:
        entry = metrics.get(section)
        if entry is None:
            continue
        if len(entry["pages"]) > 1:
            yield Finding("LAYOUT", ERROR, path, None,
                          f"{code}: section '{section}' overflows its page by "
                          f"{entry['spill'] * px_to_mm:.0f} mm (onto page {entry['pages'][1]}): "
                          "shorten the translation")
        elif fill and entry["fill"] < MIN_FILL:
            yield Finding("FILL", WARNING, path, None,
                          f"{code}: page {entry['pages'][0]} ('{section}') is only "
                          f"{entry['fill']:.0%} full (at least {MIN_FILL:.0%} expected)")
        if entry["min_pt"] is not None and entry["min_pt"] < MIN_BODY_PT - 0.01:
            yield Finding("LAYOUT", ERROR, path, None,
                          f"{code}: section '{section}' prints text at {entry['min_pt']:.1f} pt, "
                          f"under the {MIN_BODY_PT:g} pt body text minimum")
    if len(pages) != len(expected_sections):
        yield Finding("LAYOUT", ERROR, path, None,
                      f"{code}: {len(pages)} pages rendered, the template has "
                      f"{len(expected_sections)}")


# --- runner ---------------------------------------------------------------------------------

def sections_of(html: str) -> list[str]:
    return re.findall(r'<section class="page[^"]*" id="([\w-]+)"', html)


def check_language(workspace, lang, pot, path: Path | None = None) -> list[Finding]:
    """Catalogue and glyph findings for one language (no rendering).

    `path` checks another file as if it were the language's catalogue (an import's result
    before it replaces the catalogue); findings still name the catalogue."""
    shown = workspace.display_path(catalog.catalog_path(workspace.translations_dir, lang.locale))
    path = path or catalog.catalog_path(workspace.translations_dir, lang.locale)
    try:
        po = catalog.read_po(path)
    except CatalogError as exc:
        return [Finding("PO-SYNTAX", ERROR, shown, exc.line, exc.message, lang.code)]
    findings = list(check_header(po, shown, lang, path))
    for entry in po:
        if entry.obsolete or entry.msgid == "":
            continue
        too_long = list(check_length(entry, shown, lang))
        findings.extend(too_long)
        if too_long:  # bounded first: the other checks' cost grows with the length
            continue
        for check in ENTRY_CHECKS:
            findings.extend(check(entry, shown, lang))
    if pot is not None:
        findings.extend(check_stale(po, shown, pot))
    findings.extend(check_terms(workspace, po, shown, lang))
    findings.extend(check_glyphs(po, shown, lang, shown_data(workspace, lang)))
    return [replace(f, lang=lang.code) for f in findings]


def shown_data(workspace, lang) -> list[str]:
    """The data a language's leaflet prints besides its translations."""
    from babel.dates import format_date

    values = [workspace.website.for_language(lang.code),
              format_date(workspace.edition_date, "long", locale=lang.locale), "0123456789"]
    from leaflet.edition.render import PROCEDURE_NAMES

    for org in workspace.organisations.values():
        if org.kind in ("centre", "helpline", "emergency") or org.id == "guardianship":
            values += [org.name, org.city or ""] + [d.value for d in org.details.values()]
    return values + list(PROCEDURE_NAMES.values())


def _layout_job(code: str, html: str, base_url: str, path: str, card_html: str = ""
                ) -> list[dict]:
    """Lay out one language's leaflet and wallet card (no PDF written); return the layout
    findings as dicts."""
    import weasyprint

    found = []
    for source, fill in ((html, True), (card_html, False)):
        if not source:
            continue
        document = weasyprint.HTML(string=source, base_url=base_url).render()
        found += [f.as_dict() for f in layout_findings(document.pages, sections_of(source),
                                                       path, code, fill=fill)]
    return found


def run_checks(workspace, codes=None, *, layout: bool = True, release: bool = False,
               allow_unverified: bool = False, today: dt.date | None = None,
               jobs: int | None = None, overrides: dict | None = None) -> list[Finding]:
    """Every finding for `codes` (default: all configured languages), errors and warnings.

    `overrides` maps a language code to a file checked in place of its catalogue."""
    overrides = overrides or {}

    def catalogue_of(lang):
        return overrides.get(lang.code) or catalog.catalog_path(workspace.translations_dir,
                                                                 lang.locale)

    import concurrent.futures
    import multiprocessing
    import os

    from leaflet.edition import build

    langs = scripts.languages_for(workspace, list(codes) if codes else list(workspace.languages))
    pot_path = workspace.translations_dir / catalog.POT_NAME
    pot = catalog.read_po(pot_path) if pot_path.is_file() else None
    findings: list[Finding] = []
    if pot is None:
        findings.append(Finding("STALE", ERROR, str(pot_path), None,
                                "messages.pot is missing: run `leaflet catalog extract`"))
    findings.extend(check_freshness(workspace, today or dt.date.today(), release,
                                    allow_unverified))
    findings.extend(check_contact_data(workspace))
    renderable = []
    for lang in langs:
        found = check_language(workspace, lang, pot, overrides.get(lang.code))
        findings.extend(found)
        if layout and not any(f.severity == ERROR for f in found):
            renderable.append(lang)
    if renderable:
        pending = [build.Pending(lang, catalog.load_translations(catalogue_of(lang)),
                                 build.input_hash(workspace, lang, catalogue_of(lang)),
                                 workspace.output_dir / "unused")
                   for lang in renderable]
        prepared = build.prepare(workspace, pending)
        base_url = str(workspace.templates_dir) + os.sep
        workers = max(1, min(jobs or os.cpu_count() or 1, len(prepared)))
        args = [(job.lang.code, job.html, base_url, workspace.display_path(
            catalog.catalog_path(workspace.translations_dir, job.lang.locale)), job.card_html)
            for job in prepared]
        if workers == 1:
            results = [_layout_job(*a) for a in args]
        else:
            with concurrent.futures.ProcessPoolExecutor(
                    workers, mp_context=multiprocessing.get_context("fork")) as pool:
                results = list(pool.map(_layout_job, *zip(*args)))
        for (code, *_), found in zip(args, results):
            findings.extend(Finding(**dict(f, lang=code)) for f in found)
    return findings
