"""A report in Arabic: translated headings, `lang="ar" dir="rtl"` on the page, and a PDF whose
Arabic text is laid out with an embedded font that has Arabic glyphs (DejaVu Sans)."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from cyberfusion.formats import report_html, report_pdf

IP = "185.220.101.4"


def _doc() -> dict[str, Any]:
    """The smallest report document: a scope, recipients, an assessment and nothing found."""
    return {"tlp": "amber", "title": "تقرير تجريبي عن برمجيات الفدية", "report_id": 7,
            "as_of": "2026-12-03", "trend": [], "audience": None,
            "scope": {"from": "2026-01-01", "to": "2026-11-30", "regions": [],
                      "countries": ["FR"], "crime_types": [], "family": None, "network": None},
            "recipients": [{"org_id": "fr-ncb"}], "key_figures": {"withheld": 2},
            "empty": "لا شيء", "assessment": f"يتضمن التقرير عنوان {IP} للخادم."}


def test_the_report_page_is_in_the_language_asked() -> None:
    arabic = report_html.page(_doc(), "ar")
    assert '<html lang="ar" dir="rtl">' in arabic
    assert "تقرير عن الأنشطة السيبرانية" in arabic and "Cyber activity report" not in arabic
    english = report_html.page(_doc())
    assert '<html lang="en" dir="ltr">' in english and "Cyber activity report" in english


def test_an_arabic_pdf_embeds_a_font_with_arabic_glyphs() -> None:
    reader = PdfReader(io.BytesIO(report_pdf.render(_doc(), "ar")))
    text = reader.pages[0].extract_text()
    assert "تقرير تجريبي عن برمجيات الفدية" in text
    assert "الجهات المستلمة" in text and IP in text
    fonts = {str(font.get_object()["/BaseFont"])
             for font in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any(name.endswith("DejaVu-Sans") for name in fonts), fonts
