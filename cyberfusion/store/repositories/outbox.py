"""Deadlines, escalation steps, in-app notifications and the e-mail/webhook outbox.

Due deadlines and outbox items are claimed with `SELECT … FOR UPDATE SKIP LOCKED` on
PostgreSQL, so several workers share the work without a broker; SQLite has one writer at a
time (`Database.write()` begins IMMEDIATE). Every insert carries a unique key and skips
duplicates, so redoing a step after a crash writes nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update

from cyberfusion.domain.channel import Notification
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.upsert import insert_ignore
from cyberfusion.store.tables_channel import (
    DeadlineRow,
    EscalationRow,
    NotificationRow,
    OutboxRow,
)

PENDING, SENT, FAILED = "pending", "sent", "failed"


@dataclass(frozen=True, slots=True)
class Deadline:
    """A due time the sweep acts on."""

    id: int
    thread_id: int
    org_id: str
    kind: str
    step: int
    due_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One e-mail or webhook call to deliver."""

    id: int
    key: str
    channel: str
    org_id: str
    target: str
    subject: str
    payload: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str
    sent_at: datetime | None


def _deadline(r: DeadlineRow) -> Deadline:
    return Deadline(r.id, r.thread_id, r.org_id, r.kind, r.step, r.due_at)


def _note(r: NotificationRow) -> Notification:
    return Notification(r.id, r.org_id, r.user_id, r.thread_id, r.kind, r.priority, r.title,
                        r.created_at, r.read_at)


def _item(r: OutboxRow) -> OutboxItem:
    return OutboxItem(r.id, r.key, r.channel, r.org_id, r.target, r.subject, r.payload,
                      r.status, r.attempts, r.next_attempt_at, r.last_error, r.sent_at)


