"""A busy desk, for the concurrency test: `python desk_worker.py URL COUNT UNIT`.

Runs `leaflet handover` COUNT times in this one process (the CLI's own entry point, so each
record is its own invocation and its own transaction) and prints each new id on stdout.
Starting a fresh interpreter per record would measure Python's start-up, not the log.
"""

import sys

from leaflet.cli import cli


def main(url: str, count: int, unit: str) -> None:
    args = ["handover", "--service", "police", "--unit", unit, "--officer", "A1",
            "--assessment", "uncertain", "--residence-status", "unknown",
            "--person-language", "ti", "--leaflet", "given", "--leaflet-language", "ti",
            "--centre-action", "none", "--occurred-at", "2026-11-02T14:30:00+01:00",
            "--db", url]
    for _ in range(count):
        cli.main(args, prog_name="leaflet", standalone_mode=False)
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), sys.argv[3])
