"""Storage in one room: the hand-over log and the stock ledger share one database.

Where it is (`location`) and how it is opened (`engine`, `database`: connections, the
lock-taking write transaction, the schema version), what a reader may open without harm
(`access`), the standard library's view for the fast paths (`lite`: read-only opening, the
damage mark), its layout and tables (`layout`, `tables`), one schema version series with its
migrations (`migrations`), one hash-chain mechanism (`chain`, and the ledger's walk,
`ledger_chain`), the duty outcomes stored with each record (`outcomes`), and one append-only
rule enforced by triggers (`appendonly`). `leaflet.handover` and `leaflet.stock` build on
these; this room imports no flow.
"""
