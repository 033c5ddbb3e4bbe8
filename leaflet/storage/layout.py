"""The stored layout of the log, shared by both writers: the record's fields, table and
column names, the schema version, and how one record (an Encounter) becomes rows.

Two writers append records: the SQLAlchemy store (every backend) and, on the hand-over path,
a standard-library SQLite appender that avoids SQLAlchemy's import cost. Both build their rows
here, so the bytes they store cannot drift apart. Standard library only.
"""

from __future__ import annotations

from typing import Any

from leaflet.duties.record import FIELDS
from leaflet.storage import chain


SCHEMA_VERSION = 4  # the version this code writes; leaflet.storage.migrations has them all
SCHEMA_TABLE = "leaflet_schema"
LOG_TABLE = "encounter"
LANGUAGE_TABLE = "encounter_language"
SECRET_TABLE = "encounter_secret"
EVENT_TABLE = "log_event"
OUTCOME_TABLE = "encounter_outcome"
# The fields that may be erased after the retention period (they could lead back to a
# person); the chain commits to them through salted commitments (leaflet.storage.chain).
ERASABLE = ("case_ref", "not_given_note")
SECRET_COLUMNS = ("seq", "case_ref_salt", "case_ref_commit", "not_given_note_salt",
                  "not_given_note_commit", "v1_digest")

# `person_languages` lives in LANGUAGE_TABLE, one row per code, so that SQL can count them.
RECORD_COLUMNS = tuple(f for f in FIELDS if f != "person_languages")
LOG_COLUMNS = ("seq", *RECORD_COLUMNS, "occurred_utc", "recorded_at", "prev_hash", "hash")
LANGUAGE_COLUMNS = ("seq", "position", "code")

# How SQLAlchemy's DateTime stores a value in SQLite; the stdlib appender writes the same text.
SQLITE_DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"


def log_row(encounter, *, seq: int, recorded_at: str, prev_hash: str,
            hash: str) -> dict[str, Any]:
    """The LOG_TABLE row of a record; occurred_utc is a naive UTC datetime."""
    row = {"seq": seq}
    row.update({name: getattr(encounter, name) for name in RECORD_COLUMNS})
    row.update(occurred_utc=encounter.occurred_utc, recorded_at=recorded_at,
               prev_hash=prev_hash, hash=hash)
    return row


def language_rows(encounter, seq: int) -> list[dict[str, Any]]:
    return [{"seq": seq, "position": i, "code": code}
            for i, code in enumerate(encounter.person_languages, start=1)]


def secret_row(record: dict[str, Any], seq: int) -> dict[str, Any] | None:
    """The SECRET_TABLE row of a record that holds an erasable value: a new salt and the
    commitment per value; None when it holds none."""
    if all(record.get(name) is None for name in ERASABLE):
        return None
    row: dict[str, Any] = {"seq": seq, "v1_digest": None}
    for name in ERASABLE:
        value = record.get(name)
        salt = chain.new_salt() if value is not None else None
        row[f"{name}_salt"] = salt
        row[f"{name}_commit"] = chain.commit(salt, value) if value is not None else None
    return row


def copied_secret_row(secret: dict[str, Any] | None, seq: int) -> dict[str, Any] | None:
    """The SECRET_TABLE row of a record copied from another log (a sync): the source's salts
    and commitments as they are, so an erased value stays erased."""
    if not secret or not any(secret.get(f"{name}_commit") for name in ERASABLE):
        return None
    row: dict[str, Any] = {"seq": seq, "v1_digest": None}
    for name in ERASABLE:
        row[f"{name}_salt"] = secret.get(f"{name}_salt")
        row[f"{name}_commit"] = secret.get(f"{name}_commit")
    return row


def document(record: dict[str, Any], commits: dict[str, str | None]) -> dict[str, Any]:
    """What a schema-2 record's hash covers: the record with each erasable value replaced
    by its commitment (null stays null)."""
    data = dict(record)
    for name in ERASABLE:
        data[name] = commits.get(name)
    return data


def record_hash(prev_hash: str, record: dict[str, Any], secret: dict[str, Any] | None,
                recorded_at: str) -> str:
    commits = {name: (secret or {}).get(f"{name}_commit") for name in ERASABLE}
    return chain.chain_hash(prev_hash, document(record, commits), recorded_at)
