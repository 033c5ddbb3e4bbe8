"""How the station answers: its pages rendered through the project's one Jinja environment,
and the error pages (never a traceback).

The state every view reads (the workspace, the log's database, the accounts, the kiosk, the
station's template environment) is held by the app (`app.extensions["leaflet"]`) and read
with `station()`.
"""

from __future__ import annotations

import flask

from leaflet.station.security import csrf_token


def station() -> dict:
    """The app's state: workspace, db, accounts, kiosk, env (leaflet.station.app)."""
    return flask.current_app.extensions["leaflet"]


def page(template: str, status: int = 200, **ctx):
    """A station page; desk pages get the CSRF token (and so a session), kiosk pages never:
    the kiosk sets no cookie."""
    if flask.request.path.startswith("/desk"):
        ctx.setdefault("csrf", csrf_token())
    ctx.setdefault("account", flask.g.get("account"))
    html = station()["env"].get_template(f"station/{template}").render(ctx)
    return flask.Response(html, status=status, mimetype="text/html")


def error_page(error):
    """400, 403, 404, 405, 413: one sentence."""
    message = error.description if error.code == 400 else error.name
    if error.code == 413:
        message = (error.description if "nothing was recorded" in (error.description or "")
                   else "The form is larger than the station takes; nothing was recorded")
    return page("error.html.j2", status=error.code, code=error.code, message=message)


def failure_page(error):
    """A busy or damaged database (503), or a bug (500): one sentence, no traceback."""
    import werkzeug.exceptions

    from leaflet.errors import LeafletError

    if isinstance(error, werkzeug.exceptions.HTTPException):
        return error
    app = flask.current_app
    if isinstance(error, LeafletError):
        app.logger.warning("desk: %s", error)
        return page("error.html.j2", status=503, code=503,
                    message="The station cannot use its log just now: "
                            + error.message[:300] + (f" ({error.hint})" if error.hint else ""))
    app.logger.exception("station: internal error")
    return page("error.html.j2", status=500, code=500,
                message="Internal error: nothing was recorded by this request; tell the "
                        "station's administrator")


def install(app) -> None:
    for code in (400, 403, 404, 405, 413):
        app.register_error_handler(code, error_page)
    app.register_error_handler(Exception, failure_page)
