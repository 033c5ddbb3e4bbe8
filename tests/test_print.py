"""The coordinator sends print files to a print shop, which takes them as they are."""

from __future__ import annotations

import json
import subprocess

import pytest

from conftest import EDITION, copy_workspace, invoke

MM = 72 / 25.4


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    ws = copy_workspace(tmp_path_factory.mktemp("print") / "ws", languages=["en", "ar"])
    result = invoke(ws, "build", "--print")
    assert result.exit_code == 0, result.output
    out = ws / "output" / EDITION
    return out, json.loads((out / "manifest.json").read_text())


def boxes(path):
    from pypdf import PdfReader

    page = PdfReader(str(path)).pages[0]
    return [float(v) for v in page["/TrimBox"]], [float(v) for v in page["/BleedBox"]]


def test_a5_print_file_has_trim_bleed_and_crop_marks(printed):
    out, _ = printed
    pdf = out / "print" / "en-a5.pdf"
    trim, bleed = boxes(pdf)
    assert abs((trim[2] - trim[0]) - 148 * MM) < 0.1 and abs((trim[3] - trim[1]) - 210 * MM) < 0.1
    for side in range(2):
        assert abs((trim[side] - bleed[side]) - 3 * MM) < 0.05
        assert abs((bleed[side + 2] - trim[side + 2]) - 3 * MM) < 0.05
    # Crop marks: dark strokes in the bleed zone of an inside page (white background),
    # where nothing else is drawn.
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    image = document[1].render(scale=150 / 72).to_pil().convert("L")
    document.close()
    bleed_px = int(3 * 150 / 25.4)  # the marks extend the trim lines into the bleed
    corner = image.crop((0, 0, bleed_px + 2, bleed_px))
    assert corner.getextrema()[0] < 100, "no crop mark in the top-left bleed corner"
    middle = image.crop((image.width // 2 - 20, 0, image.width // 2 + 20, bleed_px))
    assert middle.getextrema()[0] > 200, "only the corners carry marks"


def test_backgrounds_run_into_the_bleed(printed):
    out, _ = printed
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(out / "print" / "en-a5.pdf"))
    image = document[0].render(scale=150 / 72).to_pil().convert("RGB")
    document.close()
    # The middle of the left bleed strip of the front page is the front's deep blue.
    r, g, b = image.getpixel((2, image.height // 2))
    assert b > 80 and r < 40, (r, g, b)


def test_every_print_file_passes_qpdf_check(printed):
    out, manifest = printed
    files = sorted((out / "print").glob("*.pdf"))
    assert len(files) == 8  # per language: A5, booklet, PDF/A, wallet card sheet
    for path in files:
        done = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, (path.name, done.stdout, done.stderr)
    for code in ("en", "ar"):
        entries = manifest["languages"][code]["print"]
        assert set(entries) == {"a5", "booklet", "pdfa", "cards"}


def test_pdfa_variant_declares_pdfa_2b_with_an_output_intent(printed):
    from pypdf import PdfReader

    out, _ = printed
    reader = PdfReader(str(out / "print" / "ar-pdfa.pdf"))
    root = reader.trailer["/Root"]
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="2"' in xmp and 'pdfaid:conformance="B"' in xmp


def side_texts(pdf, sheet_side):
    """The text on the left and right halves of one imposed sheet side."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    page = document[sheet_side]
    width, height = page.get_size()
    text = page.get_textpage()
    halves = (text.get_text_bounded(0, 0, width / 2, height).strip(),
              text.get_text_bounded(width / 2, 0, width, height).strip())
    document.close()
    return halves


def numbered_a5(pages: int) -> bytes:
    import weasyprint

    body = "".join(f'<section style="break-after: page">PAGE-{n}</section>'
                   for n in range(1, pages + 1))
    return weasyprint.HTML(string=f"<style>@page {{ size: A5; bleed: 3mm; marks: crop }}"
                                  f"</style>{body}").write_pdf()


def test_an_eight_page_booklet_is_imposed_8_1_2_7_6_3_4_5(tmp_path):
    from leaflet.edition.printing import impose_booklet

    imposed, blanks = impose_booklet(numbered_a5(8))
    pdf = tmp_path / "booklet.pdf"
    pdf.write_bytes(imposed)
    order = [side_texts(pdf, i) for i in range(4)]
    assert order == [("PAGE-8", "PAGE-1"), ("PAGE-2", "PAGE-7"),
                     ("PAGE-6", "PAGE-3"), ("PAGE-4", "PAGE-5")]
    assert blanks == 0
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True).returncode == 0


def test_a_page_count_not_a_multiple_of_four_gets_blank_pages(tmp_path):
    from leaflet.edition.printing import impose_booklet

    imposed, blanks = impose_booklet(numbered_a5(6))
    pdf = tmp_path / "booklet.pdf"
    pdf.write_bytes(imposed)
    assert blanks == 2
    assert side_texts(pdf, 0) == ("", "PAGE-1")


def test_right_to_left_booklets_bind_on_the_other_edge(printed, tmp_path):
    out, _ = printed
    ltr, rtl = (tuple(t.replace("\u00a0", " ") for t in side_texts(
        out / "print" / f"{c}-a4-booklet.pdf", 0)) for c in ("en", "ar"))
    # The outer side carries the back page (12) and the front cover (1): of the two, only
    # the cover has a centre's number in +32 form ("From a foreign phone").
    abroad = "+32 2 511 64 64"
    assert abroad in ltr[1] and abroad not in ltr[0]  # cover right
    assert abroad in rtl[0] and abroad not in rtl[1]  # cover left


def test_print_files_are_rebuilt_only_when_missing_or_changed(printed):
    out, manifest = printed
    ws = out.parent.parent
    again = invoke(ws, "build", "--print")
    assert again.exit_code == 0 and "0 rendered" in again.output, again.output
    (out / "print" / "en-a4-booklet.pdf").unlink()
    repaired = invoke(ws, "build", "--print")
    assert "1 rendered" in repaired.output, repaired.output
    new = json.loads((out / "manifest.json").read_text())
    assert new["languages"]["en"]["print"] == manifest["languages"]["en"]["print"]
