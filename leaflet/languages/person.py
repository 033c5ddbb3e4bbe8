"""A language the person understands, as the officer typed it: a code, a name or a country.

`leaflet handover` and the station's desk both answer with this. Codes take the cheap path
(leaflet.languages.tags, standard library); a name or a country goes through the `leaflet
pick` matcher, imported only then (the desk's path stays fast).
"""

from __future__ import annotations

from leaflet.i18n import _
from leaflet.languages.tags import LANGUAGE_MAX, TAG, LanguageError, normalise
from leaflet.textsafety import clip


def person_language(raw: str, workspace=None, option: str = "--person-language") -> str:
    """A language the person understands, as the officer typed it: the code as given, or
    the code a language name or country resolves to. `option` names the field in errors.

    Codes take the cheap path (no CLDR search index is loaded); anything else goes through
    the `leaflet pick` matcher (which also knows ISO 639-3 codes such as `tir`). An unknown
    code, or an ambiguous or unknown name, is a UsageError naming `option` and, for names,
    listing the candidates. `leaflet handover` and the station's desk both answer with it.
    """
    from leaflet.errors import UsageError
    from leaflet.textsafety import describe, invisible_chars

    if not isinstance(raw, str):
        # Translators: %(option)s is an option or field name, like --person-language.
        raise UsageError(_("%(option)s: %(value)s is not text")
                         % {"option": option, "value": clip(raw)})
    if len(raw) > LANGUAGE_MAX:
        raise UsageError(_("%(option)s: %(value)s is %(length)s characters long; "
                           "a language name or code has at most %(most)s")
                         % {"option": option, "value": clip(raw), "length": f"{len(raw):,}",
                            "most": LANGUAGE_MAX})
    found = invisible_chars(raw, joiners_in_words=True)
    if found:
        # Translators: %(character)s describes the character, like U+200B ZERO WIDTH SPACE.
        raise UsageError(_("%(option)s: %(value)s holds an invisible character "
                           "(%(character)s)")
                         % {"option": option, "value": clip(raw),
                            "character": describe(found[0])},
                         hint=_("type the language again, on one line"))
    try:
        return normalise(raw)
    except LanguageError as error:
        code_error = error
    from leaflet.languages.pick import LanguageChoiceError, resolve_language

    try:
        return resolve_language(raw, workspace)
    except LanguageChoiceError as error:
        if TAG.match(raw.strip()):  # it looks like a code: say what is wrong with it
            raise UsageError(f"{option}: {code_error}") from None
        # Still a LanguageChoiceError (a UsageError): the desk offers its candidates as
        # choices, and replaces the hint (a command to run) with what to do at a desk.
        raise LanguageChoiceError(f"{option}: {error.message}", error.candidates,
                                  hint=error.hint) from None
