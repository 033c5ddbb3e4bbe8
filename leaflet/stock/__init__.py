"""Printed stock: the print order sent to a print shop, and the ledger of printed copies.

`order` turns built print files into an order (PDF and CSV) the print shop takes as it is;
`ledger` records receipts and transfers between units and derives what every unit holds,
taking one copy per hand-over from the log (its tables and chain are leaflet.storage's);
`service` is what the CLI calls. Nothing here is imported by `leaflet --help` or by the
desk's `leaflet handover`.
"""
