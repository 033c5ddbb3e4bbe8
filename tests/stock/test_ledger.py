"""A coordinator's stock: receipts and transfers are recorded, every hand-over takes one copy
from its unit, and `stock status` says what each unit holds, what to reorder and what to
withdraw. Every test runs on SQLite and on PostgreSQL 15."""

from __future__ import annotations

import pytest

from leaflet.storage import layout

from .conftest import EDITION, mark_built

AS_OF = "2026-03-31"  # the 90-day window is 2026-01-01 to 2026-03-31, Brussels time


def test_receipts_transfers_and_handovers_add_up(coordinator):
    c = coordinator
    c.ok("stock", "receive", "--unit", "COORD", "--occurred-at", "2026-01-05T09:00:00+01:00",
         "ro=500", "ti=200", "--note", "delivery note 2026-001")
    c.ok("stock", "receive", "--unit", "COORD", "--occurred-at", "2026-04-10T09:00:00+02:00",
         "ro=100")  # after the as-of day: not counted yet
    moved = c.ok("stock", "transfer", "--from", "COORD", "--to", "PZ-1", "--occurred-at",
                 "2026-01-10T09:00:00+01:00", "ro=100", "ti=20")
    assert "on hand 500" in moved.stdout and "on hand 180" in moved.stdout  # today
    c.ok("stock", "transfer", "--from", "PZ-1", "--to", "PZ-2", "--occurred-at",
         "2026-02-01T09:00:00+01:00", "ro=30")

    for _ in range(3):
        c.handover("PZ-1", "ro")
    c.handover("PZ-1", "ro", leaflet="refused")  # no copy changed hands
    moved_away = c.handover("PZ-1", "ro")
    c.handover("PZ-2", "ro", amends=moved_away)  # the correction says it was PZ-2's copy
    wrong_unit = c.handover("PZ-3", "ro")
    c.handover("PZ-2", "ro", amends=wrong_unit)  # PZ-3 never handed out anything
    first = c.handover("PZ-1", "ti")
    second = c.handover("PZ-1", "ti", amends=first)
    c.handover("PZ-1", "ti", amends=second)  # a correction of a correction: still one copy
    given = c.handover("PZ-2", "ro")
    c.handover("PZ-2", "ro", amends=given)
    c.handover("PZ-2", "ro", leaflet="refused", amends=given)  # latest: refused, no copy
    c.handover("PZ-1", "ro", occurred_at="2026-04-05T10:00:00+02:00")  # after the as-of day

    assert c.on_hand("--as-of", AS_OF) == {
        ("COORD", "ro", EDITION): 400, ("COORD", "ti", EDITION): 180,
        ("PZ-1", "ro", EDITION): 100 - 30 - 3, ("PZ-1", "ti", EDITION): 20 - 1,
        ("PZ-2", "ro", EDITION): 30 - 2,
    }
    later = c.on_hand("--as-of", "2026-04-30")
    assert later[("COORD", "ro", EDITION)] == 500 and later[("PZ-1", "ro", EDITION)] == 66
    assert not any(unit == "PZ-3" for unit, _, _ in later)
    only = c.status("--as-of", AS_OF, "--unit", "PZ-1")
    assert {(r["unit"], r["language"]) for r in only["rows"]} == {("PZ-1", "ro"), ("PZ-1", "ti")}
    ro = next(r for r in only["rows"] if r["language"] == "ro")
    assert (ro["received"], ro["transferred_in"], ro["transferred_out"], ro["given"],
            ro["used_90d"]) == (0, 100, 30, 3, 3)
    assert c.ok("log", "verify").stdout.startswith("ok: 15 records")


