"""An auditor's first glance: page 1 of the report is the unit × duty grid, coloured against
the target of leaflet.toml with a pattern per class for black-and-white print, a mark on
small counts; the legal text comes after it. The follow-up list is grouped by unit, `--by
month` draws a trend chart, and the terminal table fits 100 columns in every interface
language."""

from __future__ import annotations

import colorsys
import re

import pytest
from click.testing import CliRunner
from conftest import ROOT, copy_workspace

from . import encounters as fx

OCTOBER = ["--from", fx.OCTOBER[0], "--to", fx.OCTOBER[1]]
UNITS = ["PZ-A", "PZ-B", "SI-X", "SLI-Y"]
MM = 72 / 25.4  # PDF points per millimetre
SCALE = 4  # pixels per PDF point when page 1 is rendered (288 dpi)


@pytest.fixture(scope="module")
def october_pdf(log_url, tmp_path_factory):
    out = tmp_path_factory.mktemp("first-page-pdf") / "october.pdf"
    run(log_url, *OCTOBER, "--format", "pdf", "-o", str(out))
    return out


def run(url, *args, workspace=ROOT):
    result = fx.run(["report", *args], url, workspace=workspace)
    assert result.exit_code == 0, result.output
    return result


def page_text(path, number: int) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return document[number].get_textpage().get_text_range()
    finally:
        document.close()


def joined(text: str) -> str:
    """Page text with a word broken after a hyphen joined again: a grid header may break a
    duty's id there, which pdfium marks with U+FFFE."""
    return re.sub(r"\ufffe\s*", "-", text)


def test_the_first_page_is_the_grid_and_the_circular_comes_after(october_pdf):
    from leaflet.duties.rules import PARAGRAPHS, RULES

    first = joined(page_text(october_pdf, 0))
    # every unit, the total, and every duty's id as a column header
    for unit in [*UNITS, "all units"]:
        assert re.search(rf"^{re.escape(unit)}\b", first, re.MULTILINE), unit
    for rule in RULES:
        assert rule.id in first, rule.id
    # the legend names the classes, the target and the few-cases mark
    flat = " ".join(first.split())
    for words in ("at or above the target of 90%", "below the target",
                  "20 points or more below the target", "† few cases"):
        assert words in flat, words
    # no paragraph of the circular on page 1; they come later in the report
    rest = " ".join(page_text(october_pdf, n) for n in range(1, 4))
    for text in PARAGRAPHS.values():
        assert text[:60] not in flat
        assert " ".join(text.split()[:8]) in " ".join(rest.split())


def _charbox(textpage, needle: str, page_height: float) -> tuple[float, float, float]:
    """(left, top, bottom) in pixels of page 1's image, of the first occurrence of
    `needle` on the page."""
    found = None
    # a duty's id broken after a hyphen in its header is found by its first part
    for text in (needle, needle.split("-")[0]):
        searcher = textpage.search(text, match_case=True, match_whole_word=False)
        try:
            found = searcher.get_next()
        finally:
            searcher.close()
        if found is not None:
            break
    assert found is not None, needle
    index, _count = found
    left, bottom, _right, top = textpage.get_charbox(index)
    return left * SCALE, (page_height - top) * SCALE, (page_height - bottom) * SCALE


def _classes(image, box) -> dict[str, int]:
    """How many strongly coloured pixels of each class (green, amber, red) `box` holds; the
    cells' light tints, grey and black text count for none."""
    found = {"on-target": 0, "below": 0, "far-below": 0}
    cell = image.crop(tuple(round(v) for v in box))
    for r, g, b in (cell.getpixel((x, y)) for y in range(cell.height) for x in range(cell.width)):
        hue, saturation, value = colorsys.rgb_to_hsv(r / 255, g / 255, b / 255)
        if saturation < 0.45 or value < 0.3:
            continue
        degrees = hue * 360
        if 90 <= degrees <= 170:
            found["on-target"] += 1
        elif 25 <= degrees <= 55:
            found["below"] += 1
        elif degrees <= 12 or degrees >= 345:
            found["far-below"] += 1
    return found


