"""A real browser against a real `leaflet serve`: what tests/station/test_browser.py and
docs/samples/station.py share.

- `Server`: `leaflet -w WS serve --db DB --port PORT` as a subprocess on a free localhost port,
  waited for until it answers, stopped with terminate and then kill.
- `chromium()`: Debian's Chromium driven by Debian's chromedriver through Selenium (no browser
  download, no webdriver-manager), headless, in a new empty profile, 1280x900, with the
  browser console and the network (performance) logs on.
- `axe()`: axe-core (installed by `bash .ci/setup` into .ci/node) run in the page.
- `requests_sent()` / `severe()`: what the page fetched and what it logged as an error.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE = ROOT / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
WIDTH, HEIGHT = 1280, 900
CHROMIUM_FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-default-apps",
                  f"--window-size={WIDTH},{HEIGHT}"]
DESK_VARIABLES = ("LEAFLET_DB", "LEAFLET_UNIT", "LEAFLET_OFFICER", "LEAFLET_SERVICE",
                  "LEAFLET_WORKSPACE")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (the OS picks it for a socket bound to 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """`leaflet serve` on 127.0.0.1:`port` for workspace `ws` and log `db` (a subprocess)."""

    def __init__(self, ws: Path, db: str, log: Path, port: int | None = None):
        self.ws, self.db, self.log_path = Path(ws), db, Path(log)
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 60.0) -> "Server":
        env = {k: v for k, v in os.environ.items() if k not in DESK_VARIABLES}
        # The station's key beside the server's log file, never in the user's config.
        env["LEAFLET_STATION_KEY_FILE"] = str(self.log_path.with_name("station.key"))
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "leaflet", "-w", str(self.ws), "serve", "--db", self.db,
             "--port", str(self.port)],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT, env=env,
            cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"leaflet serve exited with {self.process.returncode}:\n"
                                   + self.output())
            try:
                with urllib.request.urlopen(self.base + "/desk/login", timeout=5) as answer:
                    if answer.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"leaflet serve did not answer on {self.base} within "
                                   f"{timeout:.0f} s:\n" + self.output())
            time.sleep(0.2)

    def output(self) -> str:
        if self._log is not None:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def chromium(profile: Path, javascript: bool = True, accept_language: str | None = None):
    """A Selenium session in Debian's headless Chromium, with a new empty profile at
    `profile`, the console ("browser") and network ("performance") logs on; with
    `javascript=False` the pages' own scripts do not run (WebDriver's still do); with
    `accept_language` ("de-BE,de") the browser asks for those languages."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for path in (CHROMIUM, CHROMEDRIVER):
        if not Path(path).is_file():
            raise RuntimeError(f"{path} is missing: `bash .ci/setup` installs Debian's "
                               "chromium and chromium-driver")
    profile = Path(profile)
    profile.mkdir(parents=True, exist_ok=True)
    if any(profile.iterdir()):
        raise RuntimeError(f"{profile} is not an empty folder for a new browser profile")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    prefs = {}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    if accept_language:  # the browser's Accept-Language, as a user sets it
        prefs["intl.accept_languages"] = accept_language
    if prefs:
        options.add_experimental_option("prefs", prefs)
    driver = webdriver.Chrome(options=options, service=Service(executable_path=CHROMEDRIVER))
    driver.set_window_size(WIDTH, HEIGHT)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(30)
    return driver


def log_in(driver, base: str, name: str, password: str) -> None:
    """Log in at the desk through its login form (and land on the desk's form)."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/desk/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    click_and_wait(driver, base, "form.login button[type=submit]", "/desk/")


def click_and_wait(driver, base: str, target, prefix: str, timeout: float = 15.0) -> str:
    """Click `target` (a link or a form's button: an element, or its CSS selector) and wait for
    the page it leads to: first the page it is on gone (its <html> stale), then one under
    `prefix` loaded. Waiting for the path alone returns at once when the page clicked on is
    already under `prefix` (the login form is under /desk/), before the browser has left it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    if isinstance(target, str):
        target = driver.find_element(By.CSS_SELECTOR, target)
    target.click()
    WebDriverWait(driver, timeout).until(expected_conditions.staleness_of(page))
    return wait_for_path(driver, base, prefix, timeout)


def wait_for_path(driver, base: str, prefix: str, timeout: float = 15.0) -> str:
    """Wait until the page's URL path starts with `prefix` and the page has loaded."""
    deadline = time.monotonic() + timeout
    while True:
        url = driver.current_url
        if (url.startswith(base + prefix)
                and driver.execute_script("return document.readyState") == "complete"):
            return url
        if time.monotonic() > deadline:
            raise AssertionError(f"expected a page under {prefix}, the browser is at {url}")
        time.sleep(0.05)


def wait_for_fonts(driver) -> None:
    """Wait until the page's web fonts (the kiosk's subsets) are loaded."""
    driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "document.fonts.ready.then(function () { done(true); });")


# --- what the page fetched, what it logged -----------------------------------------------------

def requests_sent(performance_log: list[dict]) -> list[str]:
    """The URL of every Network.requestWillBeSent in a performance log."""
    urls = []
    for entry in performance_log:
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def foreign(urls: list[str], base: str) -> list[str]:
    """The URLs that are neither on `base` nor data: URLs."""
    return [u for u in urls if not (u.startswith(base + "/") or u.startswith("data:"))]


def severe(browser_log: list[dict]) -> list[str]:
    return [f"{e.get('source', '')}: {e['message']}" for e in browser_log
            if e.get("level") == "SEVERE"]


# --- accessibility -------------------------------------------------------------------------------

def axe_source() -> str:
    if not AXE.is_file():
        raise RuntimeError(f"axe-core is missing ({AXE.relative_to(ROOT)}): run `bash .ci/setup`, "
                           "which installs the Node packages of .ci/node/package.json")
    return AXE.read_text(encoding="utf-8")


def axe(driver, source: str | None = None) -> list[dict]:
    """axe-core's violations on the page open in `driver` (all impacts)."""
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(source or axe_source())
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document).then(function (r) { done({violations: r.violations}); },"
        " function (e) { done({error: String(e)}); });")
    if "error" in result:
        raise RuntimeError(f"axe.run failed: {result['error']}")
    return result["violations"]


def grave(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict], targets: int = 4) -> str:
    lines = []
    for v in violations:
        # a target is a list of selectors (one per frame or shadow root down to the node)
        nodes = [" >> ".join(map(str, n.get("target") or [])) for n in v.get("nodes", [])]
        shown = "; ".join(nodes[:targets])
        more = f" (+{len(nodes) - targets} more)" if len(nodes) > targets else ""
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v.get('help')} -> {shown}{more}")
    return "\n".join(lines)
