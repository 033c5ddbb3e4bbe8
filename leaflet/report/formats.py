"""The report's renderings: a terminal table, CSV, JSON, HTML with SVG charts, and PDF.

Each takes a Report (plain data) and returns bytes. HTML and PDF come from the same template,
templates/report.html.j2 (with templates/report.css inlined, so the file stands alone),
rendered through the project's one Jinja environment (leaflet.render.templates.environment);
the PDF is that HTML through WeasyPrint (leaflet.render.pdf). Charts are SVG drawn here: one
bar per duty, its parts told apart by fill pattern and by printed numbers, never by colour
alone, so a black-and-white print reads the same. No JavaScript, nothing fetched.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
from pathlib import Path

from markupsafe import Markup, escape

from leaflet.errors import BuildError, UsageError
from leaflet import periods as periods
from leaflet.i18n import N_, _
from leaflet.render import interface
from leaflet.report.choices import CSV_TABLES
from leaflet.report.model import Report, RuleFigures, Violation
from leaflet.duties.rules import BY_ID, CIRCULAR, PARAGRAPHS, RULES
from leaflet.textsafety import csv_row
from leaflet.workspace import DEFAULT_REPORT_TARGET

log = logging.getLogger(__name__)

TEMPLATE = "report.html.j2"
BY_TITLES = {"unit": N_("unit"), "service": N_("service"),
             "language": N_("language understood"), "month": N_("month")}


def render(report: Report, fmt: str, *, templates_dir: Path | None = None,
           table: str = "figures", target: float = DEFAULT_REPORT_TARGET) -> bytes:
    """`report` in `fmt`; `target` ([report] target) only changes the table, HTML and PDF
    (CSV and JSON hold the figures alone)."""
    if fmt == "json":
        return to_json(report).encode("utf-8")
    if fmt == "csv":
        return to_csv(report, table).encode("utf-8")
    if fmt == "table":
        return to_table(report, target).encode("utf-8")
    if fmt in ("html", "pdf"):
        if templates_dir is None:
            raise UsageError(_("--format %(format)s needs the workspace's templates")
                             % {"format": fmt},
                             hint=_("run inside a workspace or pass --workspace DIR"))
        html = to_html(report, templates_dir, target)
        if fmt == "html":
            return html.encode("utf-8")
        pdf, _pages, warnings = to_pdf(html, templates_dir)
        for warning in warnings:
            log.warning("WeasyPrint: %s", warning)
        return pdf
    raise UsageError(_("unknown report format %(format)s") % {"format": repr(fmt)})


# --- numbers and days as people read them (the reader's language: leaflet.i18n) ---------------

def number(n: int) -> str:
    return interface.number(n)


def percent(rate: float | None) -> str:
    return "—" if rate is None else interface.percent(rate)


def period_text(report: Report) -> str:
    """`--from`/`--to` as a reader says it: the last day shown is the day before --to."""
    import datetime as dt

    if report.start is None and report.end is None:
        return _("all records")
    last = (dt.date.fromisoformat(report.end) - dt.timedelta(days=1)) if report.end else None
    start = interface.date_long(report.start) if report.start else None
    last = interface.date_long(last) if last else None
    if start and last:
        return _("%(first)s to %(last)s") % {"first": start, "last": last}
    return (_("from %(first)s") % {"first": start} if start
            else _("up to %(last)s") % {"last": last})


def scope_text(report: Report) -> str:
    service = (_("service %(service)s") % {"service": report.service} if report.service
               else _("all services"))
    unit = _("unit %(unit)s") % {"unit": report.unit} if report.unit else _("all units")
    return _("%(service)s, %(unit)s") % {"service": service, "unit": unit}


# --- JSON -------------------------------------------------------------------------------------

def to_json(report: Report) -> str:
    """The JSON interface (docs/report-format.md): one key per line, one list item per line.

    Written by hand around json.dumps of each value: the C encoder does not indent, and a
    follow-up list of a hundred thousand lines must not take the slow path (its lines are
    made by `violation_json`, the same text for a fraction of the time).
    """
    data = report.to_dict(violations=False)
    parts = []
    for key, value in data.items():
        if key == "violations":
            items = (list(report.violations_json) if report.violations_json is not None
                     else list(map(violation_json, report.violations)))
        elif isinstance(value, list):
            items = [_dump(item) for item in value]
        else:
            parts.append(f"  {json.dumps(key)}: {_dump(value)}")
            continue
        body = "[\n    " + ",\n    ".join(items) + "\n  ]" if items else "[]"
        parts.append(f"  {json.dumps(key)}: {body}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))
# One line of the follow-up list as _dump(violation.to_dict()) writes it: every field is a
# string, quoted by the json module's own (C) string encoder.
_VIOLATION = "{" + ", ".join(f'"{name}": %s' for name in Violation._fields) + "}"
_STRING = json.encoder.encode_basestring


def _dump(value) -> str:
    return _ENCODER.encode(value)


def violation_json(violation: Violation) -> str:
    i, at, service, unit, rule, detail = violation
    return _VIOLATION % (_STRING(i), _STRING(at), _STRING(service), _STRING(unit),
                         _STRING(rule), _STRING(detail))


# --- CSV --------------------------------------------------------------------------------------

def to_csv(report: Report, table: str = "figures") -> str:
    """One table of the report as CSV (header row first): the figures (totals, then each group),
    the follow-up list, the language gaps, the stock gaps or the editions.

    Every text cell goes through textsafety.csv_cell: one a spreadsheet would evaluate as a
    formula (starting with = + - @, a tab or a line break, or their full-width forms) or one
    starting with an apostrophe gets a leading apostrophe, so it is shown as text. Numbers
    are written as numbers.
    """
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")

    def write(values):
        writer.writerow(csv_row(values))

    if table == "figures":
        write(["group", "encounters", "rule", "paragraph", "applicable", "met", "refused",
               "not_met", "rate"])
        rows = [("", report.encounters, report.rules)]
        rows += [(g.key, g.encounters, g.rules) for g in report.groups]
        for key, encounters, rules in rows:
            for r in rules:
                write([key, encounters, r.id, r.paragraph, r.applicable, r.met, r.refused,
                       r.not_met, "" if r.rate is None else r.rate])
    elif table == "follow-up":
        write(["id", "occurred_at", "service", "unit", "rule", "detail"])
        for v in report.violations:
            write([v.id, v.occurred_at, v.service, v.unit, v.rule, v.detail])
    elif table == "language-gaps":
        write(["language", "encounters"])
        for gap in report.language_gaps:
            write([gap.language, gap.encounters])
    elif table == "stock-gaps":
        write(["unit", "language", "encounters"])
        for gap in report.stock_gaps:
            write([gap.unit, gap.language, gap.encounters])
    elif table == "editions":
        write(["edition", "given"])
        for edition in report.editions:
            write([edition.edition or "", edition.given])
    else:
        raise UsageError(_("--table %(table)s is not one of %(tables)s")
                         % {"table": repr(table), "tables": ", ".join(CSV_TABLES)})
    return out.getvalue()


# --- against the target: the grid's classes, the small-count mark ----------------------------

# A duty's rate (met / applicable) against [report] target: at or above it, below it, or
# FAR_BELOW (20 points) or more below it. Colour tells them apart on screen and in colour
# print, and each has its own pattern (solid, hatched, cross-hatched) for black and white.
FAR_BELOW = 0.20
# Fewer applicable encounters than this: the percentage is marked "few cases" (0 of 1 is
# not 0 of 40) and the cell is not tinted, only its pattern band is drawn.
FEW = 5
STANDINGS = {
    "on-target": N_("at or above the target"),
    "below": N_("below the target"),
    "far-below": N_("far below the target"),
}
# The colour of each class's band (templates/report.css tints the cells to match).
COLOURS = {"on-target": "#1b7f3b", "below": "#c77c00", "far-below": "#c62828"}
FEW_MARK = "†"  # in the table: *
TERMINAL_MARKS = {"on-target": "", "below": "!", "far-below": "!!"}


def standing(r: RuleFigures, target: float) -> str | None:
    """The class of a duty's figures: on-target, below or far-below (None: it applied to
    none), compared exactly (9 of 10 is 90 %, not 0.8999…)."""
    from fractions import Fraction

    if not r.applicable:
        return None
    rate = Fraction(r.met, r.applicable)
    goal = Fraction(target).limit_denominator(10_000)
    if rate >= goal:
        return "on-target"
    return "below" if rate >= goal - Fraction(FAR_BELOW).limit_denominator(100) else "far-below"


def few(r: RuleFigures) -> bool:
    return 0 < r.applicable < FEW


def target_text(target: float) -> str:
    whole = round(target * 100) == target * 100
    return interface.percent(target, digits=0 if whole else 1)


def swatch(kind: str | None, width: float = 8, height: float = 20,
           css: str = "swatch") -> Markup:
    """The pattern band of a grid cell or of the legend: solid (at or above the target),
    hatched (below) or cross-hatched (far below), in the class's colour. Lines are clipped
    by hand: no pattern or clip ids, which would repeat in every cell."""
    if kind is None:
        return Markup("")
    ink = COLOURS[kind]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="{css} {kind}" aria-hidden="true" '
           f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}">']
    if kind == "on-target":
        out.append(f'<rect width="{width:g}" height="{height:g}" fill="{ink}"/>')
    else:
        out.append(f'<rect width="{width:g}" height="{height:g}" fill="#ffffff"/>')
        directions = (1,) if kind == "below" else (1, -1)
        step = 4.0 if kind == "below" else 3.6
        for direction in directions:
            c = -height
            while c < width:
                # the line y = height - (x - c) (rising), or y = x - c (falling), in the box
                x0, x1 = max(c, 0.0), min(c + height, float(width))
                if x0 < x1:
                    if direction == 1:
                        y0, y1 = height - (x0 - c), height - (x1 - c)
                    else:
                        y0, y1 = x0 - c, x1 - c
                    out.append(f'<line x1="{x0:.2f}" y1="{y0:.2f}" x2="{x1:.2f}" y2="{y1:.2f}" '
                               f'stroke="{ink}" stroke-width="1.5"/>')
                c += step
    out.append(f'<rect x="0.25" y="0.25" width="{width - 0.5:g}" height="{height - 0.5:g}" '
               f'fill="none" stroke="{ink}" stroke-width="0.5"/></svg>')
    return Markup("".join(out))


def grid_cell(r: RuleFigures, target: float) -> dict:
    """What one cell of the grid shows: its class, the percentage, "met of applicable", and
    whether the count is small."""
    kind = standing(r, target)
    return {"standing": kind, "label": _(STANDINGS[kind]) if kind else "",
            "few": few(r), "rate": percent(r.rate), "applicable": r.applicable,
            "met_of": _("%(met)s of %(applicable)s") % {"met": number(r.met),
                                                         "applicable": number(r.applicable)},
            "swatch": swatch(kind)}


def grid(rows, target: float) -> list[dict]:
    """The grid's rows from (key, encounters, rules) triples."""
    return [{"key": key, "encounters": encounters,
             "cells": [grid_cell(r, target) for r in rules]} for key, encounters, rules in rows]


