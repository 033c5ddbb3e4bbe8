"""The desk under load, after logout, and against what a copy of the log holds.

Round 3 of the hostile probe found: logins failing with HTTP 500 ("database is locked")
while desks record on SQLite, and parallel guesses never counted; a 32 KB field holding a
worker for half a minute; 150 idle connections blocking everyone; a cookie that still
opened the desk after logout; the session key stored in the log database, so that a
read-only copy of the log let anyone forge a session; `?next=` with a line break giving a
500; a correction's error shown nowhere; no Secure cookie behind TLS. Each class is
tested here with variants, through a real `leaflet serve` where the class lives in the
server (locks, connections) and through Flask's test client elsewhere.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from . import browser
from .conftest import OFFICER, PASSWORD, csrf_of, log_in, make_account, record_count
from .test_desk import VICTIM_ILLEGAL, post_form


# --- a small HTTP client with a cookie jar, for the real server ------------------------------

class Desk:
    """One browser's worth of state against a real `leaflet serve`: its cookie."""

    def __init__(self, port: int, address: str = "127.0.0.1"):
        self.port, self.address, self.cookie = port, address, None

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {}
        body = None
        if self.cookie:
            headers["Cookie"] = self.cookie
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
        finally:
            conn.close()
        cookie = answer.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return answer.status, text

    def token(self, path: str) -> str:
        status, text = self.request("GET", path)
        match = re.search(r'name="csrf" value="([^"]+)"', text)
        assert match, (status, text[:300])
        return match.group(1)

    def log_in(self, name: str, password: str) -> int:
        token = self.token("/desk/login")
        status, _ = self.request("POST", "/desk/login",
                                 {"csrf": token, "name": name, "password": password})
        return status

    def record(self) -> int:
        token = self.token("/desk/")
        status, _ = self.request("POST", "/desk/", {**VICTIM_ILLEGAL, "csrf": token})
        return status


def failures(db: str, name: str) -> tuple[int, int]:
    """(failed logins counted for the account, counted for it from 127.0.0.1)."""
    import sqlalchemy as sa

    from leaflet.storage.engine import engine_for

    with engine_for(db).connect() as conn:
        account = conn.execute(sa.text("SELECT failures FROM station_account WHERE name = :n"),
                               {"n": name}).scalar()
        client = conn.execute(sa.text("SELECT failures FROM station_throttle WHERE name = :n"),
                              {"n": name}).scalar()
    return account, client or 0


