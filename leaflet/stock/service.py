"""The stock commands' core functions: plain values in, plain data out.

Each opens the ledger in the log's database (`--db` / LEAFLET_DB, resolved exactly as the
hand-over commands resolve it) and returns dicts the CLI prints as a table or JSON.

Every value is checked before the database is opened (leaflet.duties.record and leaflet.periods), so a refused
command leaves no file, folder or table behind. `status` only reads (leaflet.storage.access:
no log there is NoLog, exit code 1); `receive` and `transfer` may create the log and the
ledger in a new SQLite file, never in a damaged file or another program's database.

Inside a workspace, copies are counted only as leaflets the workspace has built, by the rule
the desk's `leaflet handover --leaflet given` follows (leaflet.workspace.built): the edition
is the current one (`[edition] id`) or one built before (`output/<edition>/manifest.json`),
and the language is configured (`[build] languages`) and built for that edition (listed in
that manifest, its PDF present). Copies of anything else could never be handed over, and
would show stock that does not exist. A transfer may also move copies of a language and
edition the ledger already holds (boxes received before that edition's files were removed).
Outside a workspace there is nothing to check against: `--edition` is required and taken as
given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from leaflet.errors import UsageError
from leaflet.i18n import _
from leaflet.storage import access
from leaflet import periods
from leaflet.duties import record
from leaflet.workspace import DEFAULT_TIMEZONE


def open_ledger(db: str | None):
    """The ledger for writing (stock receive, transfer)."""
    url = access.writer_url(db)
    from leaflet.stock.ledger import Ledger

    return Ledger(url)


def open_for_reading(db: str | None):
    """The ledger of an existing log, for reading (stock status); NoLog or DamagedLog."""
    url = access.reader_url(db)
    from leaflet.stock.ledger import Ledger

    return Ledger(url)


# --- which leaflets a workspace has built ----------------------------------------------------

def built_editions(workspace) -> list[str]:
    """The current edition and every edition built before, current first (what "built"
    means is the hand-over's rule: leaflet.workspace.built)."""
    from leaflet.workspace import built

    return [workspace.edition_id] + [e for e in built.built_editions(workspace)
                                     if e != workspace.edition_id]


def built_languages(workspace, edition: str) -> list[str]:
    """The configured languages whose leaflet of `edition` is built (leaflet.toml order)."""
    from leaflet.workspace import built

    return list(built.built_languages(workspace, edition))


def _edition_of(workspace, edition: str | None) -> str:
    if edition is None:
        if workspace is None:
            raise UsageError(_("--edition is required outside a workspace"),
                             hint=_("copies are counted per edition; or run inside a "
                                    "workspace (--workspace DIR)"))
        return workspace.edition_id
    return edition


def _refuse_edition(workspace, edition: str) -> None:
    known = ", ".join(built_editions(workspace)[:12])
    raise UsageError(_("--edition %(edition)s was never built in this workspace (no "
                       "output/%(edition)s/manifest.json)") % {"edition": edition},
                     # Translators: %(editions)s lists edition ids.
                     hint=_("give the edition printed on the copies; this workspace knows "
                            "%(editions)s") % {"editions": known})


def _not_built(workspace, edition: str, codes: list[str], built: list[str]) -> UsageError:
    # Translators: %(languages)s lists language codes.
    have = (_("built: %(languages)s") % {"languages": ", ".join(built[:12])} if built
            else _("none is built"))
    # Translators: %(languages)s lists language codes; %(built)s is "built: ro, ti" or
    # "none is built".
    return UsageError(_("LANG=COPIES %(languages)s: no leaflet of edition %(edition)s in "
                        "that language is built in this workspace (%(built)s)")
                      % {"languages": ", ".join(codes), "edition": edition, "built": have},
                      hint=(_("build it with `leaflet build --lang %(lang)s`, or check the "
                              "language") % {"lang": codes[0]}
                            if edition == workspace.edition_id else
                            _("check the language and --edition of the copies")))


def _parse(items, workspace, edition: str, *, held=None):
    """The LANG=COPIES lines. In a workspace each must be a leaflet it has built: the edition
    is the current one or one built before, the language configured (`[build] languages`)
    and built for that edition. `held` (transfers): a function giving the languages of the
    edition the ledger already holds, which are accepted too."""
    from leaflet.stock.lines import parse_lines

    if workspace is None:
        return parse_lines(items)
    lines = parse_lines(items, known=workspace.languages)
    if edition not in built_editions(workspace):
        if held is None or not held():
            _refuse_edition(workspace, edition)
    built = built_languages(workspace, edition)
    missing = [code for code, _copies in lines if code not in built]
    if missing and held is not None:
        ledger = held()
        missing = [code for code in missing if code not in ledger]
    if missing:
        raise _not_built(workspace, edition, missing, built)
    return lines


def receive(db: str | None, unit: str, edition: str | None, items: Iterable[str], *,
            occurred_at: str | None = None, note: str | None = None,
            workspace=None, order: str | None = None) -> dict[str, Any]:
    """Record copies a unit received (from the print shop); its on-hand after, per language.
    With `order`, the receipt closes that order (its copies are no longer on order)."""
    unit = record.option_code(unit, "--unit")
    edition = _edition_of(workspace, record.option_edition(edition))
    note = record.option_note(note)
    occurred_at = record.option_moment(occurred_at)
    if order is not None:
        order = _movement_id(order, "--order")
    lines = _parse(items, workspace, edition)
    return open_ledger(db).receive(unit, edition, lines, occurred_at=occurred_at, note=note,
                                   order=order)


def place_order(db: str | None, unit: str, edition: str | None, items: Iterable[str], *,
                occurred_at: str | None = None, note: str | None = None,
                workspace=None) -> dict[str, Any]:
    """Record copies on order for a unit (they quiet REORDER until received)."""
    unit = record.option_code(unit, "--unit")
    edition = _edition_of(workspace, record.option_edition(edition))
    note = record.option_note(note)
    occurred_at = record.option_moment(occurred_at)
    lines = _parse(items, workspace, edition)
    return open_ledger(db).order(unit, edition, lines, occurred_at=occurred_at, note=note)


def correct(db: str | None, movement: str, items: Iterable[str], *,
            note: str | None = None, workspace=None) -> dict[str, Any]:
    """Correct the copies of a receipt or transfer (a new movement naming it)."""
    from leaflet.stock.lines import parse_lines

    movement = _movement_id(movement, "ID")
    note = record.option_note(note)
    lines = parse_lines(items, least=0)  # the right figure may be none at all
    return open_ledger(db).correct(movement, lines, note=note)


def _movement_id(value: str, option: str) -> str:
    import uuid

    try:
        return str(uuid.UUID(value.strip()))
    except (ValueError, AttributeError):
        raise UsageError(_("%(option)s %(value)s is not a movement id")
                         % {"option": option, "value": repr(value)},
                         hint=_("give the id `leaflet stock receive`, `transfer` or `order` "
                                "printed")) from None


def transfer(db: str | None, source: str, dest: str, edition: str | None,
             items: Iterable[str], *, occurred_at: str | None = None,
             note: str | None = None, workspace=None) -> dict[str, Any]:
    """Record copies sent from one unit to another; the source's on-hand after."""
    source = record.option_code(source, "--from")
    dest = record.option_code(dest, "--to")
    if source == dest:
        # Translators: %(unit)s is a unit's code, like ZP5339.
        raise UsageError(_("--from and --to are both %(unit)s") % {"unit": source})
    edition = _edition_of(workspace, record.option_edition(edition))
    note = record.option_note(note)
    occurred_at = record.option_moment(occurred_at)
    held: set[str] | None = None

    def ledger_languages() -> set[str]:
        nonlocal held
        if held is None:
            held = _languages_held(db, edition)
        return held

    lines = _parse(items, workspace, edition, held=ledger_languages)
    return open_ledger(db).transfer(source, dest, edition, lines, occurred_at=occurred_at,
                                    note=note)


def _languages_held(db: str | None, edition: str) -> set[str]:
    """The languages of `edition` the ledger at `db` names; none when there is no log there
    (nothing is created to find out)."""
    from leaflet.storage.errors import NoLog

    try:
        ledger = open_for_reading(db)
    except NoLog:
        return set()
    return ledger.languages_held(edition)


def window(as_of: str | None, timezone: str = DEFAULT_TIMEZONE
           ) -> tuple[dt.date, dt.datetime, dt.datetime]:
    """(as-of day, until, since): until is the end of the as-of day in `timezone` and since
    is WINDOW_DAYS before it, both naive UTC as the log stores occurred_utc."""
    from leaflet.stock.ledger import WINDOW_DAYS

    day = periods.day(as_of, "--as-of")
    zone = periods.zone(timezone)
    day = day or dt.datetime.now(zone).date()
    until = periods.local_midnight_utc(day + dt.timedelta(days=1), zone)
    since = periods.local_midnight_utc(day + dt.timedelta(days=1 - WINDOW_DAYS), zone)
    return day, until, since


def status(db: str | None, workspace, *, unit: str | None = None,
           as_of: str | None = None) -> dict[str, Any]:
    """What every unit holds per language and edition, how fast it goes, what to reorder and
    what to withdraw, as of the end of `as_of` (default today) in the report time zone."""
    unit = record.option_code(unit, "--unit")
    day, until, since = window(as_of, workspace.timezone)
    from leaflet.stock.ledger import REORDER_WEEKS, WINDOW_DAYS

    rows = open_for_reading(db).status(until=until, since=since,
                                       current_edition=workspace.edition_id, unit=unit)
    return {
        "as_of": day.isoformat(),
        "timezone": workspace.timezone,
        "current_edition": workspace.edition_id,
        "window_days": WINDOW_DAYS,
        "reorder_below_weeks": REORDER_WEEKS,
        "unit": unit,
        "rows": [row.as_dict() for row in rows],
        "summary": {
            "units": len({row.unit for row in rows}),
            "reorder": sum(row.reorder for row in rows),
            "negative": sum(row.negative for row in rows),
            "withdraw_copies": sum(row.withdraw for row in rows),
        },
    }
