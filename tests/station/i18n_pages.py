"""What a page in a language of the tool must not hold: a sentence of the tool left in English.

`english_left(text, code)` lists the interface's English sentences (leaflet/locale/leaflet.pot)
found in a page's text although `code`'s catalogue translates them differently: the parts of
each msgid between its placeholders, of three words or more, are looked for as they are.
"""

from __future__ import annotations

import functools
import html
import re

import polib

from leaflet import i18n

PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w*\}|<[^>]+>")


@functools.cache
def _pieces(code: str) -> tuple[str, ...]:
    po = polib.pofile(str(i18n.catalogue_path(code, ".po")))
    found = set()
    for entry in po:
        translated = [entry.msgstr] if not entry.msgid_plural else list(
            entry.msgstr_plural.values())
        for english in filter(None, [entry.msgid, entry.msgid_plural]):
            for piece in PLACEHOLDER.split(english):
                piece = " ".join(piece.replace("%%", "%").split()).strip(" .,:;()")
                if len(piece.split()) >= 3 and not any(piece in " ".join(t.split())
                                                       for t in translated):
                    found.add(piece)
    return tuple(sorted(found, key=len, reverse=True))


def page_text(markup: str) -> str:
    """The text of an HTML page as a reader meets it (tags out, entities resolved)."""
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", markup)
    text = html.unescape(re.sub(r"<[^>]+>", " ", markup))
    return " ".join(text.split())


def english_left(text: str, code: str) -> list[str]:
    text = " ".join(text.split())
    return [piece for piece in _pieces(code) if piece in text]
