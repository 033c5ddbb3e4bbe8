"""Which language the station speaks to the officer (leaflet.i18n), per request:

1. the switch every desk page offers (`?lang=nl`), kept in the desk session;
2. the account's own language (`leaflet serve user add NAME --unit U --lang nl`);
3. the browser's Accept-Language, negotiated with Babel among en, fr, nl and de (nl-BE → nl);
4. the station's default: `[station] language` in leaflet.toml;
5. English, the source.

The kiosk sets no cookie: its box for the officer follows 3 and 4. What the person reads at
the kiosk is the leaflet's text, in the person's language, from the leaflet's catalogues.
"""

from __future__ import annotations

import flask

from leaflet import i18n

PARAMETER = "lang"
SESSION_KEY = "lang"


def from_browser(request) -> str | None:
    """The interface language the browser asks for most (Accept-Language), if any."""
    from babel import negotiate_locale

    asked = [value for value, _quality in request.accept_languages]
    if not asked:
        return None
    return negotiate_locale(asked, list(i18n.LANGUAGES), sep="-") or negotiate_locale(
        [value.replace("-", "_") for value in asked], list(i18n.LANGUAGES))


def station_default() -> str | None:
    workspace = flask.current_app.extensions["leaflet"]["workspace"]
    return getattr(workspace, "station_language", None)


def before_request() -> None:
    """Step 1, 3, 4 and 5 (the account, step 2, is known once login_required has run)."""
    request = flask.request
    desk = request.path.startswith("/desk")
    switched = i18n.supported(request.args.get(PARAMETER, "")[:8]) if desk else None
    if switched:
        flask.session[SESSION_KEY] = switched
    chosen = flask.session.get(SESSION_KEY) if desk else None
    flask.g.ui_switched = bool(chosen)
    i18n.choose(chosen or from_browser(request) or station_default() or i18n.SOURCE)


def for_account(account) -> None:
    """Step 2: the logged-in account's language, unless this session switched."""
    if getattr(account, "lang", None) and not flask.g.get("ui_switched"):
        i18n.choose(account.lang)


def teardown(_error=None) -> None:
    i18n.choose(None)  # the thread serves the next request in whatever language it asks


def switch_links() -> list[dict]:
    """The switch on a desk page: each language, by its own name, linking to this page."""
    from urllib.parse import urlencode

    args = {k: v for k, v in flask.request.args.items() if k != PARAMETER}
    current = i18n.current()
    return [{"code": code, "name": i18n.AUTONYMS[code], "current": code == current,
             "href": flask.request.path + "?" + urlencode({**args, PARAMETER: code})}
            for code in i18n.LANGUAGES]


def install(app) -> None:
    app.before_request(before_request)
    app.teardown_request(teardown)
