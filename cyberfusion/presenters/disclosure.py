"""Presenters of a disclosure request, its history, and the cases it covers."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.hits import DisclosureRequest, DisclosureStep
from cyberfusion.presenters.common import iso
from cyberfusion.services.disclosure import RequestView


class DisclosureDoc(TypedDict):
    """A disclosure request and its decision."""

    id: str
    hit: str
    requester: str
    owner: str
    reason: str
    status: str
    created_at: str
    decided_at: str | None
    decision_reason: str | None
    days: int | None
    expires_at: str | None


class DisclosureStepDoc(TypedDict):
    """One step of a request's history."""

    at: str
    org: str
    user_id: int | None
    action: str
    reason: str


class RequestValueDoc(TypedDict):
    """The value a request is about."""

    type: str
    value: str


class RequestCaseDoc(TypedDict):
    """A case a request covers that the caller may read."""

    id: int
    title: str
    granted: bool


class DisclosureViewDoc(DisclosureDoc):
    """A request with its history, the value it is about, and the cases the caller may read."""

    steps: list[DisclosureStepDoc]
    value: RequestValueDoc
    cases: list[RequestCaseDoc]


def request_json(request: DisclosureRequest) -> DisclosureDoc:
    """A disclosure request and its decision."""
    return {
        "id": request.id, "hit": request.hit_ref, "requester": request.requester_org_id,
        "owner": request.owner_org_id, "reason": request.reason,
        "status": request.status.value, "created_at": request.created_at.isoformat(),
        "decided_at": iso(request.decided_at),
        "decision_reason": request.decision_reason or None, "days": request.days,
        "expires_at": iso(request.expires_at),
    }


def step_json(step: DisclosureStep) -> DisclosureStepDoc:
    """One step of a request's history."""
    return {"at": step.at.isoformat(), "org": step.org_id, "user_id": step.user_id,
            "action": step.action, "reason": step.reason}


def request_view_json(view: RequestView) -> DisclosureViewDoc:
    """A request with its history, the value it is about, and the cases the caller may read."""
    return {**request_json(view.request), "steps": [step_json(s) for s in view.steps],
            "value": {"type": view.obs_type, "value": view.value},
            "cases": [{"id": c.case_id, "title": c.title, "granted": c.granted}
                      for c in view.cases]}
