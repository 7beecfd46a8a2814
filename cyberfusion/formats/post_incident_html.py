"""A post-incident report as HTML (the body shared by the web page and the PDF, and a
standalone page styled like the cyber activity reports) and as PDF."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from cyberfusion.domain.handling import TLP
from cyberfusion.formats import report_html, report_pdf


def body(doc: dict[str, Any]) -> Markup:
    """The report's sections as an HTML fragment (every value escaped)."""
    template = report_html.environment().get_template("post_incident_body.html")
    return Markup(template.render(doc=doc, tlp_label=TLP(doc["tlp"]).label))


def page(doc: dict[str, Any]) -> str:
    """A standalone HTML page of the report, styled for screen and print."""
    return report_html.standalone(doc["title"], TLP(doc["tlp"]), body(doc))


def pdf(doc: dict[str, Any]) -> bytes:
    """The PDF bytes of the report."""
    return report_pdf.render_html(page(doc))