def legend(target: float) -> list[dict]:
    """The grid's legend: each class with its pattern and what it means."""
    values = {"target": target_text(target),
              "far": number(round(FAR_BELOW * 100))}
    texts = {"on-target": _("at or above the target of %(target)s") % values,
             "below": _("below the target"),
             "far-below": _("%(far)s points or more below the target") % values}
    return [{"standing": kind, "label": texts[kind], "swatch": swatch(kind, 12, 14,
                                                                      "legend-swatch")}
            for kind in STANDINGS]


def follow_up_by_unit(violations) -> list[dict]:
    """The follow-up list as the auditor reads it: a group per unit (by unit code), its lines
    in the list's order (oldest first), with the services its lines name."""
    units: dict[str, dict] = {}
    for v in violations:
        group = units.setdefault(v.unit, {"unit": v.unit, "services": [], "items": []})
        if v.service not in group["services"]:
            group["services"].append(v.service)
        group["items"].append(v)
    return [units[key] for key in sorted(units)]


# --- the terminal table -----------------------------------------------------------------------

WIDTH = 100  # the terminal table fits this many columns, in every interface language


def _wrap(text: str, indent: str = "", later: str | None = None) -> list[str]:
    import textwrap

    return textwrap.wrap(text, WIDTH, initial_indent=indent,
                         subsequent_indent=indent if later is None else later,
                         break_long_words=True, break_on_hyphens=False) or [indent.rstrip()]


