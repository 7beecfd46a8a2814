"""Presenter of an in-app notification, as the inbox lists it and the live stream sends it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from typing_extensions import TypedDict

from cyberfusion.domain.channel import Notification


class NotificationDoc(TypedDict):
    """One in-app notification."""

    id: int
    kind: str
    priority: str
    title: str
    thread_id: int | None
    created_at: str
    read: bool


class NotificationsDoc(TypedDict):
    """The inbox: notifications newest first, and how many are unread."""

    items: list[NotificationDoc]
    unread: int


def notification_json(n: Notification) -> NotificationDoc:
    """One notification (a thread number only where the organisation is a party)."""
    return {"id": n.id, "kind": n.kind, "priority": n.priority, "title": n.title,
            "thread_id": n.thread_id, "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None}


def notifications_json(items: Sequence[Notification], unread: int) -> NotificationsDoc:
    """The inbox: notifications newest first, and how many are unread."""
    return {"items": [notification_json(n) for n in items], "unread": unread}


def event_text(n: Notification) -> str:
    """One server-sent event carrying the notification (its id resumes the stream)."""
    return (f"id: {n.id}\nevent: notification\n"
            f"data: {json.dumps(notification_json(n))}\n\n")

