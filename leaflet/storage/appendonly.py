"""The one append-only rule, as triggers, on SQLite and PostgreSQL.

Every table of the log's database refuses UPDATE and DELETE (and TRUNCATE on PostgreSQL) for
every role, the owner included, with one exception, which is the erasure of issue-named
fields after the retention period (docs/privacy.md): an UPDATE of `encounter` that only sets
`case_ref` and `not_given_note` to NULL, and of `encounter_secret` that only sets their salts
to NULL, is allowed when a `log_event` erasure record covers the encounter's time
(`erase_before` > occurred_utc). Nothing else can be changed, and nothing erased before an
erasure record says so; the erasure record itself is a link of the chain.
"""

from __future__ import annotations

import sqlalchemy as sa

from leaflet.storage import layout

# Tables under the plain rule (no update at all), and the two with the erasure exception.
ERASABLE_TABLES = (layout.LOG_TABLE, layout.SECRET_TABLE)
PLAIN_TABLES = (layout.LANGUAGE_TABLE, layout.SCHEMA_TABLE, layout.EVENT_TABLE,
                "stock_schema", "stock_movement", "stock_adjustment", "stock_chain",
                layout.OUTCOME_TABLE)
ALL_TABLES = ERASABLE_TABLES + PLAIN_TABLES
# Version 1 had these (and the ledger's two when the ledger existed).
V1_TABLES = (layout.LOG_TABLE, layout.LANGUAGE_TABLE, layout.SCHEMA_TABLE)

_KEPT = {
    layout.LOG_TABLE: [c for c in layout.LOG_COLUMNS if c not in layout.ERASABLE],
    layout.SECRET_TABLE: ["seq", "case_ref_commit", "not_given_note_commit", "v1_digest"],
}
_NULLED = {
    layout.LOG_TABLE: list(layout.ERASABLE),
    layout.SECRET_TABLE: [f"{name}_salt" for name in layout.ERASABLE],
}
_COVERED = {
    layout.LOG_TABLE: "OLD.occurred_utc",
    layout.SECRET_TABLE: f"(SELECT occurred_utc FROM {layout.LOG_TABLE} WHERE seq = OLD.seq)",
}


def _erasure_condition(table: str) -> str:
    kept = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _KEPT[table])
    nulled = " AND ".join(f"NEW.{c} IS NULL" for c in _NULLED[table])
    return (f"{kept} AND {nulled} AND EXISTS (SELECT 1 FROM {layout.EVENT_TABLE} "
            f"WHERE kind = 'erasure' AND erase_before > {_COVERED[table]})")


def ddl(dialect: str, tables: tuple[str, ...] = ALL_TABLES, *, erasure: bool = True
        ) -> list[str]:
    """Statements that put the rule on `tables` (those that exist); safe to run again.
    Without `erasure`, the plain rule everywhere (as version 1 made it)."""
    erasable = ERASABLE_TABLES if erasure else ()
    if dialect == "sqlite":
        statements = []
        for table in tables:
            for op in ("UPDATE", "DELETE"):
                name = f"{table}_no_{op.lower()}"
                when = ""
                if op == "UPDATE" and table in erasable:
                    when = f" WHEN NOT ({_erasure_condition(table)})"
                    statements.append(f"DROP TRIGGER IF EXISTS {name}")
                statements.append(
                    f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {op} ON {table}{when} "
                    f"BEGIN SELECT RAISE(ABORT, 'leaflet: {table} is append-only, {op} "
                    "refused'); END")
        return statements
    if dialect == "postgresql":
        statements = [
            "CREATE OR REPLACE FUNCTION leaflet_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'leaflet: % is append-only, % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$",
        ] + [_pg_erasure_function(table) for table in erasable]
        for table in tables:
            function = (f"leaflet_erasure_only_{table}" if table in erasable
                        else "leaflet_append_only")
            statements += [
                f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()",
                # Row triggers do not fire on TRUNCATE.
                f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION leaflet_append_only()",
            ]
        return statements
    raise NotImplementedError(f"no append-only triggers for {dialect}")


def _pg_erasure_function(table: str) -> str:
    """The trigger function of one erasable table: the erasing UPDATE passes, all else fails."""
    drop = " - ".join(f"'{c}'" for c in _NULLED[table])
    nulled = " AND ".join(f"to_jsonb(NEW) ->> '{c}' IS NULL" for c in _NULLED[table])
    return (f"CREATE OR REPLACE FUNCTION leaflet_erasure_only_{table}() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP = 'UPDATE' AND (to_jsonb(NEW) - {drop}) = (to_jsonb(OLD) - {drop}) "
            f"AND {nulled} AND EXISTS (SELECT 1 FROM {layout.EVENT_TABLE} "
            f"WHERE kind = 'erasure' AND erase_before > {_COVERED[table]}) THEN RETURN NEW; "
            "END IF; "
            "RAISE EXCEPTION 'leaflet: % is append-only, % refused', TG_TABLE_NAME, TG_OP "
            "USING ERRCODE = 'insufficient_privilege'; END $$")


def expected(dialect: str, tables: tuple[str, ...]) -> set[str]:
    if dialect == "sqlite":
        return {f"{t}_no_{op}" for t in tables for op in ("update", "delete")}
    return {f"{t}_{kind}" for t in tables for kind in ("append_only", "no_truncate")}


def active(conn: sa.Connection, tables: tuple[str, ...]) -> set[str]:
    """Names of the enabled triggers on `tables`."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    else:
        rows = conn.execute(sa.text(
            "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' "
            "AND c.oid IN (SELECT to_regclass(n) FROM unnest(CAST(:names AS text[])) AS n)"),
            {"names": list(tables)})
    return {row[0] for row in rows}


def present_tables(conn: sa.Connection) -> tuple[str, ...]:
    names = set(sa.inspect(conn).get_table_names())
    return tuple(t for t in ALL_TABLES if t in names)


def missing(conn: sa.Connection) -> set[str]:
    """The triggers of the rule that are missing or disabled, on the tables that exist."""
    tables = present_tables(conn)
    return expected(conn.dialect.name, tables) - active(conn, tables)
