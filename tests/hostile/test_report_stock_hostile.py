"""Hostile input to `leaflet report` and `leaflet stock receive|transfer|status|order`.

Each case runs the real command line in a process of its own (tests/hostile/harness.py), with
a private data folder (XDG_DATA_HOME) and current folder, and asserts with
harness.assert_refused: the exit code (1 bad data or files, 2 bad option values), one `Error`
line naming the option or the file, no traceback, and nothing created, changed or removed
under the case's folder (the database file and its folder, the `-o` target's folder, the
order's output folder, the data folder) nor in the workspace's output folder. PostgreSQL cases
check that the database still holds no table. No case needs a built PDF: every refusal comes
before the build.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import _drop_postgres_database, _fresh_postgres_database, copy_workspace

from .harness import assert_refused, run_cli, snapshot

LONG = "A" * 10_000


from conftest import EDITION  # [edition] id of the project's leaflet.toml


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory) -> Path:
    """A coordinator's workspace configuring English, French and German, English and French
    marked as built (a manifest entry and a dummy PDF each, as `leaflet build` leaves them),
    German not."""
    import json

    ws = copy_workspace(tmp_path_factory.mktemp("hostile-ws") / "ws",
                        languages=["en", "fr", "de"])
    out = ws / "output" / EDITION
    out.mkdir(parents=True)
    for code in ("en", "fr"):
        (out / f"{code}.pdf").write_bytes(b"%PDF-1.7\n")
    (out / "manifest.json").write_text(json.dumps(
        {"edition": EDITION, "languages": {c: {"pdf": f"{c}.pdf"} for c in ("en", "fr")}}))
    return ws


@pytest.fixture(scope="module")
def log_file(tmp_path_factory, hostile_ws) -> Path:
    """A real log with hand-overs and a ledger, made once, copied into each case."""
    from click.testing import CliRunner

    from leaflet.cli import cli
    from leaflet.storage.engine import dispose_engines

    path = tmp_path_factory.mktemp("hostile-log") / "log.sqlite3"
    runner = CliRunner()
    for unit in ("PZ-1", "PZ-2"):
        result = runner.invoke(cli, [
            "--workspace", str(hostile_ws), "handover", "--service", "police", "--unit", unit,
            "--officer", "A1", "--assessment", "uncertain", "--residence-status", "unknown",
            "--person-language", "fr", "--leaflet", "given", "--leaflet-language", "fr",
            "--centre-action", "none", "--occurred-at", "2026-03-10T10:00:00+01:00",
            "--db", str(path)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["--workspace", str(hostile_ws), "stock", "receive", "--unit",
                                 "COORD", "fr=50", "--db", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    dispose_engines()  # close every connection: the log is whole in its main file, no -wal
    assert not path.with_name(path.name + "-wal").exists()
    return path


def _read_only_folder(tmp: Path) -> Path:
    """A folder this process cannot write: mode 0555 for a user; for root, whom permission
    bits do not stop, sysfs (where nobody may create a file)."""
    if os.geteuid() == 0:
        return Path("/sys")
    folder = tmp / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    return folder


def _databases(tmp: Path, log_file: Path) -> dict[str, Path]:
    """The database files of a case: a copy of the real log and every broken kind."""
    db = tmp / "db"
    db.mkdir()
    log = db / "log.sqlite3"
    shutil.copy(log_file, log)
    empty = db / "empty.sqlite3"
    empty.write_bytes(b"")
    junk = db / "junk.sqlite3"
    junk.write_bytes(b"this is a spreadsheet, not a log\n" * 200)
    truncated = db / "truncated.sqlite3"
    data = log_file.read_bytes()
    truncated.write_bytes(data[: len(data) // 2 + 100])
    other = db / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount REAL)")
    con.execute("INSERT INTO invoices (amount) VALUES (12.5)")
    con.commit()
    con.close()
    afile = tmp / "a-file.txt"
    afile.write_text("not a folder\n")
    return {"log": log, "empty": empty, "junk": junk, "truncated": truncated, "other": other,
            "missing": tmp / "no-such-folder" / "log.sqlite3", "folder": db, "file": afile}


# (id, arguments, exit code, where: a regex the error line must match, message: another)
# Placeholders: {log} {empty} {junk} {truncated} {other} {missing} {folder} {file} (the
# case's files), {ws} the workspace, {ro} a read-only folder, {tmp} the case's folder.
W = ["--workspace", "{ws}"]
CASES = [
    # --- report: where the log is ---------------------------------------------------------
    ("report-missing-path", ["report", "--db", "{missing}"], 1,
     r"no hand-over log at .*no-such-folder/log\.sqlite3", None),
    ("report-default-log-absent", ["report"], 1, r"no hand-over log at .*xdg-data", None),
    ("report-empty-file", ["report", "--db", "{empty}"], 1,
     r"no hand-over log at .*empty\.sqlite3", r"empty"),
    ("report-not-sqlite", ["report", "--db", "{junk}"], 1, r"junk\.sqlite3",
     r"not a SQLite database"),
    ("report-truncated", ["report", "--db", "{truncated}"], 1, r"truncated\.sqlite3",
     r"damaged"),
    ("report-other-program-db", ["report", "--db", "{other}"], 1,
     r"no hand-over log at .*other\.sqlite3", r"invoices"),
    ("report-db-is-a-folder", ["report", "--db", "{folder}"], 1, r"/db is a folder", None),
    ("report-db-newline", ["report", "--db", "{tmp}/log\n.sqlite3"], 2, r"--db",
     r"U\+000A"),
    # --- report: dates --------------------------------------------------------------------
    ("report-from-year-1", ["report", "--db", "{log}", "--from", "0001-01-01"], 2, r"--from",
     r"outside 1900-01-01"),
    ("report-to-year-9999", ["report", "--db", "{log}", "--to", "9999-12-31"], 2, r"--to",
     r"outside"),
    ("report-from-after-to", ["report", "--db", "{log}", "--from", "2026-02-01", "--to",
                              "2026-01-01"], 2, r"--to 2026-01-01 .*--from 2026-02-01", None),
    ("report-day-basic-form", ["report", "--db", "{log}", "--from", "20260101"], 2, r"--from",
     r"YYYY-MM-DD"),
    ("report-month-groups-flood", ["report", "--db", "{log}", "--by", "month", "--from",
                                   "1900-01-01", "--to", "2999-12-31"], 2, r"--by month",
     r"at most 1,200"),
    # --- report: units ----------------------------------------------------------------------
    ("report-unit-trailing-newline", ["report", "--db", "{log}", "--unit", "PZ-1\n"], 2,
     r"--unit", r"U\+000A"),
    ("report-unit-line-separator", ["report", "--db", "{log}", "--unit", "PZ-1\u2028"], 2,
     r"--unit", r"U\+2028"),
    ("report-unit-next-line", ["report", "--db", "{log}", "--unit", "PZ\u0085-1"], 2,
     r"--unit", r"U\+0085"),
    ("report-unit-rtl-override", ["report", "--db", "{log}", "--unit", "PZ-\u202e1"], 2,
     r"--unit", r"U\+202E"),
    ("report-unit-10000-chars", ["report", "--db", "{log}", "--unit", LONG], 2, r"--unit",
     r"10,000 characters"),
    # --- report: where it is written -----------------------------------------------------
    ("report-output-read-only-folder", ["report", "--db", "{log}", "-o", "{ro}/r.csv"], 1,
     r"--output", r"cannot write"),
    ("report-output-missing-folder-in-read-only", ["report", "--db", "{log}", "-o",
                                                   "{ro}/q4/r.csv"], 1, r"--output",
     r"cannot write"),
    ("report-output-is-a-folder", ["report", "--db", "{log}", "-o", "{tmp}"], 2, r"--output",
     r"director|folder"),
    ("report-output-through-a-file", ["report", "--db", "{log}", "-o", "{file}/q4/r.csv"], 2,
     r"--output", r"is a file, not a folder"),
    ("report-output-over-the-log", ["report", "--db", "{log}", "--format", "csv", "-o",
                                    "{log}"], 2, r"--output", r"the log being read"),
    # --- stock status -----------------------------------------------------------------------
    ("status-missing-path", [*W, "stock", "status", "--db", "{missing}"], 1,
     r"no hand-over log at .*no-such-folder", None),
    ("status-empty-file", [*W, "stock", "status", "--db", "{empty}"], 1,
     r"no hand-over log at .*empty\.sqlite3", None),
    ("status-not-sqlite", [*W, "stock", "status", "--db", "{junk}"], 1, r"junk\.sqlite3",
     r"not a SQLite database"),
    ("status-truncated", [*W, "stock", "status", "--db", "{truncated}"], 1,
     r"truncated\.sqlite3", r"damaged"),
    ("status-other-program-db", [*W, "stock", "status", "--db", "{other}"], 1,
     r"other\.sqlite3", r"no hand-over log"),
    ("status-as-of-9999", [*W, "stock", "status", "--db", "{log}", "--as-of", "9999-12-31"],
     2, r"--as-of", r"outside"),
    ("status-as-of-year-1", [*W, "stock", "status", "--db", "{log}", "--as-of", "0001-01-01"],
     2, r"--as-of", r"outside"),
    ("status-unit-newline", [*W, "stock", "status", "--db", "{log}", "--unit", "PZ-1\n"], 2,
     r"--unit", r"U\+000A"),
    # --- stock receive: quantities and languages (db in a folder that must not appear) --------
    ("receive-zero", [*W, "stock", "receive", "--unit", "COORD", "fr=0", "--db", "{missing}"],
     2, r"LANG=COPIES 'fr=0'", r"from 1 to"),
    ("receive-negative", [*W, "stock", "receive", "--unit", "COORD", "fr=-5", "--db",
                          "{missing}"], 2, r"'fr=-5'", r"from 1 to"),
    ("receive-exponent", [*W, "stock", "receive", "--unit", "COORD", "fr=1e9", "--db",
                          "{missing}"], 2, r"'fr=1e9' is not LANG=COPIES", None),
    ("receive-letters", [*W, "stock", "receive", "--unit", "COORD", "fr=abc", "--db",
                         "{missing}"], 2, r"'fr=abc' is not LANG=COPIES", None),
    ("receive-full-width-digits", [*W, "stock", "receive", "--unit", "COORD", "fr=\uff15",
                                   "--db", "{missing}"], 2, r"is not LANG=COPIES", None),
    ("receive-unknown-language", [*W, "stock", "receive", "--unit", "COORD", "xx=5", "--db",
                                  "{missing}"], 2, r"LANG=COPIES 'xx=5'",
     r"not a CLDR language"),
    ("receive-language-not-configured", [*W, "stock", "receive", "--unit", "COORD", "ro=5",
                                         "--db", "{missing}"], 2, r"LANG=COPIES 'ro=5'",
     r"ro is not a language of this edition"),
    ("receive-language-never-built", [*W, "stock", "receive", "--unit", "COORD", "de=5",
                                      "--db", "{missing}"], 2, r"LANG=COPIES de",
     rf"no leaflet of edition {EDITION} in that language is built"),
    ("receive-edition-not-in-workspace", [*W, "stock", "receive", "--unit", "COORD",
                                          "--edition", "2062-12", "fr=5", "--db", "{missing}"],
     2, r"--edition 2062-12", r"never built in this workspace"),
    ("receive-unit-10000-chars", [*W, "stock", "receive", "--unit", LONG, "fr=5", "--db",
                                  "{missing}"], 2, r"--unit", r"10,000 characters"),
    ("receive-unit-trailing-newline", [*W, "stock", "receive", "--unit", "PZ-5339\n", "fr=5",
                                       "--db", "{missing}"], 2, r"--unit", r"U\+000A"),
    ("receive-note-rtl-override", [*W, "stock", "receive", "--unit", "COORD", "fr=5",
                                   "--note", "delivery \u202e811-6202", "--db", "{missing}"],
     2, r"--note", r"U\+202E"),
    ("receive-edition-newline", [*W, "stock", "receive", "--unit", "COORD", "--edition",
                                 "2026-12\n", "fr=5", "--db", "{missing}"], 2, r"--edition",
     r"U\+000A"),
    # --- stock receive: what it would write to -----------------------------------------------
    ("receive-into-not-sqlite", [*W, "stock", "receive", "--unit", "COORD", "fr=5", "--db",
                                 "{junk}"], 1, r"junk\.sqlite3", r"not a SQLite database"),
    ("receive-into-truncated", [*W, "stock", "receive", "--unit", "COORD", "fr=5", "--db",
                                "{truncated}"], 1, r"truncated\.sqlite3", r"damaged"),
    ("receive-into-other-program-db", [*W, "stock", "receive", "--unit", "COORD", "fr=5",
                                       "--db", "{other}"], 1, r"other\.sqlite3",
     r"not a hand-over log.*invoices"),
    # --- stock transfer -----------------------------------------------------------------------
    ("transfer-to-paragraph-separator", [*W, "stock", "transfer", "--from", "COORD", "--to",
                                         "PZ-1\u2029", "fr=5", "--db", "{log}"], 2, r"--to",
     r"U\+2029"),
    ("transfer-edition-not-in-workspace", [*W, "stock", "transfer", "--from", "COORD", "--to",
                                           "PZ-1", "--edition", "2062-12", "fr=5", "--db",
                                           "{log}"], 2, r"--edition 2062-12", None),
    ("transfer-language-never-built-nor-held", [*W, "stock", "transfer", "--from", "COORD",
                                                "--to", "PZ-1", "de=5", "--db", "{log}"], 2,
     r"LANG=COPIES de", r"is built in this workspace \(built: en, fr\)"),
    # --- stock order (refused before any check or build) ---------------------------------------
    ("order-output-read-only", [*W, "stock", "order", "en=5", "--output-dir", "{ro}/order"],
     1, r"--output-dir", r"cannot write"),
    ("order-output-is-a-file", [*W, "stock", "order", "en=5", "--output-dir", "{file}"], 2,
     r"--output-dir", r"is a file"),
    ("order-output-through-a-file", [*W, "stock", "order", "en=5", "--output-dir",
                                     "{file}/order"], 2, r"--output-dir",
     r"is a file, not a folder"),
    ("order-language-not-configured", [*W, "stock", "order", "qu=5", "--output-dir",
                                       "{tmp}/order"], 2, r"LANG=COPIES 'qu=5'",
     r"not a language of this edition"),
    ("order-zero-copies", [*W, "stock", "order", "en=0", "--output-dir", "{tmp}/order"], 2,
     r"LANG=COPIES 'en=0'", r"from 1 to"),
    ("order-language-twice", [*W, "stock", "order", "en=5", "EN=6", "--output-dir",
                              "{tmp}/order"], 2, r"LANG=COPIES 'EN=6'", r"given twice"),
    ("order-output-dir-newline", [*W, "stock", "order", "en=5", "--output-dir",
                                  "{tmp}/order\n"], 2, r"--output-dir", r"U\+000A"),
]


def _environment(tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
    env["XDG_DATA_HOME"] = str(tmp / "xdg-data")
    return env


@pytest.mark.parametrize("case, args, code, where, message", CASES,
                         ids=[case[0] for case in CASES])
def test_hostile_input_is_refused_in_one_line_and_nothing_is_written(
        tmp_path, hostile_ws, log_file, case, args, code, where, message):
    files = _databases(tmp_path, log_file)
    desk = tmp_path / "desk"
    desk.mkdir()
    values = {name: str(path) for name, path in files.items()}
    values.update(ws=str(hostile_ws), ro=str(_read_only_folder(tmp_path)), tmp=str(tmp_path))
    argv = [arg.format(**values) if "{" in arg else arg for arg in args]
    watched = (tmp_path, hostile_ws / "output")
    before = snapshot(*watched)
    outcome = run_cli(*argv, cwd=desk, env=_environment(tmp_path))
    after = snapshot(*watched)
    assert_refused(outcome, code, where, before=before, after=after, message=message)


def test_the_table_is_long_enough_and_covers_every_command():
    assert len(CASES) >= 30
    commands = {" ".join(a for a in args if a in ("report", "receive", "transfer", "status",
                                                   "order")) for _, args, *_ in CASES}
    assert commands == {"report", "receive", "transfer", "status", "order"}


# --- PostgreSQL: an empty database is no log, and stays empty -------------------------------

PG_CASES = [
    ("report-empty-database", ["report", "--db", "{url}"], 1,
     r"no hand-over log at postgresql"),
    ("status-empty-database", [*W, "stock", "status", "--db", "{url}"], 1,
     r"no hand-over log at postgresql"),
    ("receive-bad-quantity", [*W, "stock", "receive", "--unit", "COORD", "fr=abc", "--db",
                              "{url}"], 2, r"'fr=abc' is not LANG=COPIES"),
    ("receive-unit-rtl-override", [*W, "stock", "receive", "--unit", "PZ\u202e1", "fr=5",
                                   "--db", "{url}"], 2, r"--unit"),
]


@pytest.mark.parametrize("case, args, code, where", PG_CASES, ids=[c[0] for c in PG_CASES])
def test_an_empty_postgresql_database_is_no_log_and_stays_empty(
        tmp_path, hostile_ws, postgres_admin, case, args, code, where):
    import sqlalchemy as sa

    name, url = _fresh_postgres_database(postgres_admin)
    try:
        desk = tmp_path / "desk"
        desk.mkdir()
        argv = [arg.format(url=url, ws=str(hostile_ws)) if "{" in arg else arg for arg in args]
        before = snapshot(tmp_path, hostile_ws / "output")
        outcome = run_cli(*argv, cwd=desk, env=_environment(tmp_path))
        after = snapshot(tmp_path, hostile_ws / "output")
        assert_refused(outcome, code, where, before=before, after=after)
        assert "leaflet_t_" in outcome.stderr or code == 2
        engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                assert sa.inspect(conn).get_table_names() == []
        finally:
            engine.dispose()
    finally:
        _drop_postgres_database(postgres_admin, name)
