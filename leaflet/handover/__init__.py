"""The hand-over log: every encounter and leaflet hand-over, recorded as evidence.

    model        the encounter record, its checks, canonical JSON and the chain hash
    languages    BCP 47 codes checked against CLDR (Babel)
    layout       table and column names, schema version, record → rows (shared by writers)
    schema       SQLAlchemy tables, append-only triggers, migrations
    store        the SQLAlchemy store: create/upgrade, append, read, verify, import
    sqlite_fast  the stdlib SQLite appender that keeps `leaflet handover` fast
    interchange  JSON Lines and CSV import and export (spreadsheet-safe CSV cells)
    editions     which leaflets a workspace built: what `handover --leaflet given` may name
    service      one core function per command
    location     the default database file and `--db` URLs
    cldr         CLDR language knowledge as one cached search index (for `leaflet pick`)
    pick         `leaflet pick`: find a language by any name, code or country

Importing this package imports nothing else: the desk's path pays only for what it uses.
The format is documented in docs/log-format.md, deployment in docs/deployment.md.
"""
