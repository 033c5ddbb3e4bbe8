"""What the coordinator types after a stock command: `LANG=COPIES` items.

Standard library (and the CLDR language codes) only: a refused item costs no SQLAlchemy import
and opens no database. Every message quotes the item cut short (textsafety.clip) and names it
as `LANG=COPIES`.
"""

from __future__ import annotations

import re
from typing import Iterable

from leaflet.errors import UsageError
from leaflet.i18n import _
from leaflet.languages import tags as language_codes
from leaflet.textsafety import clip, describe, invisible_chars

MAX_COPIES = 1_000_000
# ASCII only: `\d` would take Arabic-Indic or full-width digits, `\s` a line separator.
_LINE = re.compile(r"^[ \t]*([^=\s]+)[ \t]*=[ \t]*([+-]?\d+)[ \t]*$", re.ASCII)
LINE_MAX = 60  # an item longer than this is no LANG=COPIES (and is never echoed whole)
BUILD_LANGUAGES = "leaflet.toml [build] languages"


# --- parsing what the coordinator types --------------------------------------------------

def parse_lines(items: Iterable[str], *, known: Iterable[str] | None = None,
                known_from: str = BUILD_LANGUAGES, least: int = 1) -> list[tuple[str, int]]:
    """`["ro=500", "ti=200"]` as [("ro", 500), ("ti", 200)], codes in canonical form.

    With `known` (the languages of the edition, read from `known_from`), a code must be one of
    them. Raises UsageError naming the bad item, cut short (textsafety.clip).
    """
    known_by_key = {k.lower(): k for k in known} if known is not None else None
    lines: list[tuple[str, int]] = []
    for item in items:
        shown = clip(item)
        hidden = invisible_chars(item)
        if hidden:
            # Translators: %(item)s is what was typed; %(character)s names a character, like
            # "U+000A LINE FEED".
            raise UsageError(_("LANG=COPIES %(item)s holds an invisible character "
                               "(%(character)s)") % {"item": shown,
                                                      "character": describe(hidden[0])},
                             hint=_("type it again, like ro=500"))
        match = _LINE.match(item) if len(item) <= LINE_MAX else None
        if not match:
            raise UsageError(_("%(item)s is not LANG=COPIES (like ro=500)") % {"item": shown},
                             hint=_("a language code, '=', and a whole number of copies"))
        code, copies = match[1], int(match[2])
        try:
            code = language_codes.normalise(code)
        except language_codes.LanguageError as exc:
            raise UsageError(f"LANG=COPIES {shown}: {exc}") from None
        if code == language_codes.UNKNOWN:
            raise UsageError(_("LANG=COPIES %(item)s: copies are printed in a known language, "
                               "not 'und'") % {"item": shown})
        if known_by_key is not None:
            if code.lower() not in known_by_key:
                # Translators: %(source)s is where the languages are listed, like
                # "leaflet.toml [build] languages".
                raise UsageError(_("LANG=COPIES %(item)s: %(code)s is not a language of this "
                                   "edition (%(source)s)")
                                 % {"item": shown, "code": code, "source": known_from})
            code = known_by_key[code.lower()]
        if not least <= copies <= MAX_COPIES:
            raise UsageError(_("LANG=COPIES %(item)s: copies must be a whole number from "
                               "%(least)s to %(most)s")
                             % {"item": shown, "least": least, "most": f"{MAX_COPIES:,}"})
        if any(code == seen for seen, _copies in lines):
            raise UsageError(_("LANG=COPIES %(item)s: %(code)s is given twice")
                             % {"item": shown, "code": code})
        lines.append((code, copies))
    if not lines:
        raise UsageError(_("name at least one LANG=COPIES (like ro=500)"))
    return lines
