"""An auditor trusts the log: nothing can be changed in place, and what is changed behind the
database's back (triggers dropped) is found by `leaflet log verify`, which names the record."""

from __future__ import annotations

import json

import pytest

TRIGGERS = {  # the trigger that guards UPDATE and DELETE of each table, per backend
    "sqlite": {"update": "DROP TRIGGER encounter_no_update",
               "delete": "DROP TRIGGER encounter_no_delete",
               "language_update": "DROP TRIGGER encounter_language_no_update",
               "language_delete": "DROP TRIGGER encounter_language_no_delete",
               "outcome_update": "DROP TRIGGER encounter_outcome_no_update",
               "outcome_delete": "DROP TRIGGER encounter_outcome_no_delete"},
    "postgresql": {"update": "DROP TRIGGER encounter_append_only ON encounter",
                   "delete": "DROP TRIGGER IF EXISTS encounter_append_only ON encounter",
                   "language_update":
                       "DROP TRIGGER encounter_language_append_only ON encounter_language",
                   "language_delete":
                       "DROP TRIGGER IF EXISTS encounter_language_append_only "
                       "ON encounter_language",
                   "outcome_update":
                       "DROP TRIGGER encounter_outcome_append_only ON encounter_outcome",
                   "outcome_delete":
                       "DROP TRIGGER IF EXISTS encounter_outcome_append_only "
                       "ON encounter_outcome"},
}


def delete_record(log, backend, seq: int) -> None:
    """Delete a record as someone who knows the schema would: its languages, its stored
    duty outcomes and its row, with their triggers dropped."""
    for name in ("delete", "language_delete", "outcome_delete"):
        log.sql(TRIGGERS[backend][name])
    for table in ("encounter_language", "encounter_outcome", "encounter"):
        log.sql(f"DELETE FROM {table} WHERE seq = {seq}")


@pytest.fixture
def five(log):
    """A log of five records; their ids in order."""
    for unit in ("U1", "U2", "U3", "U4", "U5"):
        assert log.handover(unit=unit).exit_code == 0
    return log.ids()


def verify(log, *extra):
    return log.run("log", "verify", *extra)


def test_verify_prints_the_count_and_the_head(log, five):
    result = verify(log)
    assert result.exit_code == 0, result.output
    head = log.sql("SELECT hash FROM encounter ORDER BY seq DESC")[0][0]
    assert result.stdout.strip() == f"ok: 5 records, head {head}"


def test_an_empty_log_verifies(log):
    assert log.run("db", "upgrade").exit_code == 0  # the log, without a record yet
    result = verify(log)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"ok: 0 records, head {'0' * 64}"


def test_verify_of_a_database_without_a_log_creates_nothing(log):
    result = verify(log)
    assert result.exit_code == 1, result.output
    assert "no hand-over log at" in result.output
    if log.url.startswith("sqlite"):
        from pathlib import Path

        assert not Path(log.url.removeprefix("sqlite:///")).exists()
    else:
        assert log.sql("SELECT count(*) FROM information_schema.tables "
                       "WHERE table_schema = 'public'")[0][0] == 0


def test_the_chain_links_every_record_to_the_one_before(log, five):
    from leaflet.storage.chain import chain_hash

    rows = [json.loads(line) for line in
            log.run("log", "export", "--with-chain").stdout.splitlines()]
    prev = "0" * 64
    for seq, row in enumerate(rows, start=1):
        chain = {k: row.pop(k) for k in ("seq", "recorded_at", "prev_hash", "hash")}
        assert chain["seq"] == seq and chain["prev_hash"] == prev
        assert chain_hash(prev, row, chain["recorded_at"]) == chain["hash"]
        prev = chain["hash"]


@pytest.mark.parametrize("statement", [
    "UPDATE encounter SET unit = 'X' WHERE seq = 2",
    "UPDATE encounter SET hash = prev_hash",
    "DELETE FROM encounter WHERE seq = 5",
    "DELETE FROM encounter",
    "UPDATE encounter_language SET code = 'fr'",
    "DELETE FROM encounter_language",
    "UPDATE leaflet_schema SET version = 99",
    "DELETE FROM leaflet_schema",
])
def test_plain_sql_update_and_delete_fail(log, five, statement):
    before = log.sql("SELECT seq, unit, hash FROM encounter ORDER BY seq")
    with pytest.raises(Exception, match="append-only"):
        log.sql(statement)
    assert log.sql("SELECT seq, unit, hash FROM encounter ORDER BY seq") == before
    assert verify(log).exit_code == 0


def test_truncate_fails_where_the_database_has_it(log, five, backend):
    # SQLite has no TRUNCATE: its "DELETE FROM encounter" is covered above.
    statement = ("TRUNCATE encounter CASCADE" if backend == "postgresql"
                 else "DELETE FROM encounter WHERE 1")
    with pytest.raises(Exception, match="append-only"):
        log.sql(statement)
    assert log.count() == 5


