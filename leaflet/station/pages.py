"""How the station answers: its pages rendered through the project's one Jinja environment,
and the error pages (never a traceback).

The state every view reads (the workspace, the log's database, the accounts, the kiosk, the
station's template environment) is held by the app (`app.extensions["leaflet"]`) and read
with `station()`.
"""

from __future__ import annotations

import flask

from leaflet.i18n import _
from leaflet.station.security import csrf_token


def station() -> dict:
    """The app's state: workspace, db, accounts, kiosk, env (leaflet.station.app)."""
    return flask.current_app.extensions["leaflet"]


def page(template: str, status: int = 200, **ctx):
    """A station page; desk pages get the CSRF token (and so a session), kiosk pages never:
    the kiosk sets no cookie."""
    if flask.request.path.startswith("/desk"):
        from leaflet.station import language

        ctx.setdefault("csrf", csrf_token())
        ctx.setdefault("switch", language.switch_links())
    ctx.setdefault("account", flask.g.get("account"))
    html = station()["env"].get_template(f"station/{template}").render(ctx)
    return flask.Response(html, status=status, mimetype="text/html")


def error_page(error):
    """400, 403, 404, 405, 413: one sentence."""
    names = {400: _("Bad request"), 403: _("Forbidden"), 404: _("Not found"),
             405: _("Method not allowed"), 413: _("Too large")}
    message = error.description if error.code == 400 else names[error.code]
    if error.code == 413:
        # security.bounded's own description names the field; werkzeug's says nothing
        message = (error.description if getattr(error, "leaflet_own", False)
                   else _("The form is larger than the station takes; nothing was recorded"))
    elif error.code == 400 and not getattr(error, "leaflet_own", False):
        message = _("Bad request")
    return page("error.html.j2", status=error.code, code=error.code, message=message)


def failure_page(error):
    """A busy or damaged database (503), or a bug (500): one sentence, no traceback."""
    import werkzeug.exceptions

    from leaflet.errors import LeafletError

    if isinstance(error, werkzeug.exceptions.HTTPException):
        return error
    app = flask.current_app
    if isinstance(error, LeafletError):
        app.logger.warning("%s", error)  # the station's log, for its administrator
        # The hint is the CLI's when it names a command: a desk has no shell.
        from leaflet.station.forms import has_command_line

        hint = error.hint if error.hint and not has_command_line(error.hint) else None
        reason = error.message[:300] + (f" ({hint})" if hint else "")
        return page("error.html.j2", status=503, code=503,
                    message=_("The station cannot use its log just now: %(reason)s")
                    % {"reason": reason})
    app.logger.exception("station: internal error")
    return page("error.html.j2", status=500, code=500,
                message=_("Internal error: nothing was recorded by this request; tell the "
                          "station's administrator"))


def install(app) -> None:
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, error_page)
    app.register_error_handler(Exception, failure_page)
