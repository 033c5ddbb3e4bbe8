"""The gettext a template calls: one complete catalogue's translations, escaped for HTML.

A leaflet never falls back to English: a message the catalogue does not translate is an error
naming the file and line, not a silent English sentence in a Tigrinya leaflet. Translated
text is escaped before it reaches HTML; only the bare tags in ALLOWED_TAGS survive, so
markup pasted into a translation cannot run or restyle the page.
"""

from __future__ import annotations

import gettext as _gettext
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from leaflet.errors import CatalogError
from leaflet.i18n import _
from leaflet.translation.catalog import read_po
from leaflet.translation.review import status as review_status

ALLOWED_TAGS = ("strong", "em", "br")
_ALLOWED = re.compile(r"&lt;(/?)(" + "|".join(ALLOWED_TAGS) + r")\s*(/?)&gt;")


def sanitize(text: str) -> Markup:
    """Escape a translated string, then re-allow the bare tags of ALLOWED_TAGS."""
    return Markup(_ALLOWED.sub(r"<\1\2\3>", str(escape(text))))


@dataclass
class Translations:
    """The gettext functions for one catalogue; every lookup must find a translation."""

    path: Path
    messages: dict[str, str]
    plurals: dict[str, list[str]]
    plural: object  # n -> index into a plural entry's forms
    review_status: str
    lines: dict[str, int] | None = None  # msgid -> line of its entry, for messages
    last: str | None = None  # the msgid looked up last (its formatting follows the lookup)

    def line_of(self, msgid: str | None) -> int | None:
        return (self.lines or {}).get(msgid) if msgid else None

    def gettext(self, msgid: str) -> Markup:
        self.last = msgid
        try:
            return sanitize(self.messages[msgid])
        except KeyError:
            # Translators: %(msgid)s is the leaflet's English text, quoted.
            raise CatalogError(_("no translation for %(msgid)s") % {"msgid": repr(msgid[:60])},
                               path=self.path,
                               hint=_("the catalogue is stale: run `leaflet catalog update` and "
                                      "translate the new entries")) from None

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        self.last = singular
        try:
            forms = self.plurals[singular]
        except KeyError:
            raise CatalogError(_("no translation for %(msgid)s") % {"msgid": repr(singular[:60])},
                               path=self.path, hint=_("run `leaflet catalog update`")) from None
        return sanitize(forms[min(self.plural(n), len(forms) - 1)])


def load_translations(path: Path, *, shown: Path | None = None) -> Translations:
    """Read a complete catalogue. Untranslated or fuzzy entries are refused (file:line).

    `shown` is the path messages name when `path` is a copy (the build's staged catalogue,
    an edition's kept one)."""
    shown = shown or path
    try:
        po = read_po(path)
    except CatalogError as exc:
        if shown == path:
            raise
        raise CatalogError(exc.message, path=shown, line=exc.line, hint=exc.hint) from None
    path = shown
    messages, plurals, lines = {}, {}, {}
    for entry in po:
        if entry.obsolete:
            continue
        lines[entry.msgid] = entry.linenum
        if entry.fuzzy or not entry.translated():
            # Translators: %(msgid)s is the leaflet's English text, quoted.
            message = (_("fuzzy entry %(msgid)s") if entry.fuzzy
                       else _("untranslated entry %(msgid)s"))
            raise CatalogError(message % {"msgid": repr(entry.msgid[:50])}, path=path,
                               line=entry.linenum,
                               hint=_("translate it and remove the fuzzy flag; "
                                      "see docs/translating.md"))
        if entry.msgid_plural:
            plurals[entry.msgid] = [entry.msgstr_plural[i]
                                    for i in sorted(entry.msgstr_plural)]
        else:
            messages[entry.msgid] = entry.msgstr
    return Translations(path, messages, plurals, _plural_function(po, path), review_status(po),
                        lines)


def _plural_function(po, path: Path):
    header = po.metadata.get("Plural-Forms", "nplurals=2; plural=(n != 1);")
    match = re.search(r"plural\s*=\s*(.+?);?\s*$", header)
    try:
        return _gettext.c2py(match.group(1) if match else "n != 1")
    except (ValueError, SyntaxError):
        raise CatalogError(_("invalid Plural-Forms header %(header)s") % {"header": repr(header)},
                           path=path,
                           hint=_("use the Plural-Forms line `leaflet catalog init` writes")) \
            from None
