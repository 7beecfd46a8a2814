"""Disclosure after a hit: the searcher asks with a reason, the owner approves (a grant per
case, with an expiry) or declines with a reason; each step is audited, noticed to the other
side and kept in the request's history, which both sides see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from cyberfusion.domain.access import Access, exclude_tokens
from cyberfusion.domain.audit import AuditAction, AuditEvent
from cyberfusion.domain.hits import (
    DISCLOSURE_DAYS,
    DisclosureRequest,
    DisclosureStatus,
    DisclosureStep,
    HitAction,
    NoticeKind,
    check_days,
    check_reason,
)
from cyberfusion.domain.model import Organisation, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import Conflict, NotFound, PermissionDenied
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.services.hits import answer_now, new_id
from cyberfusion.store.tx import Tx


@dataclass(frozen=True, slots=True)
class CoveredCase:
    """A case a request covers, as the viewer may see it (id and title only when readable)."""

    case_id: int
    title: str
    granted: bool


@dataclass(frozen=True, slots=True)
class RequestView:
    """A request with its history and the cases the viewer may see of it."""

    request: DisclosureRequest
    steps: list[DisclosureStep]
    cases: list[CoveredCase]
    value: str
    obs_type: str


def record(tx: Tx, ctx: Context, principal: Principal, action: HitAction, item_id: str,
           owner_org_id: str, detail: dict[str, Any]) -> None:
    """An audit event for a disclosure step; `owner_org_id` names the other side, so that
    the requester's and the owner's trails both hold every step."""
    tx.audit.append(AuditEvent(
        action=action.value, at=ctx.now(),
        actor_user_id=principal.user.id if principal.user else None,
        actor_org_id=principal.org_id, item_type="disclosure", item_id=item_id,
        owner_org_id=owner_org_id, detail=detail))


def request_disclosure(ctx: Context, principal: Principal, ref: str,
                       reason: str) -> DisclosureRequest:
    """Ask the owner of a HIT to disclose the cases behind it."""
    require(principal, Permission.DISCLOSURE_REQUEST)
    text = check_reason(reason)
    with ctx.db.write() as tx:
        hit = tx.hits.get(ref)
        if hit is None or hit.searcher_org_id != principal.org_id \
                or hit.answer != Access.HIT.value:
            raise NotFound(f"no hit {ref}")
        group = tx.hits.group(hit)
        levels = tx.hits.levels([h.case_id for h in group if h.case_id is not None],
                                principal.org, ctx.now())
        group = [h for h in group if answer_now(h, principal.org_id, levels) is not None]
        if not group:
            raise NotFound(f"no hit {ref}")
        earlier = tx.disclosures.for_hit([h.id for h in group])
        if earlier is not None and earlier.status is DisclosureStatus.REQUESTED:
            raise Conflict(f"disclosure already requested ({earlier.id}); wait for the owner")
        now = ctx.now()
        request = DisclosureRequest(new_id(), group[0].id, principal.org_id,
                                    principal.user.id if principal.user else None,
                                    hit.owner_org_id, text, DisclosureStatus.REQUESTED, now)
        tx.disclosures.add(request, [h.case_id for h in group if h.case_id is not None])
        _step(tx, request.id, principal, now, "requested", text)
        tx.hits.add_notice(hit.owner_org_id, NoticeKind.DISCLOSURE_REQUESTED, now,
                           request_id=request.id)
        record(tx, ctx, principal, HitAction.DISCLOSURE_REQUEST, request.id, hit.owner_org_id,
               {"hit": group[0].id, "reason": text})
    return request


def _step(tx: Tx, request_id: str, principal: Principal, at: Any, action: str,
          reason: str) -> None:
    tx.disclosures.add_step(request_id, DisclosureStep(
        at, principal.org_id, principal.user.id if principal.user else None, action, reason))


def _pending(tx: Tx, principal: Principal, request_id: str) -> DisclosureRequest:
    """The owner's undecided request, locked; NotFound for anyone else."""
    request = tx.disclosures.get(request_id, lock=True)
    if request is None or request.owner_org_id != principal.org_id:
        raise NotFound(f"no disclosure request {request_id}")
    if request.status is not DisclosureStatus.REQUESTED:
        raise Conflict(f"request {request_id} was already {request.status.value}")
    return request


