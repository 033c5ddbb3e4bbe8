"""Where the log lives: the default SQLite file, or the database a URL names.

Standard library and platformdirs only, so the hand-over path can decide whether it may take
the fast SQLite route before anything heavy is imported.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_FILE = "handover.sqlite3"


def default_path() -> Path:
    """The default log: <user data dir>/leaflet/handover.sqlite3 (platformdirs)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("leaflet", appauthor=False)) / DEFAULT_FILE


def resolve(db: str | None) -> str:
    """The SQLAlchemy URL for the `--db` value: None → the default file; a plain path → SQLite."""
    if not db:
        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" not in db:
        path = Path(db).expanduser().resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    return db


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


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")
