"""SQLite with the standard library: opening a log read-only, and its damage mark.

Standard library only: the desk's fast path and the report's fast reader use it before
anything heavy is imported.

**Read-only.** A command that cannot write the log's file or its folder (an auditor's
write-protected evidence copy, a backup on read-only media) opens it `mode=ro`; without a
write-ahead log beside it also `immutable=1`, since SQLite could otherwise not make the
`-shm` file it needs to read a WAL database and would call an intact log unreadable.

**Damage.** Before any write, a writer runs SQLite's `PRAGMA quick_check` (every page of
the file; about 0.13 s for 100,000 records) and refuses a file that fails it. A file found
damaged, by a writer or by `leaflet log verify`, gets a mark beside it (`<file>.damaged`,
saying when and what was found); every writer refuses a marked log, even once the file
looks whole again (a restored backup), until `leaflet log verify` passes on it, which
lifts the mark. docs/deployment.md says what an operator does.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from pathlib import Path

from leaflet.i18n import N_, _

BUSY_TIMEOUT_S = 60  # a writer waits this long for the others before giving up
MARK_SUFFIX = ".damaged"
# What SQLite says of a file that is not a whole database: damage, not an altered chain.
DAMAGE_WORDS = ("file is not a database", "malformed", "file is encrypted", "disk image")
RESTORE_HINT = N_("stop recording on this log; restore it from the last backup, then run "
                  "`leaflet log verify` on it (docs/deployment.md, 'A damaged log')")


def is_damage(message: str) -> bool:
    return any(word in message.lower() for word in DAMAGE_WORDS)


def _wal_content(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def cannot_write(path: Path) -> bool:
    """True when this process may not write the file or its folder (read-only media, a
    write-protected copy): SQLite would fail to make its journal or shared memory."""
    try:
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            return True
        # Root may write anything the permissions say, but not a read-only mount.
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def readonly_uri(path: Path) -> str:
    """The URI that opens `path` read-only: `mode=ro`, and `immutable=1` on a medium this
    process cannot write when no WAL waits beside the file."""
    uri = f"{path.as_uri()}?mode=ro"
    if cannot_write(path) and not _wal_content(path):
        uri += "&immutable=1"
    return uri


def connect_readonly(path: Path, **kwargs) -> sqlite3.Connection:
    return sqlite3.connect(readonly_uri(path), uri=True, **kwargs)


# --- the damage mark ----------------------------------------------------------------------

def mark_path(path: Path) -> Path:
    return path.with_name(path.name + MARK_SUFFIX)


def marked(path: Path) -> dict | None:
    """The mark of a log found damaged, or None."""
    mark = mark_path(path)
    try:
        text = mark.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError:
        return {"found": "?", "what": "a mark that cannot be read"}
    try:
        data = json.loads(text)
        return data if isinstance(data, dict) else {"found": "?", "what": text[:200]}
    except ValueError:
        return {"found": "?", "what": text[:200]}


def mark(path: Path, what: str) -> None:
    """Mark the log at `path` damaged (best effort: a read-only medium keeps no mark). Only
    a SQLite file is marked: a path that names another kind of file is not a log at all."""
    if marked(path) is not None:
        return
    from leaflet.storage import location

    if Path(path) not in location._CONNECTED:
        # Read the header only when this process holds no SQLite connection to the file:
        # closing any descriptor of it would drop the locks SQLite holds (location.py).
        try:
            with path.open("rb") as fh:
                if fh.read(16) != location.SQLITE_MAGIC:
                    return
        except OSError:
            return
    data = {"found": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "what": what[:300], "file": str(path)}
    try:
        from leaflet.files import write_atomic

        write_atomic(mark_path(path), (json.dumps(data, indent=1) + "\n").encode())
    except OSError:
        pass


def lift(path: Path) -> dict | None:
    """Remove the mark (after `log verify` passed); the mark that was lifted, or None."""
    found = marked(path)
    if found is not None:
        try:
            mark_path(path).unlink()
        except OSError:
            return None
    return found


def quick_check(path: Path) -> str | None:
    """SQLite's quick_check of the whole file: None when it passes, else what it found."""
    try:
        con = connect_readonly(path, timeout=60)
    except sqlite3.Error as error:
        return str(error)
    try:
        rows = con.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as error:
        return str(error)
    finally:
        con.close()
    found = [row[0] for row in rows if row and row[0] != "ok"]
    return "; ".join(found)[:300] if found else None


def refuse_if_marked(path: Path) -> None:
    """DamagedLog when the log at `path` carries the damage mark."""
    found = marked(path)
    if found is not None:
        from leaflet.storage.errors import DamagedLog

        # Translators: %(found)s is when (an ISO 8601 moment), %(what)s what was found (in
        # English: the mark keeps it as it was written).
        raise DamagedLog(_("%(log)s was found damaged on %(found)s (%(what)s): nothing is "
                           "written to it")
                         % {"log": path, "found": found.get("found", "?"),
                            "what": found.get("what", "")},
                         hint=_(RESTORE_HINT))


def require_intact(path: Path) -> None:
    """Before a write: refuse a marked log, and a file that fails quick_check (marking it)."""
    refuse_if_marked(path)
    if not path.exists() or path.stat().st_size == 0:
        return
    problem = quick_check(path)
    if problem is not None:
        mark(path, problem)
        from leaflet.storage.errors import DamagedLog

        raise DamagedLog(_("%(log)s is damaged (%(reason)s): nothing was written to it")
                         % {"log": path, "reason": problem},
                         hint=_(RESTORE_HINT))
