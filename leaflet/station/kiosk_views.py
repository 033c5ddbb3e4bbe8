"""The kiosk (no login, read-only): the person finds their language and reads the leaflet in
it, as the build passed it (leaflet.station.kiosk); it links to no desk page, sets no cookie
and stores nothing. Static files come from a fixed list, and a language in a path is looked
up among the built languages: anything else is a 404, never a path on disk."""

from __future__ import annotations

from pathlib import Path

import flask

from leaflet.station.pages import page, station

bp = flask.Blueprint("kiosk", __name__)

STATIC = {  # name -> (folder under templates/, content type)
    "station.css": ("station", "text/css"),
    "leaflet-screen.css": ("station", "text/css"),
    "kiosk.js": ("station", "text/javascript"),
    "quick-exit.js": ("station", "text/javascript"),
    "desk.js": ("station", "text/javascript"),
    "leaflet.css": ("", "text/css"),
}
QUERY_MAX = 80


def _kiosk():
    return station()["kiosk"]


def lang_rule(lang) -> str:
    return f":lang({lang.code}) {{ font-family: {lang.css_font_stack}; }}\n"


def built_or_404(code):
    row = _kiosk().language(code)
    if row is None:
        flask.abort(404)
    return row


@bp.get("/static/<name>")
def static_file(name):
    if name not in STATIC:
        flask.abort(404)
    folder, mimetype = STATIC[name]
    path = Path(station()["workspace"].templates_dir) / folder / name
    return flask.send_file(path, mimetype=mimetype, max_age=3600)


@bp.get("/kiosk/font/<name>.otf")
def font(name):
    data = _kiosk().font(name)
    if data is None:
        flask.abort(404)
    response = flask.Response(data, mimetype="font/otf")
    response.headers["Cache-Control"] = "public, max-age=86400, immutable"
    return response


@bp.get("/")
def root():
    return flask.redirect("/kiosk/")


@bp.get("/welcome")
def welcome():
    """The neutral page the quick exit leads to: nothing on it says what was read."""
    return page("welcome.html.j2", greet=greet)


def greet(message: str, **values):
    """The leaflet's sentence `message` in the greeting languages (Kiosk.greetings)."""
    return _kiosk().greetings(message, **values)


def index_page() -> str:
    """The first page, the same for everyone: rendered once per edition."""
    kiosk = _kiosk()
    return kiosk.cached(("index",), lambda: station()["env"].get_template(
        "station/kiosk-index.html.j2").render(regions=kiosk.regions(), query="", results=None,
                                              error=None, greet=greet, **kiosk.bar()))


@bp.get("/kiosk/")
def index():
    kiosk = _kiosk()
    query = flask.request.args.get("q", "")[:QUERY_MAX].strip()
    if not query:
        return flask.Response(index_page(), mimetype="text/html")
    results, error = search(query)
    return page("kiosk-index.html.j2", regions=kiosk.regions(), query=query, results=results,
                error=error, greet=greet, **kiosk.bar())


def search(query: str):
    """Rows of `leaflet pick` for what the person typed, or what to tell them (a sentence of
    the leaflet's catalogues: the person reads it)."""
    from leaflet.errors import LeafletError
    from leaflet.languages.pick import pick
    from leaflet.textsafety import invisible_chars

    if invisible_chars(query, joiners_in_words=True):
        return [], "invisible"  # the page says: type the name again
    try:
        return pick(query, station()["workspace"], limit=6), None
    except LeafletError:
        return [], "no match"


def index_words() -> str:
    """The kiosk's own words on its first page and the quick exit's, whatever the search
    says (the fonts cover them in every script): every sentence of the greeting languages'
    catalogues, with every digit."""
    return index_page() + _kiosk().greeting_text() + "0123456789"


@bp.get("/kiosk/fonts.css")
def index_fonts():
    kiosk = _kiosk()

    def make():
        rows = kiosk.languages()
        families, text = [], ""
        for row in rows:
            lang = kiosk.script_language(row.code)
            families += [f for f in lang.families if f not in families]
            text += row.autonym + " " + row.english_name + " "
        css = kiosk.font_css("index", families, lambda: text + index_words())
        return css + "".join(lang_rule(kiosk.script_language(row.code)) for row in rows)
    return flask.Response(kiosk.cached(("index.css",), make), mimetype="text/css")


@bp.get("/kiosk/<code>/")
def leaflet(code):
    row = built_or_404(code)
    return flask.Response(_kiosk().page(row.code, {"row": row}), mimetype="text/html")


@bp.get("/kiosk/<code>/fonts.css")
def leaflet_fonts(code):
    from leaflet.workspace import DEFAULT_TEXT_SIZE

    kiosk, workspace = _kiosk(), station()["workspace"]
    row = built_or_404(code)

    def make():
        lang = kiosk.script_language(row.code)
        # The page, and the officer screen with every character a code can have (so that
        # tomorrow's code shows too), its box for the officer in each language of the desk.
        css = kiosk.font_css(row.code, list(lang.families), lambda: (
            kiosk.page(row.code, {"row": row}) + index_words() + officer_screens(row)))
        css += lang_rule(lang)
        # The language's text size (leaflet.toml), from the screen's 18 px for 12 pt.
        entry = kiosk.manifest_entry(row.code)
        size = entry.get("text_size") or workspace.language_settings.get(lang.code, {}).get(
            "text_size", DEFAULT_TEXT_SIZE)
        return css + f"html {{ font-size: {18 * size / 12:.2f}px; }}\n"
    return flask.Response(kiosk.cached(("fonts.css", row.code), make), mimetype="text/css")


def officer_screens(row) -> str:
    from leaflet import i18n
    from leaflet.station.kiosk import CROCKFORD

    screens = ""
    for code in i18n.LANGUAGES:
        with i18n.language(code):
            screens += _kiosk().officer_screen(row.code, {"row": row, "code": CROCKFORD})
    return screens


@bp.get("/kiosk/<code>/officer")
def officer(code):
    kiosk = _kiosk()
    row = built_or_404(code)
    html = kiosk.officer_screen(row.code, {"row": row, "code": kiosk.code(row.code)})
    response = flask.Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/pdf/<code>/<kind>.pdf")
def pdf(code, kind):
    kiosk, workspace = _kiosk(), station()["workspace"]
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


@bp.get("/kiosk/<code>/audio")
def audio(code):
    """The leaflet read aloud, when `leaflet build --site` made it (ranges for seeking)."""
    row = built_or_404(code)
    if not row.audio:
        flask.abort(404)
    mimetype = "audio/mpeg" if row.audio.endswith(".mp3") else "audio/ogg"
    return flask.send_file(row.audio, mimetype=mimetype, conditional=True, max_age=600)
