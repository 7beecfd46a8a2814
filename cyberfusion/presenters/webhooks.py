"""Presenter of a webhook endpoint: never its secret, except once when it is added."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.duty import StoredWebhook


class WebhookDoc(TypedDict):
    """A webhook without its secret."""

    id: int
    url: str
    active: bool
    created_at: str


class NewWebhookDoc(WebhookDoc):
    """A webhook just added, with its HMAC-SHA256 secret (shown in this answer only)."""

    secret: str


def webhook_json(hook: StoredWebhook) -> WebhookDoc:
    """A webhook without its secret."""
    return {"id": hook.id, "url": hook.url, "active": hook.active,
            "created_at": hook.created_at.isoformat()}


def new_webhook_json(hook: StoredWebhook, secret: str) -> NewWebhookDoc:
    """A webhook just added, with its HMAC-SHA256 secret (shown in this answer only)."""
    return {**webhook_json(hook), "secret": secret}
