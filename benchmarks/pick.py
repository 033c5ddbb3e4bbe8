"""How long the desk waits for `leaflet pick`, against `leaflet --version` in the same run.

`leaflet --version` is the floor of every command (Python, click, the command group); the
difference is what picking costs: loading the cached CLDR index, RapidFuzz, the workspace
and the manifest, and matching the query against ~90,000 names. Both run interleaved, as
new processes, in the same session, so a noisy neighbour hits both. Goal: the matcher adds
at most 250 ms (median).

    python benchmarks/pick.py [--runs 21] [--query tigrinya] [--check] [--cold]

The index cache is warmed first (as on a desk that has picked before); --cold also times
one pick with an empty cache (building the index from every CLDR locale). --check exits 1
when the goal is missed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from common import leaflet_command, timed

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 250.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--query", default="tigrinya")
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="leaflet-bench-") as cache:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
        env.update(LEAFLET_WORKSPACE=str(ROOT), LEAFLET_CACHE_DIR=cache)
        pick = leaflet_command() + ["pick", args.query]
        version = leaflet_command() + ["--version"]
        cold = timed(pick, env)  # builds the index into the empty cache
        for _ in range(2):  # warm: bytecode, page cache
            timed(pick, env)
            timed(version, env)
        picks, versions = [], []
        for _ in range(args.runs):
            versions.append(timed(version, env))
            picks.append(timed(pick, env))
        index_files = list(Path(cache).glob("*.pickle"))
        index_kb = sum(p.stat().st_size for p in index_files) // 1024

    pick_ms = statistics.median(picks) * 1000
    version_ms = statistics.median(versions) * 1000
    added = pick_ms - version_ms
    print(f"anchor   leaflet --version              median {version_ms:6.1f} ms")
    print(f"leaflet  pick {args.query:<18}        median {pick_ms:6.1f} ms")
    print(f"added    {added:6.1f} ms  (goal ≤ {GOAL_MS:g} ms; ratio {pick_ms / version_ms:.2f}; "
          f"{args.runs} runs each, interleaved)")
    print(f"index    {index_kb} KB in the cache folder")
    if args.cold:
        print(f"cold     first pick with an empty cache (builds the index): {cold:.2f} s")
    if args.check and added > GOAL_MS:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
