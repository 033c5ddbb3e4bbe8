"""The report's SQL: SQLAlchemy Core statements that run unchanged on SQLite and PostgreSQL.

Every figure is counted by the database; Python receives counts, the lines of the follow-up
list and the log's head, never the log itself. All statements run in one read transaction
(one snapshot: REPEATABLE READ on PostgreSQL, a read transaction on SQLite), so the figures of
one report agree with each other even while desks keep recording.

Which records count ("the latest version", docs/report-format.md). A correction is a new
record whose `amends` names the record it corrects; corrections may correct corrections, and
two corrections may name the same record. The records linked by `amends` form trees, one per
encounter, whose root is the original record. The version that counts is the record of the
tree recorded last (highest `seq`: `amends` can only name a record already in the log, so a
correction always comes after what it corrects). Every other record of a tree is *replaced*.
The replaced set is computed from the `amends` index and the `id` index only (the `edge` CTE),
then walked up to each tree's root by a recursive CTE over those few edges, so its cost
follows the number of corrections, not the size of the log.

The records of a report are those in the period (compared on `occurred_utc` against UTC
bounds made in Python, leaflet.report.period) and scope (service, unit), and the period and
the scope apply to the counted version, so a correction that moves an encounter to another
unit or day moves it in the report. Counts are additive, so the counts of the latest versions
are taken as the counts of every version in the period and scope minus those of the replaced
versions in it (`merge`): the replaced versions are few and found by `seq`, and the log is
read once instead of testing each of its records against the replaced set.

`judged` gives each record one *outcome* per rule: 0 the rule does not apply, 1 met,
2 refused (LEAFLET-GIVEN only), 3 not met. Every figure is a count of outcomes, and the
follow-up list is the records with an outcome 3. The main statement counts the outcomes and,
in the same pass, string-aggregates one line per record to follow up, and the `seq` of the
records that had no leaflet in a language the person understands (aggregate_strings:
group_concat on SQLite, string_agg on PostgreSQL). So the log is read once for all three, and
the rules' predicates (the language rule looks into another table) are evaluated once per
record. The language gaps are then counted per language over those few records, the editions
by one GROUP BY; on a big log the main statement's upper half and the editions run at the
same time on a second snapshot (`build`).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from leaflet.handover import schema
from leaflet.handover.errors import StoreError
from leaflet.report import period as periods
from leaflet.report.model import (EditionCount, Group, LanguageGap, Report, RuleFigures,
                                  Violation)
from leaflet.report.rules import RULES, Rule

BY_CHOICES = ("unit", "service", "language", "month")
DOES_NOT_APPLY, MET, REFUSED, NOT_MET = 0, 1, 2, 3
# Separators of the follow-up lines: control characters, which no stored value can hold
# (codes, enumerations, UUIDs and ISO dates are checked on the way in).
FIELD_SEP, LINE_SEP = "\x1f", "\x1e"
e = schema.encounter
lang = schema.encounter_language


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


ALL, REPLACED = "all", "replaced"  # which versions `records` selects (see `merge`)


def records(span: periods.Period, *, versions: str, service: str | None = None,
            unit: str | None = None, group_key=None, first=(), seqs=None) -> sa.Subquery:
    """The records of the period and scope, with the columns the rules read, and `grp` (the
    `--by` key) when `group_key` (a function of the encounter table) is given. `versions`:
    ALL, or only the REPLACED ones. `first`: conditions to test before the others (cheap
    ones that exclude most records). `seqs`: (from, to), a range of `seq` (to excluded; None
    for an open end)."""
    columns = [e.c.seq, e.c.id, e.c.occurred_at, e.c.occurred_utc, e.c.service, e.c.unit,
               e.c.assessment, e.c.residence_status, e.c.leaflet, e.c.leaflet_language,
               e.c.leaflet_edition, e.c.not_given_reason, e.c.centre_action, e.c.centre,
               e.c.foreigners_dept_informed, e.c.amends]
    if group_key is not None:
        columns.append(group_key(e).label("grp"))
    clauses = [condition(e) for condition in first]
    if span.start_utc is not None:
        clauses.append(e.c.occurred_utc >= span.start_utc)
    if span.end_utc is not None:
        clauses.append(e.c.occurred_utc < span.end_utc)
    if service is not None:
        clauses.append(e.c.service == service)
    if unit is not None:
        clauses.append(e.c.unit == unit)
    if seqs is not None:
        low, high = seqs
        if low is not None:
            clauses.append(e.c.seq >= low)
        if high is not None:
            clauses.append(e.c.seq < high)
    if versions == REPLACED:
        clauses.append(e.c.seq.in_(replaced_seqs()))
    return sa.select(*columns).where(*clauses).subquery("cur")


# The string aggregates of the main statement, and how two parts of one are joined.
STRING_COLUMNS = {"follow_up": LINE_SEP, "gap_records": ","}


def rows(conn, statement) -> list[dict]:
    return [dict(row._mapping) for row in conn.execute(statement)]


def merge(parts, key=lambda row: None) -> dict:
    """{key: {column: value}} from `parts`, a list of (sign, rows) of statements of counts.

    Integer columns are added, each multiplied by its part's sign: the counts of the latest
    versions are those of ALL versions (+1) minus those of the REPLACED ones (-1), and a
    statement run in two ranges of `seq` is the sum of both. String aggregates (STRING_COLUMNS)
    are joined. Keys whose records were all replaced come out with zero counts.
    """
    merged: dict = {}
    for sign, found in parts:
        for row in found:
            into = merged.setdefault(key(row), {})
            for name, value in row.items():
                if name in STRING_COLUMNS:
                    if value and into.get(name):
                        into[name] = into[name] + STRING_COLUMNS[name] + value
                    elif value or name not in into:
                        into[name] = value
                elif isinstance(value, int) and not isinstance(value, bool):
                    into[name] = into.get(name, 0) + sign * value
                else:
                    into.setdefault(name, value)
    return merged


def net_counts(conn, statement, key=lambda row: None) -> dict:
    """`merge` of statement(ALL) minus statement(REPLACED), both run on `conn`."""
    return merge([(1, rows(conn, statement(ALL))), (-1, rows(conn, statement(REPLACED)))],
                 key)


def outcome(rule: Rule, c):
    """The rule's outcome for a record: 0 does not apply, 1 met, 2 refused, 3 not met."""
    results = [(rule.met(c), MET)]
    if rule.refused is not None:
        results.append((rule.refused(c), REFUSED))
    return sa.case((rule.applies(c), sa.case(*results, else_=NOT_MET)), else_=DOES_NOT_APPLY)


