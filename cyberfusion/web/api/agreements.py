"""API: the register of Gateway agreements with partners (hub admins manage, hub admins
and auditors read)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.formats.agreement_json import parse_agreement
from cyberfusion.presenters.agreements import AgreementDoc, agreement_json
from cyberfusion.presenters.common import Items
from cyberfusion.services import gateway
from cyberfusion.web.api.body import read_json
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import Id

router = APIRouter()


_TEXT: dict[str, Any] = {"type": "string"}
# An agreement as `parse_agreement` reads it (on update the partner stays).
AGREEMENT_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "properties": {
        "reference": _TEXT, "partner": _TEXT,
        "valid_from": {"type": "string", "format": "date"},
        "valid_until": {"type": "string", "format": "date"},
        "categories": {"type": "object", "additionalProperties": _TEXT},
        "onward_sharing": {"type": "object", "properties": {"allowed": {"type": "boolean"},
                                                            "terms": _TEXT}},
        "contact": _TEXT}}}}}}

@router.get("/agreements")
@needs(Permission.AGREEMENT_READ)
def list_agreements(ctx: CtxDep, principal: PrincipalDep,
                    partner: str = "") -> Items[AgreementDoc]:
    """Every agreement, or one partner's (`partner=acme-sec`)."""
    today = ctx.now().date()
    return {"items": [agreement_json(a, today)
                      for a in gateway.list_agreements(ctx, principal, partner)]}


@router.get("/agreements/{ident}")
@needs(Permission.AGREEMENT_READ)
def get_agreement(ctx: CtxDep, principal: PrincipalDep, ident: str) -> AgreementDoc:
    """One agreement by id or reference."""
    return agreement_json(gateway.get_agreement(ctx, principal, ident), ctx.now().date())


@router.post("/agreements", status_code=201, openapi_extra=AGREEMENT_BODY)
@needs(Permission.AGREEMENT_MANAGE)
async def create_agreement(ctx: CtxDep, principal: PrincipalDep,
                           request: Request) -> AgreementDoc:
    """Register an agreement with a partner organisation (hub admins)."""
    draft = parse_agreement(await read_json(request))
    made = await run_blocking(gateway.add_agreement, ctx, principal, draft)
    return agreement_json(made, ctx.now().date())


@router.put("/agreements/{agreement_id}", openapi_extra=AGREEMENT_BODY)
@needs(Permission.AGREEMENT_MANAGE)
async def update_agreement(ctx: CtxDep, principal: PrincipalDep, request: Request,
                           agreement_id: Id) -> AgreementDoc:
    """Change an agreement's terms (its partner stays)."""
    draft = parse_agreement(await read_json(request), edit=True)
    made = await run_blocking(gateway.update_agreement, ctx, principal, agreement_id, draft)
    return agreement_json(made, ctx.now().date())


class EndIn(BaseModel):
    """Why the agreement ends now."""

    reason: str


@router.post("/agreements/{agreement_id}/end")
@needs(Permission.AGREEMENT_MANAGE)
def end_agreement(ctx: CtxDep, principal: PrincipalDep, agreement_id: Id,
                  body: EndIn) -> AgreementDoc:
    """End an agreement now: nothing travels under it from this moment."""
    return agreement_json(gateway.end_agreement(ctx, principal, agreement_id, body.reason),
                          ctx.now().date())

