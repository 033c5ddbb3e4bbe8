"""Docs are tested: every command has help with an example and appears in the README."""

from __future__ import annotations

import click

from conftest import ROOT


def all_commands():
    from leaflet.cli import cli

    def walk(group, prefix):
        for name, command in group.commands.items():
            path = f"{prefix} {name}".strip()
            if isinstance(command, click.Group):
                yield from walk(command, path)
            else:
                yield path, command

    return list(walk(cli, ""))


def test_every_command_is_in_the_readme_and_has_an_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path, command in all_commands():
        assert f"leaflet {path}" in readme, f"`leaflet {path}` is not in README.md"
        assert "Example:" in (command.help or ""), f"`leaflet {path}` help has no example"
