"""The tool's own language: what `leaflet` says to the officer, the inspector, the auditor,
the coordinator and the reviewer, in English (the source), French, Dutch or German.

This is not the leaflet's text: the leaflet's catalogues (the person's 34 languages) live in
the workspace, under translations/. The interface's catalogues ship with the package, in
leaflet/locale/<code>/LC_MESSAGES/leaflet.po, compiled beside it to a .mo file (see
docs/translating.md, "The tool's own language").

Every sentence a user reads is written `_("…")` (or `ngettext` for a count); a sentence kept
in a constant is marked `N_("…")` where it is written and translated with `_()` where it is
shown. Placeholders are `%(name)s`, filled after the lookup: `_("%(n)s records") % {...}`.

Which language: a context variable set by the caller — the station per request (the
account's language, the page's switch, the browser's Accept-Language, the station's
default), `leaflet report --lang` for a report — else the environment, as every gettext
program reads it (LANGUAGE, LC_ALL, LC_MESSAGES, LANG). Standard library only: the
hand-over's path loads one compiled catalogue and nothing else.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
import os
from pathlib import Path

DOMAIN = "leaflet"
LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE = "en"
LANGUAGES = ("en", "fr", "nl", "de")  # the source first; Belgium's three official languages
# The autonym a language switch shows (never translated: a reader finds their own).
AUTONYMS = {"en": "English", "fr": "Français", "nl": "Nederlands", "de": "Deutsch"}
# The Babel locale whose dates and numbers a language's pages use: Belgium's, and British
# English for the source (day before month, as every Belgian reader expects).
FORMAT_LOCALES = {"en": "en_GB", "fr": "fr_BE", "nl": "nl_BE", "de": "de_BE"}
ENVIRONMENT = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
# The templates of the tool's own pages (under templates/): their sentences are the
# interface's, never the leaflet's. The kiosk's screen for the officer holds both: the
# leaflet's `{% trans %}` and the interface's `ui("…")`.
INTERFACE_TEMPLATES = (
    "station/base.html.j2", "station/_desk_nav.html.j2", "station/_language_switch.html.j2",
    "station/login.html.j2", "station/desk-form.html.j2", "station/receipt.html.j2",
    "station/today.html.j2", "station/error.html.j2", "report.html.j2",
    "print-order.html.j2", "proof.html.j2")
MIXED_TEMPLATES = ("station/kiosk-officer.html.j2",)

_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("leaflet_language",
                                                                       default=None)


def supported(value: str | None) -> str | None:
    """The interface language a locale name means (`nl_BE.UTF-8`, `de-BE`, `fr`), or None."""
    if not value:
        return None
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def from_environment(environ=None) -> str:
    """The language gettext would choose from the environment: the first of LANGUAGE,
    LC_ALL, LC_MESSAGES and LANG that is set (LANGUAGE may list several, `nl:fr`), its
    first language the tool speaks; English otherwise (and for the C locale)."""
    environ = os.environ if environ is None else environ
    for variable in ENVIRONMENT:
        value = environ.get(variable)
        if value:
            for item in value.split(":"):
                code = supported(item)
                if code:
                    return code
            if variable != "LANGUAGE":  # as gettext: the first locale variable set decides
                return SOURCE
    return SOURCE


def current() -> str:
    """The language the tool speaks now."""
    return _chosen.get() or from_environment()


@contextlib.contextmanager
def language(code: str | None):
    """Speak `code` inside the block (None: the environment's language)."""
    token = _chosen.set(supported(code) if code else None)
    try:
        yield
    finally:
        _chosen.reset(token)


def choose(code: str | None) -> None:
    """Speak `code` from now on in this context (a station request's thread)."""
    _chosen.set(supported(code) if code else None)


def catalogue_path(code: str, suffix: str = ".mo") -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def translations(code: str) -> _gettext.NullTranslations:
    """The compiled catalogue of `code` (English: the source itself)."""
    if code == SOURCE:
        return _gettext.NullTranslations()
    try:
        with open(catalogue_path(code), "rb") as handle:
            return _gettext.GNUTranslations(handle)
    except OSError:  # a checkout without compiled catalogues: English, never a crash
        return _gettext.NullTranslations()


def _(message: str) -> str:
    """`message` in the current language."""
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of `singular`/`plural` for the count `n`, in the current language."""
    return translations(current()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark `message` for translation where it is written; `_()` translates it where it is
    shown (a constant's text is read in whatever language the reader has then)."""
    return message


# Said on every page and in `leaflet --help` while a language's catalogue is not reviewed.
DRAFT_NOTICE = N_("This translation of the tool is a draft and has not been reviewed yet.")


def is_draft(code: str | None = None) -> bool:
    """Whether the language's interface catalogue is a draft, not yet reviewed (its header
    `X-Review-Status` is not `reviewed`). English, the source, is never a draft."""
    code = code or current()
    if code == SOURCE:
        return False
    info = translations(code).info() if hasattr(translations(code), "info") else {}
    return info.get("x-review-status", "draft").split(";")[0].strip() != "reviewed"


def use_for_click() -> None:
    """Let click's own messages (Usage, Options, "Missing option") speak the environment's
    language: click asks the standard library's gettext, in its default domain."""
    _gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    _gettext.textdomain(DOMAIN)
