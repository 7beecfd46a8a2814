"""Cases: submit, read, list, update with versions, revoke; every read passes `decide()`."""

from __future__ import annotations

from dataclasses import dataclass

from cyberfusion.domain.access import Access, GovernedItem, decide, decide_version
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.gateway import (
    CASE_CONTENT,
    CASE_FIELDS,
    Agreement,
    Direction,
    case_categories,
)
from cyberfusion.domain.handling import Handling, check_review_by
from cyberfusion.domain.model import (
    Case,
    CaseDraft,
    CaseFilter,
    CaseVersion,
    DisclosureGrant,
    Organisation,
    OrgKind,
    Principal,
)
from cyberfusion.domain.paging import Page
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import Conflict, InvalidHandling, Issue, NotFound, PermissionDenied
from cyberfusion.services import audit, gateway, hits
from cyberfusion.services.context import Context
from cyberfusion.services.flags import flags_for, matcher_for
from cyberfusion.store.tx import Tx

MAX_PAGE = 500


#: One page of a case list and the total the caller may see.
CasePage = Page[Case]


def check_references(tx: Tx, handling: Handling) -> None:
    """Every `org:` token and partner must name an existing organisation of the right kind."""
    named = {t.removeprefix("org:") for t in handling.release | handling.exclude
             if t.startswith("org:")}
    issues = [Issue("handling.release", f"no organisation {o!r}")
              for o in sorted(named - tx.orgs.exists(named))]
    for org_id in sorted(handling.partners):
        org = tx.orgs.get(org_id)
        if org is None or org.kind is not OrgKind.PARTNER:
            issues.append(Issue("handling.partners", f"{org_id!r} is not a partner organisation"))
    if issues:
        raise InvalidHandling("the handling record names unknown organisations", issues)


def create_case(ctx: Context, principal: Principal, draft: CaseDraft) -> Case:
    """Store a new case owned by the principal's organisation (review date after today)."""
    require(principal, Permission.CASE_WRITE)
    check_review_by(draft.handling, ctx.now().date())
    flags = flags_for(matcher_for(ctx), draft.occurrences)  # before the transaction opens
    with ctx.db.write() as tx:
        check_references(tx, draft.handling)
        agreement = _admitted(tx, ctx, principal, draft)
        tx.observables.flags = flags
        user_id = principal.user.id if principal.user else None
        case_id = tx.cases.add(principal.org_id, draft, user_id, ctx.now())
        gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                Direction.INBOUND, "case", {"cases": 1, "case_ids": [case_id]})
        hits.on_cases_landed(tx, ctx, principal.org_id, [case_id], user_id)
        audit.record(tx, ctx, principal, AuditAction.CASE_CREATE, "case", case_id,
                     principal.org_id, {"title": draft.title, "tlp": draft.handling.tlp.value,
                                        "observables": len(draft.occurrences)})
        case = tx.cases.get(case_id)
    assert case is not None
    return case


def _admitted(tx: Tx, ctx: Context, principal: Principal, draft: CaseDraft) -> Agreement | None:
    """The partner agreement that lets this case in (None for members), else refused."""
    return gateway.admit(tx, ctx, principal.org, case_categories(draft), fields=CASE_FIELDS)


def grants_of(tx: Tx, case: Case) -> list[DisclosureGrant]:
    """The disclosure grants on one case (active or not: `decide()` checks their dates)."""
    return tx.handlings.grants_for([case.handling_id]).get(case.handling_id, [])


def access_to(tx: Tx, ctx: Context, org: Organisation, case: Case) -> Access:
    """`decide()` for one case, with its grants loaded."""
    return decide(org, _governed(case), ctx.now(), grants_of(tx, case))


def _governed(case: Case) -> GovernedItem:
    return GovernedItem(case.handling_id, case.owner_org_id, case.handling)


def get_case(ctx: Context, principal: Principal, case_id: int) -> Case:
    """The case if `decide()` gives FULL; otherwise NotFound (absent and hidden look alike)."""
    require(principal, Permission.CASE_READ)
    with ctx.db.write() as tx:
        agreement = gateway.release(tx, ctx, principal.org, CASE_CONTENT)
        case = tx.cases.get(case_id)
        if case is None or access_to(tx, ctx, principal.org, case) is not Access.FULL:
            raise NotFound(f"no case {case_id}")
        gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                Direction.OUTBOUND, "case", {"cases": 1, "case_ids": [case_id]})
        if case.owner_org_id != principal.org_id:
            audit.record(tx, ctx, principal, AuditAction.CASE_READ, "case", case_id,
                         case.owner_org_id, {"tlp": case.handling.tlp.value})
    return case


def list_cases(
    ctx: Context, principal: Principal, filters: CaseFilter, offset: int = 0, limit: int = 50
) -> CasePage:
    """A page of the cases the principal may read in full, with the total."""
    require(principal, Permission.CASE_READ)
    limit = max(1, min(limit, MAX_PAGE))
    with ctx.db.read() as tx:
        agreement = gateway.release(tx, ctx, principal.org, CASE_CONTENT)
        items, total = tx.cases.page(principal.org, ctx.now(), filters, max(0, offset), limit)
    if agreement is not None:  # a partner's read: audited against its agreement
        with ctx.db.write() as tx:
            gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                    Direction.OUTBOUND, "cases", {"cases": len(items)})
    return CasePage(items, total, offset, limit)


