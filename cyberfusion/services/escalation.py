"""Deadlines and escalation: the sweep acts on what falls due, restart-safe.

Sending a request schedules, per addressee, one deadline per rung of the ladder (duty
officer, backup, hub's 24/7 desk) at 1, 2 and 3 acknowledgement deadlines after sending;
acknowledging (or answering, declining, closing) cancels them. Acknowledging a preservation
request starts its period and schedules a reminder before it ends and a notice when it
ends. All of it lives in `channel_deadline`, so a restart loses nothing.

`sweep()` claims due deadlines in batches (`SELECT … FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several workers share them; SQLite has one writer). In the transaction that
marks a deadline done it writes the escalation step (unique per thread, addressee and
step), the audit event and the notifications (inbox and outbox rows with idempotency keys).
A crash before the commit leaves the deadline due; after it, the deadline is done: no step
is lost or taken twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.channel import (
    LADDER,
    SETTLED,
    EscalationLevel,
    Priority,
    Thread,
    escalation_times,
)
from cyberfusion.domain.duty import Contact
from cyberfusion.domain.model import OrgKind
from cyberfusion.services import audit, directory, notify
from cyberfusion.services.context import Context
from cyberfusion.store.repositories.outbox import Deadline
from cyberfusion.store.tx import Tx

ESCALATE, REMIND, EXPIRE = "escalate", "preservation_reminder", "preservation_expiry"
PRESERVATION_KINDS = (REMIND, EXPIRE)


@dataclass(frozen=True, slots=True)
class SweepReport:
    """What one sweep did."""

    escalated: int = 0
    reminded: int = 0
    settled: int = 0

    def __add__(self, other: SweepReport) -> SweepReport:
        return SweepReport(self.escalated + other.escalated, self.reminded + other.reminded,
                           self.settled + other.settled)


def _minutes(ctx: Context) -> dict[Priority, int]:
    s = ctx.settings
    return {Priority.FLASH: s.ack_flash_minutes, Priority.URGENT: s.ack_urgent_minutes,
            Priority.ROUTINE: s.ack_routine_minutes}


def schedule_escalation(tx: Tx, ctx: Context, thread_id: int, addressees: Iterable[str],
                        priority: Priority, sent_at: datetime) -> None:
    """One deadline per rung of the ladder for each addressee."""
    steps = escalation_times(sent_at, priority, _minutes(ctx))
    tx.outbox.schedule([{"thread_id": thread_id, "org_id": org, "kind": ESCALATE, "step": n,
                         "due_at": due} for org in addressees for n, due in steps])


def settle(tx: Tx, ctx: Context, thread_id: int, org_id: str) -> None:
    """The addressee acted: no more escalation for it."""
    tx.outbox.cancel(thread_id, org_id, [ESCALATE], ctx.now())


def schedule_preservation(tx: Tx, ctx: Context, thread_id: int, org_id: str,
                          until: datetime, generation: int) -> None:
    """A reminder `preservation_reminder_days` before `until` and a notice at `until`."""
    tx.outbox.cancel(thread_id, org_id, PRESERVATION_KINDS, ctx.now())
    remind = max(ctx.now(), until - timedelta(days=ctx.settings.preservation_reminder_days))
    tx.outbox.schedule([
        {"thread_id": thread_id, "org_id": org_id, "kind": REMIND, "step": generation,
         "due_at": remind},
        {"thread_id": thread_id, "org_id": org_id, "kind": EXPIRE, "step": generation,
         "due_at": until}])


def stop_all(tx: Tx, ctx: Context, thread: Thread) -> None:
    """The thread was closed: cancel every pending deadline."""
    for party in thread.parties:
        tx.outbox.cancel(thread.id, party.org_id, (ESCALATE, *PRESERVATION_KINDS), ctx.now())


def sweep(ctx: Context, max_batches: int | None = None) -> SweepReport:
    """Act on every due deadline, one committed batch at a time."""
    report, batches = SweepReport(), 0
    while max_batches is None or batches < max_batches:
        now = ctx.now()
        with ctx.db.read() as tx:
            if not tx.outbox.any_due(now):
                break
        with ctx.db.write() as tx:
            due = tx.outbox.claim_due(now, ctx.settings.sweep_batch)
            for deadline in due:
                report += _act(tx, ctx, deadline, now)
        batches += 1
        if not due:
            break
    return report


def _act(tx: Tx, ctx: Context, deadline: Deadline, now: datetime) -> SweepReport:
    """Take one due deadline's step, or settle it if the request moved on."""
    thread = tx.channel.get(deadline.thread_id, None)
    party = thread.party(deadline.org_id) if thread else None
    if thread is None or party is None:
        tx.outbox.finish(deadline.id, now, "gone")
        return SweepReport(settled=1)
    if deadline.kind == ESCALATE:
        if party.status in SETTLED or thread.closed_at is not None:
            tx.outbox.finish(deadline.id, now, "settled")
            return SweepReport(settled=1)
        _escalate(tx, ctx, thread, deadline, now)
        return SweepReport(escalated=1)
    if party.preserve_until is None or thread.closed_at is not None:
        tx.outbox.finish(deadline.id, now, "settled")
        return SweepReport(settled=1)
    _remind(tx, ctx, thread, deadline, party.preserve_until)
    tx.outbox.finish(deadline.id, now, "reminded")
    return SweepReport(reminded=1)


