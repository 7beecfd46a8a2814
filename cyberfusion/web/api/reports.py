"""API: cyber activity reports: preview and draft (hub analysts), approval by a second hub
user, sending; the list and the reports sent to the caller, as documents or files."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.reports import MAX_RECIPIENTS, ReportFormat, ReportSpec, Scope
from cyberfusion.formats.report_doc import ReportDocument
from cyberfusion.presenters.common import Items
from cyberfusion.presenters.reports import (
    DeliveriesDoc,
    ReportSummaryDoc,
    ReportViewDoc,
    deliveries_json,
    report_list_json,
    report_summary_json,
    report_view_json,
)
from cyberfusion.services import report_delivery, reports
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.openapi_doc import BINARY, STIX_BUNDLE, TEXT, media_answer
from cyberfusion.web.params import Id, Offset

router = APIRouter(prefix="/reports")

MEDIA = {ReportFormat.HTML: "text/html; charset=utf-8", ReportFormat.PDF: "application/pdf",
         ReportFormat.STIX21: "application/stix+json;version=2.1",
         ReportFormat.JSON: "application/json"}
SUFFIX = {ReportFormat.HTML: "html", ReportFormat.PDF: "pdf", ReportFormat.STIX21: "stix.json",
          ReportFormat.JSON: "json"}


class ScopeIn(BaseModel):
    """What a report covers."""

    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    regions: list[str] = Field(default_factory=list, max_length=5)
    countries: list[str] = Field(default_factory=list, max_length=250)
    crime_types: list[str] = Field(default_factory=list, max_length=20)
    family: str = Field("", max_length=300)
    network: str = Field("", max_length=40)


class ReportIn(BaseModel):
    """A report to preview or to store as a draft."""

    title: str = Field(max_length=300)
    scope: ScopeIn
    recipients: list[str] = Field(max_length=MAX_RECIPIENTS)
    as_of: date | None = None
    assessment: str = Field("", max_length=20_000)
    actions: str = Field("", max_length=10_000)

    def spec(self, today: date) -> ReportSpec:
        """The domain spec (as-of today unless given)."""
        s = self.scope
        return ReportSpec(self.title, Scope(s.date_from, s.date_to, tuple(s.regions),
                                            tuple(s.countries), tuple(s.crime_types), s.family,
                                            s.network),
                          tuple(self.recipients), self.as_of or today, self.assessment,
                          self.actions)


@router.get("")
@needs(Permission.REPORT_READ)
def list_reports(ctx: CtxDep, principal: PrincipalDep, offset: Offset = 0,
                 limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Items[ReportSummaryDoc]:
    """Hub staff: every report. Others: the reports sent to their organisation."""
    return report_list_json(report_delivery.list_reports(ctx, principal, offset, limit))


@router.post("/preview", response_model=ReportDocument)
@needs(Permission.REPORT_WRITE)
def preview(ctx: CtxDep, principal: PrincipalDep, body: ReportIn) -> dict[str, Any]:
    """The document the report would be now: sections, and how much is withheld."""
    return reports.preview(ctx, principal, body.spec(ctx.now().date()))


@router.post("", status_code=201)
@needs(Permission.REPORT_WRITE)
def create(ctx: CtxDep, principal: PrincipalDep, body: ReportIn) -> ReportSummaryDoc:
    """Store a draft; a second hub user approves it."""
    return report_summary_json(reports.create(ctx, principal, body.spec(ctx.now().date())))


@router.get("/{report_id}")
@needs(Permission.REPORT_READ)
def show(ctx: CtxDep, principal: PrincipalDep, report_id: Id) -> ReportViewDoc:
    """One report with its document (the caller's copy); the opening is audited."""
    return report_view_json(report_delivery.open_report(ctx, principal, report_id))


@router.get("/{report_id}/file", response_class=Response, responses=media_answer(
    "The report in the asked format", {
        "application/pdf": BINARY, "text/html": TEXT,
        "application/stix+json;version=2.1": STIX_BUNDLE,
        "application/json": {"schema": {"$ref": "#/components/schemas/ReportDocument"}}}))
@needs(Permission.REPORT_READ)
def download(ctx: CtxDep, principal: PrincipalDep, report_id: Id,
             format: ReportFormat = ReportFormat.PDF) -> Response:
    """The caller's copy as HTML, PDF, STIX 2.1 or JSON; the opening is audited."""
    view = report_delivery.open_report(ctx, principal, report_id)
    data = reports.render(view.doc, format, view.report.author_org_id, {})
    name = f"cyber-activity-report-{report_id}.{SUFFIX[format]}"
    return Response(data, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/{report_id}/approve")
@needs(Permission.REPORT_APPROVE)
def approve(ctx: CtxDep, principal: PrincipalDep, report_id: Id) -> ReportSummaryDoc:
    """Approve a draft (a hub user other than its author); its document is frozen."""
    return report_summary_json(reports.approve(ctx, principal, report_id))


@router.post("/{report_id}/send")
@needs(Permission.REPORT_SEND)
def send(ctx: CtxDep, principal: PrincipalDep, report_id: Id) -> DeliveriesDoc:
    """Send an approved report: one signed channel message with the PDF per recipient."""
    return deliveries_json(report_delivery.send(ctx, principal, report_id))