def approve(ctx: Context, principal: Principal, request_id: str, reason: str,
            days: int = DISCLOSURE_DAYS) -> DisclosureRequest:
    """Grant the requester each covered case until the grant expires or is revoked."""
    require(principal, Permission.GRANT_MANAGE)
    text, days = check_reason(reason), check_days(days)
    with ctx.db.write() as tx:
        request = _pending(tx, principal, request_id)
        requester = tx.orgs.get(request.requester_org_id)
        assert requester is not None
        now = ctx.now()
        expires = now + timedelta(days=days)
        granted = _grant_cases(tx, ctx, principal, request, requester, text, expires)
        if not granted:
            raise PermissionDenied("none of the cases may go to the requester (withdrawn, "
                                   "excluded, or personal data asked for by a partner)")
        tx.disclosures.decide(request_id, DisclosureStatus.APPROVED, now,
                              principal.user.id if principal.user else None, text, days,
                              expires)
        _step(tx, request_id, principal, now, "approved", text)
        tx.hits.add_notice(request.requester_org_id, NoticeKind.DISCLOSURE_APPROVED, now,
                           request_id=request_id)
        record(tx, ctx, principal, HitAction.DISCLOSURE_APPROVE, request_id,
               request.requester_org_id, {"to": request.requester_org_id, "days": days,
                                  "cases": granted, "reason": text})
        decided = tx.disclosures.get(request_id)
    assert decided is not None
    return decided


def _grant_cases(tx: Tx, ctx: Context, principal: Principal, request: DisclosureRequest,
                 requester: Organisation, reason: str, expires: Any) -> list[int]:
    """A grant per covered case the handling allows; return the granted case ids."""
    granted = []
    for case_id, _ in tx.disclosures.cases(request.id):
        case = tx.cases.get(case_id, with_occurrences=False)
        if case is None or case.owner_org_id != principal.org_id or case.revoked:
            continue  # a withdrawn case is disclosed to no one new
        if case.handling.exclude & exclude_tokens(requester):
            continue
        if requester.is_partner and case.handling.personal_data:
            continue
        grant = tx.handlings.add_grant(case.handling_id, requester.id, principal.org_id,
                                       reason, ctx.now(), expires)
        tx.disclosures.set_grant(request.id, case_id, grant.id)
        audit.record(tx, ctx, principal, AuditAction.GRANT_CREATE, "case", case_id,
                     principal.org_id, {"grant": grant.id, "to": requester.id,
                                        "disclosure": request.id, "reason": reason})
        granted.append(case_id)
    return granted


def decline(ctx: Context, principal: Principal, request_id: str,
            reason: str) -> DisclosureRequest:
    """Refuse a request, saying why."""
    require(principal, Permission.GRANT_MANAGE)
    text = check_reason(reason)
    with ctx.db.write() as tx:
        request = _pending(tx, principal, request_id)
        now = ctx.now()
        tx.disclosures.decide(request_id, DisclosureStatus.DECLINED, now,
                              principal.user.id if principal.user else None, text, None, None)
        _step(tx, request_id, principal, now, "declined", text)
        tx.hits.add_notice(request.requester_org_id, NoticeKind.DISCLOSURE_DECLINED, now,
                           request_id=request_id)
        record(tx, ctx, principal, HitAction.DISCLOSURE_DECLINE, request_id,
               request.requester_org_id, {"to": request.requester_org_id, "reason": text})
        decided = tx.disclosures.get(request_id)
    assert decided is not None
    return decided


def list_requests(ctx: Context, principal: Principal, role: str = "owner",
                  status: str | None = None, limit: int = 100) -> list[DisclosureRequest]:
    """Requests to decide (`owner`) or made (`requester`) by the organisation."""
    require(principal, Permission.DISCLOSURE_READ)
    with ctx.db.read() as tx:
        return tx.disclosures.of_org(principal.org_id, "owner" if role == "owner"
                                     else "requester", status, min(limit, 500))


def get_request(ctx: Context, principal: Principal, request_id: str) -> RequestView:
    """A request seen by either side: history, and the cases the viewer reads in full."""
    require(principal, Permission.DISCLOSURE_READ)
    with ctx.db.read() as tx:
        request = tx.disclosures.get(request_id)
        if request is None or principal.org_id not in (request.owner_org_id,
                                                       request.requester_org_id):
            raise NotFound(f"no disclosure request {request_id}")
        covered = tx.disclosures.cases(request_id)
        levels = tx.hits.levels([c for c, _ in covered], principal.org, ctx.now())
        readable = [c for c, _ in covered if levels.get(c) == Access.FULL.value]
        facts = tx.networks.case_facts(readable)
        cases = [CoveredCase(c, facts[c].title, grant is not None)
                 for c, grant in covered if c in facts]
        hit = tx.hits.get(request.hit_ref)
        steps = tx.disclosures.steps(request_id)
    value, obs_type = (hit.value, hit.obs_type) if hit else ("", "")
    return RequestView(request, steps, cases, value, obs_type)


def request_for_hit(ctx: Context, principal: Principal, ref: str) -> DisclosureRequest | None:
    """The latest request made on the hit group behind `ref` by the viewer's organisation."""
    with ctx.db.read() as tx:
        hit = tx.hits.get(ref)
        if hit is None or hit.answer != Access.HIT.value:
            return None
        found = tx.disclosures.for_hit([h.id for h in tx.hits.group(hit)])
    if found is None or principal.org_id not in (found.requester_org_id, found.owner_org_id):
        return None
    return found
