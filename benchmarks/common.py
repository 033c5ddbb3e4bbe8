"""Helpers shared by the benchmark scripts (run as `python benchmarks/NAME.py`)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def leaflet_command() -> list[str]:
    """The `leaflet` console script of this interpreter's environment."""
    script = Path(sys.executable).with_name("leaflet")
    return [str(script)] if script.exists() else [sys.executable, "-m", "leaflet"]


def timed(command: list[str], env: dict) -> float:
    """Wall time of one run of `command` (stdin closed, stdout discarded)."""
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdin=subprocess.DEVNULL,
                   stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start
