"""The hand-over log's core functions, one per command: plain values in, plain data out.

`record` is the desk's path and is kept light: it validates with the standard library and
Babel's locale index, and appends through the stdlib SQLite appender when it can; SQLAlchemy
is imported only when the log must be created, upgraded or is not a SQLite file. Every other
function opens the SQLAlchemy store.

Readers (`verify`, `records`, `show`, `export`) never create anything: a missing or empty
file, or a database without the log, is NoLog ("no hand-over log at …"), a file that is not a
whole SQLite database DamagedLog, and no file or folder is left behind. Writers (`record`,
`import_file`, `upgrade`) create the log only in a new or empty database, and refuse a
damaged file or one holding other tables before writing anything.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import IO, Any, Iterator, Mapping

from leaflet import periods
from leaflet.errors import UsageError
from leaflet.storage import location
from leaflet.duties.record import describe, new_id, validate
from leaflet.i18n import _
from leaflet.periods import local_now_text
from leaflet.textsafety import clip, invisible_chars
from leaflet.workspace import DEFAULT_CASE_REF_PATTERN, DEFAULT_TIMEZONE



def record(db: str | None, values: Mapping[str, Any], *,
           case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN, workspace=None) -> str:
    """Validate one encounter and append it to the log at `db`; returns the new record's id.

    `values` holds the format's fields; `id` and `occurred_at` default to a new UUID and now.
    With a `workspace`, a leaflet given must be one it built (leaflet.workspace.built).
    """
    return record_encounter(db, values, case_ref_pattern=case_ref_pattern,
                            workspace=workspace).id


def record_encounter(db: str | None, values: Mapping[str, Any], *,
                     case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN, workspace=None):
    """`record`, returning the validated Encounter as it was appended (for its duties)."""
    encounter = prepare(values, case_ref_pattern=case_ref_pattern, workspace=workspace)
    return append(db, encounter)


def prepare(values: Mapping[str, Any], *, case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN,
            workspace=None):
    """The Encounter `record` would append, checked and nothing written: the record's own
    checks, then, with a `workspace`, that a leaflet given is one it built
    (leaflet.handover.given) and that a reason for not giving one fits what is built
    (leaflet.handover.plausibility). RecordError naming the field otherwise. `id` and
    `occurred_at` default to a new UUID and now. `leaflet handover` shows it before writing
    it; `warnings(encounter, workspace)` says what looks wrong without being refused."""
    values = dict(values)
    values["id"] = values.get("id") or new_id()
    values["occurred_at"] = values.get("occurred_at") or local_now_text()
    encounter = validate(values, case_ref_pattern=case_ref_pattern, strict_fields=False)
    if workspace is not None:
        from leaflet.handover import given, plausibility

        if encounter.leaflet == "given":
            given.check_given(workspace, encounter.leaflet_language, encounter.leaflet_edition)
        plausibility.check_reason(workspace, encounter.to_dict())
    return encounter


def warnings(encounter, workspace, *, recorded: bool = False) -> list[str]:
    """What looks wrong in a hand-over without being refused (a leaflet given before its
    edition's date; leaflet.handover.plausibility says why it is not refused). `encounter`
    is an Encounter or a record as a dict (the desk's receipt)."""
    from leaflet.handover import plausibility

    values = encounter if isinstance(encounter, Mapping) else encounter.to_dict()
    return plausibility.warnings(workspace, values, recorded=recorded)


def append(db: str | None, encounter):
    """Append a prepared Encounter to the log at `db`; returns it."""
    url = location.resolve(location.checked_db(db), create_folder=False)
    path = location.sqlite_file(url)
    if path is not None:
        from leaflet.handover import fast_append

        if fast_append.append(path, encounter) is not None:
            return encounter
    open_store(url, write=True).append(encounter)
    return encounter


def open_store(db: str | None, *, write: bool = False):
    """The SQLAlchemy store of the log at `db` (None: the default file; a URL as it is).

    For a SQLite file, reading needs the file (NoLog when it is missing or empty) and any
    existing file must be a whole SQLite database (DamagedLog); nothing is created here: a
    writer's store creates the folder and the log on its first write, in a new or empty
    database only.
    """
    from leaflet.handover.store import Store

    url = location.resolve(location.checked_db(db), create_folder=False)
    path = location.sqlite_file(url)
    if path is not None:
        location.check_sqlite_file(path, must_exist=not write)
    return Store(url)


def upgrade(db: str | None) -> dict[str, Any]:
    """Create the log or bring it to the current schema version; says what was done."""
    from leaflet.storage.layout import SCHEMA_VERSION

    store = open_store(db, write=True)
    before, applied = store.upgrade()
    return {"database": store.display_url, "from": before, "applied": applied,
            "version": SCHEMA_VERSION}


def verify(db: str | None, *, expect_head: str | None = None):
    """Walk the chain: VerifyResult(count, head, warnings), or ChainBroken."""
    if expect_head is not None:
        head = expect_head.strip().lower()
        if len(head) != 64 or any(c not in "0123456789abcdef" for c in head):
            raise UsageError(_("--expect-head %(value)s is not a head hash")
                             % {"value": clip(expect_head)},
                             hint=_("give the 64 hexadecimal characters `leaflet log verify` "
                                    "printed after 'head'"))
        expect_head = head
    return open_store(db).verify(expect_head=expect_head)


def period(start: str | None, end: str | None, timezone: str = DEFAULT_TIMEZONE,
           unit: str | None = None):
    """A Filter from `--from`/`--to` values: dates are days in `timezone`, date-times without
    an offset are read in `timezone`; `--from` is included and `--to` excluded, as in
    `leaflet report` (docs/report-format.md).
    UsageError naming the option for a value that is not a date, outside periods.FIRST_DAY to
    periods.LAST_DAY, or a `--from` after the `--to`."""
    from leaflet.handover.store import Filter

    begin = periods.moment_utc(start, timezone, "--from", end_of_day=False)
    until = periods.moment_utc(end, timezone, "--to", end_of_day=False)
    if begin is not None and until is not None and begin >= until:
        raise UsageError(_("--from %(start)s is not before --to %(end)s: no record can "
                           "be in that period") % {"start": clip(start), "end": clip(end)},
                         hint=_("--to is excluded: --from 2026-12-01 --to 2026-12-02 is that "
                                "one day"))
    if unit is not None:
        from leaflet.duties.record import RecordError
        from leaflet.duties.record import validate_field

        try:
            unit = validate_field("unit", unit)
        except RecordError as error:
            raise UsageError(f"--unit: {error.message}", hint=error.hint) from None
    return Filter(start=begin, end=until, unit=unit)


def records(db: str | None, where=None) -> Iterator[dict[str, Any]]:
    """The records in chain order, each with its chain fields. The log is opened (NoLog,
    DamagedLog …) before this returns, so a caller prints nothing for a log that is not."""
    from leaflet.handover.store import Filter

    store = open_store(db)
    store.require_log()
    return (stored.to_dict(with_chain=True) for stored in store.records(where or Filter()))


def show(db: str | None, record_id: str) -> dict[str, Any]:
    """One record with its chain fields and `amended_by`: the ids of its corrections."""
    stored, amended_by = open_store(db).get(record_id)
    data = stored.to_dict(with_chain=True)
    data["amended_by"] = amended_by
    return data


def export(db: str | None, out: IO[str], *, fmt: str = "jsonl", with_chain: bool = False,
           where=None) -> int:
    """Write the records to `out` as JSON Lines or CSV (spreadsheet-safe cells); how many."""
    from leaflet.handover import interchange
    from leaflet.handover.store import Filter

    if fmt not in interchange.FORMATS:
        raise UsageError(_("unknown export format %(format)s (jsonl or csv)")
                         % {"format": clip(fmt)})
    store = open_store(db)
    store.require_log()  # before the first line is written: no half output for a missing log
    rows = (s.to_dict(with_chain=with_chain) for s in store.records(where or Filter()))
    if fmt == "jsonl" and with_chain:
        rows = _with_proof(store, where)
    if fmt == "jsonl":
        return interchange.write_jsonl(rows, out)
    return interchange.write_csv(rows, out, with_chain=with_chain)


def _with_proof(store, where) -> Iterator[dict[str, Any]]:
    """A JSON Lines export that a reader can check alone (docs/log-format.md): each record
    with its commitments and salts, and, for a whole log, the log's own records in their
    place in the chain, so every link is there."""
    from leaflet.handover.store import Filter
    from leaflet.storage import migrations

    events = store.events()
    boundary = migrations.v1_boundary(events)
    whole = where is None or where == Filter()
    pending = iter(events if whole else [])
    event = next(pending, None)
    for stored in store.records(where or Filter()):
        while event is not None and event["seq"] < stored.seq:
            yield _event_line(event)
            event = next(pending, None)
        yield stored.to_dict(with_chain=True, proof=True,
                             chain_format=1 if stored.seq <= boundary else 2)
    while event is not None:
        yield _event_line(event)
        event = next(pending, None)


def _event_line(event: dict) -> dict[str, Any]:
    from leaflet.storage import migrations

    return {"log_event": migrations.event_document(event), "seq": event["seq"],
            "recorded_at": event["recorded_at"], "prev_hash": event["prev_hash"],
            "hash": event["hash"]}


def erase(db: str | None, before: str, by: str, workspace) -> dict[str, Any]:
    """`leaflet log erase --before DATE --by CODE`: erase case_ref and not_given_note of the
    records that occurred before DATE (a day in the report time zone), only when
    leaflet.toml sets [handover] retention_years and DATE is at least that long ago."""
    from leaflet.duties.record import validate_field
    from leaflet.duties.record import RecordError

    years = workspace.retention_years if workspace is not None else None
    if years is None:
        raise UsageError(_("no retention period: leaflet.toml [handover] retention_years is "
                           "not set, so nothing is ever erased"),
                         hint=_("set retention_years (docs/privacy.md) to allow erasure"))
    try:
        actor = validate_field("officer", by)
    except RecordError as error:
        raise UsageError(f"--by: {error.message}", hint=error.hint) from None
    try:
        day = dt.date.fromisoformat(before) if len(before) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise UsageError(_("--before %(value)s is not a date (YYYY-MM-DD)")
                         % {"value": clip(before)},
                         hint=_("records that occurred before that day are erased"))
    if day < periods.FIRST_DAY:
        # Translators: %(day)s and %(first)s are dates, like 1996-05-01.
        raise UsageError(_("--before %(day)s is before %(first)s: no record is that old")
                         % {"day": day, "first": periods.FIRST_DAY},
                         hint=_("give the day before which records are erased, "
                                "like 2019-01-01"))
    today = dt.date.today()
    try:
        limit = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - years, day=28)
    if day > limit:
        # Translators: %(day)s and %(limit)s are dates; %(years)s the retention period.
        raise UsageError(_("--before %(day)s is within the retention period of %(years)s "
                           "years: the earliest allowed is --before %(limit)s")
                         % {"day": day, "years": years, "limit": limit},
                         hint=_("nothing can be erased before its time"))
    start = periods.moment_utc(before, workspace.timezone, "--before", end_of_day=False)
    store = open_store(db)
    result = store.erase(start, actor, {"before": day.isoformat(), "retention_years": years,
                                        "timezone": workspace.timezone})
    return dict(result, before=day.isoformat())


def export_target(output: str, db: str | None) -> Path:
    """The `-o` file of an export, checked before the log is read: its folder exists (or can
    be made) and takes a new file, the file is not a folder, not read-only, and is not the
    log's own database. UsageError naming -o/--output otherwise."""
    option = "-o/--output"
    found = invisible_chars(output)
    if found:
        # Translators: %(option)s is -o/--output; %(value)s the file name given, quoted;
        # %(character)s names the character, like U+202E RIGHT-TO-LEFT OVERRIDE.
        raise UsageError(_("%(option)s %(value)s holds an invisible character (%(character)s)")
                         % {"option": option, "value": clip(output),
                            "character": describe(found[0])},
                         hint=_("type the file name again"))
    path = Path(output).expanduser()
    try:
        path = path.resolve()
    except (OSError, RuntimeError) as exc:
        raise UsageError(f"{option} {clip(output)}: {getattr(exc, 'strerror', None) or exc}")
    url = location.resolve(location.checked_db(db), create_folder=False)
    log_file = location.sqlite_file(url)
    if log_file is not None:
        taken = {log_file.resolve()} | {log_file.resolve().with_name(log_file.name + tail)
                                        for tail in ("-wal", "-shm", "-journal")}
        if path in taken:
            raise UsageError(_("%(option)s %(path)s is the log's own database")
                             % {"option": option, "path": path},
                             hint=_("write the export to another file; the log is never "
                                    "overwritten"))
    if path.is_dir():
        raise UsageError(_("%(option)s %(path)s is a folder") % {"option": option, "path": path},
                         hint=_("give a file name in it"))
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(_("%(option)s %(path)s is read-only") % {"option": option, "path": path},
                         hint=_("write to another file"))
    folder = path.parent
    while not folder.exists():
        folder = folder.parent
    if not folder.is_dir():
        raise UsageError(_("%(option)s %(path)s: %(folder)s is a file, not a folder")
                         % {"option": option, "path": path, "folder": folder},
                         hint=_("give a file in a folder"))
    # Can a file be created there? (Permissions alone do not say it: /proc, read-only
    # mounts, or root, for whom every mode bit passes.)
    probe = folder / f".{path.name[:80]}.{os.getpid()}.probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        # Translators: %(reason)s is the system's message, like "Permission denied".
        raise UsageError(_("%(option)s %(path)s: cannot write in %(folder)s: %(reason)s")
                         % {"option": option, "path": path, "folder": folder,
                            "reason": exc.strerror or exc},
                         hint=_("write the export to a folder you can write")) from None
    os.close(fd)
    os.unlink(probe)
    return path


def import_file(db: str | None, path: str, *, case_ref_pattern: str = DEFAULT_CASE_REF_PATTERN,
                text: str | None = None, data: bytes | None = None,
                fmt: str | None = None) -> Iterator[tuple[str, bool]]:
    """Import a JSON Lines or CSV file (`fmt`; by default from the name: .csv is CSV): checks
    every line first, then yields (id, added) after each record's commit. ImportRefused
    (nothing imported, nothing created) when any line is bad."""
    from leaflet.handover import interchange

    items = interchange.read_records(path, fmt=fmt, case_ref_pattern=case_ref_pattern,
                                     text=text, data=data)
    for encounter, added in open_store(db, write=True).import_records(items, path=str(path)):
        yield encounter.id, added
