"""The log store on SQLAlchemy Core: open, create and upgrade, append, read, verify.

The same code runs on SQLite and PostgreSQL. Appending is the only write and happens in one
transaction per record that holds the chain lock (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a
transaction-scoped advisory lock, which needs no privilege beyond INSERT and SELECT), reads the
head of the chain, and inserts the record with `seq` = head + 1 and `prev_hash` = head's hash.
No UPDATE or DELETE statement exists in this package.

Reading walks the records in `seq` order with their languages; `verify` recomputes every hash
from the stored columns (the columns reports read, not a stored copy of the JSON) so that any
change to what a report would count breaks the chain.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import event, exc

from leaflet.errors import UsageError
from leaflet.handover import layout, location, schema
from leaflet.handover.errors import (ChainBroken, DamagedLog, ForeignDatabase, ImportRefused,
                                     NoLog, RecordError, SchemaError, StoreError,
                                     UnknownRecord)
from leaflet.handover.model import (CHAIN_FIELDS, FIELDS, GENESIS_HASH, Encounter, chain_hash,
                                    utc_now_text)
from leaflet.textsafety import clip

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 60  # a desk waits this long for other writers before giving up
# The advisory lock key that serialises the chain head on PostgreSQL (any fixed bigint).
CHAIN_LOCK_KEY = 0x6C6561666C6574  # "leaflet"
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
            engine = sa.create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
            _sqlite_transactions(engine, location.sqlite_file(url))
        else:
            engine = sa.create_engine(parsed, pool_pre_ping=True)
    except exc.ArgumentError as error:
        raise BadDatabaseURL(f"database URL {clip(_safe(url))}: {_first_line(error)}",
                             hint="like sqlite:////var/lib/leaflet/log.sqlite3 or "
                                  "postgresql+psycopg://user@host/db") from None
    except exc.NoSuchModuleError as error:
        raise BadDatabaseURL(f"database URL {clip(_safe(url))}: {_first_line(error)}") from None
    except ImportError as error:
        raise StoreError(f"cannot use {clip(_safe(url))}: {error}",
                         hint="pip install 'leaflet[postgresql]' for PostgreSQL") from None
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
        if _new_file(path):
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


# What SQLite says of a file that is not a whole database: damage, not an altered chain.
_DAMAGE = ("file is not a database", "malformed", "file is encrypted", "disk image")


@dataclass(frozen=True)
class StoredRecord:
    """A record as the database holds it: the format's fields plus the chain fields."""

    record: dict[str, Any]  # the interchange fields, format order
    seq: int
    recorded_at: str
    prev_hash: str
    hash: str

    @property
    def id(self) -> str:
        return self.record["id"]

    def to_dict(self, *, with_chain: bool = False) -> dict[str, Any]:
        data = dict(self.record)
        if with_chain:
            data.update(seq=self.seq, recorded_at=self.recorded_at, prev_hash=self.prev_hash,
                        hash=self.hash)
        return data


