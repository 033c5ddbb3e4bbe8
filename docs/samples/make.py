"""Make docs/samples/: a PNG of the front page for each script family, from built PDFs,
one of the language card's first page (the card is written first, as `leaflet card`), and
the front of the Arabic wallet card.

Run after `leaflet build`:  .venv/bin/python docs/samples/make.py
Each image is page 1 at 110 dpi, reduced to a 64-colour palette to stay under 150 KB.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LIMIT = 150 * 1024


def representatives(manifest: dict) -> dict[str, str]:
    """One language per script: the first configured language of each script family."""
    chosen: dict[str, str] = {}
    preferred = ["en", "ru", "el", "ar", "ti", "zh-Hans", "th", "hi", "bn"]
    for code in preferred + sorted(manifest["languages"]):
        entry = manifest["languages"].get(code)
        if entry and entry["script"] not in chosen:
            chosen[entry["script"]] = code
    return chosen


def render_front(pdf: Path, dest: Path, dpi: int = 110) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        image = document[0].render(scale=dpi / 72).to_pil().convert("RGB")
    finally:
        document.close()
    image.quantize(colors=64, dither=0).save(dest, optimize=True)
    return dest.stat().st_size


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from leaflet.workspace import load_workspace

    out = load_workspace(ROOT).output_dir
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    samples = {HERE / f"front-{script}-{code}.png": out / manifest["languages"][code]["pdf"]
               for script, code in representatives(manifest).items()}
    from leaflet.edition.card import build_card

    samples[HERE / "language-card.png"] = build_card(load_workspace(ROOT)).path
    wallet = out / manifest["languages"]["ar"]["card"]["pdf"]
    samples[HERE / "wallet-card-ar.png"] = wallet
    for dest, pdf in samples.items():
        size = render_front(pdf, dest, dpi=300 if pdf == wallet else 110)
        if size > LIMIT:
            raise SystemExit(f"{dest}: {size} bytes, over {LIMIT}")
        print(f"{dest.relative_to(ROOT)}  {size // 1024} KB")


if __name__ == "__main__":
    main()
