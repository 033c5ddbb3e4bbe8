"""A writer killed in the middle of an import leaves a sound log: every record it reported
committed is there, the chain verifies, and running the import again completes it."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess

from .conftest import PYTHON, record, subprocess_env

RECORDS, KILL_AFTER = 2000, 150  # a pipe holds ~1,700 ids: the writer cannot finish unseen


def test_sigkill_in_the_middle_of_an_import(log, tmp_path, backend):
    station = tmp_path / "station.jsonl"
    records = [record(unit=f"U{n % 7}") for n in range(RECORDS)]
    station.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    writer = subprocess.Popen([PYTHON, "-m", "leaflet", "log", "import", str(station),
                               "--db", log.url], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=subprocess_env(),
                              cwd=tmp_path)
    reported = []
    while len(reported) < KILL_AFTER:
        line = writer.stdout.readline()
        assert line, writer.stderr.read()
        reported.append(line.strip())
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=60)
    writer.stdout.close()
    writer.stderr.close()
    assert writer.returncode == -signal.SIGKILL

    if backend == "sqlite":
        path = log.url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    present = set(log.ids())
    assert set(reported) <= present  # everything reported committed survived
    assert KILL_AFTER <= len(present) < RECORDS  # killed mid-batch, not before or after
    verified = log.run("log", "verify")
    assert verified.exit_code == 0, verified.output

    resumed = log.run("log", "import", str(station))
    assert resumed.exit_code == 0, resumed.output
    assert f"{len(present)} already present" in resumed.stderr
    assert log.ids() == [r["id"] for r in records]
    assert log.run("log", "verify").stdout.startswith(f"ok: {RECORDS} records")
