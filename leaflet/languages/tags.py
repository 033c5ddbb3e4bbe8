"""Language codes in the log: BCP 47 tags checked against CLDR through Babel.

A tag is `language[-Script][-REGION]` (`ti`, `zh-Hans`, `ar-MA`, `sr-Latn-RS`), or `und`
when the person's language is unknown. It is accepted when Babel has locale data for it (a
directory look-up, cheap enough for the hand-over path) or, failing that, when CLDR knows
its language, script and region subtags by name (this loads one CLDR table, so only rare
codes pay for it). Tags are stored in their canonical case: `zh-Hans`, not `ZH_hans`.
"""

from __future__ import annotations

import functools
import re

from leaflet.i18n import _
from leaflet.textsafety import clip

UNKNOWN = "und"
# The shape of a BCP 47 tag this log accepts (also used to tell codes from language names).
TAG = re.compile(r"^(?P<lang>[A-Za-z]{2,3})(?:[-_](?P<script>[A-Za-z]{4}))?"
                  r"(?:[-_](?P<region>[A-Za-z]{2}|[0-9]{3}))?$")


class LanguageError(ValueError):
    """The tag is not a CLDR language code; str() says why."""


def normalise(tag: str) -> str:
    """The canonical BCP 47 form of `tag`, or LanguageError when CLDR does not know it."""
    if not isinstance(tag, str):
        raise LanguageError(_("%(value)s is not a string") % {"value": clip(tag)})
    match = TAG.match(tag.strip())
    if not match:
        raise LanguageError(_("%(value)s is not a language code like ti, zh-Hans or ar-MA")
                            % {"value": clip(tag)})
    lang = match["lang"].lower()
    script = match["script"].title() if match["script"] else None
    region = match["region"].upper() if match["region"] else None
    if lang == UNKNOWN:
        if script or region:
            # Translators: 'und' is a language code (not translated).
            raise LanguageError(_("%(value)s: 'und' (unknown) takes no script or region")
                                % {"value": clip(tag)})
        return UNKNOWN
    canonical = "-".join(p for p in (lang, script, region) if p)
    if _has_locale_data("_".join(p for p in (lang, script, region) if p)):
        return canonical
    names = _cldr_names()
    prefix = f"{clip(tag)}: " if tag.strip().lower() != lang else ""
    if lang not in names["languages"]:
        raise LanguageError(prefix + _("%(code)s is not a CLDR language code")
                            % {"code": repr(lang)})
    if script and script not in names["scripts"]:
        raise LanguageError(prefix + _("%(code)s is not a CLDR script code")
                            % {"code": repr(script)})
    if region and region not in names["territories"]:
        raise LanguageError(prefix + _("%(code)s is not a CLDR region code")
                            % {"code": repr(region)})
    return canonical


@functools.lru_cache(maxsize=256)
def _has_locale_data(identifier: str) -> bool:
    from babel import localedata

    return localedata.exists(identifier)


@functools.lru_cache(maxsize=1)
def _cldr_names() -> dict[str, frozenset[str]]:
    # The English display names double as CLDR's list of known codes; `root` and other
    # pseudo-locales are not language codes, and the tag syntax above already rules them out.
    from babel import Locale

    english = Locale("en")
    return {"languages": frozenset(english.languages),
            "scripts": frozenset(english.scripts),
            "territories": frozenset(english.territories)}


LANGUAGE_MAX = 80  # a language name, code or country as typed; longer is a paste error


