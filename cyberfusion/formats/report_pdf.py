"""A report page as PDF (cyber activity and after-action reports), laid out by WeasyPrint
from the HTML page; the DejaVu fonts it uses are embedded (subset) in the file; DejaVu Sans
carries Arabic glyphs and Pango (HarfBuzz) joins and orders them, so Arabic reads right to
left."""

from __future__ import annotations

import logging
from typing import Any

from cyberfusion.formats import report_html


def render(doc: dict[str, Any], language: str = "en") -> bytes:
    """The PDF bytes of the report, its headings in `language`."""
    return render_html(report_html.page(doc, language))


def render_html(page: str) -> bytes:
    """The PDF bytes of a standalone report page (cyber activity or after-action report)."""
    # Imported here: loading pango costs a second, and only PDFs need it.
    from weasyprint import HTML  # type: ignore[import-untyped]

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    pdf: bytes = HTML(string=page).write_pdf()
    return pdf
