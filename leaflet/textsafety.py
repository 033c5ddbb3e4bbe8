"""Text that is safe to print, to log and to open in a spreadsheet.

Three small mechanisms that every input path shares (catalogues, leaflet.toml, the log's
identifiers and notes, every CSV the tool writes):

- **Invisible and direction characters.** A U+202E ... U+202C pair around `%(days)s`
  prints "45" as "54"; a zero-width space hides inside a word. `invisible_chars` finds
  every format character (Unicode category Cf), line or paragraph separator and control
  character in a text. ZWNJ and ZWJ (U+200C, U+200D) are part of correct spelling in some
  scripts and are allowed there only (JOINER_SCRIPTS).
- **Mixed scripts.** A Cyrillic "а" in a French word looks right and reads wrong (search,
  screen readers, fonts). `mixed_script_words` names such words.
- **Spreadsheet formulas.** A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
  return is evaluated by Excel and LibreOffice (OWASP "CSV injection"). `csv_cell` prefixes
  such a text cell with an apostrophe, which spreadsheets show as text; `csv_uncell` undoes
  it, so an import of an export gives back the original text. A text that already starts
  with an apostrophe gets one more, so the mapping is one-to-one.

Standard library only, because the hand-over path imports this module.
"""

from __future__ import annotations

import unicodedata

from leaflet.i18n import N_, _


def _usage(message: str, hint: str):
    from leaflet.errors import UsageError

    return UsageError(message, hint=hint)

# Scripts whose spelling uses ZWNJ (U+200C) and ZWJ (U+200D): Persian and Urdu (Arabic
# script) write ZWNJ inside words (می‌خواهم); the Indic scripts use both to choose
# half-forms and conjuncts; Sinhala (ZWJ yansaya), Mongolian and Syriac likewise.
JOINER_SCRIPTS = frozenset({
    "Arab", "Syrc", "Mong", "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda",
    "Mlym", "Sinh", "Tibt", "Mymr", "Khmr",
})
JOINERS = frozenset({"\u200c", "\u200d"})
# The same scripts by the first word of their letters' Unicode names (script_of), for text
# whose script is not known in advance (a note typed at the desk).
JOINER_SCRIPT_NAMES = frozenset({
    "ARABIC", "SYRIAC", "MONGOLIAN", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA",
    "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "TIBETAN", "MYANMAR", "KHMER",
})
# Characters that start a formula in a spreadsheet (OWASP), with their full-width forms,
# which some spreadsheets' input methods turn into the ASCII ones.
FORMULA_STARTS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
GUARD = "'"

# Unicode gives control characters no name; these are the ones a paste or a shell brings.
_CONTROL_NAMES = {"\x00": "NULL", "\t": "CHARACTER TABULATION", "\n": "LINE FEED",
                  "\v": "LINE TABULATION", "\f": "FORM FEED", "\r": "CARRIAGE RETURN",
                  "\x1b": "ESCAPE", "\x7f": "DELETE", "\x85": "NEXT LINE"}


def describe(ch: str) -> str:
    """`U+000A LINE FEED`, `U+202E RIGHT-TO-LEFT OVERRIDE`: an invisible character named."""
    name = unicodedata.name(ch, "")
    if not name:
        name = _CONTROL_NAMES.get(ch) or {
            "Cc": "control character", "Cs": "surrogate", "Co": "private-use character",
            "Cn": "unassigned character"}.get(unicodedata.category(ch), "unnamed character")
    return f"U+{ord(ch):04X} {name}"


def is_invisible(ch: str, script: str | None = None, *, allow_tab: bool = False) -> bool:
    """A format, control, line or paragraph separator character (ZWNJ/ZWJ allowed in
    JOINER_SCRIPTS, tab only with `allow_tab`). Newline counts: callers that accept
    several lines split them first."""
    category = unicodedata.category(ch)
    if ch in JOINERS:
        return script not in JOINER_SCRIPTS
    if ch == "\t":
        return not allow_tab
    return category in ("Cf", "Cc", "Zl", "Zp", "Cs", "Co", "Cn") or ch == "\u0085"


def invisible_chars(text: str, script: str | None = None, *, allow_newline: bool = False,
                    allow_tab: bool = False, joiners_in_words: bool = False) -> list[str]:
    """The distinct invisible characters of `text`, in order of first appearance.

    With `joiners_in_words` (text of no known script), a ZWNJ/ZWJ between two letters of a
    script that spells with it (JOINER_SCRIPT_NAMES: a Persian or Indic word) is not one.
    """
    seen: list[str] = []
    for index, ch in enumerate(text):
        if ch == "\n" and allow_newline:
            continue
        if joiners_in_words and ch in JOINERS and _joiner_in_word(text, index):
            continue
        if ch not in seen and is_invisible(ch, script, allow_tab=allow_tab):
            seen.append(ch)
    return seen


