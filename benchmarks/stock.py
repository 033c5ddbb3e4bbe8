"""How long `leaflet stock status` takes over a log of 1,000,000 hand-overs.

Builds, in a fresh SQLite file and in the store's own schema (created by `Store.upgrade`, so
the log's and the ledger's tables, indexes and triggers are the real ones), a seeded log:

- RECORDS encounters over two years before AS_OF, 200 units, the 34 languages of the
  repository's leaflet.toml with a skewed mix, 85 % given (80 % of those in the current
  edition, the rest in the superseded one), 10 % refused, 5 % not given, and 0.5 % of them
  corrections (`amends`) of an earlier record, some moving the hand-over to another unit;
- each record hash-chained exactly as the store chains it (leaflet.duties.record.chain_hash
  over the rows leaflet.storage.layout builds), so `leaflet log verify` passes (--verify
  runs it; it walks every record, so it takes a while);
- a ledger: the coordinator receives every language in both editions, then sends each unit
  about what it will hand over of each (some units short), as rows built by
  leaflet.stock.ledger.Ledger._row.

What it skips: per-record validation (the values are valid by construction) and one
transaction per record (the bulk insert runs in one transaction with `synchronous = OFF`;
the file is a benchmark, not evidence).

Then it times, in the same run, `leaflet stock status --format json` as a user runs it (a
fresh process: start-up, imports and the query), for every unit and with `--unit`, best and
median of --runs, and for scale a hand-written SQL query in the stdlib `sqlite3` computing
on-hand for one unit (the same rule: given hand-overs through their latest correction), and
the same for every unit. It checks that the command and the hand-written query agree on that
unit.

    python benchmarks/stock.py [--records 1000000] [--runs 5] [--seed 1997] [--keep DIR] [--verify]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AS_OF = dt.date(2026, 11, 28)
CURRENT, OLD = "2026-12", "2026-06"
UNITS = [f"PZ-{5000 + n}" for n in range(200)]
TZ = dt.timezone(dt.timedelta(hours=1))

# Hand-written, for one unit: receipts and transfers, minus given hand-overs through their
# latest correction, per language and edition. Same rule as leaflet.stock.ledger.
ONE_UNIT_SQL = """
WITH RECURSIVE family(id, seq, root) AS (
  SELECT id, seq, id FROM encounter
   WHERE amends IS NULL AND id IN (SELECT amends FROM encounter WHERE amends IS NOT NULL)
  UNION ALL
  SELECT c.id, c.seq, f.root FROM encounter c JOIN family f ON c.amends = f.id),
latest(seq) AS (SELECT max(seq) FROM family GROUP BY root),
flows(language, edition, copies) AS (
  SELECT language, edition, copies FROM stock_movement
   WHERE unit = :unit AND occurred_utc < :until
  UNION ALL
  SELECT leaflet_language, leaflet_edition, -1 FROM encounter
   WHERE unit = :unit AND leaflet = 'given' AND occurred_utc < :until
     AND (seq NOT IN (SELECT seq FROM family) OR seq IN latest))
