"""The kiosk, through Flask's test client: every route, the leaflet as a web page in the
person's language, the code for the officer, and what the kiosk must never do."""

from __future__ import annotations

import re
import tomllib

import polib
import pytest

from conftest import ROOT

HEADLINE = "You may be a victim of human trafficking. You are not alone."


def translated(ws, locale: str, msgid: str) -> str:
    po = polib.pofile(str(ws / "translations" / locale / "LC_MESSAGES" / "leaflet.po"))
    return po.find(msgid).msgstr


def phones():
    data = tomllib.loads((ROOT / "leaflet.toml").read_text(encoding="utf-8"))
    return {org: spec["phone"]["value"] for org, spec in data["organisations"].items()
            if "phone" in spec}


KIOSK_PAGES = ["/kiosk/", "/kiosk/?q=Eritrea", "/kiosk/?q=tigrinia", "/kiosk/ti/",
               "/kiosk/ar/", "/kiosk/en/", "/kiosk/ti/officer", "/welcome"]


@pytest.mark.parametrize("path", KIOSK_PAGES + ["/kiosk/fonts.css", "/kiosk/ti/fonts.css",
                                                "/static/station.css", "/static/kiosk.js",
                                                "/static/quick-exit.js",
                                                "/static/leaflet.css", "/pdf/ti/leaflet.pdf",
                                                "/pdf/ti/card.pdf"])
def test_every_kiosk_route_answers(sqlite_station, path):
    app, _ = sqlite_station
    response = app.test_client().get(path)
    assert response.status_code == 200, (path, response.status_code)
    assert response.headers["X-Frame-Options"] == "DENY"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "http" not in csp  # no third-party origin


def test_root_leads_to_the_kiosk(sqlite_station):
    app, _ = sqlite_station
    response = app.test_client().get("/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/kiosk/")


@pytest.mark.parametrize("path", KIOSK_PAGES)
def test_kiosk_pages_have_no_inline_script_or_style_and_no_desk_link(sqlite_station, path):
    app, _ = sqlite_station
    html = app.test_client().get(path).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html and not re.search(r"\sstyle=", html), "inline style"
    assert not re.search(r"""(href|action|src)=["']?[^"'>]*/desk""", html), "a desk link"
    # The one address outside the station is the quick exit's neutral page ([site]
    # quick_exit_url): a link the person follows, nothing the page loads.
    exits = re.findall(r'<a class="quick-exit" href="([^"]*)" data-quick-exit>', html)
    assert exits == ([] if path == "/welcome" else ["https://www.google.com/"]), exits
    rest = re.sub(r'<a class="quick-exit" href="[^"]*" data-quick-exit>', "", html)
    assert not re.search(r"""(href|src)=["']?(https?:)?//""", rest), "an outside asset"


def test_the_language_page_shows_each_built_language_as_its_autonym_by_region(sqlite_station):
    app, _ = sqlite_station
    html = app.test_client().get("/kiosk/").get_data(as_text=True)
    assert '<span class="autonym" lang="ti" dir="ltr">ትግርኛ</span>' in html
    assert '<span class="autonym" lang="ar" dir="rtl">العربية</span>' in html
    assert html.index(">Europe<") < html.index("English") < html.index(">Africa<") \
        < html.index("ትግርኛ")


