"""The log's files: JSON Lines or CSV in (import) and out (export).

One record per line, the fields of docs/log-format.md. Reading checks every line before
anything is written, and reports all bad lines at once with their numbers, so a station's
file is fixed in one pass. Writing produces canonical JSON (sorted keys, no spaces) so that
two exports of the same log are byte-identical.

Whatever an export writes, an import reads back unchanged:

- JSON Lines are split on "\\n" only. JSON writes U+2028, U+2029 and U+0085 as themselves
  inside strings, and `str.splitlines` would cut a line there; a CR before the "\\n" (a file
  saved on Windows) is JSON whitespace.
- CSV cells a spreadsheet would evaluate (`=HYPERLINK(…)`, `@SUM(…)`, `+…`, `-…`, and their
  full-width forms) are written with a leading apostrophe (textsafety.csv_cell, OWASP "CSV
  injection"), and so is a text that starts with an apostrophe; reading removes exactly that
  apostrophe (textsafety.csv_uncell).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import IO, Iterable

from leaflet.errors import UsageError
from leaflet.handover.errors import ImportRefused
from leaflet.i18n import _
from leaflet.duties.record import RecordError
from leaflet.duties.record import CHAIN_FIELDS, Encounter, validate
from leaflet.storage.chain import canonical_json
from leaflet.duties.record import FIELDS
from leaflet.textsafety import clip, csv_cell, csv_uncell

FORMATS = ("jsonl", "csv")
MAX_LINE = 1 << 20  # no record is a megabyte long; a longer line is not the log's
csv.field_size_limit(MAX_LINE)


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """`fmt`, or the format a file's name says: `.csv` is CSV, anything else JSON Lines."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UsageError(_("--format %(value)s is not one of %(choices)s")
                             % {"value": clip(fmt), "choices": ", ".join(FORMATS)})
        return fmt
    return "csv" if str(path).lower().endswith(".csv") else "jsonl"


def decode(data: bytes, name: str) -> str:
    """The UTF-8 text of a file (a BOM from Windows tools is fine); UsageError naming the
    file and the line of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        # Translators: %(byte)s is a byte's value in hexadecimal, like 0xe9.
        raise UsageError(_("not UTF-8 (byte %(byte)s on line %(line)s)")
                         % {"byte": f"0x{data[error.start]:02x}", "line": line},
                         path=name, line=line,
                         hint=_("save the file as UTF-8; `leaflet log export` writes UTF-8")
                         ) from None


def read_records(path: str | Path, *, fmt: str | None = None, case_ref_pattern: str,
                 text: str | None = None,
                 data: bytes | None = None) -> list[tuple[int, Encounter]]:
    """The records of an import file as (line number, Encounter): JSON Lines or CSV.

    `text` or `data` (bytes) stand for the file's content (stdin); otherwise the file is
    read. Raises ImportRefused listing every bad line when any line is bad.
    """
    name = str(path)
    if text is None:
        if data is None:
            try:
                data = Path(path).read_bytes()
            except FileNotFoundError:
                raise UsageError(_("file not found"), path=name) from None
            except IsADirectoryError:
                raise UsageError(_("is a folder, not a file"), path=name) from None
            except OSError as error:
                # Translators: %(reason)s is the system's message, like "Permission denied".
                raise UsageError(_("cannot read: %(reason)s")
                                 % {"reason": error.strerror or error}, path=name) from None
        text = decode(data, name)
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        raise UsageError(_("holds a NUL byte: not a text file"), path=name, line=line,
                         hint=_("import the file `leaflet log export` wrote"))
    if format_of(path, fmt) == "csv":
        return read_csv(name, text, case_ref_pattern=case_ref_pattern)
    return read_jsonl(name, case_ref_pattern=case_ref_pattern, text=text)


def read_jsonl(path: str | Path, *, case_ref_pattern: str,
               text: str | None = None) -> list[tuple[int, Encounter]]:
    """The records of a JSON Lines file as (line number, Encounter); blank lines are skipped.

    Raises ImportRefused listing every bad line (not only the first) when any line is bad.
    """
    name = str(path)
    if text is None:
        return read_records(path, fmt="jsonl", case_ref_pattern=case_ref_pattern)
    records: list[tuple[int, Encounter]] = []
    errors: list[RecordError] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip(" \t\r"):
            continue
        data = _json_object(line, number, name, errors)
        if data is None:
            continue
        _check(data, number, name, case_ref_pattern, records, errors)
    return _done(name, records, errors)


def _json_object(line: str, number: int, name: str, errors: list[RecordError]) -> dict | None:
    def fail(message: str) -> None:
        errors.append(RecordError("(line)", message, line=number, path=name))

    if len(line) > MAX_LINE:
        fail(_("is %(length)s characters long; a record is at most %(maximum)s")
             % {"length": f"{len(line):,}", "maximum": f"{MAX_LINE:,}"})
        return None
    try:
        data = json.loads(line, object_pairs_hook=_no_duplicates,
                          parse_constant=_no_constant)
    except _Duplicate as error:
        # Translators: %(field)s is a field's name, quoted.
        fail(_("field %(field)s appears twice in the object") % {"field": clip(error.args[0])})
        return None
    except json.JSONDecodeError as error:
        # Translators: %(reason)s is Python's JSON message, in English, like "Expecting value".
        fail(_("not JSON: %(reason)s at column %(column)s")
             % {"reason": error.msg, "column": error.colno})
        return None
    except ValueError as error:  # NaN, Infinity
        fail(_("not JSON: %(reason)s") % {"reason": error})
        return None
    except RecursionError:
        fail(_("not JSON: nested too deeply"))
        return None
    if not isinstance(data, dict):
        fail(_("is not a JSON object"))
        return None
    return data


class _Duplicate(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object whose keys are unique: with two `unit` keys, json.loads would keep the
    last silently, and a reader of the file might see the first."""
    data: dict = {}
    for key, value in pairs:
        if key in data:
            raise _Duplicate(key)
        data[key] = value
    return data


