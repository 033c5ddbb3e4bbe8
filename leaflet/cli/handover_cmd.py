"""Commands of the hand-over log: `leaflet handover`, `leaflet log …`, `leaflet db upgrade`.

`handover` is run at a desk right after an encounter, so it imports only the record checks
at start; the store is imported by the core function when it is needed. Missing answers are
asked for when stdin is a terminal and named as missing options when it is not.

Every refusal is one line naming the option (or the file and line) and what to do; values
are quoted cut short (textsafety.clip), so a 10,000-character paste is never echoed whole.
"""

from __future__ import annotations

import sys

import click

from leaflet.errors import LeafletError

from leaflet.duties.choices import (
    ASSESSMENTS,
    CENTRE_ACTIONS,
    CENTRES,
    LEAFLET_OUTCOMES,
    NOT_GIVEN_REASONS,
    RESIDENCE_STATUSES,
    SERVICES)

# The option that sets each field of the record, for messages about that field.
OPTION_OF_FIELD = {
    "occurred_at": "--occurred-at", "service": "--service", "unit": "--unit",
    "officer": "--officer", "assessment": "--assessment",
    "residence_status": "--residence-status", "person_languages": "--person-language",
    "leaflet": "--leaflet", "leaflet_language": "--leaflet-language",
    "leaflet_edition": "--edition", "not_given_reason": "--not-given-reason",
    "not_given_note": "--note", "centre_action": "--centre-action", "centre": "--centre",
    "foreigners_dept_informed": "--foreigners-dept-informed/--foreigners-dept-not-informed",
    "amends": "--amends", "case_ref": "--case-ref",
}

# Prompts for the fields a desk must answer: (text, choices or None).
QUESTIONS = {
    "service": ("Service", SERVICES),
    "unit": ("Unit code", None),
    "officer": ("Officer code", None),
    "assessment": ("Assessment", ASSESSMENTS),
    "residence_status": ("Residence status", RESIDENCE_STATUSES),
    "person_languages": ("Languages the person understands (codes like ti or ar-MA, or "
                         "names, comma-separated; und if unknown)", None),
    "leaflet": ("Leaflet", LEAFLET_OUTCOMES),
    "leaflet_language": ("Language of the leaflet handed over", None),
    "not_given_reason": ("Why not given", NOT_GIVEN_REASONS),
    "centre_action": ("Support centre action", CENTRE_ACTIONS),
    "centre": ("Support centre", CENTRES),
    "foreigners_dept_informed": ("Foreigners Department informed?", None),
}


def db_option(function):
    return click.option(
        "--db", metavar="URL", envvar="LEAFLET_DB",
        help="The log's database: a SQLAlchemy URL (postgresql+psycopg://…) or a SQLite file "
             "path. Default: handover.sqlite3 in the user data folder. Env: LEAFLET_DB.",
    )(function)


def _interactive() -> bool:
    return sys.stdin.isatty()



def _record_error(error) -> click.UsageError:
    option = OPTION_OF_FIELD.get(error.field, error.field)
    hint = f" ({error.hint})" if error.hint else ""
    return click.UsageError(f"{option}: {error.message}{hint}")




@click.command()
@click.option("--service", type=click.Choice(SERVICES), envvar="LEAFLET_SERVICE",
              help="The service that met the person. Env: LEAFLET_SERVICE.")
@click.option("--unit", metavar="CODE", envvar="LEAFLET_UNIT",
              help="The unit's code (a desk sets LEAFLET_UNIT once).")
@click.option("--officer", metavar="CODE", envvar="LEAFLET_OFFICER",
              help="The officer's code (a desk sets LEAFLET_OFFICER once).")
@click.option("--assessment", type=click.Choice(ASSESSMENTS),
              help="victim: good reason to believe so (§5.1); uncertain (§5.2); implicated "
                   "in the trafficking (§5.3).")
@click.option("--residence-status", type=click.Choice(RESIDENCE_STATUSES))
@click.option("--person-language", "person_languages", multiple=True, metavar="LANGUAGE",
              help="A language the person understands, repeatable: a code (ti, zh-Hans; und "
                   "if unknown), a name in any language (Tigrinya, tigrinia, ትግርኛ) or a "
                   "country (resolved as `leaflet pick` does; an ambiguous answer is refused "
                   "with the candidates).")
