"""Exports of cases the principal may read in full; every export is audited."""

from __future__ import annotations

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Case, Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.services import audit
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.cases import CaseFilter

FORMATS = ("jsonl", "csv")
MAX_EXPORT = 10_000


def export_cases(ctx: Context, principal: Principal, filters: CaseFilter, fmt: str) -> list[Case]:
    """Readable cases (with observables) matching `filters`, at most MAX_EXPORT."""
    require(principal, Permission.CASE_READ)
    if fmt not in FORMATS:
        raise InvalidInput("unknown export format", [Issue("format", f"one of {FORMATS}")])
    now = ctx.now()
    with ctx.db.write() as tx:
        page, total = tx.cases.page(principal.org, now, filters, 0, MAX_EXPORT)
        found = [c for c in (tx.cases.get(p.id) for p in page) if c is not None]
        audit.record(tx, ctx, principal, AuditAction.EXPORT, "case", "", principal.org_id,
                     {"format": fmt, "count": len(found), "total": total})
        by_owner: dict[str, list[int]] = {}
        for case in found:
            by_owner.setdefault(case.owner_org_id, []).append(case.id)
        for owner, ids in sorted(by_owner.items()):
            if owner != principal.org_id:
                audit.record(tx, ctx, principal, AuditAction.EXPORT, "case", "", owner,
                             {"format": fmt, "case_ids": ids})
    return found
