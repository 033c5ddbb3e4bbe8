"""The one schema version series of the log's database, and its migrations.

Migrations are numbered functions; version N's function takes a connection inside the
transaction that also inserts its `leaflet_schema` row (and `leaflet db upgrade` runs them
all in one transaction, after verifying the log). A migration never edits a row: the log is
evidence, so a new version adds tables, indexes and rows of its own.

Version 2 (see leaflet.storage.tables):
  - brings the stock ledger into this series (a version-1 ledger keeps its `stock_schema`
    table as history; a new database has none) and chains its rows (`stock_chain`);
  - gives every version-1 record that holds a case reference or a note a salted
    commitment to each (`encounter_secret`) and its digest: the digest of the record with
    commitments in place of values, its recorded_at and its version-1 hash;
  - appends an upgrade record to the log's chain (`log_event`) whose details hold the
    running hash of those digests, in `seq` order (the anchor). A version-1 record's hash
    covers its values in clear; once they are erased that hash cannot be recomputed, and the
    anchor is what still proves that nothing else of the record changed;
  - adds the report's indexes and the erasure exception of the append-only rule.

Version 3 stores each record's outcome under every duty rule (`encounter_outcome`, made by
leaflet.storage.outcomes, the one definition of them), for every record already in the log
and from then on by every writer with the record, so that the report counts a narrow index
instead of judging every record again.

Version 4 adds `no_copy` ("no printed copy at hand") to the closed vocabulary of
`not_given_reason`. The stored reason has no CHECK constraint or enum on either database (a
String column; the record's own checks hold the vocabulary), so no DDL changes: the version
is what keeps a tool of version 3, which refuses a log at a newer version, from reading a
reason it does not know as one it does. Its migration stores every record's outcomes under
version 2 of the duty rules, whose `no_language` column tells a stock gap (2) from a
translation gap (1); the version-1 rows stay (the table is append-only).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Callable

import sqlalchemy as sa

from leaflet.storage import layout
from leaflet.storage import appendonly, chain, tables

V1_UPGRADE_KIND = "upgrade"


def _v1_initial(conn: sa.Connection, applied_at: str) -> None:
    # Version 1 as it was made: the log's three tables and the plain append-only rule.
    tables.metadata.create_all(conn, tables=list(tables.V1_LOG_TABLES))
    for statement in appendonly.ddl(conn.dialect.name, appendonly.V1_TABLES, erasure=False):
        conn.execute(sa.text(statement))


def _v2(conn: sa.Connection, applied_at: str) -> None:
    inspector = sa.inspect(conn)
    have = set(inspector.get_table_names())
    if tables.MOVEMENT_TABLE not in have:
        tables.movement.create(conn)
    for table in tables.V2_TABLES:
        table.create(conn)
    conn.execute(sa.text(tables.GIVEN_INDEX_DDL))
    for statement in tables.V2_INDEX_DDL:
        conn.execute(sa.text(statement))
    _anchor_v1_records(conn, applied_at)
    _chain_v1_movements(conn)
    for statement in appendonly.ddl(conn.dialect.name, appendonly.present_tables(conn)):
        conn.execute(sa.text(statement))


def _v3(conn: sa.Connection, applied_at: str) -> None:
    from leaflet.storage import outcomes

    for table in tables.V3_TABLES:
        table.create(conn)
    for statement in tables.V3_INDEX_DDL:
        conn.execute(sa.text(statement))
    outcomes.derive_missing(conn)
    for statement in appendonly.ddl(conn.dialect.name, appendonly.present_tables(conn)):
        conn.execute(sa.text(statement))


def _v4(conn: sa.Connection, applied_at: str) -> None:
    from leaflet.storage import outcomes

    outcomes.derive_missing(conn)


def v1_record_digest(document: dict, recorded_at: str, v1_hash: str) -> str:
    return chain.digest({"record": document, "recorded_at": recorded_at, "hash": v1_hash})


def _anchor_v1_records(conn: sa.Connection, applied_at: str) -> None:
    from leaflet.duties.record import FIELDS

    e, lang = tables.encounter, tables.encounter_language
    languages: dict[int, list[str]] = {}
    for seq, code in conn.execute(sa.select(lang.c.seq, lang.c.code)
                                  .where(lang.c.seq.in_(
                                      sa.select(e.c.seq).where(sa.or_(
                                          e.c.case_ref.is_not(None),
                                          e.c.not_given_note.is_not(None)))))
                                  .order_by(lang.c.seq, lang.c.position)):
        languages.setdefault(seq, []).append(code)
    anchor, last_seq, last_hash, secrets = chain.GENESIS_HASH, 0, chain.GENESIS_HASH, []
    head = conn.execute(sa.select(e.c.seq, e.c.hash).order_by(e.c.seq.desc()).limit(1)).first()
    if head is None:
        return  # an empty log: nothing to anchor
    last_seq, last_hash = head
    rows = conn.execute(sa.select(e).where(sa.or_(e.c.case_ref.is_not(None),
                                                  e.c.not_given_note.is_not(None)))
                        .order_by(e.c.seq))
    for row in rows:
        data = row._mapping
        record = {name: (languages.get(data["seq"], []) if name == "person_languages"
                         else data[name]) for name in FIELDS}
        secret = layout.secret_row(record, data["seq"])
        commits = {name: secret[f"{name}_commit"] for name in layout.ERASABLE}
        secret["v1_digest"] = v1_record_digest(layout.document(record, commits),
                                               data["recorded_at"], data["hash"])
        anchor = chain.accumulate(anchor, secret["v1_digest"])
        secrets.append(secret)
    if secrets:
        conn.execute(sa.insert(tables.secret), secrets)
    details = {"from": 1, "to": 2, "v1_last_seq": last_seq, "v1_head": last_hash,
               "v1_anchor": anchor, "v1_committed": len(secrets)}
    append_event(conn, V1_UPGRADE_KIND, details, actor=None, erase_before=None,
                 recorded_at=applied_at, head=(last_seq, last_hash))


def v1_boundary(events: list[dict]) -> int:
    """The last `seq` made under version 1 (its hash covers values in clear): the upgrade
    record says; 0 for a log made at version 2."""
    upgrade = next((e for e in events if e["kind"] == V1_UPGRADE_KIND), None)
    return upgrade["details"]["v1_last_seq"] if upgrade else 0


def event_document(row) -> dict:
    before = row["erase_before"]
    details = row["details"]
    return {"id": row["id"], "kind": row["kind"], "actor": row["actor"],
            "erase_before": before.isoformat() if before is not None else None,
            "details": json.loads(details) if isinstance(details, str) else details}


def log_head(conn: sa.Connection) -> tuple[int, str]:
    """(seq, hash) of the last link of the log's chain (encounters and log events; a
    version-2 log has both tables)."""
    best = (0, chain.GENESIS_HASH)
    for table in (tables.encounter, tables.event):
        row = conn.execute(sa.select(table.c.seq, table.c.hash).order_by(table.c.seq.desc())
                           .limit(1)).first()
        if row is not None and row[0] > best[0]:
            best = (row[0], row[1])
    return best


def append_event(conn: sa.Connection, kind: str, details: dict, *, actor: str | None,
                 erase_before: dt.datetime | None, recorded_at: str,
                 head: tuple[int, str] | None = None) -> dict:
    """Append a log event as the next link of the chain (the caller holds the chain lock)."""
    seq, prev_hash = head or log_head(conn)
    row = {"seq": seq + 1, "id": str(uuid.uuid4()), "kind": kind, "actor": actor,
           "erase_before": erase_before,
           "details": chain.canonical_json(details).decode("utf-8"),
           "recorded_at": recorded_at, "prev_hash": prev_hash}
    row["hash"] = chain.chain_hash(prev_hash, event_document(row), recorded_at)
    conn.execute(sa.insert(tables.event).values(**row))
    return row


# --- the ledger's chain ---------------------------------------------------------------------

def movement_document(table: str, row) -> dict:
    """What a ledger row's link covers: every column but the derived occurred_utc."""
    data = {k: v for k, v in dict(row).items() if k != "occurred_utc"}
    data["table"] = table
    return data


