"""API: incidents (report, list, show, tick a checklist step) and ransomware identification."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from cyberfusion.domain.incidents import IncidentFilter
from cyberfusion.domain.model import CrimeType
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.post_incident import PostIncidentFormat
from cyberfusion.domain.ransomware import MAX_NOTE_CHARS, Clues
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.incident_json import parse_incident
from cyberfusion.formats.ransom_note import note_text
from cyberfusion.presenters.common import Page
from cyberfusion.presenters.incidents import (
    ChecklistStepDoc,
    IncidentDetailDoc,
    IncidentDoc,
    PaymentStopDoc,
    WalletBoardDoc,
    incident_detail_json,
    incident_page_json,
    payment_stop_json,
    step_json,
    wallet_board_json,
)
from cyberfusion.presenters.ransomware import IdentificationDoc, identification_json
from cyberfusion.services import incidents, post_incident, ransomware
from cyberfusion.web.api.body import read_json
from cyberfusion.web.api.schemas import INCIDENT_BODY
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.openapi_doc import BINARY, TEXT, media_answer
from cyberfusion.web.params import Id, Offset

router = APIRouter()

Limit = Annotated[int, Query(ge=1, le=200)]
_ROWS: dict[str, Any] = {"type": "array", "items": {"type": "object"}}
#: The outer shape of a post-incident report document (`domain.post_incident`).
POST_INCIDENT_SCHEMA: dict[str, Any] = {
    "type": "object", "description": "A post-incident report",
    "required": ["incident_id", "title", "tlp", "checklist", "recommendations"],
    "properties": {
        "incident_id": {"type": "integer"}, "title": {"type": "string"},
        "tlp": {"type": "string"}, "type": {"type": "string"},
        "checklist": _ROWS, "identification": _ROWS, "hits": _ROWS, "payment_stops": _ROWS,
        "progress": {"type": "object", "properties": {"done": {"type": "integer"},
                                                      "total": {"type": "integer"}}},
        "recommendations": {"type": "object", "properties": {
            "title": {"type": "string"},
            "recovery": {"type": "array", "items": {"type": "string"}},
            "resilience": {"type": "array", "items": {"type": "string"}}}}}}
Position = Annotated[int, Path(ge=1, le=1000)]


def incident_filter(incident_type: str = "", country: str = "", wallet: str = "",
                    family: str = "") -> IncidentFilter:
    """Query parameters as an IncidentFilter (shared with the pages); located errors."""
    chosen = None
    if incident_type.strip():
        try:
            chosen = CrimeType(incident_type.strip().lower())
        except ValueError:
            raise InvalidInput("unknown incident type", [Issue(
                "type", f"{incident_type!r} is not one of "
                        f"{', '.join(t.value for t in CrimeType)}")]) from None
    return IncidentFilter(chosen, country.strip().upper(), wallet.strip(), family.strip())


@router.post("/incidents", status_code=201, openapi_extra=INCIDENT_BODY)
@needs(Permission.INCIDENT_REPORT)
async def report_incident(ctx: CtxDep, principal: PrincipalDep, request: Request,
                          response: Response) -> IncidentDetailDoc:
    """Report an attack under way: its values are matched at once and urgent help asked."""
    draft = parse_incident(await read_json(request), ctx.now().date(),
                           ctx.settings.review_years)
    view = await run_blocking(incidents.report, ctx, principal, draft)
    response.headers["Location"] = f"/api/v1/incidents/{view.incident.id}"
    return incident_detail_json(view)


@router.get("/incidents")
@needs(Permission.INCIDENT_READ)
def list_incidents(ctx: CtxDep, principal: PrincipalDep, type: str = "", country: str = "",
                   wallet: str = "", family: str = "", offset: Offset = 0,
                   limit: Limit = 50) -> Page[IncidentDoc]:
    """Incidents the caller may read, newest first, by type, country, wallet or family."""
    flt = incident_filter(type, country, wallet, family)
    return incident_page_json(incidents.list_incidents(ctx, principal, flt, offset, limit))


@router.get("/incidents/wallets")
@needs(Permission.INCIDENT_READ)
def wallets(ctx: CtxDep, principal: PrincipalDep) -> WalletBoardDoc:
    """Wallets and families across the incidents the caller may read, with countries."""
    board = incidents.wallet_board(ctx, principal)
    return wallet_board_json(board.wallets, board.families)


@router.get("/incidents/{incident_id}")
@needs(Permission.INCIDENT_READ)
def get_incident(ctx: CtxDep, principal: PrincipalDep, incident_id: Id) -> IncidentDetailDoc:
    """One incident with its checklist, family candidates and (for its reporter) hits."""
    return incident_detail_json(incidents.get_incident(ctx, principal, incident_id))


@router.get("/incidents/{incident_id}/post-incident-report", response_class=Response,
            responses=media_answer("The post-incident report in the asked format", {
                "application/pdf": BINARY, "text/html": TEXT,
                "application/json": {"schema": POST_INCIDENT_SCHEMA}}))
@needs(Permission.INCIDENT_READ)
def post_incident_report(ctx: CtxDep, principal: PrincipalDep, incident_id: Id,
                         format: PostIncidentFormat = PostIncidentFormat.PDF) -> Response:
    """The post-incident report (what was done and when, hits, family, payment stops,
    recovery and resilience recommendations) for those who may read the incident."""
    doc = post_incident.build(ctx, principal, incident_id)
    data, media = post_incident.render(doc, format)
    name = f"post-incident-report-{incident_id}.{format.value}"
    return Response(data, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.post("/incidents/{incident_id}/steps/{position}")
@needs(Permission.INCIDENT_REPORT)
def tick_step(ctx: CtxDep, principal: PrincipalDep, incident_id: Id,
              position: Position) -> ChecklistStepDoc:
    """Tick one checklist step of an own incident (once; who and when are kept)."""
    return step_json(incidents.tick_step(ctx, principal, incident_id, position))


class PaymentStopBody(BaseModel):
    """Whom to ask, by when, and (defaults: the incident's wallet and demand) what."""

    to: str = Field(min_length=1, max_length=64)
    deadline: datetime
    target: str = Field("", max_length=300)
    amount: str = Field("", max_length=100)
    grounds: str = Field("", max_length=4000)


@router.post("/incidents/{incident_id}/payment-stops", status_code=201)
@needs(Permission.INCIDENT_REPORT)
def payment_stop(ctx: CtxDep, principal: PrincipalDep, incident_id: Id,
                 body: PaymentStopBody) -> PaymentStopDoc:
    """Ask a partner or a country to freeze the wallet or a transfer by a deadline."""
    deadline = body.deadline if body.deadline.tzinfo else body.deadline.replace(tzinfo=UTC)
    return payment_stop_json(incidents.request_payment_stop(
        ctx, principal, incident_id, body.to, deadline, body.target, body.amount,
        body.grounds))


class IdentifyBody(BaseModel):
    """A note as text or as base64 bytes (any encoding), with what else is known."""

    note: str = Field("", max_length=MAX_NOTE_CHARS)
    note_base64: str = Field("", max_length=2 * MAX_NOTE_CHARS)
    note_file_name: str = Field("", max_length=255)
    extension: str = Field("", max_length=255)
    addresses: list[str] = Field(default_factory=list, max_length=100)
    limit: int = Field(5, ge=1, le=50)


@router.post("/ransomware/identify")
@needs(Permission.RANSOMWARE_IDENTIFY)
def identify(ctx: CtxDep, principal: PrincipalDep, body: IdentifyBody) -> IdentificationDoc:
    """Candidate families, best first, each with its evidence and score."""
    text = body.note
    if body.note_base64:
        try:
            text = note_text(base64.b64decode(body.note_base64, validate=True),
                             body.note_file_name)
        except (binascii.Error, ValueError):
            raise InvalidInput("bad note", [Issue("note_base64", "not base64")]) from None
    clues = Clues(text, body.note_file_name, body.extension, tuple(body.addresses))
    return identification_json(ransomware.identify(ctx, principal, clues, body.limit))
