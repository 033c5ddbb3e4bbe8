"""Edition 3: the corrected statements, every right of the victim (and the page of rights in
short), every number from leaflet.toml, full pages at the size the build found, and the wallet
card. Read from the built PDFs, as a reader, a print shop or an auditor would."""

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


CENTRES = ("pag-asa", "payoke", "surya")
PAGES = 12


def long_numbers(data: dict) -> dict[str, str]:
    """Every number of 8 digits or more the leaflet prints, by name, as leaflet.toml holds it:
    the helpline in its national form only, the centres in both forms."""
    numbers = {"helpline": phone(data, "helpline"),
               "Guardianship Service": phone(data, "guardianship")}
    for centre in CENTRES:
        numbers[centre] = phone(data, centre)
        numbers[f"{centre} abroad"] = phone(data, centre, "phone_international")
    return numbers


def numbers_seen(pdf, pages: int, min_digits: int = 8) -> set[str]:
    return {n for page in range(pages) for n in visual_phone_numbers(pdf, page, min_digits)}


# --- content ----------------------------------------------------------------------------

CONTENT_POINTS = {
    "signs": ["Does this happen to you?", "not what you were promised", "little or no pay",
              "You are made to work to pay back a debt or the cost of your journey",
              "threatens you or your family", "taken your passport", "not free to come and go",
              "live where you work",
              "If more than one of these is true, you may be a victim"],
    "non-punishment": ["It is not your fault", "Since 2019",
                       "should not be punished for offences they were forced to commit"],
    "rights": ["Your rights", "even before you decide anything", "An interpreter", "A lawyer",
               "free legal aid", "Protection of your identity",
               "Nobody should publish anything that shows who you are"],
    "the first 45 days need no cooperation": [
        "The first 45 days and their document (annexe 15) depend only on your contact with "
        "a support centre",
        "During those days you decide whether you want to cooperate with the police",
        "Only the residence documents after that depend on your cooperation"],
    "contacting a centre": ["When you contact a centre", "without giving your name",
                            "do not have to go to the police first", "Nobody forces you",
                            "It is normal to need time"],
    "asylum": ["ask for international protection (asylum)", "recognised as refugees",
               "Ask the centre or a lawyer first"],
    "protection": ["Protection", "afraid of revenge", "If you give evidence",
                   "You can ask a judge for measures that protect you",
                   "The judge decides", "that your name is kept secret",
                   "heard by video, or in another room, without the accused",
                   "witness protection", "A commission decides",
                   "A child's hearing can be filmed", "A trusted adult may come"],
    "residence steps": ["Getting out of the exploitation", "Reflection period: 45 days",
                        "a paper that lets you stay (annexe 15)", "you are not sent away",
                        "The centre explains what applies to you",
                        "Residence document for 3 months", "temporary residence card for 6 "
                        "months", "when the offender is convicted", "the prosecutor asks"],
    "living": ["Living while the procedure runs", "CPAS / OCMW", "can pay your medical costs",
               "You may also get money to live",
               "as long as places are free", "They treat what you tell them as confidential"],
    "under 18": ["Under 18?", "you get a guardian", "comes with you to every hearing",
                 "Guardianship Service, day and night",
                 "You get a residence document for 3 months straight away", "Esperanto",
                 "Meza (Minor-Ndako) for girls from 14 to 18",
                 "you should be treated as a child while it is checked", "medical test",
                 "asked to agree", "the youngest possible age counts"],
    "compensation": ["Compensation", "civil party", "partie civile / burgerlijke partij",
                     "with or without a lawyer, until the end of the trial",
                     "Commission for Financial Aid to Victims",
                     "whatever your nationality or papers", "There are time limits"],
    "papers and return": ["keep it safe and show it to the centre",
                          "Returning to your country", "International Organization for "
                                                       "Migration"],
    "centres": ["PAG-ASA", "Payoke", "Sürya", "You can contact the three centres at any time",
                "If you cannot reach a centre, call the helpline"],
}
# What edition 2 said and edition 3 must not: wrong, promised more than the facts hold, or
# rested on a U fact (the review of 2026-12-07).
WITHDRAWN = [
    "the residence documents described in this leaflet depend on your cooperation",
    "From a foreign phone: +32 78 055 800", "+32 78 055 800",
    "What happens when you call", "If one or more of these is true",
    "You have not done anything wrong", "It is against the law to publish",
    "What you tell them stays confidential", "Choose the one you prefer",
    "the reflection period may be 3 months", "Leaving.", "24 hours a day, 7 days a week",
    "You must work to pay back", "Going home", "Help is free.",
]
SUMMARY = ["Help from a support centre.", "Time to think.", "Not punished.", "An interpreter",
           "A lawyer.", "Protection.", "A place to stay and care.", "Compensation",
           "Asylum.", "Under 18:", "Returning to your country"]


