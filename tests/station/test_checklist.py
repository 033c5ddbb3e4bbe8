"""The receipt's duties (leaflet.report.checklist, judged in Python on the desk's path) are
the auditor's (leaflet.report.rules, judged in SQL, and stored with each record by its
writer): every combination of the record's closed vocabularies gets the same outcome."""

from __future__ import annotations

import itertools

import sqlalchemy as sa

from leaflet.handover.choices import ASSESSMENTS, CENTRE_ACTIONS, LEAFLET_OUTCOMES, RESIDENCE_STATUSES


def test_python_and_sql_judge_every_combination_alike(tmp_path):
    from leaflet.errors import LeafletError
    from leaflet.handover import schema, service
    from leaflet.handover.store import dispose_engines
    from leaflet.report.checklist import JUDGES, outcome
    from leaflet.report.outcomes import outcome as sql_outcome
    from leaflet.report.rules import RULES

    assert list(JUDGES) == [rule.id for rule in RULES]
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
    t = schema.encounter
    statement = sa.select(t.c.id, *(sql_outcome(rule, t.c).label(rule.id) for rule in RULES))
    with store.engine.connect() as conn:
        rows = conn.execute(statement).all()
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
