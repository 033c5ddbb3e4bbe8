"""The report over a SQLite log at the current schema version, with the standard library only.

`leaflet report` runs as a fresh process. Importing SQLAlchemy alone takes about 0.4 s on our
machines, a third of a whole report over a million records (benchmarks/report.py). So, as the
hand-over path does (leaflet.handover.fast_append), a report without `--by` over a SQLite log
at the schema version this leaflet writes is read here, with the statements of
leaflet.report.query written out for SQLite, and assembled by the same functions
(leaflet.report.tally). Anything else returns None and leaflet.report.query does it: another
database, another schema version, `--by`, or a file this reader cannot read (whose error the
SQLAlchemy reader then reports as it always has). tests/report/test_fast.py runs both readers
over the same logs, with every period, scope and correction case, and requires the same report.

Only fixed SQL text is run: the values of the options (period bounds, service, unit) and the
outcome strings found are parameters, never part of the text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from pathlib import Path

from leaflet.duties.rules import RULES_VERSION
from leaflet.duties.sqlite import FOLLOW_UP_CONDITION
from leaflet.report import tally
from leaflet.report.model import Report
from leaflet.storage import layout

# The replaced set: as leaflet.report.query.replaced_seqs.
REPLACED = """
WITH RECURSIVE edge(parent, child) AS (
    SELECT p.seq, c.seq FROM encounter AS c JOIN encounter AS p ON p.id = c.amends
    WHERE c.amends IS NOT NULL
),
up(seq, parent) AS (
    SELECT child, parent FROM edge
  UNION ALL
    SELECT up.seq, edge.parent FROM up JOIN edge ON edge.child = up.parent
),
tree(seq, root) AS (
    SELECT seq, parent FROM up WHERE parent NOT IN (SELECT child FROM edge)
)
SELECT parent AS seq FROM edge
UNION
SELECT seq FROM tree WHERE seq NOT IN (SELECT max(seq) FROM tree GROUP BY root)
"""


class Scope:
    """The period and scope as SQL conditions on a table alias, with their parameters."""

    def __init__(self, span, service: str | None, unit: str | None):
        self.conditions: list[str] = []
        self.params: list = []
        for column, op, value in (("occurred_utc", ">=", span.start_utc),
                                  ("occurred_utc", "<", span.end_utc),
                                  ("service", "=", service), ("unit", "=", unit)):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                value = value.strftime(layout.SQLITE_DATETIME_FORMAT)
            self.conditions.append(f"{{t}}.{column} {op} ?")
            self.params.append(value)

    def sql(self, alias: str, *, unindexed: bool = False) -> str:
        """The conditions on `alias`; `unindexed` (SQLite's unary +) keeps the planner from
        answering them from an index, where a few records are found by `seq` instead."""
        t = f"+{alias}" if unindexed else alias
        return "".join(f" AND {c.format(t=t)}" for c in self.conditions)


def _marks(values: list) -> str:
    return ", ".join("?" for _ in values)


def counts(con, scope: Scope) -> list:
    return con.execute(
        "SELECT NULL, o.outcomes, o.no_language, o.correction, count(*) "
        f"FROM {layout.OUTCOME_TABLE} AS o WHERE o.rules = ?{scope.sql('o')} "
        "GROUP BY o.outcomes, o.no_language, o.correction",
        [RULES_VERSION, *scope.params]).fetchall()


def replaced_counts(con, scope: Scope, seqs: list[int]) -> list:
    """The counts of the records `seqs`, grouped as `counts`: they are found by `seq` first
    (the inner SELECT, which LIMIT -1 keeps apart, and SQLite's unary + keeps off the other
    indexes), so the statement returns a few rows, not one per record."""
    return con.execute(
        "SELECT NULL, outcomes, no_language, correction, count(*) FROM ("
        f"SELECT o.outcomes, o.no_language, o.correction FROM {layout.OUTCOME_TABLE} AS o "
        f"WHERE o.seq IN ({_marks(seqs)}) AND +o.rules = ?{scope.sql('o', unindexed=True)} "
        "LIMIT -1) GROUP BY outcomes, no_language, correction",
        [*seqs, RULES_VERSION, *scope.params]).fetchall()


def follow_up(con, scope: Scope) -> list:
    """The follow-up rows (tally.FOLLOW_UP_COLUMNS) of every version with an outcome 3, oldest
    first: the condition is the text of the partial index that holds those records."""
    columns = ", ".join("o.outcomes" if name == "outcomes" else f"f.{name}"
                        for name in tally.FOLLOW_UP_COLUMNS)
    return con.execute(
        f"SELECT {columns} FROM {layout.OUTCOME_TABLE} AS o "
        f"JOIN {layout.LOG_TABLE} AS f ON f.seq = o.seq "
        f"WHERE o.rules = ? AND o.{FOLLOW_UP_CONDITION}{scope.sql('o')} "
        "ORDER BY f.occurred_utc, f.seq", [RULES_VERSION, *scope.params]).fetchall()


def gaps(con, scope: Scope, outcomes: list[str], seqs: list[int] | None = None) -> list:
    """(code, n): per language, the records of every version (or of `seqs`) with no leaflet
    in a language the person understands, found by the outcome strings that say so."""
    if seqs is not None:
        return con.execute(
            "SELECT l.code, count(*) FROM ("
            f"SELECT o.seq FROM {layout.OUTCOME_TABLE} AS o WHERE o.seq IN ({_marks(seqs)}) "
            f"AND +o.rules = ? AND +o.no_language = 1{scope.sql('o', unindexed=True)} "
            f"LIMIT -1) AS r JOIN {layout.LANGUAGE_TABLE} AS l ON l.seq = r.seq "
            "GROUP BY l.code", [*seqs, RULES_VERSION, *scope.params]).fetchall()
    return con.execute(
        f"SELECT l.code, count(*) FROM {layout.OUTCOME_TABLE} AS o "
        f"JOIN {layout.LANGUAGE_TABLE} AS l ON l.seq = o.seq "
        f"WHERE o.rules = ? AND o.outcomes IN ({_marks(outcomes)}) AND o.no_language = 1"
        f"{scope.sql('o')} GROUP BY l.code",
        [RULES_VERSION, *outcomes, *scope.params]).fetchall()


def stock_gaps(con, scope: Scope, outcomes: list[str]) -> list:
    """(seq, unit, code) of every version not given for want of a printed copy (no_copy),
    per language the person reads (query.stock_gap_statement)."""
    return con.execute(
        f"SELECT o.seq, o.unit, l.code FROM {layout.OUTCOME_TABLE} AS o "
        f"JOIN {layout.LANGUAGE_TABLE} AS l ON l.seq = o.seq "
        f"WHERE o.rules = ? AND o.outcomes IN ({_marks(outcomes)}) "
        f"AND o.no_language = {tally.STOCK_GAP}{scope.sql('o')}",
        [RULES_VERSION, *outcomes, *scope.params]).fetchall()


def editions(con, scope: Scope, seqs: list[int] | None = None) -> list:
    """(edition, n): leaflets given per edition, of every version or of the records `seqs`
    (found by `seq` first, as in `replaced_counts`)."""
    if seqs is not None:
        return con.execute(
            "SELECT leaflet_edition, count(*) FROM ("
            f"SELECT e.leaflet_edition FROM {layout.LOG_TABLE} AS e "
            f"WHERE e.seq IN ({_marks(seqs)}) AND +e.leaflet = 'given'"
            f"{scope.sql('e', unindexed=True)} LIMIT -1) GROUP BY leaflet_edition",
            [*seqs, *scope.params]).fetchall()
    return con.execute(
        f"SELECT e.leaflet_edition, count(*) FROM {layout.LOG_TABLE} AS e "
        f"WHERE e.leaflet = 'given'{scope.sql('e')} GROUP BY e.leaflet_edition",
        scope.params).fetchall()


def log_head(con) -> dict:
    row = con.execute(f"SELECT seq, hash FROM {layout.LOG_TABLE} "
                      "ORDER BY seq DESC LIMIT 1").fetchone()
    return {"records": row[0] if row else 0, "head": row[1] if row else None}


def records_in_scope(con, scope: Scope) -> int:
    """How many records the period and scope hold (the stored outcomes must count as many)."""
    return con.execute(f"SELECT count(*) FROM {layout.LOG_TABLE} AS e WHERE 1 = 1"
                       f"{scope.sql('e')}", scope.params).fetchone()[0]


@contextlib.contextmanager
def _snapshot(path: Path):
    """A read transaction on the log (one snapshot until it ends)."""
    from leaflet.storage import lite

    if lite.cannot_write(path):  # a write-protected copy: read-only, immutable
        con = lite.connect_readonly(path, timeout=lite.BUSY_TIMEOUT_S, isolation_level=None,
                                    check_same_thread=False)
    else:
        con = sqlite3.connect(path, timeout=lite.BUSY_TIMEOUT_S, isolation_level=None,
                              check_same_thread=False)
    try:
        con.execute(f"PRAGMA busy_timeout = {lite.BUSY_TIMEOUT_S * 1000}"); con.execute("PRAGMA mmap_size = 1073741824")
        con.execute("BEGIN")
        yield con
    finally:
        if con.in_transaction:
            con.execute("ROLLBACK")
        con.close()


def build(path: Path, span, *, service: str | None = None, unit: str | None = None,
          max_violations: int | None = None, json_lines=None) -> Report | None:
    """The report of the SQLite log at `path` (an existing file), or None when
    leaflet.report.query must make it. As leaflet.report.query.build, without `--by`;
    `json_lines` (leaflet.report.formats.violation_json) also makes the follow-up list's
    JSON text, on the thread that reads it."""
    try:
        with _snapshot(path) as con:
            try:
                version = con.execute(
                    f"SELECT max(version) FROM {layout.SCHEMA_TABLE}").fetchone()[0]
            except sqlite3.OperationalError:
                return None  # no log here: the other reader says so
            if version != layout.SCHEMA_VERSION:
                return None
            return _build(con, path, span, service, unit, max_violations, json_lines)
    except sqlite3.Error:
        return None  # read nothing wrong: the SQLAlchemy reader reports the error as ever


def _build(con, path: Path, span, service, unit, max_violations, json_lines) -> Report:
    from concurrent.futures import ThreadPoolExecutor

    scope = Scope(span, service, unit)
    head = log_head(con)
    split = head["records"] >= tally.PARALLEL_FROM

    def elsewhere(on):
        """The records in scope, the replaced set (one string: one row), the editions, and
        the replaced records' counts, editions and language gaps, all counted in SQL."""
        text = on.execute(f"SELECT group_concat(seq) FROM ({REPLACED})").fetchone()[0]
        replaced = sorted(int(seq) for seq in text.split(",")) if text else []
        chunks = list(tally.chunked(replaced))
        return (records_in_scope(on, scope), replaced, editions(on, scope),
                [row for chunk in chunks for row in replaced_counts(on, scope, chunk)],
                [row for chunk in chunks for row in editions(on, scope, chunk)],
                [row for chunk in chunks for row in gaps(on, scope, [], chunk)])

    def follow_up_work(on):
        return tally.follow_up_items(follow_up(on, scope), json_lines=json_lines)

    def on_other_snapshot(work):
        with _snapshot(path) as other:
            if log_head(other) != head:
                return None
            return work(other)

    # A big log is read by three threads, each on its own snapshot (used only if it ends at
    # the same head: the same records): this one counts; one finds the replaced set, the
    # editions and the number of records to check the stored outcomes against; one reads the records to follow up.
    # Only that one takes many rows (and the interpreter's lock once per row); the others
    # count in SQL and return a few rows each: two threads taking many rows at once would
    # slow each other down several times over.
    with ThreadPoolExecutor(max_workers=2) as pool:
        shared = pool.submit(on_other_snapshot, elsewhere) if split else None
        follow_later = pool.submit(on_other_snapshot, follow_up_work) if split else None
        counts_all = tally.merge([(1, counts(con, scope))])
        gap_outcomes = tally.gap_outcomes(counts_all)
        gaps_all = gaps(con, scope, gap_outcomes) if gap_outcomes else []
        stock_outcomes = tally.stock_gap_outcomes(counts_all)
        stock = stock_gaps(con, scope, stock_outcomes) if stock_outcomes else []
        shared = (shared.result() if split else None) or elsewhere(con)
        items = follow_later.result() if split else None
        if items is None:
            items = follow_up_work(con)
    records, replaced, editions_all, replaced_rows, replaced_given, replaced_gaps = shared
    return tally.report(
        span, service=service, unit=unit, by=None, head=head, records=records,
        replaced=replaced, counts_all=counts_all,
        replaced_counts=replaced_rows, editions_all=editions_all,
        replaced_editions=replaced_given, items=items,
        gaps=tally.merge([(1, gaps_all), (-1, replaced_gaps)]),
        groups=lambda replaced: (), max_violations=max_violations, stock=stock)