class OutboxRepo(Repo):
    """Reads and writes what the sweep and the notifiers work on."""

    def schedule(self, rows: Sequence[dict[str, Any]]) -> None:
        """Add deadlines (thread_id, org_id, kind, step, due_at); existing keys are kept."""
        insert_ignore(self.session, DeadlineRow,
                      [{"outcome": "", "done_at": None, **r} for r in rows],
                      ["thread_id", "org_id", "kind", "step"])

    def claim_due(self, now: datetime, limit: int) -> list[Deadline]:
        """Lock up to `limit` due deadlines no other worker holds, soonest first."""
        query = (select(DeadlineRow)
                 .where(DeadlineRow.done_at.is_(None), DeadlineRow.due_at <= now)
                 .order_by(DeadlineRow.due_at, DeadlineRow.id).limit(limit)
                 .with_for_update(skip_locked=True))
        return [_deadline(r) for r in self.session.scalars(query)]

    def any_due(self, now: datetime) -> bool:
        """Cheap check before opening a write transaction."""
        query = select(DeadlineRow.id).where(DeadlineRow.done_at.is_(None),
                                             DeadlineRow.due_at <= now).limit(1)
        return self.session.scalar(query) is not None

    def finish(self, deadline_id: int, now: datetime, outcome: str) -> None:
        """Mark a deadline done with what came of it."""
        self.session.execute(update(DeadlineRow).where(DeadlineRow.id == deadline_id)
                             .values(done_at=now, outcome=outcome))

    def cancel(self, thread_id: int, org_id: str, kinds: Sequence[str], now: datetime) -> None:
        """Settle pending deadlines of one addressee (it acknowledged, or the period moved)."""
        self.session.execute(update(DeadlineRow).where(
            DeadlineRow.thread_id == thread_id, DeadlineRow.org_id == org_id,
            DeadlineRow.kind.in_(list(kinds)), DeadlineRow.done_at.is_(None))
            .values(done_at=now, outcome="cancelled"))

    def pending(self, thread_id: int) -> list[Deadline]:
        """Deadlines of a thread not yet acted on, soonest first."""
        query = select(DeadlineRow).where(DeadlineRow.thread_id == thread_id,
                                          DeadlineRow.done_at.is_(None))
        return [_deadline(r) for r in self.session.scalars(query.order_by(DeadlineRow.due_at))]

    def add_escalation(self, deadline: Deadline, level: str, now: datetime,
                       targets: Sequence[str]) -> None:
        """Record an escalation step (unique per thread, addressee and step)."""
        insert_ignore(self.session, EscalationRow, [{
            "deadline_id": deadline.id, "thread_id": deadline.thread_id,
            "org_id": deadline.org_id, "step": deadline.step, "level": level, "at": now,
            "targets": "\n".join(targets)}], ["thread_id", "org_id", "step"])

    def notify(self, rows: Sequence[dict[str, Any]]) -> None:
        """Add in-app notifications; a key already present is skipped."""
        insert_ignore(self.session, NotificationRow, [{"read_at": None, **r} for r in rows],
                      ["key"])

    def notifications(self, org_id: str, user_id: int | None, after: int = 0,
                      limit: int = 100) -> list[Notification]:
        """The organisation's notifications (and the user's own), newest first after `after`."""
        query = select(NotificationRow).where(NotificationRow.org_id == org_id,
                                              NotificationRow.id > after)
        query = query.where((NotificationRow.user_id.is_(None))
                            | (NotificationRow.user_id == user_id))
        rows = self.session.scalars(query.order_by(NotificationRow.id.desc()).limit(limit))
        return [_note(r) for r in rows]

    def unread(self, org_id: str, user_id: int | None) -> int:
        """How many of those are unread."""
        query = select(func.count()).select_from(NotificationRow).where(
            NotificationRow.org_id == org_id, NotificationRow.read_at.is_(None),
            (NotificationRow.user_id.is_(None)) | (NotificationRow.user_id == user_id))
        return int(self.session.scalar(query) or 0)

    def mark_read(self, org_id: str, up_to: int, now: datetime) -> None:
        """Mark the organisation's notifications up to id `up_to` read."""
        self.session.execute(update(NotificationRow).where(
            NotificationRow.org_id == org_id, NotificationRow.id <= up_to,
            NotificationRow.read_at.is_(None)).values(read_at=now))

    def enqueue(self, rows: Sequence[dict[str, Any]]) -> None:
        """Add outbox items; a key already present is skipped."""
        insert_ignore(self.session, OutboxRow, [
            {"status": PENDING, "attempts": 0, "last_error": "", "sent_at": None, **r}
            for r in rows], ["key"])

    def claim_outbox(self, now: datetime, lease_until: datetime, limit: int) -> list[OutboxItem]:
        """Take up to `limit` due items: each gets an attempt and is hidden until the lease ends.

        A worker that dies mid-delivery leaves its items to be retried after the lease.
        """
        query = (select(OutboxRow).where(OutboxRow.status == PENDING,
                                         OutboxRow.next_attempt_at <= now)
                 .order_by(OutboxRow.next_attempt_at, OutboxRow.id).limit(limit)
                 .with_for_update(skip_locked=True))
        rows = list(self.session.scalars(query))
        for row in rows:
            row.attempts += 1
            row.next_attempt_at = lease_until
        self.session.flush()
        return [_item(r) for r in rows]

    def delivered(self, item_id: int, now: datetime) -> None:
        """The item reached its target."""
        self.session.execute(update(OutboxRow).where(OutboxRow.id == item_id)
                             .values(status=SENT, sent_at=now, last_error=""))

    def retry(self, item_id: int, error: str, next_attempt_at: datetime | None) -> None:
        """A failed attempt: try again at `next_attempt_at`, or give up when None."""
        values: dict[str, Any] = {"last_error": error[:2000]}
        if next_attempt_at is None:
            values["status"] = FAILED
        else:
            values["next_attempt_at"] = next_attempt_at
        self.session.execute(update(OutboxRow).where(OutboxRow.id == item_id).values(**values))

    def outbox(self, org_id: str | None = None, limit: int = 1000) -> list[OutboxItem]:
        """Outbox items, newest first (operators and tests)."""
        query = select(OutboxRow)
        if org_id:
            query = query.where(OutboxRow.org_id == org_id)
        return [_item(r) for r in self.session.scalars(query.order_by(OutboxRow.id.desc())
                                                       .limit(limit))]

    def any_outbox_due(self, now: datetime) -> bool:
        """Cheap check before opening a write transaction."""
        query = select(OutboxRow.id).where(OutboxRow.status == PENDING,
                                           OutboxRow.next_attempt_at <= now).limit(1)
        return self.session.scalar(query) is not None
