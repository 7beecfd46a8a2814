"""The secure channel on SQLite and PostgreSQL: signed delivery, status, deadlines, sweep."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from channel_helpers import admin, load_duty, send
from conftest import NOW
from sqlalchemy import func, select, update
from worlds import World, build_world

from cyberfusion.domain.channel import PartyStatus, Priority, RequestType, ThreadFilter
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.errors import InvalidInput, NotFound, PermissionDenied
from cyberfusion.services import (
    audit,
    channel,
    channel_actions,
    directory,
    escalation,
    notify,
    signing,
)
from cyberfusion.services.context import Context
from cyberfusion.store.tables_channel import (
    EscalationRow,
    MessageRow,
    OutboxRow,
    SigningKeyRow,
)

H = Handling(tlp=TLP.AMBER, release=frozenset(), review_by=NOW.date() + timedelta(days=900))


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def at(ctx: Context, minutes: float) -> None:
    """Move the context's clock to NOW + `minutes`."""
    moment = NOW + timedelta(minutes=minutes)
    ctx.clock = lambda: moment


def test_send_deliver_verify_and_acknowledge(world: World) -> None:
    ctx, fr, de = world.ctx, world.principals["fr-cyber"], world.principals["de-cyber"]
    thread = send(ctx, fr)
    assert thread.party("de-cyber").status is PartyStatus.SENT  # type: ignore[union-attr]
    assert channel.list_threads(ctx, world.principals["hub"], ThreadFilter()).total == 0
    with pytest.raises(NotFound):
        channel.get_thread(ctx, world.principals["hub"], thread.id)
    at(ctx, 3)
    view = channel.get_thread(ctx, de, thread.id)
    assert view.thread.party("de-cyber").status is PartyStatus.DELIVERED  # type: ignore[union-attr]
    assert all(v.ok for v in view.verdicts.values())
    assert [(r.org_id, r.verified) for r in view.receipts] == [("de-cyber", True)]
    done = channel_actions.acknowledge(ctx, de, thread.id, "preserving now")
    party = done.party("de-cyber")
    assert party is not None and party.status is PartyStatus.ACKNOWLEDGED
    assert party.preserve_until == NOW + timedelta(minutes=3, days=90)
    kinds = {d.kind for d in channel.get_thread(ctx, fr, thread.id).deadlines}
    assert kinds == {escalation.REMIND, escalation.EXPIRE}
    assert audit.verify(ctx)[1] is None


def test_a_changed_message_no_longer_verifies(world: World) -> None:
    ctx = world.ctx
    thread = send(ctx, world.principals["fr-cyber"])
    with ctx.db.engine.begin() as conn:
        conn.execute(update(MessageRow).where(MessageRow.thread_id == thread.id)
                     .values(body="Please delete everything."))
    view = channel.get_thread(ctx, world.principals["de-cyber"], thread.id)
    verdict = next(iter(view.verdicts.values()))
    assert not verdict.ok and "does not match" in verdict.reason
    assert [r.verified for r in view.receipts] == [False]


def test_private_keys_are_sealed(world: World) -> None:
    ctx = world.ctx
    send(ctx, world.principals["fr-cyber"])
    with ctx.db.read() as tx:
        key = tx.keys.active("fr-cyber")
        assert key is not None
        rows = tx.session.scalar(select(func.count()).select_from(SigningKeyRow))
    assert rows == 1 and len(signing.unseal(ctx, key.private_key, f"ed25519:{key.key_id}")) == 32
    with pytest.raises(ValueError):
        signing.unseal(ctx, key.private_key, "ed25519:another-key")


def test_escalation_ladder_at_the_configured_times(world: World) -> None:
    ctx = world.ctx
    ctx.settings.ack_flash_minutes = 10
    load_duty(ctx, "de-cyber", "hub")
    thread = send(ctx, world.principals["fr-cyber"])
    levels = []
    for minute in (9, 10, 19, 20, 29, 30, 45):
        at(ctx, minute)
        escalation.sweep(ctx)
        with ctx.db.read() as tx:
            steps = tx.channel.escalations(thread.id, "fr-cyber")
            levels.append([e.level.value for e in steps])
    assert levels == [[], ["duty_officer"], ["duty_officer"], ["duty_officer", "backup"],
                      ["duty_officer", "backup"], ["duty_officer", "backup", "hub"],
                      ["duty_officer", "backup", "hub"]]
    with ctx.db.read() as tx:
        steps = tx.channel.escalations(thread.id, "fr-cyber")
        hub_notes = tx.outbox.notifications("hub", None)
    assert [s.at for s in steps] == [NOW + timedelta(minutes=m) for m in (10, 20, 30)]
    assert steps[0].targets == ("duty officer: de-cyber officer officer@de-cyber.test",)
    assert [n.thread_id for n in hub_notes] == [None]
    assert thread.subject not in hub_notes[0].title and "#" not in hub_notes[0].title


def test_acknowledging_stops_escalation(world: World) -> None:
    ctx = world.ctx
    thread = send(ctx, world.principals["fr-cyber"], priority=Priority.URGENT)
    at(ctx, 119)
    channel_actions.acknowledge(ctx, world.principals["de-cyber"], thread.id)
    at(ctx, 1000)
    report = escalation.sweep(ctx)
    assert report.escalated == 0
    with ctx.db.read() as tx:
        assert tx.channel.escalations(thread.id, "fr-cyber") == []


