"""The hand-over log's core functions, one per command: plain values in, plain data out.

`record` is the desk's path and is kept light: it validates with the standard library and
Babel's locale index, and appends through the stdlib SQLite appender when it can; SQLAlchemy
is imported only when the log must be created, upgraded or is not a SQLite file. Every other
function opens the SQLAlchemy store.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any, Iterator, Mapping

from leaflet.errors import ConfigError, UsageError
from leaflet.handover import location
from leaflet.handover.model import local_now_text, new_id, validate
from leaflet.workspace import DEFAULT_CASE_REF_PATTERN, DEFAULT_TIMEZONE


def record(db: str | None, values: Mapping[str, Any], *,
           case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN) -> str:
    """Validate one encounter and append it to the log at `db`; returns the new record's id.

    `values` holds the format's fields; `id` and `occurred_at` default to a new UUID and now.
    """
    values = dict(values)
    values["id"] = values.get("id") or new_id()
    values["occurred_at"] = values.get("occurred_at") or local_now_text()
    encounter = validate(values, case_ref_pattern=case_ref_pattern, strict_fields=False)
    url = location.resolve(db)
    path = location.sqlite_file(url)
    if path is not None:
        from leaflet.handover import sqlite_fast

        if sqlite_fast.append(path, encounter) is not None:
            return encounter.id
    open_store(url, resolved=True).append(encounter)
    return encounter.id


def open_store(db: str | None, *, resolved: bool = False):
    """The SQLAlchemy store of the log at `db` (None: the default file)."""
    from leaflet.handover.store import Store

    return Store(db if resolved else location.resolve(db))


def upgrade(db: str | None) -> dict[str, Any]:
    """Create the log or bring it to the current schema version; says what was done."""
    from leaflet.handover.layout import SCHEMA_VERSION

    store = open_store(db)
    before, applied = store.upgrade()
    return {"database": store.display_url, "from": before, "applied": applied,
            "version": SCHEMA_VERSION}


def verify(db: str | None, *, expect_head: str | None = None):
    """Walk the chain: VerifyResult(count, head, warnings), or ChainBroken."""
    return open_store(db).verify(expect_head=expect_head)


def period(start: str | None, end: str | None, timezone: str = DEFAULT_TIMEZONE,
           unit: str | None = None):
    """A Filter from `--from`/`--to` values: dates are whole days in `timezone` (`--to`
    included), date-times without an offset are read in `timezone`."""
    from leaflet.handover.store import Filter

    return Filter(start=_moment(start, timezone, "--from", end_of_day=False),
                  end=_moment(end, timezone, "--to", end_of_day=True), unit=unit)


def _moment(text: str | None, timezone: str, option: str, *, end_of_day: bool):
    if not text:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"[report] timezone {timezone!r} is not a known time zone",
                          hint="install tzdata, or set an IANA name like Europe/Brussels"
                          ) from None
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time(), zone)
            if end_of_day:
                moment = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), zone)
        else:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=zone)
        return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    except (ValueError, OverflowError):
        raise UsageError(f"{option} {text!r} is not a date (YYYY-MM-DD) or an ISO 8601 "
                         "date and time") from None


def records(db: str | None, where=None) -> Iterator[dict[str, Any]]:
    """The records in chain order, each with its chain fields."""
    from leaflet.handover.store import Filter

    for stored in open_store(db).records(where or Filter()):
        yield stored.to_dict(with_chain=True)


def show(db: str | None, record_id: str) -> dict[str, Any]:
    """One record with its chain fields and `amended_by`: the ids of its corrections."""
    stored, amended_by = open_store(db).get(record_id)
    data = stored.to_dict(with_chain=True)
    data["amended_by"] = amended_by
    return data


def export(db: str | None, out: IO[str], *, fmt: str = "jsonl", with_chain: bool = False,
           where=None) -> int:
    """Write the records to `out` as JSON Lines or CSV; returns how many."""
    from leaflet.handover import interchange
    from leaflet.handover.store import Filter

    rows = (s.to_dict(with_chain=with_chain) for s in open_store(db).records(where or Filter()))
    if fmt == "jsonl":
        return interchange.write_jsonl(rows, out)
    if fmt == "csv":
        return interchange.write_csv(rows, out, with_chain=with_chain)
    raise UsageError(f"unknown export format {fmt!r} (jsonl or csv)")


def import_file(db: str | None, path: str, *, case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN,
                text: str | None = None) -> Iterator[tuple[str, bool]]:
    """Import a JSON Lines file: checks every line first, then yields (id, added) after each
    record's commit. ImportRefused (nothing imported) when any line is bad."""
    from leaflet.handover import interchange

    items = interchange.read_jsonl(path, case_ref_pattern=case_ref_pattern, text=text)
    for encounter, added in open_store(db).import_records(items, path=str(path)):
        yield encounter.id, added
