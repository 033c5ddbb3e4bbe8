"""The catalogue workflow: extract messages from the templates, create a language's catalogue.

Layout and behaviour follow pybabel: `translations/messages.pot` and
`translations/<locale>/LC_MESSAGES/leaflet.po`. Extraction uses Babel with Jinja's
extractor; catalogues are written with polib so Poedit and Weblate read them unchanged.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from leaflet.translation import catalog
from leaflet.translation import review
from leaflet.languages import scripts
from leaflet.errors import CatalogError
from leaflet.files import write_atomic
from leaflet.i18n import INTERFACE_TEMPLATES, _

# The tool's own pages speak the interface's catalogues (leaflet.i18n), not the leaflet's.
METHOD_MAP = ([(name, "ignore") for name in INTERFACE_TEMPLATES]
              + [("**.j2", "jinja2.ext:babel_extract")])
OPTIONS_MAP = {"**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
COMMENT_TAGS = ("Translators:",)
# The kiosk's first page and the quick exit's page say the leaflet's sentences in several
# languages at once: greet("…") and the greeting("…") macro are gettext too (beside Babel's
# default keywords).
GREETING_KEYWORDS = {"greet": None, "greeting": None}


def extract(workspace) -> Path:
    """Write translations/messages.pot from the templates; return its path."""
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.pofile import write_po

    when = dt.datetime.combine(workspace.edition_date, dt.time(0, 0), tzinfo=dt.timezone.utc)
    pot = Catalog(project="leaflet", version=workspace.edition_id, charset="utf-8",
                  creation_date=when, revision_date=when,
                  msgid_bugs_address="", copyright_holder="leaflet contributors")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(workspace.templates_dir), method_map=METHOD_MAP, options_map=OPTIONS_MAP,
            keywords={**DEFAULT_KEYWORDS, **GREETING_KEYWORDS}, comment_tags=COMMENT_TAGS,
            strip_comment_tags=True):
        pot.add(message, None, [(f"templates/{filename}", lineno)], auto_comments=comments,
                context=context)
    buffer = BytesIO()
    write_po(buffer, pot, width=76, sort_output=False, omit_header=False)
    path = workspace.translations_dir / catalog.POT_NAME
    write_atomic(path, buffer.getvalue())
    return path


def init(workspace, code: str) -> Path:
    """Create the catalogue of `code` from messages.pot, marked as a draft."""
    from babel.messages.catalog import Catalog

    loc = scripts.parse_locale(code, source="LANG")
    pot_path = workspace.translations_dir / catalog.POT_NAME
    if not pot_path.is_file():
        raise CatalogError(_("messages.pot not found"), path=pot_path,
                           hint=_("run `leaflet catalog extract` first"))
    dest = catalog.catalog_path(workspace.translations_dir, str(loc))
    if dest.exists():
        raise CatalogError(_("catalogue exists already"), path=dest,
                           hint=_("use `leaflet catalog update` to merge new messages"))
    po = catalog.read_po(pot_path)
    po.metadata.update({
        "Language": str(loc),
        "Last-Translator": "draft, not yet reviewed <>",
        "Language-Team": f"{loc.get_display_name('en')} <>",
        "Plural-Forms": Catalog(locale=loc).plural_forms,
        "Content-Type": "text/plain; charset=UTF-8",
        catalog.REVIEW_HEADER: "draft",
    })
    po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.metadata_is_fuzzy = False
    po.header = (f"{loc.get_display_name('en')} translation of the leaflet.\n"
                 "Contact details are not translated: they come from leaflet.toml.\n"
                 "See docs/translating.md before you start.")
    po.wrapwidth = 76
    dest.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(dest, po.__unicode__().encode("utf-8") + b"\n")
    from leaflet.translation import terms

    if terms.master_path(workspace.translations_dir).is_file() and not terms.path_for(
            workspace.translations_dir, str(loc)).exists():
        terms.write(workspace.translations_dir, str(loc), {})  # the English terms, to agree
    return dest



_BUILD_LANGUAGES = re.compile(r"(?ms)^\[build\][^\[]*?^languages\s*=\s*\[(?P<items>[^\]]*)\]")


def add_to_build(workspace, code: str) -> bool | None:
    """Add `code` to [build] languages in leaflet.toml (comments and layout kept): True when
    added, False when it is there already, None when the list is not written in a form this
    can edit safely (the coordinator adds it by hand)."""
    import tomllib

    text = workspace.path.read_text(encoding="utf-8")
    if code in workspace.languages:
        return False
    match = _BUILD_LANGUAGES.search(text)
    if match is None:
        return None
    items = match.group("items")
    stripped = items.rstrip()
    if "\n" in items:  # one item or more per line: a new line before the closing bracket
        indent = re.search(r"\n([ \t]*)\S", items)
        pad = indent.group(1) if indent else "  "
        body = stripped + ("" if stripped.endswith(",") or not stripped.strip() else ",")
        new_items = f"{body}\n{pad}\"{code}\",\n"
    else:
        sep = "" if not stripped.strip() else (" " if stripped.endswith(",") else ", ")
        new_items = f"{stripped}{sep}\"{code}\""
    new = text[:match.start("items")] + new_items + text[match.end("items"):]
    try:
        if code not in tomllib.loads(new).get("build", {}).get("languages", []):
            return None
    except tomllib.TOMLDecodeError:
        return None
    write_atomic(workspace.path, new.encode("utf-8"))
    return True


def catalogue_paths(workspace) -> list[Path]:
    """Every `<locale>/LC_MESSAGES/leaflet.po` under translations/, sorted."""
    return sorted(workspace.translations_dir.glob(f"*/LC_MESSAGES/{catalog.DOMAIN}.po"))


def update(workspace) -> dict[str, dict]:
    """Merge messages.pot into every catalogue, as `pybabel update` does.

    Unchanged entries keep their translation. A msgid that changed in the template gets
    the translation of its closest old msgid, marked fuzzy (the old msgid kept as
    `#| msgid`), so the translator sees what to revise; a new msgid is added empty; a
    msgid gone from the template becomes obsolete (`#~`). Returns counts per catalogue.
    """
    import difflib

    import polib

    pot_path = workspace.translations_dir / catalog.POT_NAME
    pot = catalog.read_po(pot_path)
    results = {}
    # Every catalogue is read (and refused, file:line) before any is written: an update
    # never leaves half of the languages merged.
    parsed = [(path, catalog.read_po(path)) for path in catalogue_paths(workspace)]
    merged_files = []
    for path, po in parsed:
        old = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
        wanted = {(e.msgctxt, e.msgid) for e in pot}
        orphans = {key[1]: e for key, e in old.items() if key not in wanted and e.msgstr}
        merged = polib.POFile(wrapwidth=76, check_for_duplicates=True)
        merged.header, merged.metadata = po.header, dict(po.metadata)
        merged.metadata_is_fuzzy = po.metadata_is_fuzzy
        counts = {"kept": 0, "fuzzy": 0, "added": 0, "obsolete": 0}
        for template in pot:
            entry = polib.POEntry(msgid=template.msgid, msgctxt=template.msgctxt,
                                  msgid_plural=template.msgid_plural,
                                  occurrences=template.occurrences, comment=template.comment,
                                  flags=[f for f in template.flags if f != "fuzzy"])
            previous = old.get((template.msgctxt, template.msgid))
            if previous is not None:
                entry.msgstr, entry.msgstr_plural = previous.msgstr, previous.msgstr_plural
                entry.tcomment = previous.tcomment
                if previous.fuzzy:
                    entry.flags.append("fuzzy")
                    entry.previous_msgid = previous.previous_msgid
                counts["kept"] += 1
            else:
                close = difflib.get_close_matches(template.msgid, list(orphans), n=1)
                if close:
                    source = orphans.pop(close[0])
                    entry.msgstr, entry.msgstr_plural = source.msgstr, source.msgstr_plural
                    entry.flags.append("fuzzy")
                    entry.previous_msgid = source.msgid
                    counts["fuzzy"] += 1
                else:
                    if template.msgid_plural:
                        entry.msgstr_plural = {i: "" for i in range(_nplurals(po))}
                    counts["added"] += 1
            merged.append(entry)
        gone = set()  # one obsolete entry per message: msgfmt refuses duplicates
        for key, entry in old.items():
            if key not in wanted and entry.msgid not in (e.previous_msgid for e in merged):
                entry.obsolete = True
                merged.append(entry)
                gone.add(key)
                counts["obsolete"] += 1
        for entry in po:
            key = (entry.msgctxt, entry.msgid)
            if entry.obsolete and key not in wanted and key not in gone:
                merged.append(entry)
                gone.add(key)
        merged_files.append((path, merged.__unicode__().encode("utf-8") + b"\n"))
        results[path.parent.parent.name] = counts
    for path, data in merged_files:
        write_atomic(path, data)
    return results


def _nplurals(po) -> int:
    import re

    match = re.search(r"nplurals\s*=\s*(\d+)", po.metadata.get("Plural-Forms", ""))
    return int(match.group(1)) if match else 2


def stats(workspace) -> list[dict]:
    """Per catalogue: translated, fuzzy, untranslated, obsolete, percent, review status."""
    rows = []
    configured = {scripts.gettext_name(code): code for code in workspace.languages}
    for path in catalogue_paths(workspace):
        po = catalog.read_po(path)
        live = [e for e in po if not e.obsolete]
        fuzzy = sum(1 for e in live if e.fuzzy)
        translated = sum(1 for e in live if e.translated())
        total = len(live)
        locale = path.parent.parent.name
        rows.append({
            "language": configured.get(locale, locale.replace("_", "-")),
            "configured": locale in configured,
            "file": workspace.display_path(path),
            "total": total, "translated": translated, "fuzzy": fuzzy,
            "untranslated": total - translated - fuzzy,
            "obsolete": len(po) - total,
            "percent": round(100 * translated / total, 1) if total else 0.0,
            "review_status": review.status(po),
            "reviewed_by": po.metadata.get("X-Reviewed-By", ""),
            "reviewed_on": po.metadata.get("X-Reviewed-On", ""),
        })
    return rows
