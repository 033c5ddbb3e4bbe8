"""The station's fixtures: a workspace with English, Tigrinya and Arabic built (once per
session), a desk account in a new log database, and the Flask app over both."""

from __future__ import annotations

import re

import pytest

from conftest import copy_workspace, invoke, shared_once

LANGUAGES = ["en", "ti", "ar"]
OFFICER, UNIT, PASSWORD = "A1234", "PZ-5339", "correct horse battery staple"


@pytest.fixture(scope="session")
def station_ws(tmp_path_factory):
    """The station's workspace, built with its site and audio once per test run (shared by
    every worker, read only: a test that changes it copies it first)."""
    def make(folder):
        ws = copy_workspace(folder / "ws", languages=LANGUAGES)
        result = invoke(ws, "build", "--site")  # with the audio the kiosk plays
        assert result.exit_code == 0, result.output

    return shared_once(tmp_path_factory, "station", make) / "ws"


def make_account(db: str, name: str = OFFICER, unit: str = UNIT, password: str = PASSWORD):
    from leaflet.station.accounts import Accounts

    return Accounts(db, create=True).add(name, unit, password)


@pytest.fixture
def station(station_ws, db_url):
    """(app, db) on the test's backend (SQLite and PostgreSQL), with one desk account."""
    from leaflet.station.app import create_app
    from leaflet.workspace import load_workspace

    make_account(db_url)
    return create_app(load_workspace(station_ws), db_url, testing=True), db_url


@pytest.fixture
def sqlite_station(station_ws, tmp_path):
    """(app, db) on SQLite only, for the tests that are not about the backend."""
    from leaflet.storage.engine import dispose_engines
    from leaflet.station.app import create_app
    from leaflet.workspace import load_workspace

    db = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    make_account(db)
    yield create_app(load_workspace(station_ws), db, testing=True), db
    dispose_engines()


CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(response) -> str:
    match = CSRF.search(response.get_data(as_text=True))
    assert match, response.get_data(as_text=True)[:500]
    return match.group(1)


def log_in(client, name: str = OFFICER, password: str = PASSWORD):
    token = csrf_of(client.get("/desk/login"))
    return client.post("/desk/login", data={"csrf": token, "name": name, "password": password})


def record_count(db: str) -> int:
    from leaflet.errors import LeafletError
    from leaflet.handover import service

    try:
        return service.verify(db).count
    except LeafletError:
        return 0
