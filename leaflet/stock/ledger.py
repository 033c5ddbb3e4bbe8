"""The stock ledger: receipts, transfers, and what every unit holds of each language and edition.

Receipts and transfers are rows of `stock_movement` (leaflet.storage.tables). Hand-overs are
not: a unit's stock is *derived*,

    on hand = received + transferred in − transferred out − copies given

where "copies given" counts the log's encounters of that unit with `leaflet = given` in that
language and edition, each encounter through its latest correction (a correction that moves
a hand-over to another unit or language moves its copy too). The count is one SQL aggregate
over the log, so the desk's `leaflet handover` writes exactly what it wrote before, no
decrement can be lost however many desks record at once, and a hand-over that takes a unit
below zero is still recorded (it is a fact) and shows as negative stock.

All aggregation happens in SQL (SQLAlchemy Core), the same statement on SQLite and
PostgreSQL; Python only divides the few aggregated rows into weeks.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from leaflet.errors import UsageError
from leaflet.i18n import _
from leaflet.periods import local_now_text, utc_now_text
from leaflet.storage import access
from leaflet.duties import record
from leaflet.storage import ledger_chain, tables
from leaflet.storage.database import LEDGER_LOCK_KEY, Database

WINDOW_DAYS = 90  # copies used per week are averaged over this many days before `as of`
REORDER_WEEKS = 4  # reorder when the current edition lasts fewer weeks than this


_OPTION_CHECKS = {"unit": record.option_code, "leaflet_edition": record.option_edition,
                  "not_given_note": record.option_note, "occurred_at": record.option_moment}


def check_field(field: str, option: str, value):
    """A value checked as the log checks the same field, after leaflet.duties.record and leaflet.periods has
    refused invisible characters and overlong values; UsageError naming the option."""
    return _OPTION_CHECKS[field](value, option)


def _edition(edition: str | None) -> str:
    edition = check_field("leaflet_edition", "--edition", edition)
    if edition is None:
        raise UsageError(_("--edition is required: copies are counted per edition"))
    return edition


def _moment(occurred_at: str | None) -> tuple[str, dt.datetime]:
    text = check_field("occurred_at", "--occurred-at", occurred_at or local_now_text())
    utc = dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc).replace(tzinfo=None)
    return text, utc


# --- the ledger ------------------------------------------------------------------------------

@dataclass
class StatusRow:
    """One unit × language × edition. `edition` None: hand-overs recorded without one."""

    unit: str
    language: str
    edition: str | None
    current: bool
    received: int
    transferred_in: int
    transferred_out: int
    given: int
    on_hand: int
    used_90d: int
    used_per_week: float
    language_used_per_week: float
    weeks_left: float | None
    reorder: bool  # fewer than REORDER_WEEKS left, and nothing on order
    negative: bool
    withdraw: int
    on_order: int = 0  # ordered (`stock order`) and not yet received
    empty: bool = False  # `stock status --all`: a unit × language that holds nothing

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)  # flat values only: dataclasses.asdict deep-copies, slowly


class Ledger:
    """The stock ledger in the log's database (leaflet.storage.database: the same engine,
    connections and errors as the log; the ledger's own chain lock)."""

    def __init__(self, url: str):
        self.db = Database(url)
        self.display_url = self.db.display_url
        self.dialect = self.db.dialect

    # --- writing -------------------------------------------------------------------------

    def receive(self, unit: str, edition: str, lines: list[tuple[str, int]] | None, *,
                occurred_at: str | None = None, note: str | None = None,
                order: str | None = None, close: bool = False) -> dict[str, Any]:
        """Record printed copies arriving at `unit`; returns the movement and on-hand after.

        With `order` (a full order id, see find_order), the receipt fills that order: `lines`
        None receives every copy still due; each language's copies received (at most what is
        due) leave the order, and what is still due stays on order for a later receipt.
        `close` ends the order with this receipt whatever is still due (the print shop's
        unders), and accepts more copies than were due (its overs)."""
        unit = check_field("unit", "--unit", unit)
        edition = _edition(edition)
        note = check_field("not_given_note", "--note", note)
        text, utc = _moment(occurred_at)
        movement_id, recorded_at = str(uuid.uuid4()), utc_now_text()

        def receipt(got):
            return [self._row(movement_id, "receipt", unit, None, code, edition, copies, text,
                              utc, recorded_at, note) for code, copies in got]

        if order is None:
            return self._record(movement_id, receipt(lines), unit, edition, lines)

        def prepare(conn):
            # Under the ledger's lock: two receipts of one order never both take what is due.
            placed = order_state(conn, order)
            _check_order(placed, order, unit, edition)
            due = placed["due"]
            got = lines if lines is not None else [(c, n) for c, n in due.items() if n > 0]
            for code, copies in got:
                if code not in due:
                    # Translators: %(code)s is a language code; %(languages)s lists language
                    # codes; %(order)s is an order's short id.
                    raise UsageError(_("LANG=COPIES %(code)s=%(copies)s: order %(order)s has "
                                       "no %(code)s (it has %(languages)s)")
                                     % {"code": code, "copies": copies, "order": order[:8],
                                        "languages": ", ".join(sorted(due))})
                if copies > due[code] and not close:
                    raise UsageError(_("LANG=COPIES %(code)s=%(copies)s: only %(due)s "
                                       "copies of %(code)s are still due on order %(order)s")
                                     % {"code": code, "copies": copies, "due": due[code],
                                        "order": order[:8]},
                                     hint=_("check the delivery note; if the print shop "
                                            "delivered more, add --close to record them all "
                                            "and close the order"))
            received = dict(got)
            closing = [{"id": str(uuid.uuid4()), "movement": movement_id, "kind": "order_close",
                        "corrects": None, "order_id": order, "unit": unit, "language": code,
                        "edition": edition,
                        "copies": -(left if close else min(received.get(code, 0), left)),
                        "occurred_at": text, "occurred_utc": utc, "recorded_at": recorded_at,
                        "note": None}
                       for code, left in sorted(due.items())
                       if left > 0 and (close or received.get(code, 0) > 0)]
            return receipt(got), closing, got

        result = self._record(movement_id, [], unit, edition, lines or [], prepare=prepare)
        result["order"] = order
        with self.db.read() as conn:
            result["still_due"] = {c: n for c, n in order_state(conn, order)["due"].items()
                                   if n > 0}
        return result

    def order(self, unit: str, edition: str, lines: list[tuple[str, int]], *,
              occurred_at: str | None = None, note: str | None = None,
              order_id: str | None = None) -> dict[str, Any]:
        """Record copies on order for `unit`: they quiet REORDER until receipts fill them.
        `order_id`: the id the print order (its folder, PDF and CSV) already carries."""
        unit = check_field("unit", "--unit", unit)
        edition = _edition(edition)
        note = check_field("not_given_note", "--note", note)
        text, utc = _moment(occurred_at)
        movement_id, recorded_at = str(uuid.UUID(order_id or str(uuid.uuid4()))), utc_now_text()
        rows = [{"id": str(uuid.uuid4()), "movement": movement_id, "kind": "order",
                 "corrects": None, "order_id": None, "unit": unit, "language": code,
                 "edition": edition, "copies": copies, "occurred_at": text, "occurred_utc": utc,
                 "recorded_at": recorded_at, "note": note} for code, copies in lines]
        return self._record(movement_id, [], unit, edition, lines, adjustments=rows)

    def correct(self, movement_id: str, lines: list[tuple[str, int]], *,
                occurred_at: str | None = None, note: str | None = None) -> dict[str, Any]:
        """Correct the copies of a receipt or transfer: a new movement naming the one it
        corrects, per language the change that brings it to the figure given."""
        m, a = tables.movement, tables.adjustment
        key = check_field("unit", "ID", movement_id)
        note = check_field("not_given_note", "--note", note)
        self.db.ensure_schema()
        with self.db.read() as conn:
            rows = conn.execute(sa.select(m).where(sa.or_(m.c.movement == key,
                                                          m.c.id == key))).mappings().all()
            if not rows:
                raise UsageError(_("ID %(id)s: no receipt or transfer with this id")
                                 % {"id": movement_id},
                                 hint=_("the id `leaflet stock receive` or `transfer` printed"))
            previous = conn.execute(sa.select(a.c.corrects, sa.func.sum(a.c.copies))
                                    .where(a.c.corrects.in_([r["id"] for r in rows]))
                                    .group_by(a.c.corrects)).all()
        done = dict(previous)
        text, utc = _moment(occurred_at or rows[0]["occurred_at"])
        group, recorded_at = str(uuid.uuid4()), utc_now_text()
        wanted = dict(lines)
        languages = {r["language"] for r in rows}
        unknown = sorted(set(wanted) - languages)
        if unknown:
            # Translators: %(code)s is a language code; %(languages)s lists language codes.
            raise UsageError(_("%(code)s: movement %(id)s moved no copies in this language "
                               "(it has %(languages)s)")
                             % {"code": unknown[0], "id": movement_id,
                                "languages": ", ".join(sorted(languages))})
        adjustments = []
        for r in rows:
            if r["language"] not in wanted:
                continue
            now = r["copies"] + done.get(r["id"], 0)
            target = wanted[r["language"]] * (-1 if r["kind"] == "transfer_out" else 1)
            if target == now:
                continue
            adjustments.append({"id": str(uuid.uuid4()), "movement": group, "kind": "correction",
                                "corrects": r["id"], "order_id": None, "unit": r["unit"],
                                "language": r["language"], "edition": r["edition"],
                                "copies": target - now, "occurred_at": text,
                                "occurred_utc": utc, "recorded_at": recorded_at, "note": note})
        if not adjustments:
            raise UsageError(_("movement %(id)s already has these figures: nothing to "
                               "correct") % {"id": movement_id})
        unit, edition = rows[0]["unit"], rows[0]["edition"]
        return self._record(group, [], unit, edition, lines, adjustments=adjustments,
                            corrects=rows[0]["movement"])

    def transfer(self, source: str, dest: str, edition: str, lines: list[tuple[str, int]], *,
                 occurred_at: str | None = None, note: str | None = None) -> dict[str, Any]:
        """Record copies moved from `source` to `dest`: two rows per language, one transaction.

        A transfer that takes `source` below zero is recorded all the same (the boxes moved);
        the result's `on_hand` shows it and the CLI warns.
        """
        source = check_field("unit", "--from", source)
        dest = check_field("unit", "--to", dest)
        if source == dest:
            # Translators: %(unit)s is a unit's code, like ZP5339.
            raise UsageError(_("--from and --to are both %(unit)s") % {"unit": source})
        edition = _edition(edition)
        note = check_field("not_given_note", "--note", note)
        text, utc = _moment(occurred_at)
        movement_id, recorded_at = str(uuid.uuid4()), utc_now_text()
        rows = []
        for code, copies in lines:
            rows.append(self._row(movement_id, "transfer_out", source, dest, code, edition,
                                  -copies, text, utc, recorded_at, note))
            rows.append(self._row(movement_id, "transfer_in", dest, source, code, edition,
                                  copies, text, utc, recorded_at, note))
        return self._record(movement_id, rows, source, edition, lines)

    @staticmethod
    def _row(movement_id, kind, unit, counterpart, language, edition, copies, occurred_at,
             occurred_utc, recorded_at, note) -> dict[str, Any]:
        return {"id": str(uuid.uuid4()), "movement": movement_id, "kind": kind, "unit": unit,
                "counterpart": counterpart, "language": language, "edition": edition,
                "copies": copies, "occurred_at": occurred_at, "occurred_utc": occurred_utc,
                "recorded_at": recorded_at, "note": note}

    def _record(self, movement_id, rows, unit, edition, lines, *, adjustments=(),
                corrects: str | None = None, prepare=None) -> dict[str, Any]:
        """Write `rows` and `adjustments` in one transaction under the ledger's lock; or the
        (rows, adjustments, lines) that `prepare(conn)` finds under that lock."""
        self.db.ensure_schema()
        with self.db.write(LEDGER_LOCK_KEY) as conn:
            if prepare is not None:
                rows, adjustments, lines = prepare(conn)
            ledger_chain.insert_rows(conn, rows, adjustments)
        # After the commit, outside the write lock: a desk never waits for this figure.
        on_hand = {row.language: row.on_hand for row in self.status(
            until=None, since=None, current_edition=edition, unit=unit)
            if row.edition == edition and row.language in dict(lines)}
        result = {"movement": movement_id, "unit": unit, "edition": edition,
                  "lines": [{"language": code, "copies": copies, "on_hand": on_hand.get(code, 0)}
                            for code, copies in lines]}
        if corrects:
            result["corrects"] = corrects
        return result

    # --- reading ---------------------------------------------------------------------------

    def languages_held(self, edition: str) -> set[str]:
        """The languages of `edition` that any movement of the ledger names (none when the
        database holds no ledger yet). Reads only."""
        m = tables.movement
        with self.db.read() as conn:
            if not ledger_chain.present(conn):
                return set()
            return set(conn.execute(sa.select(m.c.language).where(m.c.edition == edition)
                                    .distinct()).scalars())

    def find_order(self, prefix: str) -> dict[str, Any]:
        """The order whose id starts with `prefix` (lower-case hex and '-', at least
        SHORT_ID characters): {id, unit, edition, placed_at, ordered, due}. UsageError when
        none or several match (naming each candidate). Creates nothing."""
        with self.db.read() as conn:
            found = (orders(conn, prefix=prefix)
                     if ledger_chain.present(conn) else [])
        if not found:
            # Translators: %(order)s is what was typed after --order.
            raise UsageError(_("--order %(order)s: no order with this id in the ledger")
                             % {"order": prefix},
                             hint=_("the id is on the print order and in its folder's name; "
                                    "`leaflet stock status` lists open orders"))
        if len(found) > 1:
            # Translators: %(order)s is what was typed; %(candidates)s lists orders, like
            # "3f9a2c1b-1d4c… (PZ-1, 2026-12-07)".
            raise UsageError(_("--order %(order)s matches %(count)s orders: %(candidates)s")
                             % {"order": prefix, "count": len(found),
                                "candidates": "; ".join(
                                    f"{o['id'][:13]}… ({o['unit']}, {o['placed_at'][:10]})"
                                    for o in found[:10])},
                             hint=_("type more characters of the id"))
        return found[0]

    def open_orders(self, *, unit: str | None = None) -> list[dict[str, Any]]:
        """Every order with copies still due (oldest first), as find_order gives them; none
        when the database holds no ledger yet. Reads only."""
        with self.db.read() as conn:
            if "stock_adjustment" not in set(sa.inspect(conn).get_table_names()):
                return []
            return [o for o in orders(conn, unit=unit) if any(n > 0 for n in o["due"].values())]

    def status(self, *, until: dt.datetime | None, since: dt.datetime | None,
               current_edition: str, unit: str | None = None) -> list[StatusRow]:
        """Stock per unit × language × edition as of `until` (naive UTC, exclusive; None: now),
        with copies used in [since, until). Sorted by unit, language, edition.

        Reads only: a database without a log is NoLog, and a log without a ledger yet (a desk
        made it, no stock command ran) gives the copies handed over, with nothing received.
        """
        self.db.require_log(older=True)  # a version-1 log is read as it is
        with self.db.read() as conn:
            access.require_log(conn, self.display_url)
            names = set(sa.inspect(conn).get_table_names())
            query = status_query(until=until, since=since, current_edition=current_edition,
                                 unit=unit, movements=tables.MOVEMENT_TABLE in names,
                                 adjustments="stock_adjustment" in names)
            rows = conn.execute(query).all()
        weeks = WINDOW_DAYS / 7
        result = []
        for r in rows:
            received, tin, tout, given, used, language_used, on_order = (
                int(v or 0) for v in (r.received, r.transferred_in, r.transferred_out,
                                      r.given, r.used, r.language_used, r.on_order))
            on_hand = received + tin - tout - given
            current = r.edition == current_edition
            demand = language_used / weeks
            weeks_left = None
            if current:
                weeks_left = 0.0 if on_hand <= 0 else (on_hand / demand if demand else None)
            result.append(StatusRow(
                unit=r.unit, language=r.language, edition=r.edition, current=current,
                received=received, transferred_in=tin, transferred_out=tout, given=given,
                on_hand=on_hand, used_90d=used, used_per_week=round(used / weeks, 2),
                language_used_per_week=round(demand, 2),
                weeks_left=None if weeks_left is None else round(weeks_left, 1),
                reorder=(weeks_left is not None and weeks_left < REORDER_WEEKS
                         and on_order <= 0),
                on_order=max(on_order, 0),
                negative=on_hand < 0,
                withdraw=on_hand if (r.edition is not None and not current and on_hand > 0)
                else 0))
        result.sort(key=lambda s: (s.unit, s.language, s.edition is None, s.edition or ""))
        return result


