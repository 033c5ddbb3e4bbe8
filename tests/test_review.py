"""From draft to reviewed: the proof, the XLIFF exchange, a review bound to the text, terms."""

from __future__ import annotations

import json
import re

import polib
import pytest
from hypothesis import given, settings, strategies as st

from conftest import EDITION, ROOT, configured_languages, copy_workspace, invoke, mark_reviewed
from pdfutil import contains_text, pdf_text, poppler_text, squash

HELP = "If you cannot reach a centre, call the helpline: %(number)s"


def catalogue(ws, locale="fr"):
    return ws / "translations" / locale / "LC_MESSAGES" / "leaflet.po"


def live(path):
    return [e for e in polib.pofile(str(path)) if not e.obsolete and e.msgid]


def edit_msgstr(ws, msgid: str, new: str, locale="fr") -> int:
    """Change one msgstr with polib (as Poedit would); return the entry's line."""
    po = polib.pofile(str(catalogue(ws, locale)), wrapwidth=76)
    entry = po.find(msgid)
    entry.msgstr = new
    po.save()
    return polib.pofile(str(catalogue(ws, locale))).find(msgid).linenum


@pytest.fixture
def fr_ws(tmp_path):
    return copy_workspace(tmp_path / "ws", languages=["en", "fr"])


# --- review bound to the text -----------------------------------------------------------

def test_review_then_edit_brings_the_draft_mark_back_and_release_names_the_entry(fr_ws):
    out = fr_ws / "output" / EDITION
    mark_reviewed(fr_ws, "fr", "Marie Dubois, Payoke", "2026-11-30")
    header = polib.pofile(str(catalogue(fr_ws))).metadata
    assert header["X-Review-Status"] == "reviewed"
    assert header["X-Reviewed-By"] == "Marie Dubois, Payoke"
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", header["X-Review-Fingerprint"])

    built = invoke(fr_ws, "build", "--lang", "fr")
    assert built.exit_code == 0, built.output
    assert not contains_text(out / "fr.pdf", "Draft translation, not yet reviewed.")
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["languages"]["fr"]["review_status"] == "reviewed"

    line = edit_msgstr(fr_ws, "Medical help.", "Aide médicale et soins.")
    rebuilt = invoke(fr_ws, "build", "--lang", "fr")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert contains_text(out / "fr.pdf", "Draft translation, not yet reviewed.")
    assert contains_text(out / "fr.pdf", "Aide médicale et soins.")
    release = invoke(fr_ws, "build", "--release", "--allow-unverified", "--lang", "fr")
    assert release.exit_code == 1
    assert (f"fr changed since review: translations/fr/LC_MESSAGES/leaflet.po:{line} "
            "'Medical help.'") in release.output, release.output
    assert release.output.count("Error:") == 1
    stats = json.loads(invoke(fr_ws, "catalog", "stats", "--format", "json").stdout)
    assert next(r for r in stats if r["language"] == "fr")["review_status"] == \
        "changed since review"
    langs = invoke(fr_ws, "languages", "--json")
    assert next(r for r in json.loads(langs.stdout) if r["code"] == "fr")["review_status"] \
        == "changed since review"
    check = invoke(fr_ws, "check", "--lang", "fr", "--no-layout")
    assert check.exit_code == 0  # a warning: a draft may be printed, not released
    assert f"PO-REVIEW: warning: changed since the review of 2026-11-30" in check.stdout
    assert f"leaflet.po:{line} 'Medical help.'" in check.stdout

    # The reviewer checks the entry and reviews again: released without the draft mark.
    mark_reviewed(fr_ws, "fr", "Marie Dubois, Payoke", "2026-12-01")
    release = invoke(fr_ws, "build", "--release", "--allow-unverified", "--lang", "fr")
    assert release.exit_code == 0, release.output
    assert not contains_text(out / "fr.pdf", "Draft translation, not yet reviewed.")


