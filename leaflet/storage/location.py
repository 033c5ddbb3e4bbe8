"""Where the log lives: the default SQLite file, or the database a URL names.

Standard library and platformdirs only, so the hand-over path can decide whether it may take
the fast SQLite route before anything heavy is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

from leaflet.i18n import _

DEFAULT_FILE = "handover.sqlite3"


def default_path() -> Path:
    """The default log: <user data dir>/leaflet/handover.sqlite3 (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("leaflet", appauthor=False)) / DEFAULT_FILE


def checked_db(db: str | None, option: str = "--db") -> str | None:
    """The `--db` / LEAFLET_DB value, refused (UsageError naming the option) when it holds
    an invisible character: a path or URL with a line break names another file than the
    one the desk sees. The value is not echoed: a URL may carry a password."""
    if not db:
        return None
    from leaflet.textsafety import describe, invisible_chars

    found = invisible_chars(db)
    if found:
        from leaflet.errors import UsageError

        # Translators: %(character)s names a character, like "U+000A LINE FEED".
        raise UsageError(_("%(option)s (or LEAFLET_DB) holds an invisible character "
                           "(%(character)s) at position %(position)s")
                         % {"option": option, "character": describe(found[0]),
                            "position": db.index(found[0]) + 1},
                         hint=_("type the database path or URL again on one line"))
    return db


def resolve(db: str | None, *, create_folder: bool = True) -> str:
    """The SQLAlchemy URL for the `--db` value: None → the default file; a plain path → SQLite.

    Writers (`handover`, `log import`, `db upgrade`, stock movements) create the file's
    folder; readers pass `create_folder=False` and then `require_log`, so a mistyped path
    never leaves a folder or an empty database behind.
    """
    if not db:
        path = default_path()
    elif "://" not in db:
        path = Path(db).expanduser().resolve()
    else:
        return db
    if create_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from leaflet.storage.errors import StoreError

            raise StoreError(_("cannot create the log's folder %(folder)s: %(reason)s")
                             % {"folder": path.parent, "reason": exc.strerror or exc},
                             hint=_("pass --db with a path in a folder you can write")) from None
    return f"sqlite:///{path}"


def prepare_folder(path: Path) -> None:
    """Before a new SQLite log is created at `path`: its folder exists (made if need be) and
    a file can be created in it. StoreError naming the folder otherwise, before SQLite
    reports "unable to open database file"."""
    from leaflet.storage.errors import StoreError

    folder = path.parent
    hint = _("pass --db with a path in a folder you can write")
    blocking = next((f for f in (folder, *folder.parents) if f.exists()), None)
    if blocking is not None and not blocking.is_dir():
        raise StoreError(_("cannot create the log's folder %(folder)s: %(path)s is a file, "
                           "not a folder") % {"folder": folder, "path": blocking}, hint=hint)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(_("cannot create the log's folder %(folder)s: %(reason)s")
                         % {"folder": folder, "reason": exc.strerror or exc},
                         hint=hint) from None
    probe = folder / f".{path.name}.{os.getpid()}.probe"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise StoreError(_("cannot create the log in %(folder)s: %(reason)s")
                         % {"folder": folder, "reason": exc.strerror or exc},
                         hint=hint) from None
    os.close(fd)
    os.unlink(probe)


SQLITE_MAGIC = b"SQLite format 3\x00"

# SQLite files this process holds connections to (the store's engines register theirs).
# Their header is not read again with open(): closing any descriptor of a file drops every
# POSIX lock this process holds on it, including the SHARED lock a WAL connection keeps, and
# another process could then checkpoint and delete the WAL under that connection. From its
# first connection on, SQLite itself reports damage ("malformed", "not a database").
_CONNECTED: set[Path] = set()


def connected(path: Path) -> None:
    """Note that this process opened SQLite connections to `path` (see _CONNECTED)."""
    _CONNECTED.add(Path(path))


def disconnected() -> None:
    """Every connection of this process was closed (the store's engines disposed)."""
    _CONNECTED.clear()


def check_sqlite_file(path: Path, *, must_exist: bool) -> bool:
    """Refuse a file that is not a whole SQLite database; True when it holds anything.

    Read commands pass `must_exist=True`: a missing or empty file is "no log at ..." (exit 1),
    never created. A file that is not SQLite, or is shorter than its header says (truncated),
    is damaged: DamagedLog, distinct from an altered chain, and nothing is written to it.
    """
    from leaflet.storage.errors import DamagedLog, NoLog

    try:
        size = path.stat().st_size
    except (FileNotFoundError, NotADirectoryError):
        if must_exist:
            raise NoLog(_("no hand-over log at %(log)s") % {"log": path},
                        hint=_("check --db / LEAFLET_DB; `leaflet handover` creates the log "
                               "with its first record")) from None
        return False
    except OSError as exc:
        raise DamagedLog(_("cannot read %(path)s: %(reason)s")
                         % {"path": path, "reason": exc.strerror or exc}) from None
    if path.is_dir():
        raise DamagedLog(_("%(path)s is a folder, not a log database") % {"path": path},
                         hint=_("pass --db with the log's file"))
    if size == 0:
        if must_exist:
            raise NoLog(_("no hand-over log at %(log)s (the file is empty)") % {"log": path},
                        hint=_("check --db / LEAFLET_DB"))
        return False
    if path in _CONNECTED:
        return True
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise DamagedLog(_("cannot read %(path)s: %(reason)s")
                         % {"path": path, "reason": exc.strerror or exc}) from None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise DamagedLog(_("%(path)s is not a SQLite database (damaged, or another kind of "
                           "file)") % {"path": path},
                         hint=_("restore the log from a backup, or pass --db with the log's "
                                "file"))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid_for = int.from_bytes(header[92:96], "big")
    change_counter = int.from_bytes(header[24:28], "big")
    truncated = page_size < 512 or size % page_size != 0
    # With a WAL beside it the file may lag its header (pages not yet checkpointed, or a
    # checkpoint writing page 1 before the pages after it): only a file alone is measured.
    if (valid_for == change_counter and pages and size < pages * page_size
            and not _has_wal(path)):
        truncated = True
    if truncated:
        raise DamagedLog(_("%(log)s is damaged: the file is shorter than its SQLite header "
                           "says (%(size)s bytes; truncated?)") % {"log": path, "size": size},
                         hint=_("restore the log from a backup; nothing was written to it"))
    return True


def _has_wal(path: Path) -> bool:
    try:
        return path.with_name(path.name + "-wal").stat().st_size > 0
    except OSError:
        return False


def sqlite_file(url: str) -> Path | None:
    """The file of a plain `sqlite:///PATH` URL, or None for anything else (other databases,
    in-memory SQLite, URLs with query options): those go through SQLAlchemy."""
    for prefix in ("sqlite:///", "sqlite+pysqlite:///"):
        if url.startswith(prefix):
            rest = url[len(prefix):]
            if not rest or "?" in rest or rest == ":memory:":
                return None
            return Path(rest if os.path.isabs(rest) else os.path.abspath(rest))
    return None

