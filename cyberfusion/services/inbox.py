"""The in-app inbox: an organisation's notifications, read by its users and streamed live.

Notifications name a thread only to its parties; the hub's escalation notices about a
thread it is not part of carry no thread number, subject or content.
"""

from __future__ import annotations

# Re-exported: the typed notification services hand to presenters and adapters.
from cyberfusion.domain.channel import Notification
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.services.context import Context


def notifications(ctx: Context, principal: Principal, after: int = 0,
                  limit: int = 100) -> tuple[list[Notification], int]:
    """(notifications newer than `after`, newest first; unread count)."""
    require(principal, Permission.CHANNEL_READ)
    user_id = principal.user.id if principal.user else None
    with ctx.db.read() as tx:
        found = tx.outbox.notifications(principal.org_id, user_id, after, min(limit, 500))
        unread = tx.outbox.unread(principal.org_id, user_id)
    return found, unread


def latest_id(ctx: Context, principal: Principal) -> int:
    """The newest notification id of the organisation (where a live stream starts)."""
    found, _ = notifications(ctx, principal, 0, 1)
    return found[0].id if found else 0


def mark_read(ctx: Context, principal: Principal, up_to: int) -> None:
    """Mark the organisation's notifications read up to `up_to`."""
    require(principal, Permission.CHANNEL_READ)
    with ctx.db.write() as tx:
        tx.outbox.mark_read(principal.org_id, up_to, ctx.now())