@pytest.mark.slow
def test_logins_while_four_desks_record_never_fail_and_every_guess_counts(
        station_ws, db_url, tmp_path):
    """Four desks record for 20 s while one officer logs in again and again and someone
    guesses another officer's password: no 5xx answer, every record kept, every wrong
    password counted (on SQLite and on PostgreSQL)."""
    desks = [f"D{i}" for i in range(4)]
    for name in desks + [OFFICER, "B7777"]:
        make_account(db_url, name=name)
    statuses: dict[str, list[int]] = {"record": [], "login": [], "guess": []}
    lock = threading.Lock()
    stop = time.monotonic() + 20
    with browser.Server(station_ws, db_url, tmp_path / "serve.log") as server:
        def recorder(name):
            desk = Desk(server.port)
            assert desk.log_in(name, PASSWORD) == 302
            while time.monotonic() < stop:
                status = desk.record()
                with lock:
                    statuses["record"].append(status)

        def officer():
            while time.monotonic() < stop:
                status = Desk(server.port).log_in(OFFICER, PASSWORD)
                with lock:
                    statuses["login"].append(status)

        def guesser():
            attempt = 0
            while time.monotonic() < stop:
                attempt += 1
                status = Desk(server.port).log_in("B7777", f"wrong guess {attempt}")
                with lock:
                    statuses["guess"].append(status)

        threads = [threading.Thread(target=recorder, args=(n,)) for n in desks]
        threads += [threading.Thread(target=officer), threading.Thread(target=guesser)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        log = server.output()
    assert statuses["record"] and set(statuses["record"]) == {303}, statuses["record"][:20]
    assert statuses["login"] and set(statuses["login"]) == {302}, statuses["login"][:20]
    assert statuses["guess"] and set(statuses["guess"]) == {401}
    assert "Traceback" not in log and "internal error" not in log, log[-2000:]
    assert record_count(db_url) == len(statuses["record"])
    assert failures(db_url, "B7777") == (len(statuses["guess"]), len(statuses["guess"]))
    assert failures(db_url, OFFICER)[0] == 0


@pytest.mark.slow
def test_thirty_parallel_guesses_are_all_counted_and_throttled(station_ws, tmp_path):
    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    make_account(db)
    results = []
    with browser.Server(station_ws, db, tmp_path / "serve.log") as server:
        barrier = threading.Barrier(30)

        def guess(i):
            desk = Desk(server.port)
            token = desk.token("/desk/login")
            barrier.wait()
            results.append(desk.request("POST", "/desk/login", {
                "csrf": token, "name": OFFICER, "password": f"guess number {i}"}))

        threads = [threading.Thread(target=guess, args=(i,)) for i in range(30)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        # the device that guessed now waits, even with the right password
        status = Desk(server.port).log_in(OFFICER, PASSWORD)
    assert [status for status, _ in results] == [401] * 30
    assert failures(db, OFFICER) == (31, 31)
    assert status == 401


@pytest.mark.slow
def test_idle_connections_do_not_block_the_station(station_ws, tmp_path):
    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    with browser.Server(station_ws, db, tmp_path / "serve.log") as server:
        idle = []
        try:
            for _ in range(300):
                idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=10))
            started = time.monotonic()
            status, _ = Desk(server.port).request("GET", "/kiosk/")
            took = time.monotonic() - started
        finally:
            for sock in idle:
                sock.close()
    assert status == 200 and took < 10


# --- size and work bounds ----------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [
    ("person_languages", "tigrinya, " * 3300),          # 32 KB
    ("person_languages", "x" * 401),
    ("not_given_note", "n" * 801),
    ("case_ref", "PV" * 60),
    ("service", "police" * 20),
])
def test_an_oversized_field_is_refused_before_any_work(sqlite_station, field, value):
    app, db = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302
    started = time.monotonic()
    response = post_form(client, **{field: value})
    assert response.status_code == 413, response.status_code
    assert time.monotonic() - started < 2
    assert "nothing was recorded" in response.get_data(as_text=True)
    assert record_count(db) == 0


def test_many_languages_are_refused_without_a_search_each(sqlite_station):
    app, db = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302
    many = ", ".join(["ti", "ar", "am", "so", "fr", "nl", "de", "en", "es", "pt", "ro", "bg",
                      "pl"])
    started = time.monotonic()
    response = post_form(client, person_languages=many)
    assert response.status_code == 422
    assert "at most 12" in response.get_data(as_text=True)
    assert time.monotonic() - started < 5
    assert record_count(db) == 0


def test_a_huge_login_form_is_refused(sqlite_station):
    app, _ = sqlite_station
    client = app.test_client()
    token = csrf_of(client.get("/desk/login"))
    response = client.post("/desk/login", data={"csrf": token, "name": OFFICER,
                                                "password": "p" * 20000})
    assert response.status_code == 413


# --- sessions: logout, disable, forged cookies ---------------------------------------------------

