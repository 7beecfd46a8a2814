"""The audit trail: append-only rows chained by hash; the head row serialises appends.

Events are collected during a transaction and chained in one short step just before it
commits (`seal`), so the head row's lock is held for that step and the commit only, not
for the whole write transaction: PostgreSQL writers no longer queue behind each other's
work, and the chain stays gap-free because seq and prev_hash are taken under the lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from cyberfusion.domain.audit import GENESIS, AuditEvent, canonical_detail, event_hash
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables import AuditHeadRow, AuditRow


def _event(row: AuditRow) -> AuditEvent:
    return AuditEvent(
        action=row.action, at=row.at, actor_user_id=row.actor_user_id,
        actor_org_id=row.actor_org_id, item_type=row.item_type, item_id=row.item_id,
        owner_org_id=row.owner_org_id, detail=json.loads(row.detail), seq=row.seq,
        prev_hash=row.prev_hash, hash=row.hash,
    )


class AuditRepo(Repo):
    """Appends and reads audit events."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._head: AuditHeadRow | None = None
        self._pending: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> AuditEvent:
        """Queue `event` to be chained when the transaction commits; returned unchained
        (seq 0): its seq and hashes are only known under the head lock, in `seal`."""
        self._pending.append(event)
        return event

    def seal(self) -> list[AuditEvent]:
        """Chain the queued events after the head and store them, as late as possible:
        the transaction's other writes are flushed first, then the head row is locked,
        the events inserted and the head moved; the caller commits right after."""
        if not self._pending:
            return []
        self.session.flush()
        head = self._locked_head()
        chained = []
        for event in self._pending:
            detail_json = canonical_detail(event.detail)
            seq, prev = head.seq + 1, head.hash
            digest = event_hash(event, seq, prev, detail_json)
            self.session.add(AuditRow(
                seq=seq, at=event.at, action=event.action, actor_user_id=event.actor_user_id,
                actor_org_id=event.actor_org_id, item_type=event.item_type,
                item_id=event.item_id, owner_org_id=event.owner_org_id, detail=detail_json,
                prev_hash=prev, hash=digest,
            ))
            head.seq, head.hash = seq, digest
            chained.append(replace(event, seq=seq, prev_hash=prev, hash=digest))
        self._pending.clear()
        self.session.flush()
        return chained

    def head(self) -> tuple[int, str]:
        """(last seq, last hash) as the head row records them."""
        row = self.session.get(AuditHeadRow, 1)
        return (row.seq, row.hash) if row else (0, GENESIS)

    def walk(self, batch: int = 5000) -> Iterator[tuple[AuditEvent, str]]:
        """Every event with its stored detail JSON, in seq order, read in batches (this
        transaction's own queued events are chained first, so it reads its own writes)."""
        self.seal()
        last = 0
        while True:
            query = select(AuditRow).where(AuditRow.seq > last).order_by(AuditRow.seq).limit(batch)
            rows = list(self.session.scalars(query))
            if not rows:
                return
            for row in rows:
                yield _event(row), row.detail
            last = rows[-1].seq

    def about_org(
        self, org_id: str, actions: list[str] | None, before: int | None, limit: int
    ) -> list[AuditEvent]:
        """Events on the org's data or by the org, newest first, paged by seq."""
        self.seal()
        query = select(AuditRow).where(
            or_(AuditRow.owner_org_id == org_id, AuditRow.actor_org_id == org_id)
        )
        if actions:
            query = query.where(AuditRow.action.in_(actions))
        if before:
            query = query.where(AuditRow.seq < before)
        rows = self.session.scalars(query.order_by(AuditRow.seq.desc()).limit(limit))
        return [_event(r) for r in rows]

    def of_item(self, owner_org_id: str, action: str, item_type: str, item_id: str
                ) -> list[AuditEvent]:
        """Events `action` on one item of the owner's, oldest first (an import's landings)."""
        query = select(AuditRow).where(
            AuditRow.owner_org_id == owner_org_id, AuditRow.action == action,
            AuditRow.item_type == item_type, AuditRow.item_id == item_id)
        return [_event(r) for r in self.session.scalars(query.order_by(AuditRow.seq))]

    def last_at_locked(self, action: str) -> datetime | None:
        """When `action` was last recorded, read under the head lock: a caller that then
        appends holds the lock until commit, so two processes never both see "not yet"."""
        self._locked_head()
        self.seal()
        return self.session.scalar(select(AuditRow.at).where(AuditRow.action == action)
                                   .order_by(AuditRow.seq.desc()).limit(1))

    def ensure_head(self) -> None:
        """Create the head row of an empty chain (at init)."""
        if self.session.get(AuditHeadRow, 1) is None:
            self.session.add(AuditHeadRow(id=1, seq=0, hash=GENESIS))
            self.session.flush()

    def _locked_head(self) -> AuditHeadRow:
        """The head row, locked and read afresh (not from the session's identity map, which
        may hold a version read before another writer committed) once per transaction."""
        if self._head is not None:
            return self._head
        row = self.session.scalar(select(AuditHeadRow).where(AuditHeadRow.id == 1)
                                  .with_for_update()
                                  .execution_options(populate_existing=True))
        if row is None:
            row = AuditHeadRow(id=1, seq=0, hash=GENESIS)
            self._added(row)
        self._head = row
        return row
