"""The compliance report: did each unit meet each duty of the 13 January 1997 instructions?

    service      the core functions the CLI calls
    query        the SQL (SQLAlchemy Core, the same statements on SQLite and PostgreSQL)
    fast_reader  the same figures from a current SQLite log with the standard library
    tally        from the readers' rows to the Report's figures (both readers)
    model        the Report as plain data (frozen dataclasses) and its JSON form
    formats      table, CSV, JSON, HTML (with SVG charts) and PDF
    checklist    the duties of one encounter, for the receipt and `leaflet handover`
    choices      the report's formats, groupings and CSV tables

The duties themselves are leaflet.duties. Nothing here is imported by `import leaflet` or by
the hand-over path. The JSON interface and the definitions (which version of a corrected
encounter counts, periods, groups) are in docs/report-format.md.
"""
