"""The stock ledger's tables, as the stock code names them.

The ledger lives in the log's database, under the log's rules (leaflet.storage): rows are
only ever added, triggers refuse UPDATE and DELETE for every role, and every row is a link
of the ledger's hash chain (`stock_chain`), which `leaflet log verify` checks with the log.

  stock_movement    receipts and transfers (a transfer is two rows, out of one unit and
                    into the other, sharing one `movement` id), as version 1 made them
  stock_adjustment  a correction of a movement row (the change it makes, naming the row it
                    corrects), copies on order, and an order closed by the receipt that
                    brought the copies
  stock_chain       one link per row of the two tables above, in the order they were written

Since version 2 the ledger is versioned with the log, in `leaflet_schema`: one database, one
schema series (a version-1 ledger's own `stock_schema` table stays, as history).

Hand-overs are not copied into the ledger: a unit's stock is derived (see ledger.py), so the
desk's path is unchanged and no decrement can be lost by concurrent writers.
"""

from __future__ import annotations

import sqlalchemy as sa

from leaflet.storage import appendonly
from leaflet.storage.tables import (ADJUSTMENT_KINDS, GIVEN_INDEX, GIVEN_INDEX_DDL,  # noqa: F401
                                    KINDS, MOVEMENT_TABLE, STOCK_SCHEMA_TABLE, adjustment,
                                    movement, stock_chain)

LEDGER_TABLES = (MOVEMENT_TABLE, "stock_adjustment", "stock_chain")


def present(conn: sa.Connection) -> bool:
    """Whether this database holds the ledger (every version-2 log does)."""
    return sa.inspect(conn).has_table("stock_chain")


def missing_triggers(conn: sa.Connection) -> set[str]:
    """The ledger's append-only triggers that are missing or disabled (none if no ledger)."""
    if not present(conn):
        return set()
    return appendonly.missing(conn) & appendonly.expected(
        conn.dialect.name, LEDGER_TABLES + (STOCK_SCHEMA_TABLE,))
