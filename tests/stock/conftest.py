"""Fixtures for printed stock: a coordinator's workspace and the log database it shares.

Every test taking `db_url` (tests/conftest.py) runs on SQLite and on PostgreSQL 15.
"""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from conftest import copy_workspace, mark_built, subprocess_env  # noqa: F401

PYTHON = sys.executable
from conftest import EDITION  # the edition of the project's leaflet.toml, which tests copy


class Coordinator:
    """Runs `leaflet` in-process against one workspace and one log database."""

    def __init__(self, workspace, url: str):
        self.workspace = workspace
        self.url = url

    def run(self, *args: str, workspace: bool = True):
        from leaflet.cli import cli

        where = ["--workspace", str(self.workspace)] if workspace else []
        return CliRunner().invoke(cli, [*where, *args, "--db", self.url],
                                  catch_exceptions=False)

    def ok(self, *args: str, workspace: bool = True):
        result = self.run(*args, workspace=workspace)
        assert result.exit_code == 0, result.output
        return result

    def handover(self, unit: str, language: str, *, edition: str | None = EDITION,
                 leaflet: str = "given", occurred_at: str = "2026-03-10T10:00:00+01:00",
                 amends: str | None = None) -> str:
        args = ["handover", "--service", "police", "--unit", unit, "--officer", "A1",
                "--assessment", "uncertain", "--residence-status", "unknown",
                "--person-language", language, "--leaflet", leaflet,
                "--centre-action", "none", "--occurred-at", occurred_at]
        if leaflet == "given":
            args += ["--leaflet-language", language]
            if edition:
                args += ["--edition", edition]
        elif leaflet == "refused":
            args += ["--note", "declined"]
        if amends:
            args += ["--amends", amends]
        # edition None: a desk without a workspace, recording no edition
        return self.ok(*args, workspace=edition is not None).stdout.strip()

    def status(self, *args: str) -> dict:
        return json.loads(self.ok("stock", "status", "--format", "json", *args).stdout)

    def on_hand(self, *args: str) -> dict[tuple, int]:
        """{(unit, language, edition): on hand} from `stock status --format json`."""
        return {(r["unit"], r["language"], r["edition"]): r["on_hand"]
                for r in self.status(*args)["rows"]}


# The languages the coordinator's workspace builds: stock is counted, and hand-overs are
# recorded, only as leaflets the workspace has built (docs/stock.md).
LANGUAGES = ["en", "fr", "ro", "ti"]


@pytest.fixture
def coordinator(tmp_path, db_url) -> Coordinator:
    workspace = copy_workspace(tmp_path / "ws", languages=LANGUAGES)
    mark_built(workspace, EDITION, LANGUAGES)
    return Coordinator(workspace, db_url)
