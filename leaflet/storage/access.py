"""How the report and the stock commands reach the log's database without harming it.

Readers (`leaflet report`, `leaflet stock status`) never create anything: a mistyped path, an
empty file, a SQLite file of another program or an empty PostgreSQL database is "no hand-over
log at …" (NoLog, exit code 1), and no file, folder or table is left behind. A file that is
not SQLite or is truncated is DamagedLog (exit code 1) and is not opened further.

Writers (`leaflet stock receive|transfer`) may create the log and the ledger in a new or empty
SQLite file, as the hand-over commands do, but refuse a damaged file and a SQLite file that
holds other tables and no log: the ledger's tables are never added to another program's
database.

A SQLite file is looked at with the standard library, read-only (`mode=ro`), before SQLAlchemy
opens it: SQLAlchemy's connection switches a database to WAL mode, which would rewrite the
header of a file that is not a log.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from leaflet.i18n import _
from leaflet.storage import layout, location
from leaflet.storage.errors import NO_LOG_HINT, DamagedLog, NoLog, StoreError



def sqlite_tables(path: Path) -> list[str]:
    """The tables of the SQLite file at `path`, read without writing anything to it."""
    try:
        from leaflet.storage import lite

        con = lite.connect_readonly(path)
    except sqlite3.Error as error:
        raise DamagedLog(_("cannot open %(path)s: %(reason)s")
                         % {"path": path, "reason": error}) from None
    try:
        return [name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    except sqlite3.DatabaseError as error:
        raise DamagedLog(_("%(log)s is damaged: %(reason)s") % {"log": path, "reason": error},
                         hint=_("restore the log from a backup, or pass --db with the log's "
                                "file")) from None
    finally:
        con.close()


def _others(tables: list[str]) -> str:
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    # Translators: %(tables)s lists table names, like "accounts, orders, …".
    return _("%(count)s other table(s): %(tables)s") % {"count": len(tables), "tables": shown}


def reader_url(db: str | None) -> str:
    """The URL of an existing log for a read command; NoLog or DamagedLog otherwise.

    For PostgreSQL (and any URL that is not a plain SQLite file) the database itself is asked
    later, inside the read transaction (`require_log`).
    """
    db = location.checked_db(db)
    url = location.resolve(db, create_folder=False)
    path = location.sqlite_file(url)
    if path is None:
        return url
    location.check_sqlite_file(path, must_exist=True)
    tables = sqlite_tables(path)
    if layout.SCHEMA_TABLE not in tables:
        if not tables:
            raise NoLog(_("no hand-over log at %(log)s (an empty database)") % {"log": path},
                        hint=_(NO_LOG_HINT))
        # Translators: %(tables)s is "3 other table(s): a, b, c".
        raise NoLog(_("no hand-over log at %(log)s: it holds %(tables)s")
                    % {"log": path, "tables": _others(tables)},
                    hint=_("another program's database? pass --db with the log's file"))
    return url


def writer_url(db: str | None) -> str:
    """The URL a stock movement is written to: a new or empty SQLite file (its folder is
    created), an existing log, or another database; a damaged file and a SQLite file holding
    other tables are refused and left as they are."""
    db = location.checked_db(db)
    url = location.resolve(db, create_folder=False)
    path = location.sqlite_file(url)
    if path is None:
        return url
    if location.check_sqlite_file(path, must_exist=False):
        tables = sqlite_tables(path)
        if tables and layout.SCHEMA_TABLE not in tables:
            # Translators: %(tables)s is "3 other table(s): a, b, c".
            raise StoreError(_("%(path)s is not a hand-over log: it holds %(tables)s; "
                               "nothing was written to it")
                             % {"path": path, "tables": _others(tables)},
                             hint=_("pass --db with the log's file"))
    return location.resolve(db)


def require_log(conn, display_url: str) -> int:
    """The log's schema version on `conn`; NoLog when the database holds no log (an empty
    PostgreSQL database), SchemaError when it is newer than this leaflet's. A log at version 1
    is read as it is (readers read only tables version 1 has), so an auditor can report on a
    log before `leaflet db upgrade`, and compare after."""
    from leaflet.storage import migrations
    from leaflet.storage.errors import SchemaError

    version = migrations.current_version(conn)
    if version == 0:
        raise NoLog(_("no hand-over log at %(log)s (the database holds none)")
                    % {"log": display_url}, hint=_(NO_LOG_HINT))
    if version > layout.SCHEMA_VERSION:
        newer = True
        raise SchemaError(
            _("%(log)s is at schema version %(version)s, this leaflet reads version "
              "%(supported)s")
            % {"log": display_url, "version": version, "supported": layout.SCHEMA_VERSION},
            hint=_("upgrade leaflet") if newer else _("run `leaflet db upgrade` (after a backup)"))
    return version