def _no_constant(word: str):
    # Translators: %(word)s is NaN, Infinity or -Infinity.
    raise ValueError(_("%(word)s is not a JSON value") % {"word": word})


def _check(data: dict, number: int, name: str, case_ref_pattern: str,
           records: list[tuple[int, Encounter]], errors: list[RecordError]) -> None:
    if "log_event" in data and set(data) <= {"log_event", *CHAIN_FIELDS}:
        return  # the exporting log's own record (upgrade, erasure): not an encounter
    try:
        records.append((number, validate(data, case_ref_pattern=case_ref_pattern,
                                          line=number)))
    except RecordError as error:
        error.path = name
        errors.append(error)


def _done(name: str, records, errors) -> list[tuple[int, Encounter]]:
    if errors:
        raise ImportRefused(name, errors)
    if not records:
        raise UsageError(_("holds no records"), path=name)
    return records


def read_csv(name: str, text: str, *, case_ref_pattern: str) -> list[tuple[int, Encounter]]:
    """The records of a CSV file written by `leaflet log export --format csv`.

    The header must be the format's field names in order (with `--with-chain`, the chain
    fields after them, which are ignored). Cells are read back as the export wrote them:
    csv_uncell on every cell, an empty cell is null, `person_languages` split on spaces,
    `foreigners_dept_informed` `true`/`false`/empty.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, Encounter]] = []
    errors: list[RecordError] = []
    try:
        header = next(reader, None)
    except csv.Error as error:
        # Translators: %(reason)s is Python's CSV message, in English.
        raise UsageError(_("not CSV: %(reason)s") % {"reason": error}, path=name,
                         line=reader.line_num or 1) from None
    if header is None:
        raise UsageError(_("holds no records"), path=name)
    allowed = (list(FIELDS), list(FIELDS) + list(CHAIN_FIELDS))
    if header not in allowed:
        unknown = [c for c in header if c not in FIELDS and c not in CHAIN_FIELDS]
        missing = [f for f in FIELDS if f not in header]
        # Translators: the header's problem; %(column)s is a column's name, quoted.
        detail = (_("column %(column)s is not a field of the log format")
                  % {"column": clip(unknown[0])} if unknown
                  else _("column %(column)s is missing") % {"column": repr(missing[0])}
                  if missing
                  else _("the columns are not in the order of the format"))
        # Translators: %(problem)s says what is wrong with the CSV header.
        raise UsageError(_("the header is not the log's: %(problem)s") % {"problem": detail},
                         path=name, line=1,
                         hint=_("import a file `leaflet log export --format csv` wrote"))
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(RecordError("(line)", _("not CSV: %(reason)s") % {"reason": error},
                                      line=reader.line_num, path=name))
            break  # the reader cannot resynchronise after a broken quote
        number = reader.line_num
        if not row or row == [""]:
            continue
        if len(row) != len(header):
            errors.append(RecordError("(line)", _("has %(cells)s cells; the header has "
                                                  "%(columns)s")
                                      % {"cells": len(row), "columns": len(header)},
                                      line=number, path=name))
            continue
        data = {column: _uncell(column, cell) for column, cell in zip(header, row)
                if column in FIELDS}
        _check(data, number, name, case_ref_pattern, records, errors)
    return _done(name, records, errors)


def _uncell(column: str, cell: str):
    """A CSV cell as the record's JSON value (the inverse of `_cell`)."""
    if cell == "":
        return None
    if column == "person_languages":
        return csv_uncell(cell).split(" ")
    if column == "foreigners_dept_informed":
        return {"true": True, "false": False}.get(cell, cell)
    return csv_uncell(cell)


def write_jsonl(records: Iterable[dict], out: IO[str]) -> int:
    count = 0
    for record in records:
        out.write(canonical_json(record).decode("utf-8") + "\n")
        count += 1
    return count


def write_csv(records: Iterable[dict], out: IO[str], *, with_chain: bool) -> int:
    """CSV with a header of the format's field names; languages joined by spaces, booleans
    as true/false, null as an empty cell, and every text cell a spreadsheet would evaluate
    guarded with an apostrophe (textsafety.csv_cell)."""
    columns = list(FIELDS) + (list(CHAIN_FIELDS) if with_chain else [])
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for record in records:
        writer.writerow([_cell(record.get(c)) for c in columns])
        count += 1
    return count


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value  # seq: a number stays a number
    if isinstance(value, list):
        return csv_cell(" ".join(value))
    return csv_cell(str(value))
