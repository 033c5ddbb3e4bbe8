"""The desk's accounts, sessions and login throttle, in three tables beside the log.

Accounts live in the log's own database (SQLite file or PostgreSQL), so that a zone's server
and its desks share them: `station_account` (name, unit, an argon2id hash of the password,
never the password; disabled; the failed logins since the last good one),
`station_session` (one row per open desk session: the sha256 of its random id, never the
id, the account and when it ends) and `station_throttle` (failed logins per account name
and client address). These tables are not evidence: a password change, a session ended or
a count reset is an update or a delete, unlike the log, which has none. The key that signs
the session cookies is not here: leaflet.station.keys keeps it outside the database, and a
cookie signed with anything this database holds opens nothing, since the session it names
must also be open in `station_session`.

Logging in, under any number of concurrent writers and guesses:
- every attempt is counted *before* its password is checked, in its own write transaction
  (SQLite: `BEGIN IMMEDIATE`, waiting at most LOGIN_WAIT_S for other writers; then a 503, never
  a 500), so parallel guesses are all counted and none slips past the throttle;
- after FREE_TRIES failures from one client for one name, that client waits before its next
  try, twice as long after each further failure (1 s, 2 s, … up to MAX_WAIT_S), whatever the
  password: an officer at another desk is never locked out by someone else's guesses;
- a missing account, a wrong password and a throttled client read the same way and cost the
  same time (an argon2 hash is computed for a missing name too);
- a good password clears the client's count and opens a session; "disabled" is said only to
  whom knows the password.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from leaflet.errors import LeafletError, UsageError
from leaflet.i18n import LANGUAGES, N_, _, ngettext

FREE_TRIES = 5
MAX_WAIT_S = 15 * 60
LOGIN_WAIT_S = 10  # a login waits this long for the log's other writers, then says busy
SESSION_HOURS = 10  # one shift
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # a form field is bounded in size and in work (argon2 hashes it all)
# argon2-cffi's PasswordHasher arguments: none, so its defaults (argon2id, RFC 9106's
# low-memory profile: 3 passes over 64 MiB, 4 lanes; about 0.2 s of CPU a hash). Only the
# test suite lowers them (tests/conftest.py), where a login's cost is not what is tested.
PASSWORD_HASHING: dict = {}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
ACCOUNT_TABLE = "station_account"
SESSION_TABLE = "station_session"
THROTTLE_TABLE = "station_throttle"
OLD_SECRET_TABLE = "station_secret"  # held the session key up to 0.1; emptied at start
WRONG = N_("wrong account name or password")


class LoginRefused(LeafletError):
    """A wrong name or password, or a throttled client: read the same for a real account
    and a missing one."""

    exit_code = 1


class StationBusy(LeafletError):
    """The database held its write lock longer than a login may wait."""


@dataclass(frozen=True)
class Account:
    name: str
    unit: str
    lang: str | None = None  # the desk's language for this account (leaflet.i18n.LANGUAGES)


def _tables():
    import sqlalchemy as sa

    metadata = sa.MetaData()
    account = sa.Table(
        ACCOUNT_TABLE, metadata,
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean(create_constraint=False), nullable=False,
                  default=False),
        sa.Column("failures", sa.Integer, nullable=False, default=0),
        sa.Column("locked_until", sa.DateTime),  # unused since the throttle (kept: old logs)
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("lang", sa.String(8)),  # added in 0.3 (an older table gains it at start)
    )
    session = sa.Table(
        SESSION_TABLE, metadata,
        sa.Column("id_hash", sa.String(64), primary_key=True),
        sa.Column("account", sa.String(40), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime, nullable=False),
    )
    throttle = sa.Table(
        THROTTLE_TABLE, metadata,
        sa.Column("name", sa.String(40), primary_key=True),
        sa.Column("client", sa.String(64), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("last_at", sa.DateTime, nullable=False),
    )
    return metadata, account, session, throttle


def check_name(name: str, option: str = "NAME") -> str:
    if not isinstance(name, str) or not NAME.match(name):
        from leaflet.textsafety import clip

        raise UsageError(_("%(option)s %(name)s is not an account name")
                         % {"option": option, "name": clip(name)},
                         hint=_("letters, digits, '.', '_' or '-', at most 40, like A1234"))
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsageError(_("the password has %(length)s characters; it needs at least "
                           "%(minimum)s") % {"length": len(password), "minimum": MIN_PASSWORD},
                         hint=_("a few words make a long password that is easy to type"))
    if len(password) > MAX_PASSWORD:
        raise UsageError(_("the password has %(length)s characters; at most %(maximum)s")
                         % {"length": len(password), "maximum": MAX_PASSWORD})


def check_lang(lang: str | None, option: str = "--lang") -> str | None:
    """An interface language code (leaflet.i18n.LANGUAGES), or None for none."""
    if lang is None or lang == "":
        return None
    if lang not in LANGUAGES:
        from leaflet.textsafety import clip

        raise UsageError(_("%(option)s %(value)s is not a language of the desk")
                         % {"option": option, "value": clip(lang)},
                         hint=_("one of %(codes)s") % {"codes": ", ".join(LANGUAGES)})
    return lang


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def wait_after(failures: int) -> int:
    """Seconds a client waits after `failures` failed logins for one name (0 for the first
    FREE_TRIES), doubling from 1 s up to MAX_WAIT_S."""
    if failures < FREE_TRIES:
        return 0
    return min(2 ** min(failures - FREE_TRIES, 20), MAX_WAIT_S)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class Accounts:
    """The accounts, sessions and throttle in the database at `db` (as `--db`/LEAFLET_DB)."""

    def __init__(self, db: str | None, *, create: bool = False):
        from leaflet.handover import service
        from leaflet.storage.errors import NoLog

        store = service.open_store(db, write=create)
        try:
            store.require_log()
        except NoLog:
            if not create:
                raise
            # The log first: it is created only in a new or empty database. An existing log
            # is left as it is (a zone's recorder role may not run DDL).
            service.upgrade(db)
            store = service.open_store(db, write=True)
            store.require_log()
        self.engine = store.engine
        self.file = store.file  # a SQLite file, or None
        self.display_url = store.display_url
        self.metadata, self.account, self.session, self.throttle = _tables()
        if create:
            self._create_tables()
        self.has_lang = self._has_lang_column()
        self._hasher = None

    def _create_tables(self) -> None:
        import sqlalchemy as sa

        if self.file is not None:
            from leaflet.storage import lite

            lite.refuse_if_marked(self.file)
        with self._errors():
            self.metadata.create_all(self.engine, checkfirst=True)
            # The session key used to be kept here: a copy of this database must not carry
            # one. Emptied where this role may (the owner); the key is not read any more.
            self._add_lang_column()
            if sa.inspect(self.engine).has_table(OLD_SECRET_TABLE):
                try:
                    with self.engine.begin() as conn:
                        conn.execute(sa.text(f"DELETE FROM {OLD_SECRET_TABLE}"))
                except sa.exc.DBAPIError:
                    pass

    def _add_lang_column(self) -> None:
        """An account table made before accounts had a language gains the (empty) column,
        where this role may change the table (the owner; docs/station.md)."""
        import sqlalchemy as sa

        inspector = sa.inspect(self.engine)
        columns = {c["name"] for c in inspector.get_columns(ACCOUNT_TABLE)}
        if "lang" not in columns:
            try:
                with self.engine.begin() as conn:
                    conn.execute(sa.text(f"ALTER TABLE {ACCOUNT_TABLE} ADD COLUMN lang "
                                         "VARCHAR(8)"))
            except sa.exc.DBAPIError:
                pass

    def _has_lang_column(self) -> bool:
        import sqlalchemy as sa

        with self._errors():
            inspector = sa.inspect(self.engine)
            if not inspector.has_table(ACCOUNT_TABLE):
                return True  # made with it when made
            return "lang" in {c["name"] for c in inspector.get_columns(ACCOUNT_TABLE)}

    def _lang(self):
        """The lang column, or NULL on a table that has none yet."""
        import sqlalchemy as sa

        return self.account.c.lang if self.has_lang else sa.null().label("lang")

    @property
    def hasher(self):
        if self._hasher is None:
            from argon2 import PasswordHasher

            self._hasher = PasswordHasher(**PASSWORD_HASHING)
        return self._hasher

    # --- transactions --------------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self):
        """Database errors as one-line LeafletErrors: busy (StationBusy), damaged (marked)."""
        import sqlalchemy as sa

        from leaflet.storage.errors import DamagedLog, StoreError
        from leaflet.storage import lite

        try:
            yield
        except sa.exc.DBAPIError as error:
            text = str(error.orig or error).strip().splitlines()[0][:200]
            if "locked" in text.lower() or "busy" in text.lower():
                raise StationBusy(_("%(log)s: the log's database is busy (%(reason)s)")
                                  % {"log": self.display_url, "reason": text},
                                  hint=_("try again in a moment")) from None
            if self.file is not None and lite.is_damage(text):
                lite.mark(self.file, text)
                raise DamagedLog(_("%(log)s is damaged: %(reason)s")
                                 % {"log": self.display_url, "reason": text},
                                 hint=_(lite.RESTORE_HINT)) from None
            raise StoreError(f"{self.display_url}: {text}") from None

    @contextlib.contextmanager
    def _write(self, *, check_pages: bool = False):
        """A write transaction on the account tables: SQLite's write lock taken first
        (`BEGIN IMMEDIATE`), waiting at most LOGIN_WAIT_S; a log marked damaged is refused
        (with `check_pages`, a file failing quick_check too, as the log's writers do)."""
        if self.file is not None:
            from leaflet.storage import lite

            if check_pages:
                lite.require_intact(self.file)
            else:
                lite.refuse_if_marked(self.file)
        with self._errors(), self.engine.connect() as conn:
            sqlite = self.engine.dialect.name == "sqlite"
            if sqlite:
                raw = conn.connection.driver_connection
                raw.execute(f"PRAGMA busy_timeout = {LOGIN_WAIT_S * 1000}")
            try:
                conn = conn.execution_options(leaflet_write=True)
                with conn.begin():
                    yield conn
            finally:
                if sqlite:
                    from leaflet.storage.engine import BUSY_TIMEOUT_S

                    raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")

    @contextlib.contextmanager
    def _read(self):
        with self._errors(), self.engine.connect() as conn:
            yield conn

    # --- managing accounts -----------------------------------------------------------------

    def add(self, name: str, unit: str, password: str, lang: str | None = None) -> Account:
        import sqlalchemy as sa

        from leaflet.duties.record import RecordError
        from leaflet.duties.record import validate_field

        check_name(name)
        try:
            unit = validate_field("unit", unit)
        except RecordError as error:
            raise UsageError(f"--unit: {error.message}", hint=error.hint) from None
        check_password(password)
        lang = check_lang(lang)
        digest = self.hasher.hash(password)
        with self._write(check_pages=True) as conn:
            if conn.execute(sa.select(self.account.c.name)
                            .where(self.account.c.name == name)).first():
                raise UsageError(_("NAME %(name)s: an account of that name exists")
                                 % {"name": name},
                                 hint=_("choose another name; `user disable` ends an account"))
            values = {"lang": lang} if lang else {}
            conn.execute(sa.insert(self.account).values(
                name=name, unit=unit, password_hash=digest, disabled=False, failures=0,
                created_at=_now(), **values))
        return Account(name, unit, lang)

    def set_language(self, name: str, lang: str | None) -> None:
        """The desk's language for the account (None: the browser's, then the station's)."""
        import sqlalchemy as sa

        check_name(name)
        lang = check_lang(lang)
        if not self.has_lang:
            raise UsageError(_("the account table has no language column yet"),
                             hint=_("run `leaflet serve` once as the database's owner"))
        with self._write(check_pages=True) as conn:
            done = conn.execute(sa.update(self.account).where(self.account.c.name == name)
                                .values(lang=lang)).rowcount
        if not done:
            raise UsageError(_("NAME %(name)s: no such account") % {"name": name},
                             hint=_("`leaflet serve user list` shows the accounts"))

    def disable(self, name: str) -> None:
        """Disable the account and end its open sessions at once."""
        import sqlalchemy as sa

        check_name(name)
        with self._write(check_pages=True) as conn:
            done = conn.execute(sa.update(self.account).where(self.account.c.name == name)
                                .values(disabled=True)).rowcount
            conn.execute(sa.delete(self.session).where(self.session.c.account == name))
        if not done:
            raise UsageError(_("NAME %(name)s: no such account") % {"name": name},
                             hint=_("`leaflet serve user list` shows the accounts"))

    def list(self) -> list[dict]:
        import sqlalchemy as sa

        a, s = self.account, self.session
        now = _now()
        open_sessions = (sa.select(sa.func.count()).where(s.c.account == a.c.name,
                                                           s.c.expires_at > now)
                         .scalar_subquery())
        with self._read() as conn:
            if not sa.inspect(conn).has_table(ACCOUNT_TABLE):
                return []
            has_sessions = sa.inspect(conn).has_table(SESSION_TABLE)
            columns = [a.c.name, a.c.unit, a.c.disabled, a.c.failures, self._lang()]
            if has_sessions:
                columns.append(open_sessions.label("sessions"))
            rows = conn.execute(sa.select(*columns).order_by(a.c.name)).all()
        return [{"name": r.name, "unit": r.unit, "lang": r.lang, "disabled": bool(r.disabled),
                 "failures": int(r.failures or 0),
                 "sessions": int(r.sessions) if has_sessions else 0} for r in rows]

    # --- logging in ------------------------------------------------------------------------

    def authenticate(self, name: str, password: str, client: str = "local") -> Account:
        """The account, or LoginRefused (StationBusy when the database stays locked).

        The attempt is counted first (module docstring), then the password checked outside
        any transaction (argon2 takes tens of milliseconds), then, when it is right, the
        client's count cleared."""
        import sqlalchemy as sa
        from argon2.exceptions import InvalidHashError, VerificationError

        if (not isinstance(name, str) or not NAME.match(name) or not isinstance(password, str)
                or len(password) > MAX_PASSWORD):
            self.hasher.hash("x" if not isinstance(password, str) else password[:MAX_PASSWORD])
            raise LoginRefused(_(WRONG))
        client = (client or "unknown")[:64]
        a, t = self.account, self.throttle
        now = _now()
        with self._write() as conn:
            row = conn.execute(sa.select(t.c.failures, t.c.last_at)
                               .where(t.c.name == name, t.c.client == client)).first()
            failures = row.failures if row else 0
            wait = 0
            if row is not None:
                ready = row.last_at + dt.timedelta(seconds=wait_after(failures))
                wait = max(0, int((ready - now).total_seconds() + 0.999))
            if row is None:
                conn.execute(sa.insert(t).values(name=name, client=client, failures=1,
                                                 last_at=now))
            else:  # counted; a throttled try does not restart the wait
                values = {"failures": t.c.failures + 1}
                if not wait:
                    values["last_at"] = now
                conn.execute(sa.update(t).where(t.c.name == name, t.c.client == client)
                             .values(**values))
            account = conn.execute(sa.select(a.c.name, a.c.unit, a.c.password_hash,
                                             a.c.disabled, self._lang())
                                   .where(a.c.name == name)).first()
            if account is not None:
                conn.execute(sa.update(a).where(a.c.name == name)
                             .values(failures=a.c.failures + 1))
        if wait:
            raise LoginRefused(ngettext(
                "too many failed logins from this device: wait %(n)s second, then try again",
                "too many failed logins from this device: wait %(n)s seconds, then try again",
                wait) % {"n": wait})
        if account is None:
            self.hasher.hash(password)  # as slow as a real check: the name is not revealed
            raise LoginRefused(_(WRONG))
        try:
            self.hasher.verify(account.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise LoginRefused(_(WRONG)) from None
        if account.disabled:
            raise LoginRefused(_("this account is disabled"))
        with self._write() as conn:
            conn.execute(sa.delete(t).where(t.c.name == name, t.c.client == client))
            conn.execute(sa.update(a).where(a.c.name == name).values(failures=0))
        return Account(account.name, account.unit, account.lang)

    # --- sessions ----------------------------------------------------------------------------

    def open_session(self, account: Account) -> str:
        """A new session for `account`; its random id (only its sha256 is stored)."""
        import sqlalchemy as sa

        session_id = secrets.token_urlsafe(32)
        now = _now()
        s = self.session
        with self._write() as conn:
            conn.execute(sa.delete(s).where(s.c.expires_at <= now))
            conn.execute(sa.insert(s).values(
                id_hash=_digest(session_id), account=account.name, created_at=now,
                expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
        return session_id

    def session_account(self, session_id) -> Account | None:
        """The account of an open session (not ended, not expired, account not disabled),
        or None. Read on every desk request."""
        import sqlalchemy as sa

        if not isinstance(session_id, str) or not 20 <= len(session_id) <= 100:
            return None
        a, s = self.account, self.session
        with self._read() as conn:
            row = conn.execute(
                sa.select(a.c.name, a.c.unit, self._lang())
                .select_from(s.join(a, a.c.name == s.c.account))
                .where(s.c.id_hash == _digest(session_id), s.c.expires_at > _now(),
                       a.c.disabled.is_(False))).first()
        return Account(row.name, row.unit, row.lang) if row else None

    def end_session(self, session_id) -> None:
        """Log out: the session is gone from the database, whatever its cookie says later."""
        import sqlalchemy as sa

        if not isinstance(session_id, str) or len(session_id) > 100:
            return
        with self._write() as conn:
            conn.execute(sa.delete(self.session)
                         .where(self.session.c.id_hash == _digest(session_id)))