def test_a_changed_row_is_named(log, five, backend):
    log.sql(TRIGGERS[backend]["update"])
    log.sql("UPDATE encounter SET assessment = 'implicated' WHERE seq = 3")
    result = verify(log)
    assert result.exit_code == 1, result.output
    assert f"record #3 (id {five[2]})" in result.output
    assert "altered" in result.output


def test_a_changed_language_is_named(log, five, backend):
    log.sql(TRIGGERS[backend]["language_update"])
    log.sql("UPDATE encounter_language SET code = 'fr' WHERE seq = 4")
    result = verify(log)
    assert result.exit_code == 1
    assert f"record #4 (id {five[3]})" in result.output


def test_a_changed_row_with_a_recomputed_hash_is_found_at_the_next_link(log, five, backend):
    from leaflet.storage.chain import chain_hash

    log.sql(TRIGGERS[backend]["update"])
    row = json.loads(log.run("log", "show", five[1]).stdout)
    row["assessment"] = "implicated"
    forged = chain_hash(row["prev_hash"], {k: row[k] for k in row if k not in (
        "seq", "recorded_at", "prev_hash", "hash", "amended_by")}, row["recorded_at"])
    log.sql("UPDATE encounter SET assessment = 'implicated', hash = :h WHERE seq = 2", h=forged)
    result = verify(log)
    assert result.exit_code == 1
    assert f"record #3 (id {five[2]})" in result.output
    assert "prev_hash does not match the hash of record #2" in result.output


def test_a_changed_utc_time_is_named(log, five, backend):
    log.sql(TRIGGERS[backend]["update"])
    log.sql("UPDATE encounter SET occurred_utc = :t WHERE seq = 2", t="2001-01-01 00:00:00")
    result = verify(log)
    assert result.exit_code == 1
    assert f"record #2 (id {five[1]})" in result.output


def test_a_deleted_row_is_named(log, five, backend):
    delete_record(log, backend, 3)
    result = verify(log)
    assert result.exit_code == 1, result.output
    assert f"record #4 (id {five[3]}): record #3 before it is missing (deleted)" in result.output


def test_a_deleted_first_row_is_named(log, five, backend):
    delete_record(log, backend, 1)
    result = verify(log)
    assert result.exit_code == 1
    assert "record #1 before it is missing" in result.output


def test_a_deleted_last_row_is_found_against_a_noted_head(log, five, backend):
    noted = verify(log).stdout.split()[-1]
    assert verify(log, "--expect-head", noted).exit_code == 0
    delete_record(log, backend, 5)
    # Alone, a shorter chain is still a chain: the count tells, and a noted head proves it.
    assert verify(log).stdout.startswith("ok: 4 records")
    result = verify(log, "--expect-head", noted)
    assert result.exit_code == 1
    assert noted in result.output and "removed" in result.output


def test_verify_warns_about_dropped_triggers_and_upgrade_restores_them(log, five, backend):
    log.sql(TRIGGERS[backend]["update"])
    result = verify(log)
    assert result.exit_code == 0
    assert "append-only triggers missing" in result.stderr
    assert log.run("db", "upgrade").exit_code == 0
    assert "warning" not in verify(log).stderr
    with pytest.raises(Exception, match="append-only"):
        log.sql("UPDATE encounter SET unit = 'X'")


def test_stored_duty_outcomes_that_were_altered_removed_or_added_are_named(log, five,
                                                                             backend):
    """The report counts the stored outcomes (schema version 3): verify recomputes them."""
    log.sql(TRIGGERS[backend]["outcome_update"])
    log.sql("UPDATE encounter_outcome SET outcomes = '111111' WHERE seq = 2")
    result = verify(log)
    assert result.exit_code == 1
    assert f"record #2 (id {five[1]}): its stored duty outcomes differ" in result.output
    log.sql("UPDATE encounter_outcome SET outcomes = (SELECT outcomes FROM encounter_outcome "
            "WHERE seq = 1) WHERE seq = 2")  # the same digits as record 1: back as it was
    assert verify(log).exit_code == 0

    log.sql(TRIGGERS[backend]["outcome_delete"])
    log.sql("DELETE FROM encounter_outcome WHERE seq = 4")
    result = verify(log)
    assert result.exit_code == 1
    assert f"record #4 (id {five[3]}): it has no stored duty outcomes (deleted)" in result.output
    refused = log.run("report")
    assert refused.exit_code == 1
    assert "the log holds 5 records but the duty outcomes of 4" in refused.output
    assert "leaflet log verify" in refused.output


def test_duty_outcomes_stored_without_a_record_are_named(log, five, backend):
    insert = ("INSERT INTO encounter_outcome (seq, rules, occurred_utc, service, unit, "
              "outcomes, no_language, correction) SELECT 99, rules, occurred_utc, service, "
              "unit, outcomes, no_language, correction FROM encounter_outcome WHERE seq = 1")
    if backend == "postgresql":
        with pytest.raises(Exception, match="foreign key"):  # PostgreSQL refuses it outright
            log.sql(insert)
        return
    log.sql(insert)  # SQLite does not enforce the foreign key: verify finds it
    result = verify(log)
    assert result.exit_code == 1
    assert "record #99: duty outcomes are stored for it, but it is not in the log" in \
        result.output
