"""How much of the leaflet a PDF reader extracts exactly: with the text fixes of
leaflet/edition/pdf.py against WeasyPrint's own PDF of the same HTML (the anchor), side by
side in one run.

For each language given, every sentence of the catalogue that the PDF prints (no
placeholder, no markup) is looked for in the text pdfium (pypdfium2) and poppler
(pdftotext) extract, after NFC, bidi marks removed and whitespace made single. Prints the
count found exactly, fixed and anchor (tests/pdfutil.py's extractors and normalisation, as
tests/test_accessible_pdf.py uses them). Usage:
    .venv/bin/python benchmarks/extraction.py [--lang ar,fa,ps,ur,hi,bn,ne,th,am]
"""

from __future__ import annotations

import argparse
import html as html_lib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # pdfutil: the tests' extractors and normalisation

ANCHOR = r"""
import sys, weasyprint
from pathlib import Path
html = Path(sys.argv[1]).read_text(encoding="utf-8")
Path(sys.argv[2]).write_bytes(weasyprint.HTML(string=html, base_url=sys.argv[3]).write_pdf(
    pdf_variant="pdf/ua-1"))
"""
def extract(path: Path) -> dict[str, str]:
    from pdfutil import logical, pdf_text, poppler_text  # tests/pdfutil.py

    return {"pdfium": logical(pdf_text(path)), "poppler": logical(poppler_text(path))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ar,fa,ps,ur,hi,bn,ne,th,am,zh-Hans")
    args = parser.parse_args()
    from leaflet.edition import plan
    from leaflet.translation import catalog
    from leaflet.render import pdf
    from leaflet.workspace import load_workspace
    from pdfutil import logical

    ws = load_workspace(ROOT)
    codes = args.lang.split(",")
    jobs = plan.prepare(ws, plan.plan(ws, codes, force=True)[0])
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
            sentences = [logical(e.msgstr) for e in po if e.msgstr and not e.obsolete
                         and "%(" not in e.msgid and "<" not in e.msgid]
            body = job.html.split("<body", 1)[1]
            body = re.sub(r"(?s)<svg.*?</svg>", " ", body)
            shown = logical(html_lib.unescape(re.sub(r"<[^>]*>", " ", body)))
            printed = [s for s in sentences if s in shown]
            count = {(k, e): sum(s in texts[k][e] for s in printed)
                     for k in texts for e in ("pdfium", "poppler")}
            print(f"{job.lang.code:8} {len(printed):>9}  "
                  f"{count['fixed', 'pdfium']:>9}/{count['anchor', 'pdfium']:<10}  "
                  f"{count['fixed', 'poppler']:>10}/{count['anchor', 'poppler']:<10}")


if __name__ == "__main__":
    main()
