"""How long `leaflet report` takes on a million encounters, against hand-written SQL.

Builds (once, cached by size and seed) a SQLite log of 1,000,000 seeded synthetic encounters
in the store's own schema, then times, interleaved in the same run:

  leaflet   `leaflet report --format json` over the whole log (every duty, the follow-up list,
            language gaps, editions), as a fresh process;
  anchor    the `sqlite3` shell (Debian package sqlite3) running hand-written SQL that computes
            only the LEAFLET-GIVEN figures (applicable, met, refused, not met) over the latest
            version of every encounter: the least any report of that duty can cost.

It checks that both give the same LEAFLET-GIVEN figures, prints the medians and their ratio.
Goals: leaflet ≤ 3 s and ratio ≤ 2.

    python benchmarks/report.py [--records 1000000] [--seed 1997] [--runs 5] [--db FILE]
                                [--rebuild] [--verify] [--check]

--verify also runs `leaflet log verify` on the generated log (slow: it rehashes every record);
--check exits 1 when a goal is missed or the figures disagree.

How the log is built. The store appends one record per transaction, which would take hours for
a million records; so the schema is created by the store itself (its migrations) and the rows
are then bulk-inserted with the standard library's sqlite3 in large transactions. The rows are
made exactly as the store makes them (leaflet.storage.layout.log_row / language_rows) and the
hash chain is computed in Python with leaflet.duties.record.chain_hash, record after record;
each record's duty outcomes are then stored by the one statement every writer runs
(leaflet.storage.outcomes), so the result is a log `leaflet log verify` accepts. Every 997th record is also run through the
record checks (model.validate) so the mix stays well-formed.

The mix (seeded, so every run builds the same bytes): five years of encounters (2022–2026,
daytime-heavy), 80 % police in 185 zones, the rest social (law) inspection offices; assessments
30 % victim, 55 % uncertain, 15 % implicated; 45 people in 100 without legal residence; one to
three languages per person from a long-tailed list that includes languages without a leaflet
(the language gaps); mostly compliant hand-overs with realistic failures (leaflet not given or
in the wrong language, no intake, Foreigners Department not informed, a contact arranged for an
implicated person); 1.5 % corrections, some of them changing the unit or the date, some
correcting a correction and some correcting the same record twice.
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

GOAL_SECONDS = 3.0
GOAL_RATIO = 2.0
TZ = "Europe/Brussels"

# The hand-written anchor: LEAFLET-GIVEN over the latest version of every encounter, the
# way one would write it by hand. "Latest": of the records linked by `amends` (one tree per
# encounter), the one recorded last (highest seq); the others are replaced
# (docs/report-format.md). The edges come from the amends and id indexes; a recursive CTE
# walks each correction up to its root; every record is then tested against the replaced set.
ANCHOR_SQL = """
WITH RECURSIVE edge(parent, child) AS (
    SELECT p.seq, c.seq FROM encounter c JOIN encounter p ON p.id = c.amends
    WHERE c.amends IS NOT NULL
),
up(seq, parent) AS (
    SELECT child, parent FROM edge
  UNION ALL
    SELECT up.seq, edge.parent FROM up JOIN edge ON edge.child = up.parent
),
tree(seq, root) AS (
    SELECT seq, parent FROM up WHERE parent NOT IN (SELECT child FROM edge)
),
replaced(seq) AS (
    SELECT parent FROM edge
  UNION
    SELECT seq FROM tree WHERE seq NOT IN (SELECT max(seq) FROM tree GROUP BY root)
)
SELECT count(*),
       sum(leaflet = 'given'),
       sum(leaflet = 'refused'),
       sum(leaflet = 'not_given')
