"""Edition 2: every right of the victim, every number from leaflet.toml, full pages, and the
wallet card. Read from the built PDFs, as a reader, a print shop or an auditor would."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
import unicodedata

import pytest

from conftest import EDITION, ROOT, configured_languages, copy_workspace, invoke
from pdfutil import (body_metrics, contains_text, page_count, pdf_fonts, pdf_text, qr_payloads,
                     squash, visual_phone_numbers)

LANGUAGES = configured_languages()
RTL = ["ar", "fa", "ur", "ps"]
MM = 72 / 25.4


def toml_data() -> dict:
    return tomllib.loads((ROOT / "leaflet.toml").read_text(encoding="utf-8"))


def phone(data: dict, org: str, key: str = "phone") -> str:
    return data["organisations"][org][key]["value"]


def long_numbers(data: dict) -> dict[str, str]:
    """Every number of 8 digits or more the leaflet prints, by name, as leaflet.toml holds it."""
    return {"helpline": phone(data, "helpline"),
            "helpline abroad": phone(data, "helpline", "phone_international"),
            "Guardianship Service": phone(data, "guardianship"),
            "PAG-ASA": phone(data, "pag-asa"), "Payoke": phone(data, "payoke"),
            "Sürya": phone(data, "surya")}


def numbers_seen(pdf, pages: int, min_digits: int = 8) -> set[str]:
    return {n for page in range(pages) for n in visual_phone_numbers(pdf, page, min_digits)}


# --- content ----------------------------------------------------------------------------

CONTENT_POINTS = {
    "1 signs checklist": ["Does this happen to you?", "not what you were promised",
                          "little or no pay", "pay back a debt or the cost of your journey",
                          "threatens you or your family", "taken your passport",
                          "not free to come and go", "live where you work",
                          "If one or more of these is true, you may be a victim"],
    "2 non-punishment": ["You have not done anything wrong", "Since 2019",
                         "should not be punished for offences they were forced to commit"],
    "3 rights": ["Your rights", "even before you decide anything", "An interpreter",
                 "A lawyer", "free legal aid", "Compensation", "Protection of your identity",
                 "depend on your cooperation with the justice system"],
    "5 under 18": ["Under 18?", "you get a guardian", "Guardianship Service, day and night"],
    "6 when you call": ["without giving your name", "do not have to go to the police first",
                        "Nobody forces you", "It is normal to need time"],
    "7 residence steps": ["Reflection period: 45 days", "temporary residence document",
                          "you are not sent away", "the reflection period may be 3 months",
                          "Residence document for 3 months", "temporary residence card for 6 "
                          "months", "when the offender is convicted", "the prosecutor asks"],
    "8 centres": ["PAG-ASA", "Payoke", "Sürya", "If you cannot reach a centre, call the "
                                                   "helpline"],
}


def test_the_english_leaflet_states_the_eight_content_points(built):
    ws, _ = built
    pdf = ws / "output" / EDITION / "en.pdf"
    text = squash(pdf_text(pdf))
    missing = {point: [p for p in phrases if squash(p) not in text]
               for point, phrases in CONTENT_POINTS.items()}
    assert not any(missing.values()), missing
    # 4: in danger now, on the front page, with the numbers from leaflet.toml.
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    front = squash(document[0].get_textpage().get_text_range())
    document.close()
    data = toml_data()
    assert squash("In danger now?") in front
    assert {phone(data, "emergency"), phone(data, "police")} <= numbers_seen(pdf, 1, 3)
    # 8: each centre with its phone number, the helpline on the same page.
    assert {phone(data, c) for c in ("pag-asa", "payoke", "surya")} | {
        phone(data, "helpline")} <= set(visual_phone_numbers(pdf, 6))
    # The old sentence could be read as the reader's own conviction.
    assert squash("after a conviction") not in text


# --- every number from leaflet.toml, in every language ---------------------------------

@pytest.mark.parametrize("code", LANGUAGES)
def test_every_leaflet_prints_every_number_as_leaflet_toml_holds_it(built, code):
    ws, manifest = built
    pdf = ws / "output" / EDITION / f"{code}.pdf"
    data = toml_data()
    seen = numbers_seen(pdf, manifest["languages"][code]["pages"])
    missing = {name: n for name, n in long_numbers(data).items() if n not in seen}
    assert not missing, f"{code}: not printed as in leaflet.toml: {missing}; seen {seen}"
    short = numbers_seen(pdf, 1, 3)  # 112 and 101 on the front page
    assert {phone(data, "emergency"), phone(data, "police")} <= short, (code, short)


@pytest.mark.parametrize("code", RTL)
def test_in_right_to_left_leaflets_every_number_runs_left_to_right(built, code):
    """Digits read by their position on the page, left to right: a number shown reversed
    (or its groups swapped) in a right-to-left line would not match leaflet.toml."""
    ws, manifest = built
    assert manifest["languages"][code]["direction"] == "rtl"
    data = toml_data()
    expected = set(long_numbers(data).values())
    for name in ("leaflet", "card"):
        pdf = ws / "output" / EDITION / (f"{code}.pdf" if name == "leaflet"
                                         else f"card-{code}.pdf")
        pages = page_count(pdf)
        seen = numbers_seen(pdf, pages)
        digit_runs = {n for n in seen if re.sub(r"\D", "", n)
                      in {re.sub(r"\D", "", e) for e in expected}}
        assert digit_runs <= expected, f"{code} {name}: printed differently: " \
                                       f"{digit_runs - expected}"
        assert digit_runs, f"{code} {name}: no number found"


def _digits(text: str) -> str:
    return "".join(str(unicodedata.digit(ch)) for ch in text if unicodedata.digit(ch, None)
                   is not None)


def test_no_catalogue_holds_a_contact_number():
    """Numbers reach the text only through placeholders: no msgstr (in any digits) holds
    one, so a number changed in leaflet.toml cannot survive in a translation."""
    data = toml_data()
    numbers = {_digits(n) for n in long_numbers(data).values()}
    numbers |= {_digits(n).removeprefix("32") for n in numbers}  # +32 78 … as 78 …
    numbers |= {n.removeprefix("0") for n in numbers}
    numbers |= {phone(data, "emergency"), phone(data, "police")}
    import polib

    found = []
    for po_path in sorted((ROOT / "translations").glob("*/LC_MESSAGES/leaflet.po")):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            for run in re.findall(r"[\d\s.\-/()]{3,}", entry.msgstr, flags=re.UNICODE):
                if _digits(run) in numbers:
                    found.append(f"{po_path.parent.parent.name}:{entry.linenum}: {run!r}")
    assert not found, found


def test_a_number_changed_in_leaflet_toml_changes_in_every_pdf(tmp_path):
    ws = copy_workspace(tmp_path / "ws")
    toml = ws / "leaflet.toml"
    old, new = "04 232 40 30", "04 232 40 39"
    text = toml.read_text(encoding="utf-8")
    assert text.count(f'"{old}"') == 1
    toml.write_text(text.replace(f'"{old}"', f'"{new}"'), encoding="utf-8")
    result = invoke(ws, "build")
    assert result.exit_code == 0, result.output
    out = ws / "output" / EDITION
    for code in LANGUAGES:
        seen = numbers_seen(out / f"{code}.pdf", 8)
        assert new in seen and old not in seen, (code, seen)


# --- every page used, body text at 9 pt or more ------------------------------------------

def _margins() -> tuple[float, float]:
    css = (ROOT / "templates" / "leaflet.css").read_text(encoding="utf-8")
    top, _right, bottom, _left = re.search(
        r"@page\s*{[^}]*?margin:\s*([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm\s+([\d.]+)mm",
        css).groups()
    return float(top), float(bottom)


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_page_is_at_least_60_percent_full_with_body_text_of_9pt(built, code):
    ws, _ = built
    top, bottom = _margins()
    pages = body_metrics(ws / "output" / EDITION / f"{code}.pdf", top, bottom)
    assert len(pages) == 8
    report = [f"p{n}: {p['fill']:.0%} {p['min_pt']:.1f}pt" for n, p in enumerate(pages, 1)]
    assert all(0.60 <= p["fill"] <= 1.0 for p in pages), f"{code}: {report}"
    assert all(p["min_pt"] >= 9.0 - 0.05 for p in pages), f"{code}: {report}"


def test_the_layout_check_measures_fill_and_text_size():
    """FILL warns about a page under 60 % full; text under 9 pt in a page is an error."""
    import weasyprint

    from leaflet.translation.rules import ERROR, WARNING
    from leaflet.edition.checks.layout import layout_findings, sections_of

    def findings(body: str):
        html = ("<style>@page { size: A5; margin: 10mm }</style>"
                f'<section class="page" id="one">{body}</section>')
        pages = weasyprint.HTML(string=html).render().pages
        return [(f.check, f.severity) for f in layout_findings(pages, sections_of(html),
                                                               "x.po", "xx")]

    assert findings('<p style="font-size: 12pt">Short.</p>') == [("FILL", WARNING)]
    assert findings('<p style="font-size: 12pt; height: 170mm">Full.</p>') == []
    assert ("LAYOUT", ERROR) in findings('<p style="font-size: 8pt; height: 170mm">Tiny.</p>')
    assert findings('<p style="font-size: 12pt; height: 170mm">Full. '
                    '<span style="font-size: 6pt">tiny words</span></p>') == [("LAYOUT", ERROR)]
    # Small print (the card's edition line) is marked as such and is not body text.
    assert findings('<p style="font-size: 12pt; height: 170mm">Full. '
                    '<span class="small" style="font-size: 6pt">ref. 1234</span></p>') == []


# --- the wallet card ---------------------------------------------------------------------

@pytest.mark.parametrize("code", LANGUAGES)
def test_the_wallet_card_is_a_bank_card_that_dials_the_helpline(built, code):
    import pypdfium2 as pdfium

    ws, manifest = built
    pdf = ws / "output" / EDITION / manifest["languages"][code]["card"]["pdf"]
    document = pdfium.PdfDocument(str(pdf))
    sizes = [(page.get_width() / MM, page.get_height() / MM) for page in document]
    document.close()
    assert len(sizes) == 2
    assert all(abs(w - 85.6) < 0.1 and abs(h - 54.0) < 0.1 for w, h in sizes), sizes
    assert qr_payloads(pdf, dpi=300) == ["tel:+3278055800"]
    fonts = pdf_fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    data = toml_data()
    assert phone(data, "helpline") in visual_phone_numbers(pdf, 0)
    assert phone(data, "emergency") in visual_phone_numbers(pdf, 0, 3)
    back = set(visual_phone_numbers(pdf, 1)) | set(visual_phone_numbers(pdf, 1, 3))
    assert {phone(data, "guardianship"), phone(data, "police"),
            phone(data, "helpline", "phone_international")} <= back, back


def test_the_wallet_card_says_it_is_a_draft_like_the_leaflet(built):
    ws, _ = built
    card = ws / "output" / EDITION / "card-fr.pdf"
    assert contains_text(card, "Draft translation, not yet reviewed.")


def test_the_card_print_sheet_holds_ten_cards_with_their_boxes(tmp_path):
    ws = copy_workspace(tmp_path / "ws", languages=["en", "ar"])
    result = invoke(ws, "build", "--print")
    assert result.exit_code == 0, result.output
    manifest = json.loads((ws / "output" / EDITION / "manifest.json").read_text())
    from pypdf import PdfReader

    for code in ("en", "ar"):
        entry = manifest["languages"][code]["print"]["cards"]
        sheet = ws / "output" / EDITION / entry["pdf"]
        assert sheet.name == f"{code}-cards-a4.pdf"
        check = subprocess.run(["qpdf", "--check", str(sheet)], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        reader = PdfReader(str(sheet))
        assert len(reader.pages) == 2  # fronts, backs
        for side, page in enumerate(reader.pages):
            width, height = float(page.mediabox.width), float(page.mediabox.height)
            assert abs(width / MM - 210) < 0.2 and abs(height / MM - 297) < 0.2
            assert [float(v) for v in page["/TrimBox"]] == [0, 0, width, height]
            cards = page["/PieceInfo"]["/Leaflet"]["/Private"]["/Cards"]
            assert len(cards) == 10
            rects = []
            for card in cards:
                trim = [float(v) for v in card["/TrimBox"]]
                bleed = [float(v) for v in card["/BleedBox"]]
                assert abs((trim[2] - trim[0]) / MM - 85.6) < 0.05
                assert abs((trim[3] - trim[1]) / MM - 54.0) < 0.05
                assert all(abs(a - b) / MM - 2.0 < 0.01 for a, b in zip(bleed, trim))
                assert bleed[0] >= 0 and bleed[1] >= 0 and bleed[2] <= width \
                    and bleed[3] <= height
                rects.append((trim, bleed))
            for i, (_, bleed) in enumerate(rects):  # a bleed never reaches another card
                for j, (trim, _) in enumerate(rects):
                    if i != j:
                        assert bleed[2] <= trim[0] + 0.01 or trim[2] <= bleed[0] + 0.01 \
                            or bleed[3] <= trim[1] + 0.01 or trim[3] <= bleed[1] + 0.01
        # Ten cards that dial the helpline, rasterised from the sheet.
        assert qr_payloads(sheet, dpi=300).count("tel:+3278055800") == 10


def test_catalog_update_keeps_one_obsolete_entry_per_message(tmp_path):
    """Updating twice after a msgid left the template must not duplicate its `#~` entry:
    msgfmt (and Poedit, Weblate) refuse a catalogue with two definitions of a message."""
    ws = copy_workspace(tmp_path / "ws", languages=["fr"])
    template = ws / "templates" / "leaflet.html.j2"
    text = template.read_text(encoding="utf-8")
    assert "{% trans %}Medical help.{% endtrans %}" in text
    template.write_text(text.replace("{% trans %}Medical help.{% endtrans %}", ""),
                        encoding="utf-8")
    for _ in range(3):
        assert invoke(ws, "catalog", "extract").exit_code == 0
        assert invoke(ws, "catalog", "update").exit_code == 0
    po = ws / "translations" / "fr" / "LC_MESSAGES" / "leaflet.po"
    assert po.read_text(encoding="utf-8").count('#~ msgid "Medical help."') == 1
    check = subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(po)],
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
