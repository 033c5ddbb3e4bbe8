"""Make docs/samples/site-ar-phone.png: the static site's Arabic page on a phone.

    .venv/bin/python docs/samples/site.py

Copies the project's workspace into a temporary folder with English and Arabic, runs
`leaflet build --site` (PDFs, audio, site), opens output/<edition>/site/ar/index.html from
the file system in Debian's headless Chromium (tests/station/browser.py) emulating a
390x844 phone, and keeps the first screen: the easy-read page with its pictograms, the
quick exit, the audio player. Reduced to a 64-colour palette to stay under 300 KB.
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


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from click.testing import CliRunner

    from conftest import EDITION, copy_workspace  # tests/conftest.py
    from leaflet.cli import cli
    from station import browser  # tests/station/browser.py

    with tempfile.TemporaryDirectory(prefix="leaflet-site-") as tmp:
        folder = Path(tmp)
        ws = copy_workspace(folder / "ws", languages=["en", "ar"])
        result = CliRunner().invoke(cli, ["--workspace", str(ws), "build", "--site"])
        if result.exit_code != 0:
            raise SystemExit(f"leaflet build --site failed:\n{result.output}")
        driver = browser.chromium(folder / "profile")
        try:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
            driver.get((ws / "output" / EDITION / "site" / "ar" / "index.html").as_uri())
            browser.wait_for_fonts(driver)
            driver.save_screenshot(str(folder / "site.png"))
            sizes = {"site-ar-phone.png": palette(folder / "site.png",
                                                  HERE / "site-ar-phone.png")}
        finally:
            driver.quit()
    report_sizes(sizes, LIMIT)


if __name__ == "__main__":
    main()