# What the October figures say, against the target of 0.9 and 20 points below it
# (tests/report/encounters.py counts them by hand):
EXPECTED = {
    ("PZ-A", "LEAFLET-GIVEN"): "below",  # 4 of 5: 80 %
    ("PZ-B", "LEAFLET-GIVEN"): "far-below",  # 3 of 5: 60 %
    ("SI-X", "LEAFLET-GIVEN"): "far-below",  # 0 of 2 (few)
    ("SLI-Y", "LEAFLET-GIVEN"): None,  # implicated persons only: does not apply
    ("PZ-A", "CENTRE-INTAKE"): "on-target",  # E1, A5, E12: 3 of 3 (few)
    ("PZ-B", "CENTRE-INTAKE"): "below",  # A2, E5, A4 intake, E4 not: 3 of 4 (few)
    ("PZ-B", "FOREIGNERS-DEPT"): "far-below",  # A4 informed; A2 not, E5 not stated: 1 of 3
    ("PZ-B", "CENTRE-CONTACT"): "on-target",  # E14: 1 of 1
    ("SLI-Y", "CENTRE-CONTACT"): None,
}


def test_the_grid_is_coloured_where_the_figures_say(october_pdf):
    """Page 1 as an image: each cell's band has the colour of its class, and a cell of a
    duty that applied to nobody has none."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(october_pdf))
    try:
        page = document[0]
        height = page.get_height()
        image = page.render(scale=SCALE).to_pil().convert("RGB")
        textpage = page.get_textpage()
        rows = {unit: _charbox(textpage, unit, height) for unit in UNITS}
        # a unit's name is found first in its own row ("PZ-A" is in no header)
        columns = {rule: _charbox(textpage, rule, height)[0]
                   for rule in {rule for _unit, rule in EXPECTED}}
    finally:
        document.close()
    seen = set()
    for (unit, rule), expected in EXPECTED.items():
        _left, top, _bottom = rows[unit]
        x = columns[rule]
        box = (x - 2.2 * MM * SCALE, top - 0.6 * MM * SCALE,
               x + 2.4 * MM * SCALE, top + 5.5 * MM * SCALE)
        counts = _classes(image, box)
        if expected is None:
            assert sum(counts.values()) == 0, (unit, rule, counts)
            continue
        strongest = max(counts, key=counts.get)
        assert strongest == expected and counts[expected] > 100, (unit, rule, counts)
        seen.add(expected)
    assert seen == {"on-target", "below", "far-below"}


def _grid_rows(html: str) -> dict[str, list[str]]:
    grid = html[html.index('<table class="grid">'):]
    grid = grid[:grid.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", grid, re.DOTALL):
        head = re.search(r'<th scope="row">(.*?)</th>', row)
        if head:
            rows[head.group(1)] = re.findall(r'<td class="cell[^"]*">.*?</td>', row, re.DOTALL)
    return rows


def test_small_counts_are_marked_and_not_tinted(log_url):
    from leaflet.duties.rules import RULES

    html = run(log_url, *OCTOBER, "--format", "html").stdout
    rows = _grid_rows(html)
    assert list(rows) == ["all units", *UNITS]
    order = [rule.id for rule in RULES]
    contact = rows["PZ-B"][order.index("CENTRE-CONTACT")]  # one case: 1 of 1
    assert 'class="cell on-target few"' in contact and "1 of 1" in contact
    assert '<span class="few-mark">†</span>' in contact
    given = rows["PZ-B"][order.index("LEAFLET-GIVEN")]  # five cases: no mark, tinted
    assert 'class="cell far-below"' in given and "3 of 5" in given and "few-mark" not in given
    nothing = rows["SLI-Y"][order.index("LEAFLET-GIVEN")]
    assert 'class="cell none"' in nothing and "few-mark" not in nothing
    # a screen reader hears the class in words; the PDF prints the mark
    assert "· below the target" in rows["PZ-A"][order.index("LEAFLET-GIVEN")]
    css = (ROOT / "templates" / "report.css").read_text(encoding="utf-8")
    assert re.search(r"td\.few \{ background: #ffffff; \}", css)


def test_the_target_comes_from_leaflet_toml_and_a_bad_one_is_refused(log_url, tmp_path):
    workspace = copy_workspace(tmp_path / "ws")
    toml = workspace / "leaflet.toml"
    text = toml.read_text(encoding="utf-8")
    assert "\ntarget = 0.9\n" in text
    toml.write_text(text.replace("\ntarget = 0.9\n", '\ntarget = "50%"\n'), encoding="utf-8")
    rows = _grid_rows(run(log_url, *OCTOBER, "--format", "html", workspace=workspace).stdout)
    # 3 of 5 (60 %) is now at or above the target; 0 of 2 is 20 points or more below it
    assert 'class="cell on-target"' in rows["PZ-B"][0]
    assert 'class="cell far-below few"' in rows["SI-X"][0]
    for bad in ("1.5", '"150%"', '"high"', "true"):
        toml.write_text(text.replace("\ntarget = 0.9\n", f"\ntarget = {bad}\n"),
                        encoding="utf-8")
        result = fx.run(["report", *OCTOBER], log_url, workspace=workspace)
        assert result.exit_code != 0, bad
        line = text[:text.index("\ntarget = 0.9\n")].count("\n") + 2
        assert "leaflet.toml" in result.output and f":{line}" in result.output, result.output
        assert "[report] target must be a share from 0 to 1 or a percentage" in result.output
        assert "Traceback" not in result.output


def test_the_follow_up_list_is_grouped_by_unit_in_time_order(log_url):
    html = run(log_url, *OCTOBER, "--format", "html").stdout
    follow = html[html.index('<section class="follow-up">'):]
    headings = re.findall(r'<h3 class="unit-heading"[^>]*>([^<]+?) <span', follow)
    assert headings == UNITS  # one per unit with something to follow up, by code
    ids = re.findall(r"<code>(00000000-[0-9a-f-]+)</code>", follow)
    by_unit = {"PZ-A": [fx.E[16], fx.E[12]],  # 25 October, then 31 October at 23:30
               "PZ-B": [fx.A[2], fx.E[4], fx.E[5], fx.E[5]],  # 5, 9 and 11 October
               "SI-X": [fx.E[7], fx.E[7]], "SLI-Y": [fx.E[10]]}
    assert ids == [i for unit in UNITS for i in by_unit[unit]]
    # the lines are those of the list in time order, regrouped: nothing lost or added
    assert sorted(ids) == sorted(i for i, _rule in fx.OCTOBER_VIOLATIONS)
    # the terminal table groups them the same way
    table = run(log_url, *OCTOBER).stdout
    follow_text = table[table.index("Follow-up ("):]
    assert [line.strip().split(" · ")[0] for line in follow_text.splitlines()
            if line.startswith("  ") and not line.startswith("   ")] == UNITS


def test_by_month_draws_a_trend_chart_with_a_point_per_month(log_url):
    """October and November: a point for each month in which a duty applied (November has
    no victim and no implicated person), the target line, a title and a description, and
    the figures as a table too."""
    html = run(log_url, "--from", "2025-10-01", "--to", "2025-12-01", "--by", "month",
               "--format", "html").stdout
    groups = html[html.index('<section class="groups">'):html.index('<section class="lists">')]
    assert groups.count('<svg xmlns="http://www.w3.org/2000/svg" class="trend"') == 1
    svg = groups[groups.index('class="trend"'):groups.index("</svg>")]
    assert '<title id="trend-title">' in svg and '<desc id="trend-desc">' in svg
    assert 'aria-labelledby="trend-title trend-desc"' in svg
    points = {}
    series = re.findall(r'<g class="series" data-rule="([A-Z-]+)">(.*?)</g>', svg, re.DOTALL)
    for rule, body in series:
        points[rule] = re.findall(r'class="point" data-month="(\d{4}-\d\d)"', body)
    assert points == {
        "LEAFLET-GIVEN": ["2025-10", "2025-11"], "LEAFLET-LANGUAGE": ["2025-10", "2025-11"],
        "CENTRE-INTAKE": ["2025-10"], "FOREIGNERS-DEPT": ["2025-10"],
        "CENTRE-CONTACT": ["2025-10", "2025-11"], "NO-CENTRE-FOR-IMPLICATED": ["2025-10"]}
    assert "LEAFLET-GIVEN, 2025-10: 58.3% (7 of 12)" in svg  # each point says its figures
    assert "target 90%" in svg
    # a line joins the two months of a duty that applied in both
    assert svg.count("<polyline") == 3
    table = groups[groups.index("<table"):]
    assert '<th scope="row">2025-10</th>' in table and '<th scope="row">2025-11</th>' in table
    # the terminal gives the months as a compact table
    text = run(log_url, "--from", "2025-10-01", "--to", "2025-12-01", "--by", "month").stdout
    assert re.search(r"^2025-11\s+2\s+100\.0%\*\s+100\.0%\*\s+—", text, re.MULTILINE), text


@pytest.fixture(scope="module")
def many_units_url(tmp_path_factory):
    """A synthetic log of the report benchmark's mix: about 200 units, counts in the
    hundreds (the width a real quarter needs)."""
    path = tmp_path_factory.mktemp("many-units") / "log.sqlite3"
    fx.build_synthetic_log(path, 3000, seed=11)
    yield f"sqlite:///{path}"
    from leaflet.storage.engine import dispose_engines

    dispose_engines()


@pytest.mark.parametrize("language", ["en", "fr", "nl", "de"])
def test_the_terminal_table_fits_100_columns(log_url, many_units_url, language, monkeypatch):
    from leaflet.cli import cli

    monkeypatch.setenv("LANGUAGE", language)
    for url, by in ((log_url, "unit"), (many_units_url, "unit"), (many_units_url, "month"),
                    (many_units_url, "language")):
        result = CliRunner().invoke(cli, ["report", "--by", by, "--db", url,
                                          "--max-follow-up", "40"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= 100, [l for l in lines if len(l) > 100]
        # every group and every duty is there: the headers D1… (in the report's language:
        # O1… in French, V1… in Dutch, P1… in German) and their legend
        from leaflet import i18n

        with i18n.language(language):
            sixth = i18n._("D%(n)s") % {"n": 6}
        assert sixth != "D6" or language == "en"
        assert sixth in result.stdout.replace("\u00a0", " ")
        assert "NO-CENTRE-FOR-IMPLICATED" in result.stdout
        if url == many_units_url and by == "unit":
            units = [line.split()[0] for line in lines if re.match(r"(PZ|TSW|SI)-\S+\s", line)]
            assert len(set(units)) > 100
    if language == "fr":  # the headers are translated, the layout still fits
        assert "rencontres" in result.stdout


def test_the_grid_counts_what_by_unit_counts_on_every_backend(db_url, tmp_path):
    """The grid's figures per unit are those of `--by unit`, on SQLite and PostgreSQL; they
    are counted for HTML and PDF only, and never reach the JSON."""
    from leaflet.report import service

    fx.write_log(db_url, tmp_path)
    for_page = service.make_report(db_url, start=fx.OCTOBER[0], end=fx.OCTOBER[1],
                                   for_format="pdf")
    by_unit = service.make_report(db_url, start=fx.OCTOBER[0], end=fx.OCTOBER[1], by="unit")
    assert [u.key for u in for_page.units] == UNITS
    assert for_page.units == by_unit.groups
    assert for_page.by is None and for_page.groups == ()
    for unit, (encounters, given) in fx.OCTOBER_BY_UNIT.items():
        figures = next(u for u in for_page.units if u.key == unit)
        assert figures.encounters == encounters
        r = figures.rule("LEAFLET-GIVEN")
        assert (r.applicable, r.met, r.refused, r.not_met) == given
    as_json = service.make_report(db_url, start=fx.OCTOBER[0], end=fx.OCTOBER[1],
                                  for_format="json")
    assert as_json.units == () and "units" not in as_json.to_dict()
