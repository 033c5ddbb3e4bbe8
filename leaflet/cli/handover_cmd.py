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
from leaflet.i18n import N_, _, ngettext

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

# Prompts for the fields a desk must answer: (text, choices or None); the text is
# translated where it is asked (_prompt).
QUESTIONS = {
    "service": (N_("Service"), SERVICES),
    "unit": (N_("Unit code"), None),
    "officer": (N_("Officer code"), None),
    "assessment": (N_("Assessment"), ASSESSMENTS),
    "residence_status": (N_("Residence status"), RESIDENCE_STATUSES),
    # Translators: the codes (ti, ar-MA) and "und" are typed as they are.
    "person_languages": (N_("Languages the person understands (codes like ti or ar-MA, or "
                            "names, comma-separated; und if unknown)"), None),
    "leaflet": (N_("Leaflet"), LEAFLET_OUTCOMES),
    "leaflet_language": (N_("Language of the leaflet handed over"), None),
    "not_given_reason": (N_("Why not given"), NOT_GIVEN_REASONS),
    "centre_action": (N_("Support centre action"), CENTRE_ACTIONS),
    "centre": (N_("Support centre"), CENTRES),
    "foreigners_dept_informed": (N_("Foreigners Department informed?"), None),
}


def db_option(function):
    return click.option(
        "--db", metavar="URL", envvar="LEAFLET_DB",
        help=_("The log's database: a SQLAlchemy URL (postgresql+psycopg://…) or a SQLite file "
               "path. Default: handover.sqlite3 in the user data folder. Env: LEAFLET_DB."),
    )(function)


def _interactive() -> bool:
    return sys.stdin.isatty()



def _record_error(error) -> click.UsageError:
    option = OPTION_OF_FIELD.get(error.field, error.field)
    hint = f" ({error.hint})" if error.hint else ""
    return click.UsageError(f"{option}: {error.message}{hint}")




@click.command(help=_("Record one encounter and what was handed over; prints the new record's "
                      "id.\n\n"
                      "Options not given are asked for when stdin is a terminal; otherwise a "
                      "missing option is an error (exit code 2). A correction is a new record "
                      "naming the one it corrects with --amends.\n\n"
                      "\b\n"
                      "Example:  export LEAFLET_UNIT=PZ-5339 LEAFLET_OFFICER=A1234\n"
                      "          leaflet handover --service police --assessment uncertain \\\n"
                      "            --residence-status unknown --person-language ti --leaflet "
                      "given \\\n"
                      "            --leaflet-language ti --centre-action contact_arranged "
                      "--centre payoke"))
@click.option("--service", type=click.Choice(SERVICES), envvar="LEAFLET_SERVICE",
              help=_("The service that met the person. Env: LEAFLET_SERVICE."))
@click.option("--unit", metavar="CODE", envvar="LEAFLET_UNIT",
              help=_("The unit's code (a desk sets LEAFLET_UNIT once)."))
@click.option("--officer", metavar="CODE", envvar="LEAFLET_OFFICER",
              help=_("The officer's code (a desk sets LEAFLET_OFFICER once)."))
@click.option("--assessment", type=click.Choice(ASSESSMENTS),
              help=_("victim: good reason to believe so (§5.1); uncertain (§5.2); implicated "
                     "in the trafficking (§5.3)."))
@click.option("--residence-status", type=click.Choice(RESIDENCE_STATUSES))
@click.option("--person-language", "person_languages", multiple=True, metavar="LANGUAGE",
              help=_("A language the person understands, repeatable: a code (ti, zh-Hans; und "
                     "if unknown), a name in any language (Tigrinya, tigrinia, ትግርኛ) or a "
                     "country (resolved as `leaflet pick` does; an ambiguous answer is refused "
                     "with the candidates)."))
@click.option("--leaflet", type=click.Choice(LEAFLET_OUTCOMES),
              help=_("Was the leaflet handed over?"))
