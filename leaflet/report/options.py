"""Command-line values the report and stock commands share, checked once, refused in one line.

Every check names the option and quotes the value cut short (textsafety.clip: a 10,000-character
value is never echoed whole), and says what to do. Bad values are UsageError (exit code 2); a
place that cannot be written is a LeafletError (exit code 1), like any file problem.

- **Calendar days** (`--from`, `--to`, `--as-of`): `YYYY-MM-DD` exactly (not the other forms
  `date.fromisoformat` accepts, like `20261231` or `2026-W53-4`), from FIRST_DAY to LAST_DAY.
  Outside that range the UTC bounds would overflow in some time zones (year 1, year 9999)
  and a period of eight thousand years is a typo; leaving the option out opens the period.
- **Codes and short texts** (`--unit`, `--from`/`--to` units, `--edition`, `--note`,
  `--occurred-at`, `--db`): no invisible character (textsafety.invisible_chars: control
  characters, a trailing newline, U+2028/U+2029/U+0085, format characters like U+202E),
  which would split a unit in two in a table or make two codes that look the same differ;
  then the log's own check of the same field (leaflet.handover.model.validate_field).
- **Output places** (`--output FILE`, `--output-dir DIR`): checked before any work is done,
  so a report is not computed (nor print files built) for a place that cannot take it.

Standard library only at import (the log's model is imported when a field is checked).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from leaflet.errors import LeafletError, UsageError
from leaflet.textsafety import clip, describe, invisible_chars

FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)
# How long a value may be before it is refused without further checks (and never echoed whole).
CODE_MAX = 40  # unit codes (the log's CODE_PATTERN)
EDITION_MAX = 64  # edition ids (the log's EDITION_PATTERN, leaflet.toml [edition] id)
MOMENT_MAX = 40  # an ISO 8601 date and time with its offset
NOTE_MAX = 200  # the log's not_given_note, and the ledger's note


def visible(value: str, option: str, *, what: str = "value") -> str:
    """`value` unchanged, or UsageError naming `option` and the first invisible character."""
    found = invisible_chars(value)
    if found:
        raise UsageError(f"{option} {clip(value)} holds an invisible character "
                         f"({describe(found[0])})",
                         hint=f"type the {what} again on one line, without control, "
                              "line-separator or direction characters")
    return value


def day(text: str | None, option: str) -> dt.date | None:
    """A YYYY-MM-DD calendar day from FIRST_DAY to LAST_DAY; None for None or ""."""
    if text is None or text == "":
        return None
    parsed = None
    if len(text) == 10 and text.isascii() and text[4] == "-" and text[7] == "-":
        try:
            parsed = dt.date.fromisoformat(text)
        except ValueError:
            parsed = None
    if parsed is None:
        raise UsageError(f"{option} {clip(text)} is not a calendar day (YYYY-MM-DD)",
                         hint="periods are whole days in the report time zone")
    if not FIRST_DAY <= parsed <= LAST_DAY:
        raise UsageError(f"{option} {text} is outside {FIRST_DAY} to {LAST_DAY}",
                         hint=f"leave {option} out for a period open at that end"
                         if option in ("--from", "--to") else "give a day in that range")
    return parsed


def _field(field: str, option: str, value):
    """The log's own check of `field`; UsageError naming `option` (the value is short here)."""
    from leaflet.handover.errors import RecordError
    from leaflet.handover.model import validate_field

    try:
        return validate_field(field, value)
    except RecordError as error:
        raise UsageError(f"{option}: {error.message}", hint=error.hint) from None


def code(value: str | None, option: str) -> str | None:
    """A unit code as the log stores it (letters, digits, '.', '/', '_', '-'; at most 40)."""
    if value is None:
        return None
    visible(value, option, what="unit code")
    if len(value) > CODE_MAX:
        raise UsageError(f"{option} {clip(value)} is {len(value):,} characters long; a unit "
                         f"code has at most {CODE_MAX}")
    return _field("unit", option, value)


