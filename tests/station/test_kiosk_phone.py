"""The kiosk for the next person, and on a phone (issue 27), in Chromium.

- After `[station] kiosk_idle_seconds` untouched, the kiosk is back on its language list:
  no language, search or code of the last person on screen.
- At 390x844 nothing is wider than the screen (the Search button), the quick exit is still
  in view at the bottom of the leaflet, and it leaves for `[site] quick_exit_url`.
- The skip link is the first thing Tab reaches and leads to the language tiles.
- The focus ring stands out 3:1 or more from what is around it (the computed outline colour
  against the computed background the ring is drawn on), on white and on the blue bar.
- axe-core finds no violation on these states; every phone number is a tel: link.
- Autonyms are written as CLDR writes them: no Mtavruli capital for Georgian.

The app runs in this process (werkzeug's server in a thread) over the station's session
workspace with a 2-second idle time and a local quick-exit page set on the loaded
workspace: leaflet.toml accepts 15 to 3600 seconds and only https:// addresses (both
checked below).
"""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest

from conftest import invoke

from . import browser
from .test_site_phone import PHONE, _exit_in_view, _wait_for_url

IDLE = 2
DESKTOP = {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}


@pytest.fixture(scope="module")
def kiosk(station_ws, tmp_path_factory):
    """The base URL of the station's app with a 2 s idle time and the quick exit at a local
    page (/away, a route added for the test: outside the kiosk)."""
    from werkzeug.serving import make_server

    from leaflet.station.app import create_app
    from leaflet.storage.engine import dispose_engines
    from leaflet.workspace import load_workspace

    db = f"sqlite:///{tmp_path_factory.mktemp('kiosk-db') / 'log.sqlite3'}"
    server = make_server("127.0.0.1", 0, None, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    workspace = dataclasses.replace(load_workspace(station_ws), kiosk_idle_seconds=IDLE,
                                    site_quick_exit=base + "/away")
    app = create_app(workspace, db, testing=True,
                     key_file=str(tmp_path_factory.mktemp("kiosk-key") / "station.key"))
    app.add_url_rule("/away", "away", lambda: "<!DOCTYPE html><title>Weather</title>")
    server.app = app
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    dispose_engines()


@pytest.fixture(scope="module")
def driver(kiosk, tmp_path_factory):
    session = browser.chromium(tmp_path_factory.mktemp("chromium-kiosk") / "profile")
    yield session
    session.quit()


def _metrics(driver, metrics):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)


@pytest.mark.slow
def test_the_kiosk_goes_back_to_its_list_after_its_idle_time(driver, kiosk):
    from selenium.webdriver.common.by import By

    _metrics(driver, DESKTOP)
    driver.get(kiosk + "/kiosk/ti/officer")
    code = driver.find_element(By.CSS_SELECTOR, "p.kiosk-code").text.strip()
    assert len(code) == 4
    entries = driver.execute_script("return history.length")
    started = time.monotonic()
    _wait_for_url(driver, kiosk + "/kiosk/", timeout=IDLE + 8)
    assert time.monotonic() - started >= IDLE - 0.5  # not before its time
    browser.wait_for_path(driver, kiosk, "/kiosk/")
    body = driver.find_element(By.TAG_NAME, "body").text
    assert code not in body and not driver.find_elements(By.CSS_SELECTOR, ".results")
    assert driver.find_element(By.ID, "q").get_attribute("value") == ""
    assert driver.execute_script("return history.length") == entries  # replaced, not pushed
    violations = browser.axe(driver)
    assert not violations, browser.describe(violations)

    # A search typed and left is cleared too; the untouched list stays as it is.
    driver.get(kiosk + "/kiosk/?q=Eritrea")
    assert driver.find_elements(By.CSS_SELECTOR, ".results a.language")
    _wait_for_url(driver, kiosk + "/kiosk/", timeout=IDLE + 8)
    time.sleep(IDLE + 0.5)
    assert driver.current_url == kiosk + "/kiosk/"
    # Touching the page holds the reset off.
    driver.get(kiosk + "/kiosk/ar/")
    for _ in range(2):  # 1.4 s apart: together longer than the idle time
        time.sleep(IDLE * 0.7)
        driver.execute_script("window.scrollBy(0, 40)")
    assert driver.current_url == kiosk + "/kiosk/ar/"


