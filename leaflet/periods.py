"""Days, time zones and moments in UTC: what every command that takes a period shares.

A period is `--from` (inclusive) to `--to` (exclusive), both calendar days of a time zone
(leaflet.toml `[report] timezone`, default Europe/Brussels): `--from 2026-10-01 --to
2027-01-01` is the fourth quarter of 2026, from local midnight to local midnight. The bounds
are computed here with zoneinfo and compared with the stored `occurred_utc` column, so SQL
never needs a time zone function (SQLite has none) and the same statement runs everywhere.
Months, for `--by month`, are bounded the same way. A day from the command line is
`YYYY-MM-DD` exactly (not the other forms `date.fromisoformat` accepts, like `20261231` or
`2026-W53-4`), from FIRST_DAY to LAST_DAY: outside that range the UTC bounds would overflow
in some time zones, and a period of eight thousand years is a typo.

The log stores each record's `occurred_at` as written (with its offset) and, for SQL, the
same moment in UTC without a zone (`occurred_utc`); `recorded_at` is the writer's clock in
UTC. Standard library only: the hand-over path uses it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from leaflet.errors import ConfigError, UsageError
from leaflet.i18n import _
from leaflet.textsafety import clip

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


def utc_of(occurred_at) -> dt.datetime | None:
    """An occurred_at text in UTC without tzinfo (as stored in occurred_utc); None for a text
    that is not one (only a row rewritten outside leaflet holds such a text)."""
    try:
        return (dt.datetime.fromisoformat(occurred_at).astimezone(dt.timezone.utc)
                .replace(tzinfo=None))
    except (TypeError, ValueError, OverflowError):
        return None


def utc_now_text() -> str:
    """Now in UTC as stored in `recorded_at`: 2026-12-01T09:30:00.123Z."""
    now = dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def local_now_text() -> str:
    """Now with the machine's UTC offset, the default of occurred_at."""
    return dt.datetime.now().astimezone().replace(microsecond=0).isoformat()


def day(text: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD calendar day from FIRST_DAY to LAST_DAY; None for None or ""."""
    if text is None or text == "":
        return None
    parsed = None
    if len(text) == 10 and text.isascii() and text[4] == "-" and text[7] == "-":
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            parsed = None
    if parsed is None:
        raise UsageError(_("%(option)s %(value)s is not a calendar day (YYYY-MM-DD)")
                         % {"option": option, "value": clip(text)},
                         hint=_("periods are whole days in the report time zone"))
    if not FIRST_DAY <= parsed <= LAST_DAY:
        # Translators: %(first)s and %(last)s are days, like 1900-01-01.
        raise UsageError(_("%(option)s %(value)s is outside %(first)s to %(last)s")
                         % {"option": option, "value": text, "first": FIRST_DAY,
                            "last": LAST_DAY},
                         hint=_("leave %(option)s out for a period open at that end")
                         % {"option": option}
                         if option in ("--from", "--to") else _("give a day in that range"))
    return parsed


def zone(name: str, *, where=None):
    """The ZoneInfo for `name`; ConfigError naming leaflet.toml's [report] timezone if unknown."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        path, line = where if where else (None, None)
        from leaflet.textsafety import clip

        raise ConfigError(_("[report] timezone %(value)s is not a known time zone")
                          % {"value": clip(name)}, path=path,
                          line=line, hint=_("use an IANA name like Europe/Brussels (Debian "
                                            "package tzdata)")) from None


def parse_day(text: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD calendar day from the command line (`day`); UsageError naming the
    option."""
    return day(text, option)


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
        raise UsageError(_("--to %(end)s is not after --from %(start)s")
                         % {"end": end.isoformat(), "start": start.isoformat()},
                         hint=_("--to is exclusive: --from 2026-12-01 --to 2026-12-02 is one "
                                "day"))
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


def moment_utc(text: str | None, timezone: str, option: str, *, end_of_day: bool):
    """A `--from`/`--to`/`--before` value (a day of `timezone`, or an ISO 8601 date and time,
    read in `timezone` without an offset) as a naive UTC instant; None when not given.
    UsageError naming `option`; ConfigError for an unknown time zone."""
    if text is None or text == "":
        return None
    tz = zone(timezone)
    bad = UsageError(_("%(option)s %(value)s is not a date (YYYY-MM-DD) or an ISO 8601 "
                       "date and time") % {"option": option, "value": clip(text)},
                     hint=_("like 2026-12-01 or 2026-12-01T14:30+01:00"))
    if not text.isascii() or len(text) > 40 or text != text.strip():
        raise bad
    try:
        if len(text) == 10:
            if text[4] != "-" or text[7] != "-":
                raise ValueError(text)  # not the other forms fromisoformat reads (2026-W49-1)
            day = dt.date.fromisoformat(text)
            moment = None
        else:
            moment = dt.datetime.fromisoformat(text)
            day = moment.date()
    except ValueError:
        raise bad from None
    if not FIRST_DAY <= day <= LAST_DAY:
        # Translators: %(first)s and %(last)s are days, like 1900-01-01.
        raise UsageError(_("%(option)s %(value)s is outside %(first)s to %(last)s")
                         % {"option": option, "value": clip(text), "first": FIRST_DAY,
                            "last": LAST_DAY},
                         hint=_("leave %(option)s out for a period open at that end")
                         % {"option": option})
    if moment is None:
        if end_of_day:
            day += dt.timedelta(days=1)
        moment = dt.datetime.combine(day, dt.time(), tz)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
