"""Presenter of an audit event."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.audit import AuditEvent


def event_json(event: AuditEvent) -> dict[str, Any]:
    """An audit event with its place in the hash chain."""
    return {"seq": event.seq, "at": event.at.isoformat(), "action": event.action,
            "actor_user_id": event.actor_user_id, "actor_org_id": event.actor_org_id,
            "item_type": event.item_type, "item_id": event.item_id,
            "owner_org_id": event.owner_org_id, "detail": event.detail, "hash": event.hash}
