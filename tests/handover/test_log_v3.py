"""Log schema version 3: each record's outcome under every duty rule is stored with it. A
version-2 log made by the version-2 code (tests/fixtures/log-v2.sqlite3) upgrades with the
same chain and the same figures, on SQLite and on PostgreSQL; the appender runs the rules' own
statement; a rule cannot change without a new rules version."""

from __future__ import annotations

import json


from conftest import ROOT, copy_workspace
from leaflet.storage import layout

from .conftest import Log, old_log_url

FIXTURE = ROOT / "tests" / "fixtures" / "log-v2.sqlite3"
V2_TABLES = ("leaflet_schema", "encounter", "encounter_language", "encounter_secret",
             "log_event", "stock_movement", "stock_adjustment", "stock_chain")
REPORTS = [(), ("--by", "unit"), ("--by", "month"), ("--by", "language"),
           ("--from", "2022-01-01", "--to", "2024-01-01"), ("--unit", "PZ-5340"),
           ("--service", "social-inspection", "--by", "service")]


def test_a_version_2_log_upgrades_with_the_same_chain_and_figures(db_url, backend, tmp_path):
    log = Log(old_log_url(FIXTURE, db_url, backend, tmp_path, ("_v1_initial", "_v2"),
                          V2_TABLES))
    workspace = copy_workspace(tmp_path / "ws")
    verified = log.run("log", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("ok: 53 records")
    head = verified.stdout.split()[4].rstrip(";")
    reports = [log.stdout(workspace, "report", "--format", "json", *args) for args in REPORTS]
    stock = log.stdout(workspace, "stock", "status", "--format", "json", "--as-of", "2021-06-01")
    assert json.loads(reports[0])["violations_total"] > 0

    upgraded = log.run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"schema version 2 → {layout.SCHEMA_VERSION}" in upgraded.stdout
    after = log.run("log", "verify", "--expect-head", head)
    assert after.exit_code == 0, after.output
    assert after.stdout.startswith("ok: 53 records") and head in after.stdout
    assert [log.stdout(workspace, "report", "--format", "json", *args)
            for args in REPORTS] == reports
    assert log.stdout(workspace, "stock", "status", "--format", "json",
                "--as-of", "2021-06-01") == stock
    # One stored row of outcomes per record, and the desk appends one with its record.
    assert log.sql("SELECT count(*) FROM encounter_outcome")[0][0] == 53
    assert log.handover().exit_code == 0
    assert log.sql("SELECT count(*) FROM encounter_outcome")[0][0] == 54
    assert log.run("log", "verify").exit_code == 0


def test_the_appender_runs_the_rules_own_statement():
    from leaflet.storage import outcomes

    from leaflet.duties.sqlite import derive_outcome_text

    assert derive_outcome_text() == " ".join(outcomes.sqlite_derive_text().split())


def test_a_rule_cannot_change_without_a_new_rules_version():
    from leaflet.storage import outcomes

    from leaflet.duties.rules import RULES_FINGERPRINT

    assert outcomes.fingerprint() == RULES_FINGERPRINT, (
        "the duty rules judge differently now: the stored outcomes of every log would no "
        "longer be what the rules say. Give leaflet.duties.rules a new RULES_VERSION and a "
        "schema migration that appends the rows of the new version, then update "
        "RULES_FINGERPRINT")