def _page_texts(pdf) -> list[str]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    texts = [squash(page.get_textpage().get_text_range()) for page in document]
    document.close()
    return texts


def test_the_english_leaflet_states_each_corrected_statement_and_each_right(built):
    ws, _ = built
    pdf = ws / "output" / EDITION / "en.pdf"
    text = squash(pdf_text(pdf))
    missing = {point: [p for p in phrases if squash(p) not in text]
               for point, phrases in CONTENT_POINTS.items()}
    assert not any(missing.values()), missing
    said = [old for old in WITHDRAWN if squash(old) in text]
    assert said == [], said
    pages = _page_texts(pdf)
    assert len(pages) == PAGES
    front = pages[0]
    data = toml_data()
    assert squash("It should answer day and night.") in front  # M: "should"
    assert squash("From a foreign phone, call a support centre:") in front
    assert {phone(data, c, "phone_international") for c in CENTRES} <= numbers_seen(pdf, 1)
    assert squash("In danger now?") in front
    assert {phone(data, "emergency"), phone(data, "police")} <= numbers_seen(pdf, 1, 3)
    # the centres, each with both its numbers, on one page, the helpline beside them
    page = next(i for i, t in enumerate(pages) if squash("Contact a support centre") in t)
    assert {phone(data, c) for c in CENTRES} | {phone(data, c, "phone_international")
                                                for c in CENTRES} | {
        phone(data, "helpline")} <= set(visual_phone_numbers(pdf, page))
    # The old sentence could be read as the reader's own conviction.
    assert squash("after a conviction") not in text
    # No deadline for compensation is printed while the sources disagree.
    assert not re.search(r"\b[35] years\b", text)


def test_the_rights_in_short_are_one_numbered_page_before_the_detail(built):
    ws, _ = built
    pages = _page_texts(ws / "output" / EDITION / "en.pdf")
    summary = next(i for i, t in enumerate(pages) if squash("Your rights in short") in t)
    detail = next(i for i, t in enumerate(pages) if squash("In Belgium, victims of human "
                                                              "trafficking have these rights")
                  in t)
    assert summary < detail
    text = pages[summary]
    assert [item for item in SUMMARY if squash(item) not in text] == []
    positions = [text.index(squash(item)) for item in SUMMARY]
    assert positions == sorted(positions)
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(ws / "output" / EDITION / "en.pdf"))
    raw = document[summary].get_textpage().get_text_range()
    document.close()
    assert re.findall(r"^\s*(\d+)\.", raw, flags=re.M)[:11] == [str(n) for n in range(1, 12)]
    assert squash("If you are not sure, ask a support centre.") in text


def test_every_qr_code_encodes_only_what_is_established(built):
    """The helpline QR dials the number as printed (its +32 form from abroad is U); the
    website is per language: French, Dutch, then the English root for every other."""
    ws, manifest = built
    data = toml_data()
    helpline = "tel:" + re.sub(r"\D", "", phone(data, "helpline"))
    for code, entry in manifest["languages"].items():
        assert entry["qr"]["helpline"] == helpline == "tel:078055800", code
    sites = {code: entry["qr"]["website"] for code, entry in manifest["languages"].items()}
    assert sites["fr"] == "https://www.stoptraite.be"
    assert sites["nl"] == "https://www.stopmensenhandel.be"
    assert {sites[c] for c in sites if c not in ("fr", "nl")} == {
        "https://www.stophumantrafficking.be"}
    assert sorted(qr_payloads(ws / "output" / EDITION / "en.pdf", dpi=200)) == sorted(
        [helpline, "https://www.stophumantrafficking.be"])


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


