"""The audit trail as a service: record, verify, and let owners see who read or hit their data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from cyberfusion.domain.access import Access
from cyberfusion.domain.audit import AuditAction, AuditEvent, ChainBreak, find_break
from cyberfusion.domain.model import Organisation, Principal
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
    """Append one event in the caller's transaction (so it lands with the change; it is
    chained just before that transaction commits)."""
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
        shown = as_seen_now(tx, ctx, principal.org, events)
        record(tx, ctx, principal, AuditAction.AUDIT_READ, "org", principal.org_id,
               principal.org_id, {"actions": actions or []})
    return shown


def as_seen_now(tx: Tx, ctx: Context, org: Organisation,
                events: Sequence[AuditEvent]) -> list[AuditEvent]:
    """The events as `org` may see them today: one on another organisation's data keeps its
    item, owner and detail only while every case it names is still readable in full (a hit:
    while the match is still one `org` may learn of); otherwise they are withheld."""
    foreign = [e for e in events if e.owner_org_id not in (None, org.id)]
    groups = tx.hits.group_cases(sorted({e.item_id for e in foreign if e.item_type == "hit"}))
    named = {e.seq: _cases_named(e, groups) for e in foreign}
    levels = tx.hits.levels(sorted({c for ids in named.values() for c in ids}), org, ctx.now())
    withheld = {e.seq for e in foreign if not _still_seen(e, named[e.seq], levels)}
    return [_withheld(e) if e.seq in withheld else e for e in events]


def _still_seen(event: AuditEvent, case_ids: list[int], levels: dict[int, str]) -> bool:
    """A hit event needs one match still FULL or HIT; any other, every case it names FULL."""
    if event.item_type == "hit":
        return any(levels.get(c) in (Access.FULL.value, Access.HIT.value) for c in case_ids)
    return all(levels.get(c) == Access.FULL.value for c in case_ids)


def _cases_named(event: AuditEvent, groups: dict[str, list[int]]) -> list[int]:
    """The cases an event is about: its item, the cases in its detail, or a hit's matches."""
    if event.item_type == "hit":
        return groups.get(event.item_id, [])
    ids = [int(event.item_id)] if event.item_type == "case" and event.item_id.isdigit() else []
    listed = event.detail.get("case_ids", [])
    return ids + [int(c) for c in listed if isinstance(c, int)]


def _withheld(event: AuditEvent) -> AuditEvent:
    """The event without what names data its reader may no longer see."""
    return replace(event, item_id="", owner_org_id=None, detail={"withheld": True})
