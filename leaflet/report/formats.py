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

log = logging.getLogger(__name__)

TEMPLATE = "report.html.j2"
BY_TITLES = {"unit": N_("unit"), "service": N_("service"),
             "language": N_("language understood"), "month": N_("month")}


def render(report: Report, fmt: str, *, templates_dir: Path | None = None,
           table: str = "figures") -> bytes:
    if fmt == "json":
        return to_json(report).encode("utf-8")
    if fmt == "csv":
        return to_csv(report, table).encode("utf-8")
    if fmt == "table":
        return to_table(report).encode("utf-8")
    if fmt in ("html", "pdf"):
        if templates_dir is None:
            raise UsageError(_("--format %(format)s needs the workspace's templates")
                             % {"format": fmt},
                             hint=_("run inside a workspace or pass --workspace DIR"))
        html = to_html(report, templates_dir)
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
    the follow-up list, the language gaps or the editions.

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
    elif table == "editions":
        write(["edition", "given"])
        for edition in report.editions:
            write([edition.edition or "", edition.given])
    else:
        raise UsageError(_("--table %(table)s is not one of %(tables)s")
                         % {"table": repr(table), "tables": ", ".join(CSV_TABLES)})
    return out.getvalue()


# --- the terminal table -----------------------------------------------------------------------

def to_table(report: Report) -> str:
    """The report for a terminal, in the reader's language; duty ids and codes as stored."""
    lines = [_("Compliance report: %(period)s (%(zone)s), %(scope)s")
             % {"period": period_text(report), "zone": report.timezone,
                "scope": scope_text(report)},
             _("encounters %(encounters)s (of which %(corrected)s counted through a "
               "correction), to follow up %(follow_up)s")
             % {"encounters": number(report.encounters), "corrected": number(report.corrected),
                "follow_up": number(report.follow_up)},
             _("log: %(records)s records, head %(head)s")
             % {"records": number(report.log.get("records", 0)),
                "head": (report.log.get("head") or "-")[:16]}, ""]
    titles = [_("duty"), _("paragraph"), _("applicable"), _("met"), _("refused"),
              _("not met"), _("rate")]
    widths = [26, 19] + [max(least, len(t) + 1) for least, t in zip((11, 9, 9, 9, 9),
                                                                     titles[2:])]
    header = (f"{titles[0]:{widths[0]}}{titles[1]:{widths[1]}}"
              + "".join(f"{t:>{w}}" for t, w in zip(titles[2:], widths[2:])))
    lines += [header, "-" * len(header)]
    for r in report.rules:
        cells = [number(r.applicable), number(r.met), number(r.refused), number(r.not_met),
                 percent(r.rate)]
        paragraph = _(paragraph_name(r.paragraph))
        lines.append(f"{r.id:{widths[0]}}{paragraph:{widths[1]}}"
                     + "".join(f"{c:>{w}}" for c, w in zip(cells, widths[2:])))
    if report.by:
        lines += ["", _("By %(group)s (rate met, met/applicable):")
                  % {"group": _(BY_TITLES[report.by])}]
        width = max([len(g.key) for g in report.groups] + [8])
        encounters = _("encounters")
        count_width = max(10, len(encounters))
        lines.append(f"{'':{width}}  {encounters:>{count_width}}  " + "  ".join(
            f"{r.id:>24}" for r in RULES))
        for g in report.groups:
            cells = "  ".join(f"{_cell(r):>24}" for r in g.rules)
            lines.append(f"{g.key:{width}}  {number(g.encounters):>{count_width}}  {cells}")
    lines += ["", _("Language gaps (no leaflet in a language the person understands):")]
    lines += [f"  {gap.language:12}{number(gap.encounters):>8}" for gap in report.language_gaps]
    if not report.language_gaps:
        lines.append("  " + _("none"))
    lines += ["", _("Leaflets given per edition:")]
    lines += [f"  {e.edition or _('(not recorded)'):16}{number(e.given):>8}"
              for e in report.editions]
    if not report.editions:
        lines.append("  " + _("none"))
    values = {"total": number(report.violations_total), "shown": number(len(report.violations))}
    lines += ["", (_("Follow-up (%(total)s failed duties):") if report.complete
                   else _("Follow-up (%(total)s failed duties, first %(shown)s):")) % values]
    for v in report.violations:
        detail = v.detail.translated() if hasattr(v.detail, "translated") else v.detail
        lines.append(f"  {periods.local_text(v.occurred_at, report.timezone)}  {v.service:21} "
                     f"{v.unit:12} {v.rule:25} {v.id}  {detail}")
    if not report.violations:
        lines.append("  " + _("none"))
    return "\n".join(lines) + "\n"


def paragraph_name(ref: str) -> str:
    from leaflet.duties.rules import PARAGRAPH_NAMES

    return PARAGRAPH_NAMES.get(ref, ref)


def _cell(r: RuleFigures) -> str:
    return "—" if not r.applicable else f"{percent(r.rate)} {r.met}/{r.applicable}"


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

def html_context(report: Report) -> dict:
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
        "mini_bar": mini_bar,
        "number": number,
        "percent": percent,
        "local_time": lambda text: periods.local_text(text, report.timezone),
    }


def to_html(report: Report, templates_dir: Path) -> str:
    """The report's page in the reader's language (leaflet.i18n; `leaflet report --lang`)."""
    import jinja2

    from leaflet.errors import TemplateError
    from leaflet.render import templates as edition_render

    env = edition_render.environment(templates_dir)
    interface.install(env)
    try:
        return env.get_template(TEMPLATE).render(html_context(report))
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
