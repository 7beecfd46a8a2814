"""Presenter of a webhook endpoint: never its secret, except once when it is added."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.duty import StoredWebhook


def webhook_json(hook: StoredWebhook) -> dict[str, Any]:
    """A webhook without its secret."""
    return {"id": hook.id, "url": hook.url, "active": hook.active,
            "created_at": hook.created_at.isoformat()}


def new_webhook_json(hook: StoredWebhook, secret: str) -> dict[str, Any]:
    """A webhook just added, with its HMAC-SHA256 secret (shown in this answer only)."""
    return {**webhook_json(hook), "secret": secret}
