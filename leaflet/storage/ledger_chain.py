"""Verifying the stock ledger's chain (`leaflet log verify` runs it with the log's).

Each row of stock_movement and stock_adjustment is one link of `stock_chain`, in the order
the rows were written: hash = sha256(prev_hash || canonical JSON of the row). A row altered,
removed, or added beside the chain (a row without its link) is named.
"""

from __future__ import annotations

import sqlalchemy as sa

from leaflet.i18n import _
from leaflet.storage.errors import ChainBroken
from leaflet.periods import utc_of
from leaflet.storage import chain, migrations, tables


def present(conn: sa.Connection) -> bool:
    """Whether this database holds the stock ledger (every version-2 log does)."""
    return sa.inspect(conn).has_table("stock_chain")


def verify_ledger(conn: sa.Connection) -> tuple[int, str]:
    """(rows, head) of the ledger's chain; ChainBroken at the first link that does not hold."""
    c = tables.stock_chain
    rows_of = {}
    for table in (tables.movement, tables.adjustment):
        for row in conn.execute(sa.select(table)).mappings():
            rows_of[row["id"]] = (table.name, dict(row))
    expected_seq, prev_hash = 1, chain.GENESIS_HASH
    linked = set()
    for link in conn.execute(sa.select(c).order_by(c.c.seq)).mappings():
        # Translators: %(row)s is a row's id (a UUID), %(seq)s a number in the ledger's chain.
        name = _("stock row %(row)s (ledger link #%(seq)s)") % {"row": link["row_id"],
                                                                "seq": link["seq"]}
        if link["seq"] != expected_seq:
            # Translators: %(name)s is "stock row ID (ledger link #N)".
            raise ChainBroken(_("%(name)s: ledger link #%(expected)s before it is missing "
                                "(deleted)") % {"name": name, "expected": expected_seq},
                              seq=link["seq"], record_id=link["row_id"])
        if link["prev_hash"] != prev_hash:
            # Translators: %(name)s is "stock row ID (ledger link #N)".
            raise ChainBroken(_("%(name)s: its prev_hash does not match the link before it: a "
                                "row was removed, replaced or altered") % {"name": name},
                              seq=link["seq"], record_id=link["row_id"])
        found = rows_of.get(link["row_id"])
        if found is None or found[0] != link["row_table"]:
            # Translators: %(name)s is "stock row ID (ledger link #N)"; %(table)s a table name.
            raise ChainBroken(_("%(name)s: the row is not in %(table)s (deleted)")
                              % {"name": name, "table": link["row_table"]},
                              seq=link["seq"], record_id=link["row_id"])
        table, row = found
        digest = chain.chain_hash(prev_hash, migrations.movement_document(table, row),
                                  row["recorded_at"])
        if digest != link["hash"]:
            raise ChainBroken(_("%(name)s: its content does not match its hash (altered)")
                              % {"name": name}, seq=link["seq"], record_id=link["row_id"])
        if utc_of(row["occurred_at"]) != row["occurred_utc"]:
            raise ChainBroken(_("%(name)s: occurred_utc %(occurred_utc)s does not match "
                                "occurred_at %(occurred_at)s (altered)")
                              % {"name": name, "occurred_utc": row["occurred_utc"],
                                 "occurred_at": row["occurred_at"]},
                              seq=link["seq"], record_id=link["row_id"])
        linked.add(link["row_id"])
        prev_hash, expected_seq = link["hash"], expected_seq + 1
    unlinked = sorted(set(rows_of) - linked)
    if unlinked:
        raise ChainBroken(_("stock row %(row)s is not in the ledger's chain (inserted "
                            "beside it)") % {"row": unlinked[0]}, record_id=unlinked[0])
    return expected_seq - 1, prev_hash


def insert_rows(conn: sa.Connection, rows, adjustments=()) -> None:
    """Insert ledger rows and their links (the caller holds the ledger's lock)."""
    if rows:
        conn.execute(sa.insert(tables.movement), list(rows))
    if adjustments:
        conn.execute(sa.insert(tables.adjustment), list(adjustments))
    migrations.chain_ledger_rows(conn, [(tables.MOVEMENT_TABLE, r) for r in rows]
                                 + [("stock_adjustment", r) for r in adjustments])


def rows_in_chain_order(conn: sa.Connection) -> list[tuple[str, dict]]:
    """(table, row) of every ledger row, in the ledger's chain order."""
    c = tables.stock_chain
    rows = {}
    for table in (tables.movement, tables.adjustment):
        for row in conn.execute(sa.select(table)).mappings():
            rows[row["id"]] = (table.name, dict(row))
    order = conn.execute(sa.select(c.c.row_id).order_by(c.c.seq)).scalars().all()
    return [rows[i] for i in order if i in rows]
