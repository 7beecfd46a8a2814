"""Presenter of an audit event."""

from __future__ import annotations

from typing import Any

from typing_extensions import TypedDict

from cyberfusion.domain.audit import AuditEvent


class AuditEventDoc(TypedDict):
    """An audit event with its place in the hash chain."""

    seq: int
    at: str
    action: str
    actor_user_id: int | None
    actor_org_id: str | None
    item_type: str
    item_id: str
    owner_org_id: str | None
    detail: dict[str, Any]
    hash: str


def event_json(event: AuditEvent) -> AuditEventDoc:
    """An audit event with its place in the hash chain."""
    return {"seq": event.seq, "at": event.at.isoformat(), "action": event.action,
            "actor_user_id": event.actor_user_id, "actor_org_id": event.actor_org_id,
            "item_type": event.item_type, "item_id": event.item_id,
            "owner_org_id": event.owner_org_id, "detail": event.detail, "hash": event.hash}