@click.option("--leaflet", type=click.Choice(LEAFLET_OUTCOMES),
              help="Was the leaflet handed over?")
@click.option("--leaflet-language", metavar="CODE",
              help="Language of the leaflet handed over (required with --leaflet given).")
@click.option("--edition", "leaflet_edition", metavar="ID",
              help="Edition of the leaflet handed over (default: the workspace's edition).")
@click.option("--not-given-reason", type=click.Choice(NOT_GIVEN_REASONS),
              help="Required with --leaflet not_given.")
@click.option("--note", "not_given_note", metavar="TEXT",
              help="Why the leaflet was not given or refused; at most 200 characters, "
                   "nothing that identifies the person.")
@click.option("--centre-action", type=click.Choice(CENTRE_ACTIONS),
              help="What was arranged with a support centre.")
@click.option("--centre", type=click.Choice(CENTRES),
              help="The support centre (required unless --centre-action none).")
@click.option("--foreigners-dept-informed/--foreigners-dept-not-informed", default=None,
              help="Whether the Foreigners Department was informed.")
@click.option("--case-ref", metavar="REF",
              help="A pseudonymous reference such as the police report number; never a "
                   "national register number.")
@click.option("--occurred-at", metavar="ISO-8601",
              help="When the encounter happened, with its UTC offset (default: now).")
@click.option("--amends", metavar="ID", help="Record a correction of the record ID.")
@db_option
@click.pass_obj
def handover(settings, db, **values):
    """Record one encounter and what was handed over; prints the new record's id.

    Options not given are asked for when stdin is a terminal; otherwise a missing
    option is an error (exit code 2). A correction is a new record naming the one it
    corrects with --amends.

    \b
    Example:  export LEAFLET_UNIT=PZ-5339 LEAFLET_OFFICER=A1234
              leaflet handover --service police --assessment uncertain \\
                --residence-status unknown --person-language ti --leaflet given \\
                --leaflet-language ti --centre-action contact_arranged --centre payoke
    """
    from leaflet.handover import service
    from leaflet.duties.record import RecordError
    from leaflet.workspace import DEFAULT_CASE_REF_PATTERN

    workspace = settings.workspace_or_none()
    _bounded_languages(values["person_languages"])
    values["person_languages"] = [_language(raw, workspace)
                                  for raw in values["person_languages"]]
    try:
        _ask(values, workspace)
    except RecordError as error:
        raise _record_error(error) from None
    pattern = workspace.case_ref_pattern if workspace else DEFAULT_CASE_REF_PATTERN
    try:
        # With a workspace, a leaflet given must be one it built (docs/log-format.md).
        encounter = service.record_encounter(db, values, case_ref_pattern=pattern,
                                             workspace=workspace)
    except RecordError as error:
        raise _record_error(error) from None
    click.echo(encounter.id)
    # The duties of the circular for this encounter (as the station's receipt shows them),
    # on stderr: stdout stays the record id alone, for scripts.
    from leaflet.report.checklist import checklist, lines

    click.echo("Duties of the circular for this encounter:", err=True)
    for line in lines(checklist(encounter.to_dict(), workspace)):
        click.echo("  " + line, err=True)


def _language(raw: str, workspace) -> str:
    """A code as given, or the code a language name or country resolves to (the station's
    desk form resolves its answers with the same function)."""
    from leaflet.languages.person import person_language

    return person_language(raw, workspace, "--person-language")


def _bounded_languages(answers) -> None:
    """Refuse more languages than a record holds before resolving any of them (each name
    costs a search)."""
    from leaflet.duties.record import PERSON_LANGUAGES_MAX

    if answers and len(answers) > PERSON_LANGUAGES_MAX:
        raise click.BadParameter(f"{len(answers)} languages given; at most "
                                 f"{PERSON_LANGUAGES_MAX}", param_hint="--person-language")


def _split_languages(raw: str) -> list[str]:
    """Several answers: comma-separated, or space-separated when each one is a code."""
    from leaflet.languages.tags import TAG

    if "," in raw:
        return [part.strip() for part in raw.split(",") if part.strip()]
    words = raw.split()
    return words if all(TAG.match(word) for word in words) else [raw.strip()]


