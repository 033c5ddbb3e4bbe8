"""Eight desks record at the same moment into one database: nothing is lost, nothing is
duplicated, and the chain has no fork."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from .conftest import PYTHON, subprocess_env

WORKER = Path(__file__).with_name("desk_worker.py")
DESKS, RECORDS = 8, 500

pytestmark = pytest.mark.slow


def test_eight_processes_times_500_records_make_exactly_4000(log, tmp_path, backend):
    started = time.monotonic()
    desks = [subprocess.Popen([PYTHON, str(WORKER), log.url, str(RECORDS), f"DESK-{n}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path, env=subprocess_env())
             for n in range(DESKS)]
    outputs = [desk.communicate(timeout=900) for desk in desks]
    elapsed = time.monotonic() - started
    for desk, (_out, err) in zip(desks, outputs):
        assert desk.returncode == 0, err
    ids = [line for out, _err in outputs for line in out.split()]
    assert len(ids) == DESKS * RECORDS == len(set(ids))

    assert log.count() == DESKS * RECORDS
    assert set(log.ids()) == set(ids)
    per_desk = log.sql("SELECT unit, count(*) FROM encounter GROUP BY unit ORDER BY unit")
    assert per_desk == [(f"DESK-{n}", RECORDS) for n in range(DESKS)]
    assert log.sql("SELECT min(seq), max(seq), count(DISTINCT prev_hash) FROM encounter"
                   )[0] == (1, DESKS * RECORDS, DESKS * RECORDS)
    verified = log.run("log", "verify")
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith(f"ok: {DESKS * RECORDS} records")
    print(f"\n{backend}: {DESKS}×{RECORDS} hand-overs in {elapsed:.1f} s")
