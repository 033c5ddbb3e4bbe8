"""The static site on a phone (Chromium at 390x844, mobile): what a frightened person with
only a phone meets (issue 27).

- Every phone number of the Arabic and Tigrinya pages is a `tel:` link dialling what the
  leaflet's QR code dials (leaflet.toml's numbers through contacts.tel_uri), its visible
  text the printed number, left to right inside the right-to-left page; the QR codes hide.
- The quick exit is still on screen after scrolling to the bottom; a tap, Escape or three
  Shift presses leave for `[site] quick_exit_url`, outside the site, replacing the page in
  the history.
- The first page's search finds Tigrinya (and Eritrea's other languages) from "Eritrea",
  from the index the build wrote, with no server; axe-core finds nothing on that state.

The site is the station's session build (station_ws: en, ti, ar) written again into a copy,
with the quick exit pointed at a page of a second local server: leaflet.toml accepts only an
https:// address, which a test machine cannot serve, so the test sets the workspace's value
(dataclasses.replace) instead of the file's.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import shutil
import threading
import time

import pytest

from conftest import EDITION

from . import browser

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder):
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="module")
def away(tmp_path_factory):
    """A neutral page on another origin: where the quick exit goes."""
    folder = tmp_path_factory.mktemp("away")
    (folder / "away.html").write_text("<!DOCTYPE html><title>Weather</title><h1>Weather</h1>",
                                      encoding="utf-8")
    server, base = _serve(folder)
    yield f"{base}/away.html"
    server.shutdown()


@pytest.fixture(scope="module")
def phone_site(station_ws, away, tmp_path_factory):
    """(base URL, workspace) of the station's site rebuilt with the quick exit at `away`."""
    import json

    from leaflet.edition.site import build_site
    from leaflet.workspace import load_workspace

    ws = tmp_path_factory.mktemp("phone-site") / "ws"
    shutil.copytree(station_ws, ws)
    workspace = dataclasses.replace(load_workspace(ws), site_quick_exit=away)
    manifest = json.loads((ws / "output" / EDITION / "manifest.json").read_text())
    build_site(workspace, manifest)
    server, base = _serve(ws / "output" / EDITION / "site")
    yield base, workspace
    server.shutdown()


@pytest.fixture(scope="module")
def phone(tmp_path_factory):
    session = browser.chromium(tmp_path_factory.mktemp("chromium-phone") / "profile")
    session.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    yield session
    session.quit()


