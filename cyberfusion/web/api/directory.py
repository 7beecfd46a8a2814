"""API: the 24/7 network — who is on duty now, directories and rota, preferences, webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.formats.directory_json import parse_directory
from cyberfusion.presenters.common import Items
from cyberfusion.presenters.directory import (
    DutyDoc,
    OrgDirectoryDoc,
    PartnerAccessDoc,
    PrefsDoc,
    duty_board_json,
    org_directory_json,
    partner_access_json,
    prefs_json,
)
from cyberfusion.presenters.webhooks import (
    NewWebhookDoc,
    WebhookDoc,
    new_webhook_json,
    webhook_json,
)
from cyberfusion.services import directory
from cyberfusion.web.api.body import read_json
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import Id

router = APIRouter()
_TEXT: dict[str, Any] = {"type": "string"}
# The directory exchange document (formats.directory_json reads it and locates its errors).
DIRECTORY_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["contacts"], "properties": {
        "contacts": {"type": "array", "items": {"type": "object", "required": ["ref", "name"],
                                                "properties": {
            "ref": _TEXT, "name": _TEXT, "position": _TEXT, "email": _TEXT, "phone": _TEXT,
            "languages": {"type": "array", "items": _TEXT}, "desk": {"type": "boolean"},
            "username": _TEXT}}},
        "shifts": {"type": "array", "items": {"type": "object", "properties": {
            "contact": _TEXT, "role": _TEXT, "days": {"type": "array", "items": _TEXT},
            "start": _TEXT, "end": _TEXT}}}}}}}}}


@router.get("/duty", responses={404: {"description": "No such organisation"}})
@needs(Permission.DIRECTORY_READ)
def duty(ctx: CtxDep, principal: PrincipalDep, country: str = "", org: str = "",
         at: datetime | None = None) -> Items[DutyDoc]:
    """Who is on duty now (or `at`) in a country (`country=FR`), one organisation, or all."""
    return duty_board_json(directory.duty_board(ctx, principal, country, org, at))


@router.get("/directory/{org_id}")
@needs(Permission.DIRECTORY_READ)
def get_directory(ctx: CtxDep, principal: PrincipalDep, org_id: str) -> OrgDirectoryDoc:
    """An organisation's 24/7 contacts and weekly rota (times in its time zone)."""
    org, contacts, shifts = directory.get_directory(ctx, principal, org_id)
    return org_directory_json(org, contacts, shifts)


@router.put("/directory/{org_id}", openapi_extra=DIRECTORY_BODY)
@needs(Permission.DIRECTORY_MANAGE)
async def put_directory(ctx: CtxDep, principal: PrincipalDep, request: Request,
                        org_id: str) -> OrgDirectoryDoc:
    """Replace your organisation's contacts and rota (organisation admins)."""
    contacts, shifts = parse_directory(await read_json(request))
    await run_blocking(directory.load_directory, ctx, principal, org_id, contacts, shifts)
    return await run_blocking(get_directory, ctx, principal, org_id)


class PartnerAccessIn(BaseModel):
    """Whether partners may read the organisation's contacts and rota."""

    open: bool


@router.put("/directory/{org_id}/partner-access")
@needs(Permission.DIRECTORY_MANAGE)
def put_partner_access(ctx: CtxDep, principal: PrincipalDep, org_id: str,
                       body: PartnerAccessIn) -> PartnerAccessDoc:
    """Open (true) or close (false) your organisation's contacts to partners (admins)."""
    org = directory.set_partner_access(ctx, principal, org_id, body.open)
    return partner_access_json(org)


class PrefsIn(BaseModel):
    """Per priority, the channels besides the in-app inbox: `email`, `webhook`."""

    flash: list[str] = []
    urgent: list[str] = []
    routine: list[str] = []


@router.get("/notification-preferences")
@needs(Permission.SETTINGS_READ)
def get_prefs(ctx: CtxDep, principal: PrincipalDep) -> PrefsDoc:
    """Your organisation's notification channels per priority (the inbox is always on)."""
    return prefs_json(directory.get_prefs(ctx, principal))


@router.put("/notification-preferences")
@needs(Permission.SETTINGS_MANAGE)
def put_prefs(ctx: CtxDep, principal: PrincipalDep, body: PrefsIn) -> PrefsDoc:
    """Choose e-mail and/or webhook per priority (organisation admins)."""
    directory.set_prefs(ctx, principal, body.model_dump())
    return get_prefs(ctx, principal)


class WebhookIn(BaseModel):
    """A webhook endpoint."""

    url: str


@router.get("/webhooks")
@needs(Permission.WEBHOOK_MANAGE)
def list_webhooks(ctx: CtxDep, principal: PrincipalDep) -> Items[WebhookDoc]:
    """Your organisation's webhooks (organisation admins)."""
    return {"items": [webhook_json(h) for h in directory.list_webhooks(ctx, principal)]}


@router.post("/webhooks", status_code=201)
@needs(Permission.WEBHOOK_MANAGE)
def add_webhook(ctx: CtxDep, principal: PrincipalDep, body: WebhookIn) -> NewWebhookDoc:
    """Register a webhook; the HMAC-SHA256 secret is in this response only."""
    hook, secret = directory.add_webhook(ctx, principal, body.url)
    return new_webhook_json(hook, secret)


@router.delete("/webhooks/{webhook_id}", status_code=204)
@needs(Permission.WEBHOOK_MANAGE)
def remove_webhook(ctx: CtxDep, principal: PrincipalDep, webhook_id: Id) -> Response:
    """Turn a webhook off."""
    directory.remove_webhook(ctx, principal, webhook_id)
    return Response(status_code=204)
