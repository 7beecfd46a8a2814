"""API: the hit inbox, hits received and given, and disclosure requests and decisions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cyberfusion.domain.hits import DISCLOSURE_DAYS, DisclosureStatus
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.common import Items
from cyberfusion.presenters.disclosure import (
    DisclosureDoc,
    DisclosureViewDoc,
    request_json,
    request_view_json,
)
from cyberfusion.presenters.hits import (
    HitDoc,
    HitGroupDoc,
    InboxDoc,
    MarkedDoc,
    hit_json,
    notice_json,
)
from cyberfusion.services import disclosure, hits
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import OptionalCursor, RowId

router = APIRouter()


@router.get("/hits/inbox")
@needs(Permission.HIT_READ)
def inbox(ctx: CtxDep, principal: PrincipalDep, unread: bool = False,
          before: OptionalCursor = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 100) -> InboxDoc:
    """HITs on the organisation's data (and its units'), and disclosure steps."""
    items = hits.inbox(ctx, principal, unread, before, limit)
    return {"items": [notice_json(i) for i in items],
            "unread": hits.unread_count(ctx, principal)}


class NoticesReadIn(BaseModel):
    """Which notices to mark read (all when absent)."""

    ids: list[RowId] | None = None


@router.post("/hits/inbox/read")
@needs(Permission.HIT_READ)
def mark_read(ctx: CtxDep, principal: PrincipalDep, body: NoticesReadIn) -> MarkedDoc:
    """Mark notices read."""
    return {"marked": hits.mark_read(ctx, principal, body.ids)}


@router.get("/hits")
@needs(Permission.HIT_READ)
def list_hits(ctx: CtxDep, principal: PrincipalDep,
              direction: Literal["outgoing", "incoming"] = "outgoing",
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Items[HitDoc]:
    """`outgoing`: answers your searches got (FULL, HIT); `incoming`: matches on your data."""
    views = (hits.outgoing(ctx, principal, None, limit) if direction == "outgoing"
             else hits.incoming(ctx, principal, None, limit))
    return {"items": [hit_json(v) for v in views]}


@router.get("/hits/{ref}")
@needs(Permission.HIT_READ)
def get_hit(ctx: CtxDep, principal: PrincipalDep, ref: str) -> HitGroupDoc:
    """The matches behind a reference, and the disclosure request made on it, if any."""
    views = hits.hit_group(ctx, principal, ref)
    found = disclosure.request_for_hit(ctx, principal, ref)
    return {"reference": ref, "items": [hit_json(v) for v in views],
            "disclosure": request_json(found) if found else None}


class DisclosureReasonIn(BaseModel):
    """Why: for a request, or for a decline."""

    reason: str = Field(max_length=2000)


class ApproveIn(BaseModel):
    """An approval: why, and how long the grants last."""

    reason: str = Field(max_length=2000)
    days: int = DISCLOSURE_DAYS


@router.post("/hits/{ref}/disclosure", status_code=201)
@needs(Permission.DISCLOSURE_REQUEST)
def request_disclosure(ctx: CtxDep, principal: PrincipalDep, ref: str,
                       body: DisclosureReasonIn) -> DisclosureDoc:
    """Ask the owner of a HIT to disclose what is behind it."""
    return request_json(disclosure.request_disclosure(ctx, principal, ref, body.reason))


@router.get("/disclosures")
@needs(Permission.DISCLOSURE_READ)
def list_disclosures(ctx: CtxDep, principal: PrincipalDep,
                     role: Literal["owner", "requester"] = "owner",
                     status: DisclosureStatus | None = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Items[DisclosureDoc]:
    """Requests to decide (`owner`) or made (`requester`)."""
    items = disclosure.list_requests(ctx, principal, role, status, limit)
    return {"items": [request_json(r) for r in items]}


@router.get("/disclosures/{request_id}")
@needs(Permission.DISCLOSURE_READ)
def get_disclosure(ctx: CtxDep, principal: PrincipalDep, request_id: str) -> DisclosureViewDoc:
    """A request, its history, and the cases the caller may read of it."""
    return request_view_json(disclosure.get_request(ctx, principal, request_id))


@router.post("/disclosures/{request_id}/approve")
@needs(Permission.GRANT_MANAGE)
def approve(ctx: CtxDep, principal: PrincipalDep, request_id: str,
            body: ApproveIn) -> DisclosureDoc:
    """Grant the requester the cases behind the hit, until the grants expire."""
    return request_json(disclosure.approve(ctx, principal, request_id, body.reason, body.days))


@router.post("/disclosures/{request_id}/decline")
@needs(Permission.GRANT_MANAGE)
def decline(ctx: CtxDep, principal: PrincipalDep, request_id: str,
            body: DisclosureReasonIn) -> DisclosureDoc:
    """Refuse a request, saying why."""
    return request_json(disclosure.decline(ctx, principal, request_id, body.reason))
