"""Notifications: the in-app inbox, e-mail over SMTP and signed webhooks.

`fan_out` runs inside the caller's transaction: it writes inbox rows and outbox rows, each
with an idempotency key, so a notification lands exactly when the change that caused it
commits, and redoing the change after a crash writes nothing twice. `deliver_due` then
claims outbox items (SKIP LOCKED), sends them, and retries failures with exponential
back-off. Delivery is at-least-once: a crash between the remote "accepted" and our commit
sends again, with the same `Message-ID` / `X-Cyberfusion-Delivery`, so receivers can
drop the repeat. Notifications carry metadata and a link, never the message content.

Notifier kinds are an extension point: a `Notifier` per `ChannelKind` in `NOTIFIERS`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import smtplib
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from enum import StrEnum
from typing import ClassVar, Protocol

import httpx

from cyberfusion.domain.channel import Priority
from cyberfusion.services import directory, signing
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.outbox import OutboxItem
from cyberfusion.store.tx import Tx

log = logging.getLogger("cyberfusion.notify")
SIGNATURE_HEADER = "X-Cyberfusion-Signature"
TIMESTAMP_HEADER = "X-Cyberfusion-Timestamp"
DELIVERY_HEADER = "X-Cyberfusion-Delivery"


class ChannelKind(StrEnum):
    """Ways an organisation is told."""

    INBOX = "inbox"
    EMAIL = "email"
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class Note:
    """What happened, told without content: `thread_id` only for parties of the thread."""

    key: str
    event: str
    priority: Priority
    title: str
    thread_id: int | None
    link: str


@dataclass(frozen=True, slots=True)
class Recipient:
    """Who is told: an organisation, maybe one of its users, maybe chosen addresses."""

    org_id: str
    user_id: int | None = None
    emails: tuple[str, ...] = ()


class DeliveryFailed(Exception):
    """A transport could not deliver an outbox item (it will be retried)."""


class Notifier(Protocol):
    """One kind of notification: writes its rows in the transaction, delivers outbox items."""

    kind: ClassVar[ChannelKind]

    def enqueue(self, tx: Tx, ctx: Context, note: Note, to: Recipient) -> None:
        """Write what this channel needs to tell `to` of `note` (idempotent by key)."""

    def deliver(self, ctx: Context, item: OutboxItem) -> None:
        """Send one outbox item; raise DeliveryFailed to have it retried."""


class InboxNotifier:
    """The in-app inbox: a notification row, streamed live to open pages."""

    kind: ClassVar[ChannelKind] = ChannelKind.INBOX

    def enqueue(self, tx: Tx, ctx: Context, note: Note, to: Recipient) -> None:
        """Write the inbox row in the caller's transaction."""
        tx.outbox.notify([{"key": f"{note.key}:inbox:{to.org_id}:{to.user_id or ''}",
                           "org_id": to.org_id, "user_id": to.user_id,
                           "thread_id": note.thread_id, "kind": note.event,
                           "priority": note.priority.value, "title": note.title[:300],
                           "created_at": ctx.now()}])

    def deliver(self, ctx: Context, item: OutboxItem) -> None:
        """Inbox rows are written directly; nothing is ever queued for them."""
        raise DeliveryFailed("the inbox has no outbox items")


class EmailNotifier:
    """E-mail over SMTP (off while `smtp_host` is empty)."""

    kind: ClassVar[ChannelKind] = ChannelKind.EMAIL

    def enqueue(self, tx: Tx, ctx: Context, note: Note, to: Recipient) -> None:
        """One outbox row per address: the recipient's given ones, else desk and on duty."""
        if not ctx.settings.smtp_host:
            return
        addresses = to.emails or _desk_addresses(tx, ctx, to.org_id)
        text = f"{note.title}\n\nOpen: {note.link}\n\nThis notice carries no content; " \
               "read the message in cyberfusion.\n"
        tx.outbox.enqueue([{"key": f"{note.key}:email:{addr}", "channel": self.kind.value,
                            "org_id": to.org_id, "target": addr,
                            "subject": f"[{note.priority.value.upper()}] {note.title}"[:300],
                            "payload": json.dumps({"text": text}),
                            "next_attempt_at": ctx.now(), "created_at": ctx.now()}
                           for addr in sorted(set(addresses))])

    def deliver(self, ctx: Context, item: OutboxItem) -> None:
        """Send the e-mail; its Message-ID is the outbox key."""
        s = ctx.settings
        message = EmailMessage()
        message["From"] = s.smtp_from
        message["To"] = item.target
        message["Subject"] = item.subject
        message["Date"] = format_datetime(ctx.now())
        message["Message-ID"] = f"<{hashlib.sha256(item.key.encode()).hexdigest()}@cyberfusion>"
        message[DELIVERY_HEADER] = item.key
        message.set_content(json.loads(item.payload)["text"])
        try:
            with smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.webhook_timeout_seconds) as smtp:
                if s.smtp_starttls:
                    smtp.starttls()
                if s.smtp_username:
                    smtp.login(s.smtp_username, s.smtp_password.get_secret_value())
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryFailed(f"SMTP: {exc}") from exc


