"""Each record's outcome under every duty rule, as one SELECT: stored at append time, and
read live from a log made before schema version 3.

An outcome is what a rule says of one record: 0 the rule does not apply, 1 met, 2 refused
(LEAFLET-GIVEN only), 3 not met. `outcome_select` gives, per record, one digit per rule in
the order of leaflet.duties.rules.RULES (`outcomes`, e.g. "130303"), whether the leaflet was
not given for want of a language the person understands (`no_language` 1, a translation gap)
or of a printed copy at hand (`no_language` 2, a stock gap; rules version 2), whether the record
is a correction (`correction`), and the columns a report's period and scope read
(`occurred_utc`, `service`, `unit`). It is the one definition of those values:

  - every writer (leaflet.handover.store, a sync's copy; the desk's standard-library writer
    runs the same statement as text, leaflet.duties.sqlite) runs it as `INSERT INTO
    encounter_outcome SELECT …` for the record it has just appended, in the same
    transaction, and the migration to schema version 3 runs it for every record;
  - the report counts the stored rows: one walk of a narrow covering index
    (docs/report-format.md), where judging a million records again takes seconds;
  - on a log at an older schema version the report reads the same SELECT live;
  - `leaflet log verify` runs it again over every record and compares, so a stored outcome
    that no longer says what the rules say of its record is found, named by its record.

The stored rows carry the version of the rules that made them (`rules`). A change to a
rule changes what `outcome_select` computes: it needs a new RULES_VERSION and a migration
that appends the rows of the new version (the table is append-only, like the log). A test
pins RULES_FINGERPRINT (leaflet.duties.rules), the digest of the compiled SELECT, so that no
rule can change without that.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from leaflet.duties import sql
from leaflet.duties.rules import (LANGUAGE_GAP, NO_COPY, NO_GAP, NO_LANGUAGE, RULES,
                                  RULES_VERSION, STOCK_GAP)
from leaflet.duties.sqlite import OUTCOME_COLUMNS
from leaflet.i18n import _
from leaflet.storage import layout, tables

assert OUTCOME_COLUMNS == tuple(c.name for c in tables.outcome.columns)


def outcome_select(where=None) -> sa.Select:
    """The OUTCOME_COLUMNS of the records of `encounter` matching `where` (every record when
    None), the rows version RULES_VERSION of the rules gives them."""
    e = tables.encounter
    digits = [sa.cast(sql.outcome(rule, e.c, tables.encounter_language), sa.String)
              for rule in RULES]
    outcomes = digits[0]
    for digit in digits[1:]:
        outcomes = outcomes + digit
    select = sa.select(
        e.c.seq, sa.literal(RULES_VERSION, sa.SmallInteger).label("rules"), e.c.occurred_utc,
        e.c.service, e.c.unit, outcomes.label("outcomes"),
        sa.case((sql.condition(NO_LANGUAGE, e.c, tables.encounter_language), LANGUAGE_GAP),
                (sql.condition(NO_COPY, e.c, tables.encounter_language), STOCK_GAP),
                else_=NO_GAP).label("no_language"),
        sa.case((e.c.amends.is_not(None), 1), else_=0).label("correction"))
    return select if where is None else select.where(where)


def derive(where=None) -> sa.Insert:
    """INSERT INTO encounter_outcome the rows of outcome_select(where)."""
    return sa.insert(tables.outcome).from_select(list(OUTCOME_COLUMNS), outcome_select(where))


_DERIVE_ONE: list = []  # derive() for one record, built once per process (see derive_record)


def derive_record(conn: sa.Connection, seq: int) -> None:
    """Store the outcomes of the record `seq` (just appended, in the same transaction). The
    statement is built once: a writer runs it under the chain lock, once per record."""
    if not _DERIVE_ONE:
        _DERIVE_ONE.append(derive(tables.encounter.c.seq == sa.bindparam("derive_seq")))
    conn.execute(_DERIVE_ONE[0], {"derive_seq": seq})


def derive_missing(conn: sa.Connection) -> int:
    """Store the outcomes of every record that has none for RULES_VERSION (the migrations to
    versions 3 and 4, and a bulk-loaded log); how many were stored."""
    o = tables.outcome
    have = sa.select(o.c.seq).where(o.c.rules == RULES_VERSION)
    return conn.execute(derive(tables.encounter.c.seq.not_in(have))).rowcount


def sqlite_derive_text() -> str:
    """derive() for one record, as SQLAlchemy compiles it for SQLite with the named parameter
    `:seq`: leaflet.duties.sqlite.derive_outcome_text() generates the same text without
    SQLAlchemy, for the standard-library appender (a test keeps the two equal)."""
    from sqlalchemy.dialects import sqlite

    statement = derive(tables.encounter.c.seq == sa.literal_column(":seq"))
    return str(statement.compile(dialect=sqlite.dialect(),
                                 compile_kwargs={"literal_binds": True}))


def fingerprint() -> str:
    from sqlalchemy.dialects import sqlite

    text = str(outcome_select().compile(dialect=sqlite.dialect(),
                                        compile_kwargs={"literal_binds": True}))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def mismatches(conn: sa.Connection, limit: int = 1,
               rules: int = RULES_VERSION) -> list[tuple[int, str]]:
    """Records whose stored outcomes (version `rules` of the rules, RULES_VERSION by default)
    are missing or differ from what the rules give them now, and stored rows without a
    record: (seq, what), at most `limit`. An older version's rows are compared with what the
    current rules give: they judge every record an older log can hold the same way."""
    o, e = tables.outcome, tables.encounter
    live = outcome_select().subquery("live")
    stored = sa.select(o).where(o.c.rules == rules).subquery("stored")
    differs = sa.or_(*(stored.c[name] != live.c[name] for name in OUTCOME_COLUMNS[2:]))
    found = [(seq, _("its stored duty outcomes differ from what the rules give it (altered)"))
             for seq, in conn.execute(
                 sa.select(live.c.seq).select_from(live.join(stored, stored.c.seq == live.c.seq))
                 .where(differs).order_by(live.c.seq).limit(limit))]
    found += [(seq, _("it has no stored duty outcomes (deleted)")) for seq, in conn.execute(
        sa.select(e.c.seq).where(~sa.exists().where(stored.c.seq == e.c.seq))
        .order_by(e.c.seq).limit(limit))]
    found += [(seq, _("duty outcomes are stored for it, but it is not in the log (inserted or "
                      "its record deleted)")) for seq, in conn.execute(
        sa.select(o.c.seq).where(~sa.exists().where(e.c.seq == o.c.seq))
        .order_by(o.c.seq).limit(limit))]
    return sorted(found)[:limit]


assert layout.OUTCOME_TABLE == tables.outcome.name
