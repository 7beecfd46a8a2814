"""Threads, parties, signed messages, receipts and attachments; reads filtered by party."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, case, func, insert, not_, null, or_, select, update

from cyberfusion.domain.channel import (
    WITHHELD_TARGETS,
    AttachmentIn,
    AttachmentMeta,
    Escalation,
    EscalationLevel,
    Message,
    MessageKind,
    Party,
    PartyStatus,
    Priority,
    RequestType,
    Thread,
    ThreadFilter,
)
from cyberfusion.domain.handling import TLP
from cyberfusion.store.channel_sql import readable_clause
from cyberfusion.store.directory_sql import contacts_readable_clause
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.repositories.upsert import insert_ignore
from cyberfusion.store.tables import OrgRow
from cyberfusion.store.tables_channel import (
    AttachmentRow,
    EscalationRow,
    MessageRow,
    PartyRow,
    ReceiptRow,
    ThreadRow,
)


@dataclass(frozen=True, slots=True)
class Receipt:
    """When an addressee's inbox received a message and whether its signature verified."""

    message_id: int
    org_id: str
    delivered_at: datetime
    verified: bool


def _party(row: PartyRow) -> Party:
    return Party(
        org_id=row.org_id, status=PartyStatus(row.status), ack_due_at=row.ack_due_at,
        delivered_at=row.delivered_at, acknowledged_at=row.acknowledged_at,
        answered_at=row.answered_at, closed_at=row.closed_at,
        decline_reason=row.decline_reason, preserve_until=row.preserve_until,
        extensions=row.extensions,
    )


def _thread(row: ThreadRow, parties: Sequence[PartyRow]) -> Thread:
    return Thread(
        id=row.id, sender_org_id=row.sender_org_id, request_type=RequestType(row.request_type),
        priority=Priority(row.priority), subject=row.subject, tlp=TLP(row.tlp),
        created_at=row.created_at, updated_at=row.updated_at,
        parties=tuple(_party(p) for p in sorted(parties, key=lambda p: p.org_id)),
        preservation_days=row.preservation_days, closed_at=row.closed_at,
    )


def _meta(row: AttachmentRow) -> AttachmentMeta:
    return AttachmentMeta(row.id, row.message_id, row.filename, row.media_type, row.size,
                          row.sha256)


