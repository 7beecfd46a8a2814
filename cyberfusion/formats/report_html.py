"""A cyber activity report document as HTML: the body (sections, tables, charts as PNG data
URIs) shared by the web viewer and the PDF, and a standalone page with its own style."""

from __future__ import annotations

import base64
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from cyberfusion import i18n
from cyberfusion.domain.handling import TLP
from cyberfusion.terms import term


@cache
def environment() -> Environment:
    """The Jinja environment of the report templates (shared by every product), with `_()`."""
    env = Environment(loader=PackageLoader("cyberfusion.formats", "report_templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      extensions=["jinja2.ext.i18n"])
    i18n.install(env)
    env.filters["term"] = term
    return env


@cache
def stylesheet() -> str:
    """The report's CSS (page size, fonts, tables)."""
    return (resources.files("cyberfusion.formats") / "report_templates" / "report.css"
            ).read_text(encoding="utf-8")


def _data_uri(png: bytes | None) -> str:
    return f"data:image/png;base64,{base64.b64encode(png).decode()}" if png else ""


def charts(doc: dict[str, Any]) -> dict[str, str]:
    """The charts of a document as data URIs (empty when there is nothing to plot)."""
    if doc["empty"]:
        return {"trend": "", "countries": ""}
    # matplotlib takes about half a second to import: only the commands that draw pay it.
    from cyberfusion.formats import report_charts

    return {"trend": _data_uri(report_charts.trend_png(doc)),
            "countries": _data_uri(report_charts.country_png(doc))}


def body(doc: dict[str, Any], chart_uris: dict[str, str] | None = None,
         language: str | None = None) -> Markup:
    """The report's sections as an HTML fragment (every value escaped), in `language` (else the
    language of the page being rendered)."""
    template = environment().get_template("report_body.html")
    cells = {(t["month"], t["crime_type"]): t["cases"] for t in doc["trend"]}
    with i18n.using(language or i18n.current()):
        return Markup(template.render(
            doc=doc, tlp_label=TLP(doc["tlp"]).label, trend_cells=cells,
            charts=chart_uris if chart_uris is not None else charts(doc)))


def page(doc: dict[str, Any], language: str = i18n.DEFAULT) -> str:
    """A standalone HTML page of the report in `language`, styled for screen and print."""
    with i18n.using(language):
        return standalone(doc["title"], TLP(doc["tlp"]), body(doc, language=language))


def standalone(title: str, tlp: TLP, content: Markup) -> str:
    """A standalone HTML page around a product's body, with the report style, in the
    language being rendered."""
    template = environment().get_template("report_page.html")
    language = i18n.current()
    return template.render(doc={"title": title}, tlp_label=tlp.label,
                           css=Markup(stylesheet()), body=content, lang=language,
                           dir=i18n.direction(language))
