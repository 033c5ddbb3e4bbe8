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


def _clip_to(page, box: str) -> list[float]:
    """Clip `page`'s content to its `box` (/TrimBox, /BleedBox); return the box."""
    from pypdf.generic import DecodedStreamObject

    rect = [float(v) for v in page.get(box, page.mediabox)]
    clip = DecodedStreamObject()
    clip.set_data(f"q {rect[0]:.4f} {rect[1]:.4f} {rect[2] - rect[0]:.4f} "
                  f"{rect[3] - rect[1]:.4f} re W n\n".encode()
                  + page._get_contents_as_bytes() + b"\nQ\n")
    page.replace_contents(clip)
    return rect


def impose_booklet(a5_pdf: bytes, rtl: bool = False) -> tuple[bytes, int]:
    """The A4 booklet imposition of an A5 PDF, and the number of blank pages added."""
    from pypdf import PdfWriter, Transformation
    from pypdf.generic import NameObject, RectangleObject

    source = PdfWriter(clone_from=io.BytesIO(a5_pdf))
    trims = []
    for page in source.pages:  # clip every page to its trim box: no bleed or marks leak
        trims.append(_clip_to(page, "/TrimBox"))
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


# --- the wallet card's print sheet ---------------------------------------------------------

MM = 72 / 25.4
A4_PORTRAIT = (A4_LANDSCAPE[1], A4_LANDSCAPE[0])
CARD_MM = (85.6, 54.0)  # ID-1, a bank card (ISO/IEC 7810)
CARD_BLEED_MM = 2.0
CARD_COLUMNS, CARD_ROWS = 2, 5
CARD_GAP_MM = (10.0, 4.0)  # between columns, between rows: two bleeds never overlap a trim
MARK_OFFSET_MM, MARK_LENGTH_MM = 2.5, 3.0  # crop marks start beyond the bleed


def card_slots() -> list[tuple[float, float]]:
    """Lower-left corners (pt) of the 10 card trims on the A4 sheet, row by row from the top.

    The grid is centred on the sheet, so the back side lands behind the front side when
    the sheet is printed duplex (either edge), and every card's back is its own front's.
    """
    width, height = CARD_MM[0] * MM, CARD_MM[1] * MM
    gap_x, gap_y = CARD_GAP_MM[0] * MM, CARD_GAP_MM[1] * MM
    grid_w = CARD_COLUMNS * width + (CARD_COLUMNS - 1) * gap_x
    grid_h = CARD_ROWS * height + (CARD_ROWS - 1) * gap_y
    x0 = (A4_PORTRAIT[0] - grid_w) / 2
    top = (A4_PORTRAIT[1] + grid_h) / 2
    return [(x0 + col * (width + gap_x), top - (row + 1) * height - row * gap_y)
            for row in range(CARD_ROWS) for col in range(CARD_COLUMNS)]


