"""The house has one direction: rooms below, flows above, skins on top (docs/architecture.md).

The import-linter contract in pyproject.toml says which package may import which; grimp reads
every import statement, those inside functions too, so a lazy import cannot hide a back-edge.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def lint(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"})


def test_the_rooms_depend_one_way():
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 kept, 0 broken" in done.stdout


def test_a_back_edge_inside_a_function_breaks_the_contract(tmp_path):
    """The contract is not vacuous: a helper that imports the CLI inside a function, as a
    lazy import would, breaks it."""
    shutil.copytree(ROOT / "leaflet", tmp_path / "leaflet",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    errors = tmp_path / "leaflet" / "errors.py"
    errors.write_text(errors.read_text() + "\n\ndef _sneak():\n    from leaflet.cli import cli\n"
                      "    return cli\n")
    done = lint(tmp_path)
    assert done.returncode == 1, done.stdout
    assert "leaflet.errors -> leaflet.cli" in done.stdout


def package_graph() -> dict[str, set[str]]:
    """Package -> the packages it imports, imports inside functions included (the picture
    ../shared/tools/package-graph draws)."""
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "leaflet").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        package = parts[1] if len(parts) > 2 else parts[1].removesuffix(".py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                bits = name.split(".")
                if bits[0] == "leaflet" and len(bits) > 1 and bits[1] != package:
                    graph.setdefault(package, set()).add(bits[1])
    return graph


def test_the_packages_form_no_cycle():
    graph = package_graph()
    seen, stack = set(), []

    def visit(node):
        if node in stack:
            raise AssertionError("cycle: " + " -> ".join(stack[stack.index(node):] + [node]))
        if node in seen:
            return
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            visit(other)
        stack.pop()
        seen.add(node)

    for node in sorted(graph):
        visit(node)
    assert "storage" in graph and not graph["storage"] & {"handover", "report", "stock"}


def test_no_function_is_longer_than_a_hundred_lines():
    long = []
    for path in (ROOT / "leaflet").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > 100:
                    long.append(f"{path.relative_to(ROOT)}:{node.name} {length}")
    assert long == []
