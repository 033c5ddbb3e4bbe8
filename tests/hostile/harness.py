"""The hostile-input table's one assertion: a one-line error, its exit code, nothing written.

Every case of tests/hostile/ runs the real `leaflet` command line in a process of its own (so
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


# The processes come from a fork server (multiprocessing's "forkserver"): one clean process
# per test worker that has imported the command line and what its commands load, and forks a
# child for each run. A child is what `python -m leaflet ARGS` is (its own process, state,
# file descriptors, environment, current folder and exit code: a traceback or a half-written
# file shows as it would), without the 0.15 s of imports a new interpreter pays for each of
# the suite's 300-odd hostile runs.
PRELOAD = ["hostile.harness", "leaflet.cli", "leaflet.edition.build", "leaflet.edition.plan",
           "leaflet.handover.store", "leaflet.report.query", "leaflet.stock.ledger", "polib",
           "jinja2", "sqlalchemy"]
_forks = None


def _fork_server():
    global _forks
    if _forks is None:
        import multiprocessing

        _forks = multiprocessing.get_context("forkserver")
        _forks.set_forkserver_preload(PRELOAD)
    return _forks


def _as_the_command_line(args, cwd, environ, stdin, out, err) -> None:
    """In the forked child: become `python -m leaflet ARGS` in `cwd` with `environ`, its
    standard streams on the files `stdin` (None: /dev/null), `out` and `err`; exit with the
    command's code."""
    import atexit
    import gc

    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(environ)
    for fd, path, flags in ((0, stdin or os.devnull, os.O_RDONLY),
                            (1, out, os.O_WRONLY | os.O_TRUNC),
                            (2, err, os.O_WRONLY | os.O_TRUNC)):
        opened = os.open(path, flags)
        os.dup2(opened, fd)
        os.close(opened)
    sys.stdin = open(0, encoding="utf-8", closefd=False)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
    from leaflet.cli import cli

    code = 0
    try:
        cli.main(list(args), prog_name="python -m leaflet")
    except SystemExit as exit:
        code = exit.code
        if isinstance(code, str):
            print(code, file=sys.stderr)
            code = 1
        code = 0 if code is None else code
    # What an interpreter's exit does: its exit functions run, and its objects are freed, so
    # that the log's connections close (SQLite removes its -wal and -shm files then).
    atexit._run_exitfuncs()
    from leaflet.storage.engine import dispose_engines

    dispose_engines()
    gc.collect()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None,
            stdin: str | None = None, timeout: float = 120) -> Outcome:
    """`leaflet ARGS` in a process of its own (a fork of a clean one), without LEAFLET_DEBUG."""
    import tempfile

    environ = dict(os.environ if env is None else env)
    environ.pop("LEAFLET_DEBUG", None)
    with tempfile.TemporaryDirectory(prefix="leaflet-run-") as tmp:
        out, err, given = (os.path.join(tmp, name) for name in ("out", "err", "in"))
        for path in (out, err):
            open(path, "wb").close()
        if stdin is not None:
            with open(given, "w", encoding="utf-8") as fh:
                fh.write(stdin)
        child = _fork_server().Process(
            target=_as_the_command_line,
            args=(args, str(cwd or os.getcwd()), environ, given if stdin is not None else None,
                  out, err))
        child.start()
        child.join(timeout)
        if child.exitcode is None:
            child.kill()
            child.join()
            raise subprocess.TimeoutExpired(["leaflet", *args], timeout)
        with open(out, encoding="utf-8", errors="replace") as fh:
            stdout = fh.read()
        with open(err, encoding="utf-8", errors="replace") as fh:
            stderr = fh.read()
    return Outcome(child.exitcode, stdout, stderr)


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