class WebhookNotifier:
    """An HTTP POST of a JSON event, signed with HMAC-SHA256 over `timestamp.body`."""

    kind: ClassVar[ChannelKind] = ChannelKind.WEBHOOK

    def enqueue(self, tx: Tx, ctx: Context, note: Note, to: Recipient) -> None:
        """One outbox row per active webhook of the organisation."""
        body = {"event": note.event, "priority": note.priority.value, "title": note.title,
                "thread_id": note.thread_id, "org_id": to.org_id, "link": note.link,
                "at": ctx.now().isoformat()}
        rows = []
        for hook in tx.directory.webhooks([to.org_id]):
            key = f"{note.key}:webhook:{hook.id}"
            rows.append({"key": key, "channel": self.kind.value, "org_id": to.org_id,
                         "target": str(hook.id), "subject": note.title[:300],
                         "payload": json.dumps({**body, "delivery": key}, sort_keys=True),
                         "next_attempt_at": ctx.now(), "created_at": ctx.now()})
        tx.outbox.enqueue(rows)

    def deliver(self, ctx: Context, item: OutboxItem) -> None:
        """POST the event; any non-2xx answer or network error is retried."""
        with ctx.db.read() as tx:
            hook = tx.directory.webhook(int(item.target))
        if hook is None or not hook.active:
            raise DeliveryFailed("the webhook was removed")
        secret = signing.unseal(ctx, hook.secret, f"webhook:{hook.id}")
        stamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", DELIVERY_HEADER: item.key,
                   TIMESTAMP_HEADER: stamp,
                   SIGNATURE_HEADER: "sha256=" + webhook_signature(secret, stamp,
                                                                   item.payload.encode())}
        try:
            answer = httpx.post(hook.url, content=item.payload.encode(), headers=headers,
                                timeout=ctx.settings.webhook_timeout_seconds)
        except httpx.HTTPError as exc:
            raise DeliveryFailed(f"webhook: {exc}") from exc
        if not 200 <= answer.status_code < 300:
            raise DeliveryFailed(f"webhook answered {answer.status_code}")


def webhook_signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of `timestamp.body` (what receivers recompute to verify)."""
    return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


NOTIFIERS: dict[ChannelKind, Notifier] = {
    ChannelKind.INBOX: InboxNotifier(),
    ChannelKind.EMAIL: EmailNotifier(),
    ChannelKind.WEBHOOK: WebhookNotifier(),
}


def _desk_addresses(tx: Tx, ctx: Context, org_id: str) -> list[str]:
    """The organisation's desk addresses and those of whoever is on duty now."""
    org = tx.orgs.get(org_id)
    if org is None:
        return []
    duty = directory.duty_now(tx, org_id, [org], ctx.now())[org_id]
    return [c.email for c in (*duty.desk, *duty.primary) if c.email]


def fan_out(tx: Tx, ctx: Context, note: Note, recipients: Sequence[Recipient]) -> None:
    """Tell each recipient through the inbox and the channels its organisation chose."""
    prefs = directory.prefs_of(tx, {r.org_id for r in recipients})
    for to in recipients:
        chosen = prefs[to.org_id].get(note.priority.value, frozenset())
        for kind in ChannelKind:
            if kind is ChannelKind.INBOX or kind.value in chosen:
                NOTIFIERS[kind].enqueue(tx, ctx, note, to)


def backoff(ctx: Context, attempts: int) -> timedelta:
    """Wait before the next attempt: doubling from `outbox_backoff_seconds`, at most 1 h."""
    seconds = ctx.settings.outbox_backoff_seconds * 2 ** max(0, attempts - 1)
    return timedelta(seconds=min(seconds, 3600.0))


def deliver_due(ctx: Context, limit: int | None = None) -> int:
    """Claim and send due outbox items; return how many were delivered."""
    now = ctx.now()
    with ctx.db.read() as tx:
        if not tx.outbox.any_outbox_due(now):
            return 0
    with ctx.db.write() as tx:
        lease = now + timedelta(seconds=ctx.settings.outbox_lease_seconds)
        items = tx.outbox.claim_outbox(now, lease, limit or ctx.settings.sweep_batch)
    sent = 0
    for item in items:
        sent += _deliver_one(ctx, item)
    return sent


def _deliver_one(ctx: Context, item: OutboxItem) -> int:
    """Send one item and record the outcome; 1 if it was delivered."""
    try:
        NOTIFIERS[ChannelKind(item.channel)].deliver(ctx, item)
    except (DeliveryFailed, ValueError) as exc:
        last = item.attempts >= ctx.settings.outbox_max_attempts
        log.warning("delivery %s attempt %d failed: %s", item.key, item.attempts, exc)
        with ctx.db.write() as tx:
            tx.outbox.retry(item.id, str(exc), None if last
                            else ctx.now() + backoff(ctx, item.attempts))
        return 0
    with ctx.db.write() as tx:
        tx.outbox.delivered(item.id, ctx.now())
    return 1

