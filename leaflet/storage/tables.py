"""Every table of the log's database, as SQLAlchemy Core objects, and which version made it.

Version 1 made the log (`leaflet_schema`, `encounter`, `encounter_language`) and, in its own
series then, the stock ledger (`stock_schema`, `stock_movement`). Version 2 joined the two
series into one (`leaflet_schema`; `stock_schema` stays as the history it is) and added:

  encounter_secret   per record with a case reference or a note: each value's salt and
                     commitment (leaflet.storage.chain), so the two can be erased after the
                     retention period while the chain still verifies; for a record made
                     under version 1 also its digest, which the upgrade's anchor sums up
  log_event          the log's own records (the upgrade to version 2, each erasure), links
                     of the same chain as the encounters, numbered in the same `seq`
  stock_adjustment   corrections of a movement, copies on order and orders closed
  stock_chain        the ledger's hash chain over stock_movement and stock_adjustment rows

and the indexes the compliance report needs. Version 3 added:

  encounter_outcome  per record and version of the duty rules: the record's outcome under
                     each rule, whether it is a correction and whether no leaflet existed in
                     a language the person understands, with the columns a report's period
                     and scope read (leaflet.storage.outcomes): derived, written with the
                     record, checked by `leaflet log verify`, and what the report counts

A table's columns never change after the version that made it: a later version adds tables
and indexes, it does not rewrite rows.
"""

from __future__ import annotations

import sqlalchemy as sa

from leaflet.duties.sqlite import FOLLOW_UP_CONDITION  # the readers' WHERE says exactly this
from leaflet.storage import layout

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


# --- the stock ledger of version 1 ------------------------------------------------------

STOCK_SCHEMA_TABLE = "stock_schema"  # version 1's own series for the ledger; history now
MOVEMENT_TABLE = "stock_movement"
KINDS = ("receipt", "transfer_out", "transfer_in")

stock_versions = sa.Table(
    STOCK_SCHEMA_TABLE, metadata,
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
    sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in KINDS)})",
                       name="stock_movement_kind"),
    sa.CheckConstraint("(kind = 'transfer_out' AND copies < 0) "
                       "OR (kind <> 'transfer_out' AND copies > 0)",
                       name="stock_movement_sign"),
    sa.CheckConstraint("(kind = 'receipt') = (counterpart IS NULL)",
                       name="stock_movement_counterpart"),
)
sa.Index("ix_stock_movement_unit", movement.c.unit, movement.c.language, movement.c.edition)


V1_LOG_TABLES = (schema_versions, encounter, encounter_language)
V1_STOCK_TABLES = (stock_versions, movement)

# --- version 2 ----------------------------------------------------------------------------

secret = sa.Table(
    layout.SECRET_TABLE, metadata,
    sa.Column("seq", sa.Integer, sa.ForeignKey(f"{layout.LOG_TABLE}.seq"), primary_key=True,
              autoincrement=False),
    # hex salt and "sha256:<hex>" commitment of each erasable field; the salt (and the value
    # in `encounter`) become NULL when erased, the commitment stays.
    sa.Column("case_ref_salt", sa.String(32)),
    sa.Column("case_ref_commit", sa.String(71)),
    sa.Column("not_given_note_salt", sa.String(32)),
    sa.Column("not_given_note_commit", sa.String(71)),
    # Records made under version 1 only: the digest the upgrade's anchor sums up.
    sa.Column("v1_digest", sa.String(64)),
)

event = sa.Table(
    layout.EVENT_TABLE, metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("actor", sa.String(40)),
    # For an erasure: records that occurred before this moment (naive UTC) are erased. The
    # database's trigger allows the erasing UPDATE only under such a record.
    sa.Column("erase_before", sa.DateTime()),
    sa.Column("details", sa.Text, nullable=False),  # canonical JSON
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
    sa.CheckConstraint("kind IN ('upgrade', 'erasure')", name="log_event_kind"),
)

