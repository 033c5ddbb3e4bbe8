"""The checks of one catalogue as a whole (header, review, stale entries, agreed terms,
glyphs) and of the workspace's contact data (valid by kind, fresh); `check_language` runs
them, with the entry checks, for one language without rendering.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from leaflet.translation import catalog
from leaflet.errors import CatalogError
from leaflet.edition.checks.entries import ENTRY_CHECKS, PLACEHOLDER, _translations_of, check_length
from leaflet.languages.fonts import family_cmap
from leaflet.i18n import _
from leaflet.translation.rules import ERROR, FRESH_MONTHS, WARNING, Finding, length_bound


def check_header(po, path, lang, real_path=None):
    from babel.messages.catalog import Catalog

    content_type = po.metadata.get("Content-Type", "")
    match = re.search(r"charset=([\w-]+)", content_type)
    if not match or match.group(1).lower().replace("_", "-") != "utf-8":
        yield Finding("PO-CHARSET", ERROR, path, _header_line(real_path or path, "Content-Type"),
                      _("charset is %(charset)s: declare and save the file as UTF-8")
                      % {"charset": match.group(1)} if match else
                      _("charset is missing: declare and save the file as UTF-8"))
    language = po.metadata.get("Language", "")
    if language.replace("-", "_") != lang.locale:
        # Translators: "Language" is the catalogue header's name (keep it); the values are
        # locale codes in quotes, like 'ti'.
        yield Finding("PO-LANGUAGE", ERROR, path, _header_line(real_path or path, "Language"),
                      _("Language is %(found)s, expected %(expected)s")
                      % {"found": repr(language), "expected": repr(lang.locale)})
    expected = Catalog(locale=lang.locale).num_plurals
    forms = po.metadata.get("Plural-Forms", "")
    match = re.search(r"nplurals\s*=\s*(\d+)", forms)
    if not match or int(match.group(1)) != expected:
        values = {"found": match.group(1) if match else "", "expected": expected,
                  "code": lang.code, "header": Catalog(locale=lang.locale).plural_forms}
        # Translators: "nplurals" is a word of the Plural-Forms header (keep it); %(header)s
        # is the header's value to write.
        yield Finding("PO-PLURAL-FORMS", ERROR, path, _header_line(real_path or path, "Plural-Forms"),
                      (_("nplurals is %(found)s, CLDR has %(expected)s plural forms for "
                         "%(code)s: use `%(header)s`") if match else
                       _("nplurals is missing, CLDR has %(expected)s plural forms for "
                         "%(code)s: use `%(header)s`")) % values)
    status = po.metadata.get(catalog.REVIEW_HEADER, "").strip()
    line = _header_line(real_path or path, catalog.REVIEW_HEADER)
    if status not in ("draft", "reviewed"):
        # Translators: %(header)s is a header's name; draft and reviewed are its values
        # (codes, keep them).
        yield Finding("PO-REVIEW", ERROR, path, line,
                      _("%(header)s must be draft or reviewed, not %(status)s")
                      % {"header": catalog.REVIEW_HEADER, "status": repr(status)})
    elif status == "reviewed":
        who = po.metadata.get("X-Reviewed-By", "").strip()
        when = po.metadata.get("X-Reviewed-On", "").strip()
        try:
            dt.date.fromisoformat(when)
        except ValueError:
            when = ""
        if not who or not when:
            # Translators: "reviewed" is a header value; X-Reviewed-By and X-Reviewed-On are
            # header names (keep them).
            yield Finding("PO-REVIEW", ERROR, path, line,
                          _("reviewed needs X-Reviewed-By (name) and X-Reviewed-On (YYYY-MM-DD)"))
            return
        from leaflet.translation import review

        found = review.state(po)
        if found.note:
            yield Finding("PO-REVIEW", WARNING, path, line, found.note)
        elif found.status == review.CHANGED:
            # Translators: %(date)s is the review's date, %(reviewer)s its reviewer and
            # %(entries)s names the entries changed since.
            yield Finding("PO-REVIEW", WARNING, path, line,
                          _("changed since the review of %(date)s by %(reviewer)s, so printed "
                            "as a draft: %(entries)s; the reviewer checks these and runs "
                            "`leaflet catalog review`")
                          % {"date": when, "reviewer": who, "entries": found.describe(path)})


def check_stale(po, path, pot):
    have = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    want = {(e.msgctxt, e.msgid) for e in pot}
    for entry in pot:
        if (entry.msgctxt, entry.msgid) not in have:
            # Translators: %(msgid)s is the start of an entry's English, in quotes.
            yield Finding("STALE", ERROR, path, None,
                          _("msgid %(msgid)s of messages.pot is missing: run `leaflet catalog "
                            "update`") % {"msgid": repr(entry.msgid[:50])})
    for entry in po:
        if not entry.obsolete and (entry.msgctxt, entry.msgid) not in want:
            yield Finding("STALE", ERROR, path, entry.linenum,
                          _("msgid %(msgid)s is no longer in messages.pot: run `leaflet "
                            "catalog update`") % {"msgid": repr(entry.msgid[:50])})


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
    from leaflet.translation import terms

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
                # Translators: %(chars)s lists characters (U+1234 'x'), %(fonts)s font
                # families.
                yield Finding("GLYPHS", ERROR, path, entry.linenum,
                              _("%(chars)s not in %(fonts)s: the PDF would print empty boxes")
                              % {"chars": _describe(absent), "fonts": ", ".join(lang.families)})
    absent = missing("".join(shown_data))
    if absent:
        yield Finding("GLYPHS", ERROR, path, None,
                      _("data shown in this language (%(chars)s) is not in %(fonts)s")
                      % {"chars": _describe(absent), "fonts": ", ".join(lang.families)})


def _describe(chars: list[str]) -> str:
    shown = ", ".join(f"U+{ord(c):04X} {c!r}" for c in chars[:5])
    if len(chars) > 5:
        # Translators: %(chars)s lists the first five characters (U+1234 'x', ...).
        return _("%(chars)s and %(count)s more") % {"chars": shown, "count": len(chars) - 5}
    return shown


def check_freshness(workspace, today: dt.date, release: bool, allow_unverified: bool):
    severity = ERROR if release and not allow_unverified else WARNING
    limit = today.replace(year=today.year - 1) if not (today.month == 2 and today.day == 29) \
        else today - dt.timedelta(days=366)
    path = workspace.path.name
    for name, verified_on, table, key in workspace.contact_details():
        line = workspace.line_of(table, key)
        if verified_on is None:
            # Translators: %(name)s is a contact detail, like payoke.phone; verified_on is
            # the key of leaflet.toml (keep it).
            yield Finding("DATA-UNVERIFIED", severity, path, line,
                          _("%(name)s has no verified_on date") % {"name": name}, subject=name)
        elif verified_on < limit:
            yield Finding("DATA-STALE", severity, path, line,
                          _("%(name)s was verified on %(date)s, more than %(months)s months ago")
                          % {"name": name, "date": verified_on, "months": FRESH_MONTHS},
                          subject=name)


def check_unconfirmed(workspace, release: bool):
    """DATA-UNCONFIRMED: a detail at confidence U warns in a draft and stops a release, even
    with --allow-unverified: the facts sheet does not establish it."""
    from leaflet.translation.rules import UNCONFIRMED_CHECK

    for name, table, key in workspace.unconfirmed_details():
        # Translators: %(name)s is a contact detail, like helpline.phone_international.
        yield Finding(UNCONFIRMED_CHECK, ERROR if release else WARNING, workspace.path.name,
                      workspace.line_of(table, key),
                      _("%(name)s is at confidence U (not established): a release never prints "
                        "it") % {"name": name}, subject=name)


def check_contact_data(workspace):
    """DATA-INVALID: phone numbers, e-mail addresses parsed by kind (leaflet/workspace/contacts.py)."""
    from leaflet.workspace import contacts

    for problem in contacts.problems(workspace):
        yield Finding("DATA-INVALID", ERROR, workspace.path.name,
                      workspace.line_of(problem.table, problem.key), problem.message,
                      subject=problem.name)


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
    from leaflet.render.templates import PROCEDURE_NAMES

    for org in workspace.organisations.values():
        if org.kind in ("centre", "helpline", "emergency") or org.id == "guardianship":
            values += [org.name, org.city or ""] + [d.value for d in org.details.values()]
    return values + list(PROCEDURE_NAMES.values())
