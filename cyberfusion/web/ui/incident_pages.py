"""Pages for incidents: the list, the report form, an incident (hits, family candidates,
checklist ticking), and the ransomware identification form."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from cyberfusion.domain.channel import deadline_problem, parse_deadline
from cyberfusion.domain.handling import TLP, strictest_tlp
from cyberfusion.domain.incidents import VictimSize
from cyberfusion.domain.model import CrimeType, Principal
from cyberfusion.domain.permissions import Permission, allowed, needs, require
from cyberfusion.domain.post_incident import PostIncidentFormat
from cyberfusion.domain.ransomware import Clues
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats import post_incident_html
from cyberfusion.formats.incident_json import parse_incident
from cyberfusion.formats.ransom_note import note_text
from cyberfusion.services import incidents, orgs, post_incident, ransomware
from cyberfusion.services.context import Context
from cyberfusion.web.api.incidents import Position, incident_filter
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Id, Offset
from cyberfusion.web.ui.case_form import observable_line
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
BLANK = {"title": "", "type": "ransomware", "country": "", "victim_sector": "",
         "victim_size": "", "summary": "", "timeline": "", "observables": "", "note_text": "",
         "note_file_name": "", "extension": "", "ransom_amount": "", "currency": "",
         "wallet": "", "infrastructure_countries": "", "assistance": "", "tlp": "amber",
         "release": "members"}
MAX_NOTE_UPLOAD = 1_000_000


@router.get("/incidents")
@needs(Permission.INCIDENT_READ)
def incidents_page(request: Request, ctx: CtxDep, principal: UiPrincipal, type: str = "",
                   country: str = "", wallet: str = "", family: str = "",
                   offset: Offset = 0) -> Response:
    """Incidents you may read, newest first."""
    flt = incident_filter(type, country, wallet, family)
    found = incidents.list_incidents(ctx, principal, flt, offset, 50)
    return page(request, "incidents/list.html",
                strictest_tlp(i.handling.tlp for i in found.items), principal, page=found,
                f=flt, types=list(CrimeType))


def _form_page(request: Request, principal: Principal, form: dict[str, Any],
               issues: list[Any], status: int = 200) -> Response:
    tlp = TLP(form["tlp"]) if form.get("tlp") in {t.value for t in TLP} else TLP.AMBER
    return page(request, "incidents/new.html", tlp, principal, status=status, form=form,
                issues=issues, types=list(CrimeType), sizes=list(VictimSize), tlps=list(TLP))


@router.get("/incidents/new")
@needs(Permission.INCIDENT_REPORT)
def new_incident(request: Request, principal: UiPrincipal) -> Response:
    """The report form (only for those who may report)."""
    require(principal, Permission.INCIDENT_REPORT)
    return _form_page(request, principal, {**BLANK, "country": principal.org.country or ""},
                      [])


@router.post("/incidents/new")
@needs(Permission.INCIDENT_REPORT)
async def report_incident(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Store the incident and go to its page, or show the form with every problem."""
    data, raw, name = await _read_form(request)
    return await run_blocking(_store, request, ctx, principal, data, raw, name)


async def _read_form(request: Request) -> tuple[dict[str, str], bytes, str]:
    """The form's text fields, and the uploaded note's bytes and name (closed after)."""
    async with request.form(max_part_size=MAX_NOTE_UPLOAD) as data:
        upload = data.get("note_file")
        raw = await upload.read(MAX_NOTE_UPLOAD) if isinstance(upload, UploadFile) else b""
        name = (upload.filename or "") if isinstance(upload, UploadFile) else ""
        fields = {k: v for k, v in data.items() if isinstance(v, str)}
    return fields, raw, name


def _store(request: Request, ctx: Context, principal: Principal, data: dict[str, str],
           raw: bytes, name: str) -> Response:
    form = {**BLANK, **data}
    check_csrf(request, ctx, form.get("csrf_token", ""))
    if raw:
        form["note_text"], form["note_file_name"] = note_text(raw, name), name
    try:
        draft = parse_incident(document(form), ctx.now().date(), ctx.settings.review_years)
        view = incidents.report(ctx, principal, draft)
    except InvalidInput as exc:
        return _form_page(request, principal, form, exc.issues, status=422)
    return RedirectResponse(f"/incidents/{view.incident.id}", status_code=303)


def _list(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]


