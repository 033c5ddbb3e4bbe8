"""Asking for a report the wrong way gets a one-line answer that says what to do; a report only
ever reads the log."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import ROOT

from . import encounters as fx


@pytest.fixture
def log_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    fx.write_log(url, tmp_path)
    yield url
    from leaflet.storage.engine import dispose_engines

    dispose_engines()


def report(url, *args, workspace=None):
    return fx.run(["report", *args], url, workspace=workspace)


@pytest.mark.parametrize("args, message", [
    (["--from", "1/10/2025"], "--from '1/10/2025' is not a calendar day (YYYY-MM-DD)"),
    (["--to", "2025-10-01T00:00"], "--to '2025-10-01T00:00' is not a calendar day"),
    (["--from", "2025-10-01", "--to", "2025-10-01"], "--to 2025-10-01 is not after --from"),
    (["--table", "editions"], "--table chooses the table of --format csv"),
    (["--by", "week"], "'week' is not one of"),
])
def test_bad_usage_is_exit_code_2_naming_the_option(log_url, args, message):
    result = report(log_url, *args)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_html_needs_a_workspace_for_its_template(log_url):
    result = report(log_url, "--format", "html")
    assert result.exit_code == 2
    assert "templates/report.html.j2" in result.output and "--workspace" in result.output


def test_no_log_there_is_a_failure_and_nothing_is_created(tmp_path):
    missing = tmp_path / "nowhere.sqlite3"
    result = report(str(missing))
    assert result.exit_code == 1
    assert f"no hand-over log at {missing}" in result.output
    assert not missing.exists()


def test_a_database_without_a_log_or_at_another_version_is_refused(tmp_path, log_url):
    import sqlite3

    empty = tmp_path / "empty.sqlite3"
    sqlite3.connect(empty).close()
    result = report(f"sqlite:///{empty}")
    assert result.exit_code == 1 and f"no hand-over log at {empty}" in result.output
    assert "empty" in result.output and empty.stat().st_size == 0

    path = log_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as con:
        con.execute("INSERT INTO leaflet_schema VALUES (99, 'from the future', '2030')")
    result = report(log_url)
    assert result.exit_code == 1
    assert "schema version 99" in result.output and "upgrade leaflet" in result.output


def test_a_bad_time_zone_names_the_line_of_leaflet_toml(log_url, tmp_path):
    from conftest import copy_workspace

    workspace = copy_workspace(tmp_path / "ws")
    toml = workspace / "leaflet.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('timezone = "Europe/Brussels"', 'timezone = "Europe/Gent"'),
                    encoding="utf-8")
    assert 'timezone = "Europe/Gent"' in toml.read_text(encoding="utf-8")
    result = report(log_url, workspace=workspace)
    assert result.exit_code == 1
    line = next(n for n, row in enumerate(toml.read_text().splitlines(), 1)
                if row.startswith("timezone"))
    assert f"leaflet.toml:{line}: [report] timezone 'Europe/Gent'" in result.output


def test_an_empty_log_reports_zeros_and_no_rates(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty-log.sqlite3'}"
    assert fx.run(["db", "upgrade"], url).exit_code == 0
    result = report(url, "--format", "json", "--by", "month")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["encounters"] == 0 and data["groups"] == [] and data["violations"] == []
    assert all(r["applicable"] == 0 and r["rate"] is None for r in data["rules"])
    assert data["log"] == {"records": 0, "head": None}


def test_the_report_reads_only(log_url, tmp_path):
    before = fx.run(["log", "verify"], log_url).stdout
    out = tmp_path / "out" / "r.json"
    result = report(log_url, "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stderr and json.loads(out.read_text())["encounters"] == 16
    assert fx.run(["log", "verify"], log_url).stdout == before


def test_the_command_loads_nothing_heavy_before_it_runs():
    """`leaflet --help` must not pay for the report (SQLAlchemy, WeasyPrint, Jinja)."""
    code = ("import sys; from click.testing import CliRunner; from leaflet.cli import cli; "
            "r = CliRunner().invoke(cli, ['report', '--help']); assert r.exit_code == 0; "
            "print(sorted(m for m in ('sqlalchemy', 'weasyprint', 'jinja2', "
            "'leaflet.report.query') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


def test_the_options_offer_what_the_core_knows():
    """The command's choices are the core's own (leaflet.report.choices, read at `--help`
    without anything heavy), and the core refuses what they do not list."""
    import click

    from leaflet.cli.report_cmd import report
    from leaflet.report import choices

    options = {p.name: p for p in report.params}
    assert tuple(options["fmt"].type.choices) == choices.FORMATS
    assert tuple(options["by"].type.choices) == choices.BY
    assert tuple(options["table"].type.choices) == choices.CSV_TABLES
    assert isinstance(options["by"].type, click.Choice)