# --- orders: what is still due is derived, never updated --------------------------------------

SHORT_ID = 8  # the characters of an order's id its folder name and `--order` use


def orders(conn: sa.Connection, *, prefix: str | None = None, order: str | None = None,
           unit: str | None = None) -> list[dict[str, Any]]:
    """Orders of the ledger with, per language, the copies ordered and still due: ordered
    (rows `order`) plus the receipts that filled it (rows `order_close`, negative). One SQL
    aggregate; the ledger only grows, so "due" is never a stored figure. Filtered by an id
    `prefix`, a whole `order` id or a `unit`; oldest first."""
    a = tables.adjustment
    key = sa.case((a.c.kind == "order", a.c.movement), else_=a.c.order_id)
    is_order = a.c.kind == "order"
    where = [a.c.kind.in_(("order", "order_close"))]
    if prefix is not None:  # lower-case hex and '-' only (service.order_prefix): no wildcard
        where.append(key.like(prefix + "%"))
    if order is not None:
        where.append(key == order)
    if unit is not None:
        where.append(a.c.unit == unit)
    _0 = sa.literal_column("0")
    query = (sa.select(key.label("id"), a.c.unit, a.c.edition, a.c.language,
                       sa.func.sum(sa.case((is_order, a.c.copies), else_=_0)).label("ordered"),
                       sa.func.sum(a.c.copies).label("due"),
                       sa.func.min(sa.case((is_order, a.c.occurred_at))).label("placed_at"))
             .where(*where).group_by(key, a.c.unit, a.c.edition, a.c.language))
    found: dict[str, dict[str, Any]] = {}
    for r in conn.execute(query):
        o = found.setdefault(r.id, {"id": r.id, "unit": r.unit, "edition": r.edition,
                                    "placed_at": None, "ordered": {}, "due": {}})
        if r.ordered:
            o["ordered"][r.language] = int(r.ordered)
            o["due"][r.language] = int(r.due)
            o["placed_at"] = min(filter(None, (o["placed_at"], r.placed_at)))
    result = [o for o in found.values() if o["ordered"]]
    result.sort(key=lambda o: (o["placed_at"], o["id"]))
    return result


