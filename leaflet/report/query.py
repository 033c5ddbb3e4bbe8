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
versions in it (`net_counts`): the replaced versions are few and found by `seq`, and the log is
read once instead of testing each of its records against the replaced set.

`judged` gives each current record one *outcome* per rule: 0 the rule does not apply, 1 met,
2 refused (LEAFLET-GIVEN only), 3 not met. Every figure is a count of outcomes, and the
follow-up list is the records with an outcome 3. The main statement counts the outcomes and,
in the same pass, string-aggregates one line per record to follow up (aggregate_strings:
group_concat on SQLite, string_agg on PostgreSQL), so the log is read once for both, and the
rules' predicates (the language rule looks into another table) are evaluated once per record.
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


ALL, REPLACED, LATEST = "all", "replaced", "latest"  # which versions `records` selects


def records(span: periods.Period, *, service: str | None = None, unit: str | None = None,
            versions: str = LATEST, group_key=None, first=()) -> sa.Subquery:
    """The records of the period and scope, with the columns the rules read, and `grp` (the
    `--by` key) when `group_key` (a function of the encounter table) is given. `versions`:
    LATEST (the versions that count), REPLACED (the others) or ALL. `first`: conditions to
    test before the others (cheap ones that exclude most records)."""
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
    if versions == LATEST:
        clauses.append(e.c.seq.not_in(replaced_seqs()))
    elif versions == REPLACED:
        clauses.append(e.c.seq.in_(replaced_seqs()))
    return sa.select(*columns).where(*clauses).subquery("cur")


def net_counts(conn, statement, key=lambda row: None) -> dict:
    """{key: {column: count}} of the latest versions, for a statement of counts.

    `statement(versions)` builds the statement over ALL or over REPLACED versions; every
    integer column of the second is subtracted from the first, row by row matched by `key`.
    Other columns (the follow-up lines) come from the first. Keys whose records were all
    replaced come out with zero counts; callers drop them or keep them as they see fit.
    """
    found = {key(row): dict(row._mapping) for row in conn.execute(statement(ALL))}
    for row in conn.execute(statement(REPLACED)):
        counts = found[key(row)]  # a replaced version in scope is also among ALL
        for name, value in row._mapping.items():
            if isinstance(value, int) and not isinstance(value, bool):
                counts[name] -= value
    return found


def outcome(rule: Rule, c):
    """The rule's outcome for a record: 0 does not apply, 1 met, 2 refused, 3 not met."""
    results = [(rule.met(c), MET)]
    if rule.refused is not None:
        results.append((rule.refused(c), REFUSED))
    return sa.case((rule.applies(c), sa.case(*results, else_=NOT_MET)), else_=DOES_NOT_APPLY)


def judged(cur: sa.Subquery, *keep: str) -> sa.Subquery:
    """`seq`, `amends`, the columns named in `keep` and one outcome per rule (o0 … o5, in
    the order of RULES) of the records of `cur`."""
    outcomes = [outcome(rule, cur.c).label(f"o{i}") for i, rule in enumerate(RULES)]
    columns = [cur.c.seq, cur.c.amends, *(cur.c[name] for name in keep)]
    # OFFSET 0 keeps this a subquery of its own (SQLite does not flatten it, PostgreSQL does
    # not pull it up), so each outcome, the language look-up included, is computed once per
    # record and the counts above it compare small integers.
    return sa.select(*columns, *outcomes).offset(0).subquery("judged")


def figure_columns(j) -> list:
    """count(*), the corrections counted, and per rule applicable / met / refused."""
    count = sa.func.count
    columns = [count().label("n"), count().filter(j.c.amends.is_not(None)).label("corrected")]
    for i, rule in enumerate(RULES):
        o = j.c[f"o{i}"]
        columns.append(count().filter(o != DOES_NOT_APPLY).label(f"applicable_{i}"))
        columns.append(count().filter(o == MET).label(f"met_{i}"))
        columns.append(count().filter(o == REFUSED).label(f"refused_{i}"))
    return columns


def figures(data) -> tuple[RuleFigures, ...]:
    """The RuleFigures of one result of `figure_columns` (a mapping of column to count)."""
    found = []
    for i, rule in enumerate(RULES):
        applicable, met, refused = (data[f"{name}_{i}"] or 0
                                    for name in ("applicable", "met", "refused"))
        found.append(RuleFigures(rule.id, rule.duty, rule.paragraph, rule.paragraph_text,
                                 applicable, met, refused, applicable - met - refused))
    return tuple(found)


def follow_up_column(j):
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
    # Over ALL versions (see net_counts): a replaced version is tested last, for the few
    # records that fail a duty.
    latest = j.c.seq.not_in(replaced_seqs())
    return (sa.func.aggregate_strings(line, LINE_SEP).filter(sa.and_(failing, latest))
            .label("follow_up"))


