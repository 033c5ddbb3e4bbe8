"""Fixtures for the hand-over log: every test runs once on SQLite and once on PostgreSQL 15.

The PostgreSQL fixtures (`db_url`, `backend`) live in tests/conftest.py; the server comes
from LEAFLET_TEST_POSTGRES_URL or from `.ci/pg-start`, which the root conftest runs
once per session, stopping the cluster at the end, so a plain `pytest` works on a
fresh machine. It never skips: no PostgreSQL is a failure. Each test gets a new database
(PostgreSQL) or a new file under tmp_path (SQLite).
"""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import mark_built, subprocess_env  # noqa: F401  (the flow's tests import them from here)

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

# A valid encounter, as `leaflet handover` options; tests override one thing at a time.
GOOD = {
    "service": "police", "unit": "PZ-5339", "officer": "A1234", "assessment": "uncertain",
    "residence-status": "unknown", "person-language": ["ti"], "leaflet": "given",
    "leaflet-language": "ti", "centre-action": "contact_arranged", "centre": "payoke",
    "occurred-at": "2026-11-02T14:30:00+01:00",
}

# The same encounter in the interchange format (one JSON Lines record).
GOOD_RECORD = {
    "id": None, "occurred_at": "2026-11-02T14:30:00+01:00", "service": "police",
    "unit": "PZ-5339", "officer": "A1234", "assessment": "uncertain",
    "residence_status": "unknown", "person_languages": ["ti"], "leaflet": "given",
    "leaflet_language": "ti", "leaflet_edition": "2026-12", "not_given_reason": None,
    "not_given_note": None, "centre_action": "contact_arranged", "centre": "payoke",
    "foreigners_dept_informed": None, "amends": None, "case_ref": None,
}

MINIMAL_WORKSPACE = """\
[edition]
id = "2027-03"
date = 2027-03-01

[build]
languages = [{languages}]

[contact_website]
default = "https://example.org"
source = "test"
verified_on = 2026-11-28

[handover]
case_ref_pattern = '{pattern}'

[report]
timezone = "Europe/Brussels"

[organisations.helpline]
name = "Helpline"
kind = "helpline"
phone = {{ value = "078 055 800", source = "test", verified_on = 2026-11-28 }}
phone_international = {{ value = "+32 78 055 800", source = "test", verified_on = 2026-11-28 }}

[organisations.pag-asa]
name = "PAG-ASA"
kind = "centre"

[organisations.payoke]
name = "Payoke"
kind = "centre"

[organisations.surya]
name = "Surya"
kind = "centre"

[organisations.foreigners-dept]
name = "Foreigners Department"
kind = "authority"
"""


def options(fields: dict) -> list[str]:
    """`leaflet handover` arguments for a dict like GOOD (None: option left out)."""
    args: list[str] = []
    for name, value in fields.items():
        if value is None:
            continue
        if isinstance(value, bool):
            args.append(f"--{name}" if value else f"--{name.replace('-informed', '-not-informed')}")
        elif isinstance(value, list):
            for item in value:
                args += [f"--{name}", item]
        else:
            args += [f"--{name}", value]
    return args


def record(**changes) -> dict:
    """A valid interchange record with a fresh id, changed by `changes`."""
    data = dict(GOOD_RECORD, id=str(uuid.uuid4()))
    data.update(changes)
    return data


WORKSPACE_EDITION = "2027-03"  # [edition] id of MINIMAL_WORKSPACE


def make_workspace(folder: Path, pattern: str = r"^[A-Za-z0-9./-]{1,40}$", *,
                   languages=("en", "ti"), built=None) -> Path:
    """A workspace configuring `languages`, with the leaflets of `built` ({edition: codes};
    default: every configured language of the workspace's edition) marked as built."""
    folder.mkdir(parents=True, exist_ok=True)
    listed = ", ".join(f'"{code}"' for code in languages)
    (folder / "leaflet.toml").write_text(MINIMAL_WORKSPACE.format(pattern=pattern,
                                                                  languages=listed),
                                         encoding="utf-8")
    for edition, codes in (built if built is not None
                           else {WORKSPACE_EDITION: languages}).items():
        mark_built(folder, edition, codes)
    return folder


# --- running the CLI and looking in the database -----------------------------------------