def test_status_flags_reorder_negative_and_superseded_stock(coordinator):
    c = coordinator
    mark_built(c.workspace, "2026-06", ["fr"])  # the superseded edition PZ-8 still holds
    jan = "2026-01-05T09:00:00+01:00"
    c.ok("stock", "receive", "--unit", "PZ-7", "--occurred-at", jan, "en=5")
    c.ok("stock", "receive", "--unit", "PZ-8", "--occurred-at", jan, "fr=10")
    c.ok("stock", "receive", "--unit", "PZ-8", "--edition", "2026-06", "--occurred-at", jan,
         "fr=40")
    c.ok("stock", "receive", "--unit", "PZ-9", "--occurred-at", jan, "en=2")
    c.ok("stock", "receive", "--unit", "COORD", "--occurred-at", jan, "fr=100")
    for day in ("2026-02-02", "2026-02-20", "2026-03-09", "2026-03-30"):
        moment = f"{day}T10:00:00+01:00"
        c.handover("PZ-7", "en", occurred_at=moment)
        c.handover("PZ-8", "fr", edition="2026-06", occurred_at=moment)
        c.handover("PZ-9", "en", occurred_at=moment)
    c.handover("PZ-9", "en", occurred_at="2025-12-01T10:00:00+01:00")  # before the window
    c.handover("PZ-9", "en", edition=None)  # no edition recorded: its own row

    report = c.status("--as-of", AS_OF)
    rows = {(r["unit"], r["language"], r["edition"]): r for r in report["rows"]}
    assert report["current_edition"] == EDITION and report["window_days"] == 90

    pz7 = rows[("PZ-7", "en", EDITION)]  # 1 left, 4 used in 90 days: 3.2 weeks
    assert (pz7["on_hand"], pz7["used_90d"], pz7["used_per_week"], pz7["weeks_left"],
            pz7["reorder"], pz7["negative"]) == (1, 4, 0.31, 3.2, True, False)

    old = rows[("PZ-8", "fr", "2026-06")]  # superseded: withdraw what is left
    assert (old["on_hand"], old["current"], old["withdraw"], old["reorder"],
            old["weeks_left"]) == (36, False, 36, False, None)
    new = rows[("PZ-8", "fr", EDITION)]  # weeks left from the unit's use of fr, any edition
    assert (new["on_hand"], new["used_90d"], new["language_used_per_week"], new["weeks_left"],
            new["reorder"], new["withdraw"]) == (10, 0, 0.31, 32.1, False, 0)

    pz9 = rows[("PZ-9", "en", EDITION)]  # more handed over than received: recorded, flagged
    assert (pz9["on_hand"], pz9["given"], pz9["used_90d"], pz9["negative"],
            pz9["reorder"]) == (-3, 5, 4, True, True)
    assert rows[("PZ-9", "en", None)]["given"] == 1
    assert rows[("PZ-9", "en", None)]["withdraw"] == 0

    central = rows[("COORD", "fr", EDITION)]  # stock nobody hands out: nothing to reorder
    assert (central["on_hand"], central["weeks_left"], central["reorder"]) == (100, None, False)
    assert report["summary"] == {"units": 4, "reorder": 2, "negative": 2,
                                 "withdraw_copies": 36}

    table = c.ok("stock", "status", "--as-of", AS_OF)
    line = next(l for l in table.stdout.splitlines() if l.startswith("PZ-8") and "2026-06" in l)
    assert "WITHDRAW 36" in line
    line = next(l for l in table.stdout.splitlines() if l.startswith("PZ-9")
                and EDITION in l)
    assert "NEGATIVE" in line and "REORDER" in line


def test_the_ledger_is_append_only(coordinator, backend):
    import sqlalchemy as sa

    c = coordinator
    c.ok("stock", "receive", "--unit", "COORD", "ro=5")
    engine = sa.create_engine(c.url, poolclass=sa.pool.NullPool)
    try:
        refused = ["UPDATE stock_movement SET copies = 500", "DELETE FROM stock_movement",
                   "DELETE FROM stock_chain", "UPDATE stock_chain SET hash = prev_hash"]
        if backend == "postgresql":
            refused.append("TRUNCATE stock_movement")
        for statement in refused:
            with pytest.raises(sa.exc.DBAPIError, match="append-only"):
                with engine.begin() as conn:
                    conn.execute(sa.text(statement))
        drop = ("DROP TRIGGER stock_movement_no_delete" if backend == "sqlite" else
                "DROP TRIGGER stock_movement_append_only ON stock_movement")
        with engine.begin() as conn:
            conn.execute(sa.text(drop))
    finally:
        engine.dispose()
    warned = c.ok("log", "verify")
    assert "append-only triggers missing" in warned.stderr and "stock_movement_" in warned.stderr
    c.ok("db", "upgrade")
    assert "warning" not in c.ok("log", "verify").stderr
    assert c.on_hand()[("COORD", "ro", EDITION)] == 5


