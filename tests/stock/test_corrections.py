"""The ledger since schema version 2: corrections, copies on order, and its hash chain.

Every test runs on SQLite and on PostgreSQL 15 (`db_url`).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from .conftest import EDITION

AS_OF = "2026-06-01"


def _movement(result) -> str:
    return re.search(r"movement ([0-9a-f-]{36})", result.stdout).group(1)


def test_a_corrected_receipt_gives_the_corrected_figure(coordinator):
    c = coordinator
    receipt = _movement(c.ok("stock", "receive", "--unit", "COORD", "ro=500", "ti=200",
                             "--occurred-at", "2026-01-05T09:00:00+01:00"))
    sent = _movement(c.ok("stock", "transfer", "--from", "COORD", "--to", "PZ-1", "ro=100",
                          "--occurred-at", "2026-01-06T09:00:00+01:00"))
    fixed = c.ok("stock", "correct", receipt, "ro=480", "--note", "one box short")
    assert f"corrects {receipt}" in fixed.stdout
    assert c.on_hand("--as-of", AS_OF)[("COORD", "ro", EDITION)] == 380
    assert c.on_hand("--as-of", AS_OF)[("COORD", "ti", EDITION)] == 200
    # A second correction brings it to the new figure, not by the same difference again.
    c.ok("stock", "correct", receipt, "ro=490")
    assert c.on_hand("--as-of", AS_OF)[("COORD", "ro", EDITION)] == 390
    # A transfer's correction moves both sides.
    c.ok("stock", "correct", sent, "ro=90")
    held = c.on_hand("--as-of", AS_OF)
    assert held[("COORD", "ro", EDITION)] == 400 and held[("PZ-1", "ro", EDITION)] == 90
    same = c.run("stock", "correct", sent, "ro=90")
    assert same.exit_code == 2 and "nothing to correct" in same.output
    other = c.run("stock", "correct", receipt, "fr=5")
    assert other.exit_code == 2 and "moved no copies in this language" in other.output
    unknown = c.run("stock", "correct", "5b0c0f5e-1d4c-4a53-9d7f-1f4a0f0e2c11", "ro=1")
    assert unknown.exit_code == 2 and "no receipt or transfer" in unknown.output
    # Nothing was edited: the ledger only grew.
    engine = sa.create_engine(c.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            copies = conn.execute(sa.text("SELECT copies FROM stock_movement WHERE kind = "
                                          "'receipt' ORDER BY language")).scalars().all()
            assert copies == [500, 200]
    finally:
        engine.dispose()
    assert c.ok("log", "verify").stdout.count("stock rows") == 1


def test_an_order_quiets_reorder_until_it_is_received(coordinator):
    c = coordinator
    c.ok("stock", "receive", "--unit", "PZ-1", "ro=3", "--occurred-at",
         "2026-03-01T09:00:00+01:00")
    for day in range(1, 4):
        c.handover("PZ-1", "ro", occurred_at=f"2026-05-0{day}T10:00:00+02:00")

    def row():  # as of now: the order is recorded today
        return next(r for r in c.status()["rows"]
                    if (r["unit"], r["language"], r["edition"]) == ("PZ-1", "ro", EDITION))

    assert row()["reorder"] and row()["on_order"] == 0
    placed = c.ok("stock", "order", "ro=50", "--unit", "PZ-1", "--allow-draft")
    order_id = re.search(r"order ([0-9a-f-]{36})", placed.stdout).group(1)
    assert not row()["reorder"] and row()["on_order"] == 50
    assert "ON ORDER 50" in c.ok("stock", "status").stdout
    wrong = c.run("stock", "receive", "--unit", "PZ-2", "--order", order_id, "ro=50")
    assert wrong.exit_code == 2 and "is for PZ-1" in wrong.output
    c.ok("stock", "receive", "--unit", "PZ-1", "--order", order_id, "ro=50", "--occurred-at",
         "2026-05-20T09:00:00+02:00")
    assert row()["on_order"] == 0 and row()["on_hand"] == 50
    again = c.run("stock", "receive", "--unit", "PZ-1", "--order", order_id, "ro=5")
    assert again.exit_code == 2 and "closed already" in again.output


def test_altering_a_ledger_row_makes_verify_fail_naming_it(coordinator, backend):
    c = coordinator
    c.ok("stock", "receive", "--unit", "COORD", "ro=500")
    c.ok("stock", "transfer", "--from", "COORD", "--to", "PZ-1", "ro=100")
    assert "3 stock rows" in c.ok("log", "verify").stdout
    engine = sa.create_engine(c.url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            target = conn.execute(sa.text("SELECT id FROM stock_movement WHERE kind = "
                                          "'receipt'")).scalar_one()
            conn.execute(sa.text("DROP TRIGGER stock_movement_no_update" if backend == "sqlite"
                                 else "DROP TRIGGER stock_movement_append_only "
                                      "ON stock_movement"))
            conn.execute(sa.text("UPDATE stock_movement SET copies = 5000 WHERE id = :i"),
                         {"i": target})
    finally:
        engine.dispose()
    result = c.run("log", "verify")
    assert result.exit_code == 1
    assert f"stock row {target}" in result.output and "altered" in result.output


def test_a_row_added_beside_the_ledger_chain_is_named(coordinator):
    import datetime as dt
    import uuid

    c = coordinator
    c.ok("stock", "receive", "--unit", "COORD", "ro=500")
    engine = sa.create_engine(c.url, poolclass=sa.pool.NullPool)
    row = uuid.uuid4()
    try:
        with engine.begin() as conn:
            conn.execute(sa.insert(sa.Table("stock_movement", sa.MetaData(),
                                            autoload_with=conn)).values(
                id=str(row), movement=str(uuid.uuid4()), kind="receipt", unit="COORD",
                counterpart=None, language="ro", edition=EDITION, copies=9999,
                occurred_at="2026-01-01T00:00:00+00:00",
                occurred_utc=dt.datetime(2026, 1, 1), recorded_at="2026-01-01T00:00:00.000Z",
                note=None))
    finally:
        engine.dispose()
    result = c.run("log", "verify")
    assert result.exit_code == 1 and f"stock row {row} is not in the ledger's chain" \
        in result.output


@pytest.mark.parametrize("args, says", [
    (["correct", "not-an-id", "ro=5"], "is not a movement id"),
    (["receive", "--unit", "COORD", "--order", "nope", "ro=5"], "is not an order id"),
])
def test_bad_ids_are_refused_naming_the_option(coordinator, args, says):
    result = coordinator.run("stock", *args)
    assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
