"""How long a desk waits for `leaflet handover`, against Python's own floor.

Runs, interleaved in the same session, a non-interactive `leaflet handover` into an existing
SQLite log and the anchor `python -c "import click, sqlite3"` (the least any click command
writing to SQLite can cost), and prints both medians and their ratio. Goal: ratio ≤ 3.

    python benchmarks/handover.py [--runs 21] [--check] [--importtime]

--check exits 1 when the ratio is above the goal; --importtime prints the slowest imports of
one hand-over (python -X importtime), the first place to look when the ratio grows.
The workspace is the repository's own leaflet.toml, as at a desk with a workspace, copied
into a temporary folder whose output/<edition>/ lists the Tigrinya leaflet as built (the
hand-over refuses a leaflet the workspace never built; a real build is not what is timed).
"""

from __future__ import annotations

import argparse
import json
import os
import tomllib
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import leaflet_command, timed

ROOT = Path(__file__).resolve().parent.parent
GOAL = 3.0
HANDOVER = ["handover", "--service", "police", "--unit", "PZ-5339", "--officer", "A1234",
            "--assessment", "uncertain", "--residence-status", "unknown",
            "--person-language", "ti", "--person-language", "ar-MA", "--leaflet", "given",
            "--leaflet-language", "ti", "--centre-action", "contact_arranged",
            "--centre", "payoke"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--importtime", action="store_true")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="leaflet-bench-"))
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
        workspace = folder / "ws"
        workspace.mkdir()
        shutil.copy(ROOT / "leaflet.toml", workspace / "leaflet.toml")
        edition = tomllib.loads((ROOT / "leaflet.toml").read_text("utf-8"))["edition"]["id"]
        built = workspace / "output" / edition
        built.mkdir(parents=True)
        (built / "ti.pdf").write_bytes(b"%PDF-1.7\n")
        (built / "manifest.json").write_text(json.dumps(
            {"edition": edition, "languages": {"ti": {"pdf": "ti.pdf"}}}), encoding="utf-8")
        env.update(LEAFLET_DB=str(folder / "log.sqlite3"), LEAFLET_WORKSPACE=str(workspace))
        handover = leaflet_command() + HANDOVER
        anchor = [sys.executable, "-c", "import click, sqlite3"]
        # Warm up: the first hand-over creates the log (through SQLAlchemy), and both
        # commands get their bytecode cached, as on a desk that has run them before.
        for _ in range(2):
            timed(handover, env)
            timed(anchor, env)
        anchor_times, handover_times = [], []
        for _ in range(args.runs):
            anchor_times.append(timed(anchor, env))
            handover_times.append(timed(handover, env))
        anchor_median = statistics.median(anchor_times)
        handover_median = statistics.median(handover_times)
        ratio = handover_median / anchor_median
        print(f"anchor   python -c 'import click, sqlite3'  median {anchor_median * 1000:6.1f} ms")
        print(f"leaflet  handover (SQLite, existing log)    median {handover_median * 1000:6.1f} ms")
        print(f"ratio    {ratio:.2f}  (goal ≤ {GOAL:g}; {args.runs} runs each, interleaved)")

        if args.importtime:
            done = subprocess.run([sys.executable, "-X", "importtime", "-m", "leaflet",
                                   *HANDOVER], env=env, stdin=subprocess.DEVNULL,
                                  capture_output=True, text=True, cwd=ROOT)
            rows = []
            for line in done.stderr.splitlines():
                parts = line.split("|")
                if line.startswith("import time:") and parts[1].strip().isdigit():
                    rows.append((int(parts[1]), parts[2].rstrip()))
            print("slowest imports (cumulative µs):")
            for micros, name in sorted(rows, reverse=True)[:15]:
                print(f"  {micros:8d}  {name}")
        return 1 if args.check and ratio > GOAL else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
