"""Disclosure grants: an owner opens one case to one organisation, recorded, revocable, expiring."""

from __future__ import annotations

from datetime import timedelta

from cyberfusion.domain.access import Access, GovernedItem, decide, exclude_tokens
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Case, DisclosureGrant, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import Conflict, InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.services import audit
from cyberfusion.services.cases import grants_of
from cyberfusion.services.context import Context

MAX_DAYS = 365


def grant_case(
    ctx: Context, principal: Principal, case_id: int, org_id: str, reason: str, days: int = 90
) -> DisclosureGrant:
    """Let `org_id` read an own case until the grant expires or is revoked."""
    require(principal, Permission.GRANT_MANAGE)
    issues = []
    if not reason.strip():
        issues.append(Issue("reason", "say why the organisation needs the case"))
    if not 1 <= days <= MAX_DAYS:
        issues.append(Issue("days", f"between 1 and {MAX_DAYS}"))
    if issues:
        raise InvalidInput("the grant is not valid", issues)
    now = ctx.now()
    with ctx.db.write() as tx:
        case = tx.cases.get(case_id, with_occurrences=False)
        if case is None or case.owner_org_id != principal.org_id:
            raise NotFound(f"no case {case_id} of yours")
        if case.revoked:
            raise Conflict(f"case {case_id} is withdrawn: it is kept for the record and "
                           "disclosed to no one new")
        org = tx.orgs.get(org_id)
        if org is None:
            raise InvalidInput("unknown organisation", [Issue("org_id", "no such organisation")])
        if case.handling.exclude & exclude_tokens(org):
            raise PermissionDenied(f"{org_id} is excluded by the case's handling")
        if org.is_partner and case.handling.personal_data:
            raise PermissionDenied("personal data is never disclosed to partners")
        grant = tx.handlings.add_grant(case.handling_id, org_id, principal.org_id, reason.strip(),
                                       now, now + timedelta(days=days))
        audit.record(tx, ctx, principal, AuditAction.GRANT_CREATE, "case", case_id,
                     principal.org_id, {"grant": grant.id, "to": org_id, "days": days,
                                        "reason": reason.strip()})
    return grant


def list_grants(ctx: Context, principal: Principal, case_id: int) -> list[DisclosureGrant]:
    """The grants of an own case, active or not."""
    require(principal, Permission.CASE_READ)
    with ctx.db.read() as tx:
        case = tx.cases.get(case_id, with_occurrences=False)
        if case is None or case.owner_org_id != principal.org_id:
            raise NotFound(f"no case {case_id} of yours")
        return grants_of(tx, case)


def revoke_grant(ctx: Context, principal: Principal, case_id: int, grant_id: int) -> None:
    """End a grant on an own case at once."""
    require(principal, Permission.GRANT_MANAGE)
    grants = {g.id: g for g in list_grants(ctx, principal, case_id)}
    if grant_id not in grants:
        raise NotFound(f"no grant {grant_id} on case {case_id}")
    with ctx.db.write() as tx:
        tx.handlings.revoke_grant(grant_id, ctx.now())
        audit.record(tx, ctx, principal, AuditAction.GRANT_REVOKE, "case", case_id,
                     principal.org_id, {"grant": grant_id, "to": grants[grant_id].org_id})


def reading_grant(ctx: Context, principal: Principal, case: Case) -> DisclosureGrant | None:
    """The grant the principal reads `case` under, or None when its handling alone admits it
    (or the principal owns it): what a granted reader is told, with the grant's end."""
    if case.owner_org_id == principal.org_id:
        return None
    now = ctx.now()
    item = GovernedItem(case.handling_id, case.owner_org_id, case.handling)
    if decide(principal.org, item, now, []) is Access.FULL:
        return None
    with ctx.db.read() as tx:
        mine = [g for g in grants_of(tx, case) if g.org_id == principal.org_id and g.active(now)]
    if not mine or decide(principal.org, item, now, mine) is not Access.FULL:
        return None
    return max(mine, key=lambda g: g.expires_at)
