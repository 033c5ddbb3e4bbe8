"""The two readers of the log make the same report: the standard-library one
(leaflet.report.fast_reader, a SQLite log at the current schema version, no --by) and the
SQLAlchemy one (leaflet.report.query, everything), over the same logs, every period and scope,
cut short or not, on one thread or two."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, isolated_desk

from . import encounters as fx

PERIODS = [(None, None), fx.OCTOBER, fx.NOVEMBER, ("2025-10-15", None), (None, "2025-10-20"),
           ("2021-01-01", "2023-01-01"), ("2030-01-01", "2030-02-01")]
SCOPES = [{}, {"unit": "PZ-5339"}, {"service": "police"}, {"service": "social-inspection"},
          {"service": "police", "unit": "PZ-5340"}, {"unit": "SIS-BXL"}, {"unit": "NOWHERE"}]


def _both(path: Path, start, end, *, max_violations=None, **scope):
    """(standard-library report, SQLAlchemy report) of the log at `path`."""
    from leaflet import periods
    from leaflet.report import query, service, fast_reader
    from leaflet.report.service import snapshot

    span = periods.period(periods.parse_day(start, "--from"), periods.parse_day(end, "--to"),
                         fx.TZ)
    fast = fast_reader.build(path, span, max_violations=max_violations, **scope)
    store = service.open_log(str(path))
    with snapshot(store) as conn:
        slow = query.build(conn, span, max_violations=max_violations,
                           other=lambda: snapshot(store), **scope)
    assert fast is not None, "the standard-library reader declined a current SQLite log"
    return fast, slow


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    """Three SQLite logs at the current version: the hand-made one, the version-2 fixture
    upgraded, and a synthetic one of the benchmark's mix."""
    from leaflet.storage.engine import dispose_engines

    folder = tmp_path_factory.mktemp("fast")
    with pytest.MonkeyPatch.context() as mp:
        isolated_desk(mp, folder)  # as every report test: no workspace, no setting leaks in
        yield _make_logs(folder, dispose_engines)
    dispose_engines()


def _make_logs(folder: Path, dispose_engines) -> dict:
    hand = folder / "hand.sqlite3"
    fx.write_log(f"sqlite:///{hand}", folder)
    upgraded = folder / "v2.sqlite3"
    shutil.copy(ROOT / "tests" / "fixtures" / "log-v2.sqlite3", upgraded)
    assert fx.run(["db", "upgrade"], f"sqlite:///{upgraded}").exit_code == 0
    mixed = folder / "mix.sqlite3"
    fx.build_synthetic_log(mixed, 3000, seed=11)
    dispose_engines()
    return {"hand": hand, "v2": upgraded, "mix": mixed}


@pytest.mark.parametrize("name", ["hand", "v2", "mix"])
def test_both_readers_give_the_same_report_for_every_period_and_scope(logs, name):
    seen_failures = 0
    for start, end in PERIODS:
        for scope in SCOPES:
            fast, slow = _both(logs[name], start, end, **scope)
            assert fast == slow, (name, start, end, scope)
            seen_failures += fast.violations_total
    assert seen_failures > 0  # the logs do have duties to follow up


def test_both_readers_cut_the_follow_up_list_alike(logs):
    for limit in (0, 1, 7, 10_000):
        fast, slow = _both(logs["mix"], None, None, max_violations=limit)
        assert fast == slow
        assert len(fast.violations) == min(limit, fast.violations_total)


def test_the_fast_reader_on_two_threads_and_at_another_head(logs, monkeypatch):
    from leaflet import periods
    from leaflet.report import fast_reader, tally

    span = periods.period(None, None, fx.TZ)
    serial = fast_reader.build(logs["mix"], span)
    monkeypatch.setattr(tally, "PARALLEL_FROM", 1)
    assert fast_reader.build(logs["mix"], span) == serial
    real_head, calls = fast_reader.log_head, []

    def head_seen(con):
        calls.append(con)
        head = real_head(con)
        return dict(head, records=head["records"] + 1) if len(calls) == 2 else head

    monkeypatch.setattr(fast_reader, "log_head", head_seen)
    assert fast_reader.build(logs["mix"], span) == serial
    assert len(calls) == 3  # both other snapshots were looked at; the one at another head
    #                         was not used: its share was done again on the first


def test_the_fast_reader_declines_what_it_does_not_read(tmp_path):
    from leaflet import periods
    from leaflet.report import fast_reader

    span = periods.period(None, None, fx.TZ)
    older = tmp_path / "v2.sqlite3"
    shutil.copy(ROOT / "tests" / "fixtures" / "log-v2.sqlite3", older)
    assert fast_reader.build(older, span) is None  # schema version 2: read live by query
    other = tmp_path / "other.sqlite3"
    import sqlite3

    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    assert fast_reader.build(other, span) is None
    assert fx.run(["report"], f"sqlite:///{other}").exit_code == 1  # NoLog, as ever


def test_the_report_command_imports_no_sqlalchemy_for_a_current_sqlite_log(logs):
    import subprocess
    import sys

    code = ("import sys; from leaflet.cli import cli; sys.argv = ['leaflet', 'report', "
            f"'--db', {str(logs['hand'])!r}, '--format', 'json']\n"
            "try:\n    cli()\nexcept SystemExit as done:\n    assert done.code in (0, None)\n"
            "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy was imported'\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert '"encounters"' in done.stdout


def test_the_rules_version_is_the_same_in_both_readers():
    from leaflet.report import fast_reader
    from leaflet.storage import tables

    assert fast_reader.FOLLOW_UP_CONDITION == tables.FOLLOW_UP_CONDITION
    assert dt.datetime(2026, 1, 2, 3, 4, 5).strftime(
        fast_reader.layout.SQLITE_DATETIME_FORMAT) == "2026-01-02 03:04:05.000000"


def test_the_json_text_made_by_the_reader_is_the_renderers(logs):
    from leaflet.report import formats, service

    for limit in (None, 5):
        fast = service.make_report(str(logs["mix"]), max_violations=limit, for_format="json")
        assert fast.violations_json is not None  # made on the reader's thread
        plain = service.make_report(str(logs["mix"]), max_violations=limit)
        assert plain.violations_json is None
        assert formats.to_json(fast) == formats.to_json(plain)
        assert len(fast.violations_json) == len(fast.violations)
