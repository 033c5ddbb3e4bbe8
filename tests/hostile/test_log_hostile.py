"""Hostile input to the log's commands: each case is refused in one line, never a traceback.

Every case runs the real command line in a process of its own (tests/hostile/harness.py) at a
desk of its own — a private XDG_DATA_HOME (so the default log is the case's own), the current
folder in tmp_path, no LEAFLET_* variables — and asserts with `assert_refused`: the exit code
(1 a file or database that cannot be used, 2 a bad option value or a bad line in a file), one
`Error…` line naming the option or the file (and line), what it says, no traceback, and that
nothing under tmp_path was created, changed or removed: not the log, not its folder, not the
export target, not the default data folder.

The table runs on SQLite; the PostgreSQL cases at the end run on an empty database.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from .harness import assert_refused, run_cli, snapshot

NOW_ISH = "2026-11-02T14:30:00+01:00"
GOOD = ["--service", "police", "--unit", "PZ-5339", "--officer", "A1234",
        "--assessment", "uncertain", "--residence-status", "unknown",
        "--person-language", "ti", "--leaflet", "given", "--leaflet-language", "ti",
        "--centre-action", "none", "--occurred-at", NOW_ISH]
LONG = "x" * 10_000


def handover(*changes: str) -> list[str]:
    """`handover` with GOOD's options, `changes` (option, value, …) replacing or adding."""
    args = list(GOOD)
    pairs = list(zip(changes[::2], changes[1::2]))
    for option, value in pairs:
        if option in args and option != "--person-language":
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    return ["handover", *args]


def refused_with_note(note: str) -> list[str]:
    args = handover("--leaflet", "refused")
    at = args.index("--leaflet-language")
    del args[at:at + 2]
    return [*args, "--note", note]


def nn(number: str, digits: str) -> str:
    return number.translate(str.maketrans("0123456789", digits))


