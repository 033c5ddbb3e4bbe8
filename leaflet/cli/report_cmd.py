"""`leaflet report`: each duty of the circular, per unit and period, for a supervisor or auditor.

The command parses its options, asks leaflet.report.service for the Report and its rendering,
and writes the bytes to stdout or, atomically, to --output. Nothing heavy is imported before
the command runs.
"""

from __future__ import annotations

import click

from leaflet.cli.handover_cmd import db_option
from leaflet.duties.choices import SERVICES
from leaflet.i18n import _

from leaflet.i18n import LANGUAGES
from leaflet.report.choices import BY, CSV_TABLES, FORMATS
DEFAULT_MAX_FOLLOW_UP = 1000



@click.command(help=_("Each duty of the 13 January 1997 instructions: applicable, met, refused, "
                      "not met.\n\n"
                      "Counts the latest version of every encounter recorded in the hand-over "
                      "log, in the period (calendar days in leaflet.toml's [report] timezone, "
                      "default Europe/Brussels; --from included, --to excluded), with the "
                      "follow-up list, the language gaps and the editions handed over.\n\n"
                      "\b\n"
                      "Example:  leaflet report --from 2026-10-01 --to 2027-01-01 --by unit \\\n"
                      "            --format html -o q4-2026.html"))
@click.option("--from", "start", metavar="DATE",
              help=_("First day of the period, included (YYYY-MM-DD, report time zone)."))
@click.option("--to", "end", metavar="DATE",
              help=_("Day after the period, excluded (YYYY-MM-DD): --from 2026-10-01 "
                     "--to 2027-01-01 is the fourth quarter of 2026."))
@click.option("--service", type=click.Choice(SERVICES), help=_("Only this service's encounters."))
@click.option("--unit", metavar="CODE", help=_("Only this unit's encounters."))
@click.option("--by", type=click.Choice(BY),
              help=_("Also give the figures per unit, service, language the person understands, "
                     "or month (report time zone)."))
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table",
              show_default=True, help=_("json is the stable interface (docs/report-format.md)."))
@click.option("--table", "table", type=click.Choice(CSV_TABLES), default="figures",
              show_default=True, help=_("Which table --format csv writes."))
@click.option("--max-follow-up", type=click.IntRange(min=0), default=DEFAULT_MAX_FOLLOW_UP,
              show_default=True,
              help=_("Lines of the follow-up list shown by table, html and pdf (0: all). "
                     "json and csv always hold the whole list."))
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help=_("Write to this file, atomically (default: stdout); its folder is created "
                     "if missing."))
@click.option("--lang", "lang", type=click.Choice(LANGUAGES), metavar="|".join(LANGUAGES),
              help=_("The language of the table, HTML and PDF (default: the environment's, "
                     "as LANGUAGE or LANG say; English otherwise). CSV and JSON keep their "
                     "English keys."))
@db_option
@click.pass_obj
def report(settings, start, end, service, unit, by, fmt, table, max_follow_up, output, db,
           lang):
    import sys

    from leaflet.errors import UsageError
    from leaflet.files import write_atomic
    from leaflet import files
    from leaflet.report import service as report_service
    from leaflet.workspace import DEFAULT_REPORT_TARGET, DEFAULT_TIMEZONE

    if table != "figures" and fmt != "csv":
        raise click.UsageError(_("--table chooses the table of --format csv"))
    if fmt == "pdf" and output is None and sys.stdout.isatty():
        raise click.UsageError(_("--format pdf writes binary data: give --output FILE"))
    # Where the report goes is checked before it is computed; never over the log it reads.
    target = files.output_file(output, "--output", not_into=[_log_file(db)])
    workspace = settings.workspace_or_none()
    if fmt in ("html", "pdf") and workspace is None:
        # Translators: %(format)s is html or pdf.
        raise UsageError(_("--format %(format)s renders templates/report.html.j2 of a "
                           "workspace") % {"format": fmt},
                         hint=_("run inside a workspace or pass --workspace DIR"))
    timezone = workspace.timezone if workspace else DEFAULT_TIMEZONE
    source = (workspace.path, workspace.line_of("report", "timezone")) if workspace else None
    limit = None if fmt in ("json", "csv") or max_follow_up == 0 else max_follow_up
    result = report_service.make_report(db, start=start, end=end, timezone=timezone,
                                        service=service, unit=unit, by=by,
                                        max_violations=limit, timezone_source=source,
                                        for_format=fmt)
    from leaflet import i18n

    with i18n.language(lang):
        data = report_service.render(
            result, fmt, table=table, templates_dir=workspace.templates_dir if workspace else None,
            target=workspace.report_target if workspace else DEFAULT_REPORT_TARGET)
    if target is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        try:
            write_atomic(target, data)
        except OSError as error:
            raise files.write_error("--output", target, error) from None
        click.echo(_("wrote %(path)s (%(encounters)s encounters, %(failed)s failed duties)")
                   % {"path": output, "encounters": result.encounters,
                      "failed": result.violations_total}, err=True)


def _log_file(db):
    """The SQLite file the report reads (None for other databases or a value that names
    none); --output may not name it."""
    from leaflet.storage import location

    try:
        url = location.resolve(db or None, create_folder=False)
    except (OSError, ValueError):  # a bad --db is reported by the report itself
        return None
    return location.sqlite_file(url)


COMMANDS = [report]