ADJUSTMENT_KINDS = ("correction", "order", "order_close")
adjustment = sa.Table(
    "stock_adjustment", metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("movement", sa.String(36), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    # correction: the stock_movement row it corrects; order_close: the order it closes
    sa.Column("corrects", sa.String(36), index=True),
    sa.Column("order_id", sa.String(36), index=True),
    sa.Column("unit", sa.String(40), nullable=False),
    sa.Column("language", sa.String(35), nullable=False),
    sa.Column("edition", sa.String(64), nullable=False),
    sa.Column("copies", sa.Integer, nullable=False),  # signed: the change it makes
    sa.Column("occurred_at", sa.String(40), nullable=False),
    sa.Column("occurred_utc", sa.DateTime(), nullable=False),
    sa.Column("recorded_at", sa.String(40), nullable=False),
    sa.Column("note", sa.String(200)),
    sa.CheckConstraint(f"kind IN ({', '.join(repr(k) for k in ADJUSTMENT_KINDS)})",
                       name="stock_adjustment_kind"),
    sa.CheckConstraint("(kind = 'correction') = (corrects IS NOT NULL)",
                       name="stock_adjustment_corrects"),
    sa.CheckConstraint("(kind = 'order_close') = (order_id IS NOT NULL)",
                       name="stock_adjustment_order"),
    sa.CheckConstraint("(kind <> 'order' OR copies > 0) AND (kind <> 'order_close' OR copies < 0)",
                       name="stock_adjustment_sign"),
)

stock_chain = sa.Table(
    "stock_chain", metadata,
    sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("row_id", sa.String(36), nullable=False, unique=True),
    sa.Column("row_table", sa.String(20), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("hash", sa.String(64), nullable=False, unique=True),
    sa.CheckConstraint("row_table IN ('stock_movement', 'stock_adjustment')",
                       name="stock_chain_table"),
)

V2_TABLES = (secret, event, adjustment, stock_chain)

# The indexes version 2 adds for the compliance report (docs/report-format.md): the
# language rule reads the person's languages from one index, and the editions are grouped
# without a sort. Plain DDL, the same on both databases, so version 1's tables stay as they
# were made.
V2_INDEX_DDL = (
    f"CREATE INDEX IF NOT EXISTS ix_encounter_language_seq_code ON {layout.LANGUAGE_TABLE} "
    "(seq, code)",
    f"CREATE INDEX IF NOT EXISTS ix_encounter_leaflet_edition ON {layout.LOG_TABLE} "
    "(leaflet, leaflet_edition, occurred_utc)",
)

# The ledger derives a unit's stock from the log's given hand-overs grouped by unit,
# language and edition (stock.ledger.given_counts). This partial index holds exactly those
# columns, so the count is one walk of the index in group order. Same text on both databases.
GIVEN_INDEX = "ix_encounter_given"
GIVEN_INDEX_DDL = (f"CREATE INDEX IF NOT EXISTS {GIVEN_INDEX} ON {layout.LOG_TABLE} "
                   "(unit, leaflet_language, leaflet_edition, occurred_utc) "
                   "WHERE leaflet = 'given'")

# --- version 3 ----------------------------------------------------------------------------

outcome = sa.Table(
    layout.OUTCOME_TABLE, metadata,
    sa.Column("seq", sa.Integer, sa.ForeignKey(f"{layout.LOG_TABLE}.seq"), primary_key=True,
              autoincrement=False),
    # The version of the duty rules that judged the record (leaflet.storage.outcomes).
    sa.Column("rules", sa.SmallInteger, primary_key=True, autoincrement=False),
    # Copies of the record's columns, for the report's period and scope (verify compares).
    sa.Column("occurred_utc", sa.DateTime(), nullable=False),
    sa.Column("service", sa.String(40), nullable=False),
    sa.Column("unit", sa.String(40), nullable=False),
    # One digit per rule, in the order of leaflet.duties.rules.RULES: 0 does not apply,
    # 1 met, 2 refused, 3 not met.
    sa.Column("outcomes", sa.String(16), nullable=False),
    # 1: no leaflet in a language they read (a translation gap); 2 (rules version 2, schema
    # version 4): one is built but no printed copy was at hand (a stock gap); 0: neither.
    sa.Column("no_language", sa.SmallInteger, nullable=False),
    sa.Column("correction", sa.SmallInteger, nullable=False),  # 1: the record amends another
)

# The report's one walk: every column it reads, with the outcomes first, so its counts per
# outcome are one pass over this index in group order and the records failing a duty are
# a few ranges of it.
# The records to follow up (an outcome 3, about one in ten) have an index of their own, in
# `seq` order, so the report reads them, and then their records, without walking the others.
V3_INDEX_DDL = (
    f"CREATE INDEX IF NOT EXISTS ix_encounter_outcome_report ON {layout.OUTCOME_TABLE} "
    "(rules, outcomes, no_language, correction, occurred_utc, service, unit, seq)",
    f"CREATE INDEX IF NOT EXISTS ix_encounter_outcome_follow_up ON {layout.OUTCOME_TABLE} "
    f"(rules, seq, outcomes, occurred_utc, service, unit) WHERE {FOLLOW_UP_CONDITION}",
)
V3_TABLES = (outcome,)

assert tuple(c.name for c in encounter.columns) == layout.LOG_COLUMNS
assert tuple(c.name for c in encounter_language.columns) == layout.LANGUAGE_COLUMNS
assert tuple(c.name for c in secret.columns) == layout.SECRET_COLUMNS


def database_tables(conn: sa.Connection) -> list[str]:
    """Every table and view of the database (in its default schema). The log is created only
    in a database that has none: one that holds other tables is not the log's."""
    inspector = sa.inspect(conn)
    return sorted(set(inspector.get_table_names()) | set(inspector.get_view_names()))