@click.option("--leaflet-language", metavar="LANGUAGE",
              help=_("Language of the leaflet handed over (required with --leaflet given): a "
                     "code or a name, as --person-language takes them. Asked on a terminal, "
                     "the default is the person's first language with a built leaflet."))
@click.option("--edition", "leaflet_edition", metavar="ID",
              help=_("Edition of the leaflet handed over (default: the workspace's edition)."))
@click.option("--not-given-reason", type=click.Choice(NOT_GIVEN_REASONS),
              help=_("Required with --leaflet not_given. no_language: no leaflet exists in a "
                     "language the person understands (refused while one is built); "
                     "no_copy: one exists, but no printed copy was at hand."))
@click.option("--note", "not_given_note", metavar="TEXT",
              help=_("A short note with any hand-over (why the leaflet was not given or "
                     "refused, for one); at most 200 characters, nothing that identifies the "
                     "person."))
@click.option("--centre-action", type=click.Choice(CENTRE_ACTIONS),
              help=_("What was arranged with a support centre."))
@click.option("--centre", type=click.Choice(CENTRES),
              help=_("The support centre (required unless --centre-action none)."))
@click.option("--foreigners-dept-informed/--foreigners-dept-not-informed", default=None,
              help=_("Whether the Foreigners Department was informed."))
@click.option("--case-ref", metavar="REF",
              help=_("A pseudonymous reference such as the police report number; never a "
                     "national register number."))
@click.option("--occurred-at", metavar="ISO-8601",
              help=_("When the encounter happened, with its UTC offset (default: now)."))
@click.option("--amends", metavar="ID", help=_("Record a correction of the record ID."))
@click.option("--yes", "-y", "assume_yes", is_flag=True,
              help=_("Record without the last look: on a terminal, what will be recorded is "
                     "shown and “Record this? [Y/n]” asked first (never when stdin is not a "
                     "terminal)."))
@db_option
@click.pass_obj
def handover(settings, db, assume_yes, **values):
    from leaflet.handover import service
    from leaflet.duties.record import RecordError
    from leaflet.workspace import DEFAULT_CASE_REF_PATTERN

    workspace = settings.workspace_or_none()
    _bounded_languages(values["person_languages"])
    values["person_languages"] = [_language(raw, workspace)
                                  for raw in values["person_languages"]]
    if values["leaflet_language"] is not None:
        values["leaflet_language"] = _language(values["leaflet_language"], workspace,
                                               "--leaflet-language")
    try:
        _ask(values, workspace)
    except RecordError as error:
        raise _record_error(error) from None
    pattern = workspace.case_ref_pattern if workspace else DEFAULT_CASE_REF_PATTERN
    try:
        # With a workspace, a leaflet given must be one it built, and a reason for not giving
        # one must fit what is built (docs/log-format.md).
        encounter = service.prepare(values, case_ref_pattern=pattern, workspace=workspace)
    except RecordError as error:
        raise _record_error(error) from None
    doubts = service.warnings(encounter, workspace)
    if _interactive() and not assume_yes:
        _last_look(encounter, doubts)
        doubts = []  # seen and accepted
    try:
        encounter = service.append(db, encounter)
    except RecordError as error:  # a correction of a record not in this log, an id twice
        raise _record_error(error) from None
    for doubt in doubts:
        click.echo(_("warning: %(message)s") % {"message": doubt}, err=True)
    click.echo(encounter.id)
    # The duties of the circular for this encounter (as the station's receipt shows them),
    # on stderr: stdout stays the record id alone, for scripts.
    from leaflet.report.checklist import checklist, lines

    click.echo(_("Duties of the circular for this encounter:"), err=True)
    for line in lines(checklist(encounter.to_dict(), workspace)):
        click.echo("  " + line, err=True)