def test_a_hand_typed_reviewed_header_is_a_draft(fr_ws):
    po = polib.pofile(str(catalogue(fr_ws)))
    po.metadata.update({"X-Review-Status": "reviewed", "X-Reviewed-By": "A. Person, Org",
                        "X-Reviewed-On": "2026-11-20"})
    po.save()
    stats = json.loads(invoke(fr_ws, "catalog", "stats", "--format", "json").stdout)
    assert next(r for r in stats if r["language"] == "fr")["review_status"] == "draft"
    check = invoke(fr_ws, "check", "--lang", "fr", "--no-layout")
    assert "PO-REVIEW: warning: X-Review-Status says reviewed but there is no " \
           "X-Review-Fingerprint" in check.stdout
    built = invoke(fr_ws, "build", "--lang", "fr")
    assert built.exit_code == 0
    assert contains_text(fr_ws / "output" / EDITION / "fr.pdf",
                         "Draft translation, not yet reviewed.")
    release = invoke(fr_ws, "build", "--release", "--allow-unverified", "--lang", "fr")
    assert release.exit_code == 1 and "draft translations: fr" in release.output
    # A fingerprint copied from another catalogue does not fit either.
    mark_reviewed(fr_ws, "en")
    other = polib.pofile(str(catalogue(fr_ws, "en"))).metadata["X-Review-Fingerprint"]
    po = polib.pofile(str(catalogue(fr_ws)))
    po.metadata["X-Review-Fingerprint"] = other
    po.save()
    stats = json.loads(invoke(fr_ws, "catalog", "stats", "--format", "json").stdout)
    assert next(r for r in stats if r["language"] == "fr")["review_status"] != "reviewed"


def test_review_survives_a_resave_and_a_reorder_but_not_a_msgid_update(fr_ws):
    mark_reviewed(fr_ws, "fr")
    po = polib.pofile(str(catalogue(fr_ws)), wrapwidth=40)  # Poedit rewraps, re-dates
    po.metadata["PO-Revision-Date"] = "2026-12-02 10:00+0100"
    entries = sorted(po, key=lambda e: e.msgid)
    po[:] = entries
    po.save()
    from leaflet.translation import catalog, review

    assert review.status(catalog.read_po(catalogue(fr_ws))) == "reviewed"
    # The English changes: `catalog update` makes the entry fuzzy, the review no longer holds.
    pot = ws_pot = fr_ws / "translations" / "messages.pot"
    text = ws_pot.read_text(encoding="utf-8").replace('msgid "Medical help."',
                                                       'msgid "Medical care."')
    pot.write_text(text, encoding="utf-8")
    assert invoke(fr_ws, "catalog", "update").exit_code == 0
    state = review.state(catalog.read_po(catalogue(fr_ws)))
    assert state.status == "changed since review"
    assert [e.msgid for e in state.changed] == ["Medical care."]


def test_review_is_refused_while_check_fails_and_writes_nothing(fr_ws):
    edit_msgstr(fr_ws, HELP, "Appelez la ligne d’aide si vous ne joignez pas un centre.")
    before = catalogue(fr_ws).read_bytes()
    result = invoke(fr_ws, "catalog", "review", "fr", "--reviewer", "Marie Dubois, Payoke")
    assert result.exit_code == 1
    assert "fr not marked reviewed" in result.output and "PLACEHOLDERS" in result.output
    assert "Traceback" not in result.output
    assert catalogue(fr_ws).read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["--reviewer", "Marie Dubois"], '"Full name, organisation"'),
    (["--reviewer", "Marie Dubois, Payoke", "--date", "2030-01-01"], "in the future"),
    (["--reviewer", "Marie Dubois, Payoke", "--date", "30/11/2026"], "is not a date"),
])
def test_review_needs_a_named_reviewer_and_a_real_date(fr_ws, args, message):
    before = catalogue(fr_ws).read_bytes()
    result = invoke(fr_ws, "catalog", "review", "fr", *args)
    assert result.exit_code == 2 and message in result.output, result.output
    assert catalogue(fr_ws).read_bytes() == before


