"""Reading built PDFs the way a reader or a print shop would: text, fonts, QR codes."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path


_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


# Text extractors reverse right-to-left lines character by character, so the two letters
# behind one lam-alef ligature glyph come out swapped ("لال" for "للا"). The PDF is right;
# for comparison the letters of every run of lams and alefs are put in one fixed order.
_LAM_ALEF = re.compile("[\u0644\u0622\u0623\u0625\u0627]{2,}")


def squash(text: str) -> str:
    """NFC text without whitespace or bidi controls, for whitespace-insensitive search."""
    text = re.sub(r"\s+", "", _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text)))
    return _LAM_ALEF.sub(lambda m: "".join(sorted(m.group(0))), text)


# Scripts written without spaces between words: a line break there is no space.
_NO_SPACE = re.compile(r"[\u0e00-\u0e7f\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def logical(text: str) -> str:
    """Extracted text as it should equal the catalogue's: NFC; bidi controls (which poppler
    adds around right-to-left lines, and the PDFs after right-to-left spaces) removed; a
    line break between two characters of a script without spaces dropped; whitespace single.
    Unlike squash(), nothing else is forgiven (tests/test_accessible_pdf.py)."""
    text = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))
    text = re.sub(r"(?<=\S)[ \t]*[\r\n]+[ \t]*(?=\S)",
                  lambda m: "" if _NO_SPACE.match(text[m.start() - 1])
                  and _NO_SPACE.match(text[m.end()]) else " ", text)
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path, pages: list[int] | None = None) -> str:
    """The text of every page (or of `pages`, from 0), extracted with pdfium (robust for
    complex scripts)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n".join(page.get_textpage().get_text_range()
                         for number, page in enumerate(pdf) if pages is None or number in pages)
    finally:
        pdf.close()


def poppler_text(path: Path) -> str:
    """The text as poppler's pdftotext extracts it: logical order for right-to-left lines."""
    import subprocess

    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def contains_text(path: Path, needle: str) -> bool:
    """Whether `needle` is in the PDF's text as pdfium or poppler extract it.

    pdfium keeps complex scripts intact but gives right-to-left words in visual order;
    poppler reorders right-to-left lines logically. A sentence found by either is there.
    """
    wanted = squash(needle)
    return any(wanted in squash(extract(path)) for extract in (pdf_text, poppler_text))