def _ask(values: dict, workspace) -> None:
    """Fill in the answers the desk still owes: prompt on a terminal, else name them."""
    from leaflet.duties.record import questions

    interactive = _interactive()
    if not interactive:
        missing = questions(values)
        if missing:
            raise click.UsageError("missing " + ", ".join(_describe(f) for f in missing))
    while True:
        missing = questions(values)
        if not missing:
            break
        values[missing[0]] = _prompt(missing[0], workspace)
    if values["leaflet"] == "given" and not values.get("leaflet_edition"):
        if workspace is not None:
            values["leaflet_edition"] = workspace.edition_id
        elif interactive:
            values["leaflet_edition"] = click.prompt(
                "Edition of the leaflet (empty if unknown)", default="", show_default=False
            ) or None


def _describe(field: str) -> str:
    option = OPTION_OF_FIELD[field]
    choices = QUESTIONS.get(field, (None, None))[1]
    return f"{option} ({'|'.join(choices)})" if choices else option


def _prompt(field: str, workspace=None):
    from leaflet.duties.record import RecordError
    from leaflet.duties.record import validate_field

    text, choices = QUESTIONS[field]
    if field == "foreigners_dept_informed":
        return click.confirm(text, default=None)

    def check(raw: str):
        if field == "person_languages":  # several, separated by commas; names may have spaces
            try:
                parts = _split_languages(raw)
                _bounded_languages(parts)
                value = [_language(part, workspace) for part in parts]
            except (LeafletError, click.BadParameter) as error:
                raise click.UsageError(str(error)) from None
        else:
            value = raw.strip()
        try:
            return validate_field(field, value)
        except RecordError as error:
            raise click.UsageError(error.message) from None

    if choices:
        return click.prompt(text, type=click.Choice(choices))
    return click.prompt(text, value_proc=check)


@click.group()
def log():
    """Read, check and move the hand-over log."""


@log.command()
@click.option("--expect-head", metavar="HASH",
              help="A head hash noted earlier: fail if it is no longer in the chain (records "
                   "removed from the end).")
@db_option
def verify(db, expect_head):
    """Walk the hash chain; print the record count and the head hash.

    Exit code 1, naming the first bad record, when a record was altered or removed.

    \b
    Example:  leaflet log verify --db postgresql+psycopg://auditor@db/leaflet
    """
    from leaflet.handover import service

    result = service.verify(db, expect_head=expect_head)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    extra = []
    if result.events:
        extra.append(f"{result.events} log record{'s' if result.events != 1 else ''} "
                     "(upgrade, erasures: `leaflet log events`)")
    if result.ledger:
        extra.append(f"{result.ledger} stock rows, ledger head {result.ledger_head}")
    click.echo(f"ok: {result.count} records, head {result.head}"
               + (f"; {'; '.join(extra)}" if extra else ""))


@log.command()
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
@db_option
def events(fmt, db):
    """List the log's own records: the upgrade to schema version 2, each erasure.

    They are links of the same hash chain as the encounters; counts and reports leave them
    out.

    \b
    Example:  leaflet log events
    """
    from leaflet.handover import service
    from leaflet.storage.chain import canonical_json
    from leaflet.storage import migrations

    rows = service.open_store(db).events()
    for row in rows:
        doc = migrations.event_document(row)
        if fmt == "jsonl":
            click.echo(canonical_json(dict(doc, seq=row["seq"], recorded_at=row["recorded_at"],
                                           hash=row["hash"])).decode("utf-8"))
            continue
        details = doc["details"]
        if doc["kind"] == "erasure":
            what = (f"erasure by {doc['actor']}: case_ref and not_given_note of "
                    f"{details['records']} records that occurred before {details['before']} "
                    f"(retention {details['retention_years']} years)")
        else:
            what = (f"upgrade to schema version {details['to']}: {details['v1_committed']} "
                    f"version-1 records sealed, up to #{details['v1_last_seq']}")
        click.echo(f"#{row['seq']:<6} {row['recorded_at']}  {what}  id {doc['id']}")
    if not rows:
        click.echo("no log records (no upgrade, no erasure)", err=True)


@log.command()
@click.option("--before", required=True, metavar="DATE",
              help="Erase in records that occurred before this day (YYYY-MM-DD, report time "
                   "zone); it must be at least [handover] retention_years ago.")
@click.option("--by", "by", required=True, metavar="CODE",
              help="Who erases (the data protection officer's code), kept in the erasure record.")
