"""Fixtures for printed stock: a coordinator's workspace and the log database it shares.

Every test taking `db_url` (tests/conftest.py) runs on SQLite and on PostgreSQL 15.
"""

from __future__ import annotations

import json
import os
import sys

import pytest
from click.testing import CliRunner

from conftest import copy_workspace, isolated_desk

PYTHON = sys.executable
from conftest import EDITION  # the edition of the project's leaflet.toml, which tests copy


@pytest.fixture(autouse=True)
def desk(monkeypatch, tmp_path):
    """No settings from the environment: no LEAFLET_* variables, a private data folder."""
    return isolated_desk(monkeypatch, tmp_path,
                         [n for n in os.environ if n.startswith("LEAFLET_")])


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


def built_edition(workspace, edition: str, languages: list[str]) -> None:
    """Mark the leaflets `languages` of `edition` as built in `workspace`, as `leaflet build`
    leaves them: listed in output/<edition>/manifest.json, with their (dummy) PDF."""
    folder = workspace / "output" / edition
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"edition": edition, "languages": {}}
    for code in languages:
        (folder / f"{code}.pdf").write_bytes(b"%PDF-1.7\n")
        manifest["languages"][code] = {"pdf": f"{code}.pdf"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture
def coordinator(tmp_path, db_url) -> Coordinator:
    workspace = copy_workspace(tmp_path / "ws", languages=LANGUAGES)
    built_edition(workspace, EDITION, LANGUAGES)
    return Coordinator(workspace, db_url)


def subprocess_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEAFLET_")}
    env.update(extra)
    return env
