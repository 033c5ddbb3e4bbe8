"""The report's core functions: plain values in, a Report or rendered bytes out.

`make_report` opens the log named by `--db` (resolved as the hand-over commands resolve it),
refuses a database that holds no log or a log at another schema version (it never creates
or upgrades anything: a report only reads), and runs every statement of leaflet.report.query
in one read-only snapshot.
"""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path

from leaflet.duties.choices import SERVICES
from leaflet.i18n import _
from leaflet.storage.errors import StoreError
from leaflet import periods as periods
from leaflet.workspace import DEFAULT_REPORT_TARGET, DEFAULT_TIMEZONE

from leaflet.report.choices import BY, FORMATS  # noqa: F401  (FORMATS: the CLI's --format)


@contextlib.contextmanager
def bulk():
    """No cyclic garbage collection while a report is made or rendered.

    A long follow-up list is a hundred thousand small, acyclic objects (lines, tuples, dicts);
    each batch of them would make the collector walk every object made before: on a million
    encounters that is about half of the time spent in Python. Reference counting still frees
    everything; collection resumes afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def open_log(db: str | None):
    """The database of the log at `db` (None: the default file); NoLog when there is none and
    DamagedLog for a file that is not a whole SQLite database. Creates nothing: no folder, no
    file, no table (leaflet.storage.access)."""
    from leaflet.storage import access

    url = access.reader_url(db)
    from leaflet.storage.database import Database

    return Database(url)


@contextlib.contextmanager
def snapshot(store):
    """A read-only transaction with one snapshot of the log, its schema checked."""
    import sqlalchemy as sa
    from sqlalchemy import exc

    from leaflet.storage import access

    try:
        with store.engine.connect() as conn:
            if store.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ",
                                              postgresql_readonly=True)
            with conn.begin():
                if store.dialect == "postgresql":
                    # The report's statements look up a person's languages once per record,
                    # so PostgreSQL costs them high enough to JIT-compile them, which takes
                    # longer than running them (0.6 s of 1 s on 200,000 records). For this
                    # transaction only.
                    conn.exec_driver_sql("SET LOCAL jit = off")
                access.require_log(conn, store.display_url)
                yield conn
    except (exc.OperationalError, exc.ProgrammingError) as error:
        message = (str(error.orig or error).strip().splitlines() or ["error"])[0]
        raise StoreError(f"{store.display_url}: {message}") from None
    except sa.exc.DBAPIError as error:  # anything else the driver raised
        raise StoreError(f"{store.display_url}: {error.orig or error}") from None


def make_report(db: str | None, *, start: str | None = None, end: str | None = None,
                timezone: str = DEFAULT_TIMEZONE, service: str | None = None,
                unit: str | None = None, by: str | None = None,
                max_violations: int | None = None, timezone_source=None,
                for_format: str | None = None):
    """The Report of the log at `db` for [start, end) (YYYY-MM-DD days in `timezone`).

    `max_violations` cuts the follow-up list short (its full length stays in
    `violations_total`); `timezone_source` is (path, line) of the setting, for its errors;
    `for_format` "json" lets the reader prepare the follow-up list's JSON text; "html" and
    "pdf" also count the figures per unit (Report.units: the first page's unit × duty grid).
    """
    from leaflet.errors import UsageError
    from leaflet.duties import record
    from leaflet import textsafety

    # Every value first, with the standard library only: a refusal costs no SQLAlchemy import
    # and opens no database.
    span = periods.period(periods.parse_day(start, "--from"), periods.parse_day(end, "--to"),
                          timezone, where=timezone_source)
    if by is not None and by not in BY:
        raise UsageError(_("--by %(value)s is not one of %(choices)s")
                         % {"value": textsafety.clip(by), "choices": ", ".join(BY)})
    unit = record.option_code(unit, "--unit")
    if service is not None and service not in SERVICES:
        raise UsageError(_("--service %(value)s is not one of %(choices)s")
                         % {"value": textsafety.clip(service), "choices": ", ".join(SERVICES)})
    from leaflet.storage import location
    from leaflet.storage import access

    url = access.reader_url(db)
    path = location.sqlite_file(url)
    units = for_format in ("html", "pdf")
    if path is not None and by is None and not units:
        # A SQLite log at this leaflet's schema version: read with the standard library
        # (leaflet.report.fast_reader); None when the SQLAlchemy reader must do it.
        from leaflet.report import fast_reader

        with bulk():
            json_lines = None
            if for_format == "json":
                from leaflet.report.formats import violation_json as json_lines
            report = fast_reader.build(path, span, service=service, unit=unit,
                                       max_violations=max_violations, json_lines=json_lines)
        if report is not None:
            return report
    store = open_log(db)
    from leaflet.report import query

    with bulk(), snapshot(store) as conn:
        return query.build(conn, span, service=service, unit=unit, by=by,
                           max_violations=max_violations, other=lambda: snapshot(store),
                           units=units)


def render(report, fmt: str, *, templates_dir: Path | None = None, table: str = "figures",
           target: float = DEFAULT_REPORT_TARGET) -> bytes:
    """`report` as bytes in `fmt` (table, csv, json, html or pdf); `target` ([report]
    target, a share from 0 to 1) is what the grid and the table's marks compare rates with."""
    from leaflet.report import formats as renderings

    with bulk():
        return renderings.render(report, fmt, templates_dir=templates_dir, table=table,
                                 target=target)
