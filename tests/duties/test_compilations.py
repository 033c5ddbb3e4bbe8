"""Each duty is declared once (leaflet.duties.rules) and compiled three ways: to SQLAlchemy
(what the report counts and the store writes), to SQLite text (what the desk's
standard-library writer stores) and to Python (the receipt's checklist). Every combination
of the record's closed vocabularies gets the same outcome from all three, and the SQLite
text is word for word what SQLAlchemy compiles."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from leaflet.duties.choices import (
    ASSESSMENTS,
    CENTRE_ACTIONS,
    LEAFLET_OUTCOMES,
    RESIDENCE_STATUSES)


def test_python_and_sql_judge_every_combination_alike(tmp_path):
    from leaflet.errors import LeafletError
    from leaflet.handover import service
    from leaflet.storage import tables
    from leaflet.storage.engine import dispose_engines
    from leaflet.duties import judge, sql, sqlite
    from leaflet.duties.rules import BY_ID, RULES

    def outcome(rule_id, values):
        return judge.outcome(BY_ID[rule_id], values)

    def sql_outcome(rule, c):
        return sql.outcome(rule, c, tables.encounter_language)

    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    recorded = {}
    for assessment, residence, leaflet, action, informed, understood in itertools.product(
            ASSESSMENTS, RESIDENCE_STATUSES, LEAFLET_OUTCOMES, CENTRE_ACTIONS,
            (None, True, False), (True, False)):
        values = {"service": "police", "unit": "PZ-1", "officer": "A1",
                  "assessment": assessment, "residence_status": residence,
                  "person_languages": ["ti", "ar"] if understood else ["am"],
                  "leaflet": leaflet, "centre_action": action,
                  "centre": None if action == "none" else "payoke",
                  "foreigners_dept_informed": informed}
        if leaflet == "given":
            values["leaflet_language"] = "ti"
        if leaflet == "not_given":
            values["not_given_reason"] = "other"
        try:
            encounter = service.record_encounter(db, values)
        except LeafletError:
            continue  # a combination the log refuses is never judged
        recorded[encounter.id] = encounter.to_dict()
    assert len(recorded) > 500
    store = service.open_store(db)
    t = tables.encounter
    statement = sa.select(t.c.id, *(sql_outcome(rule, t.c).label(rule.id) for rule in RULES))
    # The SQLite text of each duty, run as it is on the same records.
    text = sa.text("SELECT encounter.id, " + ", ".join(
        f'{sqlite.outcome(rule)} AS "{rule.id}"' for rule in RULES) + " FROM encounter")
    with store.engine.connect() as conn:
        rows = conn.execute(statement).all()
        assert sorted(map(tuple, conn.execute(text).all())) == sorted(map(tuple, rows))
        # What the writers stored with each record (the desk's standard-library appender,
        # after the store made the log): the same outcomes, one digit per rule.
        stored = dict(conn.execute(sa.text(
            "SELECT e.id, o.outcomes FROM encounter_outcome AS o "
            "JOIN encounter AS e ON e.seq = o.seq")).all())
    dispose_engines()
    assert stored.keys() == recorded.keys()
    for record_id, digits in stored.items():
        assert digits == "".join(str(outcome(rule.id, recorded[record_id])) for rule in RULES)
    assert len(rows) == len(recorded)
    seen = set()
    for row in rows:
        for rule in RULES:
            python = outcome(rule.id, recorded[row.id])
            assert python == getattr(row, rule.id), (rule.id, recorded[row.id])
            seen.add((rule.id, python))
    # every rule was seen applying, met and not met; the refusal too
    for rule in RULES:
        assert {(rule.id, o) for o in (0, 1, 3)} <= seen, rule.id
    assert ("LEAFLET-GIVEN", 2) in seen


def test_the_sqlite_text_is_what_sqlalchemy_compiles():
    from leaflet.duties.sqlite import derive_outcome_text
    from leaflet.storage import outcomes

    assert derive_outcome_text() == " ".join(outcomes.sqlite_derive_text().split())


def test_each_condition_of_each_duty_is_a_closed_vocabulary_value():
    """A condition names a field of the record and values of its vocabulary: a typo in a
    declaration (a value no record can hold) would make a duty silently never apply."""
    from leaflet.duties import choices
    from leaflet.duties.rules import NO_LANGUAGE, RULES, Is, IsTrue

    vocabulary = {"assessment": choices.ASSESSMENTS, "leaflet": choices.LEAFLET_OUTCOMES,
                  "residence_status": choices.RESIDENCE_STATUSES,
                  "centre_action": choices.CENTRE_ACTIONS,
                  "not_given_reason": choices.NOT_GIVEN_REASONS}
    for rule in RULES:
        for cond in rule.applies + rule.met + (rule.refused or ()):
            if isinstance(cond, Is):
                assert set(cond.values) <= set(vocabulary[cond.field]), (rule.id, cond)
            elif isinstance(cond, IsTrue):
                assert cond.field == "foreigners_dept_informed"
    assert set(NO_LANGUAGE.values) <= set(choices.NOT_GIVEN_REASONS)
