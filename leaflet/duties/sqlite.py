"""The duties (leaflet.duties.rules) compiled to SQLite text, with the standard library.

The desk's writer appends a record to a SQLite log without SQLAlchemy (its import alone
costs more than the append) and stores the record's outcomes with it in the same
transaction: `derive_outcome_text()` is that statement, generated from the declarations,
word for word what SQLAlchemy compiles from leaflet.duties.sql (a test compares the two).
"""

from __future__ import annotations

from leaflet.duties.rules import (DOES_NOT_APPLY, LANGUAGE_GAP, MET, NO_COPY, NO_GAP,
                                  NO_LANGUAGE, NOT_MET, REFUSED, RULES, RULES_VERSION,
                                  STOCK_GAP, Duty, Is, IsTrue, LanguageUnderstood)

LOG, LANGUAGES, OUTCOMES = "encounter", "encounter_language", "encounter_outcome"
OUTCOME_COLUMNS = ("seq", "rules", "occurred_utc", "service", "unit", "outcomes",
                   "no_language", "correction")


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def condition(cond) -> str:
    if isinstance(cond, Is):
        column = f"{LOG}.{cond.field}"
        if len(cond.values) == 1:
            return f"{column} = {_literal(cond.values[0])}"
        return f"{column} IN ({', '.join(_literal(v) for v in cond.values)})"
    if isinstance(cond, IsTrue):
        return f"{LOG}.{cond.field} IS 1"
    if isinstance(cond, LanguageUnderstood):
        return (f"EXISTS (SELECT * FROM {LANGUAGES} AS understood WHERE understood.seq = "
                f"{LOG}.seq AND understood.code = {LOG}.leaflet_language)")
    raise TypeError(f"not a condition: {cond!r}")


def predicate(conditions) -> str:
    return " AND ".join(condition(cond) for cond in conditions)


def outcome(duty: Duty) -> str:
    whens = f"WHEN ({predicate(duty.met)}) THEN {MET}"
    if duty.refused is not None:
        whens += f" WHEN ({predicate(duty.refused)}) THEN {REFUSED}"
    return (f"CASE WHEN ({predicate(duty.applies)}) THEN CASE {whens} ELSE {NOT_MET} END "
            f"ELSE {DOES_NOT_APPLY} END")


def derive_outcome_text() -> str:
    """INSERT INTO encounter_outcome the outcomes of the record `:seq`."""
    digits = " || ".join(f"CAST({outcome(duty)} AS VARCHAR)" for duty in RULES)
    return (f"INSERT INTO {OUTCOMES} ({', '.join(OUTCOME_COLUMNS)}) SELECT {LOG}.seq, "
            f"{RULES_VERSION} AS rules, {LOG}.occurred_utc, {LOG}.service, {LOG}.unit, "
            f"{digits} AS outcomes, CASE WHEN ({condition(NO_LANGUAGE)}) THEN {LANGUAGE_GAP} "
            f"WHEN ({condition(NO_COPY)}) THEN {STOCK_GAP} ELSE {NO_GAP} END "
            f"AS no_language, CASE WHEN ({LOG}.amends IS NOT NULL) THEN 1 ELSE 0 END AS "
            f"correction FROM {LOG} WHERE {LOG}.seq = :seq")


# The stored outcome of a record that needs following up holds a NOT_MET digit.
FOLLOW_UP_CONDITION = f"outcomes LIKE '%{NOT_MET}%'"
