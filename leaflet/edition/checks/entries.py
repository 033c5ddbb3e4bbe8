"""The checks of one catalogue entry: each a small named function with a stable id, taking
(entry, path, lang) and yielding Findings (after translate-toolkit's pofilter and Babel's
checkers). ENTRY_CHECKS is the list every door runs: the build, `leaflet check`, the
review, the XLIFF import, the print order and the language card.
"""

from __future__ import annotations

import re
import unicodedata
from leaflet import textsafety
from leaflet.i18n import N_, _
from leaflet.translation import messages
from leaflet.translation.rules import ERROR, Finding, LENGTH_FACTOR, LENGTH_MARGIN, WARNING, length_bound


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
# What CONTACT says of each kind (shown with _()).
_CONTACT_MESSAGES = {
    # Translators: %(value)s is what was typed, in quotes.
    "phone number": N_("phone number %(value)s typed into the translation: contact details "
                       "come from leaflet.toml only"),
    "e-mail address": N_("e-mail address %(value)s typed into the translation: contact "
                         "details come from leaflet.toml only"),
    "URL": N_("URL %(value)s typed into the translation: contact details come from "
              "leaflet.toml only"),
    "postcode": N_("postcode %(value)s typed into the translation: contact details come from "
                   "leaflet.toml only"),
}


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
        for _hop in range(4):
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


def check_length(entry, path, lang=None):
    bound = length_bound(entry.msgid + (entry.msgid_plural or ""))
    for text in _translations_of(entry):
        if len(text) > bound:
            # Translators: %(msgid)s is the start of an entry's English, in quotes.
            yield Finding("LENGTH", ERROR, path, entry.linenum,
                          _("the translation of %(msgid)s is %(length)s characters, more than "
                            "%(bound)s (%(factor)s times the English and %(margin)s): shorten it")
                          % {"msgid": repr(entry.msgid[:40]), "length": len(text),
                             "bound": bound, "factor": LENGTH_FACTOR, "margin": LENGTH_MARGIN})
            return


def check_invisible(entry, path, lang=None):
    script = lang.script if lang is not None else None
    allow_newline = "\n" in entry.msgid
    for text in _translations_of(entry):
        found = textsafety.invisible_chars(_unreferenced(text), script,
                                           allow_newline=allow_newline)
        if found:
            values = {"chars": ", ".join(textsafety.describe(ch) for ch in found[:3]),
                      "msgid": repr(entry.msgid[:40])}
            # Translators: %(chars)s names invisible characters (U+202E RIGHT-TO-LEFT
            # OVERRIDE ...); %(msgid)s is the start of an entry's English, in quotes.
            message = (_("%(chars)s in the translation of %(msgid)s: delete it (it can reorder "
                         "or hide what is printed); ZWNJ/ZWJ are allowed only in scripts that "
                         "spell with them (docs/translating.md)")
                       if set(found) & textsafety.JOINERS else
                       _("%(chars)s in the translation of %(msgid)s: delete it (it can reorder "
                         "or hide what is printed)"))
            yield Finding("INVISIBLE", ERROR, path, entry.linenum, message % values)
            return


def check_mixed_script(entry, path, lang=None):
    for text in _translations_of(entry):
        mixed = textsafety.mixed_script_words(PLACEHOLDER.sub(" ", TAG.sub(" ", text)))
        if mixed:
            word, found = mixed[0]
            scripts = found[0]
            for name in found[1:]:
                # Translators: two script names (Latin, Cyrillic ...), or a list of them and
                # one more: "Latin and Greek and Cyrillic".
                scripts = _("%(first)s and %(second)s") % {"first": scripts, "second": name}
            # Translators: %(word)s is the word; %(scripts)s its scripts ("Latin and
            # Cyrillic"); %(msgid)s the start of the entry's English, in quotes.
            yield Finding("MIXED-SCRIPT", WARNING, path, entry.linenum,
                          _("the word %(word)s mixes %(scripts)s letters in the translation of "
                            "%(msgid)s: retype it in one script")
                          % {"word": textsafety.clip(word, 40), "scripts": scripts,
                             "msgid": repr(entry.msgid[:40])})
            return


def check_completeness(entry, path, lang=None):
    if entry.fuzzy:
        # Translators: %(msgid)s is the start of an entry's English, in quotes; "fuzzy" is
        # the catalogue's flag (keep it).
        yield Finding("FUZZY", ERROR, path, entry.linenum,
                      _("fuzzy entry %(msgid)s: check the translation, then remove the fuzzy "
                        "flag") % {"msgid": repr(entry.msgid[:50])})
    elif not all(s.strip() for s in _translations_of(entry)):
        yield Finding("UNTRANSLATED", ERROR, path, entry.linenum,
                      _("untranslated entry %(msgid)s") % {"msgid": repr(entry.msgid[:50])})


