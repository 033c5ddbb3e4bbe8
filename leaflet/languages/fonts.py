"""Which characters a font face maps (its cmap), cached on disk per font file.

fontTools takes about a second to read the cmap of a CJK face; every build checks the glyphs
of every language it renders (GLYPHS), so the set is kept in the user's cache folder, keyed
by the file's path, size and modification time (a changed font is read again).
"""

from __future__ import annotations

from pathlib import Path
from leaflet.languages import scripts


def _cmap(family: str) -> set[int]:
    covered = set()
    for bold in (False, True):
        path, index = scripts.font_face(family, bold)
        covered |= face_cmap(path, index)
    return covered


def face_cmap(path: Path, index: int = 0) -> set[int]:
    """The code points one font face maps, cached on disk per font file.

    fontTools takes about a second to read the cmap of a CJK face; every build checks the
    glyphs of every language it renders, so the set is kept in the user's cache folder,
    keyed by the file's path, size and modification time (a changed font is read again).
    """
    import array
    import hashlib

    st = path.stat()
    key = hashlib.sha256(f"{path}\0{index}\0{st.st_size}\0{st.st_mtime_ns}".encode()
                         ).hexdigest()[:32]
    cache = _cache_dir() / f"{key}.u32"
    try:
        codes = array.array("I")
        codes.frombytes(cache.read_bytes())
        return set(codes)
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont

    font = TTFont(str(path), fontNumber=index, lazy=True)
    try:
        covered = set(font.getBestCmap() or {})
    finally:
        font.close()
    try:
        from leaflet.files import write_atomic

        write_atomic(cache, array.array("I", sorted(covered)).tobytes())
    except OSError:
        pass  # no cache: the next check reads the font again
    return covered


def _cache_dir() -> Path:
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("leaflet", appauthor=False)) / "cmaps"


_CMAPS: dict[str, set[int]] = {}


def family_cmap(family: str) -> set[int]:
    """`_cmap(family)`, kept for the life of the process."""
    if family not in _CMAPS:
        _CMAPS[family] = _cmap(family)
    return _CMAPS[family]
