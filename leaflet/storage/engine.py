"""One SQLAlchemy engine per database URL, and how SQLite transactions are begun.

Shared by the log and the ledger. SQLite files get WAL (set once, when the file is new),
synchronous FULL and a busy timeout; a writer's transaction is `BEGIN IMMEDIATE`, so it holds
the write lock from the moment it reads the head of a chain.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, exc

from leaflet.errors import UsageError
from leaflet.i18n import _
from leaflet.storage import location
from leaflet.storage.errors import StoreError
from leaflet.storage import lite
from leaflet.textsafety import clip

BUSY_TIMEOUT_S = lite.BUSY_TIMEOUT_S
_ENGINES: dict[str, sa.Engine] = {}


class BadDatabaseURL(UsageError):
    """`--db` / LEAFLET_DB is not a database URL SQLAlchemy can use."""


def engine_for(url: str) -> sa.Engine:
    """One engine per URL and process: a loop of in-process invocations reuses its pool."""
    engine = _ENGINES.get(url)
    if engine is None:
        engine = _ENGINES[url] = _create_engine(url)
        path = location.sqlite_file(url)
        if path is not None:
            location.connected(path)
    return engine


def dispose_engines() -> None:
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()
    location.disconnected()


def _create_engine(url: str) -> sa.Engine:
    try:
        parsed = sa.make_url(url)
        if parsed.get_backend_name() == "sqlite":
            path = location.sqlite_file(url)
            if path is not None and lite.cannot_write(path) and path.exists():
                # A write-protected copy (an auditor's evidence, a backup on read-only
                # media): opened read-only, immutable when no WAL waits beside it.
                import sqlite3

                uri = lite.readonly_uri(path)
                engine = sa.create_engine("sqlite://", creator=lambda: sqlite3.connect(
                    uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False))
            else:
                engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
            _sqlite_transactions(engine, path)
        else:
            engine = sa.create_engine(parsed, pool_pre_ping=True)
    except exc.ArgumentError as error:
        raise BadDatabaseURL(_("database URL %(url)s: %(reason)s")
                             % {"url": clip(_safe(url)), "reason": _first_line(error)},
                             hint=_("like sqlite:////var/lib/leaflet/log.sqlite3 or "
                                    "postgresql+psycopg://user@host/db")) from None
    except exc.NoSuchModuleError as error:
        raise BadDatabaseURL(_("database URL %(url)s: %(reason)s")
                             % {"url": clip(_safe(url)), "reason": _first_line(error)}) from None
    except ImportError as error:
        raise StoreError(_("cannot use %(url)s: %(reason)s")
                         % {"url": clip(_safe(url)), "reason": error},
                         hint=_("pip install 'leaflet[postgresql]' for PostgreSQL")) from None
    return engine


def _sqlite_transactions(engine: sa.Engine, path) -> None:
    # pysqlite starts transactions lazily and never as IMMEDIATE; take over BEGIN ourselves so
    # a writer holds the write lock from the moment it reads the chain head.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        # WAL (readers never block the desk) is a property of the file, set once when the
        # file is new; an existing file is left in its mode, so that opening a file that is
        # not the log (to refuse it) never writes to it.
        if _new_file(path) and not (path is not None and lite.cannot_write(path)):
            cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: in WAL mode a commit reaches the disk before it is reported; evidence must
        # survive a power cut, not only a crashed process.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        write = conn.get_execution_options().get("leaflet_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _new_file(path) -> bool:
    """True for a SQLite file that does not exist or is empty (and for URLs that name no
    plain file, which were always opened in WAL mode)."""
    if path is None:
        return True
    try:
        return path.stat().st_size == 0
    except OSError:
        return True


def _safe(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except exc.ArgumentError:
        return url


def display(url: str) -> str:
    """How messages name the database: a SQLite file by its path, others by their URL
    without the password."""
    path = location.sqlite_file(url)
    return str(path) if path is not None else _safe(url)




def _first_line(error: BaseException) -> str:
    return clip((str(error).strip().splitlines() or [type(error).__name__])[0], 200).strip("'\"")