def check_placeholders(entry, path, lang=None):
    wanted = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
    for text in _translations_of(entry):
        if not text:
            continue
        found = set(PLACEHOLDER.findall(text))
        if found != wanted:
            missing = ", ".join(f"%({n})s" for n in sorted(wanted - found))
            extra = ", ".join(f"%({n})s" for n in sorted(found - wanted))
            values = {"missing": missing, "unknown": extra, "msgid": repr(entry.msgid[:40])}
            # Translators: %(missing)s and %(unknown)s list placeholders as they are written
            # (%(days)s, ...); %(msgid)s is the start of an entry's English, in quotes.
            if missing and extra:
                message = _("missing %(missing)s; unknown %(unknown)s in the translation of "
                            "%(msgid)s")
            elif missing:
                message = _("missing %(missing)s in the translation of %(msgid)s")
            else:
                message = _("unknown %(unknown)s in the translation of %(msgid)s")
            yield Finding("PLACEHOLDERS", ERROR, path, entry.linenum, message % values)
        elif _PERCENT.search(PLACEHOLDER.sub("", text)) and not _PERCENT.search(
                PLACEHOLDER.sub("", entry.msgid)):
            # Translators: %(percent)s is a percent sign and %(double)s two of them, printed
            # as they are written in a catalogue (% and %%).
            yield Finding("PLACEHOLDERS", ERROR, path, entry.linenum,
                          _("a stray or malformed %(percent)s directive (write %(double)s for "
                            "a percent sign)") % {"percent": "%", "double": "%%"})
        elif _BRACES.search(text) and not _BRACES.search(entry.msgid):
            # Translators: %(braces)s is {...} and %(placeholder)s is %(name)s, printed as
            # they are written in a catalogue.
            yield Finding("PLACEHOLDERS", ERROR, path, entry.linenum,
                          _("%(braces)s is not a placeholder here: use the %(placeholder)s of "
                            "msgid") % {"braces": "{...}", "placeholder": "%(name)s"})


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
                # Translators: %(figure)s is a character in quotes, %(name)s its Unicode
                # name, %(placeholder)s a placeholder as written (%(days)s), %(msgid)s the
                # start of the entry's English, in quotes.
                yield Finding("NUMBERS", ERROR, path, entry.linenum,
                              _("%(figure)s (%(name)s) stands beside %(placeholder)s in the "
                                "translation of %(msgid)s: it would print another figure; leave "
                                "a word between them or remove it")
                              % {"figure": repr(figure), "name": textsafety.describe(figure),
                                 "placeholder": match.group(0),
                                 "msgid": repr(entry.msgid[:40])})
                return
        numbers = _numbers(text)
        extra = sorted(set(numbers) - set(wanted), key=lambda n: (len(n), n))
        if extra:
            yield Finding("NUMBERS", ERROR, path, entry.linenum,
                          _("the number %(number)s is not in the English of %(msgid)s: a "
                            "translation never brings a figure in (numbers of the leaflet come "
                            "from its English or leaflet.toml)")
                          % {"number": numbers[extra[0]], "msgid": repr(entry.msgid[:40])})
            return


def _unreferenced(text: str) -> str:
    """`text` with its HTML character references resolved, as a browser would print them."""
    import html

    return html.unescape(text) if "&" in text else text


def tags(text: str) -> list[tuple[str, str]]:
    """The tags of `text`: (closing "/" or "", lower-case name), sorted."""
    return sorted((m.group(1), m.group(2).lower()) for m in TAG.finditer(text))


def check_markup(entry, path, lang=None):
    for text in _translations_of(entry):
        if not text:
            continue
        if _RUNNABLE.search(text) or _RUNNABLE.search(_unreferenced(text)):
            # Translators: "javascript:" is the start of an address that runs a script
            # (keep it).
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          _("script, event handler or javascript: in the translation"))
            continue
        references = [m.group(0) for m in _CHAR_REFERENCE.finditer(text)
                      if m.group(0) not in entry.msgid]
        if references:
            # Translators: %(reference)s is an HTML character reference, like &#x202E;.
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          _("the character reference %(reference)s in the translation of "
                            "%(msgid)s: type the character itself (a reference hides it from "
                            "every check)")
                          % {"reference": textsafety.clip(references[0], 30),
                             "msgid": repr(entry.msgid[:40])})
            continue
        bad = sorted({name for _closing, name in tags(text)
                      if name not in messages.ALLOWED_TAGS})
        if bad:
            # Translators: %(tags)s and %(allowed)s list HTML tag names (b, em, strong ...).
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          _("tag(s) not allowed: %(tags)s (allowed: %(allowed)s)")
                          % {"tags": ", ".join(bad),
                             "allowed": ", ".join(messages.ALLOWED_TAGS)})
        elif tags(text) != tags(entry.msgid) or text.count("<") != len(TAG.findall(text)):
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          _("the tags differ from msgid's or a tag is not closed"))


def check_contact(entry, path, lang=None):
    source = _contact_form(PLACEHOLDER.sub(" ", entry.msgid))
    for text in _translations_of(entry):
        text = _contact_form(PLACEHOLDER.sub(" ", _unreferenced(text)))
        for kind, pattern in _CONTACT_PATTERNS.items():
            for match in pattern.finditer(text):
                if match.group(0) not in source:
                    yield Finding("CONTACT", ERROR, path, entry.linenum,
                                  _(_CONTACT_MESSAGES[kind]) % {"value": repr(match.group(0))})
                    break


ENTRY_CHECKS = (check_completeness, check_invisible, check_placeholders, check_markup,
                check_contact, check_numbers, check_mixed_script)
