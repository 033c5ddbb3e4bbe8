"""Project exceptions and exit codes.

Core code raises these; only the CLI turns them into messages and exit codes. Each error
carries where the problem is (file, line, field or option) and what to do about it, so the
one-line message is enough for a coordinator or an officer to act.
"""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    """Exit codes of the `leaflet` command, documented in README.md."""

    OK = 0
    FAILURE = 1  # a check failed, a build error, bad data in a file (LeafletError)
    USAGE = 2  # bad command-line usage or an invalid value for an option/record field


class LeafletError(Exception):
    """A problem the user can fix. `str()` is the one-line message shown to them."""

    exit_code = ExitCode.FAILURE

    def __init__(self, message: str, *, path: str | Path | None = None,
                 line: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path + (f":{self.line}" if self.line else "") + ": "
        tail = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{tail}"


class ConfigError(LeafletError):
    """leaflet.toml is missing, unreadable or has a wrong or missing field."""


class CatalogError(LeafletError):
    """A .po/.pot catalogue cannot be read or is not fit to build from."""


class TemplateError(LeafletError):
    """A Jinja template is broken or uses something the data does not define."""


class BuildError(LeafletError):
    """Rendering a leaflet failed."""


class UsageError(LeafletError):
    """A value given on the command line is not acceptable (exit code 2)."""

    exit_code = ExitCode.USAGE
