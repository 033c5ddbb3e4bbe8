"""The log's database: created on first use, versioned, upgraded on purpose, and usable by a
recorder and an auditor with the least privileges docs/deployment.md grants them."""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from leaflet.storage import layout

from .conftest import GOOD, Log, options


def test_a_new_database_is_created_on_first_use(log):
    assert log.count() == 0
    assert log.handover().exit_code == 0
    assert [r[0] for r in log.sql("SELECT version FROM leaflet_schema ORDER BY version")] == [
        *range(1, layout.SCHEMA_VERSION + 1)]
    assert log.count() == 1


def test_an_older_schema_is_refused_until_db_upgrade(log, monkeypatch):
    import sqlalchemy as sa

    from leaflet.storage import migrations

    assert log.handover().exit_code == 0
    now, then = layout.SCHEMA_VERSION, layout.SCHEMA_VERSION + 1

    def add_station_table(conn, applied_at):
        conn.execute(sa.text("CREATE TABLE station (code VARCHAR(40) PRIMARY KEY)"))

    monkeypatch.setattr(layout, "SCHEMA_VERSION", then)
    monkeypatch.setattr(migrations, "MIGRATIONS",
                        [*migrations.MIGRATIONS, (then, "stations", add_station_table)])
    refused = log.handover()
    assert refused.exit_code == 1
    assert f"schema version {now}" in refused.output and "leaflet db upgrade" in refused.output
    assert log.count() == 1

    upgraded = log.run("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"schema version {now} → {then} (applied {then})" in upgraded.stdout
    assert log.handover().exit_code == 0
    assert log.count() == 2
    assert [r[0] for r in log.sql("SELECT version FROM leaflet_schema ORDER BY version")] == [
        *range(1, then + 1)]
    assert log.run("log", "verify").exit_code == 0


def test_a_newer_schema_is_refused(log):
    log.handover()
    log.sql("INSERT INTO leaflet_schema (version, description, applied_at) "
            "VALUES (99, 'from the future', '2030-01-01T00:00:00Z')")
    for args in (("handover", *options(GOOD)), ("log", "verify"), ("db", "upgrade")):
        result = log.run(*args)
        assert result.exit_code == 1, result.output
        assert "newer than this leaflet" in result.output
    assert log.count() == 1


def test_an_unusable_database_url_is_named(backend):
    from leaflet.cli import cli

    if backend == "sqlite":
        url, code, says = "nosuchdb://x/y", 2, "nosuchdb://x/y"
    else:
        url, code, says = "postgresql+psycopg://nobody@/x?host=/nonexistent", 1, "nobody@/x"
    result = CliRunner().invoke(cli, ["log", "verify", "--db", url])
    assert result.exit_code == code, result.output
    assert result.output.startswith("Error:") and says in result.output


def test_sqlite_is_the_default_in_the_user_data_folder(tmp_path):
    from leaflet.cli import cli

    result = CliRunner().invoke(cli, ["handover", *options(GOOD)])
    assert result.exit_code == 0, result.output
    path = Path(os.environ["XDG_DATA_HOME"]) / "leaflet" / "handover.sqlite3"
    assert path.is_file()
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("SELECT id FROM encounter").fetchone()[0] == result.stdout.strip()
    env_db = tmp_path / "other.sqlite3"
    result = CliRunner().invoke(cli, ["handover", *options(GOOD)], env={"LEAFLET_DB": str(env_db)})
    assert result.exit_code == 0 and env_db.is_file()


def test_both_sqlite_writers_store_the_same_bytes(tmp_path):
    """The desk's stdlib appender and the SQLAlchemy store are interchangeable on one file."""
    from leaflet.handover import service, fast_append
    from leaflet.handover.store import Store

    url = f"sqlite:///{tmp_path / 'writers.sqlite3'}"
    values = {k.replace("-", "_"): v for k, v in GOOD.items()}
    values["person_languages"] = values.pop("person_language")
    values.update(leaflet_edition="2026-12", case_ref="PV/1", foreigners_dept_informed=True)
    first = service.record(url, values)  # new file: the store creates it and appends
    fast = service.record(url, values)  # existing file: the stdlib appender
    store = Store(url)
    from leaflet.duties.record import validate

    third = validate(dict(values, id=str(uuid.uuid4()), person_languages=["ti"]),
                     strict_fields=False)
    store.append(third)
    with sqlite3.connect(tmp_path / "writers.sqlite3") as con:
        con.row_factory = sqlite3.Row
        rows = con.execute("SELECT * FROM encounter ORDER BY seq").fetchall()
        typed = [[(k, type(r[k]).__name__, r[k] if k in ("occurred_utc",
                   "foreigners_dept_informed") else None) for k in r.keys()] for r in rows]
    assert [r["id"] for r in rows] == [first, fast, third.id]
    assert typed[0] == typed[1] == typed[2]
    assert fast_append.append(tmp_path / "missing.sqlite3", third) is None
    assert store.verify().count == 3


def test_a_plain_path_is_a_sqlite_file(tmp_path):
    from leaflet.cli import cli

    path = tmp_path / "logs" / "log.sqlite3"
    result = CliRunner().invoke(cli, ["handover", *options(GOOD), "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert path.is_file()


def test_recorder_and_auditor_roles_from_the_deployment_guide(postgres_admin):
    """PostgreSQL only: the GRANTs in docs/deployment.md are enough, and no more."""
    import sqlalchemy as sa

    from conftest import _drop_postgres_database, _fresh_postgres_database

    name, owner_url = _fresh_postgres_database(postgres_admin)
    suffix = uuid.uuid4().hex[:8]
    recorder, auditor = f"recorder_{suffix}", f"auditor_{suffix}"
    try:
        owner = Log(owner_url)
        assert owner.run("db", "upgrade").exit_code == 0
        with postgres_admin.connect() as conn:
            conn.execute(sa.text(f"CREATE ROLE {recorder} LOGIN"))
            conn.execute(sa.text(f"CREATE ROLE {auditor} LOGIN"))
        grants = [
            f"GRANT CONNECT ON DATABASE {name} TO {recorder}, {auditor}",
            f"GRANT USAGE ON SCHEMA public TO {recorder}, {auditor}",
            f"GRANT SELECT, INSERT ON encounter, encounter_language, encounter_secret, "
            f"encounter_outcome TO {recorder}",
            f"GRANT SELECT ON leaflet_schema, log_event TO {recorder}",
            f"GRANT SELECT ON encounter, encounter_language, encounter_secret, "
            f"encounter_outcome, log_event, leaflet_schema, stock_movement, stock_adjustment, "
            f"stock_chain TO {auditor}",
        ]
        for statement in grants:
            owner.sql(statement)
        url = sa.make_url(owner_url)
        as_recorder = Log(url.set(username=recorder).render_as_string(hide_password=False))
        as_auditor = Log(url.set(username=auditor).render_as_string(hide_password=False))

        recorded = as_recorder.handover()
        assert recorded.exit_code == 0, recorded.output
        assert as_recorder.run("log", "list").exit_code == 0
        with pytest.raises(Exception, match="permission denied"):
            as_recorder.sql("UPDATE encounter SET unit = 'X'")

        verified = as_auditor.run("log", "verify")
        assert verified.exit_code == 0, verified.output
        assert verified.stdout.startswith("ok: 1 records")
        assert "warning" not in verified.stderr
        reported = as_auditor.run("report", "--format", "json")
        assert reported.exit_code == 0, reported.output
        assert json.loads(reported.stdout)["encounters"] == 1
        refused = as_auditor.handover()
        assert refused.exit_code == 1
        assert "permission denied" in refused.output
        assert json.loads(as_auditor.run("log", "show", recorded.stdout.strip()).stdout)["id"]
    finally:
        _drop_postgres_database(postgres_admin, name)
        with postgres_admin.connect() as conn:
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {recorder}"))
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {auditor}"))


def test_a_recorder_cannot_create_the_log(postgres_admin):
    """PostgreSQL only: on a database nobody upgraded, a recorder is told to ask the owner."""
    import sqlalchemy as sa

    from conftest import _drop_postgres_database, _fresh_postgres_database

    name, owner_url = _fresh_postgres_database(postgres_admin)
    recorder = f"recorder_{uuid.uuid4().hex[:8]}"
    try:
        with postgres_admin.connect() as conn:
            conn.execute(sa.text(f"CREATE ROLE {recorder} LOGIN"))
        Log(owner_url).sql(f"REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        url = sa.make_url(owner_url).set(username=recorder).render_as_string(hide_password=False)
        result = Log(url).handover()
        assert result.exit_code == 1
        assert "leaflet db upgrade" in result.output
    finally:
        _drop_postgres_database(postgres_admin, name)
        with postgres_admin.connect() as conn:
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {recorder}"))