FROM encounter
WHERE assessment IN ('victim', 'uncertain') AND seq NOT IN replaced;
"""

# --- the synthetic mix -----------------------------------------------------------------------

# Languages people understand, most frequent first (the weights are a long tail). The codes
# after the built ones have no leaflet in the edition: they make the language gaps.
BUILT = ["en", "fr", "nl", "de", "es", "pt", "ro", "bg", "pl", "hu", "sk", "cs", "lt", "el",
         "sq", "ru", "uk", "tr", "ar", "ti", "am", "so", "pcm", "sw", "zh-Hans", "th", "vi",
         "fil", "hi", "bn", "ur", "ne", "fa", "ps"]
PRIMARY = ["ro", "bg", "ar", "ti", "vi", "zh-Hans", "th", "pcm", "uk", "ru", "es", "pt", "sq",
           "fa", "ps", "am", "so", "hu", "sk", "pl", "fil", "bn", "ur", "hi", "tr", "ne", "en",
           "fr", "ln", "wo", "pa", "mn", "rom", "tig", "ff", "ku", "uz", "dv"]
SECOND = ["fr", "en", "ar", "ru", "nl", "es", "it", "de"]
EDITIONS = [(dt.date(2022, 1, 1), "2022-01"), (dt.date(2023, 6, 1), "2023-06"),
            (dt.date(2025, 1, 15), "2025-01"), (dt.date(2026, 12, 1), "2026-12")]
HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 4, 7, 9, 10, 10, 9, 8, 9, 10, 10, 9, 7, 6, 5, 4, 3, 2, 1]


class Mix:
    """Seeded synthetic encounters as interchange records (dicts in the format's order)."""

    def __init__(self, seed: int):
        from zoneinfo import ZoneInfo

        self.rng = random.Random(seed)
        self.zone = ZoneInfo(TZ)
        rng = self.rng
        zones = [f"PZ-{5270 + i}" for i in range(185)]
        self.units = {
            "police": (zones, [1 / (i + 1) ** 0.8 for i in range(len(zones))]),
            "social-law-inspection": ([f"TSW-{c}" for c in ("BXL", "ANT", "GNT", "LIE", "CHA",
                                                              "HAS", "NAM", "BRG")], None),
            "social-inspection": ([f"SI-{c}" for c in ("BXL", "ANT", "GNT", "LIE", "MON",
                                                        "LEU")], None),
        }
        self.officers = {unit: [f"{chr(65 + rng.randrange(26))}{rng.randrange(1000, 10000)}"
                                for _ in range(rng.randrange(4, 30))]
                         for units, _ in self.units.values() for unit in units}
        # Languages without a leaflet are rare: about 1 person in 60 reads none we have.
        self.primary_weights = [(1 if code in BUILT else 0.1) / (i + 1) ** 0.9
                                for i, code in enumerate(PRIMARY)]
        self.built = set(BUILT)

    def pick(self, items, weights=None):
        return self.rng.choices(items, weights)[0]

    def moment(self, day: dt.date) -> dt.datetime:
        hour = self.rng.choices(range(24), HOUR_WEIGHTS)[0]
        return dt.datetime(day.year, day.month, day.day, hour, self.rng.randrange(60),
                           self.rng.randrange(60), tzinfo=self.zone)

    def languages(self) -> list[str]:
        rng = self.rng
        if rng.random() < 0.02:
            return ["und"]
        codes = [self.pick(PRIMARY, self.primary_weights)]
        for chance in (0.35, 0.06):
            if rng.random() < chance:
                extra = self.pick(SECOND)
                if extra not in codes:
                    codes.append(extra)
        return codes

    def record(self, moment: dt.datetime) -> dict:
        rng = self.rng
        service = self.pick(["police", "social-law-inspection", "social-inspection"],
                            [80, 11, 9])
        units, weights = self.units[service]
        unit = self.pick(units, weights)
        assessment = self.pick(["victim", "uncertain", "implicated"], [30, 55, 15])
        residence = self.pick(["illegal", "provisional", "legal", "unknown"], [45, 10, 20, 25])
        person = self.languages()
        readable = [c for c in person if c in self.built]
        leaflet, language, reason = "given", None, None
        if assessment == "implicated":
            leaflet = self.pick(["not_given", "given", "refused"], [85, 10, 5])
            reason = "implicated" if leaflet == "not_given" else None
            if leaflet == "given":
                language = readable[0] if readable else "en"
        elif not readable:
            if person != ["und"] and rng.random() < 0.85:
                leaflet, reason = "not_given", "no_language"
            elif rng.random() < 0.5:
                language = self.pick(["en", "fr", "nl"])  # given, but not one they read
            else:
                leaflet, reason = "not_given", "other"
        else:
            leaflet = self.pick(["given", "refused", "not_given"], [95.5, 3, 1.5])
            if leaflet == "given":
                language = readable[0] if rng.random() < 0.98 else self.pick(["fr", "nl", "en"])
            elif leaflet == "not_given":
                reason = "other"
        edition = None
        if leaflet == "given" and rng.random() > 0.02:
            edition = [e for start, e in EDITIONS if start <= moment.date()][-1]
        if assessment == "victim":
            action = self.pick(["intake", "contact_arranged", "none"], [95, 3, 2])
        elif assessment == "uncertain":
            action = self.pick(["contact_arranged", "contact_declined", "intake", "none"],
                               [60, 27, 9, 4])
        else:
            action = self.pick(["none", "contact_arranged"], [98.5, 1.5])
        informed = None
        if assessment == "victim" and residence in ("illegal", "provisional"):
            informed = self.pick([True, False, None], [95, 3, 2])
        elif rng.random() < 0.1:
            informed = rng.random() < 0.5
        return {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "occurred_at": moment.isoformat(),
            "service": service, "unit": unit, "officer": self.pick(self.officers[unit]),
            "assessment": assessment, "residence_status": residence,
            "person_languages": person, "leaflet": leaflet, "leaflet_language": language,
            "leaflet_edition": edition, "not_given_reason": reason,
            "not_given_note": ("person asleep, leaflet left with the file"
                               if reason == "other" and rng.random() < 0.2 else None),
            "centre_action": action,
            "centre": None if action == "none" else self.pick(["pag-asa", "payoke", "surya"]),
            "foreigners_dept_informed": informed, "amends": None,
            "case_ref": (f"PV/{moment.year}/{rng.randrange(1, 999999):06d}"
                         if rng.random() < 0.6 else None),
        }

    def correction(self, original: dict) -> dict:
        """A correction of `original`: the whole record again, with something changed."""
        rng = self.rng
        fixed = dict(original, id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                     amends=original["id"])
        what = rng.random()
        if what < 0.2:  # the unit was mistyped
            units, weights = self.units[fixed["service"]]
            fixed["unit"] = self.pick(units, weights)
            fixed["officer"] = self.pick(self.officers[fixed["unit"]])
        elif what < 0.4:  # the date or time was wrong, possibly across a month's end
            moment = dt.datetime.fromisoformat(fixed["occurred_at"])
            local = (moment + dt.timedelta(hours=rng.randrange(-60, 60))).astimezone(self.zone)
            fixed["occurred_at"] = min(local, dt.datetime(2026, 11, 30, 12, tzinfo=self.zone)
                                       ).isoformat()
        elif (what < 0.7 and fixed["centre_action"] == "none"
              and fixed["assessment"] != "implicated"):
            fixed["centre_action"], fixed["centre"] = "intake", "payoke"
        elif what < 0.85 and fixed["assessment"] == "victim" and fixed["residence_status"] in (
                "illegal", "provisional"):
            fixed["foreigners_dept_informed"] = True
        else:
            fixed["case_ref"] = f"PV/2026/{rng.randrange(1, 999999):06d}"
        return fixed

    def records(self, count: int, start: dt.date, end: dt.date):
        """`count` records in recorded order: originals by time, corrections among them."""
        rng = self.rng
        days = (end - start).days
        originals = int(count / 1.015)
        day_list = sorted(start + dt.timedelta(days=rng.randrange(days)) for _ in range(originals))
        recent: list[dict] = []  # the last records, which corrections pick from
        corrected: list[dict] = []
        made = 0
        pending: list[dict] = []
        for day in day_list:
            if made >= count:
                return
            record = self.record(self.moment(day))
            yield record
            made += 1
            recent.append(record)
            if len(recent) > 400:
                del recent[:200]
            if rng.random() < 0.015 and made < count:
                # a record of the last days corrected a little later: queued, emitted after
                # the next few records (a correction may correct a correction); now and then
                # a record already corrected is corrected again from the original (a branch)
                if corrected and rng.random() < 0.1:
                    target = rng.choice(corrected[-20:])
                else:
                    target = rng.choice(recent[-60:])
                corrected.append(target)
                pending.append(self.correction(target))
            if pending and rng.random() < 0.5 and made < count:
                fix = pending.pop(0)
                yield fix
                made += 1
                recent.append(fix)
        while pending and made < count:
            yield pending.pop(0)
            made += 1
        while made < count:  # top up to exactly `count`
            yield self.record(self.moment(end - dt.timedelta(days=1)))
            made += 1


def build_database(path: Path, count: int, seed: int, *, quiet: bool = False) -> None:
    """A SQLite log at `path` holding `count` synthetic records with a valid hash chain."""
    from leaflet.storage import layout
    from leaflet.storage.chain import GENESIS_HASH
    from leaflet.duties.record import validate
    from leaflet.handover.store import Store
    from leaflet.storage.engine import dispose_engines

    path.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    Store(f"sqlite:///{path}").ensure_schema()  # the store's own migrations make the schema
    dispose_engines()

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -1500000")
    insert_log = (f"INSERT INTO {layout.LOG_TABLE} ({', '.join(layout.LOG_COLUMNS)}) "
                  f"VALUES ({', '.join('?' for _ in layout.LOG_COLUMNS)})")
    insert_lang = (f"INSERT INTO {layout.LANGUAGE_TABLE} ({', '.join(layout.LANGUAGE_COLUMNS)}) "
                   "VALUES (?, ?, ?)")
    insert_secret = (f"INSERT INTO {layout.SECRET_TABLE} ({', '.join(layout.SECRET_COLUMNS)}) "
                     f"VALUES ({', '.join(':' + c for c in layout.SECRET_COLUMNS)})")
    secret_rows = []
    utc = dt.timezone.utc
    mix = Mix(seed)
    prev_hash = GENESIS_HASH
    recorded = dt.datetime(2022, 1, 1, tzinfo=utc)
    far_future = dt.datetime(2100, 1, 1, tzinfo=utc)
    rows, lang_rows = [], []
    started = time.perf_counter()
    con.execute("BEGIN")
    for seq, record in enumerate(mix.records(count, dt.date(2022, 1, 1), dt.date(2026, 12, 1)),
                                 start=1):
        if seq % 997 == 0:
            validate(record, now=far_future)
        occurred = dt.datetime.fromisoformat(record["occurred_at"]).astimezone(utc)
        recorded = max(recorded + dt.timedelta(milliseconds=1),
                       occurred + dt.timedelta(minutes=3))
        recorded_at = (recorded.strftime("%Y-%m-%dT%H:%M:%S.")
                       + f"{recorded.microsecond // 1000:03d}Z")
        secret = layout.secret_row(record, seq)  # as the store makes it (schema version 2)
        if secret is not None:
            secret_rows.append(secret)
        digest = layout.record_hash(prev_hash, record, secret, recorded_at)
        informed = record["foreigners_dept_informed"]
        rows.append((seq, *(record[c] if c != "foreigners_dept_informed" else
                            (None if informed is None else int(informed))
                            for c in layout.RECORD_COLUMNS),
                     occurred.replace(tzinfo=None).strftime(layout.SQLITE_DATETIME_FORMAT),
                     recorded_at, prev_hash, digest))
        lang_rows.extend((seq, i, code) for i, code in enumerate(record["person_languages"], 1))
        prev_hash = digest
        if len(rows) >= 20000:
            con.executemany(insert_log, rows)
            con.executemany(insert_lang, lang_rows)
            con.executemany(insert_secret, secret_rows)
            rows, lang_rows, secret_rows = [], [], []
            if not quiet:
                print(f"\r  {seq:>9,} records  {time.perf_counter() - started:5.1f} s",
                      end="", file=sys.stderr, flush=True)
    con.executemany(insert_log, rows)
    con.executemany(insert_lang, lang_rows)
    con.executemany(insert_secret, secret_rows)
    con.execute("COMMIT")
    con.execute("PRAGMA journal_mode = WAL")  # as the store leaves it
    con.close()
    # Each record's duty outcomes, stored by the statement every writer runs for its record
    # (leaflet.storage.outcomes), here once for all of them, as the upgrade to version 3 does.
    from leaflet.storage import outcomes
    from leaflet.storage.engine import engine_for

    with engine_for(f"sqlite:///{path}").begin() as conn:
        outcomes.derive_missing(conn)
    dispose_engines()
    if not quiet:
        print(f"\r  {count:>9,} records  {time.perf_counter() - started:5.1f} s",
              file=sys.stderr)


# --- timing ------------------------------------------------------------------------------------

def cached_database(path: Path | None, count: int, seed: int, rebuild: bool) -> Path:
    """The benchmark log, built once per size, seed and version of this file."""
    import hashlib
    import inspect

    from leaflet.duties.sqlite import derive_outcome_text
    from leaflet.storage import layout, tables

    # What the log holds: the generator, the tables and the stored outcomes' definition.
    source = (inspect.getsource(Mix) + inspect.getsource(build_database)
              + inspect.getsource(tables) + derive_outcome_text())
    stamp = hashlib.sha256(f"{layout.SCHEMA_VERSION}\n{source}".encode()).hexdigest()[:16]
    path = path or Path(tempfile.gettempdir()) / f"leaflet-report-bench-{count}-{seed}.sqlite3"
    sidecar = path.with_suffix(".json")
    want = {"records": count, "seed": seed, "generator": stamp}
    if rebuild or not path.is_file() or not sidecar.is_file() or json.loads(
            sidecar.read_text()) != want:
        print(f"building {path} ({count:,} records, seed {seed})", file=sys.stderr)
        build_database(path, count, seed)
        sidecar.write_text(json.dumps(want))
    return path


def leaflet_command() -> list[str]:
    script = Path(sys.executable).with_name("leaflet")
    return [str(script)] if script.exists() else [sys.executable, "-m", "leaflet"]


def timed(command: list[str], env: dict, *, stdin_text: str | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, input=stdin_text, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])} … failed:\n{done.stderr}")
    return elapsed, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1997)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="where to keep the generated log "
                                                "(default: the temporary folder)")
    parser.add_argument("--rebuild", action="store_true", help="build the log again")
    parser.add_argument("--verify", action="store_true", help="also run leaflet log verify")
    parser.add_argument("--check", action="store_true", help="exit 1 when a goal is missed")
    args = parser.parse_args()

    sqlite3_shell = shutil.which("sqlite3")
    if sqlite3_shell is None:
        raise SystemExit("the sqlite3 shell is missing: apt-get install sqlite3")
    path = cached_database(args.db, args.records, args.seed, args.rebuild)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
    report_cmd = leaflet_command() + ["report", "--db", str(path), "--format", "json"]
    anchor_cmd = [sqlite3_shell, "-batch", str(path)]

    if args.verify:
        elapsed, out = timed(leaflet_command() + ["log", "verify", "--db", str(path)], env)
        print(f"log verify: {out.strip()} ({elapsed:.1f} s)")

    # Warm-up: both read the file once, so both run from the page cache.
    _, report_json = timed(report_cmd, env)
    _, anchor_out = timed(anchor_cmd, env, stdin_text=ANCHOR_SQL)
    report_times, anchor_times = [], []
    for _ in range(args.runs):
        elapsed, report_json = timed(report_cmd, env)
        report_times.append(elapsed)
        elapsed, anchor_out = timed(anchor_cmd, env, stdin_text=ANCHOR_SQL)
        anchor_times.append(elapsed)

    data = json.loads(report_json)
    given = next(r for r in data["rules"] if r["id"] == "LEAFLET-GIVEN")
    ours = (given["applicable"], given["met"], given["refused"], given["not_met"])
    theirs = tuple(int(x) for x in anchor_out.strip().split("|"))
    report_median = statistics.median(report_times)
    anchor_median = statistics.median(anchor_times)
    ratio = report_median / anchor_median
    print(f"log       {path} ({data['log']['records']:,} records, "
          f"{path.stat().st_size / 2**20:,.0f} MiB)")
    print(f"report    {data['encounters']:,} encounters counted, "
          f"{data['violations_total']:,} failed duties in the follow-up list, "
          f"{len(report_json) / 2**20:.1f} MiB of JSON")
    print(f"LEAFLET-GIVEN  leaflet report: applicable {ours[0]:,}, met {ours[1]:,}, "
          f"refused {ours[2]:,}, not met {ours[3]:,}")
    print(f"               sqlite3 shell:  applicable {theirs[0]:,}, met {theirs[1]:,}, "
          f"refused {theirs[2]:,}, not met {theirs[3]:,}  "
          f"({'same' if ours == theirs else 'DIFFERENT'})")
    print(f"anchor    sqlite3 shell, LEAFLET-GIVEN only     median {anchor_median:6.2f} s  "
          f"({', '.join(f'{t:.2f}' for t in anchor_times)})")
    print(f"leaflet   report --format json, every duty      median {report_median:6.2f} s  "
          f"({', '.join(f'{t:.2f}' for t in report_times)})")
    print(f"ratio     {ratio:.2f}  (goals: leaflet ≤ {GOAL_SECONDS:g} s "
          f"{'met' if report_median <= GOAL_SECONDS else 'MISSED'}, ratio ≤ {GOAL_RATIO:g} "
          f"{'met' if ratio <= GOAL_RATIO else 'MISSED'}; {args.runs} runs each, interleaved)")
    failed = ours != theirs or (args.check and (report_median > GOAL_SECONDS
                                                or ratio > GOAL_RATIO))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
