"""The checks of the tool's own catalogues (leaflet/locale: French, Dutch, German), the same
as the leaflet's where they apply: header (Language, Plural-Forms, review status), stale or
missing entries against leaflet.pot, and per entry completeness, invisible and direction
characters, placeholders (`%(name)s`, and click's `{name}`), markup (the tags of msgid, no
more, nothing that runs), typed contact data, numbers, mixed scripts, length, and the agreed
terms of leaflet/locale/<code>/terms.tbx (the Belgian institutions' own names).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from leaflet import i18n
from leaflet.edition.checks.catalogue import check_header
from leaflet.edition.checks.entries import (_RUNNABLE, _translations_of, check_completeness,
                                            check_contact, check_invisible, check_length,
                                            check_mixed_script, check_numbers,
                                            check_placeholders, tags)
from leaflet.i18n import _
from leaflet.translation import catalog
from leaflet.translation.rules import ERROR, Finding

BRACE = re.compile(r"\{(\w*)\}")
ENTRY_CHECKS = (check_completeness, check_placeholders, check_contact, check_numbers,
                check_mixed_script, check_length)
# What a term check must not read as words: commands, option names, file names.
CODE_LIKE = re.compile(r"`[^`]*`|(?<![\w-])--?[a-z][\w-]*|[\w.-]+\.(csv|pdf|po|pot|tbx|toml|"
                       r"xlf|json|html|sqlite3)\b")


def shown_path(path: Path) -> str:
    from leaflet.translation.interface import shown

    return shown(path)


def check_braces(entry, path, lang=None):
    """click's own messages are `{name}` formatted: a translation uses only the names of its
    English (a plural's forms may differ, as the English's do: {possibility} and
    {possibilities}), and the singular's, when it is not plural, all of them."""
    if "python-brace-format" not in entry.flags:
        return
    singular = set(BRACE.findall(entry.msgid))
    wanted = singular | set(BRACE.findall(entry.msgid_plural or ""))
    texts = [t for t in _translations_of(entry) if t]
    found = [set(BRACE.findall(t)) for t in texts]
    if any(not names <= wanted for names in found) or (
            not entry.msgid_plural and any(names != singular for names in found)) or (
            entry.msgid_plural and found and not wanted <= set().union(*found)):
        yield Finding("PLACEHOLDERS", ERROR, path, entry.linenum,
                      _("the {name} placeholders of the translation of %(msgid)s differ "
                        "from its English") % {"msgid": repr(entry.msgid[:40])})


class _Without:
    """An entry as the invisible-character check sees it: the control characters its English
    has itself (click's \\b that keeps a help paragraph as written, a tab) taken out of its
    translations too."""

    def __init__(self, entry, chars: str):
        table = {ord(ch): None for ch in chars}
        self.msgid, self.msgid_plural = entry.msgid, entry.msgid_plural
        self.linenum = entry.linenum
        self.msgstr = entry.msgstr.translate(table)
        self.msgstr_plural = {k: v.translate(table) for k, v in entry.msgstr_plural.items()}


def check_controls(entry, path, lang=None):
    own = "".join(sorted({ch for ch in entry.msgid if ch in "\b\t"}))
    yield from check_invisible(_Without(entry, own) if own else entry, path, lang)


def check_markup(entry, path, lang=None):
    """The translation has exactly the tags of its English, and nothing that runs."""
    for text in _translations_of(entry):
        if not text:
            continue
        if len(_RUNNABLE.findall(text)) > len(_RUNNABLE.findall(entry.msgid)):
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          _("script, event handler or javascript: in the translation"))
        elif tags(text) != tags(entry.msgid):
            yield Finding("MARKUP", ERROR, path, entry.linenum,
                          _("the tags of the translation of %(msgid)s differ from its "
                            "English") % {"msgid": repr(entry.msgid[:40])})


def check_stale(po, path, pot):
    have = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    want = {(e.msgctxt, e.msgid) for e in pot}
    missing = [e for e in pot if (e.msgctxt, e.msgid) not in have]
    extra = [e for e in po if not e.obsolete and (e.msgctxt, e.msgid) not in want]
    if missing:
        yield Finding("STALE", ERROR, path, None,
                      _("%(count)s messages of leaflet.pot are missing, the first %(msgid)s: "
                        "run `leaflet catalog interface update`")
                      % {"count": len(missing), "msgid": repr(missing[0].msgid[:50])})
    for entry in extra:
        yield Finding("STALE", ERROR, path, entry.linenum,
                      _("msgid %(msgid)s is no longer in leaflet.pot: run `leaflet catalog "
                        "interface update`") % {"msgid": repr(entry.msgid[:50])})


def check_terms(po, path, code):
    """TERMS over the prose of each English: a command, an option or a file name in it
    (`leaflet stock order`, --residence-status, print-order.csv) is not a term."""
    from leaflet.translation import terms

    base = terms.load(i18n.LOCALE_DIR, code)
    lang = SimpleNamespace(code=code, locale=code)
    prose = [SimpleNamespace(obsolete=e.obsolete, msgid=CODE_LIKE.sub(" ", e.msgid),
                             msgstr=e.msgstr, linenum=e.linenum) for e in po]
    source = shown_path(terms.path_for(i18n.LOCALE_DIR, code))
    yield from terms.findings(prose, path, base, lang,
                              lambda severity, line, message: Finding("TERMS", severity, path,
                                                                      line, message),
                              source=source)


def check_catalogue(code: str, path: Path | None = None, pot=None) -> list[Finding]:
    """The findings of one interface language (its catalogue read from `path` when given:
    an import's result before it replaces the catalogue)."""
    from leaflet.translation import interface

    real = i18n.catalogue_path(code, ".po")
    path = Path(path) if path else real
    shown = shown_path(real)
    lang = SimpleNamespace(code=code, locale=code, script="Latn", direction="ltr")
    po = catalog.read_po(path)
    pot = pot if pot is not None else catalog.read_po(interface.POT)
    found = [f for f in check_header(po, shown, lang, path) if f.check != "PO-REVIEW"]
    found += list(check_stale(po, shown, pot))
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        for check in ENTRY_CHECKS + (check_controls, check_braces, check_markup):
            found += list(check(entry, shown, lang))
    found += list(check_terms(po, shown, code))
    return [Finding(f.check, f.severity, f.path, f.line, f.message, code, f.subject)
            for f in found]


def check_all(codes=None) -> list[Finding]:
    from leaflet.translation import interface

    pot = catalog.read_po(interface.POT)
    found = []
    for code in codes or [c for c in i18n.LANGUAGES if c != i18n.SOURCE]:
        found += check_catalogue(code, pot=pot)
    return found
