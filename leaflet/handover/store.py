"""The log store on SQLAlchemy Core: open, create and upgrade, append, read, verify.

The same code runs on SQLite and PostgreSQL. Appending is the only write and happens in one
transaction per record that holds the chain lock (SQLite: `BEGIN IMMEDIATE`; PostgreSQL: a
transaction-scoped advisory lock, which needs no privilege beyond INSERT and SELECT), reads the
head of the chain, and inserts the record with `seq` = head + 1 and `prev_hash` = head's hash.
No UPDATE or DELETE statement exists in this package.

Reading walks the records in `seq` order with their languages; `verify` recomputes every hash
from the stored columns (the columns reports read, not a stored copy of the JSON) so that any
change to what a report would count breaks the chain.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from sqlalchemy import exc

from leaflet.storage import layout
from leaflet.storage.errors import (
    ChainBroken,
    DamagedLog)
from leaflet.handover.errors import ImportRefused, UnknownRecord
from leaflet.duties.record import RecordError
from leaflet.duties.record import CHAIN_FIELDS, Encounter
from leaflet.storage.chain import GENESIS_HASH, chain_hash
from leaflet.duties.record import FIELDS
from leaflet.periods import utc_now_text, utc_of
from leaflet.storage import outcomes
from leaflet.storage import appendonly, chain, lite, migrations, tables
from leaflet.storage.database import Database
from leaflet.textsafety import clip
from leaflet.i18n import N_, _

log = logging.getLogger(__name__)
# What `log verify` says of a file that fails SQLite's quick_check. The damage mark (lite.mark)
# keeps it in English: the mark is read back later, in whatever language the reader has.
# Translators: %(log)s is the log's file; %(reason)s SQLite's message, in English.
DAMAGED = N_("%(log)s is damaged (%(reason)s)")



@dataclass(frozen=True)
class StoredRecord:
    """A record as the database holds it: the format's fields plus the chain fields."""

    record: dict[str, Any]  # the interchange fields, format order
    seq: int
    recorded_at: str
    prev_hash: str
    hash: str
    secret: dict[str, Any] | None = None  # salts and commitments of the erasable fields

    @property
    def erased(self) -> list[str]:
        """The erasable fields whose value was erased (a commitment without its value)."""
        return [name for name in layout.ERASABLE if self.secret
                and self.secret.get(f"{name}_commit") and self.record.get(name) is None]

    @property
    def id(self) -> str:
        return self.record["id"]

    def to_dict(self, *, with_chain: bool = False, proof: bool = False,
                chain_format: int = 2) -> dict[str, Any]:
        """The interchange fields; `with_chain` adds the chain fields, `proof` what checks
        the hash elsewhere (model.PROOF_FIELDS)."""
        data = dict(self.record)
        if with_chain:
            data.update(seq=self.seq, recorded_at=self.recorded_at, prev_hash=self.prev_hash,
                        hash=self.hash)
        if proof and self.secret:
            commits = {n: self.secret[f"{n}_commit"] for n in layout.ERASABLE
                       if self.secret.get(f"{n}_commit")}
            salts = {n: self.secret[f"{n}_salt"] for n in layout.ERASABLE
                     if self.secret.get(f"{n}_salt") and self.record.get(n) is not None}
            data.update(commitments=commits, salts=salts)
        if proof and chain_format != 2:
            data["chain_format"] = chain_format
        return data


@dataclass
class VerifyResult:
    count: int  # encounters
    head: str
    warnings: list[str] = field(default_factory=list)
    events: int = 0  # the log's own records (upgrade, erasures)
    ledger: int = 0  # stock ledger rows, in their own chain
    ledger_head: str = GENESIS_HASH


@dataclass(frozen=True)
class Filter:
    """Which records to read: occurred in [start, end) (naive UTC), of one unit."""

    start: dt.datetime | None = None
    end: dt.datetime | None = None
    unit: str | None = None


