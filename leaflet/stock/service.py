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
from leaflet.textsafety import clip
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


def receive(db: str | None, unit: str | None, edition: str | None,
            items: Iterable[str], *, occurred_at: str | None = None, note: str | None = None,
            workspace=None, order: str | None = None, close: bool = False) -> dict[str, Any]:
    """Record copies a unit received (from the print shop); its on-hand after, per language.

    With `order` (its id or the first SHORT_ID or more characters of it), the receipt fills
    that order: unit and edition default to the order's, no LANG=COPIES means every copy
    still due, and what is still due after a partial delivery stays on order. `close` ends
    the order with this receipt (unders written off, overs accepted)."""
    unit = record.option_code(unit, "--unit")
    edition = record.option_edition(edition)
    note = record.option_note(note)
    occurred_at = record.option_moment(occurred_at)
    items = list(items)
    if order is None:
        if unit is None:
            raise UsageError(_("--unit is required"),
                             hint=_("the unit that received the copies; or --order ID for "
                                    "copies of a print order"))
        if close:
            raise UsageError(_("--close closes a print order: give its --order ID"))
        edition = _edition_of(workspace, edition)
        lines = _parse(items, workspace, edition)
        return open_ledger(db).receive(unit, edition, lines, occurred_at=occurred_at,
                                       note=note)
    prefix = order_prefix(order)
    placed = open_for_reading(db).find_order(prefix)
    unit = unit or placed["unit"]
    edition = edition or placed["edition"]
    lines = _parse(items, workspace, edition) if items else None
    return open_ledger(db).receive(unit, edition, lines, occurred_at=occurred_at, note=note,
                                   order=placed["id"], close=close)


def order_prefix(value: str) -> str:
    """An order id as typed after --order: the whole id or its first SHORT_ID characters or
    more (as the order's folder name shows them), any case; UsageError otherwise."""
    import re

    from leaflet.stock.ledger import SHORT_ID

    text = value.strip().lower() if isinstance(value, str) else ""
    if not re.fullmatch(r"[0-9a-f]{8}(-?[0-9a-f-]{0,27})", text):
        raise UsageError(_("--order %(value)s is not an order id")
                         % {"value": clip(str(value))},
                         # Translators: %(count)s is a number of characters (8).
                         hint=_("give at least its first %(count)s characters, as the print "
                                "order and its folder's name show them")
                         % {"count": SHORT_ID})
    if len(text) > 8 and text[8] != "-":  # typed without the hyphens: put them back
        text = "-".join(filter(None, (text[:8], text[8:12], text[12:16], text[16:20],
                                      text[20:])))
    return text


def place_order(db: str | None, unit: str, edition: str | None, items: Iterable[str], *,
                occurred_at: str | None = None, note: str | None = None,
                workspace=None, order_id: str | None = None) -> dict[str, Any]:
    """Record copies on order for a unit (they quiet REORDER until received); `order_id`:
    the id its print order already carries."""
    unit = record.option_code(unit, "--unit")
    edition = _edition_of(workspace, record.option_edition(edition))
    note = record.option_note(note)
    occurred_at = record.option_moment(occurred_at)
    lines = _parse(items, workspace, edition)
    return open_ledger(db).order(unit, edition, lines, occurred_at=occurred_at, note=note,
                                 order_id=order_id)