def pdf_fonts(path: Path) -> dict[str, bool]:
    """{font name without subset prefix: embedded?} for every font the pages use."""
    from pypdf import PdfReader

    fonts = {}
    for page in PdfReader(str(path)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont", "")).lstrip("/")
            name = re.sub(r"^[A-Z]{6}\+", "", name)
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[name] = any(key in descriptor for key in ("/FontFile", "/FontFile2",
                                                            "/FontFile3"))
    return fonts


def qr_payloads(path: Path, dpi: int = 150) -> list[str]:
    """Every QR code on every page, rasterised at `dpi` and decoded with zxing-cpp (once per
    file version: several tests read the same built PDFs)."""
    stat = Path(path).stat()
    return list(_qr_payloads(str(path), stat.st_mtime_ns, stat.st_size, dpi))


@functools.lru_cache(maxsize=128)
def _qr_payloads(path: str, _mtime_ns: int, _size: int, dpi: int) -> tuple[str, ...]:
    import pypdfium2 as pdfium
    import zxingcpp

    found = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for page in pdf:
            image = page.render(scale=dpi / 72).to_pil()
            found.extend(code.text for code in zxingcpp.read_barcodes(image)
                         if code.format == zxingcpp.BarcodeFormat.QRCode)
    finally:
        pdf.close()
    return tuple(found)


def reference_render(html: str, base_url: str) -> bytes:
    """The leaflet's own HTML cut down to its first heading, rendered to PDF.

    Text extraction of shaped scripts (Bengali, Devanagari pre-base vowels, Nastaliq) does
    not give back the logical text, but it is deterministic: the same glyphs in the same
    fonts at the same width extract the same way. Rendering the headline alone, in the
    same page box, gives what the leaflet's headline must extract to.
    """
    import weasyprint

    html = re.sub(r'<div class="footer">.*?</div>\s*', "", html, count=1, flags=re.S)
    head, _, rest = html.partition("</h1>")
    html = head + "</h1></section></body></html>"
    return weasyprint.HTML(string=html, base_url=base_url).write_pdf()


def contains_headline(pdf: Path, headline: str, html: str, base_url: str, tmp: Path) -> bool:
    """The headline is in the PDF: found directly, or as its reference render extracts."""
    if contains_text(pdf, headline):
        return True
    reference = tmp / "reference.pdf"
    reference.write_bytes(reference_render(html, base_url))
    for extract in (pdf_text, poppler_text):
        expected = squash(extract(reference))
        if len(expected) >= 0.8 * len(squash(headline)) and expected in squash(extract(pdf)):
            return True
    return False


def visual_phone_numbers(path: Path, page: int = 0, min_digits: int = 8) -> list[str]:
    """Phone-like numbers as a reader sees them on `page`: digits read left to right by
    their position on the page, not in the order a text extractor returns them (which, in
    a right-to-left line, may be the reverse of what is printed).

    A number is a run of digit groups on one line (2 to 4 digits each, the first one
    possibly with "+", and after a "+32" an area code of one digit, as in "+32 2 511 64 64"),
    at least `min_digits` digits in all (3 finds 112 and 101 too).
    """
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        textpage = document[page].get_textpage()
        chars, spaces = [], []
        for index in range(textpage.count_chars()):
            ch = textpage.get_text_range(index, 1)
            try:
                left, bottom, right, top = textpage.get_charbox(index)
            except pdfium.PdfiumError:  # a generated line break has no box
                continue
            if ch.strip() and right > left:
                chars.append(((bottom + top) / 2, left, right, top - bottom, ch))
            elif ch in " \u00a0\u202f":  # a space the PDF draws: where it sits, a group ends
                spaces.append((bottom, (left + right) / 2))
    finally:
        document.close()
    lines: list[list[tuple]] = []
    for char in sorted(chars):
        if lines and abs(lines[-1][-1][0] - char[0]) < max(char[3], 1) / 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    numbers = []
    group_re = re.compile(r"\+?\d{2,4}")

    def fits(group, run):
        if run and group.startswith("+"):
            return False
        return bool(group_re.fullmatch(group)
                    or (len(run) == 1 and run[0].startswith("+") and group.isdigit()))

    def close(run):
        if sum(len(g.lstrip("+")) for g in run) >= min_digits:
            numbers.append(" ".join(run))

    for line in lines:
        line.sort(key=lambda c: c[1])
        low = min(c[0] - c[3] / 2 for c in line) - 1
        high = max(c[0] + c[3] / 2 for c in line) + 1
        gaps = [x for y, x in spaces if low <= y <= high]
        run: list[str] = []
        group, last, last_right = "", None, None
        for _, left, right, height, ch in line:
            # A space drawn between two digits ends a group. Without one, the geometry:
            # digits have one advance (tabular figures) and a space adds a third of an em;
            # centre to centre, not edge to edge, as a "1" is a narrow glyph in a wide slot.
            centre = (left + right) / 2
            gap = last is not None and (centre - last > height * 1.0
                                        or any(last_right <= x <= left for x in gaps))
            if ch.isdigit() and last is not None and centre - last > height * 3 and group:
                # Far apart (another column of a table): a new number, not the next group.
                if fits(group, run):
                    run.append(group)
                close(run)
                run, group = [], ""
            if ch.isdigit() or (ch == "+" and not group):
                if gap and group:
                    if fits(group, run):
                        run.append(group)
                    else:
                        close(run)
                        run = [group] if fits(group, []) else []
                    group = ""
                group += ch
            else:  # any other character ends the number
                if fits(group, run):
                    run.append(group)
                close(run)
                run, group = [], ""
            last, last_right = centre, right
        if fits(group, run):
            run.append(group)
        close(run)
    return numbers


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return len(document)
    finally:
        document.close()


def body_metrics(path: Path, top_mm: float, bottom_mm: float) -> list[dict]:
    """Per page, from the PDF as printed: how far down the body text reaches, and its
    smallest font size.

    The body is every character inside the page's content area (between the top and bottom
    margins, in mm): the running footer below it is small print, not body. `fill` is the
    distance from the top of the content area to the lowest body glyph, over the area's
    height; `min_pt` the smallest font size of a body glyph, in points.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    mm = 72 / 25.4
    found = []
    document = pdfium.PdfDocument(str(path))
    try:
        for page in document:
            height = page.get_height()
            area_top, area_bottom = height - top_mm * mm, bottom_mm * mm
            textpage = page.get_textpage()
            lowest, sizes = area_top, []
            for index in range(textpage.count_chars()):
                if not textpage.get_text_range(index, 1).strip():
                    continue
                _left, bottom, _right, top = textpage.get_charbox(index)
                if bottom < area_bottom - 1 or top > area_top + 1:
                    continue  # the footer's small print, or a mark outside the page box
                lowest = min(lowest, bottom)
                # pdfium gives the size in the PDF's user units: WeasyPrint writes CSS px.
                sizes.append(raw.FPDFText_GetFontSize(textpage.raw, index) * 0.75)
            found.append({"fill": (area_top - lowest) / (area_top - area_bottom),
                          "min_pt": min(sizes) if sizes else None})
    finally:
        document.close()
    return found
