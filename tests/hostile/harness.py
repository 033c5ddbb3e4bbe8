"""The hostile-input table's one assertion: a one-line error, its exit code, nothing written.

Every case of tests/hostile/ runs the real `leaflet` command line in a fresh interpreter (so
a traceback is seen exactly as a user would see it, and LEAFLET_DEBUG is not set) and checks
four things: the exit code; stderr is one line naming the file, line or option (`where`);
no traceback anywhere; and no file under the watched folders was created, changed or
removed (no PDF, no print file, no record, no database file).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


def snapshot(*folders: Path) -> dict[str, str]:
    """path -> sha256 of every file below `folders` (folders as entries too)."""
    seen: dict[str, str] = {}
    for folder in folders:
        if not folder.exists():
            continue
        if folder.is_file():
            seen[str(folder)] = hashlib.sha256(folder.read_bytes()).hexdigest()
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_dir():
                seen[str(path)] = "<dir>"
            elif path.is_file():
                seen[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            stdin: str | None = None, timeout: float = 120) -> Outcome:
    """`leaflet ARGS` in a new interpreter, without LEAFLET_DEBUG."""
    environ = dict(os.environ if env is None else env)
    environ.pop("LEAFLET_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "leaflet", *args], capture_output=True,
                          text=True, cwd=cwd, env=environ, timeout=timeout,
                          input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)
    return Outcome(done.returncode, done.stdout, done.stderr)


def assert_refused(outcome: Outcome, code: int, where: str, *, before: dict | None = None,
                   after: dict | None = None, message: str | None = None) -> None:
    """The common assertion of the table (see the module docstring).

    `where` is a regular expression the error line must match (the file, line or option);
    `message` another one, for what the line must say.
    """
    shown = f"exit {outcome.code}\nstdout: {outcome.stdout}\nstderr: {outcome.stderr}"
    assert outcome.code == code, shown
    assert "Traceback" not in outcome.stderr + outcome.stdout, shown
    assert "internal error" not in outcome.stderr + outcome.stdout, shown
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error")]
    assert len(errors) == 1, shown
    assert re.search(where, errors[0]), f"{where!r} not in the error line\n{shown}"
    if message is not None:
        assert re.search(message, errors[0], re.I), f"{message!r} not in the error\n{shown}"
    assert len(errors[0]) < 600, f"error line too long ({len(errors[0])} chars)\n{shown}"
    if before is not None:
        assert after is not None
        created = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
        assert not (created or removed or changed), (
            f"files touched: created {created}, removed {removed}, changed {changed}\n{shown}")