class Log:
    """The log under test: run `leaflet` against it and count what it holds."""

    def __init__(self, url: str):
        self.url = url

    def run(self, *args: str, input: str | None = None, env: dict | None = None):
        from leaflet.cli import cli

        return CliRunner().invoke(cli, [*args, "--db", self.url], input=input, env=env,
                                  catch_exceptions=False)

    def stdout(self, workspace: Path, *args: str) -> str:
        """What `leaflet --workspace WORKSPACE ARGS --db URL` prints; it must succeed."""
        result = self.run("--workspace", str(workspace), *args)
        assert result.exit_code == 0, result.output
        return result.stdout

    def handover(self, **changes):
        fields = dict(GOOD)
        fields.update({k.replace("_", "-"): v for k, v in changes.items()})
        return self.run("handover", *options(fields))

    def engine(self):
        import sqlalchemy as sa

        return sa.create_engine(self.url, poolclass=sa.pool.NullPool)

    def sql(self, statement: str, **params):
        """Run one statement in its own transaction; the rows, if any."""
        import sqlalchemy as sa

        engine = self.engine()
        try:
            with engine.begin() as conn:
                result = conn.execute(sa.text(statement), params)
                return result.all() if result.returns_rows else []
        finally:
            engine.dispose()

    def count(self) -> int:
        import sqlalchemy as sa

        engine = self.engine()
        try:
            with engine.connect() as conn:
                if not sa.inspect(conn).has_table("encounter"):
                    return 0
                return conn.execute(sa.text("SELECT count(*) FROM encounter")).scalar_one()
        finally:
            engine.dispose()

    def ids(self) -> list[str]:
        return [row[0] for row in self.sql("SELECT id FROM encounter ORDER BY seq")]


@pytest.fixture
def log(db_url) -> Log:
    return Log(db_url)


def copy_sqlite_rows(con, conn, tables_) -> None:
    """Copy the rows of `tables_` (SQLAlchemy tables) from the SQLite connection `con` (with
    sqlite3.Row rows) into `conn`, as they are: their hashes come with them. Dates and
    booleans are converted from SQLite's text and integers."""
    import datetime as dt

    import sqlalchemy as sa

    for table in tables_:
        rows = [dict(r) for r in con.execute(f"SELECT * FROM {table.name}")]
        for row in rows:
            for column in table.columns:
                value = row[column.name]
                if isinstance(column.type, sa.DateTime) and value:
                    row[column.name] = dt.datetime.fromisoformat(value)
                if isinstance(column.type, sa.Boolean) and value is not None:
                    row[column.name] = bool(value)
        if rows:
            conn.execute(sa.insert(table), rows)


def fixture_into(source, db_url: str, make_tables, tables_) -> str:
    """The SQLite fixture file `source` on PostgreSQL at `db_url`: the tables made by
    `make_tables(conn)` (the old versions' own migration functions), then the rows of
    `tables_` copied as they are (copy_sqlite_rows), in one transaction."""
    import sqlite3

    import sqlalchemy as sa

    engine = sa.create_engine(db_url, poolclass=sa.pool.NullPool)
    con = sqlite3.connect(source)
    con.row_factory = sqlite3.Row
    try:
        with engine.begin() as conn:
            make_tables(conn)
            copy_sqlite_rows(con, conn, tables_)
    finally:
        con.close()
        engine.dispose()
    return db_url


def old_log_url(fixture: Path, db_url: str, backend: str, tmp_path: Path,
                migrations_: tuple[str, ...], table_names) -> str:
    """A copy of the old-version log file `fixture` on the test's backend: on SQLite the
    copy itself; on PostgreSQL the tables made by the old versions' own migration functions
    (`migrations_`, by name, in order) and the rows of `table_names` copied into them as they
    are (fixture_into)."""
    import shutil

    source = tmp_path / fixture.name
    shutil.copy(fixture, source)
    if backend == "sqlite":
        return f"sqlite:///{source}"
    from leaflet.storage import migrations, tables

    def make_tables(conn):
        for name in migrations_:
            getattr(migrations, name)(conn, "2026-12-01T00:00:00.000Z")

    return fixture_into(source, db_url, make_tables,
                        [tables.metadata.tables[name] for name in table_names])
