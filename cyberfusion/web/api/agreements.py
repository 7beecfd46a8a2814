"""API: the register of Gateway agreements with partners (hub admins manage, hub admins
and auditors read)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.formats.agreement_json import parse_agreement
from cyberfusion.presenters.agreements import agreement_json
from cyberfusion.services import gateway
from cyberfusion.web.api.body import read_json
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import Id

router = APIRouter()


@router.get("/agreements")
@needs(Permission.AGREEMENT_READ)
def list_agreements(ctx: CtxDep, principal: PrincipalDep, partner: str = "") -> dict[str, Any]:
    """Every agreement, or one partner's (`partner=acme-sec`)."""
    today = ctx.now().date()
    return {"items": [agreement_json(a, today)
                      for a in gateway.list_agreements(ctx, principal, partner)]}


@router.get("/agreements/{ident}")
@needs(Permission.AGREEMENT_READ)
def get_agreement(ctx: CtxDep, principal: PrincipalDep, ident: str) -> dict[str, Any]:
    """One agreement by id or reference."""
    return agreement_json(gateway.get_agreement(ctx, principal, ident), ctx.now().date())


@router.post("/agreements", status_code=201)
@needs(Permission.AGREEMENT_MANAGE)
async def create_agreement(ctx: CtxDep, principal: PrincipalDep,
                           request: Request) -> dict[str, Any]:
    """Register an agreement with a partner organisation (hub admins)."""
    draft = parse_agreement(await read_json(request))
    made = await run_blocking(gateway.add_agreement, ctx, principal, draft)
    return agreement_json(made, ctx.now().date())


@router.put("/agreements/{agreement_id}")
@needs(Permission.AGREEMENT_MANAGE)
async def update_agreement(ctx: CtxDep, principal: PrincipalDep, request: Request,
                           agreement_id: Id) -> dict[str, Any]:
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
                  body: EndIn) -> dict[str, Any]:
    """End an agreement now: nothing travels under it from this moment."""
    return agreement_json(gateway.end_agreement(ctx, principal, agreement_id, body.reason),
                          ctx.now().date())

