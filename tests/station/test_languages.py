"""The desk in the officer's language (issue 25): the switch, the account's language, the
browser's Accept-Language through Babel's negotiation, the station's default in leaflet.toml,
English otherwise; the kiosk's box for the officer too, while the person's words at the kiosk
come from the leaflet's catalogues."""

from __future__ import annotations

import re

import polib
import pytest

from leaflet import i18n

from .conftest import OFFICER, PASSWORD, UNIT, csrf_of, log_in
from .i18n_pages import english_left, page_text
from .test_desk import post_form


def said(code: str, message: str) -> str:
    with i18n.language(code):
        return i18n._(message)


def lang_of(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


@pytest.fixture
def dutch_station(station_ws, tmp_path):
    from leaflet.storage.engine import dispose_engines
    from leaflet.station.accounts import Accounts
    from leaflet.station.app import create_app
    from leaflet.workspace import load_workspace

    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    Accounts(db, create=True).add(OFFICER, UNIT, PASSWORD, lang="nl")
    yield create_app(load_workspace(station_ws), db, testing=True), db
    dispose_engines()


@pytest.mark.parametrize("header, code", [("de-BE,de;q=0.9,en;q=0.5", "de"),
                                          ("nl-BE", "nl"), ("fr-BE,fr", "fr"),
                                          ("es-ES,es;q=0.9", "en"), (None, "en")])
def test_the_login_page_follows_accept_language(sqlite_station, header, code):
    app, _db = sqlite_station
    headers = {"Accept-Language": header} if header else {}
    page = app.test_client().get("/desk/login", headers=headers)
    assert lang_of(page) == code
    assert said(code, "Desk: log in") in page.get_data(as_text=True)
    if code != "en":
        assert english_left(page_text(page.get_data(as_text=True)), code) == []
        assert said(code, i18n.DRAFT_NOTICE) in page.get_data(as_text=True)
    else:
        assert said("en", i18n.DRAFT_NOTICE) not in page.get_data(as_text=True)


def test_an_accounts_language_rules_its_desk_and_the_switch_rules_the_session(dutch_station):
    app, _db = dutch_station
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-BE"
    assert lang_of(client.get("/desk/login")) == "de"
    assert log_in(client).status_code == 302
    form = client.get("/desk/")
    assert lang_of(form) == "nl"  # the account's language, over the browser's
    assert said("nl", "Record a hand-over") in form.get_data(as_text=True)
    assert english_left(page_text(form.get_data(as_text=True)), "nl") == []
    # the switch on every desk page, each language by its own name
    for name in i18n.AUTONYMS.values():
        assert name in form.get_data(as_text=True)
    switched = client.get("/desk/today?lang=fr")
    assert lang_of(switched) == "fr"
    assert lang_of(client.get("/desk/")) == "fr"  # kept for the session
    assert lang_of(client.get("/desk/?lang=xx")) == "fr"  # an unknown language changes nothing


def test_a_refused_form_a_receipt_and_the_days_list_in_dutch(dutch_station):
    app, _db = dutch_station
    client = app.test_client()
    log_in(client)
    refused = post_form(client, assessment=None)
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert said("nl", "Answer this question.") in body
    assert english_left(page_text(body), "nl") == []
    recorded = post_form(client)
    assert recorded.status_code == 303
    receipt = client.get(recorded.headers["Location"])
    body = receipt.get_data(as_text=True)
    assert lang_of(receipt) == "nl" and said("nl", "Recorded") in body
    from leaflet.duties.rules import BY_ID

    assert said("nl", BY_ID["FOREIGNERS-DEPT"].duty) in body
    assert english_left(page_text(body), "nl") == []
    today = client.get("/desk/today")
    body = today.get_data(as_text=True)
    assert english_left(page_text(body), "nl") == []
    from leaflet.render.interface import date_long

    day = app.extensions["leaflet"]["kiosk"].today()
    assert date_long(day, "nl") in body  # "7 december 2026"


def test_the_stations_default_language_from_leaflet_toml(station_ws, tmp_path):
    import shutil

    from leaflet.station.app import create_app
    from leaflet.workspace import load_workspace

    ws = tmp_path / "ws"
    shutil.copytree(station_ws, ws, symlinks=True)
    with open(ws / "leaflet.toml", "a", encoding="utf-8") as toml:
        toml.write('\n[station]\nlanguage = "nl"\n')
    app = create_app(load_workspace(ws), f"sqlite:///{tmp_path / 'log.sqlite3'}", testing=True)
    client = app.test_client()
    assert lang_of(client.get("/desk/login")) == "nl"  # no Accept-Language: the station's
    assert lang_of(client.get("/desk/login", headers={"Accept-Language": "fr-BE"})) == "fr"
    bad = tmp_path / "bad"
    shutil.copytree(station_ws, bad, symlinks=True)
    with open(bad / "leaflet.toml", "a", encoding="utf-8") as toml:
        toml.write('\n[station]\nlanguage = "es"\n')
    from leaflet.errors import ConfigError

    with pytest.raises(ConfigError, match=r"\[station\] language 'es'"):
        load_workspace(bad)


def test_the_kiosk_speaks_the_person_and_its_box_the_officer(sqlite_station, station_ws):
    app, _db = sqlite_station
    client = app.test_client()
    page = client.get("/kiosk/ti/officer", headers={"Accept-Language": "nl-BE"})
    body = page.get_data(as_text=True)
    po = polib.pofile(str(station_ws / "translations" / "ti" / "LC_MESSAGES" / "leaflet.po"))
    assert po.find("Kiosk code").msgstr in body  # the code's name, in Tigrinya
    box = body[body.index('class="for-officer"'):]
    assert 'lang="nl"' in box[:60]
    assert said("nl", "Enter the kiosk code at the desk to record the hand-over of the "
                      "%(language)s leaflet.").split("%")[0] in box
    assert client.get("/kiosk/ti/officer").headers.get("Set-Cookie") is None  # no cookie


def test_the_tigrinya_kiosk_page_has_no_english_chrome(sqlite_station, station_ws):
    app, _db = sqlite_station
    body = app.test_client().get("/kiosk/ti/").get_data(as_text=True)
    po = polib.pofile(str(station_ws / "translations" / "ti" / "LC_MESSAGES" / "leaflet.po"))
    for msgid in ("Quick exit", "Other languages", "Show this to the officer"):
        assert po.find(msgid).msgstr in body, msgid
        assert f">{msgid}<" not in body, msgid


def test_the_kiosks_first_page_greets_in_the_greeting_languages(sqlite_station, station_ws):
    app, _db = sqlite_station
    body = app.test_client().get("/kiosk/").get_data(as_text=True)
    assert "Choose your language" in body  # the station builds en, ti and ar: English only
    assert 'lang="en"' in body


def test_user_add_and_user_language_and_user_list(tmp_path):
    from conftest import invoke

    db = str(tmp_path / "log.sqlite3")
    result = invoke(tmp_path, "serve", "user", "add", "A1", "--unit", "PZ-1", "--lang", "nl",
                    "--db", db, "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    listed = invoke(tmp_path, "serve", "user", "list", "--db", db)
    assert listed.output.splitlines()[-1].split("\t")[:3] == ["A1", "PZ-1", "nl"]
    assert invoke(tmp_path, "serve", "user", "language", "A1", "de", "--db", db).exit_code == 0
    listed = invoke(tmp_path, "serve", "user", "list", "--db", db)
    assert listed.output.splitlines()[-1].split("\t")[:3] == ["A1", "PZ-1", "de"]
    refused = invoke(tmp_path, "serve", "user", "add", "A2", "--unit", "PZ-1", "--lang", "es",
                     "--db", db, "--password", PASSWORD)
    assert refused.exit_code == 2 and "--lang" in refused.output


def test_an_account_table_made_before_languages_gains_the_column(tmp_path):
    import sqlite3

    from leaflet.station.accounts import Accounts

    db = tmp_path / "log.sqlite3"
    Accounts(f"sqlite:///{db}", create=True)
    with sqlite3.connect(db) as con:  # as 0.2 made it: no lang column
        con.execute("DROP TABLE station_account")
        con.execute("CREATE TABLE station_account (name VARCHAR(40) PRIMARY KEY, unit "
                    "VARCHAR(40) NOT NULL, password_hash VARCHAR(200) NOT NULL, disabled "
                    "BOOLEAN NOT NULL, failures INTEGER NOT NULL, locked_until DATETIME, "
                    "created_at DATETIME NOT NULL)")
    from leaflet.storage.engine import dispose_engines

    dispose_engines()
    accounts = Accounts(f"sqlite:///{db}", create=True)
    accounts.add("A1", "PZ-1", PASSWORD, lang="fr")
    assert accounts.authenticate("A1", PASSWORD).lang == "fr"
    dispose_engines()


def test_errors_the_guards_give_speak_the_officers_language(dutch_station):
    app, _db = dutch_station
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl-BE"
    token = csrf_of(client.get("/desk/login"))
    refused = client.post("/desk/login", data={"csrf": token + "x", "name": OFFICER,
                                                "password": PASSWORD})
    assert refused.status_code == 400
    assert said("nl", "the form has expired or did not come from this station; open the page "
                      "again") in refused.get_data(as_text=True)
    wrong = client.post("/desk/login", data={"csrf": token, "name": OFFICER,
                                              "password": "not the password at all"})
    assert said("nl", "wrong account name or password") in wrong.get_data(as_text=True)
