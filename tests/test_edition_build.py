"""The coordinator builds every leaflet: one PDF per language, a manifest, and no surprises."""

from __future__ import annotations

import datetime
import json
import re

import polib
import pytest

from conftest import (EDITION, EDITION_DATE, ROOT, cli_imports, configured_languages,
                      copy_workspace, invoke, mark_reviewed)
from pdfutil import (contains_headline, contains_text, pdf_fonts, qr_payloads,
                     visual_phone_numbers)

HEADLINE = "You may be a victim of human trafficking. You are not alone."
LANGUAGES = configured_languages()


def translated(ws, locale: str, msgid: str) -> str:
    po = polib.pofile(str(ws / "translations" / locale / "LC_MESSAGES" / "leaflet.po"))
    return po.find(msgid).msgstr


def locale_of(code: str) -> str:
    from leaflet.languages.scripts import gettext_name

    return gettext_name(code)


def test_build_writes_every_language_and_a_manifest(built):
    ws, manifest = built
    assert manifest["edition"] == EDITION and manifest["date"] == EDITION_DATE
    assert sorted(manifest["languages"]) == sorted(LANGUAGES)
    for code, entry in manifest["languages"].items():
        pdf = ws / "output" / manifest["edition"] / entry["pdf"]
        assert pdf.is_file(), code
        assert entry["bytes"] == pdf.stat().st_size
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]) and re.fullmatch(
            r"[0-9a-f]{64}", entry["inputs"])
        assert entry["pages"] == 12, f"{code}: {entry['pages']} pages"
        # the text size the build found for the language (nothing is pinned in leaflet.toml)
        assert 10 <= entry["text_size"] <= 14 and not entry["text_size_pinned"], code
        card = ws / "output" / manifest["edition"] / entry["card"]["pdf"]
        assert card.name == f"card-{code}.pdf" and card.is_file(), code
        assert entry["card"]["pages"] == 2 and entry["card"]["bytes"] == card.stat().st_size
        assert entry["review_status"] in ("draft", "reviewed")


def leaflet_html(ws, code: str) -> tuple[str, str]:
    """The HTML the build renders for `code`, at the text size the build found, and its
    base URL."""
    from leaflet.edition import fitting, plan
    from leaflet.workspace import load_workspace

    workspace = load_workspace(ws)
    job = plan.prepare(workspace, plan.plan(workspace, [code], force=True)[0])[0]
    manifest = json.loads((workspace.output_dir / "manifest.json").read_text())
    html = fitting.with_size(job.html, manifest["languages"][code]["text_size"])
    return html, str(workspace.templates_dir) + "/"


@pytest.mark.parametrize("code", LANGUAGES)
def test_pdf_holds_translated_headline_and_helpline_number(built, code, tmp_path):
    ws, manifest = built
    pdf = ws / "output" / EDITION / f"{code}.pdf"
    headline = translated(ws, locale_of(code), HEADLINE)
    assert headline and (code == "en" or headline != HEADLINE), "no English fallback"
    assert contains_headline(pdf, headline, *leaflet_html(ws, code), tmp_path), \
        f"{code}: headline {headline!r} not in the PDF text"
    assert contains_text(pdf, "078 055 800"), f"{code}: helpline number missing"
    assert contains_text(pdf, "+32 2 511 64 64"), f"{code}: a centre's +32 number missing"


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_font_is_embedded_and_is_the_registry_face(built, code):
    ws, manifest = built
    fonts = pdf_fonts(ws / "output" / EDITION / f"{code}.pdf")
    assert fonts, code
    assert all(fonts.values()), f"{code}: not embedded: {[n for n, e in fonts.items() if not e]}"
    families = [f.replace(" ", "-") for f in manifest["languages"][code]["fonts"]]
    for name in fonts:
        assert any(name.startswith(family) for family in families), \
            f"{code}: font {name} is not one of {families} (fontconfig fallback?)"


