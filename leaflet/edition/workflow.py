"""The catalogue workflow: extract messages from the templates, create a language's catalogue.

Layout and behaviour follow pybabel: `translations/messages.pot` and
`translations/<locale>/LC_MESSAGES/leaflet.po`. Extraction uses Babel with Jinja's
extractor; catalogues are written with polib so Poedit and Weblate read them unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from leaflet.edition import catalog, scripts
from leaflet.errors import CatalogError
from leaflet.files import write_atomic

METHOD_MAP = [("**.j2", "jinja2.ext:babel_extract")]
OPTIONS_MAP = {"**.j2": {"extensions": "jinja2.ext.i18n", "trimmed": "true"}}
COMMENT_TAGS = ("Translators:",)


def extract(workspace) -> Path:
    """Write translations/messages.pot from the templates; return its path."""
    from io import BytesIO

    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    when = dt.datetime.combine(workspace.edition_date, dt.time(0, 0), tzinfo=dt.timezone.utc)
    pot = Catalog(project="leaflet", version=workspace.edition_id, charset="utf-8",
                  creation_date=when, revision_date=when,
                  msgid_bugs_address="", copyright_holder="leaflet contributors")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(workspace.templates_dir), method_map=METHOD_MAP, options_map=OPTIONS_MAP,
            comment_tags=COMMENT_TAGS, strip_comment_tags=True):
        pot.add(message, None, [(f"templates/{filename}", lineno)], auto_comments=comments,
                context=context)
    buffer = BytesIO()
    write_po(buffer, pot, width=76, sort_output=False, omit_header=False)
    path = workspace.translations_dir / catalog.POT_NAME
    write_atomic(path, buffer.getvalue())
    return path


def init(workspace, code: str) -> Path:
    """Create the catalogue of `code` from messages.pot, marked as a draft."""
    import polib
    from babel.messages.catalog import Catalog

    loc = scripts.parse_locale(code, source="LANG")
    pot_path = workspace.translations_dir / catalog.POT_NAME
    if not pot_path.is_file():
        raise CatalogError("messages.pot not found", path=pot_path,
                           hint="run `leaflet catalog extract` first")
    dest = catalog.catalog_path(workspace.translations_dir, str(loc))
    if dest.exists():
        raise CatalogError("catalogue exists already", path=dest,
                           hint="use `leaflet catalog update` to merge new messages")
    po = catalog.read_po(pot_path)
    po.metadata.update({
        "Language": str(loc),
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
    return dest

