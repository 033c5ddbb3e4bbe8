"""`leaflet catalog proof LANG`: a PDF a reviewer can mark up on paper.

First page: the language, the review state, how to mark corrections, and the term base
(English term, agreed term, other accepted forms). Then every entry, numbered as in the
XLIFF export, with its line in the .po file: the English and the translation side by side,
each in its own font and direction, the notes for translators and the translator's own
comments, and a mark on every entry that changed since the last review (or is fuzzy or
untranslated). Last, the leaflet and the wallet card exactly as they would print now; a
catalogue that cannot be rendered yet (untranslated entries) gets the table alone, and the
first page says why.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from leaflet.errors import LeafletError
from leaflet.i18n import N_, _

PROOF_TEMPLATE = "proof.html.j2"
# The marks of an entry on the proof, shown in the reader's language.
# Translators: a mark beside an entry of the reviewer's proof.
CHANGED = N_("changed since review")
# Translators: a mark beside an entry of the reviewer's proof (the catalogue's fuzzy flag).
FUZZY = N_("fuzzy")
# Translators: a mark beside an entry of the reviewer's proof.
UNTRANSLATED = N_("untranslated")
_CODE = re.compile(r"%\(\w+\)[sd]|<[^<>]*>")


def raw(text: str):
    """Catalogue text for the proof: escaped, placeholders and tags shown as they are in
    the file and isolated left to right, so "%(number)s" does not read "s(number)%" inside
    Arabic."""
    from markupsafe import Markup, escape

    out, last = [], 0
    for match in _CODE.finditer(text):
        out.append(str(escape(text[last:match.start()])))
        out.append(f'<bdi dir="ltr" class="code">{escape(match.group(0))}</bdi>')
        last = match.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def proof(workspace, code: str, dest: Path | None = None) -> tuple[Path, dict]:
    """Write the proof of `code`; return its path and a summary (pages, entries, changed)."""
    from leaflet.edition import plan
    from leaflet.translation import catalog, review, terms, xliff
    from leaflet.translation.messages import load_translations
    from leaflet.render import interface, pdf, templates
    from leaflet.files import write_atomic
    from leaflet.languages import scripts

    lang = scripts.languages_for(workspace, [code])[0]
    path = catalog.catalog_path(workspace.translations_dir, lang.locale)
    po = catalog.read_po(path)
    state = review.state(po)
    changed = {id(e) for e in state.changed}
    rows = []
    changed_count = 0
    for number, entry in enumerate(xliff.live_entries(po), 1):
        marks = []
        if id(entry) in changed:
            marks.append(CHANGED)
            changed_count += 1
        if entry.fuzzy:
            marks.append(FUZZY)
        if not entry.msgstr.strip():
            marks.append(UNTRANSLATED)
        rows.append({"number": number, "line": entry.linenum, "msgid": entry.msgid,
                     "msgstr": entry.msgstr, "notes": entry.comment or "",
                     "translator": entry.tcomment or "",
                     "previous": entry.previous_msgid or "",
                     "marks": [_(mark) for mark in marks]})
    base = terms.load(workspace.translations_dir, lang.locale)
    term_rows = [{"english": t.english[0], "agreed": t.agreed, "others": t.forms[1:],
                  "avoid": t.deprecated, "definition": t.definition}
                 for t in (base.terms if base else terms.load_master(workspace.translations_dir))]
    pages_note, printed = "", []
    try:
        translations = load_translations(path)
        item = plan.Pending(lang, translations, plan.input_hash(workspace, lang, path),
                             workspace.output_dir / "unused")
        job = plan.prepare(workspace, [item])[0]
        from leaflet.edition import fitting

        # As they print: at the text size the build finds (or the pinned one).
        fitted = fitting.fit_leaflet(job.html, str(workspace.templates_dir) + os.sep,
                                     job.sizing)
        printed = [fitted["html"], job.card_html]
    except LeafletError as exc:
        pages_note = (_("The leaflet pages are not included: the catalogue cannot be rendered "
                        "yet (%(error)s).") % {"error": exc})
    env = templates.environment(workspace.templates_dir)
    interface.install(env)  # the proof's own words are the tool's, in the reader's language
    env.filters["raw"] = raw
    html = env.get_template(PROOF_TEMPLATE).render(
        lang=lang, edition=workspace.edition_id, catalogue=workspace.display_path(path),
        state=state, rows=rows, terms=term_rows, pages_note=pages_note,
        terms_file=workspace.display_path(terms.path_for(workspace.translations_dir,
                                                         lang.locale)) if base else None,
        changed_count=changed_count,
        include_pages=bool(printed))
    base_url = str(workspace.templates_dir) + os.sep
    pdf.install_text_fixes()
    documents = [pdf.render_document(html, base_url)]
    table_pages = len(documents[0].pages)
    documents += [pdf.render_document(source, base_url) for source in printed if source]
    pages = [page for document in documents for page in document.pages]
    data = documents[0].copy(pages).write_pdf(pdf_variant=pdf.ACCESSIBLE_VARIANT)
    dest = dest or workspace.output_dir / "review" / f"{lang.code}-proof.pdf"
    write_atomic(dest, data)
    return dest, {"pages": len(pages), "table_pages": table_pages, "entries": len(rows),
                  "changed": sum(1 for r in rows if r["marks"]), "status": state.status}
