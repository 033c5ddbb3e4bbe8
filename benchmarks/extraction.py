"""How much of the leaflet a PDF reader extracts exactly: with the text fixes of
leaflet/edition/pdf.py against WeasyPrint's own PDF of the same HTML (the anchor), side by
side in one run.

For each language given, every sentence of the catalogue that the PDF prints (no
placeholder, no markup) is looked for in the text pdfium (pypdfium2) and poppler
(pdftotext) extract, after NFC, bidi marks removed and whitespace made single. Prints the
count found exactly, fixed and anchor. Usage:
    .venv/bin/python benchmarks/extraction.py [--lang ar,fa,ps,ur,hi,bn,ne,th,am]
"""

from __future__ import annotations

import argparse
import html as html_lib
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANCHOR = r"""
import sys, weasyprint
from pathlib import Path
html = Path(sys.argv[1]).read_text(encoding="utf-8")
Path(sys.argv[2]).write_bytes(weasyprint.HTML(string=html, base_url=sys.argv[3]).write_pdf(
    pdf_variant="pdf/ua-1"))
"""
_BIDI = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NO_SPACE = re.compile(r"[\u0e00-\u0e7f\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def normalise(text: str) -> str:
    text = _BIDI.sub("", unicodedata.normalize("NFC", text))
    text = re.sub(r"(?<=\S)[ \t]*[\r\n]+[ \t]*(?=\S)",
                  lambda m: "" if _NO_SPACE.match(text[m.start() - 1])
                  and _NO_SPACE.match(text[m.end()]) else " ", text)
    return re.sub(r"\s+", " ", text).strip()


def extract(path: Path) -> dict[str, str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pdfium_text = "\n".join(p.get_textpage().get_text_range() for p in pdf)
    finally:
        pdf.close()
    poppler = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                             capture_output=True, text=True).stdout
    return {"pdfium": normalise(pdfium_text), "poppler": normalise(poppler)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ar,fa,ps,ur,hi,bn,ne,th,am,zh-Hans")
    args = parser.parse_args()
    from leaflet.edition import build, catalog, pdf
    from leaflet.workspace import load_workspace

    ws = load_workspace(ROOT)
    codes = args.lang.split(",")
    jobs = build.prepare(ws, build.plan(ws, codes, force=True)[0])
    print(f"{'lang':8} {'sentences':>9}  {'pdfium fixed/anchor':>20}  {'poppler fixed/anchor':>21}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for job in jobs:
            base = str(ws.templates_dir) + "/"
            fixed, anchor, html = (tmp / f"{job.lang.code}{s}" for s in
                                   (".pdf", "-anchor.pdf", ".html"))
            pdf.write_laid_out(pdf.lay_out(job.html, base), fixed)
            html.write_text(job.html, encoding="utf-8")
            subprocess.run([sys.executable, "-c", ANCHOR, str(html), str(anchor), base],
                           check=True)
            texts = {"fixed": extract(fixed), "anchor": extract(anchor)}
            po = catalog.read_po(job.catalogue)
            sentences = [normalise(e.msgstr) for e in po if e.msgstr and not e.obsolete
                         and "%(" not in e.msgid and "<" not in e.msgid]
            body = job.html.split("<body", 1)[1]
            body = re.sub(r"(?s)<svg.*?</svg>", " ", body)
            shown = normalise(html_lib.unescape(re.sub(r"<[^>]*>", " ", body)))
            printed = [s for s in sentences if s in shown]
            count = {(k, e): sum(s in texts[k][e] for s in printed)
                     for k in texts for e in ("pdfium", "poppler")}
            print(f"{job.lang.code:8} {len(printed):>9}  "
                  f"{count['fixed', 'pdfium']:>9}/{count['anchor', 'pdfium']:<10}  "
                  f"{count['fixed', 'poppler']:>10}/{count['anchor', 'poppler']:<10}")


if __name__ == "__main__":
    main()
