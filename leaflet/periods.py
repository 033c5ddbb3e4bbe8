"""Days, time zones and moments in UTC: what every command that takes a period shares.

The log stores each record's `occurred_at` as written (with its offset) and, for SQL, the
same moment in UTC without a zone (`occurred_utc`); `recorded_at` is the writer's clock in
UTC. Standard library only: the hand-over path uses it.
"""

from __future__ import annotations

import datetime as dt


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