def _columns(titles, rows, right) -> list[str]:
    """Rows of cells as lines, a header line (or two) first: each column as wide as its
    widest cell, two spaces apart, right-aligned where `right` says. When one header line
    would make the table wider than WIDTH, each title of several words takes two lines."""
    def layout(heads):
        widths = [max(len(str(row[i])) for row in [*heads, *rows])
                  for i in range(len(titles))]
        return widths, sum(widths) + 2 * (len(widths) - 1)

    heads = [list(titles)]
    widths, total = layout(heads)
    if total > WIDTH:
        split = [_halves(str(title)) for title in titles]
        heads = [[a for a, _b in split], [b for _a, b in split]]
        widths, total = layout(heads)
    out = []
    for row in [*heads, *rows]:
        cells = [f"{c!s:>{w}}" if r else f"{c!s:<{w}}"
                 for c, w, r in zip(row, widths, right)]
        out.append("  ".join(cells).rstrip())
    return out[:len(heads)] + ["-" * total] + out[len(heads):]


def _halves(title: str) -> tuple[str, str]:
    """A title of several words as two lines, split at the space nearest its middle (a
    single word: the word, then nothing)."""
    spaces = [i for i, c in enumerate(title) if c == " "]
    if not spaces:
        return title, ""
    at = min(spaces, key=lambda i: abs(len(title) - 2 * i))
    return title[:at], title[at + 1:]


