"""HTML to PDF with WeasyPrint: the only module of the build that imports it.

The PDF is rendered in memory and written through a temporary file and a rename, so a
failed render never leaves a partial PDF where a good one is expected.

Leaflets and wallet cards are tagged PDFs (WeasyPrint's PDF/UA-1 variant: document
language, title, a structure tree of headings, paragraphs, lists and figures in reading
order, figures' alternative text from the SVG <title>). Two corrections make the text a
reader extracts (copy-paste, a screen reader, search) the text we wrote
(docs/accessibility.md has the measurements behind them):

- Every text span in a left-to-right run (but runs of ideographs) carries its logical
  text as /ActualText. A glyph
  maps to one Unicode string whatever its context, and shaped scripts draw glyphs out of
  logical order (Devanagari and Bengali pre-base vowels, Thai, Ethiopic): extractors
  that read the glyphs get the vowel before its consonant; with /ActualText both poppler
  and pdfium give the logical text.
- Right-to-left spans get no /ActualText: pdfium and poppler both treat text as visual and
  reverse it, so a logical /ActualText comes out backwards. Instead, a glyph standing for
  several right-to-left letters (the lam-alef ligature) maps to them in visual order in
  the ToUnicode table, so that the extractors' own reversal restores the logical order;
  and the space and punctuation glyphs of a font that draws right-to-left text map to
  themselves followed by a RIGHT-TO-LEFT MARK. poppler reverses every run of characters
  that are not strongly right-to-left inside a right-to-left line, so ". " came out as
  " ."; the mark (invisible, ignored by screen readers) keeps such runs one character long.
  What is still not exact (Persian's ZWNJ, Urdu's Nastaliq) is in docs/accessibility.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import unicodedata
from pathlib import Path

from leaflet.errors import BuildError
from leaflet.files import write_atomic
from leaflet.i18n import _


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings (a missing font, an unsupported CSS rule) for the caller."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def collected_warnings():
    """Within the block, WeasyPrint's warnings go into the yielded list."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        yield collect.messages
    finally:
        logger.removeHandler(collect)


# Tagged, with the document's language and title (WeasyPrint's PDF/UA-1 variant).
ACCESSIBLE_VARIANT = "pdf/ua-1"
RLM = "\u200f"
_RTL_LETTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]{2,}")
_INSTALLED = False


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text)


_IDEOGRAPHIC = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def _needs_actual_text(text: str) -> bool:
    """Whether a left-to-right span gets /ActualText: every span but those whose letters (and
    marks) are all ideographs, or that hold only ideographic punctuation. Chinese, Japanese
    and Korean draw one glyph per character and extract right without it (measured, 60 of 60
    sentences); leaving it out keeps the largest PDF, Chinese, about 5 KB smaller."""
    letters = [ch for ch in text if ch.isalpha() or unicodedata.category(ch).startswith("M")]
    if letters:
        return not all(_IDEOGRAPHIC.match(ch) for ch in letters)
    return not any(_IDEOGRAPHIC.match(ch) for ch in text)


def install_text_fixes() -> None:
    """Wrap two WeasyPrint steps (once per process) with the corrections described above.

    The wrappers call WeasyPrint's own functions and only add to what they produce:
    the marked-content property list of a text span, and the glyph-to-text table of a
    font before it is written. tests/test_accessible_pdf.py proves the result per language.
    """
    global _INSTALLED
    if _INSTALLED:
        return
    import pydyf
    import weasyprint.pdf
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import stream as pdf_stream

    marked, begin = pdf_stream.Stream.marked, pydyf.Stream.begin_marked_content

    @contextlib.contextmanager
    def marked_with_text(self, box, tag):
        self._leaflet_box = box
        try:
            with marked(self, box, tag):
                yield
        finally:
            self._leaflet_box = None

    def begin_with_text(self, tag, property_list=None):
        box = getattr(self, "_leaflet_box", None)
        self._leaflet_box = None
        if (property_list is not None and isinstance(box, boxes.TextBox)
                and box.text.strip() and _needs_actual_text(box.text)
                and not _right_to_left(box.text)):
            property_list["ActualText"] = pydyf.String(unicodedata.normalize("NFC", box.text))
        return begin(self, tag, property_list)

    build_fonts = weasyprint.pdf.build_fonts_dictionary

    def build_fonts_visual(pdf, fonts, *args, **kwargs):
        for font in fonts.values():
            if not any(_right_to_left(text or "") for text in font.to_unicode.values()):
                continue  # a font that draws no right-to-left text keeps its table
            for glyph, text in list(font.to_unicode.items()):
                if _RTL_LETTERS.fullmatch(text or ""):
                    font.to_unicode[glyph] = text[::-1]
                elif text and all(unicodedata.category(ch)[0] in "PZ" for ch in text):
                    font.to_unicode[glyph] = text + RLM
        return build_fonts(pdf, fonts, *args, **kwargs)

    pdf_stream.Stream.marked = marked_with_text
    pydyf.Stream.begin_marked_content = begin_with_text
    weasyprint.pdf.build_fonts_dictionary = build_fonts_visual
    _INSTALLED = True


def render_document(html: str, base_url: str, stylesheets=()):
    """WeasyPrint's laid-out document for `html` (pages, then write_pdf)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url).render(
        stylesheets=list(stylesheets))


def render_pdf(html: str, base_url: str) -> tuple[bytes, int, list[str]]:
    """PDF bytes, page count and WeasyPrint's warnings for one HTML document."""
    with collected_warnings() as warnings:
        document = render_document(html, base_url)
        return document.write_pdf(), len(document.pages), warnings


def lay_out(html: str, base_url: str, *, stylesheets=()) -> dict:
    """Lay `html` out once: {"document", "warnings"}. The build checks the laid-out pages
    (leaflet.edition.checks.layout) before writing them, so it pays for one layout, not two,
    and writes nothing for a language that does not fit."""
    try:
        with collected_warnings() as warnings:
            document = render_document(html, base_url, stylesheets)
    except Exception as exc:
        # Translators: %(error)s is WeasyPrint's own message.
        raise BuildError(_("rendering failed: %(error)s") % {"error": exc}) from exc
    return {"document": document, "warnings": warnings}


def write_laid_out(laid_out: dict, dest: Path) -> dict:
    """Write a laid-out document to `dest`; return sha256, pages, bytes, warnings."""
    install_text_fixes()
    try:
        data = laid_out["document"].write_pdf(pdf_variant=ACCESSIBLE_VARIANT)
    except Exception as exc:
        raise BuildError(_("rendering failed: %(error)s") % {"error": exc}, path=dest) from exc
    try:
        write_atomic(dest, data)
    except OSError as exc:
        raise BuildError(_("cannot write the PDF: %(reason)s") % {"reason": exc.strerror or exc},
                         path=dest, hint=_("check that output/ is writable")) from None
    return {"sha256": hashlib.sha256(data).hexdigest(),
            "pages": len(laid_out["document"].pages), "bytes": len(data),
            "warnings": list(laid_out["warnings"])}

