"""The log's tables, triggers and migrations, as the hand-over code names them.

They live in leaflet.storage, shared with the stock ledger (one database, one schema series,
one chain mechanism, one append-only rule); this module is the log's view of them.
"""

from __future__ import annotations

import sqlalchemy as sa

from leaflet.storage import appendonly
from leaflet.storage.migrations import MIGRATIONS, apply, current_version, pending  # noqa: F401
from leaflet.storage.tables import (encounter, encounter_language, event, metadata,  # noqa: F401
                                    schema_versions, secret)

APPEND_ONLY_TABLES = appendonly.ALL_TABLES


def append_only_ddl(dialect: str, tables_: tuple[str, ...] = APPEND_ONLY_TABLES) -> list[str]:
    return appendonly.ddl(dialect, tables_)


def expected_triggers(dialect: str, tables_: tuple[str, ...] = APPEND_ONLY_TABLES) -> set[str]:
    return appendonly.expected(dialect, tables_)


def active_triggers(conn: sa.Connection, tables_: tuple[str, ...] = APPEND_ONLY_TABLES
                    ) -> set[str]:
    return appendonly.active(conn, tables_)


def tables(conn: sa.Connection) -> list[str]:
    """Every table and view of the database (in its default schema). The log is created only
    in a database that has none: one that holds other tables is not the log's."""
    inspector = sa.inspect(conn)
    return sorted(set(inspector.get_table_names()) | set(inspector.get_view_names()))
