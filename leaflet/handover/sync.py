"""`leaflet log sync`: bring the records and stock rows of one log into another, once each.

A social inspector records on a laptop (SQLite) and, back at the office, syncs into the
zone's PostgreSQL. The source is verified first. Then every record the destination lacks is
appended to the destination's chain, in the source's order, each in its own transaction with
its salts and commitments (an erased value stays erased), so a sync killed at any moment is
completed by running it again, and a second run copies nothing. A record id already in the
destination with other content stops the sync loudly, naming the id: nothing after it is
copied. Stock rows follow the same way, one movement (a receipt, a transfer's two rows, a
correction) per transaction. The destination's chains are verified at the end.

Records are the same when their fields are: the erasable ones are compared in clear when both
sides hold them, through their commitments when both sides share the salt; a value erased on
one side cannot differ provably and does not stop a sync.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from leaflet.storage import layout
from leaflet.storage.errors import StoreError
from leaflet.storage import ledger_chain, tables
from leaflet.storage.database import LEDGER_LOCK_KEY
from leaflet.i18n import _


class SyncConflict(StoreError):
    """An id is in both logs with different content."""


@dataclass
class SyncResult:
    records: int = 0  # copied (or, dry run, to copy)
    present: int = 0  # already in the destination
    stock: int = 0
    stock_present: int = 0
    dry_run: bool = False
    verified: object = None  # the destination's VerifyResult


def same_record(a, b) -> bool:
    """Whether two stored records (of two logs) are the same record."""
    for name, value in a.record.items():
        if name not in layout.ERASABLE and value != b.record[name]:
            return False
    for name in layout.ERASABLE:
        x, y = a.record.get(name), b.record.get(name)
        had_x = x is not None or bool((a.secret or {}).get(f"{name}_commit"))
        had_y = y is not None or bool((b.secret or {}).get(f"{name}_commit"))
        if had_x != had_y:
            return False  # one side never had a value
        if x is not None and y is not None and x != y:
            return False
        # Erased on one side or both: the commitments may use other salts (two imports of
        # one file), so a difference cannot be proven; the other fields decide.
    return True


def sync(source_url: str, dest_url: str, *, dry_run: bool = False) -> SyncResult:
    from leaflet.handover.store import Store

    source, dest = Store(source_url), Store(dest_url)
    if source.display_url == dest.display_url:
        from leaflet.errors import UsageError

        raise UsageError(_("--from and --to are the same database"))
    source.verify()  # a tampered source is never copied
    result = SyncResult(dry_run=dry_run)
    present = dest._log_present()
    if not dry_run:
        dest.ensure_schema()  # the log and, with it, the ledger
        present = True
    records = list(source.records())
    existing = dest._existing(r.id for r in records) if present else {}
    known = {}
    if present:
        with dest.db.read() as conn:
            for stored in dest._walk(conn, tables.encounter.c.id.in_(list(existing))):
                known[stored.id] = stored
    for stored in records:
        other = known.get(stored.id)
        if other is not None:
            if not same_record(stored, other):
                raise SyncConflict(
                    # Translators: %(id)s is a record's id; %(database)s the destination
                    # database; %(count)s how many records were copied before this one.
                    _("record %(id)s is in %(database)s with different content: "
                      "sync stopped, nothing after it copied (%(count)s copied before it)")
                    % {"id": stored.id, "database": dest.display_url, "count": result.records},
                    hint=_("compare the two with `leaflet log show`; a record is never changed, "
                           "a correction is a new record"))
            result.present += 1
            continue
        if not dry_run:
            with dest.db.write() as conn:
                if dest._exists(conn, stored.id):  # another sync got there first
                    result.present += 1
                    continue
                dest.insert_copy(conn, stored)
        result.records += 1
    _sync_stock(source, dest, result, dry_run, present)
    if not dry_run:
        result.verified = dest.verify()
    return result


def _sync_stock(source, dest, result: SyncResult, dry_run: bool, present: bool) -> None:
    with source.db.read() as conn:
        rows = ledger_chain.rows_in_chain_order(conn)
    have: dict[str, dict] = {}
    if present:
        with dest.db.read() as conn:
            have = {row["id"]: row for _, row in ledger_chain.rows_in_chain_order(conn)}
    groups: list[list[tuple[str, dict]]] = []
    for table, row in rows:
        if groups and groups[-1][0][1]["movement"] == row["movement"]:
            groups[-1].append((table, row))
        else:
            groups.append([(table, row)])
    for group in groups:
        missing = []
        for table, row in group:
            other = have.get(row["id"])
            if other is None:
                missing.append((table, row))
            elif other != row:
                # Translators: %(id)s is a stock row's id; %(database)s the destination.
                raise SyncConflict(_("stock row %(id)s is in %(database)s with "
                                     "different content: sync stopped, nothing after it copied")
                                   % {"id": row["id"], "database": dest.display_url})
            else:
                result.stock_present += 1
        if not missing:
            continue
        if not dry_run:
            with dest.db.write(LEDGER_LOCK_KEY) as conn:
                ids = [row["id"] for _, row in missing]
                already = set(conn.execute(sa.select(tables.stock_chain.c.row_id).where(
                    tables.stock_chain.c.row_id.in_(ids))).scalars())
                todo = [(t, r) for t, r in missing if r["id"] not in already]
                ledger_chain.insert_rows(conn, [r for t, r in todo if t == tables.MOVEMENT_TABLE],
                                 [r for t, r in todo if t != tables.MOVEMENT_TABLE])
        result.stock += len(missing)