def duty_label(n: int) -> str:
    # Translators: the short column header of duty number %(n)s in the terminal table
    # (D for duty); keep it to one or two letters and the number.
    return _("D%(n)s") % {"n": n}


def _grid_table(rows, target: float, first_title: str) -> list[str]:
    """The figures of `rows` ((key, encounters, rules)) in at most WIDTH columns: a column
    per duty headed D1, D2… (the legend follows), each cell the rate (with its marks) and
    met/applicable; when one line per group does not fit, the group's name goes on its own
    line, then each cell takes two lines."""
    encounters_title = _("encounters")
    heads = [duty_label(n) for n in range(1, len(RULES) + 1)]
    cells = []
    for _key, _encounters, rules in rows:
        found = []
        for r in rules:
            if not r.applicable:
                found.append(("—", ""))
                continue
            mark = TERMINAL_MARKS[standing(r, target)]
            found.append((percent(r.rate) + ("*" if few(r) else "") + mark,
                          f"{number(r.met)}/{number(r.applicable)}"))
        cells.append(found)
    key_w = max([len(first_title)] + [len(str(key)) for key, _e, _r in rows])
    enc_w = max([len(encounters_title)] + [len(number(e)) for _k, e, _r in rows])
    one_w = max([len(h) for h in heads] + [len(f"{a} {b}".strip()) for row in cells
                                           for a, b in row])
    two_w = max([len(h) for h in heads] + [len(part) for row in cells for cell in row
                                           for part in cell])
    # The first layout that fits: one line per group; its cells on two lines (rate, then
    # met/applicable); the group's name on a line of its own, then either.
    for apart, two_lines in ((False, False), (False, True), (True, False), (True, True)):
        cell_w = two_w if two_lines else one_w
        lead = (2 if apart else key_w + 2) + enc_w
        if lead + len(heads) * (cell_w + 2) <= WIDTH:
            break
    out = []
    pad = " " * (2 if apart else key_w + 2)
    header = ((f"{first_title:{key_w}}  " if not apart else "  ")
              + f"{encounters_title:>{enc_w}}" + "".join(f"  {h:>{cell_w}}" for h in heads))
    out += [header.rstrip(), "-" * min(WIDTH, len(header.rstrip()))]
    for (key, encounters, _rules), found in zip(rows, cells):
        if apart:
            out.append(str(key))
        first = (pad if apart else f"{key!s:{key_w}}  ") + f"{number(encounters):>{enc_w}}"
        if two_lines:
            out.append((first + "".join(f"  {a:>{cell_w}}" for a, _b in found)).rstrip())
            out.append((" " * len(first)
                        + "".join(f"  {b:>{cell_w}}" for _a, b in found)).rstrip())
        else:
            out.append((first + "".join(f"  {(a + ' ' + b).strip():>{cell_w}}"
                                        for a, b in found)).rstrip())
    return out


def _grid_legend(target: float) -> list[str]:
    out = []
    for n, rule in enumerate(RULES, 1):
        out += _wrap(f"{duty_label(n)} {rule.id}: {_(rule.duty)}", "  ", "      ")
    values = {"target": target_text(target),
              "far": number(round(FAR_BELOW * 100)),
              "few": number(FEW)}
    out += _wrap(_("! below the target of %(target)s; !! %(far)s points or more below it")
                 % values, "  ", "    ")
    out += _wrap(_("* few cases: the duty applied to fewer than %(few)s encounters, so the "
                   "percentage can swing widely") % values, "  ", "    ")
    out += _wrap(_("— the duty applied to no encounter"), "  ", "    ")
    return out


