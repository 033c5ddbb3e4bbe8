"""The station in a real browser: Debian's headless Chromium (Selenium, Debian's
chromedriver) against `leaflet serve` started as a subprocess on a free localhost port.

One server and one browser for the module. The story of the issue: the person finds their
language at the kiosk, reads the leaflet, shows the officer the code; the officer logs in at
the desk, types the code, answers, and gets the receipt with the duties; `leaflet log verify`
counts the record. During the story nothing is fetched from outside this machine and the
console logs no error; and axe-core finds no serious or critical violation on the kiosk's
pages and the desk's form.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import polib
import pytest

from . import browser
from .conftest import OFFICER, PASSWORD, UNIT, make_account

HEADLINE = "You may be a victim of human trafficking. You are not alone."
TIGRINYA = "ትግርኛ"


def _text(s: str) -> str:
    return " ".join(s.split())


@pytest.fixture(scope="module")
def axe_js():
    # A machine without axe-core fails the accessibility tests, saying what to run; never skips.
    try:
        return browser.axe_source()
    except RuntimeError as error:
        missing = str(error)
    pytest.fail(missing, pytrace=False)


@pytest.fixture(scope="module")
def browser_db(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("browser-db") / "log.sqlite3")
    make_account(db)
    from leaflet.storage.engine import dispose_engines

    dispose_engines()
    return db


@pytest.fixture(scope="module")
def server(station_ws, browser_db, tmp_path_factory):
    with browser.Server(station_ws, browser_db,
                        tmp_path_factory.mktemp("server") / "serve.log") as running:
        yield running


@pytest.fixture(scope="module")
def driver(server, tmp_path_factory):
    session = browser.chromium(tmp_path_factory.mktemp("chromium") / "profile")
    yield session
    session.quit()


def _drain(driver) -> None:
    driver.get_log("browser")
    driver.get_log("performance")


def test_story_kiosk_to_receipt_stays_on_this_machine(driver, server, station_ws, browser_db):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    base = server.base
    driver.get("about:blank")
    _drain(driver)

    # The kiosk: the person finds their language by its autonym.
    driver.get(base + "/kiosk/")
    links = [a for a in driver.find_elements(By.CSS_SELECTOR, "a.language")
             if _text(a.find_element(By.CSS_SELECTOR, ".autonym").text) == TIGRINYA]
    assert len(links) == 1, [a.text for a in driver.find_elements(By.CSS_SELECTOR, "a.language")]
    browser.click_and_wait(driver, base, links[0], "/kiosk/ti/")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ti"
    po = polib.pofile(str(station_ws / "translations" / "ti" / "LC_MESSAGES" / "leaflet.po"))
    headline = po.find(HEADLINE).msgstr
    assert headline
    assert _text(headline) in _text(driver.find_element(By.TAG_NAME, "body").text)

    # The code the person shows the officer.
    browser.click_and_wait(driver, base, "a.show-officer", "/kiosk/ti/officer")
    code = _text(driver.find_element(By.CSS_SELECTOR, "p.kiosk-code").text)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{4}", code), code

    # The desk: the officer logs in and types the code.
    browser.log_in(driver, base, OFFICER, PASSWORD)
    assert f"unit {UNIT}" in driver.find_element(By.CSS_SELECTOR, ".desk-bar").text
    field = driver.find_element(By.ID, "code")
    field.clear()
    field.send_keys(code)
    browser.click_and_wait(driver, base, "form.kiosk-code-form button[type=submit]", "/desk/?code=")
    assert not driver.find_elements(By.CSS_SELECTOR, "p.notice"), \
        driver.find_element(By.CSS_SELECTOR, "p.notice").text
    assert driver.find_element(By.ID, "person_languages").get_attribute("value") == "ti"
    assert Select(driver.find_element(By.ID, "leaflet_language")
                  ).first_selected_option.get_attribute("value") == "ti"

    def choose(name, value):
        driver.find_element(By.CSS_SELECTOR, f"input[type=radio][name={name}][value={value}]"
                            ).click()

    def foreigners_question_shown() -> bool:
        question = driver.find_element(By.ID, "q-foreigners_dept_informed")
        return question.find_element(By.XPATH, "..").is_displayed()

    # desk.js asks about the Foreigners Department only for a victim without legal residence.
    choose("assessment", "victim")
    choose("residence_status", "legal")
    assert not foreigners_question_shown()
    choose("residence_status", "illegal")
    assert foreigners_question_shown()
    choose("leaflet", "given")
    choose("centre_action", "intake")
    choose("centre", "payoke")
    choose("foreigners_dept_informed", "no")
    browser.click_and_wait(driver, base, "form.handover button[type=submit]", "/desk/receipt/")

    # The receipt: the duties, with the Foreigners Department to inform, at leaflet.toml's phone.
    assert _text(driver.find_element(By.TAG_NAME, "h1").text) == "Recorded"
    duties = driver.find_elements(By.CSS_SELECTOR, "ul.duties li.duty")
    assert duties, driver.find_element(By.TAG_NAME, "main").text
    config = tomllib.loads((station_ws / "leaflet.toml").read_text(encoding="utf-8"))
    phone = config["organisations"]["foreigners-dept"]["phone"]
    phone = phone["value"] if isinstance(phone, dict) else phone
    to_inform = [d for d in duties
                 if "FOREIGNERS-DEPT" in d.find_element(By.CSS_SELECTOR, ".paragraph").text]
    assert len(to_inform) == 1, [d.text for d in duties]
    duty = to_inform[0]
    assert "Foreigners Department" in duty.text
    assert _text(duty.find_element(By.CSS_SELECTOR, ".status").text) == "To do"
    assert phone in [p.text for p in duty.find_elements(By.CSS_SELECTOR, ".phone")], duty.text

    # The log holds the record, and its chain holds.
    verify = subprocess.run([sys.executable, "-m", "leaflet", "-w", str(station_ws), "log",
                             "verify", "--db", browser_db], capture_output=True, text=True,
                            stdin=subprocess.DEVNULL, timeout=60)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert re.match(r"ok: 1 records?, head \S+", verify.stdout), verify.stdout

    # Nothing left this machine, and the console logged no error.
    urls = browser.requests_sent(driver.get_log("performance"))
    assert any(u.startswith(base + "/kiosk/font/") for u in urls), urls
    assert browser.foreign(urls, base) == []
    assert browser.severe(driver.get_log("browser")) == []


PAGES = {
    "kiosk languages": "/kiosk/",
    "Arabic leaflet": "/kiosk/ar/",
    "Tigrinya leaflet": "/kiosk/ti/",
    "desk form": "/desk/",
}


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_no_serious_accessibility_violation(driver, server, axe_js, path):
    base = server.base
    if path.startswith("/desk/"):
        driver.get(base + path)
        if driver.current_url.startswith(base + "/desk/login"):
            browser.log_in(driver, base, OFFICER, PASSWORD)
            driver.get(base + path)
    else:
        driver.get(base + path)
    browser.wait_for_path(driver, base, path)
    browser.wait_for_fonts(driver)
    violations = browser.axe(driver, axe_js)
    grave = browser.grave(violations)
    assert not grave, f"axe-core on {path}:\n" + browser.describe(grave)
