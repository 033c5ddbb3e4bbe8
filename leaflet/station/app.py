"""The station's web application (Flask; `leaflet serve` runs it under waitress).

Two sides, one app, each a blueprint of importable views:
- the kiosk (leaflet.station.kiosk_views: `/kiosk/…`, no login, read-only): the person finds
  their language and reads the leaflet as the build passed it; it links to no desk page and
  stores nothing;
- the desk (leaflet.station.desk_views: `/desk/…`, login required): the officer records the
  hand-over and gets the duty receipt.

`create_app` configures Flask, the accounts and the station's key, installs the guards
(leaflet.station.security: headers, CSRF, bounded fields, sessions held in the database) and
the error pages (leaflet.station.pages), and registers the two blueprints.
"""

from __future__ import annotations

import datetime as dt


def create_app(workspace, db: str | None, *, testing: bool = False,
               key_file: str | None = None):
    """The WSGI app for `workspace` (leaflet.toml), recording into the log at `db`, its
    sessions signed with the station's key (leaflet.station.keys; `key_file` or the
    default)."""
    import flask

    from leaflet.render import templates
    from leaflet.render import interface
    from leaflet.station import desk_views, keys, kiosk_views, language, pages, security
    from leaflet.station.accounts import SESSION_HOURS, Accounts
    from leaflet.station.kiosk import Kiosk

    accounts = Accounts(db, create=True)
    key = keys.load(key_file)
    app = flask.Flask(__name__, static_folder=None, template_folder=None)
    app.config.update(
        SECRET_KEY=keys.derived(key, "desk session cookie"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="leaflet_desk",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        MAX_CONTENT_LENGTH=security.MAX_BODY,
        MAX_FORM_MEMORY_SIZE=security.MAX_BODY,
        MAX_FORM_PARTS=64,
        TESTING=testing,
    )
    # The station's own pages speak the officer's language (leaflet.station.language): one
    # environment serves every thread, its gettext reading the request's language. The kiosk
    # renders the person's language, from the leaflet's catalogues, in an environment of
    # its own, under its lock.
    env = templates.environment(workspace.templates_dir)
    interface.install(env)
    app.extensions["leaflet"] = {
        "workspace": workspace, "db": db, "accounts": accounts, "env": env,
        "kiosk": Kiosk(workspace, keys.derived(key, "kiosk code"))}
    language.install(app)  # first: the guards' own refusals speak the officer's language
    security.install(app)
    pages.install(app)
    app.register_blueprint(kiosk_views.bp)
    app.register_blueprint(desk_views.bp)
    return app


# Waitress' limits for a station: idle connections are many and cheap (poll, not select),
# a client that sends nothing for CHANNEL_TIMEOUT_S is dropped, and a body larger than a
# desk form is refused before it is read. Limits per client belong to the zone's reverse
# proxy (docs/deployment.md).
CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_S = 30


def serve(app, host: str, port: int, *, threads: int = 8,
          trusted_proxy: str | None = None) -> None:
    """Serve `app` with waitress until interrupted. Behind a zone's TLS proxy at
    `trusted_proxy`, its X-Forwarded-For and X-Forwarded-Proto are believed (the client's
    address for the login throttle, HTTPS for the Secure cookie), no other's."""
    import waitress

    from leaflet.station import security

    _raise_file_limit(CONNECTION_LIMIT + 64)
    proxy = {}
    if trusted_proxy:
        proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}}
    waitress.serve(app, host=host, port=port, threads=threads, ident="leaflet",
                   clear_untrusted_proxy_headers=True, connection_limit=CONNECTION_LIMIT,
                   channel_timeout=CHANNEL_TIMEOUT_S, cleanup_interval=10,
                   asyncore_use_poll=True, max_request_body_size=security.MAX_BODY,
                   max_request_header_size=64 * 1024, **proxy)


def _raise_file_limit(wanted: int) -> None:
    """Let the process hold `wanted` sockets (the soft limit up to the hard one)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ImportError, ValueError, OSError):
        pass
