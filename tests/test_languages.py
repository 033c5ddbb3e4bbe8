"""Thirty-four languages in nine scripts, right-to-left where they should be, and a 35th
language added with no Python change."""

from __future__ import annotations

import json
import re
import subprocess

import polib
import pytest

from conftest import EDITION, ROOT, configured_languages, copy_workspace, invoke
from pdfutil import pdf_fonts

MM = 72 / 25.4
SIDE_MARGIN_MM = 12  # templates/leaflet.css: @page margin, left and right
RTL = ["ar", "fa", "ps", "ur"]


def test_thirty_four_languages_in_nine_scripts():
    result = invoke(ROOT, "languages", "--json")
    assert result.exit_code == 0, result.output
    rows = {row["code"]: row for row in json.loads(result.stdout)}
    assert len(rows) == 34 and list(rows) == configured_languages()
    assert {row["script"] for row in rows.values()} == {
        "Latn", "Cyrl", "Grek", "Arab", "Ethi", "Hans", "Thai", "Deva", "Beng"}
    assert sorted(c for c, row in rows.items() if row["direction"] == "rtl") == sorted(RTL)
    assert rows["ur"]["fonts"][0] == "Noto Nastaliq Urdu"
    assert rows["ti"]["autonym"] == "ትግርኛ" and rows["ti"]["english_name"] == "Tigrinya"
    assert all(row["review_status"] == "draft" for row in rows.values())
    assert all(row["translated_percent"] == 100.0 for row in rows.values())


def headline_px(pdf, code: str) -> float:
    """templates/leaflet.css: .front .headline { font-size: 1.92rem }, where the rem is the
    language's text size the build found (the manifest beside the PDF); the PDF draws in
    CSS px."""
    manifest = json.loads((pdf.parent / "manifest.json").read_text(encoding="utf-8"))
    size = manifest["languages"][code]["text_size"]
    return 1.92 * size * 4 / 3


def headline_extent(pdf, code: str) -> tuple[float, float]:
    """Leftmost and rightmost x of the headline's characters on page 1 (pdfium, in pt).

    The headline is found by its font size. pdfium works in PDF user space, where the
    trim box starts at x = 0; it copes with Nastaliq, whose glyphs poppler mis-places.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(str(pdf))
    try:
        text = document[0].get_textpage()
        boxes = [text.get_charbox(i) for i in range(text.count_chars())
                 if abs(raw.FPDFText_GetFontSize(text.raw, i) - headline_px(pdf, code)) < 0.5]
    finally:
        document.close()
    boxes = [(left, right) for left, _, right, _ in boxes if right > left]
    return min(b[0] for b in boxes), max(b[1] for b in boxes)


def poppler_lines(pdf):
    """(xMin, xMax) of each line of page 1's first text block, as poppler lays it out."""
    xml = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox-layout", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    block = xml.split("<block", 2)[1]
    return [(float(a), float(b)) for a, b in
            re.findall(r'<line xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', block)]


def content_edges(pdf, origin: str):
    """Left and right edges of the page's content box, measured from `origin`."""
    from pypdf import PdfReader

    page = PdfReader(str(pdf)).pages[0]
    trim = [float(v) for v in page["/TrimBox"]]
    shift = -float(page.mediabox.left) if origin == "media" else 0.0
    return trim[0] + shift + SIDE_MARGIN_MM * MM, trim[2] + shift - SIDE_MARGIN_MM * MM


@pytest.mark.parametrize("code", RTL + ["en"])
def test_headline_is_aligned_to_the_reading_side(built, code):
    ws, _ = built
    pdf = ws / "output" / EDITION / f"{code}.pdf"
    leftmost, rightmost = headline_extent(pdf, code)
    left, right = content_edges(pdf, "trim")
    if code in RTL:
        # Nastaliq's last stroke may swash a little past its advance, into the margin.
        assert abs(rightmost - right) < (4 if code == "ur" else 2), (rightmost, right)
        assert leftmost > left + 2 * MM, "a right-aligned headline is ragged on the left"
    else:  # the control: left-to-right text hangs from the left margin
        assert abs(leftmost - left) < 2, (leftmost, left)
    if code in ("ar", "fa", "ps"):  # where poppler can split lines: each one ends right
        left, right = content_edges(pdf, "media")
        lines = poppler_lines(pdf)
        assert len(lines) >= 2 and all(abs(x_max - right) < 2 for _, x_max in lines), lines


TAMIL = {
    "You may be a victim of human trafficking. You are not alone.":
        "நீங்கள் மனித கடத்தலுக்கு ஆளாகியிருக்கலாம். நீங்கள் தனியாக இல்லை.",
}


def test_a_35th_language_in_a_new_script_needs_no_python_change(tmp_path):
    """Tamil: no fonts.toml entry for its script; fontconfig finds Noto Sans Tamil."""
    ws = copy_workspace(tmp_path / "ws", languages=["en", "ta"])
    result = invoke(ws, "catalog", "init", "ta")
    assert result.exit_code == 0, result.output
    path = ws / "translations" / "ta" / "LC_MESSAGES" / "leaflet.po"
    po = polib.pofile(str(path))
    for entry in po:
        # A stand-in text in Tamil script that keeps every tag and placeholder of the English.
        entry.msgstr = TAMIL.get(entry.msgid) or "".join(
            part if re.fullmatch(r"<[^>]*>|%\(\w+\)s|\s*", part) else "தமிழ் உரை"
            for part in re.split(r"(<[^>]*>|%\(\w+\)s)", entry.msgid))
    po.save()
    rows = {r["code"]: r for r in json.loads(invoke(ws, "languages", "--json").stdout)}
    assert rows["ta"]["script"] == "Taml" and rows["ta"]["fonts"][0] == "Noto Sans Tamil"
    checked = invoke(ws, "check", "--lang", "ta")
    assert checked.exit_code == 0, checked.output
    built = invoke(ws, "build", "--lang", "ta")
    assert built.exit_code == 0, built.output
    fonts = pdf_fonts(ws / "output" / EDITION / "ta.pdf")
    assert any(name.startswith("Noto-Sans-Tamil") for name in fonts), fonts
    assert all(fonts.values())


def test_a_language_no_installed_font_covers_is_refused_clearly(tmp_path):
    """With fontconfig seeing no font at all, a script without a registry entry is refused
    with a message that says what to install (run in a subprocess: fontconfig is global)."""
    import sys

    ws = copy_workspace(tmp_path / "ws", languages=["en", "ka"])
    conf = tmp_path / "fonts.conf"
    conf.write_text('<?xml version="1.0"?><fontconfig><cachedir>' + str(tmp_path / "cache")
                    + "</cachedir></fontconfig>")
    env = {**__import__("os").environ, "FONTCONFIG_FILE": str(conf)}
    done = subprocess.run([sys.executable, "-m", "leaflet", "-w", str(ws), "build", "--lang",
                           "ka"], capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 1, done.stderr
    assert "no installed Noto font covers language 'ka'" in done.stderr
    assert "fonts-noto" in done.stderr
    assert not (ws / "output" / EDITION).exists()
