"""Eight desks hand over Romanian leaflets from the same unit's stock at the same moment, while
boxes leave that unit: every copy is accounted for (no lost decrement), on SQLite and
PostgreSQL."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from .conftest import EDITION, PYTHON, subprocess_env

WORKER = Path(__file__).with_name("stock_worker.py")
DESKS, HANDOVERS, TRANSFER_EVERY = 8, 40, 10
RECEIVED = 1000


def test_eight_desks_take_copies_from_one_unit_without_losing_one(coordinator, tmp_path,
                                                                    backend):
    c = coordinator
    c.ok("stock", "receive", "--unit", "PZ-1", f"ro={RECEIVED}")
    started = time.monotonic()
    desks = [subprocess.Popen([PYTHON, str(WORKER), c.url, str(HANDOVERS), str(TRANSFER_EVERY),
                               EDITION],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              cwd=tmp_path, env=subprocess_env())
             for _ in range(DESKS)]
    outputs = [desk.communicate(timeout=600) for desk in desks]
    elapsed = time.monotonic() - started
    for desk, (_out, err) in zip(desks, outputs):
        assert desk.returncode == 0, err

    handed = DESKS * HANDOVERS
    sent = DESKS * (HANDOVERS // TRANSFER_EVERY)
    # The hand-overs' ids, one per line (a transfer prints "movement <id>", not an id alone).
    ids = [line for out, _ in outputs for line in out.splitlines()
           if len(line) == 36 and line.count("-") == 4]
    assert len(set(ids)) == handed
    report = c.status("--unit", "PZ-1")
    row = next(r for r in report["rows"] if r["edition"] == EDITION and r["language"] == "ro")
    assert (row["received"], row["transferred_out"], row["given"]) == (RECEIVED, sent, handed)
    assert row["on_hand"] == RECEIVED - sent - handed
    assert c.on_hand()[("PZ-2", "ro", EDITION)] == sent
    assert c.ok("log", "verify").stdout.startswith(f"ok: {handed} records")
    print(f"\n{backend}: {DESKS} desks × ({HANDOVERS} hand-overs + "
          f"{HANDOVERS // TRANSFER_EVERY} transfers) in {elapsed:.1f} s")
