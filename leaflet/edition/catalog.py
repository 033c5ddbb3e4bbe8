"""Gettext catalogues: reading `.po` files with polib into the gettext the templates call.

No compiled `.mo` is involved: the `.po` is the source of truth and is read directly. A
leaflet never falls back to English: a message the catalogue does not translate is an
error naming the file and line, not a silent English sentence in a Tigrinya leaflet.
Translated text is escaped before it reaches HTML; only the bare tags in ALLOWED_TAGS
survive, so markup pasted into a translation cannot run or restyle the page.
"""

from __future__ import annotations

import gettext as _gettext
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup, escape

from leaflet.errors import CatalogError
from leaflet.textsafety import plain_text_problem

DOMAIN = "leaflet"
POT_NAME = "messages.pot"
ALLOWED_TAGS = ("strong", "em", "br")
_ALLOWED = re.compile(r"&lt;(/?)(" + "|".join(ALLOWED_TAGS) + r")\s*(/?)&gt;")
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
        raise CatalogError("not valid UTF-8", path=path, line=line,
                           hint="save the file as UTF-8 (Poedit does)") from None
    except OSError as exc:
        raise CatalogError(f"cannot read the catalogue: {exc.strerror or exc}", path=path) \
            from None
    problem = plain_text_problem(text)
    if problem:
        raise CatalogError(problem[0], path=path, line=problem[1], hint=problem[2])
    for number, line in enumerate(text.split("\n"), 1):
        line = line.removesuffix("\r")  # CRLF files are fine
        if "\r" in line or any(ch in line for ch in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            raise CatalogError("a line break inside a line (CR, U+2028, U+2029, U+0085 or a "
                               "form feed)", path=path, line=number,
                               hint="write \\n inside a string, or remove it")
        if not _PO_LINE.match(line):
            raise CatalogError(f"syntax error: {line.strip()[:50]!r}", path=path, line=number,
                               hint="each line is a comment, msgid/msgstr \"...\" or \"...\"")


def read_po(path: Path):
    """Parse a .po/.pot file with polib; CatalogError with the line on a syntax error."""
    import polib

    if not path.is_file():
        raise CatalogError("catalogue not found", path=path,
                           hint="create it with `leaflet catalog init LANG`")
    _lexical_check(path)
    try:
        return polib.pofile(str(path), wrapwidth=76)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        text = str(exc)
        match = re.search(r"line (\d+)", text)
        text = re.sub(r"\s*\(line \d+\)", "", text)
        raise CatalogError(f"cannot parse catalogue: {text}", path=path,
                           line=int(match.group(1)) if match else None,
                           hint="fix the line, e.g. in Poedit") from None


def review_status(po) -> str:
    """"reviewed" only when the header says so with a fingerprint that matches the text
    (leaflet/edition/review.py); otherwise "changed since review" or "draft"."""
    from leaflet.edition import review

    return review.status(po)


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
            raise CatalogError(f"no translation for {msgid[:60]!r}", path=self.path,
                               hint="the catalogue is stale: run `leaflet catalog update` and "
                                    "translate the new entries") from None

    def ngettext(self, singular: str, plural: str, n: int) -> Markup:
        self.last = singular
        try:
            forms = self.plurals[singular]
        except KeyError:
            raise CatalogError(f"no translation for {singular[:60]!r}", path=self.path,
                               hint="run `leaflet catalog update`") from None
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
            state = "fuzzy" if entry.fuzzy else "untranslated"
            raise CatalogError(f"{state} entry {entry.msgid[:50]!r}", path=path,
                               line=entry.linenum,
                               hint="translate it and remove the fuzzy flag; "
                                    "see docs/translating.md")
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
        raise CatalogError(f"invalid Plural-Forms header {header!r}", path=path,
                           hint="use the Plural-Forms line `leaflet catalog init` writes") from None


# --- the catalogue an edition was built from ------------------------------------------------
# The build keeps, beside each language's PDF, the exact catalogue it checked and rendered
# (`output/<edition>/catalogues/<code>.po`, its sha256 in the manifest). The kiosk, the site
# and the audio read that copy, never the workspace's catalogue, which a translator may edit
# (or break) after the build: they show what the gate passed, as the printed leaflet does.
BUILT_DIR = "catalogues"


def keep_built_catalogue(output_dir: Path, code: str, source: Path) -> dict:
    """Copy the catalogue the build used into the edition's folder; its manifest entry."""
    import hashlib

    from leaflet.files import write_atomic

    data = source.read_bytes()
    name = f"{BUILT_DIR}/{code}.po"
    write_atomic(output_dir / name, data)
    return {"file": name, "sha256": hashlib.sha256(data).hexdigest()}


def built_catalogue(output_dir: Path, entry: dict) -> Path | None:
    """The kept catalogue of a manifest entry when it is inside the edition's folder and
    still has the sha256 the manifest gives; None otherwise (built by an older leaflet, or
    altered since: the language must be built again)."""
    import hashlib

    kept = entry.get("catalogue") if isinstance(entry, dict) else None
    if not isinstance(kept, dict) or not isinstance(kept.get("sha256"), str):
        return None
    from leaflet.workspace.built import member

    path = member(output_dir, kept.get("file"))
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return path if hashlib.sha256(data).hexdigest() == kept["sha256"] else None


def load_built(workspace, lang, entry: dict) -> Translations:
    """The translations a built language's leaflet was made from (CatalogError naming the
    manifest when the edition holds no intact copy: build the language again)."""
    path = built_catalogue(workspace.output_dir, entry)
    if path is None:
        raise CatalogError(f"the edition holds no intact copy of the {lang.code} catalogue "
                           "it was built from", path=workspace.output_dir / "manifest.json",
                           hint=f"build it again: `leaflet build --lang {lang.code}`")
    translations = load_translations(path, shown=catalog_path(workspace.translations_dir,
                                                               lang.locale))
    # What was printed: the review status the build recorded (the copy has no term base
    # beside it to recompute the review's fingerprint with).
    translations.review_status = entry.get("review_status") or "draft"
    return translations


def needs_rebuild(workspace, lang, entry: dict) -> bool:
    """True when the workspace's catalogue of a built language is not the one it was built
    from (edited since, or the edition keeps no copy)."""
    import hashlib

    kept = entry.get("catalogue") if isinstance(entry, dict) else None
    if not isinstance(kept, dict):
        return True
    try:
        data = catalog_path(workspace.translations_dir, lang.locale).read_bytes()
    except OSError:
        return True
    return hashlib.sha256(data).hexdigest() != kept.get("sha256")