def test_the_ledger_is_in_the_logs_one_schema_series(coordinator):
    """Since version 2 the ledger is made with the log, in its version series: a desk's
    first record creates both, and there is no separate `stock_schema`."""
    import sqlalchemy as sa

    c = coordinator
    c.handover("PZ-1", "ro")  # the desk creates the log, and with it the ledger
    engine = sa.create_engine(c.url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            names = set(sa.inspect(conn).get_table_names())
            assert {"stock_movement", "stock_adjustment", "stock_chain"} <= names
            assert "stock_schema" not in names
            assert conn.execute(sa.text("SELECT version FROM leaflet_schema ORDER BY version")
                                ).scalars().all() == [*range(1, layout.SCHEMA_VERSION + 1)]
    finally:
        engine.dispose()
    c.ok("stock", "receive", "--unit", "COORD", "ro=5")
    assert c.on_hand()[("COORD", "ro", EDITION)] == 5


@pytest.mark.parametrize("args, says", [
    (["receive", "--unit", "COORD", "ro"], "'ro' is not LANG=COPIES"),
    (["receive", "--unit", "COORD", "ro=0"], "from 1 to"),
    (["receive", "--unit", "COORD", "ro=-5"], "from 1 to"),
    (["receive", "--unit", "COORD", "xx-nope=5"], "is not a CLDR language code"),
    (["receive", "--unit", "COORD", "ro=5", "RO=6"], "ro is given twice"),
    (["receive", "--unit", "two words", "ro=5"], "--unit:"),
    (["receive", "--unit", "COORD", "--edition", "bad edition", "ro=5"], "--edition:"),
    (["receive", "--unit", "COORD", "--occurred-at", "2026-01-05", "ro=5"], "--occurred-at:"),
    (["transfer", "--from", "PZ-1", "--to", "PZ-1", "ro=5"], "both PZ-1"),
])
def test_bad_input_is_refused_naming_what_is_wrong(tmp_path, args, says):
    from click.testing import CliRunner

    from leaflet.cli import cli

    db = str(tmp_path / "log.sqlite3")
    result = CliRunner().invoke(cli, ["stock", *args, "--edition", EDITION, "--db", db]
                                if "--edition" not in args else ["stock", *args, "--db", db])
    assert result.exit_code == 2, result.output
    assert says in result.output


def test_without_a_workspace_the_edition_must_be_named(tmp_path):
    from click.testing import CliRunner

    from leaflet.cli import cli

    result = CliRunner().invoke(cli, ["stock", "receive", "--unit", "COORD", "ro=5",
                                      "--db", str(tmp_path / "log.sqlite3")])
    assert result.exit_code == 2 and "--edition is required" in result.output


def test_a_coordinator_role_needs_only_the_grants_in_the_stock_guide(postgres_admin, tmp_path):
    """PostgreSQL only: the GRANTs of docs/stock.md are enough to receive, send and read
    stock, and give the coordinator no write to the log itself."""
    import sqlalchemy as sa

    from conftest import _drop_postgres_database, _fresh_postgres_database, copy_workspace

    from .conftest import Coordinator

    name, owner_url = _fresh_postgres_database(postgres_admin)
    role = f"coordinator_{name[-8:]}"
    try:
        ws = copy_workspace(tmp_path / "ws", languages=["en", "ro"])
        mark_built(ws, EDITION, ["en", "ro"])
        owner = Coordinator(ws, owner_url)
        assert "schema version" in owner.ok("db", "upgrade").stdout
        with postgres_admin.connect() as conn:
            conn.execute(sa.text(f"CREATE ROLE {role} LOGIN"))
        engine = sa.create_engine(owner_url, poolclass=sa.pool.NullPool)
        with engine.begin() as conn:
            for statement in (
                    f"GRANT CONNECT ON DATABASE {name} TO {role}",
                    f"GRANT USAGE ON SCHEMA public TO {role}",
                    f"GRANT SELECT, INSERT ON stock_movement, stock_adjustment, stock_chain "
                    f"TO {role}",
                    f"GRANT SELECT ON leaflet_schema, encounter, encounter_language, "
                    f"encounter_secret, log_event TO {role}"):
                conn.execute(sa.text(statement))
        engine.dispose()
        as_coordinator = Coordinator(ws, sa.make_url(owner_url).set(username=role)
                                     .render_as_string(hide_password=False))
        owner.handover("PZ-1", "ro")
        as_coordinator.ok("stock", "receive", "--unit", "COORD", "ro=50")
        as_coordinator.ok("stock", "transfer", "--from", "COORD", "--to", "PZ-1", "ro=10")
        assert as_coordinator.on_hand()[("PZ-1", "ro", EDITION)] == 9
        with pytest.raises(Exception, match="permission denied"):
            engine = sa.create_engine(as_coordinator.url, poolclass=sa.pool.NullPool)
            try:
                with engine.begin() as conn:
                    conn.execute(sa.text("INSERT INTO leaflet_schema VALUES (7, 'x', 'y')"))
            finally:
                engine.dispose()
    finally:
        _drop_postgres_database(postgres_admin, name)
        with postgres_admin.connect() as conn:
            conn.execute(sa.text(f"DROP ROLE IF EXISTS {role}"))


def test_status_only_reads_a_log_that_has_no_ledger_yet(coordinator):
    """A log only desks wrote to: `stock status` shows the copies handed over and creates no
    ledger table (readers never write; `receive` or `db upgrade` creates the ledger)."""
    import sqlalchemy as sa

    c = coordinator
    c.handover("PZ-1", "ro")
    before = _database_bytes(c.url)
    rows = c.status("--as-of", AS_OF)["rows"]
    assert [(r["unit"], r["language"], r["edition"], r["given"], r["received"], r["on_hand"])
            for r in rows] == [("PZ-1", "ro", EDITION, 1, 0, -1)]
    engine = sa.create_engine(c.url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            tables = set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert "stock_chain" in tables  # made with the log
    assert _database_bytes(c.url) == before
    assert "encounter" in tables


def test_copies_are_counted_only_as_leaflets_the_workspace_built(coordinator):
    """Receipts name a built edition and language; a transfer may also move copies the ledger
    already holds, after that edition's files were removed."""
    import shutil

    c = coordinator
    mark_built(c.workspace, "2026-06", ["fr"])
    c.ok("stock", "receive", "--unit", "COORD", "--edition", "2026-06", "fr=40")
    refused = c.run("stock", "receive", "--unit", "COORD", "--edition", "2026-06", "en=5")
    assert refused.exit_code == 2
    assert "LANG=COPIES en: no leaflet of edition 2026-06" in refused.output
    assert "(built: fr)" in refused.output

    shutil.rmtree(c.workspace / "output" / "2026-06")
    refused = c.run("stock", "receive", "--unit", "COORD", "--edition", "2026-06", "fr=5")
    assert refused.exit_code == 2
    assert "--edition 2026-06 was never built in this workspace" in refused.output
    moved = c.ok("stock", "transfer", "--from", "COORD", "--to", "WRITE-OFF", "--edition",
                 "2026-06", "fr=40", "--note", "superseded edition")
    assert "on hand 0" in moved.stdout
    refused = c.run("stock", "transfer", "--from", "COORD", "--to", "WRITE-OFF", "--edition",
                    "2026-06", "en=1")
    assert refused.exit_code == 2 and "LANG=COPIES en" in refused.output
    assert c.on_hand()[("WRITE-OFF", "fr", "2026-06")] == 40


def _database_bytes(url: str):
    """The rows of every ledger table (a reader must leave them as they are)."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                    for t in ("stock_movement", "stock_adjustment", "stock_chain",
                              "encounter", "log_event")}
    finally:
        engine.dispose()