@dataclass
class VerifyResult:
    count: int
    head: str
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Filter:
    """Which records to read: occurred in [start, end) (naive UTC), of one unit."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    unit: str | None = None


class Store:
    """The log in one database. Cheap to create; the engine is shared per URL."""

    def __init__(self, url: str):
        self.url = url
        self.display_url = display(url)
        self.file = location.sqlite_file(url)  # a plain SQLite file, or None
        self.engine = engine_for(url)
        self.dialect = self.engine.dialect.name
        self._schema_checked = False

    # --- connections and the chain lock -------------------------------------------------

    @contextlib.contextmanager
    def _connect(self):
        try:
            with self.engine.connect() as conn:
                yield conn
        except exc.DBAPIError as error:
            text = _first_line(error.orig or error)
            if self.dialect == "sqlite" and any(d in text.lower() for d in _DAMAGE):
                raise DamagedLog(f"{self.display_url} is damaged: {text}",
                                 hint="restore the log from a backup; nothing was written "
                                      "to it") from None
            raise StoreError(f"{self.display_url}: {text}", hint=self._hint(error)) from None

    def _hint(self, error: Exception) -> str | None:
        text = str(error).lower()
        if self.dialect == "sqlite":
            if "unable to open" in text or "readonly" in text or "read-only" in text:
                return ("the log's file or its folder cannot be written; pass --db with a "
                        "file in a folder you can write")
            if "disk i/o" in text or "full" in text:
                return "check the disk the log is on (space, errors)"
        if "permission denied" in text or "readonly" in text or "read-only" in text:
            return ("the database refused this role; to create or upgrade the schema run "
                    "`leaflet db upgrade` as the owner (docs/deployment.md)")
        if "locked" in text or "timeout" in text:
            return "another writer held the log too long; try again"
        return None

    @contextlib.contextmanager
    def _write(self):
        """A transaction holding the chain lock: one writer at a time reads and extends the head."""
        with self._connect() as conn:
            conn = conn.execution_options(leaflet_write=True)
            with conn.begin():
                if self.dialect == "postgresql":
                    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"),
                                 {"key": CHAIN_LOCK_KEY})
                yield conn

    @contextlib.contextmanager
    def _read(self):
        """A transaction with one snapshot, so a walk never sees half of a concurrent write."""
        with self._connect() as conn:
            if self.dialect == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    # --- schema --------------------------------------------------------------------------

    def version(self) -> int:
        with self._read() as conn:
            return schema.current_version(conn)

    def _is_new_file(self) -> bool:
        """A SQLite file that does not exist yet or is empty: no log, and nothing to open."""
        if self.file is None:
            return False
        try:
            return self.file.stat().st_size == 0
        except (FileNotFoundError, NotADirectoryError):
            return True

    def _log_version(self, conn: sa.Connection, *, reading: bool) -> int:
        """The schema version of the log in this database; 0 when the database is new or
        empty. A database that holds other tables is refused: readers find no log in it
        (NoLog), writers never create one there (ForeignDatabase)."""
        version = schema.current_version(conn)
        if version:
            return version
        found = schema.tables(conn)
        own = [name for name in found if name in schema.metadata.tables]
        if own:
            # Another writer may have committed the new log between the two looks (the
            # first record of several desks at once): look at the version again.
            version = schema.current_version(conn)
            if version:
                return version
            raise DamagedLog(f"{self.display_url} holds the log's tables ({', '.join(own)}) "
                             f"but not {layout.SCHEMA_TABLE}: damaged or tampered with",
                             hint="restore the log from a backup")
        if found:
            listed = _listed(found)
            if reading:
                raise NoLog(f"no hand-over log in {self.display_url}: it holds other tables "
                            f"({listed}), not a hand-over log", hint=NO_LOG_HINT)
            raise ForeignDatabase(f"{self.display_url} holds other tables ({listed}), not a "
                                  "hand-over log",
                                  hint="the log is created only in a new or empty database; "
                                       "pass --db with the log's database or a new file")
        return 0

    def require_log(self) -> None:
        """For readers: the log must exist at this leaflet's schema version. Creates nothing
        (no file, no folder, no table); NoLog when there is no log."""
        if self._schema_checked:
            return
        if self._is_new_file():
            raise NoLog(f"no hand-over log at {self.display_url}", hint=NO_LOG_HINT)
        with self._read() as conn:
            version = self._log_version(conn, reading=True)
        if version == 0:
            raise NoLog(f"no hand-over log at {self.display_url}"
                        + (" (the database is empty)" if self.file is None else ""),
                        hint=NO_LOG_HINT)
        self._check_version(version)
        self._schema_checked = True

    def _prepare_file(self) -> None:
        """Before the first write to a new SQLite file: its folder exists and can be written."""
        if self.file is not None and self._is_new_file():
            location.prepare_folder(self.file)

    def ensure_schema(self) -> None:
        """For writers: create the log in a new or empty database on first use; refuse a
        database that holds other tables, and one at another schema version."""
        if self._schema_checked:
            return
        version = self._writer_version()
        if version == 0:
            self._prepare_file()
            with self._write() as conn:
                # Under the chain lock: another process may have created it meanwhile.
                if self._log_version(conn, reading=False) == 0:
                    for migration in schema.pending(0):
                        schema.apply(conn, migration, utc_now_text())
        else:
            self._check_version(version)
        self._schema_checked = True

    def _writer_version(self) -> int:
        """A writer's first look, without the chain lock: the log's schema version, 0 for a
        new or empty database (ForeignDatabase, DamagedLog as `_log_version`)."""
        if self._is_new_file():
            return 0
        with self._connect() as conn:
            version = self._log_version(conn, reading=False)
            conn.rollback()
        return version

    def _check_version(self, version: int) -> None:
        if version < layout.SCHEMA_VERSION:
            raise SchemaError(f"{self.display_url} is at schema version {version}, this "
                              f"leaflet writes version {layout.SCHEMA_VERSION}",
                              hint="run `leaflet db upgrade` (after a backup)")
        if version > layout.SCHEMA_VERSION:
            raise SchemaError(f"{self.display_url} is at schema version {version}, newer than "
                              f"this leaflet (version {layout.SCHEMA_VERSION})",
                              hint="upgrade leaflet before writing to this database")

    def upgrade(self) -> tuple[int, list[int]]:
        """Create the log in a new or empty database, or apply pending migrations (and
        restore missing triggers); (from version, applied)."""
        if self._writer_version() == 0:
            self._prepare_file()
        with self._write() as conn:
            before = self._log_version(conn, reading=False)
            if before > layout.SCHEMA_VERSION:
                self._check_version(before)
            todo = schema.pending(before)
            for migration in todo:
                schema.apply(conn, migration, utc_now_text())
            if before:
                # A dropped trigger is put back: the guard is part of the schema.
                for statement in schema.append_only_ddl(self.dialect):
                    conn.execute(sa.text(statement))
            # The stock ledger shares the database and is upgraded with it, in its own
            # version series (leaflet/stock/schema.py says why).
            from leaflet.stock import schema as stock_schema

            stock_schema.upgrade(conn, utc_now_text(), self.display_url)
        self._schema_checked = False
        return before, [m[0] for m in todo]

    # --- writing -------------------------------------------------------------------------

    def append(self, encounter: Encounter) -> str:
        """Add one record in its own transaction; returns its hash."""
        self.ensure_schema()
        with self._write() as conn:
            if encounter.amends is not None and not self._exists(conn, encounter.amends):
                raise RecordError("amends", f"no record {encounter.amends} in the log",
                                  hint="a correction names the id of the record it corrects")
            if self._exists(conn, encounter.id):
                raise RecordError("id", f"{encounter.id} is already in the log")
            return self._insert(conn, encounter)

    def _exists(self, conn: sa.Connection, record_id: str) -> bool:
        t = schema.encounter
        return conn.execute(sa.select(t.c.seq).where(t.c.id == record_id)).first() is not None

    def _insert(self, conn: sa.Connection, encounter: Encounter) -> str:
        t = schema.encounter
        head = conn.execute(sa.select(t.c.seq, t.c.hash).order_by(t.c.seq.desc())
                            .limit(1)).first()
        seq, prev_hash = (head.seq + 1, head.hash) if head else (1, GENESIS_HASH)
        recorded_at = utc_now_text()
        digest = chain_hash(prev_hash, encounter.to_dict(), recorded_at)
        conn.execute(sa.insert(t), [layout.log_row(encounter, seq=seq, recorded_at=recorded_at,
                                                   prev_hash=prev_hash, hash=digest)])
        conn.execute(sa.insert(schema.encounter_language),
                     layout.language_rows(encounter, seq))
        return digest

    def import_records(self, items: list[tuple[int, Encounter]], *,
                       path: str) -> Iterator[tuple[Encounter, bool]]:
        """Append the records of a validated file, each in its own transaction.

        Checks first, against the database, that no id is already there with other content
        and that every `amends` names a record in the database or on an earlier line; on any
        problem raises ImportRefused (listing the lines) before writing anything. Then yields
        (record, added) after each commit; a record already present is skipped, so importing
        a file twice adds nothing and an interrupted import can simply be run again.
        """
        present = self._log_present()
        existing = self._existing(e.id for _, e in items) if present else {}
        errors: list[RecordError] = []
        seen: dict[str, dict] = {}
        for line, encounter in items:
            record = encounter.to_dict()
            earlier = seen.get(encounter.id) or existing.get(encounter.id)
            if earlier is not None and earlier != record:
                where = "on an earlier line" if encounter.id in seen else "in the log"
                errors.append(RecordError("id", f"{encounter.id} is already {where} with "
                                                "different content", line=line, path=path))
            if (encounter.amends is not None and encounter.amends not in seen
                    and encounter.amends not in existing
                    and not (present and self._any_exists(encounter.amends))):
                errors.append(RecordError("amends", f"no record {encounter.amends} in the log "
                                                    "or on an earlier line", line=line, path=path))
            seen.setdefault(encounter.id, record)
        if errors:
            raise ImportRefused(path, errors)
        self.ensure_schema()  # only now: a refused file creates nothing
        done: set[str] = set()
        for _line, encounter in items:
            if encounter.id in done:
                continue
            done.add(encounter.id)
            with self._write() as conn:
                added = not self._exists(conn, encounter.id)
                if added:
                    self._insert(conn, encounter)
            yield encounter, added

    def _log_present(self) -> bool:
        """Whether the log exists (at this schema version); creates nothing."""
        if self._is_new_file():
            return False
        with self._read() as conn:
            version = self._log_version(conn, reading=False)
        if version:
            self._check_version(version)
        return bool(version)

    def _any_exists(self, record_id: str) -> bool:
        with self._read() as conn:
            return self._exists(conn, record_id)

    def _existing(self, ids: Iterable[str]) -> dict[str, dict]:
        """The records among `ids` already in the log, by id."""
        ids = list(dict.fromkeys(ids))
        found: dict[str, dict] = {}
        with self._read() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for stored in self._walk(conn, schema.encounter.c.id.in_(chunk)):
                    found[stored.id] = stored.record
        return found

    # --- reading -------------------------------------------------------------------------

    def count(self) -> int:
        self.require_log()
        with self._read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(schema.encounter)
                                ).scalar_one()

    def records(self, where: Filter = Filter()) -> Iterator[StoredRecord]:
        self.require_log()
        t = schema.encounter
        clauses = []
        if where.start is not None:
            clauses.append(t.c.occurred_utc >= where.start)
        if where.end is not None:
            clauses.append(t.c.occurred_utc < where.end)
        if where.unit is not None:
            clauses.append(t.c.unit == where.unit)
        with self._read() as conn:
            yield from self._walk(conn, sa.and_(sa.true(), *clauses))

    def get(self, id_or_prefix: str) -> tuple[StoredRecord, list[str]]:
        """The record whose id is or starts with `id_or_prefix` (at least 8 characters), and the
        ids of the records that amend it."""
        key = id_or_prefix.strip().lower()
        if len(key) < 8:
            raise UnknownRecord(f"{clip(id_or_prefix)}: give at least 8 characters of the id")
        if len(key) > 36 or not all(c in "0123456789abcdef-" for c in key):
            raise UnknownRecord(f"{clip(id_or_prefix)} is not a record id",
                                hint="give the id `leaflet handover` printed, or its first "
                                     "8 or more characters")
        self.require_log()
        t = schema.encounter
        with self._read() as conn:
            matches = list(self._walk(conn, t.c.id.startswith(key, autoescape=True)))
            if not matches:
                raise UnknownRecord(f"no record {key} in {self.display_url}",
                                    hint="`leaflet log list` shows the ids")
            if len(matches) > 1:
                raise UnknownRecord(f"{key} matches {len(matches)} records",
                                    hint="give more of the id")
            found = matches[0]
            amended_by = conn.execute(sa.select(t.c.id).where(t.c.amends == found.id)
                                      .order_by(t.c.seq)).scalars().all()
        return found, list(amended_by)

    def _walk(self, conn: sa.Connection, where) -> Iterator[StoredRecord]:
        """Records matching `where`, in chain order, with their languages (one query, so one
        snapshot)."""
        t, lang = schema.encounter, schema.encounter_language
        query = (sa.select(t, lang.c.code)
                 .select_from(t.outerjoin(lang, lang.c.seq == t.c.seq))
                 .where(where).order_by(t.c.seq, lang.c.position))
        current = None
        codes: list[str] = []
        for row in conn.execution_options(yield_per=1000).execute(query):
            if current is not None and row.seq != current.seq:
                yield _stored(current, codes)
                codes = []
            current = row
            if row.code is not None:
                codes.append(row.code)
        if current is not None:
            yield _stored(current, codes)

    # --- verifying -----------------------------------------------------------------------

    def verify(self, *, expect_head: str | None = None) -> VerifyResult:
        """Walk the whole chain; raise ChainBroken at the first record that does not hold."""
        self.require_log()
        expected_seq, prev_hash, seen_head = 1, GENESIS_HASH, expect_head is None
        with self._read() as conn:
            for stored in self._walk(conn, sa.true()):
                name = f"record #{stored.seq} (id {stored.id})"
                if stored.seq != expected_seq:
                    missing = (f"#{expected_seq}" if stored.seq == expected_seq + 1
                               else f"#{expected_seq}–#{stored.seq - 1}")
                    raise ChainBroken(f"{name}: record {missing} before it is missing "
                                      "(deleted)", seq=stored.seq, record_id=stored.id)
                if stored.prev_hash != prev_hash:
                    raise ChainBroken(f"{name}: its prev_hash does not match the hash of "
                                      f"record #{stored.seq - 1}: a record before it was "
                                      "removed, replaced or altered",
                                      seq=stored.seq, record_id=stored.id)
                if chain_hash(prev_hash, stored.record, stored.recorded_at) != stored.hash:
                    raise ChainBroken(f"{name}: its content does not match its hash (altered)",
                                      seq=stored.seq, record_id=stored.id)
                prev_hash, expected_seq = stored.hash, expected_seq + 1
                seen_head = seen_head or stored.hash == expect_head
            self._check_derived(conn)
            triggers = schema.active_triggers(conn)
            from leaflet.stock import schema as stock_schema

            missing_stock_triggers = stock_schema.missing_triggers(conn)
        if not seen_head:
            raise ChainBroken(f"the head {expect_head} noted earlier is not in the chain: "
                              "records after it were removed", hint="compare with a backup")
        result = VerifyResult(count=expected_seq - 1, head=prev_hash)
        missing_triggers = (schema.expected_triggers(self.dialect) - triggers
                            ) | missing_stock_triggers
        if missing_triggers:
            result.warnings.append("append-only triggers missing or disabled: "
                                   + ", ".join(sorted(missing_triggers))
                                   + "; `leaflet db upgrade` restores them")
        return result

    def _check_derived(self, conn: sa.Connection) -> None:
        """Columns outside the hash must agree with it: occurred_utc, and no stray languages."""
        t, lang = schema.encounter, schema.encounter_language
        for seq, rid, occurred_at, occurred_utc in conn.execute(
                sa.select(t.c.seq, t.c.id, t.c.occurred_at, t.c.occurred_utc).order_by(t.c.seq)):
            try:
                derived = (dt.datetime.fromisoformat(occurred_at).astimezone(dt.timezone.utc)
                           .replace(tzinfo=None))
            except (TypeError, ValueError, OverflowError):
                derived = None  # only a rewritten chain gets here; name the record
            if occurred_utc != derived:
                raise ChainBroken(f"record #{seq} (id {rid}): occurred_utc {occurred_utc} does "
                                  f"not match occurred_at {occurred_at} (altered)",
                                  seq=seq, record_id=rid)
        stray = conn.execute(sa.select(lang.c.seq).where(
            ~sa.exists().where(t.c.seq == lang.c.seq)).limit(1)).first()
        if stray is not None:
            raise ChainBroken(f"languages are stored for record #{stray.seq}, which is not in "
                              "the log (inserted or its record deleted)", seq=stray.seq)


def _stored(row, codes: list[str]) -> StoredRecord:
    data = row._mapping
    record = {}
    for name in FIELDS:
        record[name] = list(codes) if name == "person_languages" else data[name]
    return StoredRecord(record=record, seq=data["seq"], recorded_at=data["recorded_at"],
                        prev_hash=data["prev_hash"], hash=data["hash"])


def _first_line(error: BaseException) -> str:
    return clip((str(error).strip().splitlines() or [type(error).__name__])[0], 200).strip("'\"")


def _listed(names: list[str], shown: int = 5) -> str:
    text = ", ".join(clip(n, 40) if len(n) > 38 else n for n in names[:shown])
    return text + (f", … ({len(names)} in all)" if len(names) > shown else "")


NO_LOG_HINT = ("check --db / LEAFLET_DB; `leaflet handover` creates the log with its first "
               "record, `leaflet db upgrade` an empty one")


assert set(CHAIN_FIELDS) == {"seq", "recorded_at", "prev_hash", "hash"}