def _language(raw: str, workspace, option: str = "--person-language") -> str:
    """A code as given, or the code a language name or country resolves to (the station's
    desk form resolves its answers with the same function); an ambiguous name is a one-line
    UsageError naming `option` and listing the candidates."""
    from leaflet.languages.person import person_language

    return person_language(raw, workspace, option)


# The lines of the last look, in the order of the record: (label, field).
SUMMARY = (
    (N_("When"), "occurred_at"), (N_("Service"), "service"), (N_("Unit code"), "unit"),
    (N_("Officer code"), "officer"), (N_("Assessment"), "assessment"),
    (N_("Residence status"), "residence_status"),
    (N_("Languages the person understands"), "person_languages"),
    (N_("Leaflet"), "leaflet"), (N_("Language of the leaflet handed over"), "leaflet_language"),
    (N_("Edition"), "leaflet_edition"), (N_("Why not given"), "not_given_reason"),
    (N_("Note"), "not_given_note"), (N_("Support centre action"), "centre_action"),
    (N_("Support centre"), "centre"),
    (N_("Foreigners Department informed?"), "foreigners_dept_informed"),
    (N_("Case reference"), "case_ref"), (N_("Correction of"), "amends"),
)


def summary(encounter) -> list[str]:
    """What will be recorded, a line per answered field (on stderr before "Record this?")."""
    data = encounter.to_dict()
    lines = []
    for text, field in SUMMARY:
        value = data.get(field)
        if value is None or value == []:
            continue
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, list):
            value = ", ".join(value)
        lines.append(f"  {_(text)}: {value}")
    return lines


def _last_look(encounter, doubts) -> None:
    """On a terminal: the summary, the warnings, then "Record this? [Y/n]"; no writes
    nothing and exits 1."""
    click.echo(_("To be recorded (the log is append-only: a mistake needs a correction):"),
               err=True)
    for line in summary(encounter):
        click.echo(line, err=True)
    for doubt in doubts:
        click.echo(_("warning: %(message)s") % {"message": doubt}, err=True)
    if not click.confirm(_("Record this?"), default=True, err=True):
        click.echo(_("Nothing recorded."), err=True)
        raise click.exceptions.Exit(1)


def _bounded_languages(answers) -> None:
    """Refuse more languages than a record holds before resolving any of them (each name
    costs a search)."""
    from leaflet.duties.record import PERSON_LANGUAGES_MAX

    if answers and len(answers) > PERSON_LANGUAGES_MAX:
        raise click.BadParameter(_("%(count)s languages given; at most %(max)s")
                                 % {"count": len(answers), "max": PERSON_LANGUAGES_MAX},
                                 param_hint="--person-language")


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
            # Translators: %(options)s lists option names, like --unit, --service (police|…).
            raise click.UsageError(_("missing %(options)s")
                                   % {"options": ", ".join(_describe(f) for f in missing)})
    while True:
        missing = questions(values)
        if not missing:
            break
        values[missing[0]] = _prompt(missing[0], workspace, values)
    if values["leaflet"] == "given" and not values.get("leaflet_edition"):
        if workspace is not None:
            values["leaflet_edition"] = workspace.edition_id
        elif interactive:
            values["leaflet_edition"] = click.prompt(
                _("Edition of the leaflet (empty if unknown)"), default="", show_default=False
            ) or None


def _describe(field: str) -> str:
    option = OPTION_OF_FIELD[field]
    choices = QUESTIONS.get(field, (None, None))[1]
    return f"{option} ({'|'.join(choices)})" if choices else option


