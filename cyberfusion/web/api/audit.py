"""API: the organisation's own audit trail, and who read or hit its data."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.audit import AuditEventDoc, event_json
from cyberfusion.presenters.common import Items
from cyberfusion.services import audit
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import OptionalCursor

router = APIRouter(prefix="/audit")


@router.get("")
@needs(Permission.AUDIT_READ)
def org_trail(
    ctx: CtxDep, principal: PrincipalDep,
    action: Annotated[list[str] | None, Query()] = None,
    before: OptionalCursor = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Items[AuditEventDoc]:
    """Events by or about the caller's organisation, newest first (auditors, admins)."""
    events = audit.org_trail(ctx, principal, action, before, limit)
    return {"items": [event_json(e) for e in events]}


@router.get("/use-of-data")
@needs(Permission.AUDIT_READ)
def use_of_data(
    ctx: CtxDep, principal: PrincipalDep, before: OptionalCursor = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Items[AuditEventDoc]:
    """Who read, hit or exported the caller's data (events by others on its items)."""
    events = audit.org_trail(ctx, principal, audit.USE_OF_DATA, before, limit)
    others = [e for e in events if e.owner_org_id == principal.org_id
              and e.actor_org_id != principal.org_id]
    return {"items": [event_json(e) for e in others]}