@pytest.mark.parametrize("code, family", [("ar", "Noto-Sans-Arabic"),
                                          ("zh-Hans", "Noto-Sans-CJK-SC"),
                                          ("th", "Noto-Sans-Thai")])
def test_scripts_use_their_noto_face(built, code, family):
    ws, _ = built
    names = pdf_fonts(ws / "output" / EDITION / f"{code}.pdf")
    assert any(name.startswith(family) for name in names), names


@pytest.mark.parametrize("code", LANGUAGES)
def test_qr_codes_decode_to_their_configured_payloads(built, code):
    ws, manifest = built
    found = qr_payloads(ws / "output" / EDITION / f"{code}.pdf", dpi=150)
    expected = manifest["languages"][code]["qr"]
    assert sorted(found) == sorted(expected.values())
    assert expected["helpline"] == "tel:078055800"  # as printed: its +32 form is U


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_qr_code_dials_the_number_printed_beside_it(built, code):
    """Decoded from the printed page, not from the manifest: what a phone camera dials is
    what the reader sees on the same page, in every language and script."""
    import phonenumbers

    ws, _ = built
    pdf = ws / "output" / EDITION / f"{code}.pdf"
    dialled = [p for p in qr_payloads(pdf, dpi=150) if p.startswith("tel:")]
    assert len(dialled) == 1, dialled
    number = phonenumbers.parse(dialled[0].removeprefix("tel:"), "BE")  # national, as printed
    assert phonenumbers.is_valid_number(number)
    qr = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    printed = visual_phone_numbers(pdf, 0)
    # the helpline beside it, and the three centres' +32 numbers for a foreign phone
    assert len(printed) >= 4, printed
    seen = [phonenumbers.format_number(phonenumbers.parse(n, "BE"),
                                       phonenumbers.PhoneNumberFormat.E164) for n in printed]
    assert seen.count(qr) == 1, (printed, qr)
    helpline = [n for n in printed if phonenumbers.format_number(
        phonenumbers.parse(n, "BE"), phonenumbers.PhoneNumberFormat.E164) == qr]
    import tomllib

    data = tomllib.loads((ws / "leaflet.toml").read_text(encoding="utf-8"))
    assert helpline == [data["organisations"]["helpline"]["phone"]["value"]], helpline


def test_the_printed_number_is_read_as_a_reader_sees_it(tmp_path):
    """The helper above reads digits by their place on the page: a number displayed
    reversed (a right-to-left override) is seen reversed, whatever the extractor says."""
    import weasyprint

    for shown, seen in (("+32 78 055 800", "+32 78 055 800"),
                        ("\u202e+32 78 055 800\u202c", "008 550 87 23"),
                        ('<bdo dir="rtl">078 055 800</bdo>', "800 055 078")):
        pdf = tmp_path / "n.pdf"
        weasyprint.HTML(string=f'<p style="font-family: Noto Sans">Appelez le {shown} '
                               "maintenant.</p>").write_pdf(pdf)
        assert visual_phone_numbers(pdf) == [seen]


def test_website_follows_the_language_with_a_documented_fallback(built):
    _, manifest = built
    qr = {code: entry["qr"]["website"] for code, entry in manifest["languages"].items()}
    assert qr["fr"] == "https://www.stoptraite.be"
    assert qr["nl"] == "https://www.stopmensenhandel.be"
    assert qr["th"] == "https://www.stophumantrafficking.be"  # no own entry: the default


# One language per script family that shapes differently (Latin, Arabic, Han, Ethiopic,
# Devanagari, Thai): every language's PDF is built by the session's `built` fixture already.
REPRODUCED = ["en", "de", "ar", "zh-Hans", "ti", "hi", "th"]