def judged(cur: sa.Subquery, *keep: str) -> sa.Subquery:
    """`seq`, `amends`, `no_language`, the columns named in `keep` and one outcome per rule
    (o0 … o5, in the order of RULES) of the records of `cur`."""
    outcomes = [outcome(rule, cur.c).label(f"o{i}") for i, rule in enumerate(RULES)]
    # 1 when no leaflet existed in a language the person understands (the language gaps)
    no_language = sa.case((cur.c.not_given_reason == "no_language", 1), else_=0)
    columns = [cur.c.seq, cur.c.amends, no_language.label("no_language"),
               *(cur.c[name] for name in keep)]
    # OFFSET 0 keeps this a subquery of its own (SQLite does not flatten it, PostgreSQL does
    # not pull it up), so each outcome, the language look-up included, is computed once per
    # record and the counts above it compare small integers.
    return sa.select(*columns, *outcomes).offset(0).subquery("judged")


def figure_columns(j) -> list:
    """count(*), the corrections counted, and per rule met / refused / not met (applicable
    is their sum)."""
    count = sa.func.count
    columns = [count().label("n"), count().filter(j.c.amends.is_not(None)).label("corrected")]
    for i, rule in enumerate(RULES):
        o = j.c[f"o{i}"]
        columns.append(count().filter(o == MET).label(f"met_{i}"))
        if rule.refused is not None:
            columns.append(count().filter(o == REFUSED).label(f"refused_{i}"))
        columns.append(count().filter(o == NOT_MET).label(f"not_met_{i}"))
    return columns


