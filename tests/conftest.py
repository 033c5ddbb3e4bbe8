"""Shared fixtures: workspaces copied from the repository's own, so tests see real data."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


def _edition() -> tuple[str, str]:
    import tomllib

    data = tomllib.loads((ROOT / "leaflet.toml").read_text(encoding="utf-8"))["edition"]
    return data["id"], data["date"].isoformat()


# The [edition] of the project's leaflet.toml, which every workspace copy carries.
EDITION, EDITION_DATE = _edition()


def copy_workspace(dest: Path, languages: list[str] | None = None) -> Path:
    """A copy of the project's workspace (leaflet.toml, templates, translations) at `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copytree(ROOT / "translations", dest / "translations")
    shutil.copyfile(ROOT / "leaflet.toml", dest / "leaflet.toml")
    if languages is not None:
        set_languages(dest, languages)
    return dest


def set_languages(workspace: Path, languages: list[str]) -> None:
    """Make `languages` the [build] languages of `workspace`'s leaflet.toml."""
    toml = workspace / "leaflet.toml"
    listed = ", ".join(f'"{code}"' for code in languages)
    text = re.sub(r"(?ms)^languages = \[.*?\]$", f"languages = [{listed}]",
                  toml.read_text(encoding="utf-8"), count=1)
    toml.write_text(text, encoding="utf-8")


# Runs the CLI in a fresh interpreter and records what it imported: the guard that heavy
# libraries (WeasyPrint, SQLAlchemy, CLDR tables) load only where they are needed.
_PROBE = """
import json, sys
from leaflet.cli import cli
try:
    cli.main(sys.argv[2:], prog_name="leaflet")
except SystemExit as exit:
    code = exit.code
with open(sys.argv[1], "w") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules)}, fh)
"""


def cli_imports(tmp_path: Path, *args: str, env: dict | None = None,
                cwd: Path | None = None) -> tuple[set[str], str, str]:
    """(modules imported, stdout, stderr) of `leaflet ARGS` run in a new interpreter.

    The set holds every module name and every top-level package name, so both
    `"weasyprint" in modules` and `"leaflet.languages.cldr" in modules` ask the right thing.
    """
    import json
    import sys

    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", _PROBE, str(out), *args],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          cwd=cwd or ROOT, env=env if env is not None else dict(os.environ))
    assert out.exists(), done.stderr
    result = json.loads(out.read_text())
    assert result["code"] in (0, None), done.stdout + done.stderr
    modules = set(result["modules"])
    return modules | {m.split(".")[0] for m in modules}, done.stdout, done.stderr


def configured_languages() -> list[str]:
    from leaflet.workspace import load_workspace

    return list(load_workspace(ROOT).languages)


def invoke(workspace: Path, *args: str):
    """Run the `leaflet` CLI in-process against `workspace`."""
    from leaflet.cli import cli

    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args],
                              catch_exceptions=False)


def mark_reviewed(workspace: Path, code: str, reviewer: str = "A. Reviewer, Test Centre",
                  date: str = "2026-11-20") -> None:
    """Review `code` the only way that counts: `leaflet catalog review` (check must pass)."""
    result = invoke(workspace, "catalog", "review", code, "--reviewer", reviewer,
                    "--date", date)
    assert result.exit_code == 0, result.output


@pytest.fixture
def workspace(tmp_path) -> Path:
    return copy_workspace(tmp_path / "ws")