def document(form: dict[str, Any]) -> dict[str, Any]:
    """The incident document (as the API takes it) for the form's fields."""
    timeline = []
    for line in form["timeline"].splitlines():
        at, _, text = line.strip().partition(" ")
        if at:
            timeline.append({"at": at, "text": text.strip()})
    keys = ("title", "type", "country", "victim_sector", "summary", "note_text",
            "note_file_name", "extension", "ransom_amount", "currency", "wallet", "assistance")
    return {**{k: form[k] for k in keys}, "victim_size": form["victim_size"] or None,
            "timeline": timeline,
            "observables": [observable_line(line) for line in form["observables"].splitlines()
                            if line.strip()],
            "infrastructure_countries": _list(form["infrastructure_countries"]),
            "handling": {"tlp": form["tlp"], "release": _list(form["release"])}}


@router.get("/incidents/wallets")
@needs(Permission.INCIDENT_READ)
def wallets_page(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Wallets and families across the incidents you may read, with countries."""
    board = incidents.wallet_board(ctx, principal)
    return page(request, "incidents/wallets.html", board.tlp, principal, board=board)


@router.get("/incidents/{incident_id}")
@needs(Permission.INCIDENT_READ)
def incident_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                  incident_id: Id) -> Response:
    """One incident: facts, timeline, hits (for its reporter), candidates, checklist."""
    view = incidents.get_incident(ctx, principal, incident_id)
    return page(request, "incidents/incident.html", view.incident.handling.tlp, principal,
                v=view, i=view.incident, d=view.incident.draft,
                can_tick=view.is_owner and allowed(principal, Permission.INCIDENT_REPORT),
                orgs=[o for o in orgs.list_orgs(ctx) if o.id != principal.org_id])


@router.get("/incidents/{incident_id}/post-incident-report")
@needs(Permission.INCIDENT_READ)
def post_incident_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                       incident_id: Id) -> Response:
    """The post-incident report in the page, with a PDF download."""
    doc = post_incident.build(ctx, principal, incident_id)
    return page(request, "incidents/post_incident.html", TLP(doc["tlp"]), principal, doc=doc,
                body=post_incident_html.body(doc))


@router.get("/incidents/{incident_id}/post-incident-report.pdf")
@needs(Permission.INCIDENT_READ)
def post_incident_pdf(ctx: CtxDep, principal: UiPrincipal, incident_id: Id) -> Response:
    """The post-incident report as PDF."""
    doc = post_incident.build(ctx, principal, incident_id)
    data, media = post_incident.render(doc, PostIncidentFormat.PDF)
    return Response(data, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="post-incident-report-{incident_id}.pdf"'})


@router.post("/incidents/{incident_id}/payment-stops")
@needs(Permission.INCIDENT_REPORT)
def payment_stop(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, incident_id: Id,
                 to: Annotated[str, Form()] = "", deadline: Annotated[str, Form()] = "",
                 target: Annotated[str, Form()] = "",
                 amount: Annotated[str, Form()] = "") -> Response:
    """Send a payment-stop request, then back to the incident."""
    moment = parse_deadline(deadline)
    if moment is None:
        raise InvalidInput("bad deadline", [Issue("deadline", deadline_problem(deadline)
                                                  or "")])
    incidents.request_payment_stop(ctx, principal, incident_id, to, moment, target, amount)
    return RedirectResponse(f"/incidents/{incident_id}#payment-stops", status_code=303)


@router.post("/incidents/{incident_id}/steps/{position}")
@needs(Permission.INCIDENT_REPORT)
def tick_step(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, incident_id: Id,
              position: Position) -> Response:
    """Tick one step, then back to the checklist."""
    incidents.tick_step(ctx, principal, incident_id, position)
    return RedirectResponse(f"/incidents/{incident_id}#step-{position}", status_code=303)


@router.get("/ransomware")
@needs(Permission.RANSOMWARE_IDENTIFY)
def identify_page(request: Request, principal: UiPrincipal) -> Response:
    """The identification form."""
    require(principal, Permission.RANSOMWARE_IDENTIFY)
    return page(request, "incidents/identify.html", TLP.AMBER, principal, found=None,
                form={"note": "", "extension": "", "addresses": ""})


@router.post("/ransomware")
@needs(Permission.RANSOMWARE_IDENTIFY)
async def identify(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Candidates for the note (pasted or uploaded), extension and addresses."""
    data, raw, name = await _read_form(request)
    return await run_blocking(_identify, request, ctx, principal, data, raw, name)


def _identify(request: Request, ctx: Context, principal: Principal, data: dict[str, str],
              raw: bytes, name: str) -> Response:
    form = {k: str(data.get(k) or "") for k in ("note", "extension", "addresses")}
    check_csrf(request, ctx, str(data.get("csrf_token") or ""))
    if raw:
        form["note"] = note_text(raw, name)
    clues = Clues(form["note"], name, form["extension"], tuple(_list(form["addresses"])))
    found = ransomware.identify(ctx, principal, clues)
    return page(request, "incidents/identify.html", TLP.AMBER, principal, found=found,
                form=form)
