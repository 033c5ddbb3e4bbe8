"""What the coordinator types after a stock command: `LANG=COPIES` items.

Standard library (and the CLDR language codes) only: a refused item costs no SQLAlchemy import
and opens no database. Every message quotes the item cut short (textsafety.clip) and names it
as `LANG=COPIES`.
"""

from __future__ import annotations

import re
from typing import Iterable

from leaflet.errors import UsageError
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
            raise UsageError(f"LANG=COPIES {shown} holds an invisible character "
                             f"({describe(hidden[0])})", hint="type it again, like ro=500")
        match = _LINE.match(item) if len(item) <= LINE_MAX else None
        if not match:
            raise UsageError(f"{shown} is not LANG=COPIES (like ro=500)",
                             hint="a language code, '=', and a whole number of copies")
        code, copies = match[1], int(match[2])
        try:
            code = language_codes.normalise(code)
        except language_codes.LanguageError as exc:
            raise UsageError(f"LANG=COPIES {shown}: {exc}") from None
        if code == language_codes.UNKNOWN:
            raise UsageError(f"LANG=COPIES {shown}: copies are printed in a known language, "
                             "not 'und'")
        if known_by_key is not None:
            if code.lower() not in known_by_key:
                raise UsageError(f"LANG=COPIES {shown}: {code} is not a language of this "
                                 f"edition ({known_from})")
            code = known_by_key[code.lower()]
        if not least <= copies <= MAX_COPIES:
            raise UsageError(f"LANG=COPIES {shown}: copies must be a whole number from "
                             f"{least} to {MAX_COPIES:,}")
        if any(code == seen for seen, _ in lines):
            raise UsageError(f"LANG=COPIES {shown}: {code} is given twice")
        lines.append((code, copies))
    if not lines:
        raise UsageError("name at least one LANG=COPIES (like ro=500)")
    return lines