class Desk:
    """The case's folders and the files it may be given; each made on first use."""

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.desk = tmp / "desk"
        self.xdg = tmp / "xdg"
        self.desk.mkdir()
        self.db_dir = tmp / "db"
        self.db_dir.mkdir()

    @property
    def log(self) -> str:
        """A SQLite log holding two records, closed and checkpointed (no -wal, no -shm)."""
        path = self.db_dir / "log.sqlite3"
        if not path.exists():
            from leaflet.handover import service
            from leaflet.storage.engine import dispose_engines

            values = {"service": "police", "unit": "PZ-5339", "officer": "A1234",
                      "assessment": "uncertain", "residence_status": "unknown",
                      "person_languages": ["ti"], "leaflet": "given",
                      "leaflet_language": "ti", "centre_action": "none",
                      "occurred_at": NOW_ISH}
            self.record_id = service.record(str(path), values)
            service.record(str(path), values)
            dispose_engines()
            with sqlite3.connect(path) as con:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                con.execute("PRAGMA journal_mode = DELETE")
            for tail in ("-wal", "-shm"):
                Path(f"{path}{tail}").unlink(missing_ok=True)
        return str(path)

    @property
    def damaged(self) -> str:
        path = self.db_dir / "notes.sqlite3"
        if not path.exists():
            path.write_text("these are my notes, not a database\n", encoding="utf-8")
        return str(path)

    @property
    def truncated(self) -> str:
        log = Path(self.log)
        path = self.db_dir / "cut.sqlite3"
        if not path.exists():
            data = log.read_bytes()
            path.write_bytes(data[:len(data) // 2])
        return str(path)

    @property
    def foreign(self) -> str:
        path = self.db_dir / "accounts.sqlite3"
        if not path.exists():
            with sqlite3.connect(path) as con:
                con.execute("CREATE TABLE invoice (number INTEGER, amount REAL)")
        return str(path)

    @property
    def empty(self) -> str:
        path = self.db_dir / "empty.sqlite3"
        path.touch()
        return str(path)

    @property
    def a_file(self) -> str:
        path = self.db_dir / "readme.txt"
        if not path.exists():
            path.write_text("a file, not a folder\n", encoding="utf-8")
        return str(path)

    def workspace(self) -> Path:
        """A workspace (edition 2027-03; en, ti, fr configured; en and ti built)."""
        from handover.conftest import make_workspace

        return make_workspace(self.tmp / "ws", languages=("en", "ti", "fr"),
                              built={"2027-03": ["en", "ti"]})

    def file(self, name: str, content: str | bytes) -> str:
        path = self.tmp / "in" / name
        path.parent.mkdir(exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)


def record_line(**changes) -> str:
    data = {"id": str(uuid.uuid4()), "occurred_at": NOW_ISH, "service": "police",
            "unit": "PZ-5339", "officer": "A1234", "assessment": "uncertain",
            "residence_status": "unknown", "person_languages": ["ti"], "leaflet": "given",
            "leaflet_language": "ti", "leaflet_edition": "2026-12", "not_given_reason": None,
            "not_given_note": None, "centre_action": "none", "centre": None,
            "foreigners_dept_informed": None, "amends": None, "case_ref": None}
    data.update(changes)
    return json.dumps(data, ensure_ascii=False)


REFUSED_LINE = dict(leaflet="refused", leaflet_language=None, leaflet_edition=None)


@dataclass
class Case:
    name: str
    args: Callable[[Desk], list[str]]
    code: int
    where: Callable[[Desk], str] | str
    message: str
    stdin: Callable[[Desk], str] | None = None
    workspace: bool = False
    extra: dict = field(default_factory=dict)


def at(path_of: Callable[[Desk], str]) -> Callable[[Desk], str]:
    """`where`: the file a case names, as a regular expression."""
    return lambda d: re.escape(str(Path(path_of(d))))


def opt(name: str) -> str:
    return re.escape(name)


CASES = [
    # --- handover: identifiers and free text -----------------------------------------------
    Case("unit with a trailing newline", lambda d: handover("--unit", "PZ-5339\n", "--db", d.log),
         2, opt("--unit"), r"ends with a line break \(U\+000A LINE FEED\)"),
    Case("unit with a leading space", lambda d: handover("--unit", " PZ-5339", "--db", d.log),
         2, opt("--unit"), "starts or ends with a space"),
    Case("unit with a right-to-left override",
         lambda d: handover("--unit", "PZ-\u202e9335", "--db", d.log),
         2, opt("--unit"), r"U\+202E RIGHT-TO-LEFT OVERRIDE"),
    Case("officer with a line separator",
         lambda d: handover("--officer", "A1234\u2028", "--db", d.log),
         2, opt("--officer"), r"U\+2028 LINE SEPARATOR"),
    Case("officer with U+0085", lambda d: handover("--officer", "A1\x85234", "--db", d.log),
         2, opt("--officer"), r"U\+0085"),
    Case("officer with a zero-width space",
         lambda d: handover("--officer", "A12\u200b34", "--db", d.log),
         2, opt("--officer"), r"U\+200B ZERO WIDTH SPACE"),
    Case("unit of 10,000 characters", lambda d: handover("--unit", LONG, "--db", d.log),
         2, opt("--unit"), "is not a code"),
    Case("edition with a trailing newline",
         lambda d: handover("--edition", "2026-12\n", "--db", d.log),
         2, opt("--edition"), "line break"),
    Case("case_ref with a tab", lambda d: handover("--case-ref", "PV/1\t", "--db", d.log),
         2, opt("--case-ref"), r"U\+0009"),
    Case("case_ref with a byte-order mark",
         lambda d: handover("--case-ref", "\ufeffPV/1", "--db", d.log),
         2, opt("--case-ref"), r"U\+FEFF"),
    Case("note with a line separator",
         lambda d: [*refused_with_note("later\u2028today"), "--db", d.log],
         2, opt("--note"), r"U\+2028"),
    Case("note with a carriage return",
         lambda d: [*refused_with_note("later\rtoday"), "--db", d.log],
         2, opt("--note"), r"U\+000D CARRIAGE RETURN"),
    Case("note with a direction override",
         lambda d: [*refused_with_note("days: \u202e54\u202c"), "--db", d.log],
         2, opt("--note"), r"U\+202E"),
    Case("note of 10,000 characters", lambda d: [*refused_with_note(LONG), "--db", d.log],
         2, opt("--note"), "10,000 characters long"),
    Case("national number with a slash and spaces",
         lambda d: handover("--case-ref", "85 07 30 / 033 28", "--db", d.log),
         2, opt("--case-ref"), "national register number"),
    Case("national number in full-width digits",
         lambda d: [*refused_with_note(nn("85.07.30-033.28", "０１２３４５６７８９")),
                    "--db", d.log], 2, opt("--note"), "national register number"),
    Case("national number in Arabic-Indic digits",
         lambda d: [*refused_with_note("NN " + nn("85073003328", "٠١٢٣٤٥٦٧٨٩")),
                    "--db", d.log], 2, opt("--note"), "national register number"),
    Case("national number of 2001 in Persian digits",
         lambda d: handover("--case-ref", nn("01020312345", "۰۱۲۳۴۵۶۷۸۹"), "--db", d.log),
         2, opt("--case-ref"), "national register number"),
    Case("national number as the officer",
         lambda d: handover("--officer", "85073003328", "--db", d.log),
         2, opt("--officer"), "national register number"),
    Case("occurred-at in year 1",
         lambda d: handover("--occurred-at", "0001-01-01T00:00:00+01:00", "--db", d.log),
         2, opt("--occurred-at"), "out of range"),
    Case("occurred-at in year 9999",
         lambda d: handover("--occurred-at", "9999-12-31T23:59:59-12:00", "--db", d.log),
         2, opt("--occurred-at"), "out of range"),
    Case("occurred-at of 10,000 characters",
         lambda d: handover("--occurred-at", LONG, "--db", d.log),
         2, opt("--occurred-at"), "not an ISO 8601 date"),
    Case("person-language of 10,000 characters",
         lambda d: handover("--person-language", LONG, "--db", d.log),
         2, opt("--person-language"), "10,000 characters long"),
    Case("person-language with a direction override",
         lambda d: handover("--person-language", "ti\u202e", "--db", d.log),
         2, opt("--person-language"), r"U\+202E"),
    Case("db path with a line break",
         lambda d: handover("--db", str(d.db_dir / "log\n.sqlite3")),
         2, opt("--db"), "invisible character"),
    Case("amends an unknown record",
         lambda d: handover("--amends", str(uuid.uuid4()), "--db", d.log),
         2, opt("--amends"), "no record"),
    # --- handover: the database ------------------------------------------------------------
    Case("handover into a file that is not SQLite", lambda d: handover("--db", d.damaged),
         1, at(lambda d: d.damaged), "not a SQLite database"),
    Case("handover into a truncated log", lambda d: handover("--db", d.truncated),
         1, at(lambda d: d.truncated), "damaged.*truncated"),
    Case("handover into another application's database",
         lambda d: handover("--db", d.foreign),
         1, at(lambda d: d.foreign), r"holds other tables \(invoice\), not a hand-over log"),
    Case("handover under a file", lambda d: handover("--db", d.a_file + "/log.sqlite3"),
         1, at(lambda d: d.a_file), "is a file, not a folder"),
    Case("handover into an unwritable folder",
         lambda d: handover("--db", "/proc/leaflet-test/log.sqlite3"),
         1, opt("/proc/leaflet-test"), "cannot create the log's folder"),
    Case("handover into a folder", lambda d: handover("--db", str(d.db_dir)),
         1, at(lambda d: d.db_dir), "is a folder, not a log database"),
    # --- handover: what the workspace built ------------------------------------------------
    Case("a language configured but not built",
         lambda d: handover("--leaflet-language", "fr", "--db", d.log), 2,
         opt("--leaflet-language"), r"leaflet build --lang fr", workspace=True),
    Case("a language the workspace does not have",
         lambda d: handover("--person-language", "ar", "--leaflet-language", "ar",
                            "--db", d.log), 2,
         opt("--leaflet-language"), "not a language of this workspace", workspace=True),
    Case("an edition never built", lambda d: handover("--edition", "2019-01", "--db", d.log),
         2, opt("--edition"), "never built in this workspace", workspace=True),
    # --- log verify ------------------------------------------------------------------------
    Case("verify a mistyped path",
         lambda d: ["log", "verify", "--db", str(d.tmp / "typo" / "log.sqlite3")],
         1, at(lambda d: d.tmp / "typo" / "log.sqlite3"), "no hand-over log at"),
    Case("verify before the first hand-over", lambda d: ["log", "verify"],
         1, at(lambda d: d.xdg / "leaflet" / "handover.sqlite3"), "no hand-over log at"),
    Case("verify a file that is not SQLite", lambda d: ["log", "verify", "--db", d.damaged],
         1, at(lambda d: d.damaged), "not a SQLite database"),
    Case("verify a truncated log", lambda d: ["log", "verify", "--db", d.truncated],
         1, at(lambda d: d.truncated), "damaged"),
    Case("verify another application's database",
         lambda d: ["log", "verify", "--db", d.foreign],
         1, at(lambda d: d.foreign), "no hand-over log in .* other tables"),
    Case("verify an empty file", lambda d: ["log", "verify", "--db", d.empty],
         1, at(lambda d: d.empty), "the file is empty"),
    Case("verify with a head that is not a hash",
         lambda d: ["log", "verify", "--db", d.log, "--expect-head", "yesterday"],
         2, opt("--expect-head"), "is not a head hash"),
    Case("verify with a 10,000-character head",
         lambda d: ["log", "verify", "--db", d.log, "--expect-head", LONG],
         2, opt("--expect-head"), "is not a head hash"),
    # --- log list --------------------------------------------------------------------------
    Case("list from year 1", lambda d: ["log", "list", "--db", d.log, "--from", "0001-01-01"],
         2, opt("--from"), "outside 1900-01-01 to 2999-12-31"),
    Case("list to year 9999", lambda d: ["log", "list", "--db", d.log, "--to", "9999-12-31"],
         2, opt("--to"), "outside 1900-01-01 to 2999-12-31"),
    Case("list from after to", lambda d: ["log", "list", "--db", d.log,
                                          "--from", "2026-12-02", "--to", "2026-12-01"],
         2, r"--from .*--to ", "is not before"),
    Case("list from 10,000 characters",
         lambda d: ["log", "list", "--db", d.log, "--from", LONG], 2, opt("--from"),
         "not a date"),
    Case("list from an ISO week date",
         lambda d: ["log", "list", "--db", d.log, "--from", "2026-W49-1"], 2, opt("--from"),
         "not a date"),
    Case("list a unit with a newline",
         lambda d: ["log", "list", "--db", d.log, "--unit", "PZ-5339\n"], 2, opt("--unit"),
         "line break"),
    Case("list a mistyped path",
         lambda d: ["log", "list", "--db", str(d.db_dir / "lgo.sqlite3")],
         1, at(lambda d: d.db_dir / "lgo.sqlite3"), "no hand-over log at"),
    Case("list a file that is not SQLite", lambda d: ["log", "list", "--db", d.damaged],
         1, at(lambda d: d.damaged), "not a SQLite database"),
    # --- log show --------------------------------------------------------------------------
    Case("show on a mistyped path",
         lambda d: ["log", "show", "3f2c9a1e", "--db", str(d.db_dir / "nope.sqlite3")],
         1, at(lambda d: d.db_dir / "nope.sqlite3"), "no hand-over log at"),
    Case("show a 10,000-character id", lambda d: ["log", "show", LONG, "--db", d.log],
         1, "xxxx…", "is not a record id"),
    Case("show an unknown id", lambda d: ["log", "show", str(uuid.uuid4()), "--db", d.log],
         1, "no record", r"leaflet log list"),
    Case("show in a truncated log",
         lambda d: ["log", "show", "3f2c9a1e", "--db", d.truncated],
         1, at(lambda d: d.truncated), "damaged"),
    # --- log export ------------------------------------------------------------------------
    Case("export under a file",
         lambda d: ["log", "export", "--db", d.log, "-o", d.a_file + "/out.jsonl"],
         2, opt("-o/--output"), "is a file, not a folder"),
    Case("export onto a folder", lambda d: ["log", "export", "--db", d.log, "-o", str(d.tmp)],
         2, opt("-o/--output"), "is a folder"),
    Case("export into an unwritable folder",
         lambda d: ["log", "export", "--db", d.log, "-o", "/proc/leaflet-export.jsonl"],
         2, opt("-o/--output"), "cannot write in /proc"),
    Case("export onto an unwritable file",
         lambda d: ["log", "export", "--db", d.log, "-o", "/proc/version"],
         2, opt("-o/--output"), "cannot write|read-only"),
    Case("export onto the log itself",
         lambda d: ["log", "export", "--db", d.log, "-o", d.log],
         2, opt("-o/--output"), "is the log's own database"),
    Case("export a mistyped path",
         lambda d: ["log", "export", "--db", str(d.db_dir / "typo.sqlite3"), "-o",
                    str(d.tmp / "out.jsonl")],
         1, at(lambda d: d.db_dir / "typo.sqlite3"), "no hand-over log at"),
    Case("export from year 1",
         lambda d: ["log", "export", "--db", d.log, "--from", "0001-01-01"],
         2, opt("--from"), "outside"),
    Case("export csv to year 9999",
         lambda d: ["log", "export", "--db", d.log, "--format", "csv", "--to", "9999-12-31"],
         2, opt("--to"), "outside"),
    Case("export another application's database",
         lambda d: ["log", "export", "--db", d.foreign, "--format", "csv"],
         1, at(lambda d: d.foreign), "other tables"),
    Case("export to a name with a newline",
         lambda d: ["log", "export", "--db", d.log, "-o", str(d.tmp / "out\n.jsonl")],
         2, opt("-o/--output"), "invisible character"),
    # --- log import ------------------------------------------------------------------------
    Case("import a note with a line separator",
         lambda d: ["log", "import", d.file("s.jsonl", record_line(
             **REFUSED_LINE, not_given_note="later\u2028today") + "\n"), "--db", d.log],
         2, at(lambda d: str(d.tmp / "in" / "s.jsonl") + ":1: field 'not_given_note'"),
         r"U\+2028"),
    Case("import a unit with a newline",
         lambda d: ["log", "import", d.file("s.jsonl", record_line(unit="PZ-5339\n") + "\n"),
                    "--db", d.log],
         2, at(lambda d: str(d.tmp / "in" / "s.jsonl") + ":1: field 'unit'"), "line break"),
    Case("import a repeated field",
         lambda d: ["log", "import", d.file("s.jsonl", record_line()[:-1]
                                            + ', "unit": "X"}\n'), "--db", d.log],
         2, at(lambda d: str(d.tmp / "in" / "s.jsonl") + ":1:"), "appears twice"),
    Case("import nesting 100,000 deep",
         lambda d: ["log", "import", d.file("s.jsonl", "[" * 100_000 + "\n"), "--db", d.log],
         2, at(lambda d: str(d.tmp / "in" / "s.jsonl") + ":1:"), "nested too deeply"),
    Case("import bytes that are not UTF-8",
         lambda d: ["log", "import", d.file("s.jsonl", record_line().encode() + b"\n\xff\n"),
                    "--db", d.log],
         2, at(lambda d: str(d.tmp / "in" / "s.jsonl") + ":2:"), "not UTF-8"),
    Case("import NaN",
         lambda d: ["log", "import", d.file("s.jsonl", '{"id": NaN}\n'), "--db", d.log],
         2, at(lambda d: str(d.tmp / "in" / "s.jsonl") + ":1:"), "NaN is not a JSON value"),
    Case("import a NUL byte",
         lambda d: ["log", "import", d.file("s.jsonl", record_line() + "\n\x00\n"),
                    "--db", d.log],
         2, at(lambda d: str(d.tmp / "in" / "s.jsonl") + ":2:"), "NUL byte"),
    Case("import a CSV of something else",
         lambda d: ["log", "import", d.file("s.csv", "name,address\nJan,Main St 1\n"),
                    "--db", d.log],
         2, at(lambda d: str(d.tmp / "in" / "s.csv") + ":1:"), "header is not the log's"),
    Case("import a bad line from stdin", lambda d: ["log", "import", "-", "--db", d.log],
         2, r"^Error: -:2: field 'officer'", r"U\+202E",
         stdin=lambda d: record_line() + "\n" + record_line(officer="A1\u202e") + "\n"),
    Case("import a missing file",
         lambda d: ["log", "import", str(d.tmp / "nope.jsonl"), "--db", d.log],
         2, at(lambda d: d.tmp / "nope.jsonl"), "file not found"),
    Case("import a correction of nothing into a new log",
         lambda d: ["log", "import", d.file("s.jsonl", record_line(amends=str(uuid.uuid4()))
                                            + "\n"),
                    "--db", str(d.db_dir / "new" / "central.sqlite3")],
         2, at(lambda d: str(d.tmp / "in" / "s.jsonl") + ":1: field 'amends'"), "no record"),
    Case("import into a file that is not SQLite",
         lambda d: ["log", "import", d.file("s.jsonl", record_line() + "\n"),
                    "--db", d.damaged],
         1, at(lambda d: d.damaged), "not a SQLite database"),
    Case("import into another application's database",
         lambda d: ["log", "import", d.file("s.jsonl", record_line() + "\n"),
                    "--db", d.foreign],
         1, at(lambda d: d.foreign), "holds other tables"),
    Case("import into a truncated log",
         lambda d: ["log", "import", d.file("s.jsonl", record_line() + "\n"),
                    "--db", d.truncated],
         1, at(lambda d: d.truncated), "damaged"),
    # --- db upgrade ------------------------------------------------------------------------
    Case("upgrade a file that is not SQLite", lambda d: ["db", "upgrade", "--db", d.damaged],
         1, at(lambda d: d.damaged), "not a SQLite database"),
    Case("upgrade another application's database",
         lambda d: ["db", "upgrade", "--db", d.foreign],
         1, at(lambda d: d.foreign), "holds other tables"),
    Case("upgrade a truncated log", lambda d: ["db", "upgrade", "--db", d.truncated],
         1, at(lambda d: d.truncated), "damaged"),
    Case("upgrade under a file",
         lambda d: ["db", "upgrade", "--db", d.a_file + "/log.sqlite3"],
         1, at(lambda d: d.a_file), "is a file, not a folder"),
    Case("upgrade a folder", lambda d: ["db", "upgrade", "--db", str(d.db_dir)],
         1, at(lambda d: d.db_dir), "is a folder"),
]


def desk_env(desk: Desk, workspace: Path | None = None) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
    env["XDG_DATA_HOME"] = str(desk.xdg)
    if workspace is not None:
        env["LEAFLET_WORKSPACE"] = str(workspace)
    return env


def test_the_table_is_long_enough():
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_input_is_refused_in_one_line_and_writes_nothing(case, tmp_path):
    desk = Desk(tmp_path)
    workspace = desk.workspace() if case.workspace else None
    args = case.args(desk)
    where = case.where(desk) if callable(case.where) else case.where
    stdin = case.stdin(desk) if case.stdin else None
    env = desk_env(desk, workspace)
    before = snapshot(tmp_path)
    outcome = run_cli(*args, cwd=desk.desk, env=env, stdin=stdin)
    after = snapshot(tmp_path)
    assert "internal error" not in outcome.stderr, outcome.stderr
    assert_refused(outcome, case.code, where, before=before, after=after,
                   message=case.message)


# --- PostgreSQL: an empty database has no log, and readers leave it empty -------------------

READERS = [["log", "verify"], ["log", "list"], ["log", "show", "3f2c9a1e"],
           ["log", "export", "--format", "csv"]]


@pytest.fixture
def empty_postgres(postgres_admin):
    from conftest import _drop_postgres_database, _fresh_postgres_database

    name, url = _fresh_postgres_database(postgres_admin)
    try:
        yield url
    finally:
        _drop_postgres_database(postgres_admin, name)


def tables(url: str) -> list[str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return sorted(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("args", READERS, ids=[" ".join(a[:2]) for a in READERS])
def test_a_reader_on_an_empty_postgresql_database_finds_no_log(args, empty_postgres,
                                                               tmp_path):
    desk = Desk(tmp_path)
    before = snapshot(tmp_path)
    outcome = run_cli(*args, "--db", empty_postgres, cwd=desk.desk, env=desk_env(desk))
    assert_refused(outcome, 1, r"postgresql\+psycopg://", before=before,
                   after=snapshot(tmp_path), message="no hand-over log at .*the database is empty")
    assert tables(empty_postgres) == []


def test_a_writer_refuses_a_postgresql_database_with_other_tables(empty_postgres, tmp_path):
    import sqlalchemy as sa

    engine = sa.create_engine(empty_postgres, poolclass=sa.pool.NullPool)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE invoice (number integer)"))
    engine.dispose()
    desk = Desk(tmp_path)
    for args in (handover(), ["db", "upgrade"],
                 ["log", "import", desk.file("s.jsonl", record_line() + "\n")]):
        before = snapshot(tmp_path)
        outcome = run_cli(*args, "--db", empty_postgres, cwd=desk.desk, env=desk_env(desk))
        assert_refused(outcome, 1, r"postgresql\+psycopg://", before=before,
                       after=snapshot(tmp_path), message=r"holds other tables \(invoice\)")
    assert tables(empty_postgres) == ["invoice"]
