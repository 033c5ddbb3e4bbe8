"""The stock ledger's tables, their append-only triggers and their own migrations.

The ledger lives in the log's database, under the log's rules: rows are only ever added, and
triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) for every role, the owner
included. Two tables: `stock_movement` (one row per unit, language and edition that a receipt
or a transfer moves; a transfer is two rows, out of one unit and into the other, sharing one
`movement` id) and `stock_schema` (one row per applied ledger migration).

Why a version series of its own rather than the log's `leaflet_schema`: the desk's SQLite
appender (leaflet.handover.sqlite_fast) writes only to a log at exactly the version it knows,
so bumping the log's version stops every desk until someone runs `leaflet db upgrade`. A
change to the stock bookkeeping must never stop a desk from recording a hand-over, and the
records desks write do not change. So the ledger is versioned apart, with the same mechanism
(numbered functions, each applied in the transaction that inserts its version row), and
`leaflet db upgrade` brings both up to date (leaflet.handover.store.Store.upgrade).

Hand-overs are not copied into the ledger: a unit's stock is derived (see ledger.py), so the
desk's path is unchanged and no decrement can be lost by concurrent writers.
"""

from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

from leaflet.handover import schema as log_schema
from leaflet.handover.errors import SchemaError

SCHEMA_VERSION = 1  # the ledger version this code writes; MIGRATIONS below has them all
SCHEMA_TABLE = "stock_schema"
MOVEMENT_TABLE = "stock_movement"
KINDS = ("receipt", "transfer_out", "transfer_in")

metadata = sa.MetaData()

schema_versions = sa.Table(
    SCHEMA_TABLE, metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

movement = sa.Table(
    MOVEMENT_TABLE, metadata,
    # A UUID, not a serial: a coordinator's role needs INSERT and SELECT only, no sequence.
    sa.Column("id", sa.String(36), primary_key=True),
    # The receipt or transfer this row belongs to (one command, one transaction).
    sa.Column("movement", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("counterpart", sa.String(40)),  # the other unit of a transfer
    sa.Column("language", sa.String(35), nullable=False),
    sa.Column("edition", sa.String(64), nullable=False),
    # Signed: copies into `unit` are positive, copies out of it negative.
    sa.Column("copies", sa.Integer, nullable=False),
    sa.Column("occurred_at", sa.String(40), nullable=False),
    sa.Column("occurred_utc", sa.DateTime(), nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("note", sa.String(200)),
    sa.CheckConstraint("kind IN ('receipt', 'transfer_out', 'transfer_in')",
                       name="stock_movement_kind"),
    sa.CheckConstraint("(kind = 'transfer_out' AND copies < 0) "
                       "OR (kind <> 'transfer_out' AND copies > 0)",
                       name="stock_movement_sign"),
    sa.CheckConstraint("(kind = 'receipt') = (counterpart IS NULL)",
                       name="stock_movement_counterpart"),
)
sa.Index("ix_stock_movement_unit", movement.c.unit, movement.c.language, movement.c.edition)

APPEND_ONLY_TABLES = (MOVEMENT_TABLE, SCHEMA_TABLE)


# The ledger derives a unit's stock from the log's given hand-overs grouped by unit,
# language and edition (ledger.given_counts). This partial index holds exactly those columns
# (and the row id), so the count is one walk of the index in group order: over a million
# hand-overs, about a fifth of a sort of the table. It adds nothing to the records and no
# step to the desk's path beyond one index entry per hand-over. Same text on both databases.
GIVEN_INDEX = "ix_encounter_given"
GIVEN_INDEX_DDL = (f"CREATE INDEX IF NOT EXISTS {GIVEN_INDEX} ON {log_schema.encounter.name} "
                   "(unit, leaflet_language, leaflet_edition, occurred_utc) "
                   "WHERE leaflet = 'given'")


def _v1_ledger(conn: sa.Connection) -> None:
    # As for the log: create_all is right only for the first version, which *is* the metadata.
    metadata.create_all(conn)
    for statement in log_schema.append_only_ddl(conn.dialect.name, APPEND_ONLY_TABLES):
        conn.execute(sa.text(statement))
    conn.execute(sa.text(GIVEN_INDEX_DDL))


# (version, description, function); append only, never renumber.
MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "stock ledger: receipts and transfers, append-only", _v1_ledger),
]
assert MIGRATIONS[-1][0] == SCHEMA_VERSION


def present(conn: sa.Connection) -> bool:
    return sa.inspect(conn).has_table(SCHEMA_TABLE)


def current_version(conn: sa.Connection) -> int:
    """The ledger's version in this database; 0 when it was never created."""
    if not present(conn):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_versions.c.version))).scalar() or 0


def check_version(version: int, display_url: str) -> None:
    """Refuse a ledger at another version than this code writes (0 is created on use)."""
    if 0 < version < SCHEMA_VERSION:
        raise SchemaError(f"{display_url}: the stock ledger is at version {version}, this "
                          f"leaflet writes version {SCHEMA_VERSION}",
                          hint="run `leaflet db upgrade` (after a backup)")
    if version > SCHEMA_VERSION:
        raise SchemaError(f"{display_url}: the stock ledger is at version {version}, newer "
                          f"than this leaflet (version {SCHEMA_VERSION})",
                          hint="upgrade leaflet before writing to this database")


def upgrade(conn: sa.Connection, applied_at: str, display_url: str = "") -> tuple[int, list[int]]:
    """Apply the pending ledger migrations inside the caller's transaction and put back
    dropped triggers; returns (version before, versions applied)."""
    before = current_version(conn)
    if before > SCHEMA_VERSION:
        check_version(before, display_url)
    todo = [m for m in MIGRATIONS if before < m[0] <= SCHEMA_VERSION]
    for version, description, function in todo:
        function(conn)
        conn.execute(sa.insert(schema_versions).values(version=version, description=description,
                                                       applied_at=applied_at))
    if before:
        for statement in log_schema.append_only_ddl(conn.dialect.name, APPEND_ONLY_TABLES):
            conn.execute(sa.text(statement))
    return before, [m[0] for m in todo]


def missing_triggers(conn: sa.Connection) -> set[str]:
    """The ledger's append-only triggers that are missing or disabled (none if no ledger)."""
    if not present(conn):
        return set()
    dialect = conn.dialect.name
    return (log_schema.expected_triggers(dialect, APPEND_ONLY_TABLES)
            - log_schema.active_triggers(conn, APPEND_ONLY_TABLES))