def default_answer(field: str, values: dict, workspace=None) -> str | None:
    """The answer Enter takes, shown in brackets, or None (an answer the officer must give:
    the assessment, the residence status, the centre).

    The leaflet: given (the duty). Its language: the person's first language with a leaflet
    built in the workspace's edition (without a workspace, their first language). Why not
    given: no_copy when a leaflet is built in one of their languages, else no_language (the
    reason plausibility would accept). The centre action of an implicated person: none (§5.3).
    """
    from leaflet.languages.tags import UNKNOWN

    languages = [c for c in values.get("person_languages") or () if c != UNKNOWN]
    readable = None
    if workspace is not None and field in ("leaflet_language", "not_given_reason"):
        from leaflet.handover.plausibility import readable_built

        readable = readable_built(workspace, languages)
    if field == "leaflet":
        return "given"
    if field == "leaflet_language":
        found = readable if readable is not None else languages
        return found[0] if found else None
    if field == "not_given_reason" and readable is not None:
        return "no_copy" if readable else "no_language"
    if field == "centre_action" and values.get("assessment") == "implicated":
        return "none"
    return None


def _prompt(field: str, workspace=None, values: dict | None = None):
    from leaflet.duties.record import RecordError
    from leaflet.duties.record import validate_field

    values = values if values is not None else {}
    text, choices = QUESTIONS[field]
    text = _(text)
    if field == "foreigners_dept_informed":
        return click.confirm(text, default=None)
    default = default_answer(field, values, workspace)

    def check(raw: str):
        try:
            if field == "person_languages":  # several, comma-separated; names may have spaces
                parts = _split_languages(raw)
                _bounded_languages(parts)
                value = [_language(part, workspace) for part in parts]
            elif field == "leaflet_language":  # a code or a name, as the person's languages
                value = _language(raw.strip(), workspace, "--leaflet-language")
            else:
                value = raw.strip()
        except (LeafletError, click.BadParameter) as error:
            raise click.UsageError(str(error)) from None
        try:
            value = validate_field(field, value)
            _plausible(field, value, values, workspace)
            return value
        except RecordError as error:
            hint = f" ({error.hint})" if error.hint else ""
            raise click.UsageError(error.message + hint) from None

    if choices:
        choice = click.Choice(choices)

        def check_choice(raw: str):
            return check(choice.convert(raw, None, None))

        # The choices are listed as click lists them; the answer is checked as typed text.
        return click.prompt(f"{text} ({', '.join(choices)})", default=default,
                            value_proc=check_choice)
    return click.prompt(text, default=default, value_proc=check)


def _plausible(field: str, value, values: dict, workspace) -> None:
    """At the prompt, what `leaflet.handover.service.prepare` would refuse of this answer
    (asked again rather than refused after every question)."""
    if workspace is None:
        return
    if field == "leaflet_language":
        from leaflet.handover import given

        given.check_given(workspace, value, values.get("leaflet_edition"))
    elif field == "not_given_reason":
        from leaflet.handover import plausibility

        plausibility.check_reason(workspace, {**values, "leaflet": "not_given",
                                              "not_given_reason": value})


@click.group(help=_("Read, check and move the hand-over log."))
def log():
    pass


@log.command(help=_("Walk the hash chain; print the record count and the head hash.\n\n"
                    "Exit code 1, naming the first bad record, when a record was altered or "
                    "removed.\n\n"
                    "\b\n"
                    "Example:  leaflet log verify --db postgresql+psycopg://auditor@db/leaflet"))
@click.option("--expect-head", metavar="HASH",
              help=_("A head hash noted earlier: fail if it is no longer in the chain (records "
                     "removed from the end)."))
@db_option
def verify(db, expect_head):
    from leaflet.handover import service

    result = service.verify(db, expect_head=expect_head)
    for warning in result.warnings:
        click.echo(_("warning: %(message)s") % {"message": warning}, err=True)
    extra = []
    if result.events:
        extra.append(ngettext("%(count)s log record (upgrade, erasures: `leaflet log events`)",
                              "%(count)s log records (upgrade, erasures: `leaflet log events`)",
                              result.events) % {"count": result.events})
    if result.ledger:
        extra.append(_("%(count)s stock rows, ledger head %(head)s")
                     % {"count": result.ledger, "head": result.ledger_head})
    if extra:
        # Translators: %(details)s are the log records' and the stock rows' counts, each
        # translated, joined with "; ".
        click.echo(_("ok: %(count)s records, head %(head)s; %(details)s")
                   % {"count": result.count, "head": result.head, "details": "; ".join(extra)})
    else:
        click.echo(_("ok: %(count)s records, head %(head)s")
                   % {"count": result.count, "head": result.head})


