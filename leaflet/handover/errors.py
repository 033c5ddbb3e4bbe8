"""The hand-over log's exceptions: what the CLI turns into one-line messages and exit codes.

A record that breaks the format is bad usage (exit code 2) and says which field, and for an
import which line, is wrong. A broken hash chain, a database at the wrong schema version or a
database that cannot be opened are failures (exit code 1) that say what to do next.
"""

from __future__ import annotations

from leaflet.duties.record import RecordError
from leaflet.errors import LeafletError, UsageError
from leaflet.i18n import _


class ImportRefused(UsageError):
    """An import file has bad lines; nothing was imported. One message line per bad line."""

    MAX_LISTED = 20

    def __init__(self, path: str, errors: list[RecordError]):
        self.errors = errors
        lines = sorted({e.line for e in errors if e.line})
        numbers = ", ".join(map(str, lines[:50])) + (", …" if len(lines) > 50 else "")
        # Translators: %(lines)s lists line numbers of the import file, like 3, 7, 12.
        super().__init__(_("%(count)s bad line(s) (%(lines)s); nothing imported")
                         % {"count": len(lines), "lines": numbers}, path=path)

    def __str__(self) -> str:
        shown = [str(e) for e in self.errors[: self.MAX_LISTED]]
        if len(self.errors) > self.MAX_LISTED:
            more = len(self.errors) - self.MAX_LISTED
            # Translators: %(count)s is how many more bad lines there are, not listed above.
            shown.append(_("… and %(count)s more") % {"count": more})
        return "\n".join([*shown, f"{self.path}: {self.message}"])


class UnknownRecord(LeafletError):
    """`log show ID` names no record."""