def order_state(conn: sa.Connection, order: str) -> dict[str, Any]:
    """The order with this whole id (orders()); UsageError when the ledger has none."""
    found = orders(conn, order=order)
    if not found:
        raise UsageError(_("--order %(order)s: no order with this id in the ledger")
                         % {"order": order},
                         hint=_("the id is on the print order and in its folder's name; "
                                "`leaflet stock status` lists open orders"))
    return found[0]


def _check_order(placed: dict, order: str, unit: str, edition: str) -> None:
    """A receipt fills an open order of its own unit and edition."""
    if placed["unit"] != unit or placed["edition"] != edition:
        # Translators: %(unit)s and %(other_unit)s are units' codes, like ZP5339.
        raise UsageError(_("--order %(order)s is for %(unit)s, edition %(edition)s, not "
                           "%(other_unit)s, edition %(other_edition)s")
                         % {"order": order, "unit": placed["unit"],
                            "edition": placed["edition"], "other_unit": unit,
                            "other_edition": edition})
    if not any(n > 0 for n in placed["due"].values()):
        raise UsageError(_("--order %(order)s is closed already") % {"order": order},
                         hint=_("a later delivery is an ordinary `leaflet stock receive`"))


# --- the SQL -------------------------------------------------------------------------------

def families():
    """A recursive CTE (id, seq, root): every record of a family of corrections.

    A family is a record that was amended (its root, which amends nothing) and every record
    that amends it or amends one of its corrections; `amends` always names an earlier record,
    so families are trees and each record appears once. It starts only from amended records,
    which are few, never from the whole log.
    """
    e = tables.encounter
    amended = sa.select(e.c.amends).where(e.c.amends.is_not(None))
    root = e.alias("family_root")
    family = (sa.select(root.c.id, root.c.seq, root.c.id.label("root"))
              .where(root.c.amends.is_(None), root.c.id.in_(amended))
              .cte("family", recursive=True))
    child = e.alias("family_child")
    return family.union_all(sa.select(child.c.id, child.c.seq, family.c.root)
                            .where(child.c.amends == family.c.id))


