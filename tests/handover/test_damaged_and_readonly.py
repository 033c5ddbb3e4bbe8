"""A damaged log is never written to; an intact write-protected copy verifies and reports.

A log with one zeroed page was still written to by `handover`, `log import`, `stock
receive` and `serve user add`, although `log verify` called it damaged; an intact log on
a read-only medium was called damaged by `report` and `stock status`, and `log verify`
could not open it. Every writer now checks the whole file first (SQLite's quick_check) and
leaves a mark on a damaged one, which keeps every writer out until `log verify` passes on
a restored file; readers open a file they cannot write read-only (immutable).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from conftest import ROOT
from hostile.harness import assert_refused, run_cli

from .conftest import GOOD, options, record, subprocess_env

PAGE = 4096


def make_log(folder, records: int = 300):
    """A SQLite log of `records` hand-overs and a stock receipt, checkpointed (no WAL)."""
    path = folder / "log.sqlite3"
    env = subprocess_env()
    lines = "".join(json.dumps(record(case_ref=f"PV/{i:04d}")) + "\n" for i in range(records))
    source = folder / "records.jsonl"
    source.write_text(lines, encoding="utf-8")
    for args in (["log", "import", str(source)],
                 ["stock", "receive", "--unit", "PZ-5339", "--edition", "2026-12", "ti=40"]):
        done = run_cli(*args, "--db", str(path), env=env, cwd=folder)
        assert done.code == 0, done.stderr
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def zero_a_page(path) -> int:
    """Zero one page in the middle of the file (not the first, not the last ones)."""
    size = path.stat().st_size
    pages = size // PAGE
    page = pages // 2
    with path.open("r+b") as fh:
        fh.seek(page * PAGE)
        fh.write(b"\0" * PAGE)
    return page


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def damaged(tmp_path):
    path = make_log(tmp_path)
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(path, backup)
    zero_a_page(path)
    return path, backup


def writers(tmp_path, path):
    """Every command that writes to a log, each as a user would run it."""
    other = tmp_path / "laptop.sqlite3"
    done = run_cli("handover", *options(GOOD), "--db", str(other), env=subprocess_env())
    assert done.code == 0, done.stderr
    source = tmp_path / "more.jsonl"
    source.write_text(json.dumps(record()) + "\n", encoding="utf-8")
    db = ["--db", str(path)]
    return {
        "handover": ["handover", *options(GOOD), *db],
        "handover-sqlalchemy": ["handover", *options(GOOD), "--db", f"sqlite:///{path}"],
        "log-import": ["log", "import", str(source), *db],
        "stock-receive": ["stock", "receive", "--unit", "PZ-5339", "--edition", "2026-12",
                          "ti=10", *db],
        "stock-transfer": ["stock", "transfer", "--from", "PZ-5339", "--to", "PZ-5340",
                           "--edition", "2026-12", "ti=5", *db],
        "serve-user-add": ["serve", "user", "add", "A9999", "--unit", "PZ-5339",
                           "--password", "long enough password", *db],
        "log-sync": ["log", "sync", "--from", str(other), "--to", str(path)],
        "db-upgrade": ["db", "upgrade", *db],
    }


def test_no_writer_writes_to_a_damaged_log(damaged, tmp_path):
    path, _ = damaged
    before = digest(path)
    for name, args in writers(tmp_path, path).items():
        outcome = run_cli(*args, env=subprocess_env())
        if name == "db-upgrade" and outcome.code == 0:
            pytest.fail(f"db upgrade accepted a damaged log: {outcome.stdout}")
        assert_refused(outcome, 1, r"log\.sqlite3", message=r"damaged")
        assert "restore" in outcome.stderr and "log verify" in outcome.stderr, outcome.stderr
        assert digest(path) == before, name
        assert not path.with_name(path.name + "-wal").exists() or \
            path.with_name(path.name + "-wal").stat().st_size == 0, name
    assert path.with_name("log.sqlite3.damaged").exists()


def test_verify_says_damaged_and_the_mark_holds_until_a_restored_log_verifies(damaged):
    path, backup = damaged
    env = subprocess_env()
    verify = run_cli("log", "verify", "--db", str(path), env=env)
    assert_refused(verify, 1, r"log\.sqlite3", message="damaged")
    mark = path.with_name("log.sqlite3.damaged")
    assert mark.exists() and "found" in json.loads(mark.read_text())
    shutil.copy(backup, path)  # the operator restores the last backup
    # The file is whole again, but nobody has verified it: still refused.
    refused = run_cli("handover", *options(GOOD), "--db", str(path), env=env)
    assert_refused(refused, 1, r"log\.sqlite3", message="found damaged")
    verified = run_cli("log", "verify", "--db", str(path), env=env)
    assert verified.code == 0, verified.stderr
    assert "lifted" in verified.stdout + verified.stderr
    assert not mark.exists()
    again = run_cli("handover", *options(GOOD), "--db", str(path), env=env)
    assert again.code == 0, again.stderr


def test_the_station_refuses_a_damaged_log_with_a_page_not_a_traceback(damaged, tmp_path,
                                                                      monkeypatch):
    from leaflet.station.accounts import Accounts
    from leaflet.errors import LeafletError

    path, _ = damaged
    with pytest.raises(LeafletError, match="damaged"):
        Accounts(f"sqlite:///{path}", create=True).add("A9999", "PZ-5339",
                                                         "long enough password")


# --- a write-protected copy ------------------------------------------------------------------

READERS = [["log", "verify"], ["log", "list"], ["report"], ["report", "--format", "json"],
           ["--workspace", str(ROOT), "stock", "status", "--format", "json"],
           ["log", "events"]]


def read_only(folder, args):
    """`leaflet ARGS` with `folder` mounted read-only (root: a private read-only bind mount;
    others: the folder's and files' write permissions taken away)."""
    env = subprocess_env()
    command = [sys.executable, "-m", "leaflet", *args]
    if os.geteuid() == 0:
        script = ('mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && '
                  'exec "$@"')
        done = subprocess.run(["unshare", "-m", "sh", "-c", script, str(folder), *command],
                              capture_output=True, text=True, env=env,
                              stdin=subprocess.DEVNULL)
    else:
        for item in [folder, *folder.iterdir()]:
            item.chmod(0o555 if item.is_dir() else 0o444)
        try:
            done = subprocess.run(command, capture_output=True, text=True, env=env,
                                  stdin=subprocess.DEVNULL)
        finally:
            for item in [folder, *folder.iterdir()]:
                item.chmod(0o755 if item.is_dir() else 0o644)
    return done


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    return make_log(tmp_path_factory.mktemp("live"), records=40)


def copy_of(live, folder, how: str):
    """The auditor's copy: the file itself (checkpointed, in WAL mode as the live log), or
    SQLite's online backup (also WAL mode), or VACUUM INTO (a rollback-journal file)."""
    copy = folder / "log.sqlite3"
    if how == "file":
        shutil.copy(live, copy)
    else:
        con = sqlite3.connect(live)
        if how == "backup":
            target = sqlite3.connect(copy)
            con.backup(target)
            target.close()
        else:
            con.execute(f"VACUUM INTO '{copy}'")
        con.close()
    return copy


@pytest.mark.parametrize("how", ["file", "backup", "vacuum"])
@pytest.mark.parametrize("args", READERS, ids=[" ".join(a[-4:]) for a in READERS])
def test_a_read_only_copy_verifies_and_reports_as_the_live_log(live, tmp_path, args, how):
    evidence = tmp_path / "evidence"
    evidence.mkdir()
    copy = copy_of(live, evidence, how)
    before = {p.name: digest(p) for p in evidence.iterdir()}
    expected = run_cli(*args, "--db", str(live), env=subprocess_env())
    assert expected.code == 0, expected.stderr
    done = read_only(evidence, [*args, "--db", str(copy)])
    assert done.returncode == 0, done.stderr
    assert "damaged" not in done.stderr and "Traceback" not in done.stderr
    assert done.stdout.replace(str(copy), "LOG") == expected.stdout.replace(str(live), "LOG")
    assert {p.name: digest(p) for p in evidence.iterdir()} == before
