"""Pages for cyber activity reports: the list, the builder (with a preview of the sections
and of what is withheld), the viewer with approval and sending, and file downloads."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.handling import REGIONS, TLP, strictest_tlp
from cyberfusion.domain.model import CrimeType
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.domain.reports import ReportFormat, ReportSpec, ReportStatus, Scope
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats import report_html
from cyberfusion.services import orgs, report_delivery, reports
from cyberfusion.web.api.reports import MEDIA, SUFFIX
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Id
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal
from cyberfusion.web.ui.render import language_of, page

router = APIRouter(include_in_schema=False)
Many = Annotated[list[str], Query()]
FormMany = Annotated[list[str], Form()]


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("not a date", [Issue(field, f"{text!r}: use YYYY-MM-DD")]) from None


def _spec(values: dict[str, Any], today: date) -> ReportSpec:
    """The builder's fields as a spec."""
    lines = [c.strip() for c in values["countries"].replace(",", " ").split() if c.strip()]
    scope = Scope(_day(values["date_from"], "from"), _day(values["date_to"], "to"),
                  tuple(values["region"]), tuple(lines), tuple(values["crime_type"]),
                  values["family"], values["network"])
    return ReportSpec(values["title"], scope, tuple(values["recipient"]), today,
                      values["assessment"], values["actions"])


@router.get("/reports/report.css")
def report_stylesheet() -> Response:
    """The reports' one stylesheet, shared with the PDF and standalone HTML (public, like
    /static: it holds no data)."""
    return Response(report_html.stylesheet(), media_type="text/css",
                    headers={"Cache-Control": "public, max-age=3600"})


@router.get("/reports")
@needs(Permission.REPORT_READ)
def reports_page(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Reports: every report for hub staff, the reports sent to you otherwise."""
    items = report_delivery.list_reports(ctx, principal, 0, 200)
    return page(request, "reports/list.html", strictest_tlp(r.tlp for r in items),
                principal, items=items,
                can_write=allowed(principal, Permission.REPORT_WRITE))


@router.get("/reports/new")
@needs(Permission.REPORT_WRITE)
def builder(request: Request, ctx: CtxDep, principal: UiPrincipal, title: str = "",
            date_from: Annotated[str, Query(alias="from")] = "",
            date_to: Annotated[str, Query(alias="to")] = "", region: Many = [],  # noqa: B006
            countries: str = "", crime_type: Many = [], family: str = "",  # noqa: B006
            network: str = "",
            recipient: Many = [], assessment: str = "", actions: str = "",  # noqa: B006
            ) -> Response:
    """The builder; with a scope and recipients filled in, a preview of every section."""
    reports.check_builder(principal)
    values = {"title": title, "date_from": date_from, "date_to": date_to, "region": region,
              "countries": countries, "crime_type": crime_type, "family": family,
              "network": network, "recipient": recipient, "assessment": assessment,
              "actions": actions}
    doc, body = None, None
    if date_from and date_to and recipient:
        doc = reports.preview(ctx, principal, _spec(values, ctx.now().date()))
        body = report_html.body(doc, language=language_of(request))
    members = [o for o in orgs.list_orgs(ctx, principal) if o.id != principal.org_id]
    return page(request, "reports/new.html", TLP(doc["tlp"]) if doc else TLP.CLEAR,
                principal, values=values, doc=doc, body=body, members=members,
                regions=REGIONS, crime_types=[c.value for c in CrimeType])


@router.post("/reports")
@needs(Permission.REPORT_WRITE)
def create(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
           title: Annotated[str, Form()] = "",
           date_from: Annotated[str, Form(alias="from")] = "",
           date_to: Annotated[str, Form(alias="to")] = "",
           region: FormMany = [], countries: Annotated[str, Form()] = "",  # noqa: B006
           crime_type: FormMany = [], family: Annotated[str, Form()] = "",  # noqa: B006
           network: Annotated[str, Form()] = "",
           recipient: FormMany = [], assessment: Annotated[str, Form()] = "",  # noqa: B006
           actions: Annotated[str, Form()] = "") -> Response:
    """Store the draft; a second hub user approves it on its page."""
    values = {"title": title, "date_from": date_from, "date_to": date_to, "region": region,
              "countries": countries, "crime_type": crime_type, "family": family,
              "network": network, "recipient": recipient, "assessment": assessment,
              "actions": actions}
    stored = reports.create(ctx, principal, _spec(values, ctx.now().date()))
    return RedirectResponse(f"/reports/{stored.id}", status_code=303)


@router.get("/reports/{report_id}")
@needs(Permission.REPORT_READ)
def viewer(request: Request, ctx: CtxDep, principal: UiPrincipal, report_id: Id) -> Response:
    """One report (your copy); hub staff also see its deliveries, approve and send it."""
    view = report_delivery.open_report(ctx, principal, report_id)
    report = view.report
    mine = principal.user is not None and principal.user.id == report.author_user_id
    return page(request, "reports/report.html", TLP(view.doc["tlp"]), principal, view=view,
                body=report_html.body(view.doc, language=language_of(request)),
                formats=list(ReportFormat),
                can_approve=report.status is ReportStatus.DRAFT and not mine
                and allowed(principal, Permission.REPORT_APPROVE),
                own_draft=report.status is ReportStatus.DRAFT and mine,
                can_send=report.status is ReportStatus.APPROVED
                and allowed(principal, Permission.REPORT_SEND))


@router.get("/reports/{report_id}/file/{format}")
@needs(Permission.REPORT_READ)
def download(ctx: CtxDep, principal: UiPrincipal, report_id: Id,
             format: ReportFormat) -> Response:
    """Your copy of the report as a file."""
    view = report_delivery.open_report(ctx, principal, report_id)
    data = reports.render(view.doc, format, view.report.author_org_id, {})
    name = f"cyber-activity-report-{report_id}.{SUFFIX[format]}"
    return Response(data, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/reports/{report_id}/approve")
@needs(Permission.REPORT_APPROVE)
def approve(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
            report_id: Id) -> Response:
    """Approve a draft written by another hub user."""
    reports.approve(ctx, principal, report_id)
    return RedirectResponse(f"/reports/{report_id}", status_code=303)


@router.post("/reports/{report_id}/send")
@needs(Permission.REPORT_SEND)
def send(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, report_id: Id) -> Response:
    """Send an approved report to each recipient."""
    report_delivery.send(ctx, principal, report_id)
    return RedirectResponse(f"/reports/{report_id}", status_code=303)