def test_on_a_phone_nothing_overflows_and_the_quick_exit_stays(driver, kiosk):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    from leaflet.workspace.contacts import tel_uri

    _metrics(driver, PHONE)
    try:
        driver.get(kiosk + "/kiosk/?q=Eritrea")
        widths = driver.execute_script("""
            var b = document.querySelector('form.search button').getBoundingClientRect();
            return [b.right, document.documentElement.clientWidth,
                    document.documentElement.scrollWidth];""")
        assert widths[0] <= widths[1] and widths[2] <= widths[1], widths
        violations = browser.axe(driver)
        assert not violations, browser.describe(violations)

        driver.get(kiosk + "/kiosk/ar/")
        links = driver.execute_script(
            "return Array.from(document.querySelectorAll('a.tel-link')).map("
            "function (a) { return [a.getAttribute('href'), a.textContent]; })")
        assert links and all(href == tel_uri(text.replace("\u00a0", " "))
                             for href, text in links), links
        driver.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
        assert driver.execute_script("return scrollY") > 2000
        assert _exit_in_view(driver)
        violations = browser.axe(driver)
        assert not violations, browser.describe(violations)
        driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
        _wait_for_url(driver, kiosk + "/away")
    finally:
        _metrics(driver, DESKTOP)


CONTRAST = """
function lum(c) {
  var v = c.match(/[\\d.]+/g).slice(0, 3).map(function (x) {
    x = x / 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
}
function opaque(c) { var m = c.match(/[\\d.]+/g); return m && (m.length < 4 || +m[3] > 0); }
var el = arguments[0] || document.activeElement;
if (arguments[0]) { el.focus(); }
var style = getComputedStyle(el);
// The ring is drawn outside the element (outline-offset): on its parent's background.
var node = el.parentElement, bg = 'rgb(255, 255, 255)';
while (node) {
  var c = getComputedStyle(node).backgroundColor;
  if (opaque(c)) { bg = c; break; }
  node = node.parentElement;
}
var a = lum(style.outlineColor), b = lum(bg);
return {ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), outline: style.outlineColor,
        width: style.outlineWidth, style: style.outlineStyle, background: bg,
        element: el.className || el.tagName + '#' + el.id};
"""


def test_skip_link_first_and_a_focus_ring_of_3_to_1(driver, kiosk):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    _metrics(driver, DESKTOP)
    driver.get(kiosk + "/kiosk/")
    browser.wait_for_fonts(driver)
    def tab():
        ActionChains(driver).send_keys(Keys.TAB).perform()

    tab()
    seen = [driver.execute_script(CONTRAST)]
    assert seen[0]["element"] == "skip-link"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    tab()
    seen.append(driver.execute_script(CONTRAST))
    assert seen[-1]["element"] == "language"  # the first tile, right after the skip link
    driver.execute_script("document.querySelector('#q').focus()")
    seen.append(driver.execute_script(CONTRAST))
    # Back to the top: Shift+Tab from the field reaches the quick exit on the blue bar.
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    seen.append(driver.execute_script(CONTRAST))
    assert seen[-1]["element"] == "quick-exit" and seen[-1]["background"] != "rgb(255, 255, 255)"
    # On the leaflet: the bar's links on blue, the numbers in the helpline's white box, on
    # the blue front page and on the white pages.
    driver.get(kiosk + "/kiosk/ar/")
    ActionChains(driver).send_keys(Keys.TAB).perform()  # keyboard use: focus-visible
    for element in driver.find_elements("css selector", ".kiosk-bar a, a.tel-link"):
        seen.append(driver.execute_script(CONTRAST, element))
    assert len({ring["background"] for ring in seen}) >= 2, seen
    for ring in seen:
        assert ring["style"] == "solid" and float(ring["width"].rstrip("px")) >= 3, ring
        assert ring["ratio"] >= 3, ring


def test_autonyms_as_cldr_writes_them():
    from leaflet.edition.card import capitalised

    assert capitalised("ქართული") == "ქართული"  # no Mtavruli ("Ქართული")
    assert capitalised("français") == "Français" and capitalised("русский") == "Русский"
    assert capitalised("ትግርኛ") == "ትግርኛ" and capitalised("العربية") == "العربية"


@pytest.mark.parametrize("setting, message", [
    ("[station]\nkiosk_idle_seconds = 5\n", "[station] kiosk_idle_seconds must be a whole"),
    ('[station]\nkiosk_idle_seconds = "120"\n', "[station] kiosk_idle_seconds must be a whole"),
    ('[site]\nquick_exit_url = "http://example.org/"\n',
     "[site] quick_exit_url must be an https:// address"),
])
def test_a_bad_kiosk_setting_is_one_line(workspace, setting, message):
    with open(workspace / "leaflet.toml", "a", encoding="utf-8") as toml:
        toml.write("\n" + setting)
    result = invoke(workspace, "languages")
    assert result.exit_code == 1, result.output
    assert "leaflet.toml:" in result.output and message in result.output, result.output
    assert "Traceback" not in result.output


def test_the_defaults():
    from leaflet.workspace import load_workspace
    from leaflet.workspace.model import DEFAULT_KIOSK_IDLE, DEFAULT_QUICK_EXIT

    from conftest import ROOT

    workspace = load_workspace(ROOT)
    assert workspace.kiosk_idle_seconds == DEFAULT_KIOSK_IDLE == 120
    assert workspace.site_quick_exit == DEFAULT_QUICK_EXIT
    assert DEFAULT_QUICK_EXIT.startswith("https://")
