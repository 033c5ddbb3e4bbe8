"""Finding and loading leaflet.toml: the folder, the file read as UTF-8 without a BOM or a
NUL byte, the TOML decoded, every value checked, each section parsed
(leaflet.workspace.sections)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from leaflet.errors import ConfigError
from leaflet.textsafety import plain_text_problem
from leaflet.workspace import sections
from leaflet.workspace.model import WORKSPACE_FILE, Workspace
from leaflet.workspace.parser import _Parser


def find_workspace(start: str | os.PathLike | None = None) -> Path:
    """The folder holding leaflet.toml: `start` itself, or the nearest parent of it."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / WORKSPACE_FILE).is_file():
            return folder
    raise ConfigError(f"no {WORKSPACE_FILE} in {here} or any parent folder",
                      hint="run leaflet inside a workspace or pass --workspace DIR")


def load_workspace(root: str | os.PathLike | None = None) -> Workspace:
    """Read and validate `<root>/leaflet.toml` (root found from the cwd when None)."""
    folder = Path(root).resolve() if root else find_workspace()
    path = folder / WORKSPACE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{WORKSPACE_FILE} not found", path=path,
                          hint="pass --workspace DIR pointing at a leaflet workspace") from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise ConfigError("not valid UTF-8", path=path, line=line,
                          hint="save the file as UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path=path) from None
    problem = plain_text_problem(text)
    if problem:
        raise ConfigError(problem[0], path=path, line=problem[1], hint=problem[2])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise ConfigError(f"not valid TOML: {exc}", path=path,
                          line=int(match.group(1)) if match else None) from None
    parser = _Parser(path, text)
    parser.check_text(data)
    return sections.workspace(parser, data)
