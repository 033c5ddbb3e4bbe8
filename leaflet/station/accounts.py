"""The desk's accounts: who may record hand-overs at the station, and the station's secret.

Accounts live in the log's own database (SQLite file or PostgreSQL), in two tables of their
own beside the log, so that a zone's server and its desks share them: `station_account`
(name, unit, an argon2id hash of the password, never the password; disabled; the failed
logins since the last good one and until when the account is locked) and `station_secret`
(the key that signs the session cookies, made once with `secrets`). These tables are not
evidence: a password change or a lock is an update, unlike the log, which has none.

The log is created first (leaflet.handover.service.upgrade) so that the log's rule "created
only in a new or empty database" keeps holding for a station's database.

Five failed logins lock an account for 15 minutes; a good password during the lock is
refused too, and the lock is not lifted by it. Every failure is counted in one transaction,
so two desks guessing at once cannot get more than five tries.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from leaflet.errors import LeafletError, UsageError

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")
ACCOUNT_TABLE = "station_account"
SECRET_TABLE = "station_secret"


class LoginRefused(LeafletError):
    """A wrong name or password, a disabled or a locked account (the message says which
    only as far as it is safe: a wrong name and a wrong password read the same)."""

    exit_code = 1


@dataclass(frozen=True)
class Account:
    name: str
    unit: str


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
        sa.Column("locked_until", sa.DateTime),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    secret = sa.Table(SECRET_TABLE, metadata,
                      sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("key", sa.String(128), nullable=False))
    return metadata, account, secret


def check_name(name: str, option: str = "NAME") -> str:
    if not isinstance(name, str) or not NAME.match(name):
        from leaflet.textsafety import clip

        raise UsageError(f"{option} {clip(name)} is not an account name",
                         hint="letters, digits, '.', '_' or '-', at most 40, like A1234")
    return name


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password has {len(password)} characters; it needs at least "
                         f"{MIN_PASSWORD}", hint="a few words make a long password that is "
                                                 "easy to type")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Accounts:
    """The accounts and the secret in the database at `db` (as `--db`/LEAFLET_DB)."""

    def __init__(self, db: str | None, *, create: bool = False):
        from leaflet.handover import service
        from leaflet.handover.errors import NoLog

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
        self.display_url = store.display_url
        self.metadata, self.account, self.secret = _tables()
        self.metadata.create_all(self.engine, checkfirst=True)

    # --- the session key -------------------------------------------------------------------

    def secret_key(self) -> str:
        import sqlalchemy as sa

        with self.engine.begin() as conn:
            key = conn.execute(sa.select(self.secret.c.key).where(self.secret.c.id == 1)
                               ).scalar()
            if key is None:
                key = secrets.token_hex(32)
                conn.execute(sa.insert(self.secret).values(id=1, key=key))
        return key

    # --- managing accounts -----------------------------------------------------------------

    def add(self, name: str, unit: str, password: str) -> Account:
        import sqlalchemy as sa
        from argon2 import PasswordHasher

        from leaflet.handover.errors import RecordError
        from leaflet.handover.model import validate_field

        check_name(name)
        try:
            unit = validate_field("unit", unit)
        except RecordError as error:
            raise UsageError(f"--unit: {error.message}", hint=error.hint) from None
        check_password(password)
        digest = PasswordHasher().hash(password)
        with self.engine.begin() as conn:
            if conn.execute(sa.select(self.account.c.name)
                            .where(self.account.c.name == name)).first():
                raise UsageError(f"NAME {name}: an account of that name exists",
                                 hint="choose another name; `user disable` ends an account")
            conn.execute(sa.insert(self.account).values(
                name=name, unit=unit, password_hash=digest, disabled=False, failures=0,
                created_at=_now()))
        return Account(name, unit)

    def disable(self, name: str) -> None:
        import sqlalchemy as sa

        check_name(name)
        with self.engine.begin() as conn:
            done = conn.execute(sa.update(self.account).where(self.account.c.name == name)
                                .values(disabled=True)).rowcount
        if not done:
            raise UsageError(f"NAME {name}: no such account",
                             hint="`leaflet serve user list` shows the accounts")

    def list(self) -> list[dict]:
        import sqlalchemy as sa

        a = self.account
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(a.c.name, a.c.unit, a.c.disabled, a.c.locked_until)
                                .order_by(a.c.name)).all()
        now = _now()
        return [{"name": r.name, "unit": r.unit, "disabled": bool(r.disabled),
                 "locked": bool(r.locked_until and r.locked_until > now)} for r in rows]

    # --- logging in ------------------------------------------------------------------------

    def active(self, name: str) -> Account | None:
        """The account `name` when it exists and is not disabled (checked on every request,
        so disabling an account ends its sessions)."""
        import sqlalchemy as sa

        a = self.account
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(a.c.name, a.c.unit, a.c.disabled)
                               .where(a.c.name == name)).first()
        if row is None or row.disabled:
            return None
        return Account(row.name, row.unit)

    def authenticate(self, name: str, password: str) -> Account:
        """The account, or LoginRefused. A failure is counted; the fifth locks the account."""
        import sqlalchemy as sa
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError

        wrong = LoginRefused("wrong account name or password")
        locked = LoginRefused(f"this account is locked after {MAX_FAILURES} failed logins; "
                              f"try again in {LOCK_MINUTES} minutes")
        if not isinstance(name, str) or not NAME.match(name) or not isinstance(password, str):
            raise wrong
        a = self.account
        hasher = PasswordHasher()
        refusal = None
        # The refusal is raised after the transaction: a failure must be committed.
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(a).where(a.c.name == name).with_for_update()).first()
            now = _now()
            if row is None:
                hasher.hash(password)  # as slow as a real check: the name is not revealed
                refusal = wrong
            elif row.locked_until and row.locked_until > now:
                refusal = locked
            elif row.disabled:
                refusal = LoginRefused("this account is disabled")
            else:
                try:
                    hasher.verify(row.password_hash, password)
                except (VerificationError, InvalidHashError):
                    failures = row.failures + 1
                    if failures >= MAX_FAILURES:
                        values = {"failures": 0,
                                  "locked_until": now + dt.timedelta(minutes=LOCK_MINUTES)}
                        refusal = locked
                    else:
                        values = {"failures": failures}
                        refusal = wrong
                else:
                    values = {"failures": 0, "locked_until": None}
                conn.execute(sa.update(a).where(a.c.name == name).values(**values))
        if refusal is not None:
            raise refusal
        return Account(row.name, row.unit)