def shared_once(tmp_path_factory, name: str, make) -> Path:
    """`make(folder)` run once for the whole test run, also when pytest-xdist runs the tests
    in several processes: the first worker makes it under a lock, in a folder every worker
    sees, and the others wait for it and use it as it is (read only)."""
    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    root = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = root / f"shared-{name}"
    with FileLock(str(root / f"shared-{name}.lock")):
        done = folder / ".done"
        if not done.exists():
            if folder.exists():
                shutil.rmtree(folder)  # a run that failed half-way
            folder.mkdir()
            make(folder)
            done.write_text("ok", encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every configured language built once, shared by the read-only PDF checks. A test
    that builds more (the site) copies it first: nothing writes where the others read."""
    import json

    def make(folder):
        ws = copy_workspace(folder / "ws")
        result = invoke(ws, "build")
        assert result.exit_code == 0, result.output

    ws = shared_once(tmp_path_factory, "built", make) / "ws"
    manifest = json.loads((ws / "output" / EDITION / "manifest.json").read_text())
    return ws, manifest


# The modules that take longest (`--durations`, on 2 cores), longest first. .ci/test hands
# modules to the workers in collection order (--dist loadscope --no-loadscope-reorder), so
# these start at once, side by side, and the short ones fill in after them (xdist's own order,
# most tests first, started the site's module, two minutes and more, near the end of the run).
LONGEST_FIRST = [
    "tests/test_site.py",  # the build its audio needs, then the audio
    "tests/handover/test_concurrency.py",
    "tests/station/test_hardening.py",
    "tests/test_edition_build.py",
    "tests/test_review.py",
    "tests/hostile/test_edition_hostile.py",
    "tests/test_check.py",
    "tests/test_edition3.py",
    "tests/stock/test_order_folders.py",
]


def _longest_first(item) -> int:
    path = item.nodeid.split("::")[0]
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config, items):
    """The longest modules first (LONGEST_FIRST). Mark what a test needs: PostgreSQL (the
    `postgresql` backend, or the admin server), a real browser (Chromium), so that
    `-m "not postgres"` or `-m "not browser"` make an inner loop; `slow` (more than about ten
    seconds on 2 cores, or sharing a fixture that does: the site and its audio, the
    concurrency and load tests, whole rebuilds, the kiosk's idle wait) is set by the tests
    themselves, and `-m "not slow"` leaves them out."""
    items.sort(key=_longest_first)  # stable: the order within a module is kept
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        if (callspec is not None and callspec.params.get("backend") == "postgresql") or \
                {"postgres_admin", "postgres_admin_url", "empty_postgres"} & names:
            item.add_marker(pytest.mark.postgres)
        if {"driver", "driver_without_js", "chromium_page"} & names or \
                item.module.__name__.endswith(("test_browser", "test_accessibility")):
            item.add_marker(pytest.mark.browser)


# Log databases: every test that takes `db_url` runs on SQLite and on a real PostgreSQL 15.
# The server comes from LEAFLET_TEST_POSTGRES_URL (an admin URL on a throwaway cluster, as
# `.ci/pg-start` prints it); when that is unset, `.ci/pg-start` runs once per session and
# the cluster stops at the end. No PostgreSQL is a failure, never a skip.

# --- PostgreSQL ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def postgres_admin_url():
    url = os.environ.get("LEAFLET_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    started = subprocess.run([str(ROOT / ".ci" / "pg-start"), "leaflet_admin"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        pytest.fail("no PostgreSQL for the tests: set LEAFLET_TEST_POSTGRES_URL or make "
                    f".ci/pg-start work:\n{started.stderr}", pytrace=False)
    url, base = started.stdout.split("\n")[:2]
    try:
        yield url
    finally:
        subprocess.run([str(ROOT / ".ci" / "pg-stop"), base], check=False)


@pytest.fixture(scope="session")
def postgres_admin(postgres_admin_url):
    import sqlalchemy as sa

    engine = sa.create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _fresh_postgres_database(admin) -> tuple[str, str]:
    import sqlalchemy as sa

    name = f"leaflet_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        # FILE_COPY: the template copied as files, not through the WAL (PostgreSQL 15's
        # default): 18 ms instead of 56 ms a database on the tests' fsync-off cluster.
        conn.execute(sa.text(f'CREATE DATABASE "{name}" STRATEGY = FILE_COPY'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    return name, url


def _drop_postgres_database(admin, name: str) -> None:
    import sqlalchemy as sa

    from leaflet.storage.engine import dispose_engines

    dispose_engines()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- the backend every test runs on ----------------------------------------------------------

@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    return request.param


def _new_database(backend, tmp_path, request, sqlite_name: str):
    """A new, empty database on the test's backend; dropped (or disposed) afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / sqlite_name}"
        from leaflet.storage.engine import dispose_engines

        dispose_engines()
        return
    admin = request.getfixturevalue("postgres_admin")
    name, url = _fresh_postgres_database(admin)
    try:
        yield url
    finally:
        _drop_postgres_database(admin, name)


@pytest.fixture
def db_url(backend, tmp_path, request):
    """A new, empty log database on the test's backend (nothing created in it yet)."""
    yield from _new_database(backend, tmp_path, request, "log.sqlite3")


@pytest.fixture
def other_db_url(backend, tmp_path, request):
    """A second database on the same backend (a central log to merge into)."""
    yield from _new_database(backend, tmp_path, request, "central.sqlite3")


# --- a desk with no settings of its own, for every test ---------------------------------------

DESK_VARIABLES = ("LEAFLET_DB", "LEAFLET_UNIT", "LEAFLET_OFFICER", "LEAFLET_SERVICE",
                  "LEAFLET_WORKSPACE")


# The test run's own settings, not a desk's: the PostgreSQL server of the tests, the CLDR
# index cache a module shares.
KEPT = ("LEAFLET_TEST_POSTGRES_URL", "LEAFLET_CACHE_DIR")


def isolated_desk(monkeypatch, folder) -> Path:
    """No LEAFLET_* variable from the environment, private data and config folders (the
    default log, the station's key), and a fresh current folder (so no leaflet.toml is found
    from it), all in `folder` (not a test's tmp_path, whose contents tests count): what the
    machine running the tests has set never leaks into a test."""
    tmp_path = Path(folder)
    for name in [n for n in os.environ if n.startswith("LEAFLET_") and n not in KEPT]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("LEAFLET_STATION_KEY_FILE", str(tmp_path / "station.key"))
    home = tmp_path / "current"
    home.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(home)
    return home


@pytest.fixture(autouse=True)
def desk(monkeypatch, tmp_path_factory) -> Path:
    """Every test runs at an isolated desk (isolated_desk), in a folder of its own beside
    the test's tmp_path."""
    return isolated_desk(monkeypatch, tmp_path_factory.mktemp("desk"))


# An argon2 hash costs about 0.2 s of CPU, by design; the suite computes hundreds (an account
# per test, a login per request) where the cost is not the subject: in this process they are
# argon2id at the lowest cost. A station started as its own process (station/browser.py
# Server) keeps the real parameters, and so does a test marked `real_password_hashing`
# (the one that times a refusal).
FAST_PASSWORD_HASHING = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


@pytest.fixture(autouse=True)
def fast_password_hashing(request, monkeypatch):
    if request.node.get_closest_marker("real_password_hashing") is None:
        monkeypatch.setattr("leaflet.station.accounts.PASSWORD_HASHING", FAST_PASSWORD_HASHING)


def subprocess_env(**extra) -> dict:
    """The environment of a `leaflet` run in a new interpreter: no LEAFLET_* variable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
    env.update(extra)
    return env


def mark_built(workspace: Path, edition: str, codes) -> Path:
    """Mark the leaflets `codes` of `edition` as built in `workspace`, as `leaflet build`
    leaves them: an entry in output/<edition>/manifest.json and its (dummy) PDF."""
    import json

    out = workspace / "output" / edition
    out.mkdir(parents=True, exist_ok=True)
    manifest = out / "manifest.json"
    data = (json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists()
            else {"edition": edition, "languages": {}})
    for code in codes:
        (out / f"{code}.pdf").write_bytes(b"%PDF-1.7\n")
        data["languages"][code] = {"pdf": f"{code}.pdf"}
    manifest.write_text(json.dumps(data), encoding="utf-8")
    return manifest
