"""Read commands never create a log; a damaged file is damage, not an altered chain; the log
is created only in a new or empty database; periods refuse what cannot be a period."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from .conftest import GOOD, Log, options

READERS = [("log", "verify"), ("log", "list"), ("log", "show", "12345678"),
           ("log", "export")]
WRITERS = [("handover", *options(GOOD)), ("db", "upgrade")]


def public_tables(log) -> list[str]:
    import sqlalchemy as sa

    engine = log.engine()
    try:
        with engine.connect() as conn:
            return sorted(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a[:2]))
def test_a_reader_on_a_database_without_a_log_creates_nothing(log, args, tmp_path):
    result = log.run(*args)
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: no hand-over log at"), result.output
    assert result.stdout == ""
    if log.url.startswith("sqlite"):
        assert not Path(log.url.removeprefix("sqlite:///")).exists()
    else:
        assert public_tables(log) == []


@pytest.mark.parametrize("args", READERS, ids=lambda a: " ".join(a[:2]))
def test_a_mistyped_path_leaves_no_folder(args, tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "log.sqlite3"
    result = Log(str(target)).run(*args)
    assert result.exit_code == 1, result.output
    assert f"no hand-over log at {target}" in result.output
    assert not (tmp_path / "no").exists()


def test_the_default_log_is_not_created_by_a_reader(tmp_path):
    from click.testing import CliRunner

    from leaflet.cli import cli

    result = CliRunner().invoke(cli, ["log", "verify"])
    assert result.exit_code == 1
    assert "no hand-over log at" in result.output
    assert not Path(os.environ["XDG_DATA_HOME"]).exists()


def sqlite_with_other_tables(path: Path) -> bytes:
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE invoice (number INTEGER, amount REAL)")
        con.execute("INSERT INTO invoice VALUES (1, 9.5)")
    return path.read_bytes()


def test_a_database_of_another_application_is_never_given_the_log(tmp_path):
    (tmp_path / "db").mkdir()
    path = tmp_path / "db" / "accounts.sqlite3"
    before = sqlite_with_other_tables(path)
    log = Log(str(path))
    for args in WRITERS:
        result = log.run(*args)
        assert result.exit_code == 1, result.output
        assert "holds other tables (invoice), not a hand-over log" in result.output
    for args in READERS:
        result = log.run(*args)
        assert result.exit_code == 1, result.output
        assert "no hand-over log in" in result.output and "invoice" in result.output
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["accounts.sqlite3"]


def test_a_postgresql_database_with_other_tables_is_refused(postgres_admin):
    from conftest import _drop_postgres_database, _fresh_postgres_database

    name, url = _fresh_postgres_database(postgres_admin)
    try:
        log = Log(url)
        log.sql("CREATE TABLE invoice (number integer)")
        for args in WRITERS:
            result = log.run(*args)
            assert result.exit_code == 1, result.output
            assert "holds other tables (invoice)" in result.output
        assert public_tables(log) == ["invoice"]
    finally:
        _drop_postgres_database(postgres_admin, name)


def test_an_empty_sqlite_file_becomes_the_log(tmp_path):
    path = tmp_path / "log.sqlite3"
    path.touch()
    log = Log(f"sqlite:///{path}")
    assert log.run("log", "verify").exit_code == 1  # readers: no log in it
    assert log.handover().exit_code == 0  # writers: an empty database may become the log
    assert log.count() == 1


@pytest.fixture
def logged(tmp_path) -> Path:
    """A SQLite log of 40 records (several pages), checkpointed, closed."""
    from leaflet.handover import service

    path = tmp_path / "db" / "log.sqlite3"
    values = {k.replace("-", "_"): v for k, v in GOOD.items()}
    values["person_languages"] = values.pop("person_language")
    for n in range(40):
        service.record(str(path), dict(values, unit=f"U{n}", case_ref=f"PV/{n:06d}"))
    from leaflet.storage.engine import dispose_engines

    dispose_engines()
    with sqlite3.connect(path) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for tail in ("-wal", "-shm"):
        Path(f"{path}{tail}").unlink(missing_ok=True)
    return path


DAMAGES = {
    "truncated": lambda data: data[:len(data) // 2],
    "cut inside a page": lambda data: data[:len(data) - 700],
    "not SQLite": lambda data: b"PK\x03\x04" + data[4:],
    "a text file": lambda data: b"hello, this is not a database\n",
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_file_is_reported_as_damaged_and_never_written(logged, damage):
    logged.write_bytes(DAMAGES[damage](logged.read_bytes()))
    before = logged.read_bytes()
    log = Log(str(logged))
    for args in [*READERS, *WRITERS]:
        result = log.run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert ("damaged" in result.output or "not a SQLite database" in result.output), \
            result.output
        assert "altered" not in result.output
    assert logged.read_bytes() == before
    assert sorted(p.name for p in logged.parent.iterdir()) == ["log.sqlite3"]


def test_the_fast_path_refuses_a_damaged_file(logged):
    from leaflet.handover import fast_append
    from leaflet.storage.errors import DamagedLog
    from leaflet.duties.record import validate

    from .conftest import record

    logged.write_bytes(logged.read_bytes()[:8192])
    with pytest.raises(DamagedLog, match="truncated"):
        fast_append.append(logged, validate(record(), strict_fields=True))


def test_a_file_where_the_folder_should_be_is_named(tmp_path):
    (tmp_path / "logs").write_text("a file", encoding="utf-8")
    result = Log(str(tmp_path / "logs" / "log.sqlite3")).handover()
    assert result.exit_code == 1
    assert f"{tmp_path / 'logs'} is a file, not a folder" in result.output


# --- periods ----------------------------------------------------------------------------------

@pytest.mark.parametrize("args, option", [
    (("--from", "0001-01-01"), "--from"),
    (("--from", "1899-12-31"), "--from"),
    (("--to", "9999-12-31"), "--to"),
    (("--to", "3000-01-01"), "--to"),
    (("--from", "0001-01-01T00:00:00+14:00"), "--from"),
    (("--to", "9999-12-31T23:59:59-12:00"), "--to"),
    (("--from", "2026-W49-1"), "--from"),
    (("--from", "２０２６-１２-０１"), "--from"),
    (("--to", "2026-12-01\n"), "--to"),
    (("--from", "x" * 5000), "--from"),
], ids=lambda v: v[0] if isinstance(v, tuple) else v)
def test_a_date_that_cannot_bound_a_period_is_refused(log, args, option):
    log.handover()
    for command in ("list", "export"):
        result = log.run("log", command, *args)
        assert result.exit_code == 2, result.output
        error = [line for line in result.output.splitlines() if line.startswith("Error")]
        assert len(error) == 1 and error[0].startswith(f"Error: {option} "), result.output
        assert len(error[0]) < 300


def test_from_after_to_is_refused_naming_both(log):
    log.handover()
    result = log.run("log", "list", "--from", "2026-12-02", "--to", "2026-12-01")
    assert result.exit_code == 2
    assert "--from '2026-12-02' is not before --to '2026-12-01'" in result.output
    same = log.run("log", "list", "--from", "2026-11-02", "--to", "2026-11-02")
    assert same.exit_code == 2 and "--to is excluded" in same.output
    # --to is excluded: from one day to the next is that one day.
    one_day = log.run("log", "list", "--from", "2026-11-02", "--to", "2026-11-03",
                      "--format", "jsonl")
    assert one_day.exit_code == 0 and len(one_day.stdout.splitlines()) == 1


def test_the_help_says_to_is_excluded_as_in_the_report():
    from click.testing import CliRunner

    from leaflet.cli import cli

    for command in ("list", "export"):
        text = " ".join(CliRunner().invoke(cli, ["log", command, "--help"]).output.split())
        assert "--to DATE Before this date, excluded" in text and "leaflet report" in text
