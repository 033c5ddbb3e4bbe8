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


def render_document(html: str, base_url: str, stylesheets=()):
    """WeasyPrint's laid-out document for `html` (pages, then write_pdf)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=base_url).render(
        stylesheets=list(stylesheets))


def render_pdf(html: str, base_url: str) -> tuple[bytes, int, list[str]]:
    """PDF bytes, page count and WeasyPrint's warnings for one HTML document."""
    with collected_warnings() as warnings:
        document = render_document(html, base_url)
        return document.write_pdf(), len(document.pages), warnings


def lay_out(html: str, base_url: str, *, layout_of: tuple[str, str] | None = None,
            fill: bool = True, stylesheets=()) -> dict:
    """Lay `html` out once; with `layout_of` = (catalogue path as shown, language code),
    check the laid-out pages as `leaflet check` checks them (LAYOUT; FILL when `fill`).

    Returns {"document", "warnings"} or, on layout errors, {"findings": [...]}: the build
    pays for one layout, not two, and writes nothing for a language that does not fit.
    """
    from leaflet.edition.checks import ERROR, layout_findings, sections_of

    try:
        with collected_warnings() as warnings:
            document = render_document(html, base_url, stylesheets)
            if layout_of is not None:
                findings = [f for f in layout_findings(document.pages, sections_of(html),
                                                       *layout_of, fill=fill)
                            if f.severity == ERROR]
                if findings:
                    return {"findings": [str(f) for f in findings]}
    except Exception as exc:
        raise BuildError(f"rendering failed: {exc}") from exc
    return {"document": document, "warnings": warnings}


def write_laid_out(laid_out: dict, dest: Path) -> dict:
    """Write a laid-out document to `dest`; return sha256, pages, bytes, warnings."""
    try:
        data = laid_out["document"].write_pdf()
    except Exception as exc:
        raise BuildError(f"rendering failed: {exc}", path=dest) from exc
    try:
        write_atomic(dest, data)
    except OSError as exc:
        raise BuildError(f"cannot write the PDF: {exc.strerror or exc}", path=dest,
                         hint="check that output/ is writable") from None
    return {"sha256": hashlib.sha256(data).hexdigest(),
            "pages": len(laid_out["document"].pages), "bytes": len(data),
            "warnings": list(laid_out["warnings"])}

