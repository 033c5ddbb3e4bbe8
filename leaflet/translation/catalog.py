"""Gettext catalogues: reading `.po` files with polib into the gettext the templates call.

No compiled `.mo` is involved: the `.po` is the source of truth and is read directly. A
leaflet never falls back to English: a message the catalogue does not translate is an
error naming the file and line, not a silent English sentence in a Tigrinya leaflet.
Translated text is escaped before it reaches HTML; only the bare tags in ALLOWED_TAGS
survive, so markup pasted into a translation cannot run or restyle the page.
"""

from __future__ import annotations

import re
from pathlib import Path

from leaflet.errors import CatalogError
from leaflet.i18n import _
from leaflet.textsafety import plain_text_problem

DOMAIN = "leaflet"
POT_NAME = "messages.pot"
REVIEW_HEADER = "X-Review-Status"


def catalog_path(translations_dir: Path, locale: str) -> Path:
    return translations_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


# A line of a .po file: blank, a comment, a keyword with a string, or a continued string.
_PO_LINE = re.compile(r'^\s*(#.*|(msgctxt|msgid|msgid_plural|msgstr(\[\d+\])?)\s+"(\\.|[^"\\])*"'
                      r'|"(\\.|[^"\\])*")?\s*$')


def _lexical_check(path: Path) -> None:
    """Refuse what polib silently accepts, such as an unterminated string (file:line)."""
    try:
        text = path.read_bytes().decode("utf-8")  # no newline translation: a lone CR shows
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise CatalogError(_("not valid UTF-8"), path=path, line=line,
                           hint=_("save the file as UTF-8 (Poedit does)")) from None
    except OSError as exc:
        # Translators: %(reason)s is the system's reason, like "Permission denied".
        raise CatalogError(_("cannot read the catalogue: %(reason)s")
                           % {"reason": exc.strerror or exc}, path=path) from None
    problem = plain_text_problem(text)
    if problem:
        raise CatalogError(problem[0], path=path, line=problem[1], hint=problem[2])
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")  # CRLF files are fine
        if "\r" in line or any(ch in line for ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            raise CatalogError(_("a line break inside a line (CR, U+2028, U+2029, U+0085 or a "
                                 "form feed)"), path=path, line=number,
                               hint=_("write \\n inside a string, or remove it"))
        if not _PO_LINE.match(line):
            # Translators: %(line)s is the start of the faulty line of a .po file, quoted.
            raise CatalogError(_("syntax error: %(line)s") % {"line": repr(line.strip()[:50])},
                               path=path, line=number,
                               hint=_("each line is a comment, msgid/msgstr \"...\" or \"...\""))


def read_po(path: Path):
    """Parse a .po/.pot file with polib; CatalogError with the line on a syntax error."""
    import polib

    if not path.is_file():
        raise CatalogError(_("catalogue not found"), path=path,
                           hint=_("create it with `leaflet catalog init LANG`"))
    _lexical_check(path)
    try:
        return polib.pofile(str(path), wrapwidth=76)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        text = str(exc)
        match = re.search(r"line (\d+)", text)
        text = re.sub(r"\s*\(line \d+\)", "", text)
        # Translators: %(reason)s is the parser's own (English) description of the problem.
        raise CatalogError(_("cannot parse catalogue: %(reason)s") % {"reason": text}, path=path,
                           line=int(match.group(1)) if match else None,
                           hint=_("fix the line, e.g. in Poedit")) from None