def edition(value: str | None, option: str = "--edition") -> str | None:
    if value is None or value == "":
        return None
    visible(value, option, what="edition id")
    if len(value) > EDITION_MAX:
        raise UsageError(f"{option} {clip(value)} is {len(value):,} characters long; an "
                         f"edition id has at most {EDITION_MAX}")
    return _field("leaflet_edition", option, value)


def note(value: str | None, option: str = "--note") -> str | None:
    if value is None:
        return None
    visible(value, option, what="note")
    if len(value) > NOTE_MAX:
        raise UsageError(f"{option} is {len(value):,} characters long; at most {NOTE_MAX}",
                         hint="a short reference, like the delivery note number")
    return _field("not_given_note", option, value)


def moment(value: str | None, option: str = "--occurred-at") -> str | None:
    """An ISO 8601 date and time with its UTC offset, as the log checks occurred_at."""
    if value is None:
        return None
    visible(value, option, what="date and time")
    if len(value) > MOMENT_MAX:
        raise UsageError(f"{option} {clip(value)} is not an ISO 8601 date and time",
                         hint="like 2026-12-01T14:30:00+01:00")
    return _field("occurred_at", option, value)


def database(value: str | None, option: str = "--db") -> str | None:
    """A --db / LEAFLET_DB value: a path or URL on one line, without invisible characters
    (the hand-over's check, leaflet.storage.location.checked_db)."""
    from leaflet.storage.location import checked_db

    return checked_db(value or None, option)


# --- where output goes --------------------------------------------------------------------

def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(path.anchor or ".")


def _writable_folder(folder: Path, target: Path, option: str) -> None:
    """`folder` (an existing ancestor of `target`) must be a folder this process may write."""
    if not folder.is_dir():
        raise UsageError(f"{option} {clip(str(target), 200)}: {folder} is a file, not a folder",
                         hint="choose a path whose folders exist or can be created")
    reason = None if os.access(folder, os.W_OK | os.X_OK) else "permission denied"
    if reason is None:
        # The permission bits do not tell everything (root, a read-only file system): try.
        import tempfile

        try:
            fd, probe = tempfile.mkstemp(prefix=".leaflet-probe.", dir=folder)
        except OSError as error:
            reason = (error.strerror or type(error).__name__).lower()
        else:
            os.close(fd)
            os.unlink(probe)
    if reason is not None:
        raise LeafletError(f"{option} {clip(str(target), 200)}: cannot write in {folder} "
                           f"({reason})", hint="choose a folder you can write")


def output_file(value: str | None, option: str = "--output", *,
                not_into: list[Path] = ()) -> Path | None:
    """The file `value` names, checked before anything is computed: not a folder, not one of
    `not_into` (the log being read), in a folder that exists or can be created and written.
    Missing folders are created only when the file is written."""
    if value is None:
        return None
    visible(value, option, what="file name")
    path = Path(value).expanduser()
    absolute = Path(os.path.abspath(path))
    for protected in not_into:
        if protected is not None and _same(absolute, protected):
            raise UsageError(f"{option} {clip(value, 200)} is the log being read",
                             hint="write the report to another file")
    if absolute.is_dir():
        raise UsageError(f"{option} {clip(value, 200)} is a folder", hint="name a file")
    existing = _nearest_existing(absolute)
    if existing == absolute:
        if not os.access(absolute, os.W_OK):
            raise LeafletError(f"{option} {clip(value, 200)}: cannot write the file "
                               "(permission denied)", hint="choose a file you can write")
        existing = absolute.parent
    _writable_folder(existing, path, option)
    return path


def output_folder(value: str | Path, option: str = "--output-dir") -> Path:
    """The folder `value` names (created when written), checked the same way."""
    text = str(value)
    visible(text, option, what="folder name")
    path = Path(text).expanduser()
    absolute = Path(os.path.abspath(path))
    existing = _nearest_existing(absolute)
    _writable_folder(existing, path, option)
    return path


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def write_error(option: str, path: Path, error: OSError) -> LeafletError:
    """An OSError of writing `path` as the one-line failure the CLI shows (exit code 1)."""
    reason = error.strerror or type(error).__name__
    return LeafletError(f"{option} {clip(str(path), 200)}: cannot write: {reason}",
                        hint="choose a place you can write; nothing was written there")
