"""The station's web application (Flask; `leaflet serve` runs it under waitress).

Two sides, one app:
- the kiosk (`/kiosk/…`, no login, read-only): the person finds their language and reads the
  leaflet in it; it links to no desk page and stores nothing;
- the desk (`/desk/…`, login required): the officer records the hand-over through the same
  core function as `leaflet handover` (leaflet.handover.service.record), and gets a receipt
  with the duties of the circular for this encounter (leaflet.report.checklist).

Security, for pages used at a police station: sessions held in the database
(leaflet.station.accounts: logging out or disabling an account ends them, whatever a copied
cookie says) and named by a cookie signed with the station's key, kept outside the log
(leaflet.station.keys); cookies HttpOnly, SameSite=Strict, and Secure whenever the request
came over HTTPS (a zone's TLS proxy, `--trusted-proxy`); a CSRF token in every form, checked
on every POST before anything else; every form field bounded in size before any work; a
Content-Security-Policy that allows nothing but this origin and no inline script;
X-Frame-Options DENY; static files from a fixed list only, and path parameters checked
against the built languages (anything else is a 404, never a path). A database that is
busy or damaged gives a page that says so (503), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import re
import secrets
from pathlib import Path
from typing import Any

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; media-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
STATIC = {  # name -> (folder under templates/, content type)
    "station.css": ("station", "text/css"),
    "leaflet-screen.css": ("station", "text/css"),
    "kiosk.js": ("station", "text/javascript"),
    "desk.js": ("station", "text/javascript"),
    "leaflet.css": ("", "text/css"),
}
FORM_FIELDS = ("service", "assessment", "residence_status", "person_languages", "leaflet",
               "leaflet_language", "not_given_reason", "not_given_note", "centre_action",
               "centre", "foreigners_dept_informed", "case_ref", "amends")
# The fields the form shows with a message slot of their own; any other field's error (the
# hidden `amends`, the officer, the edition …) is shown at the top of the form.
SHOWN_FIELDS = frozenset(FORM_FIELDS) - {"amends"}
# Each form field's largest accepted value, in characters, checked before any work is done
# (a 32 KB "languages" field must not hold a worker for half a minute).
FIELD_MAX = {"person_languages": 400, "not_given_note": 800, "case_ref": 80, "amends": 64,
             "name": 40, "password": 1024, "csrf": 100, "code": 20}
FIELD_MAX_DEFAULT = 40
MAX_BODY = 16 * 1024
# `?next=` after a login: a desk path, nothing that could leave the site or split a header.
NEXT_PATH = re.compile(r"/desk/[A-Za-z0-9/_.-]{0,80}")


def create_app(workspace, db: str | None, *, testing: bool = False,
               key_file: str | None = None):
    """The WSGI app for `workspace` (leaflet.toml), recording into the log at `db`, its
    sessions signed with the station's key (leaflet.station.keys; `key_file` or the
    default)."""
    import flask
    from flask.sessions import SecureCookieSessionInterface

    from leaflet.render import templates
    from leaflet.station import keys
    from leaflet.station.accounts import SESSION_HOURS, Accounts
    from leaflet.workspace import DEFAULT_TEXT_SIZE
    from leaflet.station.kiosk import CROCKFORD, Kiosk

    accounts = Accounts(db, create=True)
    key = keys.load(key_file)

    class Sessions(SecureCookieSessionInterface):
        """Flask's signed cookie, marked Secure whenever the request came over HTTPS."""

        def get_cookie_secure(self, app):
            return bool(app.config["SESSION_COOKIE_SECURE"] or flask.request.is_secure)

    app = flask.Flask(__name__, static_folder=None, template_folder=None)
    app.session_interface = Sessions()
    app.config.update(
        SECRET_KEY=keys.derived(key, "desk session cookie"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="leaflet_desk",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        MAX_CONTENT_LENGTH=MAX_BODY,
        MAX_FORM_MEMORY_SIZE=MAX_BODY,
        MAX_FORM_PARTS=64,
        TESTING=testing,
    )
    kiosk = Kiosk(workspace, keys.derived(key, "kiosk code"))
    # The station's own pages have no sentence to translate: one environment with null
    # translations serves every thread (the kiosk renders the person's language in its own,
    # under its lock).
    plain = templates.environment(workspace.templates_dir)
    plain.install_null_translations(newstyle=True)
    app.extensions["leaflet"] = {"workspace": workspace, "db": db, "accounts": accounts,
                                 "kiosk": kiosk}

    def page(template: str, status: int = 200, **ctx):
        """A station page; desk pages get the CSRF token (and so a session), kiosk pages
        never: the kiosk sets no cookie."""
        if flask.request.path.startswith("/desk"):
            ctx.setdefault("csrf", csrf_token())
        ctx.setdefault("account", flask.g.get("account"))
        html = plain.get_template(f"station/{template}").render(ctx)
        return flask.Response(html, status=status, mimetype="text/html")

    def csrf_token() -> str:
        token = flask.session.get("csrf")
        if token is None:
            token = flask.session["csrf"] = secrets.token_urlsafe(32)
        return token

    @app.before_request
    def check_csrf():
        if flask.request.method == "POST":
            bounded(flask.request.form)
            sent = flask.request.form.get("csrf", "")
            known = flask.session.get("csrf", "")
            if not known or not hmac.compare_digest(sent.encode(), known.encode()):
                flask.abort(400, "the form has expired or did not come from this station; "
                                 "open the page again")

    def bounded(form) -> None:
        """Every field within its size (FIELD_MAX) before any work: 413 otherwise."""
        for name in form:
            values = form.getlist(name)
            limit = FIELD_MAX.get(name, FIELD_MAX_DEFAULT)
            if len(values) > 1 or any(len(v) > limit for v in values):
                flask.abort(413, f"the field {name[:40]!r} is longer than this form takes "
                                 f"({limit} characters); nothing was recorded")

    @app.after_request
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

    @app.errorhandler(400)
    @app.errorhandler(403)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(413)
    def error_page(error):
        message = error.description if error.code == 400 else error.name
        if error.code == 413:
            message = (error.description if "nothing was recorded" in (error.description or "")
                       else "The form is larger than the station takes; nothing was recorded")
        return page("error.html.j2", status=error.code, code=error.code, message=message)

    @app.errorhandler(Exception)
    def failure_page(error):
        """A busy or damaged database (503), or a bug (500): one sentence, no traceback."""
        import werkzeug.exceptions

        from leaflet.errors import LeafletError

        if isinstance(error, werkzeug.exceptions.HTTPException):
            return error
        if isinstance(error, LeafletError):
            app.logger.warning("desk: %s", error)
            return page("error.html.j2", status=503, code=503,
                        message="The station cannot use its log just now: "
                                + error.message[:300] + (f" ({error.hint})" if error.hint
                                                         else ""))
        app.logger.exception("station: internal error")
        return page("error.html.j2", status=500, code=500,
                    message="Internal error: nothing was recorded by this request; tell "
                            "the station's administrator")

    # --- static files and fonts --------------------------------------------------------------

    @app.get("/static/<name>")
    def static_file(name):
        if name not in STATIC:
            flask.abort(404)
        folder, mimetype = STATIC[name]
        path = Path(workspace.templates_dir) / folder / name
        response = flask.send_file(path, mimetype=mimetype, max_age=3600)
        return response

    @app.get("/kiosk/font/<name>.otf")
    def font(name):
        data = kiosk.font(name)
        if data is None:
            flask.abort(404)
        response = flask.Response(data, mimetype="font/otf")
        response.headers["Cache-Control"] = "public, max-age=86400, immutable"
        return response

    # --- the kiosk ---------------------------------------------------------------------------

    @app.get("/")
    def root():
        return flask.redirect("/kiosk/")

    @app.get("/welcome")
    def welcome():
        """The neutral page the quick exit leads to: nothing on it says what was read."""
        return page("welcome.html.j2")

    @app.get("/kiosk/")
    def kiosk_index():
        query = flask.request.args.get("q", "")[:80].strip()
        if not query:  # the first page, the same for everyone: rendered once per edition
            html = kiosk.cached(("index",), lambda: plain.get_template(
                "station/kiosk-index.html.j2").render(regions=kiosk.regions(), query="",
                                                      results=None, error=None))
            return flask.Response(html, mimetype="text/html")
        results, error = search(query)
        return page("kiosk-index.html.j2", regions=kiosk.regions(), query=query,
                    results=results, error=error)

    def search(query: str):
        from leaflet.errors import LeafletError
        from leaflet.languages.pick import pick
        from leaflet.textsafety import invisible_chars

        if invisible_chars(query, joiners_in_words=True):
            return [], "Type the name again: it holds an invisible character."
        try:
            return pick(query, workspace, limit=6), None
        except LeafletError as error:
            return [], error.message

    @app.get("/kiosk/fonts.css")
    def index_fonts():
        def make():
            rows = kiosk.languages()
            families, text = [], ""
            for row in rows:
                lang = kiosk.script_language(row.code)
                families += [f for f in lang.families if f not in families]
                text += row.autonym + " " + row.english_name + " "
            css = kiosk.font_css("index", families, lambda: text + INDEX_TEXT)
            return css + "".join(lang_rule(kiosk.script_language(row.code)) for row in rows)
        return flask.Response(kiosk.cached(("index.css",), make), mimetype="text/css")

    def lang_rule(lang) -> str:
        return f":lang({lang.code}) {{ font-family: {lang.css_font_stack}; }}\n"

    def built_or_404(code):
        row = kiosk.language(code)
        if row is None:
            flask.abort(404)
        return row

    @app.get("/kiosk/<code>/")
    def kiosk_leaflet(code):
        row = built_or_404(code)
        html = kiosk.page(row.code, {"row": row})
        return flask.Response(html, mimetype="text/html")

    @app.get("/kiosk/<code>/fonts.css")
    def leaflet_fonts(code):
        row = built_or_404(code)
        def make():
            lang = kiosk.script_language(row.code)
            # The page, and the officer screen with every character a code can have (so
            # that tomorrow's code shows too).
            css = kiosk.font_css(row.code, list(lang.families), lambda: (
                kiosk.page(row.code, {"row": row}) + INDEX_TEXT
                + kiosk.officer_screen(row.code, {"row": row, "code": CROCKFORD})))
            css += lang_rule(lang)
            # The language's text size (leaflet.toml), from the screen's 18 px for 12 pt.
            size = workspace.language_settings.get(lang.code, {}).get("text_size",
                                                                      DEFAULT_TEXT_SIZE)
            return css + f"html {{ font-size: {18 * size / 12:.2f}px; }}\n"
        return flask.Response(kiosk.cached(("fonts.css", row.code), make),
                              mimetype="text/css")

    @app.get("/kiosk/<code>/officer")
    def kiosk_officer(code):
        row = built_or_404(code)
        html = kiosk.officer_screen(row.code, {"row": row, "code": kiosk.code(row.code)})
        response = flask.Response(html, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response

    @app.get("/pdf/<code>/<kind>.pdf")
    def pdf(code, kind):
        row = built_or_404(code)
        path = {"leaflet": workspace.root / row.pdf, "card": row.card}.get(kind)
        if path is None or not Path(path).is_file():
            flask.abort(404)
        # The built file, read once per edition (a few tens of KB per language).
        data = kiosk.cached(("pdf", row.code, kind), Path(path).read_bytes)
        response = flask.Response(data, mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{kind}-{row.code}.pdf"'
        response.headers["Cache-Control"] = "public, max-age=600"
        return response

    @app.get("/kiosk/<code>/audio")
    def kiosk_audio(code):
        """The leaflet read aloud, when `leaflet build --site` made it (ranges for seeking)."""
        row = built_or_404(code)
        if not row.audio:
            flask.abort(404)
        mimetype = "audio/mpeg" if row.audio.endswith(".mp3") else "audio/ogg"
        return flask.send_file(row.audio, mimetype=mimetype, conditional=True, max_age=600)

    # --- the desk: logging in ------------------------------------------------------------------

    def login_required(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            account = accounts.session_account(flask.session.get("sid"))
            if account is None:
                flask.session.pop("sid", None)
                target = flask.request.path
                return flask.redirect(flask.url_for(
                    "login", next=target if NEXT_PATH.fullmatch(target) else None))
            flask.g.account = account
            return view(*args, **kwargs)
        return wrapped

    @app.route("/desk/login", methods=["GET", "POST"])
    def login():
        from leaflet.station.accounts import LoginRefused

        error = None
        if flask.request.method == "POST":
            name = flask.request.form.get("name", "").strip()
            password = flask.request.form.get("password", "")
            try:
                account = accounts.authenticate(name, password,
                                                flask.request.remote_addr or "unknown")
            except LoginRefused as refusal:
                error = refusal.message
            else:
                csrf = secrets.token_urlsafe(32)
                session_id = accounts.open_session(account)
                flask.session.clear()  # a new session: no fixation of a pre-login one
                flask.session.permanent = True
                flask.session.update(sid=session_id, csrf=csrf)
                target = flask.request.args.get("next", "")
                if not NEXT_PATH.fullmatch(target) or "//" in target or ".." in target:
                    target = "/desk/"
                return flask.redirect(target)
        return page("login.html.j2", status=401 if error else 200, error=error)

    @app.post("/desk/logout")
    def logout():
        accounts.end_session(flask.session.get("sid"))  # the cookie opens nothing any more
        flask.session.clear()
        return flask.redirect("/desk/login")

    # --- the desk: the hand-over form -----------------------------------------------------------

    @app.get("/desk/")
    @login_required
    def desk_form():
        values: dict[str, Any] = {"service": "police", "centre_action": None}
        notice = None
        code = flask.request.args.get("code", "")[:FIELD_MAX["code"]].strip()
        if code:
            language = kiosk.language_of_code(code)
            if language is None:
                notice = (f"No language has the kiosk code {code[:12]!r} today. Ask the "
                          "person to show the screen again, or choose the language below.")
            else:
                values.update(person_languages=language, leaflet="given",
                              leaflet_language=language)
        return form_page(values, {}, notice=notice, kiosk_code=code)

    def rebuild_notice() -> str | None:
        stale = kiosk.stale()
        if not stale:
            return None
        return ("The leaflet text of " + ", ".join(stale) + " changed since it was built: the "
                "kiosk shows the text that was built and printed until the coordinator "
                "builds it again.")

    def own_record(record_id: str) -> dict:
        """A record of the logged-in account's unit, or a 404 (another unit's records are
        not shown at this desk)."""
        from leaflet.errors import LeafletError
        from leaflet.handover import service

        try:
            record = service.show(db, record_id)
        except LeafletError:
            flask.abort(404)
        if record["unit"] != flask.g.account.unit:
            flask.abort(404)
        return record

    @app.get("/desk/correct/<record_id>")
    @login_required
    def correct(record_id):
        record = own_record(record_id)
        values = {f: record.get(f) for f in FORM_FIELDS}
        values["person_languages"] = ", ".join(record.get("person_languages") or [])
        values["foreigners_dept_informed"] = {True: "yes", False: "no"}.get(
            record.get("foreigners_dept_informed"))
        values["amends"] = record["id"]
        return form_page(values, {}, notice=f"Correction of record {record['id']}: the "
                         "record stays in the log; this one names it and replaces it in "
                         "reports.")

    def form_page(values, errors, status=200, notice=None, kiosk_code=""):
        from leaflet.duties import choices

        shown = {field: message for field, message in errors.items() if field in SHOWN_FIELDS
                 or field == "form"}
        hidden = [message for field, message in errors.items() if field not in shown]
        if hidden:  # an error of a field the form has no slot for is said at its top
            shown["form"] = " ".join([shown.get("form", "")] + hidden).strip()
        return page("desk-form.html.j2", status=status, values=values, errors=shown,
                    notice=notice, kiosk_code=kiosk_code, choices=choices,
                    languages=kiosk.languages(), edition=workspace.edition_id,
                    rebuild=rebuild_notice())

    @app.post("/desk/")
    @login_required
    def record():
        from leaflet.errors import UsageError
        from leaflet.handover import service
        from leaflet.duties.record import RecordError
        from leaflet.duties.record import questions
        from leaflet.languages.person import person_language

        form = flask.request.form
        values = answers(form)
        # A correction: of this unit's record only, and of the edition it handed over; it
        # names the record by its whole id, however it was given.
        corrected = own_record(values["amends"]) if values.get("amends") else {}
        if corrected:
            values["amends"] = corrected["id"]
        errors: dict[str, str] = {}
        raw_languages = values.get("person_languages") or ""
        codes = []
        for part in [p.strip() for p in raw_languages.split(",") if p.strip()]:
            try:
                codes.append(person_language(part, workspace, "Languages the person reads"))
            except UsageError as error:
                errors["person_languages"] = str(error)
                break
        values["person_languages"] = codes or None
        applicable(values)
        account = flask.g.account
        values.update(unit=account.unit, officer=account.name)
        if values.get("leaflet") == "given":
            values["leaflet_edition"] = corrected.get("leaflet_edition") or workspace.edition_id
        if not errors:
            for field in questions(values):
                errors[field] = "Answer this question."
        if not errors:
            try:
                record_id = service.record(db, values, case_ref_pattern=
                                           workspace.case_ref_pattern, workspace=workspace)
            except RecordError as error:
                errors[error.field if error.field in FORM_FIELDS else "form"] = (
                    error.message + (f" ({error.hint})" if error.hint else ""))
            except UsageError as error:
                errors["form"] = str(error)
            else:
                return flask.redirect(flask.url_for("receipt", record_id=record_id), 303)
        values["person_languages"] = raw_languages
        return form_page(values, errors, status=422)

    def answers(form) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for field in FORM_FIELDS:
            raw = form.get(field, "")
            values[field] = raw.strip() if raw.strip() else None
        informed = values.get("foreigners_dept_informed")
        values["foreigners_dept_informed"] = {"yes": True, "no": False}.get(informed)
        return values

    def applicable(values: dict[str, Any]) -> None:
        """Drop the answers to questions that do not apply (a hidden field keeps its value).
        A question applies when the hand-over's own rule (model.questions) would ask it."""
        from leaflet.duties.record import questions

        for field in ("leaflet_language", "not_given_reason", "centre",
                      "foreigners_dept_informed"):
            if field not in questions({**values, field: None}):
                values[field] = None
        if values.get("leaflet") == "given":
            values["not_given_note"] = None

    # --- the desk: receipt and the day's list ----------------------------------------------------

    @app.get("/desk/receipt/<record_id>")
    @login_required
    def receipt(record_id):
        from leaflet.report.checklist import checklist

        record = own_record(record_id)
        duties = checklist(record, workspace)
        row = kiosk.language(record.get("leaflet_language") or "")
        return page("receipt.html.j2", record=record, duties=duties, row=row,
                    stock=stock_warning(record))

    def stock_warning(record) -> str | None:
        from leaflet.errors import LeafletError
        from leaflet.stock import service as stock

        language = record.get("leaflet_language")
        if record.get("leaflet") != "given" or not language:
            return None
        try:
            rows = stock.status(db, workspace, unit=record["unit"])["rows"]
        except LeafletError as error:
            return f"Stock unknown: {error.message}"
        mine = [r for r in rows if r["language"] == language
                and r["edition"] == workspace.edition_id]
        if not mine:
            return (f"No stock of the {language} leaflet (edition {workspace.edition_id}) is "
                    f"recorded for unit {record['unit']}: record what you receive with "
                    "`leaflet stock receive`.")
        row = mine[0]
        if row.get("negative"):
            missing = -row["on_hand"]
            return (f"Stock of the {language} leaflet is negative for unit {record['unit']}: "
                    f"{missing} {'copy' if missing == 1 else 'copies'} more handed over than "
                    "recorded as received. Record the copies received with "
                    "`leaflet stock receive`.")
        if row.get("reorder"):
            return (f"Stock of the {language} leaflet is low for unit {record['unit']} "
                    f"({row['on_hand']} {'copy' if row['on_hand'] == 1 else 'copies'} "
                    "left): reorder.")
        return None

    @app.get("/desk/today")
    @login_required
    def today():
        from leaflet.errors import LeafletError
        from leaflet.handover import service

        day = kiosk.today().isoformat()
        next_day = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
        where = service.period(day, next_day, workspace.timezone, flask.g.account.unit)
        try:
            rows = list(service.records(db, where))
        except LeafletError:
            rows = []
        return page("today.html.j2", rows=rows, day=day)

    return app


INDEX_TEXT = ("Choose your language Choisissez votre langue Kies uw taal Wählen Sie Ihre "
              "Sprache Search a language, a country or a code 0123456789")


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

    _raise_file_limit(CONNECTION_LIMIT + 64)
    proxy = {}
    if trusted_proxy:
        proxy = {"trusted_proxy": trusted_proxy, "trusted_proxy_count": 1,
                 "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"}}
    waitress.serve(app, host=host, port=port, threads=threads, ident="leaflet",
                   clear_untrusted_proxy_headers=True, connection_limit=CONNECTION_LIMIT,
                   channel_timeout=CHANNEL_TIMEOUT_S, cleanup_interval=10,
                   asyncore_use_poll=True, max_request_body_size=MAX_BODY,
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
