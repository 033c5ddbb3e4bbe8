"""Print files a print shop takes as they are.

For each language, under `output/<edition>/print/`:
- `<lang>-a5.pdf`: the A5 leaflet itself (3 mm bleed with the backgrounds running into it,
  crop marks, TrimBox and BleedBox set by WeasyPrint from `@page { bleed; marks }`);
- `<lang>-a4-booklet.pdf`: an A4 landscape imposition, two A5 pages per sheet side in
  booklet order for folding (8 pages -> 8-1, 2-7, 6-3, 4-5); a page count that is not a
  multiple of 4 is padded with blank pages, and the caller is warned;
- `<lang>-pdfa.pdf`: a PDF/A-2b rendering of the same HTML, for archiving.
The imposition places each page's trim box (the finished A5) and clips what lies outside
it (bleed, crop marks), so neighbouring pages never overprint each other at the fold.
"""

from __future__ import annotations

import io
from pathlib import Path

A4_LANDSCAPE = (841.8898, 595.2756)  # points


def booklet_order(pages: int, rtl: bool = False) -> list[tuple[int, int]]:
    """Sheet sides in booklet order as (left, right) 1-based page numbers; 0 is a blank.

    `pages` is padded up to a multiple of 4. Side 1 of sheet 1 carries the last and the
    first page, side 2 the second and the second-to-last, and so on inwards. A
    right-to-left booklet binds on the other edge: every side is mirrored.
    """
    total = -(-pages // 4) * 4
    sides = []
    for sheet in range(total // 4):
        low, high = 2 * sheet + 1, total - 2 * sheet
        sides.append((high, low))  # front: outer pages
        sides.append((low + 1, high - 1))  # back: the pages behind them
    sides = [(left if left <= pages else 0, right if right <= pages else 0)
             for left, right in sides]
    return [(right, left) for left, right in sides] if rtl else sides


def impose_booklet(a5_pdf: bytes, rtl: bool = False) -> tuple[bytes, int]:
    """The A4 booklet imposition of an A5 PDF, and the number of blank pages added."""
    from pypdf import PdfWriter, Transformation
    from pypdf.generic import DecodedStreamObject, NameObject, RectangleObject

    source = PdfWriter(clone_from=io.BytesIO(a5_pdf))
    trims = []
    for page in source.pages:  # clip every page to its trim box: no bleed or marks leak
        trim = [float(v) for v in page.get("/TrimBox", page.mediabox)]
        clip = DecodedStreamObject()
        clip.set_data(f"q {trim[0]:.4f} {trim[1]:.4f} {trim[2] - trim[0]:.4f} "
                      f"{trim[3] - trim[1]:.4f} re W n\n".encode()
                      + page._get_contents_as_bytes() + b"\nQ\n")
        page.replace_contents(clip)
        trims.append(trim)
    writer = PdfWriter()
    sheet_w, sheet_h = A4_LANDSCAPE
    blanks = 0
    for left, right in booklet_order(len(source.pages), rtl):
        sheet = writer.add_blank_page(width=sheet_w, height=sheet_h)
        for slot, number in enumerate((left, right)):
            if number == 0:
                blanks += 1
                continue
            trim = trims[number - 1]
            width, height = trim[2] - trim[0], trim[3] - trim[1]
            x = sheet_w / 2 - width if slot == 0 else sheet_w / 2
            y = (sheet_h - height) / 2
            sheet.merge_transformed_page(source.pages[number - 1],
                                         Transformation().translate(x - trim[0], y - trim[1]))
        sheet[NameObject("/TrimBox")] = RectangleObject([0, 0, sheet_w, sheet_h])
    title = (source.metadata or {}).get("/Title", "leaflet")
    writer.add_metadata({"/Title": title, "/Producer": "leaflet (pypdf imposition)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), blanks


def pdfa_bytes(html: str, base_url: str) -> bytes:
    """A PDF/A-2b rendering of the leaflet's HTML (fonts embedded, sRGB output intent)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url).write_pdf(pdf_variant="pdf/a-2b")


def print_paths(output_dir: Path, code: str) -> dict[str, Path]:
    folder = output_dir / "print"
    return {"a5": folder / f"{code}-a5.pdf", "booklet": folder / f"{code}-a4-booklet.pdf",
            "pdfa": folder / f"{code}-pdfa.pdf"}


def write_print_files(html: str, base_url: str, a5_pdf: Path, rtl: bool) -> dict:
    """Write a language's print files next to its PDF; return their manifest entries."""
    import hashlib

    from leaflet.files import write_atomic

    data = a5_pdf.read_bytes()
    booklet, blanks = impose_booklet(data, rtl)
    paths = print_paths(a5_pdf.parent, a5_pdf.stem)
    contents = {"a5": data, "booklet": booklet, "pdfa": pdfa_bytes(html, base_url)}
    entries = {}
    for name, content in contents.items():
        write_atomic(paths[name], content)
        entries[name] = {"pdf": f"print/{paths[name].name}",
                         "sha256": hashlib.sha256(content).hexdigest(), "bytes": len(content)}
    entries["booklet"]["blank_pages"] = blanks
    return entries