@db_option
@click.pass_obj
def erase(settings, before, by, db):
    """Erase the case reference and the note of records older than the retention period.

    Only those two fields, which could lead back to a person, and only in records that
    occurred before --before, which must be at least [handover] retention_years ago. The
    erasure is itself a record of the log; counts, reports and `log verify` are unchanged.
    See docs/privacy.md.

    \b
    Example:  leaflet log erase --before 2021-01-01 --by DPO-5339
    """
    from leaflet.handover import service

    result = service.erase(db, before, by, settings.workspace_or_none())
    if result["seq"] is None:
        click.echo(f"nothing to erase: no record that occurred before {result['before']} still "
                   "holds a case reference or a note; no erasure record was added")
        return
    click.echo(f"erased case_ref and not_given_note in {result['records']} records that "
               f"occurred before {result['before']}; erasure record #{result['seq']} "
               f"(id {result['id']})")


@log.command()
@click.option("--from", "source", required=True, metavar="URL",
              help="The log to copy from (a laptop's SQLite file or a URL).")
@click.option("--to", "dest", required=True, metavar="URL",
              help="The log to copy into (e.g. the zone's PostgreSQL); created if new.")
@click.option("--dry-run", is_flag=True, help="Say what would be copied; write nothing.")
def sync(source, dest, dry_run):
    """Copy the records and stock rows the destination lacks, in order, once each.

    The source is verified first. Each record is copied in its own transaction, so a sync
    that was interrupted is finished by running it again; a second run copies nothing. An
    id already in the destination with different content stops the sync, naming it.

    \b
    Example:  leaflet log sync --from ~/laptop.sqlite3 --to postgresql+psycopg://recorder@db/leaflet
    """
    from leaflet.storage import location
    from leaflet.storage.engine import display
    from leaflet.handover import sync as syncing

    def _db_url(value, option, create):
        return location.resolve(location.checked_db(value, option), create_folder=create)

    source_url = _db_url(source, "--from", False)
    dest_url = _db_url(dest, "--to", not dry_run)
    result = syncing.sync(source_url, dest_url, dry_run=dry_run)
    verb = "would copy" if dry_run else "copied"
    click.echo(f"{verb} {result.records} records ({result.present} already there) and "
               f"{result.stock} stock rows ({result.stock_present} already there) into "
               f"{display(dest_url)}")
    if result.verified is not None:
        v = result.verified
        click.echo(f"{display(dest_url)} verifies: {v.count} records, head {v.head}; "
                   f"{v.ledger} stock rows")


def _period_options(function):
    function = click.option("--unit", metavar="CODE", help="Only this unit's records.")(function)
    function = click.option("--to", "end", metavar="DATE",
                            help="Before this date, excluded (YYYY-MM-DD, report time zone), "
                                 "or before this ISO 8601 time; as in `leaflet report`.")(function)
    return click.option("--from", "start", metavar="DATE",
                        help="From this date, included (YYYY-MM-DD, in the report time "
                             "zone) or ISO 8601 time. Days from 1900-01-01 to "
                             "2999-12-31.")(function)


def _period(settings, start, end, unit):
    from leaflet.handover import service
    from leaflet.workspace import DEFAULT_TIMEZONE

    workspace = settings.workspace_or_none()
    return service.period(start, end, workspace.timezone if workspace else DEFAULT_TIMEZONE,
                          unit=unit)


@log.command(name="list")
@_period_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
@db_option
@click.pass_obj
def list_(settings, start, end, unit, fmt, db):
    """List records in the order they were recorded.

    --from is included and --to excluded, as everywhere: --from 2026-12-01 --to 2027-01-01
    is all of December.

    \b
    Example:  leaflet log list --from 2026-12-01 --to 2027-01-01 --unit PZ-5339
    """
    from leaflet.handover import service
    from leaflet.storage.chain import canonical_json

    where = _period(settings, start, end, unit)
    rows = service.records(db, where)  # the log is opened (or refused) before any output
    if fmt == "table":
        click.echo(f"{'#':>6}  {'occurred_at':25}  {'unit':12}  {'officer':10}  "
                   f"{'assessment':10}  {'leaflet':16}  id")
    for record in rows:
        if fmt == "jsonl":
            click.echo(canonical_json(record).decode("utf-8"))
            continue
        leaflet = record["leaflet"] + (f" {record['leaflet_language']}"
                                       if record["leaflet_language"] else "")
        click.echo(f"{record['seq']:>6}  {record['occurred_at']:25}  {record['unit']:12}  "
                   f"{record['officer']:10}  {record['assessment']:10}  {leaflet:16}  "
                   f"{record['id']}" + (f"  amends {record['amends'][:8]}"
                                        if record["amends"] else ""))


