"""The desk's command stays light: `leaflet handover` never imports WeasyPrint (nor, on an
existing SQLite log, SQLAlchemy), and `leaflet --help` imports neither."""

from __future__ import annotations

from conftest import cli_imports

from .conftest import GOOD, options, subprocess_env


def run_probe(tmp_path, *args):
    modules, stdout, _ = cli_imports(tmp_path, *args, cwd=tmp_path,
                                     env=subprocess_env(XDG_DATA_HOME=str(tmp_path / "xdg")))
    return modules, stdout


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
