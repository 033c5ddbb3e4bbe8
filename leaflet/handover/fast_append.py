"""Append one record to an existing SQLite log with the standard library only.

`leaflet handover` runs at a desk, once per encounter, as a fresh process; importing
SQLAlchemy alone costs about four times a bare `python -c "import click, sqlite3"`. So when the
log is a SQLite file that already exists at the current schema version, the hand-over path
appends here, doing exactly what `Store.append` does: `BEGIN IMMEDIATE`, read the head, insert
the rows built by leaflet.storage.layout and the record's stored duty outcomes (the
statement layout.DERIVE_OUTCOME_SQLITE), commit. Anything else (a new file, another schema
version, a file without the log's tables, another database) returns None and the caller uses
the SQLAlchemy store, which creates, refuses or upgrades as it should. A damaged file (not
SQLite, truncated, malformed) is refused here, as DamagedLog, and nothing is written to it.
The tests run both writers against the same files.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from leaflet.storage import layout, location
from leaflet.storage.errors import DamagedLog, StoreError
from leaflet.duties.record import RecordError
from leaflet.storage.chain import GENESIS_HASH
from leaflet.duties.record import Encounter
from leaflet.periods import utc_now_text
from leaflet.i18n import _


_INSERT_LOG = (f"INSERT INTO {layout.LOG_TABLE} ({', '.join(layout.LOG_COLUMNS)}) "
               f"VALUES ({', '.join(':' + c for c in layout.LOG_COLUMNS)})")
_INSERT_LANGUAGE = (f"INSERT INTO {layout.LANGUAGE_TABLE} ({', '.join(layout.LANGUAGE_COLUMNS)}) "
                    f"VALUES ({', '.join(':' + c for c in layout.LANGUAGE_COLUMNS)})")
_INSERT_SECRET = (f"INSERT INTO {layout.SECRET_TABLE} ({', '.join(layout.SECRET_COLUMNS)}) "
                  f"VALUES ({', '.join(':' + c for c in layout.SECRET_COLUMNS)})")
# The head of the log's chain: its encounters and its own records share one numbering, so
# the head is the later of the two tables' last rows (each one step down its primary key).
_HEADS = tuple(f"SELECT seq, hash FROM {table} ORDER BY seq DESC LIMIT 1"
               for table in (layout.LOG_TABLE, layout.EVENT_TABLE))


def append(path: Path, encounter: Encounter) -> str | None:
    """Append `encounter` to the log in `path`; its hash, or None when the store must do it."""
    if not location.check_sqlite_file(path, must_exist=False):
        return None  # a new or empty file: the store creates the log
    from leaflet.storage import lite

    lite.require_intact(path)  # a damaged log is never written to (marked, then refused)
    try:
        con = sqlite3.connect(path, timeout=lite.BUSY_TIMEOUT_S, isolation_level=None)
    except sqlite3.Error as error:
        # Translators: %(path)s is the log's file; %(reason)s SQLite's message, in English.
        raise StoreError(_("cannot open %(path)s: %(reason)s") % {"path": path, "reason": error}
                         ) from None
    try:
        con.execute(f"PRAGMA busy_timeout = {lite.BUSY_TIMEOUT_S * 1000}")
        con.execute("PRAGMA synchronous = FULL")  # see Store: evidence survives a power cut
        con.execute("BEGIN IMMEDIATE")
        try:
            digest = _append_locked(con, path, encounter)
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
        if digest is None:
            con.execute("ROLLBACK")
            return None
        con.execute("COMMIT")
        return digest
    except sqlite3.DatabaseError as error:
        text = str(error)
        if lite.is_damage(text):
            from leaflet.storage import lite

            lite.mark(path, text)
            # Translators: %(log)s is the log's file; %(reason)s SQLite's message, in English.
            raise DamagedLog(_("%(log)s is damaged: %(reason)s") % {"log": path, "reason": text},
                             hint=_("restore the log from a backup; nothing was written to it")
                             ) from None
        hint = _("another writer held the log too long; try again") if "locked" in text else None
        if "unable to open" in text or "readonly" in text:
            hint = _("the log's file or its folder cannot be written; pass --db with a file "
                     "in a folder you can write")
        raise StoreError(f"{path}: {text}", hint=hint) from None
    except sqlite3.Error as error:
        raise StoreError(f"{path}: {error}") from None
    finally:
        con.close()




def _append_locked(con: sqlite3.Connection, path: Path, encounter: Encounter) -> str | None:
    try:
        version = con.execute(f"SELECT max(version) FROM {layout.SCHEMA_TABLE}").fetchone()[0]
    except sqlite3.OperationalError:
        return None  # no schema table: not a log yet, the store creates it
    if version != layout.SCHEMA_VERSION:
        return None  # the store says what to do (upgrade, or a newer leaflet)
    if encounter.amends is not None and not _exists(con, encounter.amends):
        raise RecordError("amends", _("no record %(id)s in the log") % {"id": encounter.amends},
                          hint=_("a correction names the id of the record it corrects"))
    if _exists(con, encounter.id):
        raise RecordError("id", _("%(id)s is already in the log") % {"id": encounter.id})
    heads = [row for row in (con.execute(q).fetchone() for q in _HEADS) if row is not None]
    head = max(heads) if heads else None
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
    recorded_at = utc_now_text()
    record = encounter.to_dict()
    secret = layout.secret_row(record, seq)
    digest = layout.record_hash(prev_hash, record, secret, recorded_at)
    row = layout.log_row(encounter, seq=seq, recorded_at=recorded_at, prev_hash=prev_hash,
                         hash=digest)
    row["occurred_utc"] = row["occurred_utc"].strftime(layout.SQLITE_DATETIME_FORMAT)
    if row["foreigners_dept_informed"] is not None:
        row["foreigners_dept_informed"] = int(row["foreigners_dept_informed"])
    con.execute(_INSERT_LOG, row)
    con.executemany(_INSERT_LANGUAGE, layout.language_rows(encounter, seq))
    if secret is not None:
        con.execute(_INSERT_SECRET, secret)
    con.execute(_derive_outcome(), {"seq": seq})  # as Store._insert
    return digest


_DERIVE: list[str] = []


def _derive_outcome() -> str:
    """The statement that stores the record's duty outcomes (leaflet.duties.sqlite), made
    once per process."""
    if not _DERIVE:
        from leaflet.duties.sqlite import derive_outcome_text

        _DERIVE.append(derive_outcome_text())
    return _DERIVE[0]


def _exists(con: sqlite3.Connection, record_id: str) -> bool:
    return con.execute(f"SELECT 1 FROM {layout.LOG_TABLE} WHERE id = ?",
                       (record_id,)).fetchone() is not None