def _escalate(tx: Tx, ctx: Context, thread: Thread, deadline: Deadline, now: datetime) -> None:
    """Record the step and tell its targets, the sender, and (at the top) the hub."""
    level = LADDER[min(deadline.step, len(LADDER)) - 1]
    org_id, recipients, described = _targets(tx, ctx, thread, deadline.org_id, level, now)
    waited = int((now - thread.created_at).total_seconds() // 60)
    tx.outbox.add_escalation(deadline, level.value, now, described)
    party_view = level is not EscalationLevel.HUB or org_id in thread.ref.parties
    title = (f"{thread.priority.value.upper()} request #{thread.id} from {thread.sender_org_id}"
             f" to {deadline.org_id} not acknowledged after {waited} min: escalated to "
             f"{level.value.replace('_', ' ')}") if party_view else (
             f"{thread.priority.value.upper()} request from {thread.sender_org_id} to "
             f"{deadline.org_id} not acknowledged after {waited} min: call their 24/7 desk")
    base = ctx.settings.public_url.rstrip("/")
    link = f"{base}/threads/{thread.id}" if party_view else f"{base}/duty?org={deadline.org_id}"
    note = notify.Note(f"esc:{deadline.id}", "escalation", thread.priority, title,
                       thread.id if party_view else None, link)
    notify.fan_out(tx, ctx, note, recipients)
    sender_note = notify.Note(f"esc:{deadline.id}:sender", "escalation", thread.priority,
                              f"Your request #{thread.id} to {deadline.org_id} was escalated "
                              f"to {level.value.replace('_', ' ')}", thread.id,
                              f"{base}/threads/{thread.id}")
    notify.fan_out(tx, ctx, sender_note, [notify.Recipient(thread.sender_org_id)])
    audit.record(tx, ctx, None, AuditAction.ESCALATE, "thread", thread.id, deadline.org_id,
                 {"step": deadline.step, "level": level.value, "targets": described,
                  "sender": thread.sender_org_id})
    tx.outbox.finish(deadline.id, now, "escalated")


def _targets(tx: Tx, ctx: Context, thread: Thread, org_id: str, level: EscalationLevel,
             now: datetime) -> tuple[str, list[notify.Recipient], list[str]]:
    """Whom a rung reaches: (organisation, recipients, human-readable list)."""
    if level is EscalationLevel.HUB:
        hubs = [o for o in tx.orgs.all() if o.kind is OrgKind.HUB]
        if not hubs:
            return org_id, [], ["no hub in the network"]
        duty = directory.duty_now(tx, hubs[0].id, hubs[:1], now)[hubs[0].id]
        chosen = list(duty.primary) + list(duty.desk)
        return hubs[0].id, [_recipient(hubs[0].id, chosen)], _describe(chosen, "hub 24/7 desk")
    org = tx.orgs.get(org_id)
    if org is None:
        return org_id, [], ["organisation removed"]
    duty = directory.duty_now(tx, org_id, [org], now)[org_id]
    people = duty.primary if level is EscalationLevel.DUTY_OFFICER else duty.backup
    chosen = list(people) or list(duty.desk)
    role = level.value.replace("_", " ")
    described = _describe(chosen, role if people else f"no {role} on the rota, so the desk")
    return org_id, [_recipient(org_id, chosen)], described


def _recipient(org_id: str, contacts: Sequence[Contact]) -> notify.Recipient:
    emails = tuple(sorted({c.email for c in contacts if c.email}))
    return notify.Recipient(org_id, None, emails)


def _describe(contacts: Sequence[Contact], role: str) -> list[str]:
    if not contacts:
        return [f"{role}: nobody listed"]
    return [f"{role}: {c.name} {c.email or c.phone}".strip() for c in contacts]


def _remind(tx: Tx, ctx: Context, thread: Thread, deadline: Deadline, until: datetime) -> None:
    """Tell both sides that the preservation period ends soon (or has ended)."""
    ended = deadline.kind == EXPIRE
    what = "has ended" if ended else f"ends {until:%Y-%m-%d %H:%M} UTC"
    title = (f"Preservation period of request #{thread.id} ({deadline.org_id}) {what}; "
             f"{'send the mutual-assistance request or extend it' if not ended else ''}")
    note = notify.Note(f"{deadline.kind}:{deadline.id}", "preservation", thread.priority,
                       title.strip(" ;"), thread.id,
                       f"{ctx.settings.public_url.rstrip('/')}/threads/{thread.id}")
    notify.fan_out(tx, ctx, note, [notify.Recipient(o) for o in sorted(thread.ref.parties)])
    audit.record(tx, ctx, None, AuditAction.PRESERVATION_REMIND, "thread", thread.id,
                 thread.sender_org_id, {"org": deadline.org_id, "until": until.isoformat(),
                                        "ended": ended})