def test_a_cookie_replayed_after_logout_opens_nothing(sqlite_station):
    app, _ = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302
    cookie = client.get_cookie("leaflet_desk").value
    token = csrf_of(client.get("/desk/"))
    assert client.post("/desk/logout", data={"csrf": token}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("leaflet_desk", cookie)
    assert thief.get("/desk/").status_code == 302  # to the login page
    assert thief.get("/desk/today").status_code == 302


def test_disabling_an_account_ends_its_sessions_at_once(sqlite_station):
    from leaflet.station.accounts import Accounts

    app, db = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302
    assert client.get("/desk/").status_code == 200
    Accounts(db).disable(OFFICER)
    assert client.get("/desk/").status_code == 302


def every_stored_text(db: str) -> list[str]:
    """Every text value of every table of the log's database: what a copy of it gives."""
    import sqlalchemy as sa

    from leaflet.storage.engine import engine_for

    engine = engine_for(db)
    found = []
    with engine.connect() as conn:
        for table in sa.inspect(conn).get_table_names():
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                found += [str(v) for v in row if v is not None]
    return sorted(set(found))


def test_a_session_forged_with_anything_in_the_log_is_refused(sqlite_station, tmp_path):
    from flask.sessions import SecureCookieSessionInterface

    app, db = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302  # a session row exists now
    assert post_form(client).status_code == 303  # and a record
    stored = every_stored_text(db)
    assert any(len(text) == 64 for text in stored)  # the session's sha256 is there
    signer_app = type(app)("forger")
    refused = 0
    for key in stored + [Path(os.environ["LEAFLET_STATION_KEY_FILE"]).read_text().strip() + "0"]:
        signer_app.secret_key = key
        serializer = SecureCookieSessionInterface().get_signing_serializer(signer_app)
        for sid in stored[:50] + ["x" * 43]:
            cookie = serializer.dumps({"sid": sid, "csrf": "t", "account": OFFICER})
            thief = app.test_client()
            thief.set_cookie("leaflet_desk", cookie)
            assert thief.get("/desk/").status_code == 302, (key[:20], sid[:20])
            refused += 1
    assert refused > 50


def test_the_session_key_is_not_in_the_log_and_is_private(sqlite_station, tmp_path):
    import os
    import stat

    app, db = sqlite_station
    key_file = Path(os.environ["LEAFLET_STATION_KEY_FILE"])
    key = key_file.read_text().strip()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert not any(key in text or app.secret_key in text for text in every_stored_text(db))


def test_a_key_file_others_may_read_is_refused(station_ws, tmp_path):
    from leaflet.station.app import create_app
    from leaflet.station.keys import StationKeyError
    from leaflet.workspace import load_workspace

    key_file = tmp_path / "station.key"
    key_file.write_text("ab" * 32 + "\n")
    key_file.chmod(0o644)
    with pytest.raises(StationKeyError, match="may be read by others"):
        create_app(load_workspace(station_ws), f"sqlite:///{tmp_path / 'log.sqlite3'}",
                   testing=True, key_file=str(key_file))


def test_rotating_the_key_ends_every_session(station_ws, tmp_path):
    from leaflet.station import keys
    from leaflet.station.app import create_app
    from leaflet.workspace import load_workspace

    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    make_account(db)
    app = create_app(load_workspace(station_ws), db, testing=True)
    client = app.test_client()
    assert log_in(client).status_code == 302
    cookie = client.get_cookie("leaflet_desk").value
    keys.rotate()
    restarted = create_app(load_workspace(station_ws), db, testing=True)
    thief = restarted.test_client()
    thief.set_cookie("leaflet_desk", cookie)
    assert thief.get("/desk/").status_code == 302


# --- the small classes ---------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["/desk/today\r\nSet-Cookie: x=1", "/desk/\nX: y",
                                    "//evil.example/desk/", "/desk/../kiosk/",
                                    "https://evil.example/", "/desk/%0d%0a"])