def test_concurrent_sweeps_take_each_step_once(world: World) -> None:
    ctx = world.ctx
    ctx.settings.sweep_batch = 5
    threads = [send(ctx, world.principals["fr-cyber"], to=to) for to in
               ("de-cyber", "br-cyber", "de-ncb", "br-ncb") * 5]
    at(ctx, 60)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            escalation.sweep(ctx)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=worker) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    with ctx.db.read() as tx:
        count = tx.session.scalar(select(func.count()).select_from(EscalationRow))
        per_step = tx.session.execute(select(EscalationRow.thread_id, EscalationRow.step,
                                             func.count()).group_by(
            EscalationRow.thread_id, EscalationRow.step)).all()
    assert count == 3 * len(threads) and {n for *_, n in per_step} == {1}


def test_outbox_retries_with_backoff_then_gives_up(world: World) -> None:
    ctx = world.ctx
    ctx.settings.smtp_host, ctx.settings.smtp_port = "127.0.0.1", 9
    ctx.settings.outbox_max_attempts = 3
    ctx.settings.webhook_timeout_seconds = 2
    load_duty(ctx, "de-cyber")
    send(ctx, world.principals["fr-cyber"])
    assert notify.deliver_due(ctx) == 0
    with ctx.db.read() as tx:
        items = tx.outbox.outbox("de-cyber")
    assert {i.status for i in items} == {"pending"} and {i.attempts for i in items} == {1}
    assert {i.next_attempt_at for i in items} == {NOW + timedelta(seconds=30)}
    at(ctx, 0.5)
    notify.deliver_due(ctx)
    at(ctx, 1.5)
    notify.deliver_due(ctx)
    with ctx.db.read() as tx:
        items = tx.outbox.outbox("de-cyber")
    assert {(i.status, i.attempts) for i in items} == {("failed", 3)}
    assert all("SMTP" in i.last_error for i in items)


def test_preservation_reminder_expiry_and_extension(world: World) -> None:
    ctx = world.ctx
    fr, de = world.principals["fr-cyber"], world.principals["de-cyber"]
    thread = send(ctx, fr, preservation_days=60)
    channel_actions.acknowledge(ctx, de, thread.id)
    day = 24 * 60
    at(ctx, 53 * day)
    assert escalation.sweep(ctx).reminded == 1
    extended = channel_actions.extend_preservation(ctx, fr, thread.id, 30)
    assert extended.party("de-cyber").preserve_until == NOW + timedelta(days=90)  # type: ignore[union-attr]
    at(ctx, 61 * day)
    assert escalation.sweep(ctx).reminded == 0
    at(ctx, 90 * day)
    assert escalation.sweep(ctx).reminded == 2
    with ctx.db.read() as tx:
        titles = [n.title for n in tx.outbox.notifications("fr-cyber", None)
                  if n.kind == "preservation"]
    assert len(titles) == 3 and "has ended" in titles[0]


def test_decline_answer_and_close_follow_the_status_machine(world: World) -> None:
    ctx = world.ctx
    fr, de, br = (world.principals[o] for o in ("fr-cyber", "de-cyber", "br-cyber"))
    info = send(ctx, fr, to="de-cyber", kind=RequestType.INFORMATION)
    with pytest.raises(InvalidInput):
        channel_actions.decline(ctx, de, info.id, " ")
    with pytest.raises(PermissionDenied):
        channel_actions.acknowledge(ctx, fr, info.id)
    with pytest.raises(NotFound):
        channel_actions.acknowledge(ctx, br, info.id)
    answered = channel_actions.reply(ctx, de, info.id, "It is a Tor exit.", H, answer=True)
    assert answered.party("de-cyber").status is PartyStatus.ANSWERED  # type: ignore[union-attr]
    with pytest.raises(InvalidInput):
        channel_actions.decline(ctx, de, info.id, "changed our mind")
    with pytest.raises(PermissionDenied):
        channel_actions.close(ctx, de, info.id)
    closed = channel_actions.close(ctx, fr, info.id, "thanks")
    assert closed.closed_at is not None
    assert closed.party("de-cyber").status is PartyStatus.CLOSED  # type: ignore[union-attr]
    declined = channel_actions.decline(ctx, de, send(ctx, fr).id, "not our jurisdiction")
    assert declined.party("de-cyber").decline_reason == "not our jurisdiction"  # type: ignore[union-attr]


def test_notification_preferences_choose_channels_per_priority(world: World) -> None:
    ctx = world.ctx
    ctx.settings.smtp_host = "127.0.0.1"
    load_duty(ctx, "de-cyber")
    directory.set_prefs(ctx, admin(world, "de-cyber"), {"flash": [], "routine": ["email"]})
    send(ctx, world.principals["fr-cyber"], priority=Priority.FLASH)
    with ctx.db.read() as tx:
        assert tx.outbox.outbox("de-cyber") == []
    send(ctx, world.principals["fr-cyber"], kind=RequestType.INFORMATION,
         priority=Priority.ROUTINE)
    with ctx.db.read() as tx:
        targets = sorted(i.target for i in tx.outbox.outbox("de-cyber"))
        total = tx.session.scalar(select(func.count()).select_from(OutboxRow))
    assert targets == ["desk@de-cyber.test", "officer@de-cyber.test"] and total == 2