class ChannelRepo(Repo):
    """Reads and writes threads; every read names the viewing organisation."""

    def add_thread(self, sender_org_id: str, created_by: int | None, request_type: RequestType,
                   priority: Priority, subject: str, tlp: TLP, preservation_days: int | None,
                   now: datetime) -> int:
        """Insert a thread; return its id."""
        row = ThreadRow(sender_org_id=sender_org_id, created_by=created_by,
                        request_type=request_type.value, priority=priority.value,
                        subject=subject, tlp=tlp.value, preservation_days=preservation_days,
                        created_at=now, updated_at=now)
        self._added(row)
        return row.id

    def add_parties(self, thread_id: int, sender_org_id: str, to: Iterable[str],
                    ack_due_at: datetime | None) -> None:
        """The sender's row and one `sent` row per addressee."""
        rows: list[dict[str, Any]] = [{"thread_id": thread_id, "org_id": sender_org_id,
                                       "status": PartyStatus.SENDER.value}]
        rows += [{"thread_id": thread_id, "org_id": org, "status": PartyStatus.SENT.value,
                  "ack_due_at": ack_due_at} for org in to]
        self.session.execute(insert(PartyRow), [{"decline_reason": "", "extensions": 0, **r}
                                                for r in rows])

    def add_message(self, thread_id: int, from_org_id: str, from_user_id: int | None,
                    kind: MessageKind, body: str, details: dict[str, Any], now: datetime) -> int:
        """Insert a message (unsigned until `sign`); return its id."""
        row = MessageRow(thread_id=thread_id, from_org_id=from_org_id, from_user_id=from_user_id,
                         kind=kind.value, body=body, created_at=now,
                         details=json.dumps(details, sort_keys=True, ensure_ascii=False))
        self._added(row)
        return row.id

    def sign(self, message_id: int, key_id: str, signature: str) -> None:
        """Store the signature of a message."""
        self.session.execute(update(MessageRow).where(MessageRow.id == message_id)
                             .values(key_id=key_id, signature=signature))

    def add_attachment(self, message_id: int, given: AttachmentIn, sha256: str) -> AttachmentMeta:
        """Store an attachment's bytes as given."""
        row = AttachmentRow(message_id=message_id, filename=given.filename,
                            media_type=given.media_type, size=len(given.content), sha256=sha256,
                            content=given.content)
        self._added(row)
        return _meta(row)

    def touch(self, thread_id: int, now: datetime, tlp: TLP | None = None) -> None:
        """Record activity on a thread (and its new strictest TLP)."""
        values: dict[str, Any] = {"updated_at": now}
        if tlp is not None:
            values["tlp"] = tlp.value
        self.session.execute(update(ThreadRow).where(ThreadRow.id == thread_id).values(**values))

    def set_party(self, thread_id: int, org_id: str, **values: Any) -> None:
        """Change an addressee's status columns."""
        self.session.execute(update(PartyRow).where(PartyRow.thread_id == thread_id,
                                                    PartyRow.org_id == org_id).values(**values))

    def close_thread(self, thread_id: int, now: datetime) -> None:
        """Mark the thread closed."""
        self.session.execute(update(ThreadRow).where(ThreadRow.id == thread_id)
                             .values(closed_at=now, updated_at=now))

    def get(self, thread_id: int, viewer_org_id: str | None) -> Thread | None:
        """The thread if `viewer_org_id` is a party (None: the system, e.g. the sweep)."""
        query = select(ThreadRow).where(ThreadRow.id == thread_id)
        if viewer_org_id is not None:
            query = query.where(readable_clause(viewer_org_id))
        row = self.session.scalar(query)
        return self._threads([row])[0] if row else None

    def get_many(self, thread_ids: Iterable[int], viewer_org_id: str) -> list[Thread]:
        """The threads among `thread_ids` that `viewer_org_id` takes part in."""
        ids = sorted(set(thread_ids))
        if not ids:
            return []
        query = select(ThreadRow).where(ThreadRow.id.in_(ids), readable_clause(viewer_org_id))
        return self._threads(list(self.session.scalars(query)))

    def page(self, org_id: str, f: ThreadFilter, offset: int, limit: int
             ) -> tuple[list[Thread], int]:
        """Threads `org_id` takes part in, most recently active first, and their total."""
        query = self._filtered(org_id, f)
        total = int(self.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
        rows = self.session.scalars(query.order_by(ThreadRow.updated_at.desc(),
                                                   ThreadRow.id.desc())
                                    .offset(offset).limit(limit)).all()
        return self._threads(list(rows)), total

    def _filtered(self, org_id: str, f: ThreadFilter) -> Select[ThreadRow]:
        query = select(ThreadRow).where(readable_clause(org_id))
        if f.box == "in":
            query = query.where(ThreadRow.sender_org_id != org_id)
        elif f.box == "out":
            query = query.where(ThreadRow.sender_org_id == org_id)
        if f.status:
            query = query.where(select(PartyRow.thread_id).where(
                PartyRow.thread_id == ThreadRow.id, PartyRow.status == f.status,
                (PartyRow.org_id == org_id) | (ThreadRow.sender_org_id == org_id)).exists())
        if f.priority:
            query = query.where(ThreadRow.priority == f.priority)
        if f.request_type:
            query = query.where(ThreadRow.request_type == f.request_type)
        return query

    def _threads(self, rows: list[ThreadRow]) -> list[Thread]:
        ids = [r.id for r in rows]
        parties: dict[int, list[PartyRow]] = defaultdict(list)
        if ids:
            for p in self.session.scalars(select(PartyRow).where(PartyRow.thread_id.in_(ids))):
                parties[p.thread_id].append(p)
        return [_thread(r, parties[r.id]) for r in rows]

    def messages(self, thread_id: int) -> list[Message]:
        """Every message of a thread, oldest first, with attachment metadata."""
        rows = self.session.scalars(select(MessageRow).where(MessageRow.thread_id == thread_id)
                                    .order_by(MessageRow.id)).all()
        metas: dict[int, list[AttachmentMeta]] = defaultdict(list)
        if rows:
            query = select(AttachmentRow.id, AttachmentRow.message_id, AttachmentRow.filename,
                           AttachmentRow.media_type, AttachmentRow.size, AttachmentRow.sha256
                           ).where(AttachmentRow.message_id.in_([r.id for r in rows]))
            for a in self.session.execute(query.order_by(AttachmentRow.id)):
                metas[a.message_id].append(AttachmentMeta(*a))
        return [Message(r.id, r.thread_id, r.from_org_id, r.from_user_id, MessageKind(r.kind),
                        r.body, json.loads(r.details), r.created_at, r.key_id, r.signature,
                        tuple(metas[r.id])) for r in rows]

    def attachment(self, attachment_id: int, viewer_org_id: str
                   ) -> tuple[AttachmentMeta, bytes, int] | None:
        """(metadata, bytes, thread id) of an attachment in a thread the viewer takes part in."""
        query = (select(AttachmentRow, MessageRow.thread_id)
                 .join(MessageRow, MessageRow.id == AttachmentRow.message_id)
                 .join(ThreadRow, ThreadRow.id == MessageRow.thread_id)
                 .where(AttachmentRow.id == attachment_id, readable_clause(viewer_org_id)))
        found = self.session.execute(query).first()
        if found is None:
            return None
        row, thread_id = found
        return _meta(row), bytes(row.content), int(thread_id)

    def undelivered(self, org_id: str, thread_ids: Iterable[int] | None = None,
                    limit: int = 500) -> list[Message]:
        """Messages sent to `org_id` that its inbox has not received yet."""
        query = (select(MessageRow.id, MessageRow.thread_id)
                 .join(PartyRow, and_(PartyRow.thread_id == MessageRow.thread_id,
                                      PartyRow.org_id == org_id))
                 .where(MessageRow.from_org_id != org_id,
                        not_(select(ReceiptRow.message_id).where(
                            ReceiptRow.message_id == MessageRow.id,
                            ReceiptRow.org_id == org_id).exists())))
        if thread_ids is not None:
            query = query.where(MessageRow.thread_id.in_(sorted(set(thread_ids))))
        found = self.session.execute(query.order_by(MessageRow.id).limit(limit)).all()
        by_thread: dict[int, set[int]] = defaultdict(set)
        for message_id, thread_id in found:
            by_thread[thread_id].add(message_id)
        return [m for tid, wanted in by_thread.items() for m in self.messages(tid)
                if m.id in wanted]

    def add_receipts(self, receipts: Sequence[Receipt]) -> None:
        """Record receipts; one another reader stored first is kept."""
        insert_ignore(self.session, ReceiptRow, [
            {"message_id": r.message_id, "org_id": r.org_id, "delivered_at": r.delivered_at,
             "verified": r.verified} for r in receipts], ["message_id", "org_id"])

    def lock(self, thread_id: int) -> None:
        """Hold the thread's party rows until commit (PostgreSQL), so two users acting at
        once take turns; SQLite's single writer already serialises."""
        self.session.execute(select(PartyRow.org_id).where(PartyRow.thread_id == thread_id)
                             .with_for_update()).all()

    def receipts(self, thread_id: int) -> list[Receipt]:
        """Every receipt of a thread's messages."""
        query = (select(ReceiptRow).join(MessageRow, MessageRow.id == ReceiptRow.message_id)
                 .where(MessageRow.thread_id == thread_id))
        return [Receipt(r.message_id, r.org_id, r.delivered_at, r.verified)
                for r in self.session.scalars(query)]

    def escalations(self, thread_id: int, reader_org_id: str) -> list[Escalation]:
        """Escalation steps of a thread the reader takes part in, in order. The people each
        step reached stay in the database unless the reader may read the directory they
        come from (the hub's, for the hub rung; the addressee's otherwise)."""
        shown = or_(EscalationRow.level == EscalationLevel.HUB.value,
                    contacts_readable_clause(reader_org_id))
        query = (select(EscalationRow.thread_id, EscalationRow.org_id, EscalationRow.step,
                        EscalationRow.level, EscalationRow.at,
                        case((shown, EscalationRow.targets), else_=null()))
                 .join(OrgRow, OrgRow.id == EscalationRow.org_id)
                 .join(ThreadRow, ThreadRow.id == EscalationRow.thread_id)
                 .where(EscalationRow.thread_id == thread_id, readable_clause(reader_org_id))
                 .order_by(EscalationRow.at, EscalationRow.id))
        return [Escalation(t, o, step, EscalationLevel(level), at,
                           (WITHHELD_TARGETS,) if targets is None
                           else tuple(x for x in targets.split("\n") if x))
                for t, o, step, level, at, targets in self.session.execute(query)]

