"""The log's files: JSON Lines in (import) and JSON Lines or CSV out (export).

One record per line, the fields of docs/log-format.md. Reading checks every line before
anything is written, and reports all bad lines at once with their numbers, so a station's
file is fixed in one pass. Writing produces canonical JSON (sorted keys, no spaces) so that
two exports of the same log are byte-identical.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import IO, Iterable

from leaflet.errors import UsageError
from leaflet.handover.errors import ImportRefused, RecordError
from leaflet.handover.model import CHAIN_FIELDS, FIELDS, Encounter, canonical_json, validate

FORMATS = ("jsonl", "csv")


def read_jsonl(path: str | Path, *, case_ref_pattern: str,
               text: str | None = None) -> list[tuple[int, Encounter]]:
    """The records of a JSON Lines file as (line number, Encounter); blank lines are skipped.

    Raises ImportRefused listing every bad line (not only the first) when any line is bad.
    """
    name = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")  # a BOM from Windows tools is fine
        except FileNotFoundError:
            raise UsageError("file not found", path=name) from None
        except (OSError, UnicodeDecodeError) as error:
            raise UsageError(f"cannot read: {error}", path=name) from None
    records: list[tuple[int, Encounter]] = []
    errors: list[RecordError] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(RecordError("(line)", f"not JSON: {error.msg} at column {error.colno}",
                                      line=number, path=name))
            continue
        if not isinstance(data, dict):
            errors.append(RecordError("(line)", "is not a JSON object", line=number, path=name))
            continue
        try:
            records.append((number, validate(data, case_ref_pattern=case_ref_pattern,
                                              line=number)))
        except RecordError as error:
            error.path = name
            errors.append(error)
    if errors:
        raise ImportRefused(name, errors)
    if not records:
        raise UsageError("holds no records", path=name)
    return records


def write_jsonl(records: Iterable[dict], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(canonical_json(record).decode("utf-8") + "\n")
        count += 1
    return count


def write_csv(records: Iterable[dict], out: IO[str], *, with_chain: bool) -> int:
    """CSV with a header of the format's field names; languages joined by spaces, booleans
    as true/false, null as an empty cell."""
    columns = list(FIELDS) + (list(CHAIN_FIELDS) if with_chain else [])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
        count += 1
    return count


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(value)
    return str(value)
