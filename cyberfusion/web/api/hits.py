"""API: the hit inbox, hits received and given, and disclosure requests and decisions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cyberfusion.domain.hits import (
    DISCLOSURE_DAYS,
    DisclosureRequest,
    DisclosureStatus,
    DisclosureStep,
    hit_message,
)
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.services import disclosure, hits
from cyberfusion.web.deps import CtxDep, PrincipalDep

router = APIRouter()


def hit_json(view: hits.HitView) -> dict[str, Any]:
    """A recorded match as the caller may see it (no case unless the caller reads it)."""
    return {
        "id": view.id, "source": view.source, "at": view.at.isoformat(),
        "searcher": view.searcher_org_id, "owner": view.owner_org_id, "answer": view.answer,
        "type": view.obs_type or None, "value": view.value or None,
        "case": {"id": view.case_id, "title": view.case_title} if view.case_id else None,
        "source_case": view.source_case_id,
        "message": hit_message(view.owner_org_id) if view.answer == "hit" else None,
    }


def notice_json(item: hits.InboxItem) -> dict[str, Any]:
    """One inbox line."""
    return {"id": item.id, "kind": item.kind, "at": item.at.isoformat(), "read": item.read,
            "hit": hit_json(item.hit) if item.hit else None, "request": item.request_id}


def request_json(request: DisclosureRequest) -> dict[str, Any]:
    """A disclosure request and its decision."""
    return {
        "id": request.id, "hit": request.hit_ref, "requester": request.requester_org_id,
        "owner": request.owner_org_id, "reason": request.reason,
        "status": request.status.value, "created_at": request.created_at.isoformat(),
        "decided_at": request.decided_at.isoformat() if request.decided_at else None,
        "decision_reason": request.decision_reason or None, "days": request.days,
        "expires_at": request.expires_at.isoformat() if request.expires_at else None,
    }


def step_json(step: DisclosureStep) -> dict[str, Any]:
    """One step of a request's history."""
    return {"at": step.at.isoformat(), "org": step.org_id, "user_id": step.user_id,
            "action": step.action, "reason": step.reason}


@router.get("/hits/inbox")
@needs(Permission.HIT_READ)
def inbox(ctx: CtxDep, principal: PrincipalDep, unread: bool = False,
          before: int | None = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """HITs on the organisation's data (and its units'), and disclosure steps."""
    items = hits.inbox(ctx, principal, unread, before, limit)
    return {"items": [notice_json(i) for i in items],
            "unread": hits.unread_count(ctx, principal)}


class ReadIn(BaseModel):
    """Which notices to mark read (all when absent)."""

    ids: list[int] | None = None


@router.post("/hits/inbox/read")
@needs(Permission.HIT_READ)
def mark_read(ctx: CtxDep, principal: PrincipalDep, body: ReadIn) -> dict[str, Any]:
    """Mark notices read."""
    return {"marked": hits.mark_read(ctx, principal, body.ids)}


@router.get("/hits")
@needs(Permission.HIT_READ)
def list_hits(ctx: CtxDep, principal: PrincipalDep,
              direction: Literal["outgoing", "incoming"] = "outgoing",
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """`outgoing`: answers your searches got (FULL, HIT); `incoming`: matches on your data."""
    views = (hits.outgoing(ctx, principal, None, limit) if direction == "outgoing"
             else hits.incoming(ctx, principal, None, limit))
    return {"items": [hit_json(v) for v in views]}


@router.get("/hits/{ref}")
@needs(Permission.HIT_READ)
def get_hit(ctx: CtxDep, principal: PrincipalDep, ref: str) -> dict[str, Any]:
    """The matches behind a reference, and the disclosure request made on it, if any."""
    views = hits.hit_group(ctx, principal, ref)
    found = disclosure.request_for_hit(ctx, principal, ref)
    return {"reference": ref, "items": [hit_json(v) for v in views],
            "disclosure": request_json(found) if found else None}


class ReasonIn(BaseModel):
    """Why: for a request, or for a decline."""

    reason: str = Field(max_length=2000)


class ApproveIn(BaseModel):
    """An approval: why, and how long the grants last."""

    reason: str = Field(max_length=2000)
    days: int = DISCLOSURE_DAYS


@router.post("/hits/{ref}/disclosure", status_code=201)
@needs(Permission.DISCLOSURE_REQUEST)
def request_disclosure(ctx: CtxDep, principal: PrincipalDep, ref: str,
                       body: ReasonIn) -> dict[str, Any]:
    """Ask the owner of a HIT to disclose what is behind it."""
    return request_json(disclosure.request_disclosure(ctx, principal, ref, body.reason))


@router.get("/disclosures")
@needs(Permission.DISCLOSURE_READ)
def list_disclosures(ctx: CtxDep, principal: PrincipalDep,
                     role: Literal["owner", "requester"] = "owner",
                     status: DisclosureStatus | None = None,
                     limit: Annotated[int, Query(ge=1, le=500)] = 100) -> dict[str, Any]:
    """Requests to decide (`owner`) or made (`requester`)."""
    items = disclosure.list_requests(ctx, principal, role, status, limit)
    return {"items": [request_json(r) for r in items]}


@router.get("/disclosures/{request_id}")
@needs(Permission.DISCLOSURE_READ)
def get_disclosure(ctx: CtxDep, principal: PrincipalDep, request_id: str) -> dict[str, Any]:
    """A request, its history, and the cases the caller may read of it."""
    view = disclosure.get_request(ctx, principal, request_id)
    return {**request_json(view.request), "steps": [step_json(s) for s in view.steps],
            "value": {"type": view.obs_type, "value": view.value},
            "cases": [{"id": c.case_id, "title": c.title, "granted": c.granted}
                      for c in view.cases]}


@router.post("/disclosures/{request_id}/approve")
@needs(Permission.GRANT_MANAGE)
def approve(ctx: CtxDep, principal: PrincipalDep, request_id: str,
            body: ApproveIn) -> dict[str, Any]:
    """Grant the requester the cases behind the hit, until the grants expire."""
    return request_json(disclosure.approve(ctx, principal, request_id, body.reason, body.days))


@router.post("/disclosures/{request_id}/decline")
@needs(Permission.GRANT_MANAGE)
def decline(ctx: CtxDep, principal: PrincipalDep, request_id: str,
            body: ReasonIn) -> dict[str, Any]:
    """Refuse a request, saying why."""
    return request_json(disclosure.decline(ctx, principal, request_id, body.reason))