@pytest.mark.slow
def test_build_is_reproducible_and_incremental(tmp_path):
    ws = copy_workspace(tmp_path / "ws", languages=REPRODUCED)
    out = ws / "output" / EDITION
    first = invoke(ws, "build", "--force")
    assert first.exit_code == 0, first.output
    sums = json.loads((out / "manifest.json").read_text())["languages"]
    again = invoke(ws, "build", "--force")
    assert again.exit_code == 0, again.output
    assert json.loads((out / "manifest.json").read_text())["languages"] == sums

    # Nothing changed: nothing rendered, no PDF touched.
    mtimes = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    noop = invoke(ws, "build")
    assert noop.exit_code == 0 and "0 rendered" in noop.output, noop.output
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")} == mtimes

    # One catalogue changed: only that language is rendered again.
    po_path = ws / "translations" / "de" / "LC_MESSAGES" / "leaflet.po"
    po = polib.pofile(str(po_path))
    entry = po.find("Medical help.")
    entry.msgstr = entry.msgstr.rstrip(".") + " (geändert)."
    po.save()
    changed = invoke(ws, "build")
    assert changed.exit_code == 0, changed.output
    now = {p.name: p.stat().st_mtime_ns for p in out.glob("*.pdf")}
    # The leaflet and its wallet card share the catalogue; nothing else is touched.
    assert sorted(n for n in now if now[n] != mtimes[n]) == ["card-de.pdf", "de.pdf"]
    assert "1 rendered" in changed.output


def test_each_page_prints_edition_date_and_input_reference(built):
    ws, manifest = built
    entry = manifest["languages"]["en"]
    pdf = ws / "output" / EDITION / "en.pdf"
    day = datetime.date.fromisoformat(EDITION_DATE)
    assert contains_text(pdf, f"Edition of {day:%B} {day.day}, {day.year} · ref. {entry['inputs'][:8]}")
    from pdfutil import pdf_text

    pages = pdf_text(pdf).split("\n")
    assert sum(entry["inputs"][:8] in line for line in pages) == entry["pages"]


def test_draft_languages_say_so_in_their_language_and_in_english(built):
    ws, manifest = built
    assert manifest["languages"]["fr"]["review_status"] == "draft"
    pdf = ws / "output" / EDITION / "fr.pdf"
    assert contains_text(pdf, "Draft translation, not yet reviewed.")
    assert contains_text(pdf, translated(ws, "fr", "Draft translation, not yet reviewed."))


def test_release_build_refuses_drafts_and_unverified_details(workspace):
    result = invoke(workspace, "build", "--release", "--lang", "en", "--lang", "fr")
    assert result.exit_code == 1
    assert "release refused: draft translations: en, fr" in result.output
    assert not (workspace / "output" / EDITION).exists()

    mark_reviewed(workspace, "en")
    result = invoke(workspace, "build", "--release", "--lang", "en")
    assert result.exit_code == 1
    assert "leaflet.toml" in result.output and "pag-asa.address" in result.output
    assert not (workspace / "output" / EDITION).exists()
    result = invoke(workspace, "build", "--release", "--allow-unverified", "--lang", "en")
    assert result.exit_code == 0, result.output
    manifest = json.loads((workspace / "output" / EDITION / "manifest.json").read_text())
    assert manifest["languages"]["en"]["review_status"] == "reviewed"
    assert not contains_text(workspace / "output" / EDITION / "en.pdf", "not yet reviewed")


def test_help_does_not_import_weasyprint(tmp_path):
    for args in (["--help"], ["build", "--help"]):
        modules, stdout, _ = cli_imports(tmp_path, *args)
        assert "Usage:" in stdout
        assert "weasyprint" not in modules and "babel.dates" not in modules, args


def test_doctor_reports_every_part_present():
    result = invoke(ROOT, "doctor", "--format", "json")
    findings = json.loads(result.output)
    names = {f["name"] for f in findings}
    assert {"lib:libharfbuzz-subset0", "font:Noto Sans CJK SC", "font:Noto Sans Arabic"} <= names
    assert result.exit_code == 0, [f for f in findings if not f["ok"]]
