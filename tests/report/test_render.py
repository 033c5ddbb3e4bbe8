"""A zone chief opens the report: one page of summary (a bar per duty, readable in black and
white), then the tables and the follow-up list, in a browser (HTML, no script, nothing
fetched) or on paper (the same template as PDF, long lists over several pages)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from conftest import ROOT

from . import encounters as fx
from .chromium import Browser, binary

OCTOBER = ["--from", fx.OCTOBER[0], "--to", fx.OCTOBER[1]]


@pytest.fixture(scope="module")
def long_log_url(tmp_path_factory):
    """A synthetic log long enough for a follow-up list over several printed pages."""
    path = tmp_path_factory.mktemp("long-log") / "log.sqlite3"
    fx.build_synthetic_log(path, 1500, seed=7)
    yield f"sqlite:///{path}"
    from leaflet.storage.engine import dispose_engines

    dispose_engines()


def run(url, *args, workspace=ROOT):
    result = fx.run(["report", *args], url, workspace=workspace)
    assert result.exit_code == 0, result.output
    return result


def test_html_is_a_summary_then_tables_with_nothing_fetched(log_url, tmp_path):
    out = tmp_path / "october.html"
    run(log_url, *OCTOBER, "--by", "unit", "--format", "html", "-o", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), "nothing may be fetched"
    assert "<link rel=\"stylesheet\"" not in html and "<style>" in html  # CSS inlined
    # the summary: key figures, the unit × duty grid, then one bar per duty, each with its
    # rate written out
    summary = html[:html.index('class="circular"')]
    assert summary.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 1
    for rule, (applicable, met, _refused, _not_met) in fx.OCTOBER_RULES.items():
        assert f">{rule}</text>" in summary
        assert f"{met / applicable * 100:.1f}%" in summary  # en_GB: 58.3%
        assert f"{met} of {applicable}" in summary
    # black and white: the parts of a bar differ by pattern, and the legend names them
    for pattern, label in (("fill-met", "met"), ("fill-refused", "offered, refused"),
                           ("fill-not-met", "not met")):
        assert f'id="{pattern}"' in summary and f">{label}</text>" in summary
    assert 'fill="url(#fill-refused)"' in summary  # E4 and E8 refused
    # every paragraph of the circular behind a rule, verbatim
    from leaflet.duties.rules import PARAGRAPHS

    for text in PARAGRAPHS.values():
        assert text in html
    # tables: per unit, language gaps, editions, and the follow-up list (times in Brussels)
    for unit in fx.OCTOBER_BY_UNIT:
        assert f'<th scope="row">{unit}</th>' in html
    follow = html[html.index('class="follow-up"'):]
    assert follow.count('<td class="rule-id">') == len(fx.OCTOBER_VIOLATIONS)
    assert "2025-10-31 23:30" in follow and fx.E[12] in follow
    assert "<code>ln</code>" in html and "<code>2025-06</code>" in html


def test_the_same_report_renders_the_same_bytes(log_url):
    first = run(log_url, *OCTOBER, "--format", "html").stdout_bytes
    second = run(log_url, *OCTOBER, "--format", "html").stdout_bytes
    assert first == second


@pytest.mark.browser
def test_headless_chromium_shows_no_console_error(log_url, tmp_path):
    assert binary() is not None, "Debian package chromium is missing: run `bash .ci/setup`"
    out = tmp_path / "october.html"
    run(log_url, *OCTOBER, "--by", "month", "--format", "html", "-o", str(out))
    broken = tmp_path / "broken.html"  # the control: the probe does see errors
    broken.write_text('<!DOCTYPE html><html lang="en"><title>x</title>'
                      '<img src="missing.png" alt=""><script>console.error("boom")</script>'
                      "</html>", encoding="utf-8")
    with Browser() as browser:
        session = browser.open(out.as_uri())
        assert browser.console_problems() == []
        shot = browser.screenshot(session, tmp_path / "shot.png")
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        title = browser.send("Runtime.evaluate", {"expression": "document.title"},
                             session=session)["result"]["value"]
        assert title.startswith("Compliance report: 1 October 2025 to 31 October 2025")
        browser.open(broken.as_uri())
        problems = browser.console_problems()
    assert any("boom" in p for p in problems), problems
    assert any("missing.png" in p for p in problems), problems


@pytest.mark.slow
def test_pdf_is_the_same_template_with_pages_for_long_lists(long_log_url, tmp_path):
    from pdfutil import pdf_text, squash

    from leaflet.report import formats, service

    report = service.make_report(long_log_url.removeprefix("sqlite:///"), by="service")
    assert report.violations_total > 100
    html = formats.to_html(report, ROOT / "templates")
    pdf, pages, warnings = formats.to_pdf(html, ROOT / "templates")
    assert warnings == []
    assert pages >= 4
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    assert text.count("record id") >= 2  # the follow-up table's header, again on each page
    assert f"page {pages} of {pages}" in text
    for rule in fx.OCTOBER_RULES:
        assert rule in text
    assert squash("implicated in the organisation or pursuit of human trafficking") in squash(text)

    # the command writes it atomically; the summary is on page 1
    out = tmp_path / "q.pdf"
    run(long_log_url, "--format", "pdf", "-o", str(out), "--max-follow-up", "20")
    assert out.read_bytes()[:5] == b"%PDF-"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(out))
    try:
        first = document[0].get_textpage().get_text_range()
    finally:
        document.close()
    first = first.replace("\ufffe", "-")  # a grid header may break an id after a hyphen
    assert "LEAFLET-GIVEN" in first and "NO-CENTRE-FOR-IMPLICATED" in first
    assert "Showing the first 20" not in first  # the follow-up list comes later


def test_csv_tables_and_the_terminal_table(log_url):
    figures = run(log_url, *OCTOBER, "--by", "unit", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(figures)))
    totals = {r["rule"]: (int(r["applicable"]), int(r["met"]), int(r["refused"]),
                          int(r["not_met"])) for r in rows if r["group"] == ""}
    assert totals == fx.OCTOBER_RULES
    assert {r["group"] for r in rows} == {"", *fx.OCTOBER_BY_UNIT}

    follow = run(log_url, *OCTOBER, "--format", "csv", "--table", "follow-up").stdout
    lines = list(csv.DictReader(io.StringIO(follow)))
    assert [(r["id"], r["rule"]) for r in lines] == fx.OCTOBER_VIOLATIONS
    gaps = run(log_url, *OCTOBER, "--format", "csv", "--table", "language-gaps").stdout
    assert gaps.splitlines() == ["language,encounters", "ln,2", "wo,2", "ff,1"]
    editions = run(log_url, *OCTOBER, "--format", "csv", "--table", "editions").stdout
    assert editions.splitlines() == ["edition,given", "2025-06,5", "2025-10,2", ",1"]

    table = run(log_url, *OCTOBER, "--max-follow-up", "3").stdout
    assert "1 October 2025 to 31 October 2025 (Europe/Brussels)" in table
    assert re.search(r"LEAFLET-GIVEN\s+closing paragraph\s+12\s+7\s+2\s+3\s+58\.3%", table)
    assert "Follow-up (9 failed duties, first 3)" in table


def test_the_json_interface_is_the_documented_one(log_url):
    """docs/report-format.md shows the JSON; a real report has exactly its keys."""
    doc = (ROOT / "docs" / "report-format.md").read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)\n```", doc, re.S).group(1))
    data = json.loads(run(log_url, *OCTOBER, "--by", "unit", "--format", "json").stdout)
    assert list(data) == list(example)
    for key in ("rules", "groups", "violations", "language_gaps", "editions"):
        assert set(data[key][0]) == set(example[key][0]), key
    # October's log holds no stock gap: its keys are those `docs/report-format.md` lists.
    assert data["stock_gaps"] == [] and set(example["stock_gaps"][0]) == {
        "unit", "language", "encounters"}
    assert set(data["groups"][0]["rules"][0]) == set(example["groups"][0]["rules"][0])
    assert set(data["log"]) == set(example["log"])

    # The JSON written by hand (one item per line, follow-up lines by a fast path) is the
    # Report's own dictionary, and each follow-up line reads as json.dumps would write it.
    from leaflet.report import formats, service

    report = service.make_report(log_url.removeprefix("sqlite:///"), start=fx.OCTOBER[0],
                                 end=fx.OCTOBER[1], by="unit")
    assert data == report.to_dict()
    for violation in report.violations:
        assert formats.violation_json(violation) == json.dumps(
            violation.to_dict(), ensure_ascii=False, separators=(", ", ": "))


def test_the_samples_show_the_report_and_stay_small():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/samples/report-pdf-page1.png)" in readme
    doc = (ROOT / "docs" / "report-format.md").read_text(encoding="utf-8")
    for name in ("report-html.png", "report-pdf-page1.png"):
        assert f"(samples/{name})" in doc
        path = ROOT / "docs" / "samples" / name
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert path.stat().st_size <= 150 * 1024, name


def test_a_dutch_report_in_pdf_with_dutch_dates_and_numbers(log_url, tmp_path):
    """`leaflet report --lang nl --format pdf`: Dutch headings, duties and legends, the
    circular marked as an unofficial translation, Dutch dates and numbers; no sentence of the
    tool left in English; the CSV and JSON do not change with the language."""
    from pdfutil import pdf_text

    from leaflet import i18n
    from leaflet.duties.rules import RULES
    from station.i18n_pages import english_left

    out = tmp_path / "oktober.pdf"
    run(log_url, *OCTOBER, "--by", "unit", "--format", "pdf", "--lang", "nl", "-o", str(out))
    text = " ".join(pdf_text(out).split())
    with i18n.language("nl"):
        assert " ".join(i18n._("Duties of the instructions of 13 January 1997").split()) in text
        for rule in RULES:
            assert " ".join(i18n._(rule.duty).split())[:30] in text, rule.id
        unofficial = i18n._("Unofficial translation of %(paragraph)s") % {"paragraph": "§5.1"}
    assert unofficial in text
    assert "1 oktober 2025 tot en met 31 oktober 2025" in text, text[:400]
    applicable, met = fx.OCTOBER_RULES["LEAFLET-GIVEN"][:2]
    assert f"{met / applicable * 100:.1f}%".replace(".", ",") in text  # 58,3%
    assert english_left(text, "nl") == []
    english = tmp_path / "october.pdf"
    run(log_url, *OCTOBER, "--format", "pdf", "--lang", "en", "-o", str(english))
    assert "1 October 2025" in pdf_text(english) and unofficial not in pdf_text(english)
    for fmt in ("csv", "json"):
        assert run(log_url, *OCTOBER, "--format", fmt, "--lang", "nl").stdout == \
            run(log_url, *OCTOBER, "--format", fmt).stdout
