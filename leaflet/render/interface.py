"""The tool's own pages (the station's desk, the report, the print order, the proof) in the
reader's language (leaflet.i18n): the gettext their templates call, and dates, numbers and
percentages formatted for that language's Belgian locale with Babel (CLDR).

A template of the tool's own pages writes `{% trans %}…{% endtrans %}` or `_("…")`. A page
that also shows the leaflet's text (the kiosk) has the leaflet's catalogue as `_` and calls
`ui("…")` for the few words meant for the officer.
"""

from __future__ import annotations

import datetime as dt

from markupsafe import Markup

from leaflet import i18n
from leaflet.i18n import _



def format_locale(code: str | None = None) -> str:
    return i18n.FORMAT_LOCALES.get(code or i18n.current(), "en_GB")


def ui(message: str, **values) -> Markup:
    """`message` in the reader's language, its %(name)s placeholders filled with `values`,
    escaped (the message's own markup, checked by the catalogue checks, is kept)."""
    text = Markup(_(message))
    return text % values if values else text


def date_long(value, code: str | None = None) -> str:
    """A day as the reader writes it: 1 December 2026, 1 décembre 2026, 1 december 2026,
    1. Dezember 2026."""
    from babel.dates import format_date

    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, format="long", locale=format_locale(code))


def date_short(value, code: str | None = None) -> str:
    from babel.dates import format_date

    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, format="medium", locale=format_locale(code))


def _moment(value, zone: str | None) -> dt.datetime:
    """An ISO 8601 text with its offset (or an aware datetime), in `zone` when given."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if zone:
        from zoneinfo import ZoneInfo

        value = value.astimezone(ZoneInfo(zone))
    return value


def time_short(value, zone: str | None = None, code: str | None = None) -> str:
    """The time of day of a moment, in `zone`, as the reader writes it: 14:30, 2:30 pm."""
    from babel.dates import format_time

    return format_time(_moment(value, zone), format="short", locale=format_locale(code))


def date_time(value, zone: str | None = None, code: str | None = None) -> str:
    """A moment (ISO 8601 with its offset), in `zone`, as the reader writes it:
    7 December 2026, 14:30 / 7 décembre 2026, 14:30."""
    from babel.dates import format_date, format_time, get_datetime_format

    moment, locale = _moment(value, zone), format_locale(code)
    return (get_datetime_format("medium", locale=locale).replace("'", "")
            .format(format_time(moment, format="short", locale=locale),
                    format_date(moment, format="long", locale=locale)))


def number(value, code: str | None = None) -> str:
    """A count with the reader's grouping: 1,234 / 1 234 / 1.234."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=format_locale(code))


def percent(value: float, code: str | None = None, digits: int = 1) -> str:
    """A share (0.875) as the reader writes it: 87.5%, 87,5 %, 87,5 %."""
    from babel.numbers import format_percent

    pattern = "#,##0." + "0" * digits + "%" if digits else "#,##0%"
    return format_percent(value, format=pattern, locale=format_locale(code))


def language_name(code: str, english: str | None = None, lang: str | None = None) -> str:
    """A language's name in the reader's language (CLDR), its English name otherwise."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(format_locale(lang))
    except (ValueError, UnknownLocaleError):
        name = None
    return name or english or code


def css_string(text) -> Markup:
    """`text` as a CSS string, for `content:` inside a <style> element (where HTML
    escaping does not apply): every character but letters, digits and spaces escaped."""
    out = []
    for ch in str(text):
        out.append(ch if ch.isalnum() and ch.isascii() or ch == " " else f"\\{ord(ch):x} ")
    return Markup('"' + "".join(out) + '"')


def draft_notice() -> str | None:
    """The notice a page in a draft translation of the tool carries, or None."""
    return _(i18n.DRAFT_NOTICE) if i18n.is_draft() else None


def install(env) -> None:
    """The interface's gettext, switch-free helpers and filters in a Jinja environment."""
    env.install_gettext_callables(gettext=lambda message: _(message),
                                  ngettext=lambda s, p, n: i18n.ngettext(s, p, n),
                                  newstyle=True)
    add_helpers(env)


def add_helpers(env) -> None:
    """What every template of the tool's pages may call, in any environment (the kiosk's
    too): ui(), the reader's language, the draft notice, and the locale's formats."""
    env.globals.update(ui=ui, ui_lang=lambda: i18n.current(), draft_notice=draft_notice)
    env.filters.update(date_long=date_long, date_short=date_short, time_short=time_short,
                       date_time=date_time, number=number,
                       percent=percent, language_name=language_name, css_string=css_string)