def _wait_for_url(driver, url: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while driver.current_url != url:
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {url}, the browser is at {driver.current_url}")
        time.sleep(0.05)


@pytest.mark.parametrize("code", ["ar", "ti"])
def test_every_phone_number_is_a_tel_link(phone, phone_site, code):
    from leaflet.workspace import PRINTED_PHONES
    from leaflet.workspace.contacts import tel_uri

    base, workspace = phone_site
    printed = {workspace.organisations[org].value(key): tel_uri(
        workspace.organisations[org].value(key)) for org, keys in PRINTED_PHONES.items()
        for key in keys}
    phone.get(f"{base}/{code}/index.html")
    shown = phone.execute_script("""
        return Array.from(document.querySelectorAll('bdi.tel')).map(function (b) {
          var a = b.closest('a');
          return {text: b.textContent, href: a ? a.getAttribute('href') : null,
                  direction: getComputedStyle(b).direction,
                  visible: b.getClientRects().length > 0};
        });""")
    numbers = [s for s in shown if s["text"].replace("\u00a0", " ") in printed]
    assert len(numbers) >= len(printed)  # each printed at least once, most several times
    assert {s["text"].replace("\u00a0", " ") for s in numbers} == set(printed)
    for s in numbers:
        number = s["text"].replace("\u00a0", " ")
        assert s["href"] == printed[number], s  # what the QR code dials
        assert s["direction"] == "ltr" and s["visible"], s
    # Nothing that looks like a number is left without its link (the edition reference
    # is a bdi.tel too when it is all digits, and is no phone number: no link).
    assert all(s["href"] or s["text"].replace("\u00a0", " ") not in printed for s in shown)
    assert phone.find_elements("css selector", "figure.qr")
    assert not any(f.is_displayed() for f in phone.find_elements("css selector", "figure.qr"))
    violations = browser.axe(phone)
    assert not violations, browser.describe(violations)


def _exit_in_view(driver) -> bool:
    return driver.execute_script("""
        var r = document.querySelector('[data-quick-exit]').getBoundingClientRect();
        return r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight
               && r.right <= innerWidth;""")


def test_the_quick_exit_stays_on_screen_and_leaves_the_site(phone, phone_site, away):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    base, _ = phone_site
    phone.get(f"{base}/index.html")
    phone.find_element("css selector", "a.language[href='ti/index.html']").click()
    _wait_for_url(phone, f"{base}/ti/index.html")
    phone.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert phone.execute_script("return scrollY") > 2000
    assert _exit_in_view(phone)
    # Without JavaScript the same link leaves for the same page.
    assert phone.find_element("css selector", "[data-quick-exit]").get_attribute("href") == away
    phone.find_element("css selector", "[data-quick-exit]").click()
    _wait_for_url(phone, away)
    phone.back()  # the leaflet's page was replaced: Back skips it
    time.sleep(0.3)
    assert phone.current_url != f"{base}/ti/index.html"

    for keys in ([Keys.ESCAPE], [Keys.SHIFT, Keys.SHIFT, Keys.SHIFT]):
        phone.get(f"{base}/ar/index.html")
        phone.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
        assert _exit_in_view(phone)
        actions = ActionChains(phone)
        for key in keys:
            actions.key_down(key).key_up(key)
        actions.perform()
        _wait_for_url(phone, away)

    # Two Shift presses are not three: the page stays.
    phone.get(f"{base}/ar/index.html")
    ActionChains(phone).key_down(Keys.SHIFT).key_up(Keys.SHIFT).key_down(Keys.SHIFT) \
        .key_up(Keys.SHIFT).perform()
    time.sleep(0.3)
    assert phone.current_url == f"{base}/ar/index.html"


def test_the_index_search_finds_tigrinya_from_eritrea(phone, phone_site):
    base, _ = phone_site
    phone.get(f"{base}/index.html")
    field = phone.find_element("css selector", "form.site-search input#q")
    field.send_keys("Eritrea")
    deadline = time.monotonic() + 10
    while not phone.find_elements("css selector", "#results a.language"):
        assert time.monotonic() < deadline, phone.find_element("id", "results").text
        time.sleep(0.05)
    rows = phone.execute_script("""
        return Array.from(document.querySelectorAll('#results > ul > li')).map(function (li) {
          var a = li.querySelector(':scope > a.language');
          return {href: a ? a.getAttribute('href') : null,
                  english: li.querySelector('.english').textContent};
        });""")
    assert rows[0] == {"href": "ti/index.html", "english": "Tigrinya"}, rows
    english = [r["english"] for r in rows]
    # Eritrea's other languages CLDR knows: the built ones link, Tigre has no leaflet.
    assert {"English", "Arabic", "Tigre"} <= set(english), english
    assert next(r for r in rows if r["english"] == "Tigre")["href"] is None
    assert "Eritrea" in phone.find_element("id", "results-title").text
    violations = browser.axe(phone)
    assert not violations, browser.describe(violations)

    # A typo and a name in another language find it too; nonsense says so.
    for query, first in (("tigrinia", "ti/index.html"), ("Érythrée", "ti/index.html")):
        field.clear()
        field.send_keys(query)
        time.sleep(0.6)
        assert phone.execute_script(
            "var a = document.querySelector('#results a.language');"
            "return a && a.getAttribute('href')") == first, query
    field.clear()
    field.send_keys("qqqqzzzz")
    time.sleep(0.6)
    assert not phone.find_elements("css selector", "#results a.language")
    assert phone.find_elements("css selector", "#results p")