def test_next_with_a_line_break_or_another_site_leads_to_the_desk(sqlite_station, target):
    app, _ = sqlite_station
    client = app.test_client()
    token = csrf_of(client.get("/desk/login"))
    response = client.post("/desk/login?" + urllib.parse.urlencode({"next": target}),
                           data={"csrf": token, "name": OFFICER, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] in ("/desk/", "http://localhost/desk/")


def test_a_correction_by_a_short_prefix_names_the_whole_record(sqlite_station):
    from leaflet.handover import service

    app, db = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302
    assert post_form(client).status_code == 303
    first = next(service.records(db))["id"]
    for prefix in (first[:4], first[:8]):
        response = post_form(client, amends=prefix, centre_action="contact_arranged")
        text = response.get_data(as_text=True)
        if response.status_code == 303:
            continue
        assert response.status_code in (404, 422)
        if response.status_code == 422:  # never a refused form without its reason
            assert re.search(r'class="(field-)?error"', text), text[:3000]
    amended = [r["amends"] for r in service.records(db) if r["amends"]]
    assert all(a == first for a in amended)


def test_every_refusal_of_the_form_is_shown(sqlite_station, monkeypatch):
    """An error on a field the form has no place for (the hidden amends, the officer,
    the edition) is said at the top of the form."""
    from leaflet.handover import service
    from leaflet.duties.record import RecordError

    app, _ = sqlite_station
    client = app.test_client()
    assert log_in(client).status_code == 302

    def refuse(*args, **kwargs):
        raise RecordError("leaflet_edition", "edition 1999-01 was never built here")

    monkeypatch.setattr(service, "record", refuse)
    response = post_form(client)
    assert response.status_code == 422
    assert "edition 1999-01 was never built here" in response.get_data(as_text=True)


def test_the_cookie_is_secure_over_https_and_the_page_says_so(sqlite_station):
    app, _ = sqlite_station
    secure = app.test_client()
    token = csrf_of(secure.get("/desk/login", base_url="https://station.zone"))
    response = secure.post("/desk/login", base_url="https://station.zone",
                           data={"csrf": token, "name": OFFICER, "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "max-age" in response.headers["Strict-Transport-Security"]
    plain = log_in(app.test_client())
    assert "Secure" not in plain.headers["Set-Cookie"]


def test_a_busy_database_gives_a_page_that_says_so(sqlite_station, monkeypatch):
    from leaflet.station import accounts

    app, _ = sqlite_station
    client = app.test_client()
    token = csrf_of(client.get("/desk/login"))

    def busy(self, *args, **kwargs):
        raise accounts.StationBusy("the log's database is busy (database is locked)",
                                   hint="try again in a moment")

    monkeypatch.setattr(accounts.Accounts, "authenticate", busy)
    response = client.post("/desk/login", data={"csrf": token, "name": OFFICER,
                                                "password": PASSWORD})
    assert response.status_code == 503
    text = response.get_data(as_text=True)
    assert "busy" in text and "Traceback" not in text


def test_no_desk_account_is_said_by_user_list(tmp_path):
    from conftest import invoke

    result = invoke(tmp_path, "serve", "user", "list", "--db", str(tmp_path / "log.sqlite3"))
    # no log at all: one line saying so
    assert result.exit_code == 1 and "no hand-over log" in result.output
    make_account(f"sqlite:///{tmp_path / 'log.sqlite3'}", name="A1")
    from leaflet.station.accounts import Accounts

    Accounts(f"sqlite:///{tmp_path / 'log.sqlite3'}").disable("A1")
    import sqlalchemy as sa

    from leaflet.storage.engine import engine_for

    with engine_for(f"sqlite:///{tmp_path / 'log.sqlite3'}").begin() as conn:
        conn.execute(sa.text("DELETE FROM station_account"))
    result = invoke(tmp_path, "serve", "user", "list", "--db", str(tmp_path / "log.sqlite3"))
    assert result.exit_code == 0 and "no desk account" in result.output


@pytest.mark.real_password_hashing
def test_a_missing_account_reads_and_waits_like_a_real_one(sqlite_station):
    """Same answers, in the same order, for a real name and a missing one; and the time of
    a refusal does not tell them apart (both compute an argon2 hash)."""
    import statistics

    app, _ = sqlite_station

    def answers(name):
        client, seen, times = app.test_client(), [], []
        for attempt in range(7):
            token = csrf_of(client.get("/desk/login"))
            started = time.perf_counter()
            response = client.post("/desk/login", data={"csrf": token, "name": name,
                                                        "password": f"wrong {attempt}"})
            times.append(time.perf_counter() - started)
            seen.append((response.status_code,
                         re.sub(r"wait \d+ seconds?", "wait N seconds",
                                re.search(r'id="login-error">([^<]*)<',
                                          response.get_data(as_text=True)).group(1))))
        return seen, statistics.median(times[:5])

    real, real_time = answers(OFFICER)
    missing, missing_time = answers("NOBODY1")
    assert real == missing
    assert real[-1][1].startswith("too many failed logins from this device")
    assert 0.5 < real_time / missing_time < 2, (real_time, missing_time)
