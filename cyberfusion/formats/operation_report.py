"""An operation's after-action report: one JSON document (results totals, timeline, tasks,
takedowns), its HTML page in the reports' style, and its PDF (WeasyPrint, like reports).

The document is written from what the service read for a participant; the same content
gives the same document (lists in a fixed order, times from the stored records).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.operations import (
    ActionDay,
    Operation,
    ResultEntry,
    ResultTotal,
    Takedown,
    Task,
)
from cyberfusion.formats import report_html, report_pdf

#: Version of the document's shape.
DOC_VERSION = 1


@cache
def _env() -> Environment:
    env = Environment(loader=PackageLoader("cyberfusion.formats", "report_templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      extensions=["jinja2.ext.i18n"])
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


def document(op: Operation, tasks: tuple[Task, ...], days: tuple[ActionDay, ...],
             results: tuple[ResultEntry, ...], sums: tuple[ResultTotal, ...],
             takedowns: tuple[Takedown, ...], as_of: str) -> dict[str, Any]:
    """The JSON-ready after-action document of an operation."""
    return {
        "version": DOC_VERSION, "operation_id": op.id, "title": op.title, "as_of": as_of,
        "tlp": op.handling.tlp.value, "status": op.status.value, "lead": op.lead_org_id,
        "participants": list(op.participants), "countries": list(op.countries),
        "network": op.network_ref, "summary": op.summary,
        "totals": [{"kind": t.kind.value, "count": t.count,
                    "amounts": [{"currency": c, "amount": str(a)} for c, a in t.amounts]}
                   for t in sums],
        "timeline": timeline(days, results, takedowns),
        "tasks": [{"id": t.id, "title": t.title, "owner": t.owner_org_id,
                   "owner_user": t.owner_user, "due": t.due.isoformat() if t.due else None,
                   "status": t.status.value} for t in tasks],
        "takedowns": [{"id": t.id, "type": t.value_type, "value": t.value,
                       "country": t.country, "status": t.status.value, "by": t.by_org,
                       "at": t.updated_at.isoformat(), "note": t.note} for t in takedowns],
        "results": [{"kind": r.kind.value, "count": r.count, "country": r.country,
                     "by": r.by_org, "at": r.at.isoformat(),
                     "amount": str(r.amount) if r.amount is not None else None,
                     "currency": r.currency, "note": r.note} for r in results],
    }


def timeline(days: tuple[ActionDay, ...], results: tuple[ResultEntry, ...],
             takedowns: tuple[Takedown, ...]) -> list[dict[str, str]]:
    """Action days, results and takedowns in time order."""
    events = [{"at": d.day.isoformat(), "what": "action day",
               "detail": f"{', '.join(d.countries)}: {d.description}"} for d in days]
    events += [{"at": r.at.isoformat(), "what": r.kind.value.replace("_", " "),
                "detail": f"{r.count} in {r.country} by {r.by_org}"
                          + (f" ({r.amount} {r.currency})" if r.amount is not None else "")}
               for r in results]
    events += [{"at": t.updated_at.isoformat(), "what": f"takedown {t.status.value}",
                "detail": f"{t.value_type} {t.value} by {t.by_org}"} for t in takedowns]
    return sorted(events, key=lambda e: (e["at"], e["what"], e["detail"]))


def body(doc: dict[str, Any]) -> Markup:
    """The report's sections as an HTML fragment (every value escaped)."""
    template = _env().get_template("after_action_body.html")
    return Markup(template.render(doc=doc, tlp_label=TLP(doc["tlp"]).label))


def page(doc: dict[str, Any]) -> str:
    """A standalone HTML page of the report, in the reports' style."""
    template = _env().get_template("report_page.html")
    return template.render(doc=doc, tlp_label=TLP(doc["tlp"]).label,
                           css=Markup(report_html.stylesheet()), body=body(doc))


def pdf(doc: dict[str, Any]) -> bytes:
    """The PDF bytes of the report."""
    return report_pdf.render_html(page(doc))


#: The after-action report's formats and their media types.
MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
         "json": "application/json"}


def render(doc: dict[str, Any], fmt: str) -> bytes:
    """The report as HTML, PDF or JSON bytes."""
    if fmt == "pdf":
        return pdf(doc)
    if fmt == "html":
        return page(doc).encode("utf-8")
    return (json.dumps(doc, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode()
