"""Review and retention: owners confirm data is still needed; unconfirmed data is deleted.

Past `review_by`, `decide()` already hides a record from everyone but its owner; after
`retention_grace_days` more, `purge_expired` deletes it and records that in the audit trail.
"""

from __future__ import annotations

from datetime import date, timedelta

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Case, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue, NotFound
from cyberfusion.services import audit
from cyberfusion.services.context import Context

PURGE_BATCH = 500


def confirm_review(
    ctx: Context, principal: Principal, case_id: int, review_by: date | None = None
) -> date:
    """The owner confirms an own case is still needed, until `review_by` (default: full term)."""
    require(principal, Permission.RETENTION_CONFIRM)
    today = ctx.now().date()
    longest = today + timedelta(days=365 * ctx.settings.review_years)
    chosen = review_by or longest
    if not today < chosen <= longest:
        raise InvalidInput("bad review date", [Issue(
            "review_by", f"after today and at most {ctx.settings.review_years} years ahead")])
    with ctx.db.write() as tx:
        case = tx.cases.get(case_id, with_occurrences=False)
        if case is None or case.owner_org_id != principal.org_id:
            raise NotFound(f"no case {case_id} of yours")
        tx.handlings.set_review_by(case.handling_id, chosen)
        audit.record(tx, ctx, principal, AuditAction.CASE_REVIEW, "case", case_id,
                     principal.org_id, {"from": case.handling.review_by.isoformat(),
                                        "to": chosen.isoformat()})
    return chosen


def reviews_due(ctx: Context, principal: Principal, within_days: int = 30,
                limit: int = 200) -> list[Case]:
    """Own cases whose review date falls within `within_days` (or has passed)."""
    require(principal, Permission.RETENTION_READ)
    until = ctx.now().date() + timedelta(days=max(0, within_days))
    with ctx.db.read() as tx:
        return tx.cases.due_for_review(principal.org_id, until, limit)


def sweep_once_per(ctx: Context, period: timedelta) -> int | None:
    """The sweep of a worker: run unless any process ran one within `period` (a tenth of
    it is slack for timers), so several `serve` processes on one database sweep once per
    period between them; None when it was not due. Each run is an audit event."""
    with ctx.db.write() as tx:
        last = tx.audit.last_at_locked(AuditAction.RETENTION_SWEEP.value)
        if last is not None and ctx.now() - last < period * 0.9:
            return None
        audit.record(tx, ctx, None, AuditAction.RETENTION_SWEEP, "retention", "", None,
                     {"period_hours": round(period.total_seconds() / 3600, 3)})
    return purge_expired(ctx)


def purge_expired(ctx: Context) -> int:
    """Delete every case past its review date by more than the grace period; return how many
    (batches are claimed with SKIP LOCKED, so concurrent sweeps never take one case twice)."""
    cutoff = ctx.now().date() - timedelta(days=ctx.settings.retention_grace_days)
    purged = 0
    while True:
        with ctx.db.write() as tx:
            batch = tx.cases.past_review(cutoff, PURGE_BATCH)
            for case in batch:
                tx.cases.delete(case.id)
                audit.record(tx, ctx, None, AuditAction.CASE_PURGE, "case", case.id,
                             case.owner_org_id, {"review_by": case.handling.review_by.isoformat(),
                                                 "title_chars": len(case.title)})
        purged += len(batch)
        if len(batch) < PURGE_BATCH:
            return purged