def _joined(parts: list, separator: str):
    """parts[0] || separator || parts[1] || … (SQLite 3.40 has no concat())."""
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + separator + part if separator else joined + part
    return joined


# A few words on why a record fails a rule, for whoever follows it up, from the details of
# its follow-up line (leaflet language, reason, centre action, centre, informed).
DETAILS = {
    "LEAFLET-GIVEN": lambda language, reason, action, centre, informed:
        f"leaflet not given ({reason})",
    "LEAFLET-LANGUAGE": lambda language, reason, action, centre, informed:
        f"leaflet in {language}, not a language the person understands",
    "CENTRE-INTAKE": lambda language, reason, action, centre, informed:
        f"centre action {action}",
    "FOREIGNERS-DEPT": lambda language, reason, action, centre, informed:
        ("Foreigners Department not informed" if informed == "false"
         else "Foreigners Department: not stated"),
    "CENTRE-CONTACT": lambda language, reason, action, centre, informed:
        f"centre action {action}",
    "NO-CENTRE-FOR-IMPLICATED": lambda language, reason, action, centre, informed:
        f"centre action {action} ({centre}) for an implicated person",
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
    keep = float("inf") if limit is None else limit
    ids = [rule.id for rule in RULES]
    for fields in lines:
        outcomes = fields[6]
        at = outcomes.find("3")
        while at >= 0:
            total += 1
            if len(found) < keep:
                rule = ids[at]
                found.append(Violation(fields[2], fields[3], fields[4], fields[5], rule,
                                       DETAILS[rule](*fields[7:12])))
            at = outcomes.find("3", at + 1)
    return found, total, len(lines)


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
    counts = net_counts(conn, statement, key=lambda row: row.grp)
    found = {k: Group(k, c["n"], figures(c)) for k, c in counts.items() if c["n"]}
    if all_keys is None:
        return [found[k] for k in sorted(found)]
    if trim and found:  # months from the data: no empty month before the first or after the last
        filled = [k for k in all_keys if k in found]
        all_keys = [k for k in all_keys if filled[0] <= k <= filled[-1]]
    empty = tuple(RuleFigures(r.id, r.duty, r.paragraph, r.paragraph_text, 0, 0, 0, 0)
                  for r in RULES)
    return [found.get(k, Group(k, 0, empty)) for k in all_keys]


def _language_gaps(conn, span, service, unit) -> list[LanguageGap]:
    # Few records have this reason: testing it first keeps the replaced-set test to those.
    no_language = records(span, service=service, unit=unit,
                          first=[lambda t: t.c.not_given_reason == "no_language"])
    count = sa.func.count().label("n")
    query = (sa.select(lang.c.code, count).where(lang.c.seq.in_(sa.select(no_language.c.seq)))
             .group_by(lang.c.code).order_by(count.desc(), lang.c.code))
    return [LanguageGap(code, n) for code, n in conn.execute(query)]


def _editions(conn, span, service, unit) -> list[EditionCount]:
    def statement(versions):
        given = records(span, service=service, unit=unit, versions=versions,
                        first=[lambda t: t.c.leaflet == "given"])
        return (sa.select(given.c.leaflet_edition.label("edition"), sa.func.count().label("n"))
                .group_by(given.c.leaflet_edition))

    counts = net_counts(conn, statement, key=lambda row: row.edition)
    rows = [EditionCount(edition, c["n"]) for edition, c in counts.items() if c["n"]]
    # Edition ids like 2026-12 sort as text in date order; records naming none come last.
    return sorted(rows, key=lambda r: (r.edition is None, r.edition or ""))


def log_head(conn) -> dict:
    row = conn.execute(sa.select(e.c.seq, e.c.hash).order_by(e.c.seq.desc()).limit(1)).first()
    return {"records": row.seq if row else 0, "head": row.hash if row else None}


def build(conn, span: periods.Period, *, service: str | None = None, unit: str | None = None,
          by: str | None = None, max_violations: int | None = None) -> Report:
    """Every figure of the report, from the log on `conn` (inside one read transaction)."""
    def statement(versions):
        j = judged(records(span, service=service, unit=unit, versions=versions))
        extra = [follow_up_column(j)] if versions == ALL else []
        return sa.select(*figure_columns(j), *extra)

    totals = net_counts(conn, statement)[None]
    found, total, follow_up = violations(totals["follow_up"], max_violations)
    return Report(
        start=span.start.isoformat() if span.start else None,
        end=span.end.isoformat() if span.end else None,
        timezone=span.timezone, service=service, unit=unit, by=by,
        encounters=totals["n"], corrected=totals["corrected"], follow_up=follow_up,
        rules=figures(totals),
        groups=tuple(_groups(conn, span, service, unit, by)) if by else (),
        violations=tuple(found), violations_total=total,
        language_gaps=tuple(_language_gaps(conn, span, service, unit)),
        editions=tuple(_editions(conn, span, service, unit)),
        log=log_head(conn),
    )