def print_order(db: str | None, workspace, items: Iterable[str], *, unit: str | None = None,
                allow_draft: bool = False, output_dir: str | None = None,
                jobs: int | None = None, progress=None) -> dict[str, Any]:
    """`leaflet stock order`: the order's folder (leaflet.stock.order.place) and, with `unit`,
    the copies on order in the ledger under the same id, recorded before the folder appears:
    a ledger that refuses the order leaves no folder."""
    from leaflet.stock import order as orders

    items = list(items)
    unit = record.option_code(unit, "--unit")
    ledger = open_ledger(db) if unit is not None else None  # a bad --db: before any work

    def record_order(order_id: str) -> None:
        lines = _parse(items, workspace, workspace.edition_id)
        ledger.order(unit, workspace.edition_id, lines, order_id=order_id)

    return orders.place(workspace, items, allow_draft=allow_draft, output_dir=output_dir,
                        jobs=jobs, unit=unit, progress=progress,
                        record=record_order if unit is not None else None)


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
           as_of: str | None = None, all_: bool = False) -> dict[str, Any]:
    """What every unit holds per language and edition, how fast it goes, what to reorder and
    what to withdraw, as of the end of `as_of` (default today) in the report time zone, and
    the print orders with copies still due. `all_`: also a row of the current edition for
    every unit × language of `[build] languages` that holds nothing (`empty`)."""
    unit = record.option_code(unit, "--unit")
    day, until, since = window(as_of, workspace.timezone)
    from leaflet.stock.ledger import REORDER_WEEKS, WINDOW_DAYS

    ledger = open_for_reading(db)
    rows = ledger.status(until=until, since=since, current_edition=workspace.edition_id,
                         unit=unit)
    gaps = stock_gaps(ledger, until, unit)
    if all_:  # a unit that only recorded "no printed copy at hand" holds nothing: listed too
        rows = with_empty_rows(rows, workspace, unit, {gap["unit"] for gap in gaps})
    open_orders = ledger.open_orders(unit=unit)
    return {
        "as_of": day.isoformat(),
        "timezone": workspace.timezone,
        "current_edition": workspace.edition_id,
        "window_days": WINDOW_DAYS,
        "reorder_below_weeks": REORDER_WEEKS,
        "unit": unit,
        "rows": [row.as_dict() for row in rows],
        "orders": [{"id": o["id"], "short_id": o["id"][:8], "unit": o["unit"],
                    "edition": o["edition"], "placed_at": o["placed_at"],
                    "ordered": o["ordered"], "due": o["due"]} for o in open_orders],
        "summary": {
            "units": len({row.unit for row in rows}),
            "reorder": sum(row.reorder for row in rows),
            "negative": sum(row.negative for row in rows),
            "withdraw_copies": sum(row.withdraw for row in rows),
        },
        # Leaflets not given for want of a printed copy (no_copy), as the report counts them.
        "stock_gaps": gaps,
    }


def stock_gaps(ledger, until, unit: str | None) -> list[dict[str, Any]]:
    """The stock gaps recorded at hand-overs before `until` (naive UTC): the latest versions
    of the records not given for want of a printed copy (not_given_reason no_copy), per
    unit and language the person reads, as `leaflet report` counts them (stock_gaps)."""
    import sqlalchemy as sa

    from leaflet.report.query import replaced_seqs
    from leaflet.report.tally import stock_gaps as tallied
    from leaflet.storage import tables

    e, lang = tables.encounter, tables.encounter_language
    where = [e.c.leaflet == "not_given", e.c.not_given_reason == "no_copy",
             e.c.occurred_utc < until]
    if unit is not None:
        where.append(e.c.unit == unit)
    with ledger.db.read() as conn:
        found = conn.execute(sa.select(e.c.seq, e.c.unit, lang.c.code)
                             .select_from(e.join(lang, lang.c.seq == e.c.seq))
                             .where(*where)).all()
        replaced = ({seq for seq, in conn.execute(replaced_seqs())} if found else set())
    return [gap.to_dict() for gap in tallied(found, replaced)]


def with_empty_rows(rows: list, workspace, unit: str | None, more_units=()) -> list:
    """`rows` and, for every unit they name (or `unit`, and `more_units`) × every language
    of `[build] languages` with no row of the current edition, a row of nothing held
    (`empty`: no REORDER for a language the unit never had; the coordinator decides)."""
    from leaflet.stock.ledger import StatusRow

    units = sorted({row.unit for row in rows} | ({unit} if unit else set()) | set(more_units))
    have = {(row.unit, row.language) for row in rows if row.edition == workspace.edition_id}
    empty = [StatusRow(unit=u, language=code, edition=workspace.edition_id, current=True,
                       received=0, transferred_in=0, transferred_out=0, given=0, on_hand=0,
                       used_90d=0, used_per_week=0.0, language_used_per_week=0.0,
                       weeks_left=None, reorder=False, negative=False, withdraw=0,
                       empty=True)
             for u in units for code in workspace.languages if (u, code) not in have]
    result = rows + empty
    result.sort(key=lambda s: (s.unit, s.language, s.edition is None, s.edition or ""))
    return result
