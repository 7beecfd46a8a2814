"""Notifier registry, webhook signatures and retry back-off."""

from __future__ import annotations

import hashlib
import hmac

from cyberfusion.config import Settings
from cyberfusion.services import notify
from cyberfusion.services.context import Context
from cyberfusion.store.db import Database


def test_every_notifier_kind_is_registered_under_its_own_kind() -> None:
    assert set(notify.NOTIFIERS) == set(notify.ChannelKind)
    for kind, notifier in notify.NOTIFIERS.items():
        assert notifier.kind is kind
        assert callable(notifier.enqueue) and callable(notifier.deliver)


def test_webhook_signature_is_hmac_sha256_over_timestamp_and_body() -> None:
    body = b'{"event":"escalation"}'
    expected = hmac.new(b"s3cret", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert notify.webhook_signature(b"s3cret", "1700000000", body) == expected


def test_backoff_doubles_and_is_capped_at_an_hour() -> None:
    ctx = Context(Settings(outbox_backoff_seconds=30), Database("sqlite://"))
    waits = [notify.backoff(ctx, n).total_seconds() for n in (1, 2, 3, 10)]
    assert waits == [30, 60, 120, 3600]
    ctx.db.dispose()
