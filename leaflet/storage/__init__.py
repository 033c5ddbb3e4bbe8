"""Storage in one room: the hand-over log and the stock ledger share one database.

One engine per URL (`engine`), one schema version series with its migrations (`tables`,
`migrations`), one hash-chain mechanism (`chain`) and one append-only rule enforced by
triggers (`appendonly`). `leaflet.handover` and `leaflet.stock` build on these; neither
defines tables, triggers or hashes of its own.
"""
