"""The report's SQL: SQLAlchemy Core statements that run unchanged on SQLite and PostgreSQL.

Every figure is counted by the database; Python receives counts, the records to follow up and
the log's head, never the log itself. All statements run in one read transaction (one
snapshot: REPEATABLE READ on PostgreSQL, a read transaction on SQLite), so the figures of one
report agree with each other even while desks keep recording.

What is counted. Each record's outcome under every duty rule (leaflet.storage.outcomes: one
digit per rule, whether no leaflet existed in a language the person understands, whether the
record is a correction) is stored with the record since schema version 3, in
`encounter_outcome`, whose covering index leads with the outcomes. So the counts are one walk
of that index in group order (`GROUP BY outcomes, no_language, correction`: a few dozen rows,
added up per rule here), and the records failing a duty, or with no leaflet in a language
they read, are the few ranges of the index whose outcomes say so, joined to their records by
`seq`. A log at an older schema version (read as it is, before `leaflet db upgrade`) gets the
same rows from the same SELECT, computed live.

Which records count ("the latest version", docs/report-format.md). A correction is a new
record whose `amends` names the record it corrects; corrections may correct corrections, and
two corrections may name the same record. The records linked by `amends` form trees, one per
encounter, whose root is the original record. The version that counts is the record of the
tree recorded last (highest `seq`: `amends` can only name a record already in the log, so a
correction always comes after what it corrects). Every other record of a tree is *replaced*.
The replaced set is computed once, from the `amends` index and the `id` index only (the
`edge` CTE), walked up to each tree's root by a recursive CTE over those few edges, so its
cost follows the number of corrections, not the size of the log. Counts are additive, so the
counts of the latest versions are those of every version in the period and scope minus those
of the replaced versions in it (`merge`), and the replaced records are dropped from the
follow-up list and the language gaps by their `seq`.

The records of a report are those in the period (compared on `occurred_utc` against UTC
bounds made in Python, leaflet.periods) and scope (service, unit), and the period and
the scope apply to the counted version, so a correction that moves an encounter to another
unit or day moves it in the report. On a big log the replaced set and the editions are read
on a second snapshot by a second thread while the first counts (`build`).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from leaflet.storage import migrations, tables
from leaflet.duties.rules import RULES_SCHEMA, RULES_VERSION
from leaflet.storage import outcomes as judged_outcomes
from leaflet import periods as periods
from leaflet.report import tally
from leaflet.report.model import Group, Report
from leaflet.report.tally import chunked, merge

e = tables.encounter
lang = tables.encounter_language
stored_outcomes = judged_outcomes.tables.outcome


def replaced_seqs() -> sa.Select:
    """SELECT seq of every record that is not the latest version of its encounter."""
    child, parent = e.alias("child"), e.alias("parent")
    edge = (sa.select(parent.c.seq.label("parent"), child.c.seq.label("child"))
            .select_from(child.join(parent, parent.c.id == child.c.amends))
            .where(child.c.amends.is_not(None))
            .cte("edge"))
    up = (sa.select(edge.c.child.label("seq"), edge.c.parent.label("parent"))
          .cte("up", recursive=True))
    up = up.union_all(sa.select(up.c.seq, edge.c.parent)
                      .select_from(up.join(edge, edge.c.child == up.c.parent)))
    # The root of a correction is the ancestor that corrects nothing.
    tree = (sa.select(up.c.seq, up.c.parent.label("root"))
            .where(up.c.parent.not_in(sa.select(edge.c.child)))
            .cte("tree"))
    latest = sa.select(sa.func.max(tree.c.seq)).group_by(tree.c.root)
    return sa.union(sa.select(edge.c.parent.label("seq")),
                    sa.select(tree.c.seq).where(tree.c.seq.not_in(latest)))


class Source:
    """Where the outcomes come from: the stored rows (schema version 3 and later) or the
    same SELECT computed live (an older log), with the period and scope of the report."""

    def __init__(self, span: periods.Period, *, stored: bool, service: str | None = None,
                 unit: str | None = None):
        self.span, self.stored, self.service, self.unit = span, stored, service, unit

    def table(self):
        """The outcome rows (OUTCOME_COLUMNS of leaflet.storage.outcomes) as a FROM clause."""
        if self.stored:
            return stored_outcomes
        return judged_outcomes.outcome_select().subquery("judged")

    def where(self, j, *more, unindexed: bool = False) -> list:
        """The period, scope and rules version as conditions on `j`, after `more`.
        `unindexed`: a few records are found by `seq`, and SQLite's planner, which has no
        statistics, must not answer these conditions from an index instead (coalesce(c, c)
        is c, on both databases, but no index holds it)."""
        def c(name):
            column = j.c[name]
            return sa.func.coalesce(column, column) if unindexed else column

        clauses = list(more)
        if self.stored:
            clauses.append(c("rules") == RULES_VERSION)
        if self.span.start_utc is not None:
            clauses.append(c("occurred_utc") >= self.span.start_utc)
        if self.span.end_utc is not None:
            clauses.append(c("occurred_utc") < self.span.end_utc)
        if self.service is not None:
            clauses.append(c("service") == self.service)
        if self.unit is not None:
            clauses.append(c("unit") == self.unit)
        return clauses


def rows(conn, statement) -> list:
    return conn.execute(statement).all()


def counts_statement(source: Source, *, group_key=None, by_language: bool = False,
                     seqs: list[int] | None = None) -> sa.Select:
    """(grp, outcomes, no_language, correction, n) over the period and scope, of every
    version; with `seqs`, one row per record among them (n = 1; found by `seq`, the primary
    key: grouped, the database would rather walk the outcome index in group order).
    `group_key` (a function of the outcome rows) or `by_language` gives `grp`, the `--by`
    key; otherwise it is NULL."""
    j = source.table()
    more = [j.c.seq.in_(seqs)] if seqs is not None else []
    keys = [j.c.outcomes, j.c.no_language, j.c.correction]
    frm, grp = j, None
    if by_language:
        grp = lang.c.code
        frm = j.join(lang, lang.c.seq == j.c.seq)
    elif group_key is not None:
        grp = group_key(j)
    label = (sa.null() if grp is None else grp).label("grp")
    if seqs is not None:
        return (sa.select(label, *keys, sa.literal(1).label("n")).select_from(frm)
                .where(*source.where(j, *more, unindexed=True)))
    return (sa.select(label, *keys, sa.func.count().label("n")).select_from(frm)
            .where(*source.where(j)).group_by(*([] if grp is None else [grp]), *keys))


def net_counts(conn, source: Source, replaced: list[int], **grouping) -> dict:
    """{(grp, outcomes, no_language, correction): n} over the latest versions: the counts of
    every version minus those of the replaced ones."""
    parts = [(1, rows(conn, counts_statement(source, **grouping)))]
    parts += [(-1, rows(conn, counts_statement(source, seqs=chunk, **grouping)))
              for chunk in chunked(replaced)]
    return merge(parts)


def follow_up_statement(source: Source) -> sa.Select:
    """The records of every version with an outcome 3, oldest first, with what their lines
    show (tally.FOLLOW_UP_COLUMNS; the record's columns read by `seq`). The condition is the
    text of the stored outcomes' partial index (tables.FOLLOW_UP_CONDITION), so the database
    reads that index."""
    j = source.table()
    r = e.alias("failing")
    columns = [j.c.outcomes if name == "outcomes" else r.c[name]
               for name in tally.FOLLOW_UP_COLUMNS]
    failing = j.c.outcomes.like(sa.literal_column("'%3%'"))
    return (sa.select(*columns).select_from(j.join(r, r.c.seq == j.c.seq))
            .where(*source.where(j, failing)).order_by(r.c.occurred_utc, r.c.seq))


def gap_statement(source: Source, outcomes: list[str]) -> sa.Select:
    """(seq, code) of every version with no leaflet in a language the person understands,
    found by the outcome strings that say so."""
    j = source.table()
    return (sa.select(j.c.seq, lang.c.code).select_from(j.join(lang, lang.c.seq == j.c.seq))
            .where(*source.where(j, j.c.outcomes.in_(outcomes), j.c.no_language == 1)))


def stock_gap_statement(source: Source, outcomes: list[str]) -> sa.Select:
    """(seq, unit, code) of every version not given for want of a printed copy (no_copy),
    per language the person reads, found by the outcome strings that say so."""
    j = source.table()
    return (sa.select(j.c.seq, j.c.unit, lang.c.code)
            .select_from(j.join(lang, lang.c.seq == j.c.seq))
            .where(*source.where(j, j.c.outcomes.in_(outcomes),
                                 j.c.no_language == tally.STOCK_GAP)))


MAX_MONTHS = 1200  # --by month: a hundred years of months (each is one branch of a CASE)


def _month_groups(conn, span: periods.Period):
    """(group key function, month keys, trim) for --by month, in the report time zone."""
    if span.start is not None and span.end is not None:
        first, last, trim = span.start, span.end - dt.timedelta(days=1), False
    else:
        low, high = conn.execute(sa.select(sa.func.min(e.c.occurred_utc),
                                           sa.func.max(e.c.occurred_utc))).one()
        if low is None:
            return None, [], False
        first = span.start or periods.local_day(low, span.timezone)
        last = (span.end - dt.timedelta(days=1)) if span.end else periods.local_day(
            high, span.timezone)
        trim = True
        if last < first:
            return None, [], False
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    if count > MAX_MONTHS:
        from leaflet.errors import UsageError

        from leaflet.i18n import _

        raise UsageError(_("--by month over %(first)s to %(last)s would list %(count)s months; "
                           "at most %(most)s")
                         % {"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}",
                            "count": f"{count:,}", "most": f"{MAX_MONTHS:,}"},
                         hint=_("give a shorter period with --from and --to"))
    months = periods.months(first, last, span.timezone)
    keys = [key for key, _ in months]

    def key(table):
        # One CASE over the UTC instants at which each local month begins: portable SQL, no
        # time zone arithmetic in the database.
        whens = [(table.c.occurred_utc < begins, previous)
                 for (previous, _), (_, begins) in zip(months, months[1:])]
        return sa.case(*whens, else_=keys[-1]) if whens else sa.literal(keys[0])

    return key, keys, trim


def _groups(conn, source: Source, replaced: list[int], by: str) -> list[Group]:
    all_keys, trim = None, False
    grouping: dict = {}
    if by == "language":
        grouping["by_language"] = True
    elif by == "month":
        key, all_keys, trim = _month_groups(conn, source.span)
        if key is None:
            return []
        grouping["group_key"] = key
    else:
        grouping["group_key"] = lambda table, name=by: table.c[name]
    return tally.groups(net_counts(conn, source, replaced, **grouping), all_keys, trim)


def _editions_statement(source: Source, seqs: list[int] | None = None) -> sa.Select:
    """Leaflets given per edition in the period and scope, of every version, or one row per
    record of `seqs` (found by `seq`, the primary key; counted by `merge`)."""
    given = Source(source.span, stored=False, service=source.service, unit=source.unit)
    if seqs is not None:
        leaflet = sa.func.coalesce(e.c.leaflet, e.c.leaflet)  # see Source.where
        return sa.select(e.c.leaflet_edition, sa.literal(1)).where(
            *given.where(e, e.c.seq.in_(seqs), leaflet == "given", unindexed=True))
    return (sa.select(e.c.leaflet_edition, sa.func.count())
            .where(*given.where(e, e.c.leaflet == "given")).group_by(e.c.leaflet_edition))


def log_head(conn) -> dict:
    row = conn.execute(sa.select(e.c.seq, e.c.hash).order_by(e.c.seq.desc()).limit(1)).first()
    return {"records": row.seq if row else 0, "head": row.hash if row else None}


def records_in_scope(source: Source) -> sa.Select:
    """How many records the period and scope hold (the stored outcomes must count as many)."""
    everything = Source(source.span, stored=False, service=source.service, unit=source.unit)
    return sa.select(sa.func.count()).select_from(e).where(*everything.where(e))


def build(conn, span: periods.Period, *, service: str | None = None, unit: str | None = None,
          by: str | None = None, max_violations: int | None = None, other=None,
          units: bool = False) -> Report:
    """Every figure of the report, from the log on `conn` (inside one read transaction).
    `units`: also the figures per unit (Report.units, the first page's grid), on `conn`.

    `other`, when given, opens another read-only snapshot of the same log (a context manager
    giving a connection); a big log is then read by two threads: the second finds the
    replaced set and the editions while the first counts and lists. The second snapshot is
    used only if it ends at the same head (`seq` and hash) as the first: the log is
    append-only and hash-chained, so the same head means the same records. Otherwise (a desk
    recorded in between) its share is done again on `conn`, and every figure still comes
    from one snapshot. A log whose stored outcomes are not one per record is refused.
    """
    from concurrent.futures import ThreadPoolExecutor

    head = log_head(conn)
    stored = migrations.current_version(conn) >= RULES_SCHEMA
    source = Source(span, stored=stored, service=service, unit=unit)
    split = other is not None and head["records"] >= tally.PARALLEL_FROM

    def elsewhere(on):
        return (on.execute(records_in_scope(source)).scalar_one() if stored else None,
                [seq for seq, in on.execute(replaced_seqs())],
                rows(on, _editions_statement(source)))

    def on_other_snapshot():
        with other() as second:
            if log_head(second) != head:
                return None
            return elsewhere(second)

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(on_other_snapshot) if split else None
        counts_all = merge([(1, rows(conn, counts_statement(source)))])
        follow = rows(conn, follow_up_statement(source))
        gap_outcomes = tally.gap_outcomes(counts_all)
        gaps = rows(conn, gap_statement(source, gap_outcomes)) if gap_outcomes else []
        stock_outcomes = tally.stock_gap_outcomes(counts_all)
        stock = (rows(conn, stock_gap_statement(source, stock_outcomes))
                 if stock_outcomes else [])
        shared = (future.result() if split else None) or elsewhere(conn)
    records, replaced, editions_all = shared
    replaced.sort()
    chunks = list(chunked(replaced))
    report = tally.report(
        span, service=service, unit=unit, by=by, head=head, records=records,
        replaced=replaced, counts_all=counts_all,
        replaced_counts=[row for chunk in chunks
                         for row in rows(conn, counts_statement(source, seqs=chunk))],
        editions_all=editions_all,
        replaced_editions=[row for chunk in chunks
                           for row in rows(conn, _editions_statement(source, chunk))],
        items=tally.follow_up_items(follow),
        gaps=tally.gap_counts(gaps, set(replaced)),
        groups=lambda replaced: _groups(conn, source, replaced, by),
        max_violations=max_violations, stock=stock)
    if units:
        import dataclasses

        report = dataclasses.replace(report, units=report.groups if by == "unit" else tuple(
            _groups(conn, source, replaced, "unit")))
    return report