def given_counts(*, until: dt.datetime | None, since: dt.datetime | None,
                 unit: str | None = None):
    """A CTE (unit, language, edition, given, used): copies handed over, each encounter
    counted once through its latest correction; `used` only those in [since, until).

    Computed as: every given record, minus the given records of families of corrections,
    plus the given latest record of each family. The first term is one walk of the
    index `ix_encounter_given` in its own order (no sort, no per-record look-up); the other
    two touch only the few records of families. Keys whose net count is 0 (a correction that
    moved a hand-over to another unit or language) are dropped.
    """
    e = tables.encounter
    # A literal, not a bound parameter: only then can SQLite use the partial index
    # (WHERE leaflet = 'given'), whose condition must be proven when the query is prepared.
    where = [e.c.leaflet == sa.literal_column("'given'")]
    if until is not None:
        where.append(e.c.occurred_utc < until)
    if unit is not None:
        where.append(e.c.unit == unit)
    recent = sa.true() if since is None else e.c.occurred_utc >= since
    used = sa.func.sum(sa.case((recent, sa.literal_column("1")), else_=sa.literal_column("0")))
    key = (e.c.unit, e.c.leaflet_language, e.c.leaflet_edition)
    labels = (e.c.unit.label("unit"), e.c.leaflet_language.label("language"),
              e.c.leaflet_edition.label("edition"))
    family = families()
    latest = sa.select(sa.func.max(family.c.seq)).group_by(family.c.root)
    every = (sa.select(*labels, sa.func.count().label("given"), used.label("used"))
             .where(*where).group_by(*key))
    # `seq IN (family)` rather than a join, so both databases start from the few family
    # records and fetch each by its key instead of probing the family for every record.
    members = (sa.select(*labels, (-sa.func.count()).label("given"), (-used).label("used"))
               .where(*where, e.c.seq.in_(sa.select(family.c.seq))).group_by(*key))
    latest_given = (sa.select(*labels, sa.func.count().label("given"), used.label("used"))
                    .where(*where, e.c.seq.in_(latest)).group_by(*key))
    parts = sa.union_all(every, members, latest_given).subquery("given_parts")
    net = sa.func.sum(parts.c.given)
    return (sa.select(parts.c.unit, parts.c.language, parts.c.edition, net.label("given"),
                      sa.func.sum(parts.c.used).label("used"))
            .group_by(parts.c.unit, parts.c.language, parts.c.edition)
            .having(net != 0).cte("given"))