class Store:
    """The log in one database. Cheap to create; the engine is shared per URL."""

    def __init__(self, url: str):
        self.db = Database(url)
        self.url = url
        self.display_url = self.db.display_url
        self.file = self.db.file  # a plain SQLite file, or None
        self.engine = self.db.engine
        self.dialect = self.db.dialect

    def require_log(self, *, older: bool = False) -> int:
        """For readers: the log must exist (leaflet.storage.database.Database.require_log)."""
        return self.db.require_log(older=older)

    def ensure_schema(self) -> None:
        """For writers: create the log in a new or empty database on first use."""
        self.db.ensure_schema()

    def upgrade(self) -> tuple[int, list[int]]:
        """Create the log in a new or empty database, or apply pending migrations (and
        restore missing triggers), all in one transaction; (from version, applied).

        A log that does not verify is not upgraded: an upgrade re-anchors the version-1
        records, and must never give a tampered log a fresh seal."""
        if self.db.writer_version() == 0:
            self.db.prepare_file()
        with self.db.write() as conn:
            before = self.db.log_version(conn, reading=False)
            if before > layout.SCHEMA_VERSION:
                self.db.check_version(before)
            todo = migrations.pending(before)
            if before and todo:
                try:
                    self._verify(conn, version=before)
                except ChainBroken as broken:
                    # Translators: %(reason)s says which record of the chain does not hold.
                    raise ChainBroken(_("not upgraded, nothing changed: %(reason)s")
                                      % {"reason": broken.message},
                                      seq=broken.seq, record_id=broken.record_id,
                                      hint=_("restore the log from a backup")) from None
            for migration in todo:
                migrations.apply(conn, migration, utc_now_text())
            if before:
                # A dropped trigger is put back: the guard is part of the schema.
                for statement in appendonly.ddl(self.dialect, appendonly.present_tables(conn)):
                    conn.execute(sa.text(statement))
        self.db.schema_checked = False
        return before, [m[0] for m in todo]

    # --- writing -------------------------------------------------------------------------

    def append(self, encounter: Encounter) -> str:
        """Add one record in its own transaction; returns its hash."""
        self.ensure_schema()
        with self.db.write() as conn:
            if encounter.amends is not None and not self._exists(conn, encounter.amends):
                raise RecordError("amends",
                                  _("no record %(id)s in the log") % {"id": encounter.amends},
                                  hint=_("a correction names the id of the record it corrects"))
            if self._exists(conn, encounter.id):
                raise RecordError("id", _("%(id)s is already in the log") % {"id": encounter.id})
            return self._insert(conn, encounter)

    def erase(self, before: dt.datetime, actor: str, details: dict) -> dict:
        """Erase case_ref and not_given_note (and their salts) of every record that occurred
        before `before` (naive UTC), in one transaction that first appends the erasure record
        the triggers require. On SQLite the freed bytes are overwritten (secure_delete) and
        the write-ahead log is checkpointed and truncated, so the values leave the file."""
        self.require_log()
        t, sec = tables.encounter, tables.secret
        holding = sa.or_(t.c.case_ref.is_not(None), t.c.not_given_note.is_not(None))
        salted = sa.or_(sec.c.case_ref_salt.is_not(None), sec.c.not_given_note_salt.is_not(None))
        with self.db.write() as conn:
            if self.dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA secure_delete = ON")
            seqs = conn.execute(sa.select(t.c.seq).where(t.c.occurred_utc < before, holding)
                                ).scalars().all()
            salted_seqs = conn.execute(sa.select(sec.c.seq).where(
                sec.c.seq.in_(sa.select(t.c.seq).where(t.c.occurred_utc < before)), salted)
                ).scalars().all()
            if not seqs and not salted_seqs:
                # Nothing left to erase (a second run, or nothing that old): no erasure
                # record is appended, the log is left as it is.
                return {"id": None, "seq": None, "records": 0, "hash": None}
            details = dict(details, records=len(seqs), fields=list(layout.ERASABLE))
            event = migrations.append_event(conn, "erasure", details, actor=actor,
                                            erase_before=before, recorded_at=utc_now_text())
            for start in range(0, len(seqs), 500):
                chunk = seqs[start:start + 500]
                conn.execute(sa.update(t).where(t.c.seq.in_(chunk))
                             .values(case_ref=None, not_given_note=None))
            for start in range(0, len(salted_seqs), 500):
                chunk = salted_seqs[start:start + 500]
                conn.execute(sa.update(sec).where(sec.c.seq.in_(chunk))
                             .values(case_ref_salt=None, not_given_note_salt=None))
        if self.dialect == "sqlite":
            with self.db.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            self._vacuum_erased()
        return {"id": event["id"], "seq": event["seq"], "records": len(seqs),
                "hash": event["hash"]}

    def _vacuum_erased(self) -> None:
        """PostgreSQL keeps an updated row's old version until VACUUM: reclaim them now when
        this role may (the owner); otherwise the autovacuum does, and docs/privacy.md says."""
        try:
            with self.engine.connect() as conn:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                for table in (layout.LOG_TABLE, layout.SECRET_TABLE):
                    conn.exec_driver_sql(f"VACUUM {table}")
        except exc.DBAPIError:
            # Translators: VACUUM is a PostgreSQL command; autovacuum its background process.
            log.warning(_("VACUUM after erasure refused for this role; autovacuum will reclaim "
                          "the old row versions"))

    def _exists(self, conn: sa.Connection, record_id: str) -> bool:
        t = tables.encounter
        return conn.execute(sa.select(t.c.seq).where(t.c.id == record_id)).first() is not None

    def _insert(self, conn: sa.Connection, encounter: Encounter, *,
                copied: dict[str, Any] | None = None, copy: bool = False) -> str:
        """Append one record as the next link (the caller holds the chain lock). With `copy`,
        `copied` is the source's secret (a sync): its salts and commitments are kept."""
        head_seq, prev_hash = migrations.log_head(conn)
        seq = head_seq + 1
        recorded_at = utc_now_text()
        record = encounter.to_dict()
        secret = (layout.copied_secret_row(copied, seq) if copy
                  else layout.secret_row(record, seq))
        digest = layout.record_hash(prev_hash, record, secret, recorded_at)
        conn.execute(sa.insert(tables.encounter),
                     [layout.log_row(encounter, seq=seq, recorded_at=recorded_at,
                                     prev_hash=prev_hash, hash=digest)])
        conn.execute(sa.insert(tables.encounter_language),
                     layout.language_rows(encounter, seq))
        if secret is not None:
            conn.execute(sa.insert(tables.secret), [secret])
        outcomes.derive_record(conn, seq)  # the report's stored outcomes (schema version 3)
        return digest

    def insert_copy(self, conn: sa.Connection, stored: "StoredRecord") -> str:
        """Append a record copied from another log with its salts and commitments (a sync):
        an erased value stays erased, its commitment is the source's."""
        record = stored.record
        encounter = Encounter(**{name: (tuple(record[name]) if name == "person_languages"
                                        else record[name]) for name in FIELDS})
        return self._insert(conn, encounter, copied=stored.secret, copy=True)

    def import_records(self, items: list[tuple[int, Encounter]], *,
                       path: str) -> Iterator[tuple[Encounter, bool]]:
        """Append the records of a validated file, each in its own transaction.

        Checks first, against the database, that no id is already there with other content
        and that every `amends` names a record in the database or on an earlier line; on any
        problem raises ImportRefused (listing the lines) before writing anything. Then yields
        (record, added) after each commit; a record already present is skipped, so importing
        a file twice adds nothing and an interrupted import can simply be run again.
        """
        present = self._log_present()
        existing = self._existing(e.id for _, e in items) if present else {}
        errors: list[RecordError] = []
        seen: dict[str, dict] = {}
        for line, encounter in items:
            record = encounter.to_dict()
            earlier = seen.get(encounter.id) or existing.get(encounter.id)
            if earlier is not None and earlier != record:
                message = (_("%(id)s is already on an earlier line with different content")
                           if encounter.id in seen
                           else _("%(id)s is already in the log with different content"))
                errors.append(RecordError("id", message % {"id": encounter.id},
                                          line=line, path=path))
            if (encounter.amends is not None and encounter.amends not in seen
                    and encounter.amends not in existing
                    and not (present and self._any_exists(encounter.amends))):
                errors.append(RecordError("amends",
                                          _("no record %(id)s in the log or on an earlier line")
                                          % {"id": encounter.amends}, line=line, path=path))
            seen.setdefault(encounter.id, record)
        if errors:
            raise ImportRefused(path, errors)
        self.ensure_schema()  # only now: a refused file creates nothing
        done: set[str] = set()
        for _line, encounter in items:
            if encounter.id in done:
                continue
            done.add(encounter.id)
            with self.db.write() as conn:
                added = not self._exists(conn, encounter.id)
                if added:
                    self._insert(conn, encounter)
            yield encounter, added

    def _log_present(self) -> bool:
        """Whether the log exists (at this schema version); creates nothing."""
        if self.db.is_new_file():
            return False
        with self.db.read() as conn:
            version = self.db.log_version(conn, reading=False)
        if version:
            self.db.check_version(version)
        return bool(version)

    def _any_exists(self, record_id: str) -> bool:
        with self.db.read() as conn:
            return self._exists(conn, record_id)

    def _existing(self, ids: Iterable[str]) -> dict[str, dict]:
        """The records among `ids` already in the log, by id."""
        ids = list(dict.fromkeys(ids))
        found: dict[str, dict] = {}
        with self.db.read() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                for stored in self._walk(conn, tables.encounter.c.id.in_(chunk)):
                    found[stored.id] = stored.record
        return found

    # --- reading -------------------------------------------------------------------------

    def count(self) -> int:
        self.require_log()
        with self.db.read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(tables.encounter)
                                ).scalar_one()

    def records(self, where: Filter = Filter()) -> Iterator[StoredRecord]:
        self.require_log()
        t = tables.encounter
        clauses = []
        if where.start is not None:
            clauses.append(t.c.occurred_utc >= where.start)
        if where.end is not None:
            clauses.append(t.c.occurred_utc < where.end)
        if where.unit is not None:
            clauses.append(t.c.unit == where.unit)
        with self.db.read() as conn:
            yield from self._walk(conn, sa.and_(sa.true(), *clauses))

    def get(self, id_or_prefix: str) -> tuple[StoredRecord, list[str]]:
        """The record whose id is or starts with `id_or_prefix` (at least 8 characters), and the
        ids of the records that amend it."""
        key = id_or_prefix.strip().lower()
        if len(key) < 8:
            raise UnknownRecord(_("%(value)s: give at least 8 characters of the id")
                                % {"value": clip(id_or_prefix)})
        if len(key) > 36 or not all(c in "0123456789abcdef-" for c in key):
            raise UnknownRecord(_("%(value)s is not a record id") % {"value": clip(id_or_prefix)},
                                hint=_("give the id `leaflet handover` printed, or its first "
                                       "8 or more characters"))
        self.require_log()
        t = tables.encounter
        with self.db.read() as conn:
            matches = list(self._walk(conn, t.c.id.startswith(key, autoescape=True)))
            if not matches:
                # Translators: %(id)s is a record's id (or its start); %(database)s the log's
                # database.
                raise UnknownRecord(_("no record %(id)s in %(database)s")
                                    % {"id": key, "database": self.display_url},
                                    hint=_("`leaflet log list` shows the ids"))
            if len(matches) > 1:
                raise UnknownRecord(_("%(id)s matches %(count)s records")
                                    % {"id": key, "count": len(matches)},
                                    hint=_("give more of the id"))
            found = matches[0]
            amended_by = conn.execute(sa.select(t.c.id).where(t.c.amends == found.id)
                                      .order_by(t.c.seq)).scalars().all()
        return found, list(amended_by)

    def _walk(self, conn: sa.Connection, where, *, with_secret: bool = True
              ) -> Iterator[StoredRecord]:
        """Records matching `where`, in chain order, with their languages and commitments
        (one query, so one snapshot). A version-1 log has no commitments: `with_secret`
        False."""
        t, lang, sec = tables.encounter, tables.encounter_language, tables.secret
        if with_secret:
            query = (sa.select(t, lang.c.code, *(sec.c[c].label(f"secret_{c}")
                                                 for c in layout.SECRET_COLUMNS[1:]),
                               sec.c.seq.label("secret_seq"))
                     .select_from(t.outerjoin(lang, lang.c.seq == t.c.seq)
                                  .outerjoin(sec, sec.c.seq == t.c.seq)))
        else:
            query = sa.select(t, lang.c.code).select_from(
                t.outerjoin(lang, lang.c.seq == t.c.seq))
        query = query.where(where).order_by(t.c.seq, lang.c.position)
        current = None
        codes: list[str] = []
        for row in conn.execute(query, execution_options={"yield_per": 1000}):
            if current is not None and row.seq != current.seq:
                yield _stored(current, codes)
                codes = []
            current = row
            if row.code is not None:
                codes.append(row.code)
        if current is not None:
            yield _stored(current, codes)

    # --- verifying -----------------------------------------------------------------------

    def verify(self, *, expect_head: str | None = None) -> VerifyResult:
        """Walk the log's chain and the ledger's; raise ChainBroken at the first link that
        does not hold. A log at an older schema version is verified as it is (before
        `leaflet db upgrade`, which verifies it again)."""
        version = self.require_log(older=True)
        try:
            if self.file is not None:
                problem = lite.quick_check(self.file)
                if problem is not None:
                    values = {"log": self.display_url, "reason": problem}
                    raise DamagedLog(_(DAMAGED) % values, mark_text=DAMAGED % values,
                                     hint=_(lite.RESTORE_HINT))
            with self.db.read() as conn:
                result = self._verify(conn, expect_head=expect_head, version=version)
        except DamagedLog as error:
            if self.file is not None:
                lite.mark(self.file, error.mark_text)
            raise
        if self.file is not None:
            lifted = lite.lift(self.file)
            if lifted is not None:
                result.warnings.append(
                    # Translators: %(found)s is when the damage was found, a date and time.
                    _("the damage mark of %(found)s is lifted: this file "
                      "verifies whole, and writers may use it again")
                    % {"found": lifted.get("found", "?")})
        return result

    def _verify(self, conn: sa.Connection, *, expect_head: str | None = None,
                version: int | None = None) -> VerifyResult:
        version = version or layout.SCHEMA_VERSION
        events = self._events(conn) if version >= 2 else []
        # Records up to the upgrade were made under version 1 (hashes over clear values).
        boundary = migrations.v1_boundary(events) if version >= 2 else float("inf")
        anchor = GENESIS_HASH
        expected_seq, prev_hash, seen_head = 1, GENESIS_HASH, expect_head is None
        count = 0
        pending_events = iter(events)
        next_event = next(pending_events, None)

        def check_link(seq, prev, name, record_id=None):
            if seq != expected_seq:
                missing = (f"#{expected_seq}" if seq == expected_seq + 1
                           else f"#{expected_seq}–#{seq - 1}")
                if seq < expected_seq:
                    # Translators: %(record)s names a record of the chain, like "record #12
                    # (id …)"; %(seq)s is its number.
                    raise ChainBroken(_("%(record)s: its number #%(seq)s is used twice "
                                        "(inserted)") % {"record": name, "seq": seq},
                                      seq=seq, record_id=record_id)
                # Translators: %(missing)s is a record number or a range, like #4 or #4–#9.
                raise ChainBroken(_("%(record)s: record %(missing)s before it is missing "
                                    "(deleted)") % {"record": name, "missing": missing},
                                  seq=seq, record_id=record_id)
            if prev != prev_hash:
                # Translators: prev_hash is a field's name; %(previous)s a record's number.
                raise ChainBroken(_("%(record)s: its prev_hash does not match the hash of "
                                    "record #%(previous)s: a record before it was removed, "
                                    "replaced or altered") % {"record": name, "previous": seq - 1},
                                  seq=seq, record_id=record_id)

        def take_event(event):
            nonlocal expected_seq, prev_hash, seen_head
            # Translators: one of the log's own records; %(kind)s is a code (upgrade,
            # erasure); %(id)s its id.
            name = (_("log record #%(seq)s (%(kind)s, id %(id)s)")
                    % {"seq": event["seq"], "kind": event["kind"], "id": event["id"]})
            check_link(event["seq"], event["prev_hash"], name, event["id"])
            if chain.chain_hash(event["prev_hash"], migrations.event_document(event),
                                event["recorded_at"]) != event["hash"]:
                raise ChainBroken(_("%(record)s: its content does not match its hash (altered)")
                                  % {"record": name},
                                  seq=event["seq"], record_id=event["id"])
            if event["kind"] == migrations.V1_UPGRADE_KIND and \
                    event["details"]["v1_anchor"] != anchor:
                raise ChainBroken(_("%(record)s: the records made under version 1 no longer "
                                    "match the digest the upgrade sealed: one of them was "
                                    "altered") % {"record": name},
                                  seq=event["seq"], record_id=event["id"])
            prev_hash, expected_seq = event["hash"], expected_seq + 1
            seen_head = seen_head or event["hash"] == expect_head

        for stored in self._walk(conn, sa.true(), with_secret=version >= 2):
            while next_event is not None and next_event["seq"] < stored.seq:
                take_event(next_event)
                next_event = next(pending_events, None)
            # Translators: names a record of the chain by its number and its id.
            name = _("record #%(seq)s (id %(id)s)") % {"seq": stored.seq, "id": stored.id}
            check_link(stored.seq, stored.prev_hash, name, stored.id)
            if version >= 2:
                self._check_commitments(stored, name)
            if stored.seq <= boundary:
                anchor = self._check_v1_record(stored, prev_hash, name, anchor, version)
            elif layout.record_hash(prev_hash, stored.record, stored.secret,
                                    stored.recorded_at) != stored.hash:
                raise ChainBroken(_("%(record)s: its content does not match its hash (altered)")
                                  % {"record": name},
                                  seq=stored.seq, record_id=stored.id)
            prev_hash, expected_seq, count = stored.hash, expected_seq + 1, count + 1
            seen_head = seen_head or stored.hash == expect_head
        while next_event is not None:
            take_event(next_event)
            next_event = next(pending_events, None)
        self._check_derived(conn)
        result = VerifyResult(count=count, head=prev_hash, events=len(events))
        if version >= 2:
            from leaflet.storage import ledger_chain as stock_verify

            result.ledger, result.ledger_head = stock_verify.verify_ledger(conn)
        if not seen_head:
            # Translators: %(head)s is a hash, 64 hexadecimal characters.
            raise ChainBroken(_("the head %(head)s noted earlier is not in the chain: "
                                "records after it were removed") % {"head": expect_head},
                              hint=_("compare with a backup"))
        missing_triggers = appendonly.missing(conn)
        if missing_triggers:
            # Translators: %(triggers)s lists the database triggers' names.
            result.warnings.append(_("append-only triggers missing or disabled: %(triggers)s; "
                                     "`leaflet db upgrade` restores them")
                                   % {"triggers": ", ".join(sorted(missing_triggers))})
        return result

    @staticmethod
    def _check_v1_record(stored, prev_hash: str, name: str, anchor: str, version: int) -> str:
        """A record made under version 1 (hashed over its clear values): its digest, sealed by
        the upgrade, and its hash; the anchor accumulated over it."""
        if stored.secret is not None and version >= 2:
            commits = {n: stored.secret.get(f"{n}_commit") for n in layout.ERASABLE}
            digest = migrations.v1_record_digest(
                layout.document(stored.record, commits), stored.recorded_at, stored.hash)
            if digest != stored.secret.get("v1_digest"):
                raise ChainBroken(_("%(record)s: its content does not match its digest "
                                    "(altered)") % {"record": name},
                                  seq=stored.seq, record_id=stored.id)
            anchor = chain.accumulate(anchor, digest)
        if not stored.erased and chain_hash(prev_hash, stored.record,
                                            stored.recorded_at) != stored.hash:
            raise ChainBroken(_("%(record)s: its content does not match its hash (altered)")
                              % {"record": name}, seq=stored.seq, record_id=stored.id)
        return anchor

    def events(self) -> list[dict]:
        """The log's own records (upgrade, erasures), in chain order."""
        self.require_log()
        with self.db.read() as conn:
            return self._events(conn)

    def _events(self, conn: sa.Connection) -> list[dict]:
        import json

        ev = tables.event
        rows = conn.execute(sa.select(ev).order_by(ev.c.seq)).mappings().all()
        events = []
        for row in rows:
            data = dict(row)
            try:
                data["details"] = json.loads(row["details"])
            except ValueError:
                raise ChainBroken(_("log record #%(seq)s (id %(id)s): its details "
                                    "are not JSON (altered)")
                                  % {"seq": row["seq"], "id": row["id"]},
                                  seq=row["seq"]) from None
            events.append(data)
        return events

    @staticmethod
    def _check_commitments(stored: "StoredRecord", name: str) -> None:
        """Each erasable value in clear must match its commitment; a value without one, or a
        commitment whose salt is gone while the value is still there, is an alteration."""
        for field_name in layout.ERASABLE:
            value = stored.record.get(field_name)
            secret = stored.secret or {}
            salt, committed = secret.get(f"{field_name}_salt"), secret.get(f"{field_name}_commit")
            if value is None:
                continue
            if not salt or not committed or chain.commit(salt, value) != committed:
                # Translators: %(field)s is a field's name, case_ref or not_given_note.
                raise ChainBroken(_("%(record)s: its %(field)s does not match its commitment "
                                    "(altered)") % {"record": name, "field": field_name},
                                  seq=stored.seq, record_id=stored.id)

    def _check_derived(self, conn: sa.Connection) -> None:
        """Columns outside the hash must agree with it: occurred_utc, no stray languages or
        commitments, and the stored duty outcomes (schema version 3)."""
        t, lang = tables.encounter, tables.encounter_language
        for seq, rid, occurred_at, occurred_utc in conn.execute(
                sa.select(t.c.seq, t.c.id, t.c.occurred_at, t.c.occurred_utc).order_by(t.c.seq)):
            if occurred_utc != utc_of(occurred_at):  # None only for a rewritten row
                # Translators: occurred_utc and occurred_at are columns' names; the others
                # placeholders their values.
                raise ChainBroken(_("record #%(seq)s (id %(id)s): occurred_utc %(utc)s does "
                                    "not match occurred_at %(occurred)s (altered)")
                                  % {"seq": seq, "id": rid, "utc": occurred_utc,
                                     "occurred": occurred_at},
                                  seq=seq, record_id=rid)
        stray = conn.execute(sa.select(lang.c.seq).where(
            ~sa.exists().where(t.c.seq == lang.c.seq)).limit(1)).first()
        if stray is not None:
            raise ChainBroken(_("languages are stored for record #%(seq)s, which is not in "
                                "the log (inserted or its record deleted)") % {"seq": stray.seq},
                              seq=stray.seq)
        if sa.inspect(conn).has_table(layout.SECRET_TABLE):
            sec = tables.secret
            stray = conn.execute(sa.select(sec.c.seq).where(
                ~sa.exists().where(t.c.seq == sec.c.seq)).limit(1)).first()
            if stray is not None:
                raise ChainBroken(_("commitments are stored for record #%(seq)s, which is "
                                    "not in the log (inserted or its record deleted)")
                                  % {"seq": stray.seq}, seq=stray.seq)
        if sa.inspect(conn).has_table(layout.OUTCOME_TABLE):
            # The report counts the stored outcomes: each must be what the rules give its
            # record now (leaflet.storage.outcomes), one per record, none without one. A log
            # not yet upgraded holds the rows of the rules of its own schema version.
            from leaflet.duties.rules import rules_of_schema

            rules = rules_of_schema(migrations.current_version(conn))
            for seq, what in outcomes.mismatches(conn, rules=rules):
                rid = conn.execute(sa.select(t.c.id).where(t.c.seq == seq)).scalar()
                name = (_("record #%(seq)s (id %(id)s)") % {"seq": seq, "id": rid} if rid
                        else _("record #%(seq)s") % {"seq": seq})
                raise ChainBroken(f"{name}: {what}", seq=seq, record_id=rid)


def _stored(row, codes: list[str]) -> StoredRecord:
    data = row._mapping
    record = {}
    for name in FIELDS:
        record[name] = list(codes) if name == "person_languages" else data[name]
    secret = None
    if "secret_seq" in data and data["secret_seq"] is not None:
        secret = {c: data[f"secret_{c}"] for c in layout.SECRET_COLUMNS[1:]}
    return StoredRecord(record=record, seq=data["seq"], recorded_at=data["recorded_at"],
                        prev_hash=data["prev_hash"], hash=data["hash"], secret=secret)





assert set(CHAIN_FIELDS) == {"seq", "recorded_at", "prev_hash", "hash"}
