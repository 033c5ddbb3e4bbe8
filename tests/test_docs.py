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


def test_every_language_rule_of_the_term_check_is_explained():
    import tomllib

    rules = tomllib.loads((ROOT / "leaflet" / "languages" / "terms.toml").read_text("utf-8"))
    doc = (ROOT / "docs" / "translating.md").read_text(encoding="utf-8")
    table = doc[doc.index("## The term base"):doc.index("## Review: from draft")]
    for locale, rule in rules["languages"].items():
        assert locale.replace("_", "-") in table, locale
        assert rule["why"] in table, locale