def ledger_head(conn: sa.Connection) -> tuple[int, str]:
    c = tables.stock_chain
    row = conn.execute(sa.select(c.c.seq, c.c.hash).order_by(c.c.seq.desc()).limit(1)).first()
    return (row[0], row[1]) if row else (0, chain.GENESIS_HASH)


def chain_ledger_rows(conn: sa.Connection, items: list[tuple[str, dict]]) -> None:
    """Add ledger rows to the ledger's chain, in order (the caller holds the ledger lock)."""
    seq, prev_hash = ledger_head(conn)
    links = []
    for table, row in items:
        seq += 1
        digest = chain.chain_hash(prev_hash, movement_document(table, row), row["recorded_at"])
        links.append({"seq": seq, "row_id": row["id"], "row_table": table,
                      "prev_hash": prev_hash, "hash": digest})
        prev_hash = digest
    if links:
        conn.execute(sa.insert(tables.stock_chain), links)


def _chain_v1_movements(conn: sa.Connection) -> None:
    m = tables.movement
    rows = conn.execute(sa.select(m).order_by(m.c.recorded_at, m.c.movement, m.c.kind,
                                              m.c.id)).mappings().all()
    chain_ledger_rows(conn, [(tables.MOVEMENT_TABLE, dict(r)) for r in rows])


# (version, description, function); append only, never renumber.
MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection, str], None]]] = [
    (1, "encounter log with hash chain and append-only triggers", _v1_initial),
    (2, "one series for log and ledger: erasable fields committed, log events, ledger chain, "
        "corrections and orders, report indexes", _v2),
    (3, "each record's outcome under every duty rule, stored with it for the report",
     _v3),
    (4, "'no printed copy at hand' (no_copy) joins the reasons a leaflet was not given; "
        "each record's outcomes under version 2 of the duty rules (stock gaps apart)", _v4),
]
assert MIGRATIONS[-1][0] == layout.SCHEMA_VERSION


def current_version(conn: sa.Connection) -> int:
    """The database's schema version; 0 for a database the log has never used."""
    if not sa.inspect(conn).has_table(layout.SCHEMA_TABLE):
        return 0
    return conn.execute(sa.select(sa.func.max(tables.schema_versions.c.version))).scalar() or 0


def pending(version: int, target: int | None = None) -> list[tuple[int, str, Callable]]:
    target = layout.SCHEMA_VERSION if target is None else target
    return [m for m in MIGRATIONS if version < m[0] <= target]


def apply(conn: sa.Connection, migration: tuple[int, str, Callable], applied_at: str) -> None:
    version, description, function = migration
    function(conn, applied_at)
    conn.execute(sa.insert(tables.schema_versions).values(version=version,
                                                          description=description,
                                                          applied_at=applied_at))
