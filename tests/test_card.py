"""The officer shows the language card; the person points at their own language."""

from __future__ import annotations

import re
import shutil

import polib
import pytest

from conftest import EDITION, ROOT, configured_languages, copy_workspace, invoke
from pdfutil import contains_text, pdf_fonts, pdf_text, poppler_text, squash

LANGUAGES = configured_languages()
SENTENCE = "I speak English."


@pytest.fixture(scope="module")
def carded(built, tmp_path_factory):
    """A copy of the built workspace with its language card written (en and fr)."""
    source, manifest = built
    ws = tmp_path_factory.mktemp("card") / "ws"
    shutil.copytree(source, ws)
    for args in (["card"], ["card", "--for", "fr"]):
        result = invoke(ws, *args)
        assert result.exit_code == 0, result.output
    return ws


def card_pdf(ws, suffix=""):
    return ws / "output" / EDITION / f"language-card{suffix}.pdf"


def language(code):
    from leaflet.languages.scripts import language as lang
    from leaflet.workspace import load_workspace

    workspace = load_workspace(ROOT)
    return lang(code, workspace.language_settings.get(code))


def translated(ws, code) -> str:
    lang = language(code)
    po = polib.pofile(str(ws / "translations" / lang.locale / "LC_MESSAGES" / "leaflet.po"))
    return po.find(SENTENCE).msgstr


def reference_text(ws, code: str, text: str, css: str, tmp_path) -> list[str]:
    """How `text` extracts when set alone in `code`'s fonts, as the card sets it.

    Shaped scripts (Devanagari pre-base vowels, Nastaliq, a ZWNJ in Persian) do not extract
    back to their logical text, but the same glyphs extract the same way (pdfutil's
    reference-render idea, applied to one line of the card).
    """
    import weasyprint

    lang = language(code)
    stack = ", ".join(f'"{f}"' for f in lang.families)
    html = (f'<html><head><style>@page {{ size: A4; }} p {{ font-family: {stack}; {css} }}'
            f'</style></head><body><p lang="{code}" dir="{lang.direction}">{text}</p>'
            "</body></html>")
    pdf = tmp_path / f"ref-{code}.pdf"
    pdf.write_bytes(weasyprint.HTML(string=html).write_pdf())
    return [squash(extract(pdf)) for extract in (pdf_text, poppler_text)]


def shows(pdf, ws, code, text, css, tmp_path) -> bool:
    if contains_text(pdf, text):
        return True
    card = [squash(extract(pdf)) for extract in (pdf_text, poppler_text)]
    return any(ref and ref in got for ref, got in zip(
        reference_text(ws, code, text, css, tmp_path), card))


def test_the_card_is_one_a4_sheet_or_two_at_most(carded):
    from pypdf import PdfReader

    pages = PdfReader(str(card_pdf(carded))).pages
    assert 1 <= len(pages) <= 2
    for page in pages:  # A4: 595 x 842 pt
        assert round(float(page.mediabox.width)) == 595
        assert round(float(page.mediabox.height)) == 842


def test_every_built_language_is_on_the_card_by_its_autonym(carded):
    pdf = card_pdf(carded)
    for code in LANGUAGES:
        autonym = language(code).autonym
        shown = autonym[:1].upper() + autonym[1:]
        assert contains_text(pdf, shown), f"{code}: autonym {shown!r} not on the card"
        assert contains_text(pdf, language(code).english_name), code


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_language_says_i_speak_it_in_its_own_words(carded, code, tmp_path):
    sentence = translated(carded, code)
    assert sentence and (code == "en" or sentence != SENTENCE)
    assert shows(card_pdf(carded), carded, code, sentence, "font-size: 10.5pt;", tmp_path), \
        f"{code}: {sentence!r} not on the card"


def test_every_font_is_embedded_and_each_script_has_its_face(carded):
    fonts = pdf_fonts(card_pdf(carded))
    assert fonts and all(fonts.values()), [n for n, e in fonts.items() if not e]
    for family in ("Noto-Sans-Ethiopic", "Noto-Sans-Arabic", "Noto-Sans-CJK-SC",
                   "Noto-Sans-Thai", "Noto-Sans-Devanagari", "Noto-Sans-Bengali",
                   "Noto-Nastaliq-Urdu"):
        assert any(name.startswith(family) for name in fonts), (family, sorted(fonts))
    allowed = {f.replace(" ", "-") for code in LANGUAGES for f in language(code).families}
    for name in fonts:  # no fontconfig fallback face
        assert any(name.startswith(family) for family in allowed), name


def test_the_cjk_face_is_subset_ahead(carded):
    fonts = pdf_fonts(card_pdf(carded))
    assert any(name.startswith("Noto-Sans-CJK-SC-Subset") for name in fonts)
    assert card_pdf(carded).stat().st_size < 200 * 1024


