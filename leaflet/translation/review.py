"""A review that binds the text: `leaflet catalog review` and the status it leaves behind.

A catalogue is *reviewed* only while its header carries a fingerprint of exactly what the
reviewer read: every live entry (msgctxt, msgid, msgid_plural, msgstr or plural forms, the
fuzzy flag), the Language and Plural-Forms headers, and the language's agreed terms
(translations/<locale>/terms.tbx). Any later change to one of those makes the catalogue
*changed since review*: it prints with the draft mark again, `build --release` refuses it
naming the entries, and `catalog stats` and `leaflet languages` say so. A hand-typed
`X-Review-Status: reviewed` without a matching fingerprint counts as a draft.

The fingerprint is SHA-256 over the entries in a canonical order, so re-saving the file in
Poedit (which rewrites PO-Revision-Date and rewraps lines) or reordering entries does not
undo a review. Next to it, `X-Review-Entries` keeps 8 hexadecimal digits per entry, only to
name the entries that changed. This is not a signature: anyone who can run `catalog review`
can mark a catalogue reviewed, under the name they give. What it prevents is a review that
silently covers text nobody reviewed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from leaflet.errors import CatalogError, UsageError
from leaflet.i18n import _

STATUS, BY, ON = "X-Review-Status", "X-Reviewed-By", "X-Reviewed-On"
FINGERPRINT, ENTRIES = "X-Review-Fingerprint", "X-Review-Entries"
REVIEWED, DRAFT, CHANGED = "reviewed", "draft", "changed since review"
_SHORT = 8  # hexadecimal digits per entry in X-Review-Entries
_REVIEWER = re.compile(r"^[^,\x00-\x1f\x7f]{2,100},[^\x00-\x1f\x7f]{2,100}$")


def _entry_digest(entry) -> str:
    translations = ([entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
                    if entry.msgid_plural else entry.msgstr)
    canonical = json.dumps([entry.msgctxt, entry.msgid, entry.msgid_plural or None,
                            translations, bool(entry.fuzzy)], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _terms_digest(po) -> str | None:
    from leaflet.translation import terms

    path = getattr(po, "fpath", None)
    if not path:
        return None
    tbx = terms.path_beside(Path(path))
    if not tbx.is_file():
        return None
    base = terms.load(tbx.parent.parent, tbx.parent.name)
    canonical = json.dumps(base.digest_source(), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Fingerprint:
    value: str  # "sha256:<64 hex>"
    entries: dict[str, object]  # short digest -> entry, for naming changes
    terms: str | None
    header: str  # "h" + 8 hex digits over Language, Plural-Forms and the term base

    def recorded(self) -> str:
        """The X-Review-Entries value: the header digest, then one digest per entry."""
        return " ".join([self.header] + sorted(self.entries))


def fingerprint(po) -> Fingerprint:
    live = [e for e in po if not e.obsolete and e.msgid != ""]
    digests = {_entry_digest(e): e for e in live}
    terms_digest = _terms_digest(po)
    canonical = json.dumps([po.metadata.get("Language", ""), po.metadata.get("Plural-Forms", ""),
                            sorted(digests), terms_digest], ensure_ascii=False)
    value = "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return Fingerprint(value, {d[:_SHORT]: e for d, e in digests.items()},
                       terms_digest, _header_digest(po, terms_digest))


def _header_digest(po, terms_digest) -> str:
    """What X-Review-Entries records besides the entries: the two headers and the terms."""
    canonical = json.dumps([po.metadata.get("Language", ""), po.metadata.get("Plural-Forms", ""),
                            terms_digest], ensure_ascii=False)
    return "h" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:_SHORT]


@dataclass
class State:
    status: str  # REVIEWED, DRAFT or CHANGED
    reviewer: str = ""
    date: str = ""
    changed: list = field(default_factory=list)  # entries not as reviewed (new or edited)
    removed: int = 0  # entries reviewed that are gone
    header: bool = False  # Language or Plural-Forms changed, or the term base
    note: str = ""  # why a "reviewed" header counts as draft

    def describe(self, shown: str) -> str:
        """One line naming what changed since the review."""
        parts = [f"{shown}:{e.linenum} {e.msgid[:40]!r}" for e in self.changed[:5]]
        if len(self.changed) > 5:
            # Translators: ends a list of catalogue entries changed since the review.
            parts.append(_("and %(count)s more entries") % {"count": len(self.changed) - 5})
        if self.removed:
            parts.append(_("%(count)s reviewed entries removed") % {"count": self.removed})
        if self.header:
            # Translators: what changed since the review (one item of a list).
            parts.append(_("the term base or the Language/Plural-Forms header"))
        # Translators: what changed since the review, when nothing more precise is known.
        return "; ".join(parts) or _("the catalogue")


def state(po) -> State:
    """The review state of a parsed catalogue (polib), fingerprint checked."""
    meta = po.metadata
    declared = meta.get(STATUS, "").strip()
    reviewer, date = meta.get(BY, "").strip(), meta.get(ON, "").strip()
    if declared != REVIEWED:
        return State(DRAFT)
    recorded = meta.get(FINGERPRINT, "").strip()
    if not recorded:
        return State(DRAFT, reviewer, date,
                     # Translators: %(status)s and %(fingerprint)s name .po header fields.
                     note=_("%(status)s says reviewed but there is no %(fingerprint)s: run "
                            "`leaflet catalog review` (a hand-typed header counts as draft)")
                     % {"status": STATUS, "fingerprint": FINGERPRINT})
    now = fingerprint(po)
    if now.value == recorded:
        return State(REVIEWED, reviewer, date)
    recorded_list = meta.get(ENTRIES, "").split()
    header = now.header not in recorded_list
    reviewed_entries = {d for d in recorded_list if not d.startswith("h")}
    changed = [e for d, e in now.entries.items() if d not in reviewed_entries]
    changed.sort(key=lambda e: e.linenum or 0)
    removed = max(0, len(reviewed_entries) - len(now.entries))  # an edit is a change
    return State(CHANGED, reviewer, date, changed, removed, header)


def status(po) -> str:
    return state(po).status


def validate_reviewer(reviewer: str) -> str:
    reviewer = " ".join(reviewer.split())
    if not _REVIEWER.match(reviewer) or not all(p.strip() for p in reviewer.split(",", 1)):
        raise UsageError(_("--reviewer %(value)s is not \"Full name, organisation\"")
                         % {"value": repr(reviewer)},
                         hint=_('e.g. --reviewer "Amina Haile, Payoke"'))
    return reviewer


def validate_date(value: str | None, today: dt.date) -> str:
    if value is None:
        return today.isoformat()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(_("--date %(value)s is not a date") % {"value": repr(value)},
                         hint=_("write YYYY-MM-DD")) from None
    if day > today:
        raise UsageError(_("--date %(value)s is in the future") % {"value": value},
                         hint=_("give the day the review was done")) from None
    return day.isoformat()


def mark_reviewed(workspace, code: str, reviewer: str, date: str | None = None, *,
                  check, today: dt.date | None = None):
    """Record the review of `code` in its catalogue's header, when `leaflet check` passes.

    `check()` returns the findings of `leaflet check` for the language (the CLI passes
    leaflet.edition.checks.runner.run_checks). Returns (path, State after, warnings). Raises
    CatalogError listing the errors (nothing written) when they are not all fixed.
    """
    from leaflet.files import write_atomic
    from leaflet.languages import scripts
    from leaflet.translation import catalog
    from leaflet.translation.rules import DATA_CHECKS, ERROR

    reviewer = validate_reviewer(reviewer)
    date = validate_date(date, today or dt.date.today())
    lang = scripts.languages_for(workspace, [code])[0]
    path = catalog.catalog_path(workspace.translations_dir, lang.locale)
    before = path.read_bytes() if path.is_file() else None
    findings = [f for f in check()
                if f.lang == lang.code or f.lang is None and f.check not in DATA_CHECKS]
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise ReviewRefused(errors, lang.code)
    if path.read_bytes() != before:
        raise CatalogError(_("the catalogue changed while it was checked"), path=path,
                           hint=_("run `leaflet catalog review` again"))
    po = catalog.read_po(path)
    print_ = fingerprint(po)
    po.metadata[STATUS] = REVIEWED
    po.metadata[BY] = reviewer
    po.metadata[ON] = date
    po.metadata[FINGERPRINT] = print_.value
    po.metadata[ENTRIES] = print_.recorded()
    write_atomic(path, po.__unicode__().encode("utf-8") + b"\n")
    after = state(catalog.read_po(path))
    warnings = [f for f in findings if f.severity != ERROR]
    return path, after, warnings


class ReviewRefused(CatalogError):
    """`catalog review` refused: `leaflet check` has errors for the language."""

    def __init__(self, findings, code: str):
        self.findings = findings
        # Translators: %(lang)s is a language code, %(finding)s the first error found.
        super().__init__(_("%(lang)s not marked reviewed: `leaflet check` has %(count)s "
                           "error(s), first: %(finding)s")
                         % {"lang": code, "count": len(findings), "finding": findings[0]},
                         hint=_("fix every error, then run `leaflet catalog review` again"))
