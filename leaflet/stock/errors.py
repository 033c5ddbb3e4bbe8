"""The stock flow's exceptions; the CLI turns them into one-line messages and exit codes."""

from __future__ import annotations

from leaflet.errors import LeafletError


class OrderRefused(LeafletError):
    """A print order names languages that may not be printed (draft, or failing checks)."""

    def __init__(self, message: str, *, languages: list[str], hint: str | None = None,
                 path=None):
        super().__init__(message, hint=hint, path=path)
        self.languages = languages
