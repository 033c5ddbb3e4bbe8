"""Make docs/samples/report-html.png and report-pdf-page1.png: what a supervisor sees.

    .venv/bin/python docs/samples/make_report_samples.py

Builds a seeded synthetic log of 20,000 encounters (benchmarks/report.py's mix) in a
temporary folder, renders the third quarter of 2026 per month with `leaflet report`, then
takes the top of the HTML page in headless Chromium (`chromium --screenshot`, Debian package
chromium) and page 1 of the PDF with pypdfium2. Each image is reduced to a 64-colour palette
to stay under 150 KB.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LIMIT = 150 * 1024
PERIOD = ["--from", "2026-07-01", "--to", "2026-10-01", "--by", "month"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def synthetic_log(folder: Path) -> str:
    spec = importlib.util.spec_from_file_location("report_benchmark",
                                                  ROOT / "benchmarks" / "report.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    path = folder / "log.sqlite3"
    bench.build_database(path, 20000, seed=1997, quiet=True)
    return str(path)


def leaflet_report(db: str, *args: str) -> None:
    from click.testing import CliRunner

    from leaflet.cli import cli

    result = CliRunner().invoke(cli, ["--workspace", str(ROOT), "report", *PERIOD, *args,
                                      "--db", db])
    if result.exit_code != 0:
        raise SystemExit(result.output)


def palette(source: Path, dest: Path) -> int:
    from PIL import Image

    with Image.open(source) as image:
        image.convert("RGB").quantize(colors=64, dither=0).save(dest, optimize=True)
    return dest.stat().st_size


def report_sizes(sizes: dict[str, int], limit: int) -> None:
    """Print each sample's size; stop when one is over `limit` bytes (the README stays light)."""
    for name, size in sizes.items():
        if size > limit:
            raise SystemExit(f"docs/samples/{name}: {size} bytes, over {limit}")
        print(f"docs/samples/{name}  {size // 1024} KB")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="leaflet-samples-") as tmp:
        folder = Path(tmp)
        db = synthetic_log(folder)
        html, pdf = folder / "report.html", folder / "report.pdf"
        leaflet_report(db, "--format", "html", "--max-follow-up", "50", "-o", str(html))
        leaflet_report(db, "--format", "pdf", "--max-follow-up", "50", "-o", str(pdf))

        shot = folder / "shot.png"
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={folder / 'profile'}",
                        "--window-size=1000,1250", f"--screenshot={shot}", html.as_uri()],
                       check=True, capture_output=True, timeout=120)
        sizes = {"report-html.png": palette(shot, HERE / "report-html.png")}

        import pypdfium2 as pdfium

        document = pdfium.PdfDocument(str(pdf))
        try:
            page = folder / "page1.png"
            document[0].render(scale=100 / 72).to_pil().save(page)
        finally:
            document.close()
        sizes["report-pdf-page1.png"] = palette(page, HERE / "report-pdf-page1.png")
    report_sizes(sizes, LIMIT)


if __name__ == "__main__":
    main()
