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


def _cited():
    """Every dotted `leaflet.x.y` name and every repository path a docstring, a comment or a
    document cites: (where, name)."""
    import re

    sources = [p for p in (ROOT / "leaflet").rglob("*.py")]
    sources += list((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
    dotted = re.compile(r"(?<![\w/.])leaflet(?:\.[a-z_][a-z0-9_]*)+(?:\.[A-Z_][A-Za-z0-9_]*)?")
    paths = re.compile(r"(?<![\w/.-])((?:leaflet|tests|docs|templates|benchmarks)/"
                       r"[\w./-]+\.(?:py|md|j2|toml|css|js))")
    for source in sources:
        text = source.read_text(encoding="utf-8")
        where = source.relative_to(ROOT)
        for match in dotted.finditer(text):
            name = match.group(0).rstrip(".")
            if name.rsplit(".", 1)[-1] not in ("toml", "css", "j2", "html", "po", "pot"):
                yield where, name  # leaflet.toml and leaflet.css are files, not modules
        for match in paths.finditer(text):
            yield where, match.group(1)


def _resolves(name: str) -> bool:
    """A module, a package, or an attribute of one (leaflet.duties.rules.RULES)."""
    import ast

    if "/" in name:
        return (ROOT / name).exists()
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        base = ROOT.joinpath(*parts[:cut])
        module = base.with_suffix(".py") if not base.is_dir() else base / "__init__.py"
        if module.is_file():
            rest = parts[cut:]
            if not rest:
                return True
            tree = ast.parse(module.read_text(encoding="utf-8"))
            names = set()
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
                    names.add(node.name)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    names.add(node.id)
                elif isinstance(node, ast.alias):
                    names.add(node.asname or node.name.split(".")[0])
            return rest[0] in names
    return False


def test_every_module_and_file_the_code_and_the_docs_cite_exists():
    """A docstring that names leaflet.report.options after it moved sends the next engineer
    to a file that is not there."""
    missing = sorted({f"{where}: {name}" for where, name in _cited() if not _resolves(name)})
    assert missing == []