@log.command(help=_("List the log's own records: the upgrade to schema version 2, each "
                    "erasure.\n\n"
                    "They are links of the same hash chain as the encounters; counts and reports "
                    "leave them out.\n\n"
                    "\b\n"
                    "Example:  leaflet log events"))
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
@db_option
def events(fmt, db):
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
            # Translators: case_ref and not_given_note are field names: keep them as they are.
            # %(actor)s is the data protection officer's code; %(before)s a date, YYYY-MM-DD.
            what = (_("erasure by %(actor)s: case_ref and not_given_note of %(records)s records "
                      "that occurred before %(before)s (retention %(years)s years)")
                    % {"actor": doc["actor"], "records": details["records"],
                       "before": details["before"], "years": details["retention_years"]})
        else:
            # Translators: %(seq)s is a record's sequence number, shown after #.
            what = (_("upgrade to schema version %(version)s: %(count)s version-1 records "
                      "sealed, up to #%(seq)s")
                    % {"version": details["to"], "count": details["v1_committed"],
                       "seq": details["v1_last_seq"]})
        # Translators: a line of `leaflet log events`: the record's number (padded), when it
        # was recorded, what it did, and its id.
        click.echo(_("#%(seq)s %(recorded_at)s  %(what)s  id %(id)s")
                   % {"seq": f"{row['seq']:<6}", "recorded_at": row["recorded_at"],
                      "what": what, "id": doc["id"]})
    if not rows:
        click.echo(_("no log records (no upgrade, no erasure)"), err=True)


@log.command(help=_("Erase the case reference and the note of records older than the retention "
                    "period.\n\n"
                    "Only those two fields, which could lead back to a person, and only in "
                    "records that occurred before --before, which must be at least [handover] "
                    "retention_years ago. The erasure is itself a record of the log; counts, "
                    "reports and `log verify` are unchanged. See docs/privacy.md.\n\n"
                    "\b\n"
                    "Example:  leaflet log erase --before 2021-01-01 --by DPO-5339"))
@click.option("--before", required=True, metavar="DATE",
              help=_("Erase in records that occurred before this day (YYYY-MM-DD, report time "
                     "zone); it must be at least [handover] retention_years ago."))
@click.option("--by", "by", required=True, metavar="CODE",
              help=_("Who erases (the data protection officer's code), kept in the erasure "
                     "record."))
@db_option
@click.pass_obj
def erase(settings, before, by, db):
    from leaflet.handover import service

    result = service.erase(db, before, by, settings.workspace_or_none())
    if result["seq"] is None:
        click.echo(_("nothing to erase: no record that occurred before %(before)s still "
                     "holds a case reference or a note; no erasure record was added")
                   % {"before": result["before"]})
        return
    # Translators: case_ref and not_given_note are field names: keep them as they are.
    click.echo(_("erased case_ref and not_given_note in %(records)s records that occurred "
                 "before %(before)s; erasure record #%(seq)s (id %(id)s)")
               % {"records": result["records"], "before": result["before"],
                  "seq": result["seq"], "id": result["id"]})


@log.command(help=_("Copy the records and stock rows the destination lacks, in order, once "
                    "each.\n\n"
                    "The source is verified first. Each record is copied in its own transaction, "
                    "so a sync that was interrupted is finished by running it again; a second run "
                    "copies nothing. An id already in the destination with different content "
                    "stops the sync, naming it.\n\n"
                    "\b\n"
                    "Example:  leaflet log sync --from ~/laptop.sqlite3 --to "
                    "postgresql+psycopg://recorder@db/leaflet"))