def figures(data) -> tuple[RuleFigures, ...]:
    """The RuleFigures of one result of `figure_columns` (a mapping of column to count)."""
    found = []
    for i, rule in enumerate(RULES):
        met, not_met = data[f"met_{i}"] or 0, data[f"not_met_{i}"] or 0
        refused = (data[f"refused_{i}"] or 0) if rule.refused is not None else 0
        found.append(RuleFigures(rule.id, rule.duty, rule.paragraph, rule.paragraph_text,
                                 met + refused + not_met, met, refused, not_met))
    return tuple(found)


def follow_up_column(j, replaced):
    """One line per record with an outcome 3, fields separated by FIELD_SEP: occurred_utc as
    text (to sort by), seq, id, occurred_at, service, unit, the outcomes (one digit per rule),
    and what the details need (leaflet language, reason, centre action, centre, informed).
    The record's own columns are read by `seq` for those records only."""
    def text(column):
        return sa.func.coalesce(sa.cast(column, sa.String), "")

    r = e.alias("failing")
    informed = sa.case((r.c.foreigners_dept_informed.is_(True), "true"),
                       (r.c.foreigners_dept_informed.is_(False), "false"), else_="")
    outcomes = _joined([text(j.c[f"o{i}"]) for i in range(len(RULES))], "")
    fields = _joined([text(r.c.occurred_utc), text(r.c.seq), r.c.id, r.c.occurred_at,
                      r.c.service, r.c.unit], FIELD_SEP)
    details = _joined([text(r.c.leaflet_language), text(r.c.not_given_reason),
                       r.c.centre_action, text(r.c.centre), informed], FIELD_SEP)
    line = (sa.select(fields + FIELD_SEP + outcomes + FIELD_SEP + details)
            .where(r.c.seq == j.c.seq).scalar_subquery())
    failing = sa.or_(*(j.c[f"o{i}"] == NOT_MET for i in range(len(RULES))))
    # Over ALL versions (see net_counts): whether a version is replaced (`replaced`, from
    # replaced_seqs) is tested last, for the few records that fail a duty.
    latest = j.c.seq.not_in(replaced)
    return (sa.func.aggregate_strings(line, LINE_SEP).filter(sa.and_(failing, latest))
            .label("follow_up"))


def _joined(parts: list, separator: str):
    """parts[0] || separator || parts[1] || … (SQLite 3.40 has no concat())."""
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + separator + part if separator else joined + part
    return joined


# A few words on why a record fails a rule, for whoever follows it up, from the fields of
# its follow-up line (7 leaflet language, 8 reason, 9 centre action, 10 centre, 11 informed).
DETAILS = {
    "LEAFLET-GIVEN": lambda f: f"leaflet not given ({f[8]})",
    "LEAFLET-LANGUAGE": lambda f: f"leaflet in {f[7]}, not a language the person understands",
    "CENTRE-INTAKE": lambda f: f"centre action {f[9]}",
    "FOREIGNERS-DEPT": lambda f: ("Foreigners Department not informed" if f[11] == "false"
                                  else "Foreigners Department: not stated"),
    "CENTRE-CONTACT": lambda f: f"centre action {f[9]}",
    "NO-CENTRE-FOR-IMPLICATED": lambda f: f"centre action {f[9]} ({f[10]}) for an implicated "
                                          "person",
}
assert set(DETAILS) == {rule.id for rule in RULES}


