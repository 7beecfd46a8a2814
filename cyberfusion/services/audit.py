"""The audit trail as a service: record, verify, and let owners see who read or hit their data."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.audit import AuditAction, AuditEvent, ChainBreak, find_break
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

#: Actions an owner looks at to learn who used its data.
USE_OF_DATA = [AuditAction.CASE_READ.value, AuditAction.HIT.value, AuditAction.EXPORT.value,
               AuditAction.SEARCH.value]


def record(
    tx: Tx,
    ctx: Context,
    principal: Principal | None,
    action: AuditAction,
    item_type: str = "",
    item_id: str | int = "",
    owner_org_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (so it lands with the change)."""
    event = AuditEvent(
        action=action.value,
        at=ctx.now(),
        actor_user_id=principal.user.id if principal and principal.user else None,
        actor_org_id=principal.org_id if principal else None,
        item_type=item_type,
        item_id=str(item_id),
        owner_org_id=owner_org_id,
        detail=detail or {},
    )
    return tx.audit.append(event)


def verify(ctx: Context) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; (events checked, first break or None)."""
    with ctx.db.read() as tx:
        head_seq, head_hash = tx.audit.head()
        checked = 0

        def counted() -> Any:
            nonlocal checked
            for pair in tx.audit.walk():
                checked += 1
                yield pair

        problem = find_break(counted(), head_seq, head_hash)
    return checked, problem


def org_trail(
    ctx: Context,
    principal: Principal,
    actions: list[str] | None = None,
    before: int | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """Events by or about the principal's organisation (auditors and admins only)."""
    require(principal, Permission.AUDIT_READ)
    with ctx.db.write() as tx:
        events = tx.audit.about_org(principal.org_id, actions, before, min(limit, 1000))
        record(tx, ctx, principal, AuditAction.AUDIT_READ, "org", principal.org_id,
               principal.org_id, {"actions": actions or []})
    return events
