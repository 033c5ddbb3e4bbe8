"""Subsetting very large fonts before WeasyPrint sees them.

WeasyPrint subsets embedded fonts but keeps the original glyph ids, so a CJK face with
65,000 glyphs still carries 65,000 (empty) glyph slots: a Chinese leaflet weighs ~200 KB.
For scripts marked `subset_ahead` in fonts.toml the build first cuts the face down to the
characters that leaflet prints, with HarfBuzz's subsetter (libharfbuzz-subset0, which the
set-up installs for WeasyPrint anyway), and hands the small font to WeasyPrint through
@font-face under the same family name. The subset keeps the layout tables (closure over
GSUB), so shaping is unchanged; it is deterministic, so the same text gives the same bytes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import hashlib
import html as html_lib
import re
import string
from pathlib import Path

from leaflet.errors import BuildError
from leaflet.files import write_atomic
from leaflet.i18n import _

# Characters a page can show without them being in the text: list markers, punctuation.
ALWAYS = set(string.printable) | set("•·–—…«»“”‘’")
_TAG = re.compile(r"<[^>]*>")


@functools.cache
def _libs():
    names = (ctypes.util.find_library("harfbuzz"), ctypes.util.find_library("harfbuzz-subset"))
    if not all(names):
        raise BuildError(_("libharfbuzz-subset0 is not installed"),
                         hint=_("apt-get install libharfbuzz-subset0, or run `leaflet doctor`"))
    hb, hbs = (ctypes.CDLL(name) for name in names)
    vp, uint = ctypes.c_void_p, ctypes.c_uint
    for fn, res, args in (
            (hb.hb_blob_create_from_file, vp, [ctypes.c_char_p]),
            (hb.hb_face_create, vp, [vp, uint]),
            (hb.hb_set_add, None, [vp, ctypes.c_uint32]),
            (hb.hb_face_reference_blob, vp, [vp]),
            (hb.hb_blob_get_data, ctypes.POINTER(ctypes.c_char), [vp, ctypes.POINTER(uint)]),
            (hb.hb_blob_destroy, None, [vp]),
            (hb.hb_face_destroy, None, [vp]),
            (hbs.hb_subset_input_create_or_fail, vp, []),
            (hbs.hb_subset_input_unicode_set, vp, [vp]),
            (hbs.hb_subset_or_fail, vp, [vp, vp]),
            (hbs.hb_subset_input_destroy, None, [vp])):
        fn.restype, fn.argtypes = res, args
    return hb, hbs


def subset_font(path: Path, index: int, chars: set[str]) -> bytes:
    """The face `index` of `path`, cut down to `chars` (plus what shaping can reach)."""
    hb, hbs = _libs()
    blob = hb.hb_blob_create_from_file(str(path).encode())
    face = hb.hb_face_create(blob, index)
    request = hbs.hb_subset_input_create_or_fail()
    try:
        unicodes = hbs.hb_subset_input_unicode_set(request)
        for ch in sorted(chars):
            hb.hb_set_add(unicodes, ord(ch))
        result = hbs.hb_subset_or_fail(face, request)
        if not result:
            raise BuildError(_("HarfBuzz could not subset the font"), path=path)
        out = hb.hb_face_reference_blob(result)
        size = ctypes.c_uint()
        data = ctypes.string_at(hb.hb_blob_get_data(out, ctypes.byref(size)), size.value)
        hb.hb_blob_destroy(out)
        hb.hb_face_destroy(result)
        return data
    finally:
        hbs.hb_subset_input_destroy(request)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def printed_chars(html: str) -> set[str]:
    """Every character the HTML can print: its text (tags removed, entities decoded)."""
    return set(html_lib.unescape(_TAG.sub(" ", html))) | ALWAYS


SUFFIX = " Subset"


def font_faces(lang, html: str, cache_dir: Path) -> tuple[str, dict[str, str]]:
    """@font-face rules for small subsets of `lang`'s `subset_ahead` fonts, and the names.

    The subsets are declared as "<family> Subset" (a system family of the same name
    would win over an @font-face one); returns the rules and {family: subset family}.
    """
    from leaflet.languages import scripts

    rules, names = [], {}
    chars = None
    for family in scripts.subset_ahead_families(lang):
        for bold in (False, True):
            path, index = scripts.font_face(family, bold)
            if chars is None:
                chars = printed_chars(html)
            data = subset_font(path, index, chars)
            target = cache_dir / f"{hashlib.sha256(data).hexdigest()[:32]}.otf"
            if not target.exists():
                write_atomic(target, data)
            names[family] = family + SUFFIX
            rules.append(f'@font-face {{ font-family: "{family}{SUFFIX}"; '
                         f'font-weight: {"bold" if bold else "normal"}; '
                         f'src: url("{target.as_uri()}"); }}')
    return "\n".join(rules), names


def web_font_faces(families, chars: set[str], url) -> tuple[str, dict[str, bytes]]:
    """@font-face rules for a web page (the kiosk, the static site): each of `families`,
    regular and bold, cut to `chars`; the files are named by their content's hash and
    `url(name)` is the address the page loads one from. Returns (rules, {name: bytes})."""
    from leaflet.languages import scripts

    rules, files = [], {}
    for family in families:
        seen = set()
        for bold in (False, True):
            path, index = scripts.font_face(family, bold)
            if (path, index) in seen:  # no bold face: the browser emboldens
                continue
            seen.add((path, index))
            data = subset_font(path, index, chars)
            name = hashlib.sha256(data).hexdigest()[:32]
            files[name] = data
            rules.append(f'@font-face {{ font-family: "{family}"; font-weight: '
                         f'{"bold" if bold else "normal"}; font-display: block; '
                         f'src: url("{url(name)}") format("opentype"); }}')
    return "\n".join(rules) + "\n", files
