"""The database's exceptions: what the CLI turns into one-line messages and exit code 1.

A database that cannot be opened, created or written; one that holds no log, or another
program's tables; a damaged file; a schema version this leaflet does not write; a chain
that does not hold. Each says what to do next.
"""

from __future__ import annotations

from leaflet.errors import LeafletError
from leaflet.i18n import N_

NO_LOG_HINT = N_("check --db / LEAFLET_DB; `leaflet handover` creates the log with its first "
                 "record, `leaflet db upgrade` an empty one")


class StoreError(LeafletError):
    """The database cannot be opened, created or written."""


class NoLog(StoreError):
    """A read command named a database that holds no hand-over log (nothing is created)."""


class DamagedLog(StoreError):
    """The database file is not SQLite, or is truncated: damage, not an altered chain.

    `mark_text` is what a damage mark keeps of it (lite.mark): the English message where the
    raiser gives it, since the mark is read back later, in whatever language the reader has;
    the message itself otherwise."""

    def __init__(self, message: str, *, mark_text: str | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.mark_text = message if mark_text is None else mark_text


class ForeignDatabase(StoreError):
    """The database holds tables that are not the log's: the log is never created in it."""


class SchemaError(StoreError):
    """The database's schema version is not the one this leaflet writes."""


class ChainBroken(LeafletError):
    """`log verify` found a record that was altered, removed or inserted out of turn."""

    def __init__(self, message: str, *, seq: int | None = None, record_id: str | None = None,
                 hint: str | None = None):
        super().__init__(message, hint=hint)
        self.seq = seq
        self.record_id = record_id
