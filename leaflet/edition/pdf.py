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


def render_pdf(html: str, base_url: str) -> tuple[bytes, int, list[str]]:
    """PDF bytes, page count and WeasyPrint's warnings for one HTML document."""
    import weasyprint

    with collected_warnings() as warnings:
        document = weasyprint.HTML(string=html, base_url=base_url).render()
        return document.write_pdf(), len(document.pages), warnings


def write_pdf(html: str, base_url: str, dest: Path) -> dict:
    """Render `html` to `dest`; return sha256, pages, bytes and WeasyPrint's warnings."""
    try:
        data, pages, warnings = render_pdf(html, base_url)
        write_atomic(dest, data)
    except Exception as exc:
        raise BuildError(f"rendering failed: {exc}", path=dest) from exc
    return {"sha256": hashlib.sha256(data).hexdigest(), "pages": pages, "bytes": len(data),
            "warnings": warnings}
