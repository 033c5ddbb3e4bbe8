"""The desk in Dutch and the kiosk in Tigrinya, in a real browser (issue 25): Debian's headless
Chromium, its Accept-Language set to German, against `leaflet serve` on a free localhost port.

A desk account whose language is Dutch: the login page is in German (the browser's language,
before anyone has logged in); after the login every desk page is in Dutch — the form filled
from a kiosk code, a refused form, the receipt, the day's list — with no English sentence of
the tool left; the Tigrinya kiosk page's own words are in Tigrinya."""

from __future__ import annotations

import re

import polib
import pytest

from leaflet import i18n

from . import browser
from .conftest import OFFICER, PASSWORD, UNIT
from .i18n_pages import english_left


def said(code: str, message: str) -> str:
    with i18n.language(code):
        return " ".join(i18n._(message).split())


@pytest.fixture(scope="module")
def dutch_db(tmp_path_factory):
    from leaflet.station.accounts import Accounts
    from leaflet.storage.engine import dispose_engines

    db = str(tmp_path_factory.mktemp("dutch-db") / "log.sqlite3")
    Accounts(db, create=True).add(OFFICER, UNIT, PASSWORD, lang="nl")
    dispose_engines()
    return db


@pytest.fixture(scope="module")
def server(station_ws, dutch_db, tmp_path_factory):
    with browser.Server(station_ws, dutch_db,
                        tmp_path_factory.mktemp("server") / "serve.log") as running:
        yield running


@pytest.fixture(scope="module")
def driver(server, tmp_path_factory):
    session = browser.chromium(tmp_path_factory.mktemp("chromium") / "profile",
                               accept_language="de-BE,de")
    yield session
    session.quit()


def _body(driver) -> str:
    from selenium.webdriver.common.by import By

    return " ".join(driver.find_element(By.TAG_NAME, "body").text.split())


def _lang(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "html").get_attribute("lang")


def test_a_dutch_desk_from_a_german_browser(driver, server, station_ws):
    from selenium.webdriver.common.by import By

    base = server.base
    # The kiosk: the Tigrinya page's own words in Tigrinya; then the code for the officer.
    driver.get(base + "/kiosk/ti/")
    browser.wait_for_path(driver, base, "/kiosk/ti/")
    po = polib.pofile(str(station_ws / "translations" / "ti" / "LC_MESSAGES" / "leaflet.po"))
    bar = " ".join(driver.find_element(By.CSS_SELECTOR, "nav.kiosk-bar").text.split())
    for msgid in ("Quick exit", "Other languages", "Show this to the officer"):
        assert " ".join(po.find(msgid).msgstr.split()) in bar, msgid
        assert msgid not in bar
    browser.click_and_wait(driver, base, "a.show-officer", "/kiosk/ti/officer")
    code = " ".join(driver.find_element(By.CSS_SELECTOR, "p.kiosk-code").text.split())
    box = driver.find_element(By.CSS_SELECTOR, "div.for-officer")
    assert box.get_attribute("lang") == "de"  # the browser's language: no account here
    assert english_left(box.text, "de") == []

    # The login page, before anyone is known: the browser's German.
    driver.get(base + "/desk/login")
    browser.wait_for_path(driver, base, "/desk/login")
    assert _lang(driver) == "de"
    assert said("de", "Desk: log in") in _body(driver)
    assert english_left(_body(driver), "de") == []

    # The account's Dutch from the login on.
    browser.log_in(driver, base, OFFICER, PASSWORD)
    assert _lang(driver) == "nl"
    field = driver.find_element(By.ID, "code")
    field.send_keys(code)
    browser.click_and_wait(driver, base, "form.kiosk-code-form button[type=submit]", "/desk/?code=")
    assert driver.find_element(By.ID, "person_languages").get_attribute("value") == "ti"
    assert _lang(driver) == "nl" and english_left(_body(driver), "nl") == []

    # A refused form: nothing answered about the assessment.
    def choose(name, value):
        driver.find_element(By.CSS_SELECTOR,
                            f"input[type=radio][name={name}][value={value}]").click()

    choose("residence_status", "illegal")
    choose("leaflet", "given")
    choose("centre_action", "intake")
    choose("centre", "payoke")
    browser.click_and_wait(driver, base, "form.handover button[type=submit]", "/desk/")
    errors = [" ".join(e.text.split()) for e in driver.find_elements(By.CSS_SELECTOR,
                                                                       ".field-error")]
    assert said("nl", "Answer this question.") in errors, errors
    assert english_left(_body(driver), "nl") == []
    logged = browser.severe(driver.get_log("browser"))
    assert all("422" in line for line in logged), logged  # the refusal's status, nothing else

    # Answered: the receipt, then the day's list.
    choose("assessment", "victim")
    choose("residence_status", "illegal")
    choose("leaflet", "given")
    choose("centre_action", "intake")
    choose("centre", "payoke")
    choose("foreigners_dept_informed", "no")
    browser.click_and_wait(driver, base, "form.handover button[type=submit]", "/desk/receipt/")
    assert _lang(driver) == "nl"
    assert " ".join(driver.find_element(By.TAG_NAME, "h1").text.split()) == said("nl",
                                                                                "Recorded")
    assert english_left(_body(driver), "nl") == []
    driver.get(base + "/desk/today")
    browser.wait_for_path(driver, base, "/desk/today")
    rows = driver.find_elements(By.CSS_SELECTOR, "table.today tbody tr")
    assert len(rows) == 1
    assert english_left(_body(driver), "nl") == []
    assert re.search(r"\d{1,2} (januari|februari|maart|april|mei|juni|juli|augustus|september|"
                     r"oktober|november|december) \d{4}", _body(driver)), _body(driver)
    assert browser.severe(driver.get_log("browser")) == []
