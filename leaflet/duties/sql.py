"""The duties (leaflet.duties.rules) compiled to SQLAlchemy expressions.

`predicate(conditions, c, languages)` is the expression of a list of conditions over the
columns `c` of a record table, `languages` the table of the person's languages (passed in:
this room knows no table). `outcome(duty, …)` is the CASE that gives 0 (does not apply),
1 (met), 2 (refused) or 3 (not met). None of them can be NULL: a NULL yes/no field is "no".
leaflet.storage.outcomes builds the SELECT every writer stores, and the report reads, from
these.
"""

from __future__ import annotations

import sqlalchemy as sa

from leaflet.duties.rules import (DOES_NOT_APPLY, MET, NOT_MET, REFUSED, Duty, Is, IsTrue,
                                  LanguageUnderstood)


def condition(cond, c, languages):
    if isinstance(cond, Is):
        column = c[cond.field]
        return column == cond.values[0] if len(cond.values) == 1 else column.in_(cond.values)
    if isinstance(cond, IsTrue):
        return c[cond.field].is_(True)  # NULL (not stated) is not true
    if isinstance(cond, LanguageUnderstood):
        # An alias of its own, so the subquery never correlates with a language table in the
        # enclosing query (the report's --by language joins one).
        understood = languages.alias("understood")
        return sa.exists().where(understood.c.seq == c.seq,
                                 understood.c.code == c.leaflet_language)
    raise TypeError(f"not a condition: {cond!r}")


def predicate(conditions, c, languages):
    parts = [condition(cond, c, languages) for cond in conditions]
    return parts[0] if len(parts) == 1 else sa.and_(*parts)


def outcome(duty: Duty, c, languages):
    """The duty's outcome for a record: 0 does not apply, 1 met, 2 refused, 3 not met."""
    results = [(predicate(duty.met, c, languages), MET)]
    if duty.refused is not None:
        results.append((predicate(duty.refused, c, languages), REFUSED))
    return sa.case((predicate(duty.applies, c, languages),
                    sa.case(*results, else_=NOT_MET)), else_=DOES_NOT_APPLY)
