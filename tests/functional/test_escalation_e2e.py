"""A flash request nobody acknowledges: escalated to the duty officer, the backup and the hub
at the configured times, with e-mails caught by a real SMTP server and webhook calls
received and verified by a test HTTP server. The clock is driven by the test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from channel_helpers import admin, load_duty, send
from channel_servers import Hooks, Mailbox, smtp_server, webhook_server
from conftest import NOW
from worlds import World

from cyberfusion.jobs.channel import run_once
from cyberfusion.services import directory


@pytest.fixture
def servers(world: World) -> Iterator[tuple[Mailbox, Hooks]]:
    """SMTP and webhook servers wired into the world's settings; de-cyber has a webhook."""
    with smtp_server() as (box, port), webhook_server() as (hooks, url):
        s = world.ctx.settings
        s.smtp_host, s.smtp_port, s.outbox_backoff_seconds = "127.0.0.1", port, 60
        load_duty(world.ctx, "de-cyber", "hub")
        _, secret = directory.add_webhook(world.ctx, admin(world, "de-cyber"), url)
        hooks.secret = secret.encode()
        directory.set_prefs(world.ctx, admin(world, "fr-cyber"), {"flash": []})
        yield box, hooks


def at(world: World, minutes: float) -> None:
    moment = NOW + timedelta(minutes=minutes)
    world.ctx.clock = lambda: moment


def escalations(box: Mailbox) -> list[tuple[str, str]]:
    """(recipient, subject) of every escalation e-mail, in order."""
    return [(rcpt[0], str(m["Subject"])) for rcpt, m in box.messages
            if "not acknowledged" in str(m["Subject"])]


def test_unacknowledged_flash_request_climbs_the_ladder(
        world: World, servers: tuple[Mailbox, Hooks]) -> None:
    box, hooks = servers
    hooks.answers = [503]  # the first call fails and is retried with back-off
    thread = send(world.ctx, world.principals["fr-cyber"])
    run_once(world.ctx)
    assert {m["To"] for _, m in box.messages} == {"desk@de-cyber.test",
                                                  "officer@de-cyber.test"}
    seen = []
    for minute in (14, 15, 16, 29, 30, 44, 45):
        at(world, minute)
        run_once(world.ctx)
        seen.append([to for to, _ in escalations(box)])
    assert seen == [[], ["officer@de-cyber.test"], ["officer@de-cyber.test"],
                    ["officer@de-cyber.test"],
                    ["officer@de-cyber.test", "backup@de-cyber.test"],
                    ["officer@de-cyber.test", "backup@de-cyber.test"],
                    ["officer@de-cyber.test", "backup@de-cyber.test",
                     "desk@hub.test", "officer@hub.test"]]
    hub_mail = box.to("desk@hub.test")[0]
    assert thread.subject not in str(hub_mail.get_payload()) and f"#{thread.id}" not in \
        str(hub_mail["Subject"])
    assert len({m["Message-ID"] for _, m in box.messages}) == len(box.messages)
    events = [(c["body"]["event"], c["status"]) for c in hooks.calls]
    assert events == [("request", 503), ("request", 204), ("escalation", 204),
                      ("escalation", 204)]
    assert all(c["verified"] for c in hooks.calls)
    assert hooks.calls[0]["delivery"] == hooks.calls[1]["delivery"]
    with world.ctx.db.read() as tx:
        steps = tx.channel.escalations(thread.id, "fr-cyber")
        failed = [i for i in tx.outbox.outbox() if i.status != "sent"]
    assert [(s.level.value, s.at) for s in steps] == [
        ("duty_officer", NOW + timedelta(minutes=15)), ("backup", NOW + timedelta(minutes=30)),
        ("hub", NOW + timedelta(minutes=45))]
    assert failed == []