SELECT language, edition, sum(copies) FROM flows GROUP BY language, edition
"""
ALL_UNITS_SQL = ONE_UNIT_SQL.replace("WHERE unit = :unit AND", "WHERE").replace(
    "SELECT language, edition, copies", "SELECT unit, language, edition, copies").replace(
    "SELECT leaflet_language,", "SELECT unit, leaflet_language,").replace(
    "flows(language,", "flows(unit, language,").replace(
    "SELECT language, edition, sum(copies) FROM flows GROUP BY language, edition",
    "SELECT unit, language, edition, sum(copies) FROM flows GROUP BY unit, language, edition")


def leaflet_command() -> list[str]:
    script = Path(sys.executable).with_name("leaflet")
    return [str(script)] if script.exists() else [sys.executable, "-m", "leaflet"]


def build_log(path: Path, records: int, seed: int) -> dict:
    """Write the seeded log and ledger; returns counts."""
    from leaflet.storage import layout
    from leaflet.storage.chain import GENESIS_HASH, chain_hash
    from leaflet.duties.record import Encounter
    from leaflet.handover.store import Store
    from leaflet.storage.engine import dispose_engines
    from leaflet.storage import tables as stock_schema
    from leaflet.stock.ledger import Ledger
    from leaflet.workspace import load_workspace

    url = f"sqlite:///{path}"
    Store(url).upgrade()  # the real schema: log, ledger, indexes, triggers
    dispose_engines()
    rng = random.Random(seed)
    languages = list(load_workspace(ROOT).languages)
    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(languages))]
    unit_weights = [rng.uniform(0.2, 3) for _ in UNITS]
    start = dt.datetime.combine(AS_OF - dt.timedelta(days=730), dt.time(8), TZ)
    span = 730 * 86400
    moments = sorted(rng.randrange(span) for _ in range(records))

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA synchronous = OFF")
    con.execute("BEGIN")
    insert_log = (f"INSERT INTO {layout.LOG_TABLE} ({', '.join(layout.LOG_COLUMNS)}) "
                  f"VALUES ({', '.join(':' + c for c in layout.LOG_COLUMNS)})")
    insert_lang = (f"INSERT INTO {layout.LANGUAGE_TABLE} ({', '.join(layout.LANGUAGE_COLUMNS)}) "
                   f"VALUES ({', '.join(':' + c for c in layout.LANGUAGE_COLUMNS)})")
    prev_hash = GENESIS_HASH
    recorded = start.astimezone(dt.timezone.utc)
    log_rows, lang_rows, earlier = [], [], []
    amendments = 0
    for seq in range(1, records + 1):
        occurred = start + dt.timedelta(seconds=moments[seq - 1])
        unit = rng.choices(UNITS, unit_weights)[0]
        spoken = rng.choices(languages, weights)[0]
        person = (spoken,) if rng.random() < 0.8 else (spoken, rng.choice(["en", "fr", "ar"]))
        if person[-1] == person[0] and len(person) == 2:
            person = (spoken,)
        outcome = rng.choices(("given", "refused", "not_given"), (85, 10, 5))[0]
        amends = None
        if earlier and rng.random() < 0.005:  # a correction of an earlier record
            amends = rng.choice(earlier[-5000:])
            amendments += 1
            if rng.random() < 0.5:
                unit = rng.choice(UNITS)
        encounter = Encounter(
            id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            occurred_at=occurred.isoformat(), service="police", unit=unit, officer="A1",
            assessment=rng.choice(("victim", "uncertain", "uncertain")),
            residence_status="unknown", person_languages=person, leaflet=outcome,
            leaflet_language=spoken if outcome == "given" else None,
            leaflet_edition=(CURRENT if rng.random() < 0.8 else OLD)
            if outcome == "given" else None,
            not_given_reason="other" if outcome == "not_given" else None,
            not_given_note=None, centre_action="none", centre=None,
            foreigners_dept_informed=None, amends=amends, case_ref=None)
        recorded = max(recorded + dt.timedelta(milliseconds=1),
                       occurred.astimezone(dt.timezone.utc) + dt.timedelta(minutes=5))
        recorded_at = recorded.strftime("%Y-%m-%dT%H:%M:%S.") + \
            f"{recorded.microsecond // 1000:03d}Z"
        digest = chain_hash(prev_hash, encounter.to_dict(), recorded_at)
        row = layout.log_row(encounter, seq=seq, recorded_at=recorded_at,
                             prev_hash=prev_hash, hash=digest)
        row["occurred_utc"] = row["occurred_utc"].strftime(layout.SQLITE_DATETIME_FORMAT)
        log_rows.append(row)
        lang_rows.extend(layout.language_rows(encounter, seq))
        prev_hash = digest
        if amends is None:
            earlier.append(encounter.id)
        if len(log_rows) == 20000:
            con.executemany(insert_log, log_rows)
            con.executemany(insert_lang, lang_rows)
            log_rows, lang_rows = [], []
    con.executemany(insert_log, log_rows)
    con.executemany(insert_lang, lang_rows)

    # The ledger: the coordinator supplies every unit with about what it will hand over
    # (some units short, so some run out), after receiving a little more than it sends.
    unit_share = {u: w / sum(unit_weights) for u, w in zip(UNITS, unit_weights)}
    language_share = {code: w / sum(weights) for code, w in zip(languages, weights)}
    edition_share = {CURRENT: 0.8, OLD: 0.2}
    moves, sent = [], {}
    for unit in UNITS:
        for code in languages:
            for edition in (OLD, CURRENT):
                expected = (records * 0.85 * unit_share[unit] * language_share[code]
                            * edition_share[edition])
                copies = round(expected * rng.uniform(0.9, 1.3)) + 5
                moment = start + dt.timedelta(days=rng.randrange(60))
                movement = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                for kind, here, there, signed in (("transfer_out", "COORD", unit, -copies),
                                                  ("transfer_in", unit, "COORD", copies)):
                    moves.append(Ledger._row(movement, kind, here, there, code, edition, signed,
                                             moment.isoformat(), _utc(moment),
                                             "2026-01-01T00:00:00.000Z", None))
                sent[code, edition] = sent.get((code, edition), 0) + copies
    received_at = start - dt.timedelta(days=30)
    movement = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    for (code, edition), copies in sent.items():
        moves.append(Ledger._row(movement, "receipt", "COORD", None, code, edition,
                                 round(copies * 1.1), received_at.isoformat(),
                                 _utc(received_at), "2024-10-01T00:00:00.000Z", "print run"))
    for row in moves:
        row["occurred_utc"] = row["occurred_utc"].strftime(layout.SQLITE_DATETIME_FORMAT)
    columns = [c.name for c in stock_schema.movement.columns]
    con.executemany(f"INSERT INTO {stock_schema.MOVEMENT_TABLE} ({', '.join(columns)}) "
                    f"VALUES ({', '.join(':' + c for c in columns)})", moves)
    con.execute("COMMIT")
    con.execute("ANALYZE")
    con.close()
    # The ledger's rows are links of its chain (schema version 2), as the ledger writes them.
    import sqlalchemy as sa

    from leaflet.storage import outcomes
    from leaflet.storage import migrations

    engine = sa.create_engine(url)
    with engine.begin() as conn:
        migrations._chain_v1_movements(conn)
        outcomes.derive_missing(conn)  # each record's duty outcomes (schema version 3)
    engine.dispose()
    return {"records": records, "amendments": amendments, "ledger_rows": len(moves)}


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def timed_status(db: Path, env: dict, *extra: str) -> tuple[float, dict]:
    command = leaflet_command() + ["--workspace", str(ROOT), "stock", "status", "--format",
                                   "json", "--as-of", AS_OF.isoformat(), "--db", str(db),
                                   *extra]
    started = time.perf_counter()
    done = subprocess.run(command, check=True, env=env, capture_output=True, text=True)
    return time.perf_counter() - started, json.loads(done.stdout)


def timed_sql(db: Path, sql: str, params: dict) -> tuple[float, list]:
    con = sqlite3.connect(db)
    try:
        started = time.perf_counter()
        rows = con.execute(sql, params).fetchall()
        return time.perf_counter() - started, rows
    finally:
        con.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1997)
    parser.add_argument("--keep", metavar="DIR", help="build the log in DIR and keep it")
    parser.add_argument("--verify", action="store_true",
                        help="also run `leaflet log verify` over the whole chain")
    args = parser.parse_args()

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="leaflet-stock-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "log.sqlite3"
    try:
        if not db.exists():
            started = time.perf_counter()
            counts = build_log(db, args.records, args.seed)
            print(f"built {counts['records']:,} hand-overs ({counts['amendments']:,} "
                  f"corrections) and {counts['ledger_rows']:,} ledger rows in "
                  f"{time.perf_counter() - started:.0f} s: {db} "
                  f"({db.stat().st_size / 2**20:.0f} MiB)", flush=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
        until = dt.datetime.combine(AS_OF + dt.timedelta(days=1), dt.time(),
                                    dt.timezone(dt.timedelta(hours=1)))
        until_text = _utc(until).strftime("%Y-%m-%d %H:%M:%S.%f")
        timed_status(db, env)  # warm the page cache, as a second run at a desk would be
        status_times, unit_status_times, one_unit_times, all_units_times = [], [], [], []
        report = None
        unit = UNITS[0]
        for _ in range(args.runs):
            elapsed, report = timed_status(db, env)
            status_times.append(elapsed)
            elapsed, _report = timed_status(db, env, "--unit", unit)
            unit_status_times.append(elapsed)
            elapsed, one = timed_sql(db, ONE_UNIT_SQL, {"unit": unit, "until": until_text})
            one_unit_times.append(elapsed)
            elapsed, _rows = timed_sql(db, ALL_UNITS_SQL, {"until": until_text})
            all_units_times.append(elapsed)
        mine = {(r["language"], r["edition"]): r["on_hand"] for r in report["rows"]
                if r["unit"] == unit and (r["received"] or r["transferred_in"]
                                          or r["transferred_out"] or r["given"])}
        theirs = {(language, edition): on_hand for language, edition, on_hand in one}
        assert mine == theirs, f"stock status and the hand-written SQL disagree on {unit}"
        s = report["summary"]
        print(f"stock status --format json: {len(report['rows']):,} rows, {s['reorder']} to "
              f"reorder, {s['negative']} negative, {s['withdraw_copies']:,} copies to withdraw")
        print(f"  leaflet stock status --format json (fresh process): "
              f"best {min(status_times):.2f} s, median {statistics.median(status_times):.2f} s")
        print(f"  leaflet stock status --format json --unit {unit}:  "
              f"best {min(unit_status_times):.2f} s, median "
              f"{statistics.median(unit_status_times):.2f} s")
        print(f"  hand-written SQL, on hand of one unit ({unit}):       "
              f"best {min(one_unit_times):.2f} s, median "
              f"{statistics.median(one_unit_times):.2f} s")
        print(f"  hand-written SQL, on hand of every unit:              "
              f"best {min(all_units_times):.2f} s, median "
              f"{statistics.median(all_units_times):.2f} s")
        print(f"  ratio status / every-unit SQL (medians): "
              f"{statistics.median(status_times) / statistics.median(all_units_times):.1f}")
        if args.verify:
            started = time.perf_counter()
            done = subprocess.run(leaflet_command() + ["log", "verify", "--db", str(db)],
                                  env=env, capture_output=True, text=True)
            print(f"  log verify: {done.stdout.strip() or done.stderr.strip()} "
                  f"({time.perf_counter() - started:.0f} s)")
            if done.returncode:
                return 1
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