def update_case(
    ctx: Context, principal: Principal, case_id: int, draft: CaseDraft, expected_version: int
) -> Case:
    """Store a new version of an own case; Conflict if someone else changed it first."""
    require(principal, Permission.CASE_WRITE)
    check_review_by(draft.handling, ctx.now().date())
    flags = flags_for(matcher_for(ctx), draft.occurrences)  # before the transaction opens
    with ctx.db.write() as tx:
        case = _own_case(tx, ctx, principal, case_id)
        if case.version != expected_version:
            raise Conflict(f"case {case_id} is at version {case.version}, not {expected_version}")
        check_references(tx, draft.handling)
        agreement = _admitted(tx, ctx, principal, draft)
        tx.observables.flags = flags
        gateway.record_transfer(tx, ctx, principal, principal.org_id, agreement,
                                Direction.INBOUND, "case", {"cases": 1, "case_ids": [case_id]})
        version = tx.cases.update(case_id, draft, principal.user.id if principal.user else None,
                                  ctx.now())
        hits.on_cases_landed(tx, ctx, principal.org_id, [case_id], principal.user.id
                             if principal.user else None)
        audit.record(tx, ctx, principal, AuditAction.CASE_UPDATE, "case", case_id,
                     principal.org_id, {"version": version})
        updated = tx.cases.get(case_id)
    assert updated is not None
    return updated


def revoke_case(ctx: Context, principal: Principal, case_id: int, reason: str) -> None:
    """Withdraw an own case: kept for the record and readable by id to those who read it in
    full, gone from lists, searches, hits, counts and exports; queued for the next network
    run, which drops it from the networks it held together."""
    require(principal, Permission.CASE_WRITE)
    with ctx.db.write() as tx:
        _own_case(tx, ctx, principal, case_id)
        tx.cases.set_revoked(case_id, ctx.now())
        tx.networks.mark_dirty([case_id], ctx.now())
        audit.record(tx, ctx, principal, AuditAction.CASE_REVOKE, "case", case_id,
                     principal.org_id, {"reason": reason})


@dataclass(frozen=True, slots=True)
class CaseHistory:
    """The earlier versions of a case a principal may read, oldest first, and how many are
    withheld from it (a count, nothing more)."""

    case_id: int
    versions: list[CaseVersion]
    hidden: int


def case_history(ctx: Context, principal: Principal, case_id: int) -> CaseHistory:
    """Earlier versions of a readable case, each shown only where `decide_version` gives
    FULL (its own handling and the current one); NotFound where the case is not readable."""
    require(principal, Permission.CASE_READ)
    now = ctx.now()
    with ctx.db.write() as tx:
        case = tx.cases.get(case_id, with_occurrences=False)
        grants = grants_of(tx, case) if case is not None else []
        if case is None or decide(principal.org, _governed(case), now, grants) \
                is not Access.FULL:
            raise NotFound(f"no case {case_id}")
        past = tx.cases.versions(case_id)
        shown = [v for v in past if decide_version(principal.org, _governed(case), v.handling,
                                                   now, grants) is Access.FULL]
        if case.owner_org_id != principal.org_id:
            audit.record(tx, ctx, principal, AuditAction.CASE_READ, "case", case_id,
                         case.owner_org_id, {"tlp": case.handling.tlp.value,
                                             "versions": [v.version for v in shown]})
    return CaseHistory(case_id, shown, len(past) - len(shown))


def _own_case(tx: Tx, ctx: Context, principal: Principal, case_id: int) -> Case:
    case = tx.cases.get(case_id, with_occurrences=False)
    if case is None or access_to(tx, ctx, principal.org, case) is not Access.FULL:
        raise NotFound(f"no case {case_id}")
    if case.owner_org_id != principal.org_id:
        raise PermissionDenied("only the owner organisation changes a case")
    return case


def who_can_see(ctx: Context, principal: Principal, case_id: int) -> list[tuple[Organisation,
                                                                              Access]]:
    """Every organisation with its `decide()` answer on the case (FULL and HIT only)."""
    case = get_case(ctx, principal, case_id)
    with ctx.db.read() as tx:
        grants = grants_of(tx, case)
        orgs = tx.orgs.all()
    now = ctx.now()
    answers = [(org, decide(org, _governed(case), now, grants)) for org in orgs]
    return [(org, access) for org, access in answers if access is not Access.NONE]


def would_see(ctx: Context, principal: Principal, handling: Handling
              ) -> list[tuple[Organisation, Access]]:
    """Who would read (FULL) or learn of a match (HIT) on a case of the principal's with this
    handling, were it stored now: `decide()` on each organisation, no grants (a new case has
    none). The form's live "who will see this" preview; it reads only the directory."""
    require(principal, Permission.CASE_WRITE)
    with ctx.db.read() as tx:
        check_references(tx, handling)
        orgs = tx.orgs.all()
    item = GovernedItem(0, principal.org_id, handling)
    now = ctx.now()
    answers = [(org, decide(org, item, now, [])) for org in orgs]
    return [(org, access) for org, access in answers if access is not Access.NONE]
