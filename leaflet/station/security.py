"""The station's guards: headers on every answer, the CSRF token of every form, every form
field bounded before any work, sessions held in the database, and `login_required`.

- Content-Security-Policy that allows nothing but this origin and no inline script;
  X-Frame-Options DENY; nosniff; no referrer; desk pages never cached;
  Strict-Transport-Security over HTTPS.
- A CSRF token in every form, checked on every POST before anything else (400).
- Each form field within FIELD_MAX characters, one value each (413, nothing recorded).
- A desk session is a row of `station_session` (leaflet.station.accounts), named by a cookie
  signed with the station's key (leaflet.station.keys): logging out or disabling the account
  ends it, whatever a copied cookie says. The cookie is HttpOnly, SameSite=Strict, and Secure
  whenever the request came over HTTPS (a zone's TLS proxy, `--trusted-proxy`).
"""

from __future__ import annotations

import functools
import hmac
import re
import secrets

import flask
from flask.sessions import SecureCookieSessionInterface

from leaflet.i18n import _

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; media-src 'self'; connect-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
# Each form field's largest accepted value, in characters, checked before any work is done
# (a 32 KB "languages" field must not hold a worker for half a minute).
FIELD_MAX = {"person_languages": 400, "not_given_note": 800, "case_ref": 80, "amends": 64,
             "name": 40, "password": 1024, "csrf": 100, "code": 20}
FIELD_MAX_DEFAULT = 40
MAX_BODY = 16 * 1024
# `?next=` after a login: a desk path, nothing that could leave the site or split a header.
NEXT_PATH = re.compile(r"/desk/[A-Za-z0-9/_.-]{0,80}")


class Sessions(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app):
        return bool(app.config["SESSION_COOKIE_SECURE"] or flask.request.is_secure)


def csrf_token() -> str:
    token = flask.session.get("csrf")
    if token is None:
        token = flask.session["csrf"] = secrets.token_urlsafe(32)
    return token


def bounded(form) -> None:
    """Every field within its size (FIELD_MAX) before any work: 413 otherwise."""
    for name in form:
        values = form.getlist(name)
        limit = FIELD_MAX.get(name, FIELD_MAX_DEFAULT)
        if len(values) > 1 or any(len(v) > limit for v in values):
            refuse(413, _("the field %(field)s is longer than this form takes (%(limit)s "
                          "characters); nothing was recorded")
                   % {"field": repr(name[:40]), "limit": limit})


def refuse(code: int, message: str):
    """Abort with `code` and the station's own sentence (the error page shows it)."""
    import werkzeug.exceptions

    error = werkzeug.exceptions.default_exceptions[code](message)
    error.leaflet_own = True
    raise error


def check_post() -> None:
    """Before every POST: its fields bounded, then its CSRF token."""
    if flask.request.method == "POST":
        bounded(flask.request.form)
        sent = flask.request.form.get("csrf", "")
        known = flask.session.get("csrf", "")
        if not known or not hmac.compare_digest(sent.encode(), known.encode()):
            refuse(400, _("the form has expired or did not come from this station; open "
                          "the page again"))


def headers(response):
    response.headers["Content-Security-Policy"] = CSP
    if flask.request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    if flask.request.path.startswith("/desk"):
        response.headers["Cache-Control"] = "no-store"
    return response


def login_required(view):
    """The view runs for the account of an open session (flask.g.account); anyone else goes
    to the login page, which brings them back here."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        accounts = flask.current_app.extensions["leaflet"]["accounts"]
        account = accounts.session_account(flask.session.get("sid"))
        if account is None:
            flask.session.pop("sid", None)
            target = flask.request.path
            return flask.redirect(flask.url_for(
                "desk.login", next=target if NEXT_PATH.fullmatch(target) else None))
        flask.g.account = account
        from leaflet.station import language

        language.for_account(account)
        return view(*args, **kwargs)
    return wrapped


def safe_next(target: str) -> str:
    """Where a login leads: `next` when it is a desk path, else the desk's form."""
    if not NEXT_PATH.fullmatch(target) or "//" in target or ".." in target:
        return "/desk/"
    return target


def install(app) -> None:
    app.session_interface = Sessions()
    app.before_request(check_post)
    app.after_request(headers)
