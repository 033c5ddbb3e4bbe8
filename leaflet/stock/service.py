"""The stock commands' core functions: plain values in, plain data out.

Each opens the ledger in the log's database (`--db` / LEAFLET_DB, resolved exactly as the
hand-over commands resolve it) and returns dicts the CLI prints as a table or JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from leaflet.errors import ConfigError, UsageError
from leaflet.handover import location
from leaflet.workspace import DEFAULT_TIMEZONE


def open_ledger(db: str | None):
    from leaflet.stock.ledger import Ledger

    return Ledger(location.resolve(db))


def receive(db: str | None, unit: str, edition: str | None, items: Iterable[str], *,
            occurred_at: str | None = None, note: str | None = None) -> dict[str, Any]:
    """Record copies a unit received (from the print shop); its on-hand after, per language."""
    from leaflet.stock.ledger import parse_lines

    lines = parse_lines(items)
    if not edition:
        raise UsageError("--edition is required outside a workspace")
    return open_ledger(db).receive(unit, edition, lines, occurred_at=occurred_at, note=note)


def transfer(db: str | None, source: str, dest: str, edition: str | None,
             items: Iterable[str], *, occurred_at: str | None = None,
             note: str | None = None) -> dict[str, Any]:
    """Record copies sent from one unit to another; the source's on-hand after."""
    from leaflet.stock.ledger import parse_lines

    lines = parse_lines(items)
    if not edition:
        raise UsageError("--edition is required outside a workspace")
    return open_ledger(db).transfer(source, dest, edition, lines, occurred_at=occurred_at,
                                    note=note)


def window(as_of: str | None, timezone: str = DEFAULT_TIMEZONE
           ) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """(as-of day, until, since): until is the end of the as-of day in `timezone` and since
    is WINDOW_DAYS before it, both naive UTC as the log stores occurred_utc."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from leaflet.stock.ledger import WINDOW_DAYS

    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"[report] timezone {timezone!r} is not a known time zone") from None
    if as_of:
        try:
            day = dt.date.fromisoformat(as_of)
        except ValueError:
            raise UsageError(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)") from None
    else:
        day = dt.datetime.now(zone).date()
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
    start = dt.datetime.combine(day + dt.timedelta(days=1 - WINDOW_DAYS), dt.time(), zone)

    def utc(moment: dt.datetime) -> dt.datetime:
        return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)

    return day, utc(end), utc(start)


def status(db: str | None, workspace, *, unit: str | None = None,
           as_of: str | None = None) -> dict[str, Any]:
    """What every unit holds per language and edition, how fast it goes, what to reorder and
    what to withdraw, as of the end of `as_of` (default today) in the report time zone."""
    from leaflet.stock.ledger import REORDER_WEEKS, WINDOW_DAYS

    if unit is not None:
        from leaflet.stock.ledger import check_field

        unit = check_field("unit", "--unit", unit)
    day, until, since = window(as_of, workspace.timezone)
    rows = open_ledger(db).status(until=until, since=since,
                                  current_edition=workspace.edition_id, unit=unit)
    return {
        "as_of": day.isoformat(),
        "timezone": workspace.timezone,
        "current_edition": workspace.edition_id,
        "window_days": WINDOW_DAYS,
        "reorder_below_weeks": REORDER_WEEKS,
        "unit": unit,
        "rows": [row.as_dict() for row in rows],
        "summary": {
            "units": len({row.unit for row in rows}),
            "reorder": sum(row.reorder for row in rows),
            "negative": sum(row.negative for row in rows),
            "withdraw_copies": sum(row.withdraw for row in rows),
        },
    }