def status_query(*, until: dt.datetime | None, since: dt.datetime | None,
                 current_edition: str, unit: str | None = None, movements: bool = True,
                 adjustments: bool = True):
    """One SELECT: per unit × language × edition the copies received, transferred in and
    out, given (all up to `until`) and given in [since, until), plus the unit × language's
    copies given in that window over every edition (a window sum). Every unit × language
    seen also gets a row for `current_edition`, so a unit holding only superseded copies of
    a language it hands out is told to reorder the current one. Without `movements` (no
    ledger tables yet) the movements are an empty set and nothing reads stock_movement."""
    m = tables.movement
    _0 = sa.literal_column("0")

    move_where = [] if until is None else [m.c.occurred_utc < until]
    if unit is not None:
        move_where.append(m.c.unit == unit)
    if movements:
        moves = (sa.select(
            m.c.unit, m.c.language, m.c.edition,
            sa.func.sum(sa.case((m.c.kind == "receipt", m.c.copies), else_=_0)).label("received"),
            sa.func.sum(sa.case((m.c.kind == "transfer_in", m.c.copies), else_=_0)).label("tin"),
            sa.func.sum(sa.case((m.c.kind == "transfer_out", -m.c.copies), else_=_0))
            .label("tout"))
            .where(*move_where).group_by(m.c.unit, m.c.language, m.c.edition).cte("moves"))
    else:
        def text(length):
            return sa.cast(sa.null(), sa.String(length))

        moves = (sa.select(text(40).label("unit"), text(35).label("language"),
                           text(64).label("edition"), _0.label("received"), _0.label("tin"),
                           _0.label("tout"))
                 .where(sa.false()).cte("moves"))
    given = given_counts(until=until, since=since, unit=unit)
    a, corrected = tables.adjustment, tables.movement.alias("corrected")
    if movements and adjustments:
        adjust_where = [] if until is None else [a.c.occurred_utc < until]
        if unit is not None:
            adjust_where.append(a.c.unit == unit)

        def of_kind(kind):
            return sa.func.sum(sa.case((corrected.c.kind == kind, a.c.copies), else_=_0))

        adjust = (sa.select(
            a.c.unit, a.c.language, a.c.edition,
            of_kind("receipt").label("received"), of_kind("transfer_in").label("tin"),
            (-of_kind("transfer_out")).label("tout"),
            sa.func.sum(sa.case((a.c.kind.in_(("order", "order_close")), a.c.copies),
                                else_=_0)).label("on_order"))
            .select_from(a.outerjoin(corrected, corrected.c.id == a.c.corrects))
            .where(*adjust_where).group_by(a.c.unit, a.c.language, a.c.edition).cte("adjust"))
    else:
        adjust = None

    def part(unit_c, language_c, edition_c, **figures):
        """One branch of the UNION ALL: the key and the five figures, 0 where not given."""
        return sa.select(unit_c.label("unit"), language_c.label("language"),
                         edition_c.label("edition"),
                         *(figures.get(name, sa.literal_column("0")).label(name)
                           for name in _FIGURES))

    pairs = sa.union(sa.select(moves.c.unit, moves.c.language),
                     sa.select(given.c.unit, given.c.language)).subquery("pairs")
    current = sa.cast(sa.literal(current_edition), sa.String(64))
    adjusted = [] if adjust is None else [
        part(adjust.c.unit, adjust.c.language, adjust.c.edition, received=adjust.c.received,
             transferred_in=adjust.c.tin, transferred_out=adjust.c.tout,
             on_order=adjust.c.on_order)]
    parts = sa.union_all(
        part(moves.c.unit, moves.c.language, moves.c.edition, received=moves.c.received,
             transferred_in=moves.c.tin, transferred_out=moves.c.tout),
        *adjusted,
        part(given.c.unit, given.c.language, given.c.edition, given=given.c.given,
             used=given.c.used),
        part(pairs.c.unit, pairs.c.language, current),
    ).subquery("parts")
    totals = (sa.select(parts.c.unit, parts.c.language, parts.c.edition,
                        *(sa.func.sum(parts.c[name]).label(name) for name in _FIGURES))
              .group_by(parts.c.unit, parts.c.language, parts.c.edition).subquery("totals"))
    return sa.select(
        totals,
        sa.func.sum(totals.c.used).over(partition_by=[totals.c.unit, totals.c.language])
        .label("language_used"))


_FIGURES = ("received", "transferred_in", "transferred_out", "given", "used", "on_order")