def violations(text: str | None, limit: int | None) -> tuple[list[Violation], int, int]:
    """The follow-up list from the aggregated lines: (at most `limit` violations, oldest
    first and in the order of RULES within a record; their full number; records named)."""
    if not text:
        return [], 0, 0
    lines = [line.split(FIELD_SEP) for line in text.split(LINE_SEP)]
    if any(len(fields) != 12 for fields in lines):
        raise StoreError("a follow-up line has a stray separator: a stored value holds a "
                         "control character", hint="run `leaflet log verify`")
    lines.sort(key=lambda fields: (fields[0], int(fields[1])))
    found: list[Violation] = []
    total = 0
    keep = len(lines) * len(RULES) if limit is None else limit
    ids = [rule.id for rule in RULES]
    for fields in lines:
        outcomes = fields[6]
        at = outcomes.find("3")
        while at >= 0:
            total += 1
            if total <= keep:
                rule = ids[at]
                found.append(Violation(fields[2], fields[3], fields[4], fields[5], rule,
                                       DETAILS[rule](fields)))
            at = outcomes.find("3", at + 1)
    return found, total, len(lines)


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

        raise UsageError(f"--by month over {first:%Y-%m} to {last:%Y-%m} would list {count:,} "
                         f"months; at most {MAX_MONTHS:,}",
                         hint="give a shorter period with --from and --to")
    months = periods.months(first, last, span.timezone)
    keys = [key for key, _ in months]

    def key(table):
        # One CASE over the UTC instants at which each local month begins: portable SQL, no
        # time zone arithmetic in the database.
        whens = [(table.c.occurred_utc < begins, previous)
                 for (previous, _), (_, begins) in zip(months, months[1:])]
        return sa.case(*whens, else_=keys[-1]) if whens else sa.literal(keys[0])

    return key, keys, trim


def _groups(conn, span, service, unit, by) -> list[Group]:
    all_keys, trim = None, False
    if by == "language":
        def statement(versions):
            j = judged(records(span, service=service, unit=unit, versions=versions))
            return (sa.select(lang.c.code.label("grp"), *figure_columns(j))
                    .select_from(j.join(lang, lang.c.seq == j.c.seq))
                    .group_by(lang.c.code))
    else:
        if by == "month":
            key, all_keys, trim = _month_groups(conn, span)
            if key is None:
                return []
        else:
            def key(table, name=by):
                return table.c[name]

        def statement(versions):
            j = judged(records(span, service=service, unit=unit, versions=versions,
                               group_key=key), "grp")
            return sa.select(j.c.grp, *figure_columns(j)).group_by(j.c.grp)
    counts = net_counts(conn, statement, key=lambda row: row["grp"])
    found = {k: Group(k, c["n"], figures(c)) for k, c in counts.items() if c["n"]}
    if all_keys is None:
        return [found[k] for k in sorted(found)]
    if trim and found:  # months from the data: no empty month before the first or after the last
        filled = [k for k in all_keys if k in found]
        all_keys = [k for k in all_keys if filled[0] <= k <= filled[-1]]
    empty = tuple(RuleFigures(r.id, r.duty, r.paragraph, r.paragraph_text, 0, 0, 0, 0)
                  for r in RULES)
    return [found.get(k, Group(k, 0, empty)) for k in all_keys]


def gap_records_column(j, replaced):
    """The `seq` of every latest version whose leaflet was not given for want of a language
    the person understands, comma-separated (counted per language by `_language_gaps`)."""
    latest = j.c.seq.not_in(replaced)  # tested for those few records only
    return (sa.func.aggregate_strings(sa.cast(j.c.seq, sa.String), ",")
            .filter(sa.and_(j.c.no_language == 1, latest)).label("gap_records"))


GAP_CHUNK = 5000  # record numbers per statement: far below any driver's parameter limit


def _language_gaps(conn, seqs: str | None) -> list[LanguageGap]:
    """Per language of the records `seqs` (from `gap_records_column`), how many: counted by
    the database in chunks of records, the chunks' counts added here."""
    records = [int(seq) for seq in seqs.split(",")] if seqs else []
    totals: dict[str, int] = {}
    count = sa.func.count()
    for start in range(0, len(records), GAP_CHUNK):
        chunk = records[start:start + GAP_CHUNK]
        query = (sa.select(lang.c.code, count).where(lang.c.seq.in_(chunk))
                 .group_by(lang.c.code))
        for code, n in conn.execute(query):
            totals[code] = totals.get(code, 0) + n
    return [LanguageGap(code, n)
            for code, n in sorted(totals.items(), key=lambda item: (-item[1], item[0]))]


