"""The hand-over log: every encounter and leaflet hand-over, recorded as evidence.

    service      one core function per command
    store        the log on SQLAlchemy Core: append, read, verify, import, erase, upgrade
    fast_append  the standard-library SQLite appender that keeps `leaflet handover` fast
    interchange  JSON Lines and CSV import and export (spreadsheet-safe CSV cells)
    given        a leaflet recorded as given must be one the workspace built
    sync         `leaflet log sync`: one log's records and stock rows into another
    errors       the import's and `log show`'s errors

The record itself (its fields and checks) is leaflet.duties.record; the database is
leaflet.storage. Importing this package imports nothing else: the desk's path pays only for
what it uses. The format is documented in docs/log-format.md, deployment in
docs/deployment.md.
"""