def to_table(report: Report, target: float = DEFAULT_REPORT_TARGET) -> str:
    """The report for a terminal, in the reader's language, in at most WIDTH (100) columns;
    duty ids and codes as stored."""
    lines = _wrap(_("Compliance report: %(period)s (%(zone)s), %(scope)s")
                  % {"period": period_text(report), "zone": report.timezone,
                     "scope": scope_text(report)}, "", "  ")
    lines += _wrap(_("encounters %(encounters)s (of which %(corrected)s counted through a "
                     "correction), to follow up %(follow_up)s")
                   % {"encounters": number(report.encounters),
                      "corrected": number(report.corrected),
                      "follow_up": number(report.follow_up)}, "", "  ")
    lines += _wrap(_("log: %(records)s records, head %(head)s")
                   % {"records": number(report.log.get("records", 0)),
                      "head": (report.log.get("head") or "-")[:16]}, "", "  ")
    lines.append("")
    titles = [_("duty"), _("paragraph"), _("applicable"), _("met"), _("refused"),
              _("not met"), _("rate")]
    table = _columns(titles, [[r.id, _(paragraph_name(r.paragraph)), number(r.applicable),
                               number(r.met), number(r.refused), number(r.not_met),
                               percent(r.rate)] for r in report.rules],
                     [False, False, True, True, True, True, True])
    lines += table
    if report.by:
        lines += [""] + _wrap(_("By %(group)s (rate met, met/applicable):")
                              % {"group": _(BY_TITLES[report.by])})
        lines += _grid_table([(g.key, g.encounters, g.rules) for g in report.groups], target,
                             _(BY_TITLES[report.by]))
        lines += _grid_legend(target)
    lines += [""] + _wrap(_("Language gaps (no leaflet in a language the person understands):"))
    lines += [f"  {gap.language:12}{number(gap.encounters):>8}" for gap in report.language_gaps]
    if not report.language_gaps:
        lines.append("  " + _("none"))
    if report.stock_gaps:
        lines += [""] + _wrap(_("Stock gaps (a leaflet is built in a language the person "
                                "understands, but no printed copy was at hand):"))
        lines += [f"  {gap.unit:14}{gap.language:12}{number(gap.encounters):>8}"
                  for gap in report.stock_gaps]
    lines += ["", _("Leaflets given per edition:")]
    lines += [f"  {e.edition or _('(not recorded)'):16}{number(e.given):>8}"
              for e in report.editions]
    if not report.editions:
        lines.append("  " + _("none"))
    values = {"total": number(report.violations_total), "shown": number(len(report.violations))}
    lines += [""] + _wrap((_("Follow-up (%(total)s failed duties):") if report.complete
                           else _("Follow-up (%(total)s failed duties, first %(shown)s):"))
                          % values)
    rule_w = max(len(rule.id) for rule in RULES)
    for group in follow_up_by_unit(report.violations):
        lines += _wrap(f"{group['unit']} · {', '.join(group['services'])}", "  ", "    ")
        for v in group["items"]:
            detail = v.detail.translated() if hasattr(v.detail, "translated") else v.detail
            lines.append(f"    {periods.local_text(v.occurred_at, report.timezone)}  "
                         f"{v.rule:{rule_w}}  {v.id}")
            lines += _wrap(detail, "      ")
    if not report.violations:
        lines.append("  " + _("none"))
    return "\n".join(lines) + "\n"


def paragraph_name(ref: str) -> str:
    from leaflet.duties.rules import PARAGRAPH_NAMES

    return PARAGRAPH_NAMES.get(ref, ref)


# --- SVG charts -------------------------------------------------------------------------------

# The three parts of a bar, told apart by fill *pattern* (solid, hatched, dotted) and by the
# printed numbers, so the chart reads in black and white and to colour-blind readers.
PARTS = (("met", N_("met"), "url(#fill-met)"),
         ("refused", N_("offered, refused"), "url(#fill-refused)"),
         ("not_met", N_("not met"), "url(#fill-not-met)"))
INK = "#0d3b66"
FONT = 'font-family="Noto Sans, DejaVu Sans, sans-serif"'
# Text styles as SVG presentation attributes (not CSS: WeasyPrint's CSS knows no `fill`).
TEXT = {
    "legend": 'font-size="11" fill="#1a1a1a"',
    "scale": 'font-size="9" fill="#555555"',
    "rule-id": 'font-size="11.5" font-weight="bold" fill="#1a1a1a"',
    "rule-source": 'font-size="10" fill="#333333"',
    "rate": 'font-size="12" font-weight="bold" fill="#1a1a1a"',
    "counts": 'font-size="10" fill="#333333"',
    "none": 'font-size="10" font-style="italic" fill="#555555"',
}


def _defs() -> str:
    return (
        '<defs>'
        f'<pattern id="fill-met" width="4" height="4" patternUnits="userSpaceOnUse">'
        f'<rect width="4" height="4" fill="{INK}"/></pattern>'
        '<pattern id="fill-refused" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        f'<rect width="2.2" height="6" fill="{INK}"/></pattern>'
        '<pattern id="fill-not-met" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<rect width="6" height="6" fill="#ffffff"/>'
        '<circle cx="3" cy="3" r="0.9" fill="#444444"/></pattern>'
        '</defs>')


