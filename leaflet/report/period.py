"""Calendar days and months of the report time zone, as the UTC bounds SQL compares with.

A period is `--from` (inclusive) to `--to` (exclusive), both calendar days in the report time
zone (leaflet.toml `[report] timezone`, default Europe/Brussels): `--from 2026-10-01 --to
2027-01-01` is the fourth quarter of 2026, from local midnight to local midnight. The bounds
are computed here with zoneinfo and compared with the stored `occurred_utc` column, so SQL
never needs a time zone function (SQLite has none) and the same statement runs everywhere.
Months, for `--by month`, are bounded the same way: a list of UTC instants where each local
month begins. Standard library only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leaflet.errors import ConfigError, UsageError


def zone(name: str, *, where=None):
    """The ZoneInfo for `name`; ConfigError naming leaflet.toml's [report] timezone if unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        path, line = where if where else (None, None)
        from leaflet.textsafety import clip

        raise ConfigError(f"[report] timezone {clip(name)} is not a known time zone", path=path,
                          line=line, hint="use an IANA name like Europe/Brussels (Debian "
                                          "package tzdata)") from None


def parse_day(text: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD calendar day from the command line (leaflet.report.options.day: exactly
    that form, from 1900-01-01 to 2999-12-31); UsageError naming the option."""
    from leaflet.report import options

    return options.day(text, option)


def local_midnight_utc(day: dt.date, tz) -> dt.datetime:
    """The UTC instant (naive, as stored in occurred_utc) at which `day` begins in `tz`."""
    local = dt.datetime.combine(day, dt.time(), tz)
    return local.astimezone(dt.timezone.utc).replace(tzinfo=None)


@dataclass(frozen=True)
class Period:
    """[start, end) as calendar days of `timezone`, and the same as naive UTC instants."""

    start: dt.date | None
    end: dt.date | None
    timezone: str
    start_utc: dt.datetime | None
    end_utc: dt.datetime | None


def period(start: dt.date | None, end: dt.date | None, timezone: str, *, where=None) -> Period:
    """The period from `start` (inclusive) to `end` (exclusive) in `timezone`."""
    tz = zone(timezone, where=where)
    if start is not None and end is not None and end <= start:
        raise UsageError(f"--to {end.isoformat()} is not after --from {start.isoformat()}",
                         hint="--to is exclusive: --from 2026-12-01 --to 2026-12-02 is one day")
    return Period(start, end, timezone,
                  local_midnight_utc(start, tz) if start else None,
                  local_midnight_utc(end, tz) if end else None)


def month_key(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def _next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def months(first: dt.date, last: dt.date, timezone: str) -> list[tuple[str, dt.datetime]]:
    """Every local month from the one holding `first` to the one holding `last`, as
    (key "YYYY-MM", UTC instant at which that month begins in `timezone`)."""
    tz = zone(timezone)
    day = first.replace(day=1)
    found = []
    while day <= last:
        found.append((month_key(day), local_midnight_utc(day, tz)))
        day = _next_month(day)
    return found


def local_day(moment_utc: dt.datetime, timezone: str) -> dt.date:
    """The calendar day in `timezone` of a naive UTC instant."""
    return moment_utc.replace(tzinfo=dt.timezone.utc).astimezone(zone(timezone)).date()


def local_text(occurred_at: str, timezone: str) -> str:
    """A stored occurred_at shown in the report time zone: 2026-12-31 23:30."""
    moment = dt.datetime.fromisoformat(occurred_at).astimezone(zone(timezone))
    return moment.strftime("%Y-%m-%d %H:%M")