@click.option("--from", "source", required=True, metavar="URL",
              help=_("The log to copy from (a laptop's SQLite file or a URL)."))
@click.option("--to", "dest", required=True, metavar="URL",
              help=_("The log to copy into (e.g. the zone's PostgreSQL); created if new."))
@click.option("--dry-run", is_flag=True, help=_("Say what would be copied; write nothing."))
def sync(source, dest, dry_run):
    from leaflet.storage import location
    from leaflet.storage.engine import display
    from leaflet.handover import sync as syncing

    def _db_url(value, option, create):
        return location.resolve(location.checked_db(value, option), create_folder=create)

    source_url = _db_url(source, "--from", False)
    dest_url = _db_url(dest, "--to", not dry_run)
    result = syncing.sync(source_url, dest_url, dry_run=dry_run)
    counts = {"records": result.records, "present": result.present, "stock": result.stock,
              "stock_present": result.stock_present, "dest": display(dest_url)}
    if dry_run:
        click.echo(_("would copy %(records)s records (%(present)s already there) and "
                     "%(stock)s stock rows (%(stock_present)s already there) into %(dest)s")
                   % counts)
    else:
        click.echo(_("copied %(records)s records (%(present)s already there) and "
                     "%(stock)s stock rows (%(stock_present)s already there) into %(dest)s")
                   % counts)
    if result.verified is not None:
        v = result.verified
        click.echo(_("%(dest)s verifies: %(count)s records, head %(head)s; %(ledger)s stock rows")
                   % {"dest": display(dest_url), "count": v.count, "head": v.head,
                      "ledger": v.ledger})


def _period_options(function):
    function = click.option("--unit", metavar="CODE", help=_("Only this unit's records."))(function)
    function = click.option("--to", "end", metavar="DATE",
                            help=_("Before this date, excluded (YYYY-MM-DD, report time zone), "
                                   "or before this ISO 8601 time; as in `leaflet report`.")
                            )(function)
    return click.option("--from", "start", metavar="DATE",
                        help=_("From this date, included (YYYY-MM-DD, in the report time "
                               "zone) or ISO 8601 time. Days from 1900-01-01 to "
                               "2999-12-31."))(function)


def _period(settings, start, end, unit):
    from leaflet.handover import service
    from leaflet.workspace import DEFAULT_TIMEZONE

    workspace = settings.workspace_or_none()
    return service.period(start, end, workspace.timezone if workspace else DEFAULT_TIMEZONE,
                          unit=unit)


@log.command(name="list", help=_("List records in the order they were recorded.\n\n"
                                 "--from is included and --to excluded, as everywhere: --from "
                                 "2026-12-01 --to 2027-01-01 is all of December.\n\n"
                                 "\b\n"
                                 "Example:  leaflet log list --from 2026-12-01 --to 2027-01-01 "
                                 "--unit PZ-5339"))
@_period_options
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl"]), default="table",
              show_default=True)
@db_option
@click.pass_obj
def list_(settings, start, end, unit, fmt, db):
    from leaflet.handover import service
    from leaflet.storage.chain import canonical_json

    where = _period(settings, start, end, unit)
    rows = service.records(db, where)  # the log is opened (or refused) before any output
    if fmt == "table":
        # Translators: the headings of `leaflet log list` (columns: when, unit, officer,
        # assessment, leaflet, record id); short words.
        titles = [_("occurred at"), _("unit"), _("officer"), _("assessment"), _("leaflet"),
                  _("id")]
        click.echo(f"{'#':>6}  {titles[0]:25}  {titles[1]:12}  {titles[2]:10}  "
                   f"{titles[3]:10}  {titles[4]:16}  {titles[5]}")
    for record in rows:
        if fmt == "jsonl":
            click.echo(canonical_json(record).decode("utf-8"))
            continue
        leaflet = record["leaflet"] + (f" {record['leaflet_language']}"
                                       if record["leaflet_language"] else "")
        click.echo(f"{record['seq']:>6}  {record['occurred_at']:25}  {record['unit']:12}  "
                   f"{record['officer']:10}  {record['assessment']:10}  {leaflet:16}  "
                   f"{record['id']}" + ("  " + _("amends %(id)s") % {"id": record["amends"][:8]}
                                        if record["amends"] else ""))


