"""The desk's command stays light: `leaflet handover` never imports WeasyPrint (nor, on an
existing SQLite log, SQLAlchemy), and `leaflet --help` imports neither."""

from __future__ import annotations

import json
import subprocess

from .conftest import GOOD, PYTHON, options, subprocess_env

PROBE = """
import json, sys
from leaflet.cli import cli
try:
    cli.main(sys.argv[2:], prog_name="leaflet")
except SystemExit as exit:
    code = exit.code
with open(sys.argv[1], "w") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules)}, fh)
"""


def run_probe(tmp_path, *args):
    out = tmp_path / "modules.json"
    done = subprocess.run([PYTHON, "-c", PROBE, str(out), *args], capture_output=True,
                          text=True, stdin=subprocess.DEVNULL, cwd=tmp_path,
                          env=subprocess_env(XDG_DATA_HOME=str(tmp_path / "xdg")))
    assert out.exists(), done.stderr
    result = json.loads(out.read_text())
    assert result["code"] in (0, None), done.stderr
    return set(result["modules"]), done.stdout


def test_handover_never_imports_weasyprint(log, tmp_path, backend):
    args = ["handover", *options(GOOD), "--db", log.url]
    first, _ = run_probe(tmp_path, *args)  # creates the log
    again, stdout = run_probe(tmp_path, *args)
    for modules in (first, again):
        assert not {m for m in modules if m.split(".")[0] in ("weasyprint", "fontTools",
                                                               "jinja2", "polib")}
    if backend == "sqlite":
        # An existing SQLite log is appended to with the standard library alone.
        assert "sqlalchemy" not in again
    assert log.count() == 2
    assert stdout.strip() == log.ids()[-1]


def test_help_imports_no_heavy_library(tmp_path):
    modules, stdout = run_probe(tmp_path, "--help")
    assert "handover" in stdout and "log" in stdout
    assert not {m for m in modules if m.split(".")[0] in ("weasyprint", "sqlalchemy", "babel",
                                                           "fontTools", "jinja2")}
