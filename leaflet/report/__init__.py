"""The compliance report: did each unit meet each duty of the 13 January 1997 instructions?

    rules     the duties (ids and paragraphs of DUTY-RULES.md) as data, with the SQL
              predicates that say when each applies and when it is met
    period    calendar days and months of the report time zone as UTC bounds
    model     the Report as plain data (frozen dataclasses) and its JSON form
    query     the SQL (SQLAlchemy Core, the same statements on SQLite and PostgreSQL)
    render    table, CSV, JSON, HTML (with SVG charts) and PDF renderings
    service   the core functions the CLI calls

Nothing here is imported by `import leaflet` or by the hand-over path. The JSON interface and
the definitions (which version of a corrected encounter counts, periods, groups) are in
docs/report-format.md.
"""