@log.command(help=_("Show one record (ID or its first 8+ characters) with its chain fields and "
                    "corrections.\n\n"
                    "\b\n"
                    "Example:  leaflet log show 3f2c9a1e"))
@click.argument("record_id", metavar="ID")
@db_option
def show(record_id, db):
    import json

    from leaflet.handover import service

    click.echo(json.dumps(service.show(db, record_id), indent=2, ensure_ascii=False))


@log.command(help=_("Write the records as JSON Lines (the interchange format) or CSV.\n\n"
                    "CSV cells a spreadsheet would evaluate (=, +, -, @ …) get a leading "
                    "apostrophe; `leaflet log import` of the CSV removes it again. --to is "
                    "excluded.\n\n"
                    "\b\n"
                    "Example:  leaflet log export --format jsonl -o station-2026-12.jsonl"))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--with-chain", is_flag=True,
              help=_("Add seq, recorded_at, prev_hash and hash, so the chain can be checked "
                     "outside leaflet."))
@click.option("--output", "-o", metavar="FILE",
              help=_("Write to this file (default: stdout); written whole or not at all."))
@_period_options
@db_option
@click.pass_obj
def export(settings, fmt, with_chain, output, start, end, unit, db):
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
            raise LeafletError(_("cannot write the export: %(reason)s")
                               % {"reason": error.strerror or error},
                               path=target, hint=_("nothing was written; write to another "
                                                   "file or free some space")) from None
    click.echo(_("exported %(count)s records") % {"count": count}, err=True)


@log.command(name="import", help=_("Import records from a JSON Lines or CSV export; prints each "
                                   "added id once committed.\n\n"
                                   "Every line is checked first: if any is bad, nothing is "
                                   "imported and every bad line is named. A record already in the "
                                   "log is skipped, so importing a file twice adds nothing. A CSV "
                                   "is read back exactly as `leaflet log export --format csv` "
                                   "wrote it.\n\n"
                                   "\b\n"
                                   "Example:  leaflet log import station-2026-12.jsonl --db "
                                   "postgresql+psycopg://central/leaflet"))
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default=None,
              help=_("The file's format (default: csv for a .csv file, else jsonl; stdin: "
                     "jsonl)."))
@db_option
@click.pass_obj
def import_(settings, path, fmt, db):
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
    click.echo(_("imported %(added)s records, %(present)s already present")
               % {"added": added, "present": present}, err=True)


@click.group(help=_("The log's database."))
def db():
    pass


@db.command(help=_("Create the log's tables or bring them to this leaflet's schema version.\n\n"
                   "Also restores append-only triggers that were dropped. Run it as the database "
                   "owner.\n\n"
                   "\b\n"
                   "Example:  leaflet db upgrade --db "
                   "postgresql+psycopg://leaflet_owner@db/leaflet"))
@db_option
def upgrade(db):
    from leaflet.handover import service

    result = service.upgrade(db)
    if result["applied"]:
        # Translators: %(database)s is the log's database (a file or a URL); %(applied)s the
        # schema versions applied, like 2, 3.
        click.echo(_("%(database)s: schema version %(old)s → %(new)s (applied %(applied)s)")
                   % {"database": result["database"], "old": result["from"],
                      "new": result["version"],
                      "applied": ", ".join(map(str, result["applied"]))})
    else:
        click.echo(_("%(database)s: at schema version %(version)s, nothing to do")
                   % {"database": result["database"], "version": result["version"]})


COMMANDS = [handover, log, db]