def _editions_statement(span, scope: dict, versions: str):
    given = records(span, versions=versions, first=[lambda t: t.c.leaflet == "given"], **scope)
    return (sa.select(given.c.leaflet_edition.label("edition"), sa.func.count().label("n"))
            .group_by(given.c.leaflet_edition))


def _editions(counts: dict) -> list[EditionCount]:
    found = [EditionCount(edition, c["n"]) for edition, c in counts.items() if c["n"]]
    # Edition ids like 2026-12 sort as text in date order; records naming none come last.
    return sorted(found, key=lambda r: (r.edition is None, r.edition or ""))


def log_head(conn) -> dict:
    row = conn.execute(sa.select(e.c.seq, e.c.hash).order_by(e.c.seq.desc()).limit(1)).first()
    return {"records": row.seq if row else 0, "head": row.hash if row else None}


def _main_statement(span, scope: dict, versions: str, seqs=None):
    """Figures over `versions`; over ALL, also the follow-up lines and the gap records."""
    j = judged(records(span, versions=versions, seqs=seqs, **scope))
    extra = []
    if versions == ALL:
        replaced = replaced_seqs()  # one set of CTEs, shared by both columns
        extra = [follow_up_column(j, replaced), gap_records_column(j, replaced)]
    return sa.select(*figure_columns(j), *extra)


# From this many records, the main statement runs in two halves of `seq` at once, the upper
# half (and the editions) on a second connection in another thread: each half is one CPU's
# work, on SQLite as on PostgreSQL.
PARALLEL_FROM = 100_000


def build(conn, span: periods.Period, *, service: str | None = None, unit: str | None = None,
          by: str | None = None, max_violations: int | None = None, other=None) -> Report:
    """Every figure of the report, from the log on `conn` (inside one read transaction).

    `other`, when given, opens another read-only snapshot of the same log (a context manager
    giving a connection); a big log is then read by two threads. The second snapshot is used
    only if it ends at the same head (`seq` and hash) as the first: the log is append-only and
    hash-chained, so the same head means the same records. Otherwise (a desk recorded in
    between) its share is done again on `conn`, and every figure still comes from one
    snapshot.
    """
    from concurrent.futures import ThreadPoolExecutor

    scope = {"service": service, "unit": unit}
    head = log_head(conn)
    split = other is not None and head["records"] >= PARALLEL_FROM
    middle = head["records"] // 2 + 1
    elsewhere = [_main_statement(span, scope, ALL, seqs=(middle, None)),
                 _editions_statement(span, scope, ALL)] if split else []

    def on_other_snapshot():
        with other() as second:
            if log_head(second) != head:
                return None
            return [rows(second, statement) for statement in elsewhere]

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(on_other_snapshot) if split else None
        main = [(1, rows(conn, _main_statement(span, scope, ALL,
                                               seqs=(None, middle) if split else None))),
                (-1, rows(conn, _main_statement(span, scope, REPLACED)))]
        editions = [(-1, rows(conn, _editions_statement(span, scope, REPLACED)))]
        groups = tuple(_groups(conn, span, service, unit, by)) if by else ()
        if split:
            shared = future.result() or [rows(conn, statement) for statement in elsewhere]
            main.append((1, shared[0]))
            editions.append((1, shared[1]))
        else:
            editions.append((1, rows(conn, _editions_statement(span, scope, ALL))))
    totals = merge(main)[None]
    found, total, follow_up = violations(totals["follow_up"], max_violations)
    return Report(
        start=span.start.isoformat() if span.start else None,
        end=span.end.isoformat() if span.end else None,
        timezone=span.timezone, service=service, unit=unit, by=by,
        encounters=totals["n"], corrected=totals["corrected"], follow_up=follow_up,
        rules=figures(totals), groups=groups,
        violations=tuple(found), violations_total=total,
        language_gaps=tuple(_language_gaps(conn, totals["gap_records"])),
        editions=tuple(_editions(merge(editions, key=lambda row: row["edition"]))),
        log=head,
    )
