"""HTML to PDF with WeasyPrint: the only module of the build that imports it.

The PDF is rendered in memory and written through a temporary file and a rename, so a
failed render never leaves a partial PDF where a good one is expected.
"""

from __future__ import annotations

import hashlib
import contextlib
import logging
from pathlib import Path

from leaflet.errors import BuildError
from leaflet.files import write_atomic


class _Collect(logging.Handler):
    """Keeps WeasyPrint's warnings (a missing font, an unsupported CSS rule) for the caller."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def collected_warnings():
    """Within the block, WeasyPrint's warnings go into the yielded list."""
    collect = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collect)
    try:
        yield collect.messages
    finally:
        logger.removeHandler(collect)


def render_document(html: str, base_url: str):
    """WeasyPrint's laid-out document for `html` (pages, then write_pdf)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url).render()


def render_pdf(html: str, base_url: str) -> tuple[bytes, int, list[str]]:
    """PDF bytes, page count and WeasyPrint's warnings for one HTML document."""
    with collected_warnings() as warnings:
        document = render_document(html, base_url)
        return document.write_pdf(), len(document.pages), warnings


def write_pdf(html: str, base_url: str, dest: Path, *, layout_of: tuple[str, str] | None = None
              ) -> dict:
    """Render `html` to `dest`; return sha256, pages, bytes and WeasyPrint's warnings.

    With `layout_of` = (catalogue path as shown, language code), the laid-out pages are
    checked as `leaflet check` checks them (LAYOUT) before anything is written: the build
    pays for one layout, not two. Layout errors come back as `{"findings": [...]}` and no
    file is written.
    """
    from leaflet.edition.checks import ERROR, layout_findings, sections_of

    try:
        with collected_warnings() as warnings:
            document = render_document(html, base_url)
            if layout_of is not None:
                findings = [f for f in layout_findings(document.pages, sections_of(html),
                                                       *layout_of) if f.severity == ERROR]
                if findings:
                    return {"findings": [str(f) for f in findings]}
            data, pages = document.write_pdf(), len(document.pages)
    except Exception as exc:
        raise BuildError(f"rendering failed: {exc}", path=dest) from exc
    try:
        write_atomic(dest, data)
    except OSError as exc:
        raise BuildError(f"cannot write the PDF: {exc.strerror or exc}", path=dest,
                         hint="check that output/ is writable") from None
    return {"sha256": hashlib.sha256(data).hexdigest(), "pages": pages, "bytes": len(data),
            "warnings": warnings}
