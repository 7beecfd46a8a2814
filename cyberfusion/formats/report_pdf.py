"""A cyber activity report document as PDF, laid out by WeasyPrint from the HTML page; the
DejaVu fonts it uses are embedded (subset) in the file."""

from __future__ import annotations

import logging
from typing import Any

from cyberfusion.formats import report_html


def render(doc: dict[str, Any]) -> bytes:
    """The PDF bytes of the report."""
    return render_html(report_html.page(doc))


def render_html(page: str) -> bytes:
    """The PDF bytes of a standalone product page (report, post-incident report)."""
    # Imported here: loading pango costs a second, and only PDFs need it.
    from weasyprint import HTML  # type: ignore[import-untyped]

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf
