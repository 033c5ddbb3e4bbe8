"""Finding and loading leaflet.toml: the folder, the file read as UTF-8 without a BOM or a
NUL byte, the TOML decoded, every value checked, each section parsed
(leaflet.workspace.sections)."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

from leaflet.errors import ConfigError
from leaflet.i18n import _
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
    # Translators: %(file)s is leaflet.toml, %(folder)s the folder searched from.
    raise ConfigError(_("no %(file)s in %(folder)s or any parent folder")
                      % {"file": WORKSPACE_FILE, "folder": here},
                      hint=_("run leaflet inside a workspace or pass --workspace DIR"))


def load_workspace(root: str | os.PathLike | None = None) -> Workspace:
    """Read and validate `<root>/leaflet.toml` (root found from the cwd when None)."""
    folder = Path(root).resolve() if root else find_workspace()
    path = folder / WORKSPACE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        # Translators: %(file)s is leaflet.toml.
        raise ConfigError(_("%(file)s not found") % {"file": WORKSPACE_FILE}, path=path,
                          hint=_("pass --workspace DIR pointing at a leaflet workspace")) \
            from None
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise ConfigError(_("not valid UTF-8"), path=path, line=line,
                          hint=_("save the file as UTF-8")) from None
    except OSError as exc:
        # Translators: %(reason)s is the system's reason, like "Permission denied".
        raise ConfigError(_("cannot read: %(reason)s") % {"reason": exc.strerror or exc},
                          path=path) from None
    problem = plain_text_problem(text)
    if problem:
        raise ConfigError(problem[0], path=path, line=problem[1], hint=problem[2])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        # Translators: %(reason)s is the TOML parser's own (English) message.
        raise ConfigError(_("not valid TOML: %(reason)s") % {"reason": exc}, path=path,
                          line=int(match.group(1)) if match else None) from None
    parser = _Parser(path, text)
    parser.check_text(data)
    return sections.workspace(parser, data)
