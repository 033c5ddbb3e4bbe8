"""The log's database: one engine per URL, its connections, transactions and schema.

The hand-over log (leaflet.handover.store) and the stock ledger (leaflet.stock.ledger) live in
one database and share this: opening it (SQLite file or PostgreSQL URL, errors as one-line
StoreError, a damaged SQLite file as DamagedLog), a read transaction with one snapshot, the
write transaction that holds a chain's lock (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a
transaction-scoped advisory lock per chain, which needs no privilege beyond INSERT and
SELECT), and the schema version: readers require the log, writers create it in a new or
empty database and refuse one that holds other tables or another version.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy import exc

from leaflet.i18n import N_, _
from leaflet.periods import utc_now_text
from leaflet.storage import layout, lite, location, migrations, tables
from leaflet.storage.engine import _first_line, display, engine_for
from leaflet.storage.errors import (NO_LOG_HINT, DamagedLog, ForeignDatabase, NoLog,
                                    SchemaError, StoreError)
from leaflet.textsafety import clip

# The advisory lock keys that serialise the head of each chain on PostgreSQL (fixed bigints).
CHAIN_LOCK_KEY = 0x6C6561666C6574  # "leaflet": the log
LEDGER_LOCK_KEY = 0x6C6564676572  # "ledger": the stock ledger

# The messages of a damaged log that a damage mark keeps (lite.mark): the mark is read back
# later, in any language, so it keeps the English text (DamagedLog.mark_text).
DAMAGED = N_("%(log)s is damaged: %(reason)s")
# Translators: %(tables)s lists the log's table names; %(schema_table)s is a table name.
TABLES_WITHOUT_SCHEMA = N_("%(log)s holds the log's tables (%(tables)s) but not "
                           "%(schema_table)s: damaged or tampered with")


class Database:
    """The log's database at `url`. Cheap to create; the engine is shared per URL."""

    def __init__(self, url: str):
        self.url = url
        self.display_url = display(url)
        self.file = location.sqlite_file(url)  # a plain SQLite file, or None
        self.engine = engine_for(url)
        self.dialect = self.engine.dialect.name
        self.schema_checked = False
        self._intact = False  # a writer's quick_check of the file passed (storage.lite)

    # --- connections and the chain lock -------------------------------------------------

    @contextlib.contextmanager
    def connect(self):
        try:
            with self.engine.connect() as conn:
                yield conn
        except exc.DBAPIError as error:
            text = _first_line(error.orig or error)
            if self.dialect == "sqlite" and lite.is_damage(text):
                values = {"log": self.display_url, "reason": text}
                raise DamagedLog(_(DAMAGED) % values, mark_text=DAMAGED % values,
                                 hint=_("restore the log from a backup; nothing was written "
                                        "to it")) from None
            raise StoreError(f"{self.display_url}: {text}", hint=self.hint(error)) from None

    def hint(self, error: Exception) -> str | None:
        text = str(error).lower()
        if self.dialect == "sqlite":
            if "unable to open" in text or "readonly" in text or "read-only" in text:
                return _("the log's file or its folder cannot be written; pass --db with a "
                         "file in a folder you can write")
            if "disk i/o" in text or "full" in text:
                return _("check the disk the log is on (space, errors)")
        if "permission denied" in text or "readonly" in text or "read-only" in text:
            return _("the database refused this role; to create or upgrade the schema run "
                     "`leaflet db upgrade` as the owner (docs/deployment.md)")
        if "locked" in text or "timeout" in text:
            return _("another writer held the log too long; try again")
        return None

    @contextlib.contextmanager
    def write(self, lock_key: int = CHAIN_LOCK_KEY):
        """A transaction holding a chain's lock: one writer at a time reads and extends the
        head. A SQLite file is checked whole first, once per store (storage.lite): a log
        found damaged is never written to."""
        if self.file is not None and not self._intact:
            lite.require_intact(self.file)
            self._intact = True
        try:
            with self.connect() as conn:
                conn = conn.execution_options(leaflet_write=True)
                with conn.begin():
                    if self.dialect == "postgresql":
                        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                                     {"key": lock_key})
                    yield conn
        except DamagedLog as error:
            if self.file is not None:
                lite.mark(self.file, error.mark_text)
            raise

    @contextlib.contextmanager
    def read(self):
        """A transaction with one snapshot, so a walk never sees half of a concurrent write."""
        with self.connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    # --- schema --------------------------------------------------------------------------

    def version(self) -> int:
        with self.read() as conn:
            return migrations.current_version(conn)

    def is_new_file(self) -> bool:
        """A SQLite file that does not exist yet or is empty: no log, and nothing to open."""
        if self.file is None:
            return False
        try:
            return self.file.stat().st_size == 0
        except (FileNotFoundError, NotADirectoryError):
            return True

    def log_version(self, conn: sa.Connection, *, reading: bool) -> int:
        """The schema version of the log in this database; 0 when the database is new or
        empty. A database that holds other tables is refused: readers find no log in it
        (NoLog), writers never create one there (ForeignDatabase)."""
        version = migrations.current_version(conn)
        if version:
            return version
        found = tables.database_tables(conn)
        own = [name for name in found if name in tables.metadata.tables]
        if own:
            # Another writer may have committed the new log between the two looks (the
            # first record of several desks at once): look at the version again.
            version = migrations.current_version(conn)
            if version:
                return version
            values = {"log": self.display_url, "tables": ", ".join(own),
                      "schema_table": layout.SCHEMA_TABLE}
            raise DamagedLog(_(TABLES_WITHOUT_SCHEMA) % values,
                             mark_text=TABLES_WITHOUT_SCHEMA % values,
                             hint=_("restore the log from a backup"))
        if found:
            listed = _listed(found)
            if reading:
                # Translators: %(tables)s lists table names.
                raise NoLog(_("no hand-over log in %(log)s: it holds other tables "
                              "(%(tables)s), not a hand-over log")
                            % {"log": self.display_url, "tables": listed},
                            hint=_(NO_LOG_HINT))
            # Translators: %(tables)s lists table names.
            raise ForeignDatabase(_("%(log)s holds other tables (%(tables)s), not a "
                                    "hand-over log") % {"log": self.display_url, "tables": listed},
                                  hint=_("the log is created only in a new or empty database; "
                                         "pass --db with the log's database or a new file"))
        return 0

    def require_log(self, *, older: bool = False) -> int:
        """For readers: the log must exist at this leaflet's schema version (or, with
        `older`, at an older one, which only `verify` reads). Creates nothing (no file, no
        folder, no table); NoLog when there is no log. Returns the version."""
        if self.schema_checked:
            return layout.SCHEMA_VERSION
        if self.is_new_file():
            raise NoLog(_("no hand-over log at %(log)s") % {"log": self.display_url},
                        hint=_(NO_LOG_HINT))
        with self.read() as conn:
            version = self.log_version(conn, reading=True)
        if version == 0:
            message = (_("no hand-over log at %(log)s (the database is empty)")
                       if self.file is None else _("no hand-over log at %(log)s"))
            raise NoLog(message % {"log": self.display_url}, hint=_(NO_LOG_HINT))
        if older and version < layout.SCHEMA_VERSION:
            return version
        self.check_version(version)
        self.schema_checked = True
        return version

    def prepare_file(self) -> None:
        """Before the first write to a new SQLite file: its folder exists and can be written."""
        if self.file is not None and self.is_new_file():
            location.prepare_folder(self.file)

    def ensure_schema(self) -> None:
        """For writers: create the log in a new or empty database on first use; refuse a
        database that holds other tables, and one at another schema version."""
        if self.schema_checked:
            return
        version = self.writer_version()
        if version == 0:
            self.prepare_file()
            with self.write() as conn:
                # Under the chain lock: another process may have created it meanwhile.
                if self.log_version(conn, reading=False) == 0:
                    for migration in migrations.pending(0):
                        migrations.apply(conn, migration, utc_now_text())
        else:
            self.check_version(version)
        self.schema_checked = True

    def writer_version(self) -> int:
        """A writer's first look, without the chain lock: the log's schema version, 0 for a
        new or empty database (ForeignDatabase, DamagedLog as `_log_version`)."""
        if self.is_new_file():
            return 0
        with self.connect() as conn:
            version = self.log_version(conn, reading=False)
            conn.rollback()
        return version

    def check_version(self, version: int) -> None:
        if version < layout.SCHEMA_VERSION:
            raise SchemaError(_("%(log)s is at schema version %(version)s, this "
                                "leaflet writes version %(supported)s")
                              % {"log": self.display_url, "version": version,
                                 "supported": layout.SCHEMA_VERSION},
                              hint=_("run `leaflet db upgrade` (after a backup)"))
        if version > layout.SCHEMA_VERSION:
            raise SchemaError(_("%(log)s is at schema version %(version)s, newer than "
                                "this leaflet (version %(supported)s)")
                              % {"log": self.display_url, "version": version,
                                 "supported": layout.SCHEMA_VERSION},
                              hint=_("upgrade leaflet before writing to this database"))


def _listed(names: list[str], shown: int = 5) -> str:
    text = ", ".join(clip(n, 40) if len(n) > 38 else n for n in names[:shown])
    if len(names) <= shown:
        return text
    # Translators: %(names)s lists the first table names; %(count)s is how many there are.
    return _("%(names)s, … (%(count)s in all)") % {"names": text, "count": len(names)}
