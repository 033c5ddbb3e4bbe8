"""Writing files so that nothing is ever half-written, and hashing them."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from leaflet.errors import LeafletError, UsageError
from leaflet.i18n import _
from leaflet.textsafety import clip, visible


def _file_mode() -> int:
    """Regular permissions for written files (mkstemp creates them private)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


FILE_MODE = _file_mode()


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# --- where output goes: checked before any work is done --------------------------------------
# So that a report is not computed (nor print files built) for a place that cannot take it.
# Bad values are UsageError (exit code 2); a place that cannot be written a LeafletError
# (exit code 1), like any file problem.


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if os.path.lexists(candidate):
            return candidate
    return Path(path.anchor or ".")


def _writable_folder(folder: Path, target: Path, option: str) -> None:
    """`folder` (an existing ancestor of `target`) must be a folder this process may write."""
    if not folder.is_dir():
        raise UsageError(_("%(option)s %(path)s: %(folder)s is a file, not a folder")
                         % {"option": option, "path": clip(str(target), 200), "folder": folder},
                         hint=_("choose a path whose folders exist or can be created"))
    reason = None if os.access(folder, os.W_OK | os.X_OK) else _("permission denied")
    if reason is None:
        # The permission bits do not tell everything (root, a read-only file system): try.
        import tempfile

        try:
            fd, probe = tempfile.mkstemp(prefix=".leaflet-probe.", dir=folder)
        except OSError as error:
            reason = (error.strerror or type(error).__name__).lower()
        else:
            os.close(fd)
            os.unlink(probe)
    if reason is not None:
        raise LeafletError(_("%(option)s %(path)s: cannot write in %(folder)s (%(reason)s)")
                           % {"option": option, "path": clip(str(target), 200),
                              "folder": folder, "reason": reason},
                           hint=_("choose a folder you can write"))


def output_file(value: str | None, option: str = "--output", *,
                not_into: list[Path] = ()) -> Path | None:
    """The file `value` names, checked before anything is computed: not a folder, not one of
    `not_into` (the log being read), in a folder that exists or can be created and written.
    Missing folders are created only when the file is written."""
    if value is None:
        return None
    # Translators: it fills "type the %(what)s again on one line, …".
    visible(value, option, what=_("file name"))
    path = Path(value).expanduser()
    absolute = Path(os.path.abspath(path))
    for protected in not_into:
        if protected is not None and _same(absolute, protected):
            raise UsageError(_("%(option)s %(path)s is the log being read")
                             % {"option": option, "path": clip(value, 200)},
                             hint=_("write the report to another file"))
    if absolute.is_dir():
        raise UsageError(_("%(option)s %(path)s is a folder")
                         % {"option": option, "path": clip(value, 200)},
                         hint=_("name a file"))
    existing = _nearest_existing(absolute)
    if existing == absolute:
        if not os.access(absolute, os.W_OK):
            raise LeafletError(_("%(option)s %(path)s: cannot write the file "
                                 "(permission denied)")
                               % {"option": option, "path": clip(value, 200)},
                               hint=_("choose a file you can write"))
        existing = absolute.parent
    _writable_folder(existing, path, option)
    return path


def output_folder(value: str | Path, option: str = "--output-dir") -> Path:
    """The folder `value` names (created when written), checked the same way."""
    text = str(value)
    # Translators: it fills "type the %(what)s again on one line, …".
    visible(text, option, what=_("folder name"))
    path = Path(text).expanduser()
    absolute = Path(os.path.abspath(path))
    existing = _nearest_existing(absolute)
    _writable_folder(existing, path, option)
    return path


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def write_error(option: str, path: Path, error: OSError) -> LeafletError:
    """An OSError of writing `path` as the one-line failure the CLI shows (exit code 1)."""
    reason = error.strerror or type(error).__name__
    return LeafletError(_("%(option)s %(path)s: cannot write: %(reason)s")
                        % {"option": option, "path": clip(str(path), 200), "reason": reason},
                        hint=_("choose a place you can write; nothing was written there"))