# One language per script and direction: the numbers come from leaflet.toml through the one
# template every language shares, so these stand for the other 24 (which `built` covers).
BY_SCRIPT = ["en", "ru", "el", "ar", "ur", "ti", "zh-Hans", "th", "hi", "bn"]


@pytest.mark.slow
def test_a_number_changed_in_leaflet_toml_changes_in_the_pdf_of_every_script(tmp_path):
    ws = copy_workspace(tmp_path / "ws", languages=BY_SCRIPT)
    toml = ws / "leaflet.toml"
    changes = {"04 232 40 30": "04 232 40 39", "+32 4 232 40 30": "+32 4 232 40 39"}
    text = toml.read_text(encoding="utf-8")
    for old, new in changes.items():  # both forms: the build refuses two different numbers
        assert text.count(f'"{old}"') == 1
        text = text.replace(f'"{old}"', f'"{new}"')
    toml.write_text(text, encoding="utf-8")
    result = invoke(ws, "build")
    assert result.exit_code == 0, result.output
    out = ws / "output" / EDITION
    for code in BY_SCRIPT:
        seen = numbers_seen(out / f"{code}.pdf", PAGES)
        for old, new in changes.items():
            assert new in seen and old not in seen, (code, old, seen)


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
    assert len(pages) == PAGES
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
    assert qr_payloads(pdf, dpi=300) == ["tel:078055800"]
    fonts = pdf_fonts(pdf)
    assert fonts and all(fonts.values()), fonts
    data = toml_data()
    assert phone(data, "helpline") in visual_phone_numbers(pdf, 0)
    assert {phone(data, "emergency"), phone(data, "police")} <= set(
        visual_phone_numbers(pdf, 0, 3))
    back = set(visual_phone_numbers(pdf, 1)) | set(visual_phone_numbers(pdf, 1, 3))
    assert {phone(data, "guardianship")} | {
        phone(data, c, "phone_international") for c in CENTRES} <= back, back
    assert "+32 78 055 800" not in back  # the helpline's +32 form is U: never printed


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
        assert qr_payloads(sheet, dpi=300).count("tel:078055800") == 10


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


def test_a_fact_at_confidence_u_never_reaches_a_release(tmp_path):
    """A detail marked U (not established) warns in a draft and stops a release, even with
    --allow-unverified, which lets M details through; it cannot claim a verified-on date."""
    ws = copy_workspace(tmp_path / "ws", languages=["en"])
    toml = ws / "leaflet.toml"
    text = toml.read_text(encoding="utf-8")
    anchor = 'phone = { value = "078 055 800"'
    assert text.count(anchor) == 1
    unconfirmed = ('phone_international = { value = "+32 78 055 800", source = "test", '
                   'verified_on = "", confidence = "U" }\n')
    line_end = text.index("\n", text.index(anchor)) + 1
    toml.write_text(text[:line_end] + unconfirmed + text[line_end:], encoding="utf-8")
    check = invoke(ws, "check", "--lang", "en", "--no-layout")
    assert check.exit_code == 0, check.output
    assert "DATA-UNCONFIRMED: warning: helpline.phone_international" in check.output
    from conftest import mark_reviewed

    mark_reviewed(ws, "en")  # a reviewed language: only the data can stop the release
    release = invoke(ws, "build", "--release", "--allow-unverified")
    assert release.exit_code == 1
    assert "confidence U" in release.output and "helpline.phone_international" in release.output
    assert not list((ws / "output").rglob("*.pdf"))
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'verified_on = "", confidence = "U"', 'verified_on = 2026-12-01, confidence = "U"'),
        encoding="utf-8")
    refused = invoke(ws, "check", "--lang", "en", "--no-layout")
    assert refused.exit_code == 1 and "cannot be verified_on a date" in refused.output


def test_the_shipped_data_holds_no_fact_at_u():
    """The helpline's +32 form and its cost are U in the facts sheet: not in leaflet.toml."""
    data = toml_data()
    helpline = data["organisations"]["helpline"]
    assert set(helpline) - {"name", "kind", "city"} == {"phone"}
    details = [d for org in data["organisations"].values() for d in org.values()
               if isinstance(d, dict)]
    assert all(d.get("confidence") != "U" for d in details)
