"""Log schema version 2: upgrades from version 1, erasure after the retention period, sync.

Every test taking `db_url` runs on SQLite and on PostgreSQL 15.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from leaflet.storage import layout

from conftest import ROOT, copy_workspace

from .conftest import Log, fixture_into, record

FIXTURE = ROOT / "tests" / "fixtures" / "log-v1.sqlite3"
V1_HEAD = None  # read from the fixture by the v1 rules, in each test


def _v1_copy(tmp_path: Path, name="v1.sqlite3") -> Path:
    path = tmp_path / name
    shutil.copy(FIXTURE, path)
    return path


def _v1_into(db_url: str, backend: str, tmp_path: Path) -> str:
    """The fixture's database on the test's backend: on PostgreSQL, version 1's tables made
    by version 1's own migration function, and the fixture's rows copied into them as they
    are (the chain is the rows: their hashes come with them)."""
    source = _v1_copy(tmp_path)
    if backend == "sqlite":
        return f"sqlite:///{source}"
    from leaflet.storage import appendonly, migrations, tables

    def make_tables(conn):
        migrations._v1_initial(conn, "2026-11-30T00:00:00.000Z")
        tables.metadata.create_all(conn, tables=list(tables.V1_STOCK_TABLES))
        conn.execute(sa.text(tables.GIVEN_INDEX_DDL))
        conn.execute(sa.delete(tables.schema_versions))  # _v1_initial inserted none
        # The ledger's version-1 rule (it guards UPDATE and DELETE, not the copy's INSERTs).
        for statement in appendonly.ddl("postgresql", ("stock_movement", "stock_schema"),
                                        erasure=False):
            conn.execute(sa.text(statement))

    return fixture_into(source, db_url, make_tables,
                        (tables.schema_versions, tables.encounter, tables.encounter_language,
                         tables.stock_versions, tables.movement))


def _report(log: Log, workspace: Path) -> dict:
    from leaflet.cli import cli
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--workspace", str(workspace), "report", "--db", log.url,
                                      "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _stock(log: Log, workspace: Path) -> dict:
    from leaflet.cli import cli
    from click.testing import CliRunner

    result = CliRunner().invoke(cli, ["--workspace", str(workspace), "stock", "status", "--db",
                                      log.url, "--format", "json", "--as-of", "2021-06-01"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _verified(log: Log) -> tuple[int, str]:
    result = log.run("log", "verify")
    assert result.exit_code == 0, result.output
    words = result.stdout.split()
    return int(words[1]), words[4].rstrip(";")


# --- upgrade --------------------------------------------------------------------------------

def test_a_version_1_log_upgrades_with_every_record_and_the_same_figures(db_url, backend,
                                                                          tmp_path):
    log = Log(_v1_into(db_url, backend, tmp_path))
    workspace = copy_workspace(tmp_path / "ws")
    count, head = _verified(log)
    assert count == 48
    report, stock = _report(log, workspace), _stock(log, workspace)
    assert report["encounters"] > 0 and stock["rows"]

    upgraded = log.run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    applied = ", ".join(str(v) for v in range(2, layout.SCHEMA_VERSION + 1))
    assert f"schema version 1 → {layout.SCHEMA_VERSION} (applied {applied})" in upgraded.stdout
    after = log.run("log", "verify", "--expect-head", head)
    assert after.exit_code == 0, after.output
    assert after.stdout.startswith("ok: 48 records")
    assert "1 log record" in after.stdout and "5 stock rows" in after.stdout
    assert _report(log, workspace) == report
    assert _stock(log, workspace) == stock
    assert [r[0] for r in log.sql("SELECT version FROM leaflet_schema ORDER BY version")] == [
        *range(1, layout.SCHEMA_VERSION + 1)]
    # Every version-1 record with a case reference or a note is sealed by the upgrade.
    held = log.sql("SELECT count(*) FROM encounter WHERE case_ref IS NOT NULL "
                   "OR not_given_note IS NOT NULL")[0][0]
    assert log.sql("SELECT count(*) FROM encounter_secret WHERE v1_digest IS NOT NULL")[0][0] \
        == held > 0
    assert log.run("db", "upgrade").stdout.endswith("nothing to do\n")
    # The desk appends to an upgraded log, and the chain holds.
    assert log.handover().exit_code == 0
    assert _verified(log)[0] == 49


def test_an_upgrade_of_a_tampered_log_is_refused_and_changes_nothing(tmp_path):
    path = _v1_copy(tmp_path)
    con = sqlite3.connect(path)
    con.execute("DROP TRIGGER encounter_no_update")
    con.execute("UPDATE encounter SET unit = 'PZ-9999' WHERE seq = 17")
    con.commit()
    con.close()
    before = path.read_bytes()
    log = Log(f"sqlite:///{path}")
    result = log.run("db", "upgrade")
    assert result.exit_code == 1
    assert "not upgraded, nothing changed: record #17" in result.output
    assert "altered" in result.output and "Traceback" not in result.output
    assert path.read_bytes() == before


# --- erasure --------------------------------------------------------------------------------

def _retention_workspace(tmp_path: Path, years: int | None = 5) -> Path:
    workspace = copy_workspace(tmp_path / "ws")
    text = (workspace / "leaflet.toml").read_text(encoding="utf-8")
    if years is not None:
        text = text.replace("[handover]", f"[handover]\nretention_years = {years}", 1) \
            if "[handover]" in text else text + f"\n[handover]\nretention_years = {years}\n"
    (workspace / "leaflet.toml").write_text(text, encoding="utf-8")
    return workspace


def _erase(log: Log, workspace: Path, *args: str):
    from leaflet.cli import cli
    from click.testing import CliRunner

    return CliRunner().invoke(cli, ["--workspace", str(workspace), "log", "erase", *args,
                                    "--db", log.url], catch_exceptions=False)


def _erasable_values(log: Log, before: str) -> list[str]:
    rows = log.sql("SELECT case_ref, not_given_note FROM encounter WHERE occurred_at < :b",
                   b=before)
    return sorted({v for row in rows for v in row if v})


def test_erasure_removes_the_fields_from_the_file_and_nothing_else(tmp_path):
    path = _v1_copy(tmp_path)
    log = Log(f"sqlite:///{path}")
    assert log.run("db", "upgrade").exit_code == 0
    for n in range(3):  # schema-2 records too, before and after the erasure date
        assert log.handover(**{"occurred-at": f"2020-0{n + 4}-01T10:00:00+02:00",
                               "case-ref": f"PV/2020/V2-{n}"}).exit_code == 0
    assert log.handover(**{"occurred-at": "2021-03-01T10:00:00+01:00",
                           "case-ref": "PV/2021/KEEP-ME"}).exit_code == 0
    workspace = _retention_workspace(tmp_path)
    report = _report(log, workspace)
    before = _erasable_values(log, "2021-01-01")
    kept = [r[0] for r in log.sql("SELECT case_ref FROM encounter WHERE occurred_at >= "
                                  "'2021-01-01' AND case_ref IS NOT NULL UNION SELECT "
                                  "not_given_note FROM encounter WHERE occurred_at >= "
                                  "'2021-01-01' AND not_given_note IS NOT NULL")]
    # Values a later record also holds (or holds inside a longer one) stay in the file.
    gone = [v for v in before if not any(v in k for k in kept)]
    assert len(gone) >= 15 and "PV/2020/V2-1" in gone and "PV/2021/KEEP-ME" in kept
    count, _ = _verified(log)

    result = _erase(log, workspace, "--before", "2021-01-01", "--by", "DPO-5339")
    assert result.exit_code == 0, result.output
    assert "erased case_ref and not_given_note in" in result.stdout
    data = path.read_bytes() + b"".join(Path(str(path) + s).read_bytes()
                                        for s in ("-wal", "-journal")
                                        if Path(str(path) + s).exists())
    found = [v for v in gone if v.encode("utf-8") in data]
    assert found == []
    assert all(v.encode("utf-8") in data for v in kept)
    assert _verified(log)[0] == count
    assert _report(log, workspace) == report
    events = log.run("log", "events", "--format", "jsonl").stdout.splitlines()
    erasure = json.loads(events[-1])
    assert erasure["kind"] == "erasure" and erasure["actor"] == "DPO-5339"
    assert erasure["details"]["before"] == "2021-01-01"
    assert erasure["details"]["records"] == log.sql(
        "SELECT count(*) FROM encounter WHERE occurred_at < '2021-01-01' AND "
        "(case_ref IS NULL AND not_given_note IS NULL) AND seq IN "
        "(SELECT seq FROM encounter_secret)")[0][0]
    # The JSON Lines export still checks alone (docs/log-format.md), with the erased fields.
    assert log.run("log", "export", "--with-chain").exit_code == 0


def test_erasure_is_refused_before_its_time_and_without_a_retention_period(tmp_path):
    path = _v1_copy(tmp_path)
    log = Log(f"sqlite:///{path}")
    assert log.run("db", "upgrade").exit_code == 0
    before = path.read_bytes()
    none = _erase(log, _retention_workspace(tmp_path / "a", years=None), "--before",
                  "2020-01-01", "--by", "DPO-1")
    assert none.exit_code == 2 and "no retention period" in none.output
    early = _erase(log, _retention_workspace(tmp_path / "b", years=10), "--before",
                   "2020-01-01", "--by", "DPO-1")
    assert early.exit_code == 2
    assert "within the retention period of 10 years" in early.output
    assert path.read_bytes() == before
    # The database refuses an erasing UPDATE that no erasure record covers, for every role.
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        log.sql("UPDATE encounter SET case_ref = NULL WHERE seq = 1")


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31"])
def test_an_erasure_before_any_possible_record_names_before(tmp_path, day):
    path = _v1_copy(tmp_path)
    log = Log(f"sqlite:///{path}")
    assert log.run("db", "upgrade").exit_code == 0
    before = path.read_bytes()
    result = _erase(log, _retention_workspace(tmp_path), "--before", day, "--by", "DPO-1")
    assert result.exit_code == 2
    assert "--before" in result.output and "--from" not in result.output, result.output
    assert path.read_bytes() == before


def test_a_repeated_erasure_appends_no_empty_erasure_record(tmp_path):
    path = _v1_copy(tmp_path)
    log = Log(f"sqlite:///{path}")
    assert log.run("db", "upgrade").exit_code == 0
    workspace = _retention_workspace(tmp_path)
    first = _erase(log, workspace, "--before", "2021-01-01", "--by", "DPO-1")
    assert first.exit_code == 0 and "erased" in first.stdout, first.output
    events = log.run("log", "events", "--format", "jsonl").stdout.splitlines()
    head = _verified(log)
    again = _erase(log, workspace, "--before", "2021-01-01", "--by", "DPO-1")
    assert again.exit_code == 0 and "nothing to erase" in again.stdout, again.output
    assert log.run("log", "events", "--format", "jsonl").stdout.splitlines() == events
    assert _verified(log) == head


def test_tampering_with_an_erased_record_is_still_caught(db_url, backend, tmp_path):
    log = Log(_v1_into(db_url, backend, tmp_path))
    assert log.run("db", "upgrade").exit_code == 0
    assert log.handover(**{"occurred-at": "2020-05-01T10:00:00+02:00",
                           "case-ref": "PV/2020/NEW"}).exit_code == 0
    workspace = _retention_workspace(tmp_path)
    assert _erase(log, workspace, "--before", "2021-01-01", "--by", "DPO-1").exit_code == 0
    assert _verified(log)[0] == 49
    # An erasure covers only what occurred before its date: a later record stays as it is.
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        log.sql("UPDATE encounter SET case_ref = NULL WHERE occurred_at > '2021-06'"
                " AND case_ref IS NOT NULL")
    erased_v1 = log.sql("SELECT seq FROM encounter WHERE seq <= 48 AND occurred_at < '2021' "
                        "AND case_ref IS NULL AND seq IN (SELECT seq FROM encounter_secret) "
                        "ORDER BY seq")[0][0]
    # A version-1 record's own hash covered its values in clear: once erased, the upgrade's
    # anchor is what still proves that nothing else of it changed.
    _drop_update_trigger(log, backend)
    log.sql(f"UPDATE encounter SET unit = 'PZ-0001' WHERE seq = {erased_v1}")
    result = log.run("log", "verify")
    assert result.exit_code == 1, result.output
    assert f"record #{erased_v1} " in result.output and "altered" in result.output


def test_tampering_with_an_erased_schema_2_record_is_caught(tmp_path):
    log = Log(f"sqlite:///{tmp_path / 'log.sqlite3'}")
    assert log.handover(**{"occurred-at": "2019-05-01T10:00:00+02:00",
                           "case-ref": "PV/2019/ONE"}).exit_code == 0
    assert log.handover(**{"occurred-at": "2019-06-01T10:00:00+02:00"}).exit_code == 0
    assert _erase(log, _retention_workspace(tmp_path), "--before", "2020-01-01",
                  "--by", "DPO-1").exit_code == 0
    assert _verified(log)[0] == 2
    log.sql("DROP TRIGGER encounter_no_update")
    log.sql("UPDATE encounter SET officer = 'X9' WHERE seq = 1")
    result = log.run("log", "verify")
    assert result.exit_code == 1 and "record #1 " in result.output and "altered" in result.output


def _drop_update_trigger(log: Log, backend: str) -> None:
    log.sql("DROP TRIGGER encounter_no_update" if backend == "sqlite"
            else "DROP TRIGGER encounter_append_only ON encounter")


# --- sync ----------------------------------------------------------------------------------

def _laptop(tmp_path: Path, count: int) -> Log:
    """A laptop's SQLite log with `count` records (some with a case reference and a note),
    two corrections and stock rows."""
    from leaflet.duties.record import validate
    from leaflet.handover.store import Store
    from leaflet.storage.engine import dispose_engines
    from leaflet.stock.ledger import Ledger

    url = f"sqlite:///{tmp_path / 'laptop.sqlite3'}"
    store = Store(url)
    ids = []
    for n in range(count):
        data = record(occurred_at=f"2026-0{1 + n % 9}-{1 + n % 27:02d}T10:00:00+01:00",
                      case_ref=f"PV/2026/{n}" if n % 3 == 0 else None,
                      unit=("SIS-LGE", "SIS-NAM")[n % 2])
        if n % 7 == 6:
            data.update(leaflet="refused", leaflet_language=None, leaflet_edition=None,
                        not_given_note=f"said no, {n}")
        if n in (10, 20):
            data["amends"] = ids[n - 5]
        store.append(validate(data))
        ids.append(data["id"])
    ledger = Ledger(url)
    moved = ledger.receive("SIS-LGE", "2026-12", [("ti", 40), ("ar", 20)],
                           occurred_at="2026-01-05T09:00:00+01:00")
    ledger.transfer("SIS-LGE", "SIS-NAM", "2026-12", [("ti", 10)],
                    occurred_at="2026-01-06T09:00:00+01:00")
    ledger.correct(moved["movement"], [("ti", 38)])
    dispose_engines()
    return Log(url)


def _sync(*args: str):
    from click.testing import CliRunner

    from leaflet.cli import cli

    return CliRunner().invoke(cli, ["log", "sync", *args], catch_exceptions=False)


def _ids(log: Log) -> list[str]:
    return [r[0] for r in log.sql("SELECT id FROM encounter ORDER BY seq")]


def test_sync_copies_what_the_destination_lacks_once_and_both_chains_verify(db_url, tmp_path):
    laptop = _laptop(tmp_path, 30)
    zone = Log(db_url)
    assert zone.handover(unit="PZ-5339").exit_code == 0  # the zone has records of its own
    dry = _sync("--from", laptop.url, "--to", zone.url, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would copy 30 records (0 already there) and 5 stock rows" in dry.stdout
    assert zone.count() == 1
    done = _sync("--from", laptop.url, "--to", zone.url)
    assert done.exit_code == 0, done.output
    assert "copied 30 records (0 already there) and 5 stock rows" in done.stdout
    assert "verifies: 31 records" in done.stdout
    again = _sync("--from", laptop.url, "--to", zone.url)
    assert "copied 0 records (30 already there) and 0 stock rows (5 already there)" \
        in again.stdout
    assert _ids(zone)[1:] == _ids(laptop)
    assert laptop.run("log", "verify").exit_code == 0 and zone.run("log", "verify").exit_code == 0
    # The zone's stock holds the laptop's movements, the correction included.
    rows = zone.sql("SELECT unit, language, sum(copies) FROM stock_movement GROUP BY unit, "
                    "language ORDER BY unit, language")
    assert [tuple(r) for r in rows] == [("SIS-LGE", "ar", 20), ("SIS-LGE", "ti", 30),
                                        ("SIS-NAM", "ti", 10)]
    assert zone.sql("SELECT sum(copies) FROM stock_adjustment")[0][0] == -2
    # Commitments travel with the records: the same salts, so the same commitments.
    assert sorted(r[0] for r in zone.sql("SELECT case_ref_commit FROM encounter_secret "
                                         "WHERE case_ref_commit IS NOT NULL")) == sorted(
        r[0] for r in laptop.sql("SELECT case_ref_commit FROM encounter_secret "
                                 "WHERE case_ref_commit IS NOT NULL"))


def test_a_conflicting_id_stops_the_sync_naming_it(db_url, tmp_path):
    laptop = _laptop(tmp_path, 12)
    zone = Log(db_url)
    third = laptop.sql("SELECT id FROM encounter WHERE seq = 3")[0][0]
    exported = laptop.run("log", "export").stdout.splitlines()
    twin = json.loads(exported[2])
    assert twin["id"] == third
    twin["officer"] = "B4321"  # same id, other content
    (tmp_path / "twin.jsonl").write_text(json.dumps(twin) + "\n", encoding="utf-8")
    assert zone.run("log", "import", str(tmp_path / "twin.jsonl")).exit_code == 0
    result = _sync("--from", laptop.url, "--to", zone.url)
    assert result.exit_code == 1
    assert f"record {third} is in" in result.output and "different content" in result.output
    assert "Traceback" not in result.output
    # The two records before it were copied; nothing after it.
    assert _ids(zone) == [third] + _ids(laptop)[:2]
    assert zone.run("log", "verify").exit_code == 0


_SYNC_SCRIPT = """
import sys
from leaflet.cli import cli
cli.main(["log", "sync", "--from", sys.argv[1], "--to", sys.argv[2]], prog_name="leaflet")
"""


def test_a_sync_killed_mid_way_and_run_again_copies_each_record_once(db_url, tmp_path):
    laptop = _laptop(tmp_path, 400)
    zone = Log(db_url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
    process = subprocess.Popen([sys.executable, "-c", _SYNC_SCRIPT, laptop.url, zone.url],
                               env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    copied = 0
    while time.monotonic() < deadline and process.poll() is None:
        try:
            copied = zone.count()
        except Exception:
            copied = 0
        if copied >= 40:
            break
        time.sleep(0.05)
    assert process.poll() is None, "the sync ended before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = zone.count()
    assert 40 <= partial < 400
    result = _sync("--from", laptop.url, "--to", zone.url)
    assert result.exit_code == 0, result.output
    assert f"copied {400 - partial} records ({partial} already there)" in result.stdout
    assert _ids(zone) == _ids(laptop)
    assert len(set(_ids(zone))) == 400
    assert zone.run("log", "verify").exit_code == 0
    assert laptop.run("log", "verify").exit_code == 0