def _crop_marks(slots) -> bytes:
    """Thin registration-black lines on the sheet's margins, in line with every trim edge."""
    width, height = CARD_MM[0] * MM, CARD_MM[1] * MM
    off, length = MARK_OFFSET_MM * MM, MARK_LENGTH_MM * MM
    xs = sorted({round(x, 3) for x, _ in slots} | {round(x + width, 3) for x, _ in slots})
    ys = sorted({round(y, 3) for _, y in slots} | {round(y + height, 3) for _, y in slots})
    left, right = min(xs), max(xs)
    bottom, top = min(ys), max(ys)
    lines = []
    for x in xs:  # vertical cuts: marks above and below the grid
        lines.append((x, top + off, x, top + off + length))
        lines.append((x, bottom - off, x, bottom - off - length))
    for y in ys:  # horizontal cuts: marks left and right of the grid
        lines.append((left - off, y, left - off - length, y))
        lines.append((right + off, y, right + off + length, y))
    ops = ["q 0.25 w 0 0 0 1 K"]
    ops += [f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S" for a, b, c, d in lines]
    ops.append("Q")
    return "\n".join(ops).encode() + b"\n"


def impose_cards(card_pdf: bytes) -> bytes:
    """An A4 sheet of 10 wallet cards per side from a 2-page card PDF rendered with bleed.

    Page 1 of the sheet carries 10 fronts, page 2 the 10 backs. Each card keeps its bleed
    (the front's blue runs 2 mm past the trim); crop marks mark every cut. The sheet's own
    TrimBox and BleedBox are the A4 page; each card's trim and bleed rectangle on the sheet
    is recorded in the page's /PieceInfo (PDF 1.3 page-piece dictionary, `/Leaflet`).
    """
    from pypdf import PdfWriter, Transformation
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject,
                               FloatObject, NameObject, RectangleObject, TextStringObject)

    source = PdfWriter(clone_from=io.BytesIO(card_pdf))
    if len(source.pages) != 2:
        raise ValueError(f"a wallet card has 2 pages, not {len(source.pages)}")
    boxes = []
    for page in source.pages:  # clip each side to its bleed box: no marks of its own leak
        bleed = _clip_to(page, "/BleedBox")
        boxes.append(([float(v) for v in page.get("/TrimBox", page.mediabox)], bleed))
    slots = card_slots()
    writer = PdfWriter()
    sheet_w, sheet_h = A4_PORTRAIT
    bleed_pt = CARD_BLEED_MM * MM
    for side, page in enumerate(source.pages):
        trim, _bleed = boxes[side]
        sheet = writer.add_blank_page(width=sheet_w, height=sheet_h)
        cards = ArrayObject()
        for x, y in slots:
            sheet.merge_transformed_page(page, Transformation().translate(x - trim[0],
                                                                          y - trim[1]))
            w, h = trim[2] - trim[0], trim[3] - trim[1]
            cards.append(DictionaryObject({
                NameObject("/TrimBox"): RectangleObject([x, y, x + w, y + h]),
                NameObject("/BleedBox"): RectangleObject(
                    [x - bleed_pt, y - bleed_pt, x + w + bleed_pt, y + h + bleed_pt]),
            }))
        marks = DecodedStreamObject()
        marks.set_data(_crop_marks(slots))
        contents = sheet.get_contents()
        combined = DecodedStreamObject()
        combined.set_data((contents.get_data() if contents is not None else b"")
                          + b"\n" + marks.get_data())
        sheet.replace_contents(combined)
        sheet[NameObject("/TrimBox")] = RectangleObject([0, 0, sheet_w, sheet_h])
        sheet[NameObject("/BleedBox")] = RectangleObject([0, 0, sheet_w, sheet_h])
        sheet[NameObject("/PieceInfo")] = DictionaryObject({
            NameObject("/Leaflet"): DictionaryObject({
                NameObject("/LastModified"): TextStringObject("D:19970113000000Z"),
                NameObject("/Private"): DictionaryObject({
                    NameObject("/Side"): NameObject("/Front" if side == 0 else "/Back"),
                    NameObject("/Cards"): cards,
                    NameObject("/CardBleed"): FloatObject(bleed_pt),
                }),
            }),
        })
    title = (source.metadata or {}).get("/Title", "wallet card")
    writer.add_metadata({"/Title": title, "/Producer": "leaflet (pypdf imposition)"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def card_bleed_pdf(card_html: str, base_url: str) -> bytes:
    """The wallet card rendered with its bleed, for the print sheet."""
    import weasyprint

    bleed = weasyprint.CSS(string=f"@page {{ bleed: {CARD_BLEED_MM}mm; }}")
    return weasyprint.HTML(string=card_html, base_url=base_url).write_pdf(stylesheets=[bleed])


def write_card_sheet(card_html: str, base_url: str, a5_pdf: Path, rtl: bool) -> dict:
    """Write `print/<lang>-cards-a4.pdf` (10 wallet cards per side); its manifest entry."""
    import hashlib

    from leaflet.files import write_atomic

    del rtl  # a card is not bound: its two sides are the same in either direction
    dest = a5_pdf.parent / "print" / f"{a5_pdf.stem}-cards-a4.pdf"
    content = impose_cards(card_bleed_pdf(card_html, base_url))
    write_atomic(dest, content)
    return {"pdf": f"print/{dest.name}", "sha256": hashlib.sha256(content).hexdigest(),
            "bytes": len(content), "cards": CARD_COLUMNS * CARD_ROWS}
