"""A busy desk that also ships boxes, for the concurrency test:
`python stock_worker.py URL HANDOVERS TRANSFER_EVERY EDITION`.

Runs `leaflet handover` HANDOVERS times for unit PZ-1 in Romanian (the CLI's own entry point:
on SQLite the desk's stdlib appender, on PostgreSQL the store), and after every
TRANSFER_EVERY-th hand-over `leaflet stock transfer --from PZ-1 --to PZ-2 ro=1`. Prints one
line per command: `H <id>` or `T`.
"""

import sys

from leaflet.cli import cli

EDITION = sys.argv[4] if len(sys.argv) > 4 else "2026-12"


def main(url: str, handovers: int, every: int) -> None:
    handover = ["handover", "--service", "police", "--unit", "PZ-1", "--officer", "A1",
                "--assessment", "uncertain", "--residence-status", "unknown",
                "--person-language", "ro", "--leaflet", "given", "--leaflet-language", "ro",
                "--edition", EDITION, "--centre-action", "none", "--db", url]
    transfer = ["stock", "transfer", "--from", "PZ-1", "--to", "PZ-2", "--edition", EDITION,
                "ro=1", "--db", url]
    for n in range(1, handovers + 1):
        cli.main(handover, prog_name="leaflet", standalone_mode=False)
        if n % every == 0:
            cli.main(transfer, prog_name="leaflet", standalone_mode=False)
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