def _joiner_in_word(text: str, index: int) -> bool:
    """ZWNJ/ZWJ at `index` sits between two letters of a script that spells with it."""
    if index == 0 or index + 1 >= len(text):
        return False
    return all(script_of(text[i]) in JOINER_SCRIPT_NAMES for i in (index - 1, index + 1))


def first_invisible(text: str, script: str | None = None, **kwargs) -> str | None:
    found = invisible_chars(text, script, **kwargs)
    return found[0] if found else None


NO_SCRIPT = "Zyyy"  # ISO 15924's code for "common"
# First words of Unicode character names that are not a script (ordinal indicators, the
# micro sign, modifier letters, combining marks, joiners, ...): neutral in a word.
_NAME_NEUTRAL = frozenset({"FEMININE", "MASCULINE", "MICRO", "MODIFIER", "COMBINING", "ZERO",
                           "SUPERSCRIPT", "SUBSCRIPT", "VULGAR", "ROMAN", "CIRCLED",
                           "PARENTHESIZED", "SQUARED", "NEGATIVE", "DOUBLE", "SMALL",
                           "KANGXI", "CANADIAN"})
# Scripts that mix inside one word in ordinary writing: Han with kana (Japanese) or with
# Hangul (Korean Hanja).
_NAME_GROUPS = {"CJK": "CJK", "IDEOGRAPHIC": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK",
                "HANGUL": "CJK"}


def script_of(ch: str) -> str:
    """The script of one letter, from the first word of its Unicode name (LATIN, CYRILLIC,
    ARABIC, DEVANAGARI, ...); NO_SCRIPT for letters that belong to no script.

    Standard library only: the hand-over path loads leaflet.toml, whose values are checked
    for mixed scripts, and must not import a font library for it.
    """
    words = unicodedata.name(ch, "").split()
    while words and words[0] in ("FULLWIDTH", "HALFWIDTH", "MATHEMATICAL"):
        words = words[1:]
    if not words or words[0] in _NAME_NEUTRAL:
        return NO_SCRIPT
    return _NAME_GROUPS.get(words[0], words[0])


def mixed_script_words(text: str) -> list[tuple[str, list[str]]]:
    """Words whose letters come from two or more scripts: [(word, [scripts])]."""
    found = []
    word: list[str] = []

    def flush():
        if len(word) > 1:
            scripts = []
            for ch in word:
                script = script_of(ch)
                if script != NO_SCRIPT and ch not in JOINERS and script not in scripts:
                    scripts.append(script)
            if len(scripts) > 1:
                found.append(("".join(word), scripts))
        word.clear()

    for ch in text:
        if ch.isalpha() or unicodedata.category(ch).startswith("M") or ch in JOINERS:
            word.append(ch)
        else:
            flush()
    flush()
    return found


def plain_text_problem(text: str) -> tuple[str, int, str] | None:
    """(message, line, hint) when a text file starts with a BOM or holds a NUL byte (which
    some parsers drop silently); None when it has neither."""
    if text.startswith("\ufeff"):
        return (_("the file starts with a byte-order mark (BOM)"), 1,
                _("save it as UTF-8 without BOM (Poedit and most editors can)"))
    if "\x00" in text:
        return (_("the file holds a NUL byte"), text[:text.index("\x00")].count("\n") + 1,
                _("remove it; the file is plain text"))
    return None


def clip(value, limit: int = 60) -> str:
    """A value as an error message may quote it: repr, cut to `limit` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def csv_cell(value):
    """A value as it goes into a CSV cell: text a spreadsheet would evaluate gets `'`.

    Numbers and None pass unchanged (a spreadsheet should see -3 copies as a number).
    """
    if isinstance(value, str) and value and (value[0] in FORMULA_STARTS or value[0] == GUARD):
        return GUARD + value
    return value


def csv_uncell(text: str) -> str:
    """The original text of a cell written by `csv_cell`."""
    if len(text) >= 2 and text[0] == GUARD and (text[1] in FORMULA_STARTS or text[1] == GUARD):
        return text[1:]
    return text


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]


def visible(value: str, option: str, *, what: str = N_("value")) -> str:
    """`value` unchanged, or UsageError naming `option` and the first invisible character.
    `what` (what the value is, "file name") is marked for translation by the caller, and
    translated here."""
    found = invisible_chars(value)
    if found:
        # Translators: %(character)s names a character, like "U+000A LINE FEED".
        raise _usage(_("%(option)s %(value)s holds an invisible character (%(character)s)")
                     % {"option": option, "value": clip(value), "character": describe(found[0])},
                     # Translators: %(what)s is what was typed, like "file name" or "value".
                     hint=_("type the %(what)s again on one line, without control, "
                            "line-separator or direction characters") % {"what": _(what)})
    return value