@log.command()
@click.argument("record_id", metavar="ID")
@db_option
def show(record_id, db):
    """Show one record (ID or its first 8+ characters) with its chain fields and corrections.

    \b
    Example:  leaflet log show 3f2c9a1e
    """
    import json

    from leaflet.handover import service

    click.echo(json.dumps(service.show(db, record_id), indent=2, ensure_ascii=False))


@log.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--with-chain", is_flag=True,
              help="Add seq, recorded_at, prev_hash and hash, so the chain can be checked "
                   "outside leaflet.")
@click.option("--output", "-o", metavar="FILE",
              help="Write to this file (default: stdout); written whole or not at all.")
@_period_options
@db_option
@click.pass_obj
def export(settings, fmt, with_chain, output, start, end, unit, db):
    """Write the records as JSON Lines (the interchange format) or CSV.

    CSV cells a spreadsheet would evaluate (=, +, -, @ …) get a leading apostrophe;
    `leaflet log import` of the CSV removes it again. --to is excluded.

    \b
    Example:  leaflet log export --format jsonl -o station-2026-12.jsonl
    """
    import io

    from leaflet.errors import LeafletError
    from leaflet.files import write_atomic
    from leaflet.handover import service

    where = _period(settings, start, end, unit)
    target = service.export_target(output, db) if output is not None else None
    if target is None:
        count = service.export(db, sys.stdout, fmt=fmt,
                               with_chain=with_chain, where=where)
    else:
        buffer = io.StringIO(newline="")
        count = service.export(db, buffer, fmt=fmt, with_chain=with_chain, where=where)
        try:
            write_atomic(target, buffer.getvalue().encode("utf-8"))
        except OSError as error:
            raise LeafletError(f"cannot write the export: {error.strerror or error}",
                               path=target, hint="nothing was written; write to another "
                                                 "file or free some space") from None
    click.echo(f"exported {count} records", err=True)


@log.command(name="import")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help="The file's format (default: csv for a .csv file, else jsonl; stdin: "
                   "jsonl).")
@db_option
@click.pass_obj
def import_(settings, path, fmt, db):
    """Import records from a JSON Lines or CSV export; prints each added id once committed.

    Every line is checked first: if any is bad, nothing is imported and every bad line is
    named. A record already in the log is skipped, so importing a file twice adds nothing.
    A CSV is read back exactly as `leaflet log export --format csv` wrote it.

    \b
    Example:  leaflet log import station-2026-12.jsonl --db postgresql+psycopg://central/leaflet
    """
    from leaflet.handover import service
    from leaflet.workspace import DEFAULT_CASE_REF_PATTERN

    workspace = settings.workspace_or_none()
    pattern = workspace.case_ref_pattern if workspace else DEFAULT_CASE_REF_PATTERN
    # stdin as bytes: its text is UTF-8 whatever the terminal's locale says.
    data = sys.stdin.buffer.read() if path == "-" else None
    added = present = 0
    # ImportRefused (every bad line, nothing imported) is raised before the first record.
    for record_id, is_new in service.import_file(db, path, case_ref_pattern=pattern,
                                                 data=data, fmt=fmt):
        if is_new:
            added += 1
            click.echo(record_id)  # after its commit: what is printed is in the log
        else:
            present += 1
    click.echo(f"imported {added} records, {present} already present", err=True)


@click.group()
def db():
    """The log's database."""


@db.command()
@db_option
def upgrade(db):
    """Create the log's tables or bring them to this leaflet's schema version.

    Also restores append-only triggers that were dropped. Run it as the database owner.

    \b
    Example:  leaflet db upgrade --db postgresql+psycopg://leaflet_owner@db/leaflet
    """
    from leaflet.handover import service

    result = service.upgrade(db)
    if result["applied"]:
        click.echo(f"{result['database']}: schema version {result['from']} → "
                   f"{result['version']} (applied {', '.join(map(str, result['applied']))})")
    else:
        click.echo(f"{result['database']}: at schema version {result['version']}, "
                   "nothing to do")


COMMANDS = [handover, log, db]
