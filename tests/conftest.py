"""Shared fixtures: workspaces copied from the repository's own, so tests see real data."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent


def copy_workspace(dest: Path, languages: list[str] | None = None) -> Path:
    """A copy of the project's workspace (leaflet.toml, templates, translations) at `dest`."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "templates", dest / "templates")
    shutil.copytree(ROOT / "translations", dest / "translations")
    text = (ROOT / "leaflet.toml").read_text(encoding="utf-8")
    if languages is not None:
        listed = ", ".join(f'"{code}"' for code in languages)
        text = re.sub(r"(?ms)^languages = \[.*?\]$", f"languages = [{listed}]", text, count=1)
    (dest / "leaflet.toml").write_text(text, encoding="utf-8")
    return dest


def configured_languages() -> list[str]:
    from leaflet.workspace import load_workspace

    return list(load_workspace(ROOT).languages)


def invoke(workspace: Path, *args: str):
    """Run the `leaflet` CLI in-process against `workspace`."""
    from leaflet.cli import cli

    return CliRunner().invoke(cli, ["--workspace", str(workspace), *args],
                              catch_exceptions=False)


@pytest.fixture
def workspace(tmp_path) -> Path:
    return copy_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every configured language built once, shared by the read-only PDF checks."""
    ws = copy_workspace(tmp_path_factory.mktemp("built") / "ws")
    result = invoke(ws, "build")
    assert result.exit_code == 0, result.output
    import json

    manifest = json.loads((ws / "output" / "2026-12" / "manifest.json").read_text())
    return ws, manifest
