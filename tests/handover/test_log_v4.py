"""Log schema version 4: "no printed copy at hand" (`no_copy`) joins the reasons a leaflet was
not given, and each record's outcomes are stored under version 2 of the duty rules, which
tell a stock gap from a translation gap. A version-3 log made by the version-3 code
(tests/fixtures/log-v3.sqlite3, made by tests/fixtures/make_v3_log.py) upgrades with the same
chain and the same figures, on SQLite and on PostgreSQL; then a no_copy record can be written,
and the report counts it as a stock gap, never as a language gap. A version-3 tool refuses
the upgraded log (it would not know the reason)."""

from __future__ import annotations

import json
from pathlib import Path

from leaflet.storage import layout

from .conftest import Log, make_workspace, old_log_url

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "log-v3.sqlite3"
V3_TABLES = ("leaflet_schema", "encounter", "encounter_language", "encounter_secret",
             "log_event", "stock_movement", "stock_adjustment", "stock_chain",
             "encounter_outcome")
RECORDS = 61  # in the fixture
REPORTS = [(), ("--by", "unit"), ("--by", "language"), ("--from", "2026-11-01"),
           ("--unit", "PZ-5340")]


NO_COPY = ["handover", "--service", "police", "--unit", "PZ-5339", "--officer", "A1234",
           "--assessment", "uncertain", "--residence-status", "unknown",
           "--person-language", "am", "--leaflet", "not_given",
           "--not-given-reason", "no_copy", "--centre-action", "contact_arranged",
           "--centre", "payoke", "--occurred-at", "2026-11-20T10:00:00+01:00"]


def test_a_version_3_log_upgrades_and_then_takes_a_stock_gap(db_url, backend, tmp_path,
                                                             monkeypatch):
    log = Log(old_log_url(FIXTURE, db_url, backend, tmp_path, ("_v1_initial", "_v2", "_v3"),
                          V3_TABLES))
    workspace = make_workspace(tmp_path / "ws", languages=("en", "ti", "am", "ar"))
    verified = log.run("log", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith(f"ok: {RECORDS} records")
    head = verified.stdout.split()[4].rstrip(";")
    reports = [log.stdout(workspace, "report", "--format", "json", *args) for args in REPORTS]
    stock = log.stdout(workspace, "stock", "status", "--format", "json", "--as-of", "2026-12-01")
    before = json.loads(reports[0])
    # The fixture's Amharic case was recorded as no_language by the version-3 desk: a
    # language gap then, and it stays one (the log is evidence, never reinterpreted).
    assert {"language": "am", "encounters": 2} in before["language_gaps"]
    assert before["stock_gaps"] == []
    # This leaflet writes version 4 only: the version-3 log must be upgraded first.
    refused = log.run("--workspace", str(workspace), *NO_COPY)
    assert refused.exit_code == 1 and "run `leaflet db upgrade`" in refused.output
    assert log.count() == RECORDS

    upgraded = log.run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"schema version 3 → {layout.SCHEMA_VERSION}" in upgraded.stdout
    after = log.run("log", "verify", "--expect-head", head)
    assert after.exit_code == 0, after.output
    assert after.stdout.startswith(f"ok: {RECORDS} records") and head in after.stdout
    assert [log.stdout(workspace, "report", "--format", "json", *args)
            for args in REPORTS] == reports
    assert log.stdout(workspace, "stock", "status", "--format", "json",
                "--as-of", "2026-12-01") == stock
    # The version-1 rows of the rules stay; every record has its version-2 row.
    assert sorted(log.sql("SELECT rules, count(*) FROM encounter_outcome GROUP BY rules")) \
        == [(1, RECORDS), (2, RECORDS)]

    # A version-4 record: not given for want of a printed copy, Amharic being built.
    written = log.run("--workspace", str(workspace), *NO_COPY)
    assert written.exit_code == 0, written.output
    record_id = written.stdout.strip()
    shown = json.loads(log.run("log", "show", record_id).stdout)
    assert shown["not_given_reason"] == "no_copy"
    assert log.sql("SELECT no_language FROM encounter_outcome o JOIN encounter e "
                   "ON e.seq = o.seq WHERE e.id = :id AND o.rules = 2", id=record_id) == [(2,)]
    assert log.run("log", "verify").stdout.startswith(f"ok: {RECORDS + 1} records")
    report = json.loads(log.stdout(workspace, "report", "--format", "json"))
    assert report["stock_gaps"] == [{"unit": "PZ-5339", "language": "am", "encounters": 1}]
    assert report["language_gaps"] == before["language_gaps"]  # no translation asked for
    given = next(r for r in report["rules"] if r["id"] == "LEAFLET-GIVEN")
    assert given["not_met"] == before["rules"][0]["not_met"] + 1  # the duty was not met

    # A version-3 tool refuses the version-4 log: it would not know no_copy.
    monkeypatch.setattr(layout, "SCHEMA_VERSION", 3)
    old = log.run("log", "list")
    assert old.exit_code == 1 and "newer than this leaflet (version 3)" in old.output
