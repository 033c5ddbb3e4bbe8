"""Make docs/samples/station-kiosk.png, station-receipt.png, station-desk-nl.png and
station-receipt-nl.png: what `leaflet serve` shows (the last two at a desk whose account's
language is Dutch).

    .venv/bin/python docs/samples/station.py

Does what tests/station/test_browser.py does: copies the project's workspace into a temporary
folder with English, Tigrinya and Arabic, builds it, makes a desk account in a new SQLite log
there, starts `leaflet serve` on a free localhost port and drives Debian's headless Chromium
(Selenium and chromedriver; tests/station/browser.py) with a 1280x900 page. The first picture
is the kiosk's language page; the second the desk's receipt after a hand-over recorded for Tigrinya
with the kiosk code (a victim without legal residence, the Foreigners Department not yet
informed, so a duty is left to do); the last two the same hand-over at a Dutch desk (an
account made with `--lang nl`): the form filled from the kiosk code, and its receipt. Each
image is reduced to a 64-colour palette to stay under
300 KB.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LIMIT = 300 * 1024
sys.path.insert(0, str(HERE))
from make_report_samples import palette, report_sizes  # noqa: E402  (the samples' shared helpers)
ANSWERS = [("assessment", "victim"), ("residence_status", "illegal"), ("leaflet", "given"),
           ("centre_action", "intake"), ("centre", "payoke"),
           ("foreigners_dept_informed", "no")]


def build_workspace(folder: Path, languages: list[str]) -> Path:
    from click.testing import CliRunner

    from conftest import copy_workspace  # tests/conftest.py
    from leaflet.cli import cli

    ws = copy_workspace(folder / "ws", languages=languages)
    result = CliRunner().invoke(cli, ["--workspace", str(ws), "build"])
    if result.exit_code != 0:
        raise SystemExit(f"leaflet build failed:\n{result.output}")
    return ws


def dutch_desk(driver, server, folder: Path) -> dict:
    """The same hand-over at a Dutch desk: its form from the kiosk code, then the receipt."""
    from selenium.webdriver.common.by import By
    from station import browser

    base = server.base
    driver.delete_all_cookies()
    driver.get(base + "/kiosk/ti/officer")
    code = driver.find_element(By.CSS_SELECTOR, "p.kiosk-code").text.strip()
    from station.conftest import PASSWORD

    browser.log_in(driver, base, "B5678", PASSWORD)
    driver.find_element(By.ID, "code").send_keys(code)
    driver.find_element(By.CSS_SELECTOR, "form.kiosk-code-form button").click()
    browser.wait_for_path(driver, base, "/desk/?code=")
    for name, value in ANSWERS:
        driver.find_element(By.CSS_SELECTOR, f"input[name={name}][value={value}]").click()
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(str(folder / "desk-nl.png"))
    sizes = {"station-desk-nl.png": palette(folder / "desk-nl.png",
                                            HERE / "station-desk-nl.png")}
    driver.find_element(By.CSS_SELECTOR, "form.handover button[type=submit]").click()
    browser.wait_for_path(driver, base, "/desk/receipt/")
    if driver.find_element(By.TAG_NAME, "html").get_attribute("lang") != "nl":
        raise SystemExit("the Dutch account's receipt is not in Dutch")
    driver.save_screenshot(str(folder / "receipt-nl.png"))
    sizes["station-receipt-nl.png"] = palette(folder / "receipt-nl.png",
                                              HERE / "station-receipt-nl.png")
    return sizes


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from selenium.webdriver.common.by import By

    from leaflet.storage.engine import dispose_engines
    from station import browser  # tests/station/browser.py
    from station.conftest import LANGUAGES, OFFICER, PASSWORD, UNIT, make_account
    from leaflet.station.accounts import Accounts

    with tempfile.TemporaryDirectory(prefix="leaflet-station-") as tmp:
        folder = Path(tmp)
        ws = build_workspace(folder, LANGUAGES)
        db = str(folder / "log.sqlite3")
        make_account(db)
        Accounts(db, create=True).add("B5678", UNIT, PASSWORD, lang="nl")
        dispose_engines()
        sizes = {}
        with browser.Server(ws, db, folder / "serve.log") as server:
            driver = browser.chromium(folder / "profile")
            try:
                # The window is 1280x900; the pictures show a 1280x900 page, not less.
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                    "width": browser.WIDTH, "height": browser.HEIGHT, "deviceScaleFactor": 1,
                    "mobile": False})
                base = server.base
                driver.get(base + "/kiosk/")
                browser.wait_for_fonts(driver)
                driver.save_screenshot(str(folder / "kiosk.png"))
                sizes["station-kiosk.png"] = palette(folder / "kiosk.png",
                                                     HERE / "station-kiosk.png")

                driver.get(base + "/kiosk/ti/officer")
                code = driver.find_element(By.CSS_SELECTOR, "p.kiosk-code").text.strip()
                browser.log_in(driver, base, OFFICER, PASSWORD)
                driver.find_element(By.ID, "code").send_keys(code)
                driver.find_element(By.CSS_SELECTOR, "form.kiosk-code-form button").click()
                browser.wait_for_path(driver, base, "/desk/?code=")
                for name, value in ANSWERS:
                    driver.find_element(By.CSS_SELECTOR,
                                        f"input[name={name}][value={value}]").click()
                driver.find_element(By.CSS_SELECTOR, "form.handover button[type=submit]").click()
                browser.wait_for_path(driver, base, "/desk/receipt/")
                if driver.find_element(By.TAG_NAME, "h1").text.strip() != "Recorded":
                    raise SystemExit("no receipt after the hand-over:\n"
                                     + driver.find_element(By.TAG_NAME, "body").text
                                     + "\n--- leaflet serve:\n" + server.output())
                driver.save_screenshot(str(folder / "receipt.png"))
                sizes["station-receipt.png"] = palette(folder / "receipt.png",
                                                       HERE / "station-receipt.png")
                sizes.update(dutch_desk(driver, server, folder))
            finally:
                driver.quit()
        dispose_engines()
    report_sizes(sizes, LIMIT)


if __name__ == "__main__":
    main()
