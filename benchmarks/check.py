"""Benchmark of `leaflet check` over every configured language, layout fit included.

Prints its median wall time, and for scale the median cold `leaflet build` of the same
languages measured in the same run (the check renders every language once too, without
writing PDFs). Usage: .venv/bin/python benchmarks/check.py [--rounds N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LEAFLET = [sys.executable, "-m", "leaflet"]


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        ws.mkdir()
        for name in ("templates", "translations"):
            shutil.copytree(ROOT / name, ws / name)
        shutil.copy(ROOT / "leaflet.toml", ws / "leaflet.toml")
        checks, builds = [], []
        for _ in range(args.rounds):
            checks.append(timed([*LEAFLET, "-w", str(ws), "check"]))
            shutil.rmtree(ws / "output", ignore_errors=True)
            builds.append(timed([*LEAFLET, "-w", str(ws), "build"]))
        languages = len(list((ws / "output").rglob("*.pdf")))
    check_s, build_s = statistics.median(checks), statistics.median(builds)
    print(f"languages:             {languages}")
    print(f"leaflet check (all):   {check_s:.2f} s (median of {args.rounds}, layout included)")
    print(f"leaflet build (cold):  {build_s:.2f} s (median of {args.rounds})")
    print(f"ratio check/build:     {check_s / build_s:.2f}")


if __name__ == "__main__":
    main()