def test_a_changed_term_base_undoes_the_review(fr_ws):
    mark_reviewed(fr_ws, "fr")
    tbx = fr_ws / "translations" / "fr" / "terms.tbx"
    tbx.write_text(tbx.read_text(encoding="utf-8").replace("<term>avocat</term>",
                                                           "<term>avocat</term></tig><tig>"
                                                           "<term>avocate</term>"),
                   encoding="utf-8")
    from leaflet.translation import catalog, review

    state = review.state(catalog.read_po(catalogue(fr_ws)))
    assert state.status == "changed since review" and state.header and not state.changed


# --- XLIFF ------------------------------------------------------------------------------

def test_xliff_round_trip_without_edits_is_byte_identical_in_every_language(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    for code in configured_languages():
        locale = code.replace("-", "_")
        before = catalogue(ws, locale).read_bytes()
        exported = invoke(ws, "catalog", "export", code, "--format", "xliff")
        assert exported.exit_code == 0, exported.output
        xlf = ws / "output" / EDITION / "review" / f"{code}.xlf"
        root = xlf.read_text(encoding="utf-8")
        assert 'xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2"' in root
        assert f'target-language="{code}"' in root
        assert root.count("<trans-unit ") == len(live(catalogue(ws, locale)))
        assert "X-Review-Status" not in root  # the header stays behind
        imported = invoke(ws, "catalog", "import", str(xlf))
        assert imported.exit_code == 0, imported.output
        assert "no change" in imported.output, code
        assert catalogue(ws, locale).read_bytes() == before, code


def exported(ws, code="fr"):
    result = invoke(ws, "catalog", "export", code, "-o", str(ws / f"{code}.xlf"))
    assert result.exit_code == 0, result.output
    return (ws / f"{code}.xlf").read_text(encoding="utf-8")


def test_xliff_with_one_target_edited_changes_exactly_that_entry(fr_ws):
    xml = exported(fr_ws)
    assert xml.count("<target state=\"translated\">Une aide médicale.</target>") == 1
    (fr_ws / "edited.xlf").write_text(xml.replace(
        "<target state=\"translated\">Une aide médicale.</target>",
        "<target state=\"translated\">Aide médicale gratuite.</target>"), encoding="utf-8")
    before = catalogue(fr_ws).read_text(encoding="utf-8").splitlines()
    result = invoke(fr_ws, "catalog", "import", str(fr_ws / "edited.xlf"))
    assert result.exit_code == 0, result.output
    assert "1 entry changed" in result.output and "'Medical help.'" in result.output
    after = catalogue(fr_ws).read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after)
    assert changed == [('msgstr "Une aide médicale."', 'msgstr "Aide médicale gratuite."')]


def xliff_needs_work():
    from leaflet.translation.xliff import NEEDS_WORK

    return NEEDS_WORK


def test_xliff_fuzzy_state_goes_both_ways(fr_ws):
    po = polib.pofile(str(catalogue(fr_ws)), wrapwidth=76)
    po.find("Medical help.").flags.append("fuzzy")
    po.save()
    before = catalogue(fr_ws).read_bytes()
    xml = exported(fr_ws)
    (fr_ws / "same.xlf").write_text(xml, encoding="utf-8")
    assert "no change" in invoke(fr_ws, "catalog", "import", str(fr_ws / "same.xlf")).output
    assert catalogue(fr_ws).read_bytes() == before
    # The CAT tool confirms the segment (approved, and its target's state no longer asks
    # for review): the fuzzy flag goes, nothing else changes. A unit approved whose target
    # still says needs-review stays fuzzy (tests/test_import_hardening.py).
    unit = re.search(r'<trans-unit [^>]*approved="no"[^>]*>\s*<source>Medical help\.</source>'
                     r'\s*<target state="([\w-]+)"', xml)
    assert unit, "a fuzzy entry exports as not approved"
    assert unit.group(1) in xliff_needs_work()
    confirmed = xml.replace(unit.group(0), unit.group(0).replace('approved="no"',
                                                                  'approved="yes"')
                            .replace(f'state="{unit.group(1)}"', 'state="final"'))
    (fr_ws / "ok.xlf").write_text(confirmed, encoding="utf-8")
    result = invoke(fr_ws, "catalog", "import", str(fr_ws / "ok.xlf"))
    assert result.exit_code == 0, result.output
    assert not polib.pofile(str(catalogue(fr_ws))).find("Medical help.").fuzzy


