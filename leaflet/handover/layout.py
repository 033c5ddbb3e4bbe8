"""The stored layout of the log, shared by both writers: table and column names, the schema
version, and how one Encounter becomes rows.

Two writers append records: the SQLAlchemy store (every backend) and, on the hand-over path,
a standard-library SQLite appender that avoids SQLAlchemy's import cost. Both build their rows
here, so the bytes they store cannot drift apart. Standard library only.
"""

from __future__ import annotations

from typing import Any

from leaflet.handover.model import FIELDS, Encounter

SCHEMA_VERSION = 1  # the version this code writes; leaflet.handover.schema.MIGRATIONS has them all
SCHEMA_TABLE = "leaflet_schema"
LOG_TABLE = "encounter"
LANGUAGE_TABLE = "encounter_language"

# `person_languages` lives in LANGUAGE_TABLE, one row per code, so that SQL can count them.
RECORD_COLUMNS = tuple(f for f in FIELDS if f != "person_languages")
LOG_COLUMNS = ("seq", *RECORD_COLUMNS, "occurred_utc", "recorded_at", "prev_hash", "hash")
LANGUAGE_COLUMNS = ("seq", "position", "code")

# How SQLAlchemy's DateTime stores a value in SQLite; the stdlib appender writes the same text.
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def log_row(encounter: Encounter, *, seq: int, recorded_at: str, prev_hash: str,
            hash: str) -> dict[str, Any]:
    """The LOG_TABLE row of a record; occurred_utc is a naive UTC datetime."""
    row = {"seq": seq}
    row.update({name: getattr(encounter, name) for name in RECORD_COLUMNS})
    row.update(occurred_utc=encounter.occurred_utc, recorded_at=recorded_at,
               prev_hash=prev_hash, hash=hash)
    return row


def language_rows(encounter: Encounter, seq: int) -> list[dict[str, Any]]:
    return [{"seq": seq, "position": i, "code": code}
            for i, code in enumerate(encounter.person_languages, start=1)]