@pytest.mark.parametrize("code", LANGUAGES)
def test_each_autonym_and_sentence_has_its_glyphs_in_its_fonts(carded, code):
    from leaflet.edition.card import missing_glyphs

    lang = language(code)
    assert missing_glyphs(lang.autonym, lang.families) == []
    assert missing_glyphs(translated(carded, code), lang.families) == []


def test_languages_are_grouped_by_region(carded):
    from leaflet.edition.card import load_card_data, region_of
    from leaflet.workspace import load_workspace

    data = load_card_data(load_workspace(carded))
    regions = {code: region_of(code, data) for code in LANGUAGES}
    assert {c for c, r in regions.items() if r == "africa"} == {"ti", "am", "so", "pcm", "sw"}
    assert {c for c, r in regions.items() if r == "middle-east"} == {"ar", "fa"}
    assert {"zh-Hans", "th", "vi", "fil", "hi", "bn", "ur", "ne", "ps"} == \
        {c for c, r in regions.items() if r == "asia"}
    assert regions["en"] == regions["ru"] == regions["tr"] == regions["es"] == "europe"
    # A language leaflet.toml does not list lands by its CLDR territory and time zones.
    assert [region_of(c, data) for c in ("pt-BR", "qu", "he", "ln", "mg", "ky")] == \
        ["americas", "americas", "middle-east", "africa", "africa", "asia"]
    text = squash(pdf_text(card_pdf(carded)))
    order = [text.index(squash(name)) for name in ("EUROPE", "AFRICA", "MIDDLEEAST", "ASIA")]
    assert order == sorted(order)
    assert "AMERICAS" not in text  # an empty region is left out


def test_the_officer_line_is_in_the_officers_language_only(carded):
    assert contains_text(card_pdf(carded), "let the person point at their language")
    french = card_pdf(carded, "-fr")
    assert contains_text(french, "Montrez cette carte et laissez la personne désigner sa "
                                 "langue.")
    assert contains_text(french, "MOYEN-ORIENT")  # region headings are set in capitals
    pot = (ROOT / "translations" / "messages.pot").read_text(encoding="utf-8")
    assert "Montrez" not in pot and "let the person point" not in pot
    assert pot.count('msgid "I speak English."') == 1


def test_every_catalogue_translates_the_sentence_as_a_draft():
    pot = polib.pofile(str(ROOT / "translations" / "messages.pot"))
    entry = pot.find(SENTENCE)
    assert entry is not None and "Translators" not in entry.comment
    assert "your own language" in entry.comment
    for code in LANGUAGES:
        po = polib.pofile(str(ROOT / "translations" / language(code).locale / "LC_MESSAGES" /
                              "leaflet.po"))
        found = po.find(SENTENCE)
        assert found is not None and found.msgstr and not found.fuzzy, code
        assert po.metadata["X-Review-Status"] == "draft", code


def test_the_card_is_reproducible(carded):
    before = card_pdf(carded).read_bytes()
    result = invoke(carded, "card")
    assert result.exit_code == 0, result.output
    assert card_pdf(carded).read_bytes() == before


def test_a_glyph_missing_from_a_languages_font_stops_the_card(carded, tmp_path):
    ws = tmp_path / "ws"
    shutil.copytree(carded, ws)
    card_pdf(ws).unlink()
    po_path = ws / "translations" / "ti" / "LC_MESSAGES" / "leaflet.po"
    po = polib.pofile(str(po_path))
    po.find(SENTENCE).msgstr = "ትግርኛ እዛረብ እየ 中"  # a Han character: no Ethiopic face has it
    po.save()
    result = invoke(ws, "card")
    assert result.exit_code == 1
    assert "GLYPHS: ti: U+4E2D" in result.output
    assert not card_pdf(ws).exists()


@pytest.mark.parametrize("css, finding", [
    (".item { min-height: 60mm; }", r"LAYOUT: the card takes \d+ pages, at most 2"),
    (".item .autonym { font-size: 48pt; }", r"LAYOUT: nl: its text runs [\d.]+ mm out of its cell"),
], ids=["too many pages", "text out of its cell"])
def test_a_card_that_does_not_fit_is_refused(carded, tmp_path, css, finding):
    ws = tmp_path / "ws"
    shutil.copytree(carded, ws)
    card_pdf(ws).unlink()
    with (ws / "templates" / "language-card.css").open("a", encoding="utf-8") as fh:
        fh.write("\n" + css + "\n")
    result = invoke(ws, "card")
    assert result.exit_code == 1
    assert re.search(finding, result.output), result.output
    assert not card_pdf(ws).exists()


def test_no_card_before_a_build(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    result = invoke(ws, "card")
    assert result.exit_code == 1
    assert "no leaflet is built yet" in result.output and "leaflet build" in result.output


def test_a_bad_officer_language_is_a_usage_error():
    result = invoke(ROOT, "card", "--for", "es")
    assert result.exit_code == 2
