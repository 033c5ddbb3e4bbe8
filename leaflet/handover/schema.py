"""The log's tables (SQLAlchemy Core), its append-only triggers and its schema migrations.

Three tables: `encounter` (one row per record, with `seq`, `recorded_at`, `prev_hash` and
`hash` beside the record's fields), `encounter_language` (the languages the person
understands, one row each, so reports can count them in SQL) and `leaflet_schema` (one row
per applied migration; the highest version is the database's version). All three reject
UPDATE and DELETE by trigger, on SQLite and on PostgreSQL (where TRUNCATE is refused too).

Migrations are numbered functions; version N's function takes a connection inside the
transaction that also inserts its `leaflet_schema` row. A migration never edits a record: the
log is evidence, so a format change adds columns or tables, it does not rewrite history.
"""

from __future__ import annotations

from typing import Callable

import sqlalchemy as sa

from leaflet.handover import layout

metadata = sa.MetaData()

schema_versions = sa.Table(
    layout.SCHEMA_TABLE, metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

encounter = sa.Table(
    layout.LOG_TABLE, metadata,
    # The position in this database's chain, gap-free from 1: a missing number is a deleted row.
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("occurred_at", sa.String(40), nullable=False),
    sa.Column("service", sa.String(40), nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("officer", sa.String(40), nullable=False),
    sa.Column("assessment", sa.String(20), nullable=False),
    sa.Column("residence_status", sa.String(20), nullable=False),
    sa.Column("leaflet", sa.String(20), nullable=False),
    sa.Column("leaflet_language", sa.String(35)),
    sa.Column("leaflet_edition", sa.String(64)),
    sa.Column("not_given_reason", sa.String(20)),
    sa.Column("not_given_note", sa.String(200)),
    sa.Column("centre_action", sa.String(20), nullable=False),
    sa.Column("centre", sa.String(20)),
    sa.Column("foreigners_dept_informed", sa.Boolean(create_constraint=False)),
    sa.Column("amends", sa.String(36), index=True),
    sa.Column("case_ref", sa.String(200)),
    # occurred_at in UTC, derived, for period filters and reports; verify checks it agrees.
    sa.Column("occurred_utc", sa.DateTime(), nullable=False, index=True),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    # Unique: two records can never claim the same predecessor, so even a writer that skipped
    # the chain lock could not fork the chain; it would fail and retry.
    sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
)
sa.Index("ix_encounter_unit_occurred", encounter.c.unit, encounter.c.occurred_utc)

encounter_language = sa.Table(
    layout.LANGUAGE_TABLE, metadata,
    sa.Column("seq", sa.Integer, sa.ForeignKey(f"{layout.LOG_TABLE}.seq"), primary_key=True,
              autoincrement=False),
    sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("code", sa.String(35), nullable=False, index=True),
)

APPEND_ONLY_TABLES = (layout.LOG_TABLE, layout.LANGUAGE_TABLE, layout.SCHEMA_TABLE)
assert tuple(c.name for c in encounter.columns) == layout.LOG_COLUMNS
assert tuple(c.name for c in encounter_language.columns) == layout.LANGUAGE_COLUMNS


def append_only_ddl(dialect: str, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> list[str]:
    """Statements that make `tables` (default: the log's) reject UPDATE and DELETE; safe to
    run again. The stock ledger (leaflet.stock.schema) passes its own tables."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'leaflet: {table} is append-only, {op} refused'); END"
            for table in tables for op in ("UPDATE", "DELETE")
        ]
    if dialect == "postgresql":
        statements = [
            "CREATE OR REPLACE FUNCTION leaflet_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'leaflet: % is append-only, % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$",
        ]
        for table in tables:
            statements += [
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION leaflet_append_only()",
                # Row triggers do not fire on TRUNCATE.
                f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION leaflet_append_only()",
            ]
        return statements
    raise NotImplementedError(f"no append-only triggers for {dialect}")


def expected_triggers(dialect: str, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> set[str]:
    if dialect == "sqlite":
        return {f"{t}_no_{op}" for t in tables for op in ("update", "delete")}
    return {f"{t}_{kind}" for t in tables for kind in ("append_only", "no_truncate")}


def active_triggers(conn: sa.Connection, tables: tuple[str, ...] = APPEND_ONLY_TABLES) -> set[str]:
    """Names of the enabled triggers on `tables` (default: the log's)."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    else:
        rows = conn.execute(sa.text(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' "
            "AND c.oid IN (SELECT to_regclass(n) FROM unnest(CAST(:names AS text[])) AS n)"),
            {"names": list(tables)})
    return {row[0] for row in rows}


def _v1_initial(conn: sa.Connection) -> None:
    # create_all is right only for the first version: the metadata above *is* version 1.
    # Later versions alter what exists (op by op), they do not re-create it.
    metadata.create_all(conn)
    for statement in append_only_ddl(conn.dialect.name):
        conn.execute(sa.text(statement))


# (version, description, function); append only, never renumber.
MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "encounter log with hash chain and append-only triggers", _v1_initial),
]
assert MIGRATIONS[-1][0] == layout.SCHEMA_VERSION


def current_version(conn: sa.Connection) -> int:
    """The database's schema version; 0 for a database the log has never used."""
    if not sa.inspect(conn).has_table(layout.SCHEMA_TABLE):
        return 0
    return conn.execute(sa.select(sa.func.max(schema_versions.c.version))).scalar() or 0


def tables(conn: sa.Connection) -> list[str]:
    """Every table and view of the database (in its default schema). The log is created only
    in a database that has none: one that holds other tables is not the log's."""
    inspector = sa.inspect(conn)
    return sorted(set(inspector.get_table_names()) | set(inspector.get_view_names()))


def pending(version: int, target: int | None = None) -> list[tuple[int, str, Callable]]:
    target = layout.SCHEMA_VERSION if target is None else target
    return [m for m in MIGRATIONS if version < m[0] <= target]


def apply(conn: sa.Connection, migration: tuple[int, str, Callable], applied_at: str) -> None:
    version, description, function = migration
    function(conn)
    conn.execute(sa.insert(schema_versions).values(version=version, description=description,
                                                   applied_at=applied_at))
