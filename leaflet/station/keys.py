"""The station's key: what signs the desk's session cookies and makes the kiosk's codes.

The key lives outside the log's database, so that a copy of the log (a backup, an auditor's
write-protected copy) gives nobody the means to forge a desk session: in a file readable by
the station's own user only (mode 0600, refused when the group or others may read it), or
in the environment for a service manager that injects secrets.

Where, first found wins:
1. `LEAFLET_STATION_KEY`: the key itself (at least 32 hexadecimal characters);
2. `--key-file` of `leaflet serve` / `LEAFLET_STATION_KEY_FILE`: a key file;
3. `<user config dir>/leaflet/station.key` (platformdirs), made on the first start.

`leaflet serve key rotate` writes a new key (temporary file, then rename): every session
and every kiosk code shown so far stops working when the station restarts with it.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path

from leaflet.errors import LeafletError, UsageError
from leaflet.i18n import _

KEY_ENV = "LEAFLET_STATION_KEY"
KEY_FILE_ENV = "LEAFLET_STATION_KEY_FILE"
KEY_BYTES = 32
_HEX = re.compile(r"[0-9a-f]{64,256}")


class StationKeyError(LeafletError):
    """The station's key cannot be read or is not safe to use."""


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("leaflet", appauthor=False)) / "station.key"


def key_path(key_file: str | None = None) -> Path:
    """The key file to use: `key_file`, LEAFLET_STATION_KEY_FILE, or the default."""
    chosen = key_file or os.environ.get(KEY_FILE_ENV)
    return Path(chosen).expanduser() if chosen else default_path()


def load(key_file: str | None = None, *, create: bool = True) -> str:
    """The station's key (hex). Made on first use at the key file when `create`."""
    given = os.environ.get(KEY_ENV)
    if given:
        key = given.strip().lower()
        if not _HEX.fullmatch(key):
            raise UsageError(_("%(variable)s is not a key: it must be at least 64 hexadecimal "
                               "characters") % {"variable": KEY_ENV},
                             hint=_("make one with `leaflet serve key rotate --print`, or "
                                    "unset it to use a key file"))
        return key
    path = key_path(key_file)
    try:
        return _read(path)
    except FileNotFoundError:
        if not create:
            raise StationKeyError(_("the station has no key yet"), path=path,
                                  hint=_("`leaflet serve` makes one on its first start")
                                  ) from None
    write(path, _new())
    return _read(path)


def rotate(key_file: str | None = None) -> Path:
    """A new key in the key file (the station uses it from its next start)."""
    if os.environ.get(KEY_ENV):
        raise UsageError(_("the key comes from %(variable)s: change it where it is set")
                         % {"variable": KEY_ENV},
                         hint=_("or unset %(variable)s to use a key file")
                         % {"variable": KEY_ENV})
    path = key_path(key_file)
    write(path, _new())
    return path


def new_key() -> str:
    return _new()


def _new() -> str:
    return secrets.token_hex(KEY_BYTES)


def _read(path: Path) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise StationKeyError(_("cannot read the station's key: %(reason)s")
                              % {"reason": exc.strerror or exc}, path=path,
                              hint=_("check the file, or point %(variable)s at another")
                              % {"variable": KEY_FILE_ENV}) from None
    if not stat.S_ISREG(info.st_mode):
        raise StationKeyError(_("the station's key is not a regular file"), path=path,
                              hint=_("point %(variable)s or --key-file at the key file")
                              % {"variable": KEY_FILE_ENV})
    if info.st_mode & 0o077:
        raise StationKeyError(_("the station's key may be read by others (mode %(mode)s)")
                              % {"mode": f"{stat.S_IMODE(info.st_mode):04o}"}, path=path,
                              hint=_("chmod 600 %(path)s, then rotate it (`leaflet serve key "
                                     "rotate`): whoever read it could forge desk sessions")
                              % {"path": path})
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise StationKeyError(_("the station's key belongs to another user"), path=path,
                              hint=_("run the station as the key's owner, or make a key of "
                                     "its own"))
    try:
        key = path.read_text(encoding="ascii").strip().lower()
    except (OSError, UnicodeDecodeError) as exc:
        raise StationKeyError(_("cannot read the station's key: %(reason)s")
                              % {"reason": exc}, path=path) from None
    if not _HEX.fullmatch(key):
        raise StationKeyError(_("the station's key file does not hold a key (64 or more "
                                "hexadecimal characters)"), path=path,
                              hint=_("make a new one with `leaflet serve key rotate`"))
    return key


def write(path: Path, key: str) -> None:
    """Write `key` to `path`, mode 0600 from the start, through a temporary file."""
    import tempfile

    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StationKeyError(_("cannot write the station's key: %(reason)s")
                              % {"reason": exc.strerror or exc}, path=path,
                              hint=_("point %(variable)s or --key-file at a folder you can "
                                     "write") % {"variable": KEY_FILE_ENV}) from None
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(key + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def derived(key: str, purpose: str) -> str:
    """A key for one purpose (the session cookies, the kiosk's codes), from the station's."""
    import hashlib
    import hmac

    return hmac.new(bytes.fromhex(key), purpose.encode(), hashlib.sha256).hexdigest()
