"""Post-incident reports: built for a reader who may read the incident (NotFound
otherwise, as for the incident itself), from what that reader sees of it (hits and payment
stops only for its reporter) and the recommendations kept as data for its type."""

from __future__ import annotations

import json
from typing import Any

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.domain.post_incident import PostIncidentFormat, post_incident_document
from cyberfusion.formats import post_incident_html
from cyberfusion.formats.recovery import recommendations
from cyberfusion.services import audit, incidents
from cyberfusion.services.context import Context


def build(ctx: Context, principal: Principal, incident_id: int) -> dict[str, Any]:
    """The post-incident report document as the caller may see it (audited)."""
    require(principal, Permission.INCIDENT_READ)
    view = incidents.get_incident(ctx, principal, incident_id)
    incident = view.incident
    advice = recommendations(incident.draft.incident_type)
    doc = post_incident_document(incident, view.identification, view.answers,
                                 view.payment_stops, advice.recovery, advice.resilience,
                                 advice.title, view.is_owner, ctx.now())
    with ctx.db.write() as tx:
        audit.record(tx, ctx, principal, AuditAction.INCIDENT_REPORT_READ, "incident",
                     incident_id, incident.owner_org_id, {"tlp": incident.handling.tlp.value})
    return doc


def render(doc: dict[str, Any], fmt: PostIncidentFormat) -> tuple[bytes, str]:
    """The report in `fmt` and its media type."""
    if fmt is PostIncidentFormat.HTML:
        return post_incident_html.page(doc).encode(), "text/html; charset=utf-8"
    if fmt is PostIncidentFormat.PDF:
        return post_incident_html.pdf(doc), "application/pdf"
    return json.dumps(doc, ensure_ascii=False, indent=1).encode(), "application/json"