def duty_chart(rules: tuple[RuleFigures, ...], *, width: int = 700) -> Markup:
    """One horizontal bar per duty: met (solid), refused (hatched), not met (dotted), each
    with its rate and counts written beside it."""
    label_w, bar_w, row_h, top = 210, width - 210 - 150, 46, 34
    height = top + row_h * len(rules) + 8
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} '
           f'aria-labelledby="chart-title">',
           '<title id="chart-title">'
           + escape(_("Share of applicable encounters in which each duty was met"))
           + '</title>', _defs()]
    # the legend
    x = label_w
    for _key, text, fill in PARTS:
        text = _(text)
        out.append(f'<rect x="{x}" y="6" width="16" height="12" fill="{fill}" '
                   'stroke="#000000" stroke-width="0.8"/>')
        out.append(f'<text x="{x + 21}" y="16" {TEXT["legend"]}>{escape(text)}</text>')
        x += 30 + 7 * len(text)
    for pct in (0, 50, 100):  # a light scale
        gx = label_w + bar_w * pct / 100
        out.append(f'<line x1="{gx:.1f}" y1="{top - 6}" x2="{gx:.1f}" y2="{height - 8}" '
                   'stroke="#999999" stroke-width="0.6" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{gx:.1f}" y="{top - 9}" {TEXT["scale"]} '
                   f'text-anchor="middle">{escape(interface.percent(pct / 100, digits=0))}</text>')
    for n, r in enumerate(rules):
        y = top + n * row_h
        rule = BY_ID[r.id]
        out.append(f'<text x="0" y="{y + 13}" {TEXT["rule-id"]}>{escape(r.id)}</text>')
        source = _short(f"{_(paragraph_name(r.paragraph))}: {_(rule.duty)}",
                        int((label_w - 12) / 5.6))
        out.append(f'<text x="0" y="{y + 27}" {TEXT["rule-source"]}>{escape(source)}</text>')
        bar_y, bar_h = y + 3, 24
        if not r.applicable:
            out.append(f'<rect x="{label_w}" y="{bar_y}" width="{bar_w}" height="{bar_h}" '
                       'fill="#ffffff" stroke="#000000" stroke-width="0.8" '
                       'stroke-dasharray="3 2"/>')
            out.append(f'<text x="{label_w + 8}" y="{bar_y + 16}" {TEXT["none"]}>'
                       + escape(_("applied to no encounter in this period")) + '</text>')
            continue
        x = float(label_w)
        for key, text, fill in PARTS:
            count = getattr(r, key)
            if not count:
                continue
            w = bar_w * count / r.applicable
            out.append(f'<rect x="{x:.2f}" y="{bar_y}" width="{w:.2f}" height="{bar_h}" '
                       f'fill="{fill}"><title>{escape(_(text))}: {number(count)}</title></rect>')
            x += w
        out.append(f'<rect x="{label_w}" y="{bar_y}" width="{bar_w}" height="{bar_h}" '
                   'fill="none" stroke="#000000" stroke-width="0.8"/>')
        out.append(f'<text x="{label_w + bar_w + 8}" y="{bar_y + 11}" {TEXT["rate"]}>'
                   f'{percent(r.rate)}</text>')
        counts = {"met": number(r.met), "applicable": number(r.applicable),
                  "refused": number(r.refused)}
        text = (_("%(met)s of %(applicable)s · %(refused)s refused") if r.refused
                else _("%(met)s of %(applicable)s")) % counts
        out.append(f'<text x="{label_w + bar_w + 8}" y="{bar_y + 24}" {TEXT["counts"]}>'
                   f'{escape(text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


# Per duty, in RULES order: a colour, a dash pattern and a marker shape, so that each line of
# the trend chart reads in black and white too.
SERIES = (("#0d3b66", "", "circle"), ("#b35900", "7 3", "square"),
          ("#2e7d32", "2 2.5", "triangle"), ("#6a1b9a", "9 3 2 3", "diamond"),
          ("#c62828", "1.5 3.5", "down"), ("#37474f", "12 4", "cross"))


def _marker(shape: str, x: float, y: float, ink: str, r: float = 3.6) -> str:
    """The path of a marker of `shape` centred on (x, y)."""
    if shape == "circle":
        d = (f"M{x - r:.1f} {y:.1f}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0Z")
    elif shape == "square":
        d = f"M{x - r:.1f} {y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}Z"
    elif shape == "triangle":
        d = f"M{x:.1f} {y - r - 0.6:.1f}L{x + r + 0.6:.1f} {y + r:.1f}H{x - r - 0.6:.1f}Z"
    elif shape == "down":
        d = f"M{x:.1f} {y + r + 0.6:.1f}L{x + r + 0.6:.1f} {y - r:.1f}H{x - r - 0.6:.1f}Z"
    elif shape == "diamond":
        d = f"M{x:.1f} {y - r - 0.8:.1f}L{x + r + 0.8:.1f} {y:.1f}L{x:.1f} {y + r + 0.8:.1f}" \
            f"L{x - r - 0.8:.1f} {y:.1f}Z"
    else:  # a cross
        d = (f"M{x - r:.1f} {y - r:.1f}L{x + r:.1f} {y + r:.1f}"
             f"M{x - r:.1f} {y + r:.1f}L{x + r:.1f} {y - r:.1f}")
        return f'<path d="{d}" stroke="{ink}" stroke-width="2" fill="none"'
    return f'<path d="{d}" fill="{ink}" stroke="#ffffff" stroke-width="0.6"'


def trend_chart(groups, target: float, *, width: int = 700) -> Markup:
    """`--by month`: one line per duty over the months (the share of applicable encounters
    in which it was met), a point per month in which it applied, and the target as a dashed
    line. Drawn here from the figures (no chart library); the same figures are the table
    that follows it. Each line has its colour, dash and marker, named in the legend."""
    months = [g.key for g in groups]
    if not months:
        return Markup("")
    left, right, top, plot_h = 48, 18, 16, 190
    plot_w = width - left - right
    per_row = 3
    legend_top = top + plot_h + 34
    height = legend_top + 18 * ((len(RULES) + per_row - 1) // per_row) + 4
    n = len(months)

    def x_of(i):
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    # The axis starts a little under the lowest rate or the target, at a tenth (0 % when a
    # rate is low), so that rates of 90 to 100 % do not lie on one line; its labels say so.
    rates = [r.met / r.applicable for g in groups for r in g.rules if r.applicable]
    floor = max(0.0, math.floor((min(rates + [target]) - 0.05) * 10) / 10)
    if floor <= 0.3:
        floor = 0.0

    def y_of(rate):
        return top + plot_h * (1 - (rate - floor) / (1 - floor))

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="trend" role="img" '
           f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" {FONT} '
           'aria-labelledby="trend-title trend-desc">',
           '<title id="trend-title">' + str(escape(
               _("Share of applicable encounters in which each duty was met, per month")))
           + '</title>',
           '<desc id="trend-desc">' + str(escape(
               _("One line per duty, a point per month in which the duty applied; the dashed "
                 "line is the target of %(target)s. The table below gives the figures.")
               % {"target": target_text(target)})) + '</desc>']
    for step_n in range(5):
        pct = floor + (1 - floor) * step_n / 4
        y = y_of(pct)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
                   f'stroke="#bbbbbb" stroke-width="{0.9 if step_n in (0, 4) else 0.5}"/>')
        out.append(f'<text x="{left - 6}" y="{y + 3.5:.1f}" {TEXT["scale"]} '
                   f'text-anchor="end">{escape(interface.percent(pct, digits=0))}</text>')
    y = y_of(target)
    out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
               'stroke="#1a1a1a" stroke-width="1.2" stroke-dasharray="5 4"/>')
    out.append(f'<text x="{left + plot_w}" y="{y - 4:.1f}" {TEXT["scale"]} text-anchor="end">'
               f'{escape(_("target %(target)s") % {"target": target_text(target)})}</text>')
    step = max(1, -(-n // 12))  # at most about twelve month labels
    for i, month in enumerate(months):
        if i % step == 0 or i == n - 1:
            out.append(f'<text x="{x_of(i):.1f}" y="{top + plot_h + 16}" {TEXT["scale"]} '
                       f'text-anchor="middle">{escape(month)}</text>')
    for (ink, dash, shape), rule in zip(SERIES, RULES):
        points = []
        segments, current = [], []
        for i, g in enumerate(groups):
            r = g.rule(rule.id)
            if not r.applicable:
                if current:
                    segments.append(current)
                current = []
                continue
            point = (x_of(i), y_of(r.met / r.applicable), g.key, r)
            current.append(point)
            points.append(point)
        if current:
            segments.append(current)
        out.append(f'<g class="series" data-rule="{escape(rule.id)}">')
        for segment in segments:
            if len(segment) > 1:
                coords = " ".join(f"{px:.1f},{py:.1f}" for px, py, _k, _r in segment)
                out.append(f'<polyline points="{coords}" fill="none" stroke="{ink}" '
                           'stroke-width="1.8"' + (f' stroke-dasharray="{dash}"' if dash else "")
                           + '/>')
        for px, py, key, r in points:
            label = _("%(rule)s, %(month)s: %(rate)s (%(met)s of %(applicable)s)") % {
                "rule": rule.id, "month": key, "rate": percent(r.rate), "met": number(r.met),
                "applicable": number(r.applicable)}
            out.append(_marker(shape, px, py, ink) + f' class="point" data-month="{escape(key)}">'
                       f'<title>{escape(label)}</title></path>')
        out.append('</g>')
    column_w = plot_w / per_row
    for n_rule, ((ink, dash, shape), rule) in enumerate(zip(SERIES, RULES)):
        lx = left + column_w * (n_rule % per_row)
        ly = legend_top + 18 * (n_rule // per_row)
        out.append(f'<line x1="{lx:.1f}" y1="{ly:.1f}" x2="{lx + 26:.1f}" y2="{ly:.1f}" '
                   f'stroke="{ink}" stroke-width="1.8"'
                   + (f' stroke-dasharray="{dash}"' if dash else "") + '/>')
        out.append(_marker(shape, lx + 13, ly, ink) + '/>')
        out.append(f'<text x="{lx + 32:.1f}" y="{ly + 4:.1f}" {TEXT["counts"]}>'
                   f'{escape(rule.id)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def mini_bar(r: RuleFigures, width: int = 64) -> Markup:
    """A small bar for a table cell: the met share, solid, in an outlined track."""
    if not r.applicable:
        return Markup("")
    met = width * r.met / r.applicable
    refused = width * r.refused / r.applicable
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="mini" viewBox="0 0 {width} 8" '
        f'width="{width}" height="8" aria-hidden="true">'
        f'<rect x="0" y="0" width="{met:.2f}" height="8" fill="{INK}"/>'
        + (f'<rect x="{met:.2f}" y="0" width="{refused:.2f}" height="8" fill="#ffffff" '
           f'stroke="{INK}" stroke-width="1" stroke-dasharray="1 1"/>' if refused else "")
        + f'<rect x="0.5" y="0.5" width="{width - 1}" height="7" fill="none" '
          'stroke="#000000" stroke-width="0.7"/></svg>')


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- HTML and PDF -----------------------------------------------------------------------------

def html_context(report: Report, target: float = DEFAULT_REPORT_TARGET) -> dict:
    """What the report's template sees, every sentence in the reader's language: the duties,
    the circular's paragraphs (an unofficial translation outside English), the period."""
    from leaflet import i18n

    paragraphs = []
    for ref, text in PARAGRAPHS.items():
        ids = [r.id for r in RULES if r.paragraph == ref]
        if ids:
            paragraphs.append({"ref": ref, "name": _(paragraph_name(ref)), "text": _(text),
                               "rules": ids})
    rule_info = {rule.id: {"duty": _(rule.duty), "applies_when": _(rule.applies_when),
                           "met_when": _(rule.met_when)} for rule in RULES}
    return {
        "report": report,
        "rules": RULES,
        "rule_info": rule_info,
        "circular": _(CIRCULAR),
        "paragraphs": paragraphs,
        "unofficial": i18n.current() != i18n.SOURCE,
        "period": period_text(report),
        "scope": scope_text(report),
        "by_title": _(BY_TITLES[report.by]) if report.by else "",
        "paragraph_name": lambda ref: _(paragraph_name(ref)),
        "detail": lambda v: v.detail.translated() if hasattr(v.detail, "translated")
        else v.detail,
        "chart": duty_chart(report.rules),
        "trend": trend_chart(report.groups, target) if report.by == "month" else "",
        "grid": grid([(u.key, u.encounters, u.rules) for u in report.units], target),
        "grid_total": grid([(_("all units"), report.encounters, report.rules)], target)[0],
        "group_grid": grid([(g.key, g.encounters, g.rules) for g in report.groups], target),
        "standings": legend(target),
        "target": target_text(target),
        "far_below": interface.percent(FAR_BELOW, digits=0),
        "few_under": number(FEW),
        "few_mark": FEW_MARK,
        "follow_groups": follow_up_by_unit(report.violations),
        "mini_bar": mini_bar,
        "number": number,
        "percent": percent,
        "local_time": lambda text: periods.local_text(text, report.timezone),
    }


def to_html(report: Report, templates_dir: Path, target: float = DEFAULT_REPORT_TARGET
            ) -> str:
    """The report's page in the reader's language (leaflet.i18n; `leaflet report --lang`)."""
    import jinja2

    from leaflet.errors import TemplateError
    from leaflet.render import templates as edition_render

    env = edition_render.environment(templates_dir)
    interface.install(env)
    try:
        return env.get_template(TEMPLATE).render(html_context(report, target))
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(_("template syntax error: %(reason)s") % {"reason": exc.message},
                            path=exc.filename or TEMPLATE, line=exc.lineno) from None


def to_pdf(html: str, templates_dir: Path) -> tuple[bytes, int, list[str]]:
    """PDF bytes, page count and WeasyPrint's warnings."""
    from leaflet.render.pdf import render_pdf

    try:
        return render_pdf(html, str(templates_dir) + "/")
    except Exception as exc:  # WeasyPrint's own errors: say which template
        raise BuildError(_("rendering the report's PDF failed: %(reason)s") % {"reason": exc},
                         path=templates_dir / TEMPLATE) from exc