@pytest.mark.parametrize("case", ["source", "placeholder", "language", "xml", "markup"])
def test_bad_xliff_is_refused_with_one_line_and_the_catalogue_unchanged(fr_ws, case):
    xml = exported(fr_ws)
    if case == "source":
        bad = xml.replace("<source>Medical help.</source>", "<source>Medical care.</source>")
        expect = "unit "
    elif case == "placeholder":
        bad = xml.replace("au %(number)s", "au %(numero)s")
        assert bad != xml
        expect = "PLACEHOLDERS"
    elif case == "language":
        bad = xml.replace('target-language="fr"', 'target-language="en"')
        expect = "target-language is 'en'"
    elif case == "markup":
        bad = xml.replace("<target state=\"translated\">Une aide médicale.</target>",
                          "<target state=\"translated\">&lt;script&gt;x()&lt;/script&gt;Aide"
                          "</target>")
        expect = "MARKUP"
    else:
        bad = xml[:len(xml) // 2]
        expect = "not valid XML"
    path = fr_ws / "bad.xlf"
    path.write_text(bad, encoding="utf-8")
    before = {p: p.read_bytes() for p in (fr_ws / "translations").rglob("*.po")}
    result = invoke(fr_ws, "catalog", "import", str(path))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and expect in errors[0], result.output
    assert str(path) in errors[0]
    assert "Traceback" not in result.output
    assert {p: p.read_bytes() for p in (fr_ws / "translations").rglob("*.po")} == before
    assert not list((fr_ws / "translations").rglob(".*.import*"))


def test_xliff_for_another_language_is_refused_by_lang(fr_ws):
    xml = exported(fr_ws, "en")
    (fr_ws / "en.xlf").write_text(xml, encoding="utf-8")
    result = invoke(fr_ws, "catalog", "import", str(fr_ws / "en.xlf"), "--lang", "fr")
    assert result.exit_code == 1 and "this file is for en" in result.output


def test_xliff_region_variant_of_the_language_is_accepted(fr_ws):
    xml = exported(fr_ws).replace('target-language="fr"', 'target-language="fr-BE"')
    (fr_ws / "be.xlf").write_text(xml, encoding="utf-8")
    result = invoke(fr_ws, "catalog", "import", str(fr_ws / "be.xlf"))
    assert result.exit_code == 0 and "no change" in result.output, result.output


# --- proof --------------------------------------------------------------------------------

@pytest.mark.parametrize("code", ["fr", "el", "zh-Hans"])
def test_proof_holds_every_msgid_and_msgstr_and_the_leaflet_pages(tmp_path, code):
    ws = copy_workspace(tmp_path / "ws", languages=[code])
    result = invoke(ws, "catalog", "proof", code)
    assert result.exit_code == 0, result.output
    path = ws / "output" / EDITION / "review" / f"{code}-proof.pdf"
    text = squash(pdf_text(path)) + squash(poppler_text(path))
    entries = live(catalogue(ws, code.replace("-", "_")))
    missing = [s for e in entries for s in (e.msgid, e.msgstr) if squash(s) not in text]
    assert missing == [], missing[:5]
    from pypdf import PdfReader

    pages = PdfReader(path).pages
    assert len(pages) >= 2 + 8 + 1  # entries, then 8 leaflet pages and the wallet card
    first = squash(pages[0].extract_text())
    assert squash("Agreed terms") in first and squash("Draft") in first
    from leaflet.translation import terms

    base = terms.load(ws / "translations", code.replace("-", "_"))
    assert len(base.terms) == 14 and all(t.agreed for t in base.terms)
    agreed = [t.agreed for t in base.terms]
    assert [a for a in agreed if squash(a) not in squash(pdf_text(path, pages=[0]))] == []


def test_proof_marks_the_entries_changed_since_review(fr_ws):
    mark_reviewed(fr_ws, "fr")
    edit_msgstr(fr_ws, "Medical help.", "Aide médicale et soins.")
    edit_msgstr(fr_ws, "Psychological support.", "Soutien psychologique et écoute.")
    result = invoke(fr_ws, "catalog", "proof", "fr")
    assert result.exit_code == 0, result.output
    assert "2 marked; changed since review" in result.output
    path = fr_ws / "output" / EDITION / "review" / "fr-proof.pdf"
    assert "Changed since the review" in pdf_text(path, pages=[0])
    marked = marked_rows(path, "changed since review")
    assert len(marked) == 2, marked
    assert "Medical help." in marked[0] and "Aide médicale et soins." in marked[0]
    assert "Psychological support." in marked[1] and "écoute" in marked[1]
    medical, psychological = (entry_number(fr_ws, m) for m in ("Medical help.",
                                                                 "Psychological support."))
    assert re.search(rf"\b{medical}\b", marked[0]) and re.search(rf"\b{psychological}\b",
                                                                   marked[1])


def entry_number(ws, msgid: str, locale: str = "fr") -> int:
    """An entry's number in the review proof and the XLIFF file: its place among the
    catalogue's live entries."""
    po = polib.pofile(str(ws / "translations" / locale / "LC_MESSAGES" / "leaflet.po"))
    live = [e for e in po if not e.obsolete and e.msgid]
    return next(i for i, e in enumerate(live, 1) if e.msgid == msgid)


def marked_rows(path, mark: str) -> list[str]:
    """The text of each table row carrying `mark` (not between quotes): pdfium finds the
    mark, then the text in the band of the page from the row's top to the mark's bottom."""
    import pypdfium2 as pdfium

    rows = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            text = page.get_textpage()
            search = text.search(mark, match_case=True)
            while (found := search.get_next()) is not None:
                start, count = found
                if start > 0 and text.get_text_range(start - 1, 1) == "“":
                    continue  # the instructions quote the mark
                left, bottom, right, top = text.get_charbox(start)
                width = page.get_width()
                # the row: up to 12 mm above the mark's line, down to its bottom
                rows.append(text.get_text_bounded(0, bottom - 2, width, top + 34))
    finally:
        pdf.close()
    return rows


def test_proof_of_an_unfinished_catalogue_has_the_table_and_says_why(fr_ws):
    edit_msgstr(fr_ws, "Medical help.", "")
    result = invoke(fr_ws, "catalog", "proof", "fr")
    assert result.exit_code == 0, result.output
    text = pdf_text(fr_ws / "output" / EDITION / "review" / "fr-proof.pdf")
    rows = marked_rows(fr_ws / "output" / EDITION / "review" / "fr-proof.pdf", "untranslated")
    marks = [r for r in rows if re.match(r"\d+\s+line \d+\s+untranslated", r)]
    assert len(marks) == 1 and marks[0].startswith(str(entry_number(fr_ws, "Medical help.")))
    assert "Medical help." in marks[0]
    assert "(untranslated)" in text
    assert "The leaflet pages are not included" in text


# --- terms --------------------------------------------------------------------------------

def test_every_shipped_language_has_a_term_base_its_catalogue_keeps():
    from leaflet.translation import terms

    master = terms.load_master(ROOT / "translations")
    assert {t.key for t in master} >= {"human-trafficking", "support-centre", "helpline",
                                       "reflection-period", "residence-document",
                                       "residence-card", "permanent-residence", "guardian",
                                       "lawyer", "interpreter", "compensation", "iom"}
    result = invoke(ROOT, "check", "--no-layout", "--format", "json")
    terms_findings = [f for f in json.loads(result.stdout)["findings"] if f["check"] == "TERMS"]
    assert terms_findings == []
    for code in configured_languages():
        if code == "en":
            continue
        base = terms.load(ROOT / "translations", code.replace("-", "_"))
        assert base is not None, code
        assert all(t.forms for t in base.terms), code
        tbx = (ROOT / "translations" / code.replace("-", "_") / "terms.tbx").read_text()
        assert "draft, not yet reviewed" in tbx, code


def test_replacing_the_agreed_term_fails_check_with_the_entry_line(fr_ws):
    line = edit_msgstr(fr_ws, "A support centre can explain what this means for you.",
                       "Un centre d’hébergement peut vous expliquer ce que cela signifie.")
    result = invoke(fr_ws, "check", "--lang", "fr", "--no-layout")
    assert result.exit_code == 1
    assert (f"translations/fr/LC_MESSAGES/leaflet.po:{line}: TERMS: the translation of "
            "'A support centre can explain what this m' does not use the agreed term for "
            "'support centre': 'centre d’accueil'") in result.stdout, result.stdout


def test_a_deprecated_term_is_named(fr_ws):
    from leaflet.translation import terms

    base = terms.load(fr_ws / "translations", "fr")
    forms = {t.key: t.forms for t in base.terms}
    terms.write(fr_ws / "translations", "fr", forms, {"lawyer": ["avocat commis"]})
    edit_msgstr(fr_ws, "<strong>A lawyer.</strong> If you cannot pay, you can ask for free legal aid.",
                "<strong>Un avocat commis.</strong> Si vous ne pouvez pas payer, vous pouvez "
                "demander l’aide juridique gratuite.")
    result = invoke(fr_ws, "check", "--lang", "fr", "--no-layout")
    assert result.exit_code == 1
    assert "uses 'avocat commis', which translations/fr/terms.tbx says not to use" in \
        result.stdout


@pytest.mark.parametrize("locale, text, form, found", [
    ("fr", "Ce que les centres d’accueil font pour vous", "centre d'accueil", True),
    ("fr", "Contactez un centre d’hébergement", "centre d'accueil", False),
    ("fr", "La TRAITE DES ÊTRES HUMAINS", "traite des êtres humains", True),
    ("de", "Die Opferberatungsstellen helfen", "Beratungsstelle", True),
    ("de", "Die Beratung hilft", "Beratungsstelle", False),
    ("tr", "İkamet kartı için", "ikamet kartı", True),
    ("el", "των κέντρων υποστήριξης", "κέντρο υποστήριξης", True),
    ("zh_Hans", "请拨打求助热线。", "求助热线", True),
    ("zh_Hans", "请拨打热线。", "求助热线", False),
    ("ro", "centrul de sprijin vă ajută", "centru de sprijin", True),
])
def test_term_matching_tolerates_what_each_language_needs(locale, text, form, found):
    from leaflet.translation import terms

    assert terms.contains(text, form, terms.rules_for(locale)) is found


_WORD = st.text(alphabet="abcdeéèêfghijklmnopqrstuvwxyzàç", min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORD, max_size=6), st.lists(_WORD, min_size=1, max_size=3),
       st.lists(_WORD, max_size=6), st.sampled_from(["fr", "de", "ro", "pl", "el", "ar"]))
def test_a_term_written_out_is_always_found_whatever_surrounds_it(before, term, after, locale):
    from leaflet.translation import terms

    form = " ".join(term)
    text = " ".join(before + [form.upper() if locale != "el" else form] + after) + "."
    assert terms.contains(text, form, terms.rules_for(locale))


def test_catalog_init_starts_a_term_base_for_the_new_language(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    result = invoke(ws, "catalog", "init", "it")
    assert result.exit_code == 0, result.output
    from leaflet.translation import terms

    base = terms.load(ws / "translations", "it")
    assert base is not None and len(base.terms) == 14 and not any(t.forms for t in base.terms)