def test_the_leaflet_page_is_the_leaflet_in_the_persons_language(sqlite_station, station_ws):
    app, _ = sqlite_station
    html = app.test_client().get("/kiosk/ti/").get_data(as_text=True)
    assert '<html lang="ti" dir="ltr">' in html
    assert translated(station_ws, "ti", HEADLINE) in html
    numbers = phones()
    for org in ("helpline", "emergency", "guardianship", "pag-asa", "payoke", "surya"):
        assert numbers[org].replace(" ", "\u00a0") in html, org
    assert translated(station_ws, "ti", "Quick exit") in html
    arabic = app.test_client().get("/kiosk/ar/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in arabic
    assert translated(station_ws, "ar", HEADLINE) in arabic
    assert '<bdi dir="ltr" class="tel">' + numbers["helpline"].replace(" ", "\u00a0") in arabic


def test_the_kiosk_shows_the_easy_read_page_first_and_plays_the_audio(sqlite_station,
                                                                     station_ws):
    app, _ = sqlite_station
    client = app.test_client()
    html = client.get("/kiosk/ar/").get_data(as_text=True)
    easy = html.index('id="easy-read"')
    assert easy < html.index('class="headline"') and easy < html.index('id="listen-title"')
    assert translated(station_ws, "ar", "The centres' help is free.") in html
    assert html.count('role="img" class="pictogram"><title>') == 4
    assert '<audio controls preload="none" src="/kiosk/ar/audio">' in html
    assert translated(station_ws, "ar", "Synthetic voice") in html
    whole = client.get("/kiosk/ar/audio")
    assert whole.status_code == 200 and whole.mimetype == "audio/ogg"
    assert whole.data[:4] == b"OggS" and b"OpusHead" in whole.data[:64]
    part = client.get("/kiosk/ar/audio", headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and len(part.data) == 100
    assert "media-src 'self'" in whole.headers["Content-Security-Policy"]
    # Tigrinya has no voice: no player, and no audio to fetch.
    assert "<audio" not in client.get("/kiosk/ti/").get_data(as_text=True)
    assert client.get("/kiosk/ti/audio").status_code == 404


def test_the_page_serves_the_fonts_of_its_script_from_the_station(sqlite_station):
    """A station PC without Noto Sans Ethiopic still shows Tigrinya: the font comes from
    the station, cut to the page's characters."""
    from fontTools.ttLib import TTFont
    import io

    app, _ = sqlite_station
    client = app.test_client()
    css = client.get("/kiosk/ti/fonts.css").get_data(as_text=True)
    assert ':lang(ti) { font-family: "Noto Sans Ethiopic"' in css
    urls = re.findall(r'font-family: "Noto Sans Ethiopic"; font-weight: \w+; '
                      r'font-display: block; src: url\("(/kiosk/font/\w+\.otf)"\)', css)
    assert urls
    response = client.get(urls[0])
    assert response.status_code == 200 and response.mimetype == "font/otf"
    font = TTFont(io.BytesIO(response.data))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "ትግርኛ")
    assert len(cmap) < 400  # a subset, not the whole face
    assert client.get("/kiosk/font/" + "0" * 32 + ".otf").status_code == 404


def test_search_proposes_what_speakers_of_a_language_without_leaflet_read(sqlite_station):
    app, _ = sqlite_station
    html = app.test_client().get("/kiosk/?q=Tigre").get_data(as_text=True)
    assert "no leaflet in this language" in html
    assert 'href="/kiosk/ti/"' in html  # Tigre speakers (Eritrea) read Tigrinya


def test_the_code_for_the_officer_names_the_language_and_stores_nothing(sqlite_station):
    from leaflet.station.kiosk import CODE_LENGTH, CROCKFORD

    app, db = sqlite_station
    client = app.test_client()
    html = client.get("/kiosk/ti/officer").get_data(as_text=True)
    code = re.search(r'<p class="kiosk-code"[^>]*><bdi dir="ltr">(\w+)</bdi>', html).group(1)
    assert len(code) == CODE_LENGTH and set(code) <= set(CROCKFORD)
    kiosk = app.extensions["leaflet"]["kiosk"]
    assert kiosk.language_of_code(code) == "ti"
    assert kiosk.language_of_code(code.lower()[:2] + "-" + code.lower()[2:]) == "ti"
    assert kiosk.code("ar") != code
    assert "Set-Cookie" not in client.get("/kiosk/ti/officer").headers  # no session
    import sqlalchemy as sa

    engine = sa.create_engine(db)
    with engine.connect() as conn:
        tables = sa.inspect(conn).get_table_names()
    engine.dispose()
    assert not [t for t in tables if "kiosk" in t]


@pytest.mark.parametrize("path", [
    "/kiosk/xx/", "/kiosk/de/",  # not configured / configured but not built here
    "/kiosk/../leaflet.toml", "/kiosk/..%2F..%2Fleaflet.toml/", "/kiosk/%2e%2e/",
    "/kiosk/ti/../../leaflet.toml", "/pdf/ti/manifest.pdf", "/pdf/..%2Fti/leaflet.pdf",
    "/static/../leaflet.toml", "/static/leaflet.html.j2", "/static/", "/kiosk/ti%00/",
    "/output/", "/templates/", "/kiosk/" + "a" * 500 + "/",
])
def test_a_path_that_is_not_a_built_language_is_a_404(sqlite_station, path):
    app, _ = sqlite_station
    response = app.test_client().get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert b"[edition]" not in response.data and b"msgid" not in response.data
