"""Cyber activity reports as stored: drafts, approvals, and each recipient's delivery."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.reports import (
    Delivery,
    DeliveryStatus,
    ReportSpec,
    ReportStatus,
    Scope,
    StoredReport,
)
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables_reports import ReportDeliveryRow, ReportRow


class ReportRepo(Repo):
    """Reports and deliveries; who may see which is decided by the service's query."""

    def add(self, spec: ReportSpec, tlp: TLP, org_id: str, user_id: int | None,
            now: datetime) -> int:
        """Store a new draft; its id."""
        row = self._added(ReportRow(
            title=spec.title, scope=json.dumps(spec.scope.to_json(), sort_keys=True),
            recipients="\n".join(spec.recipients), as_of=spec.as_of,
            assessment=spec.assessment, actions=spec.actions, status=ReportStatus.DRAFT.value,
            tlp=tlp.value, author_org_id=org_id, author_user_id=user_id, created_at=now,
            content=""))
        return int(row.id)

    def get(self, report_id: int, lock: bool = False) -> StoredReport | None:
        """One report, or None."""
        query = select(ReportRow).where(ReportRow.id == report_id)
        row = self.session.scalar(query.with_for_update() if lock else query)
        return _report(row) if row is not None else None

    def page(self, org_id: str | None, offset: int, limit: int) -> list[StoredReport]:
        """Newest first: every report (org_id None), or those sent to `org_id`."""
        query = select(ReportRow).order_by(ReportRow.id.desc()).offset(offset).limit(limit)
        if org_id is not None:
            query = query.join(ReportDeliveryRow, ReportDeliveryRow.report_id == ReportRow.id
                               ).where(ReportDeliveryRow.org_id == org_id,
                                       ReportDeliveryRow.status == DeliveryStatus.SENT.value)
        return [_report(r) for r in self.session.scalars(query)]

    def approve(self, report_id: int, user_id: int | None, now: datetime, tlp: TLP,
                content: str) -> None:
        """Mark a draft approved by `user_id`, freezing its document and TLP."""
        self.session.execute(update(ReportRow).where(ReportRow.id == report_id).values(
            status=ReportStatus.APPROVED.value, approver_user_id=user_id, approved_at=now,
            tlp=tlp.value, content=content))

    def content(self, report_id: int) -> str:
        """The frozen document of an approved report (empty for a draft)."""
        return str(self.session.scalar(select(ReportRow.content).where(
            ReportRow.id == report_id)) or "")

    def mark_sent(self, report_id: int, now: datetime) -> None:
        """Mark an approved report as sent (its deliveries are queued)."""
        self.session.execute(update(ReportRow).where(ReportRow.id == report_id).values(
            status=ReportStatus.SENT.value, sent_at=now))

    def queue(self, report_id: int, copies: Sequence[tuple[str, TLP]], now: datetime) -> None:
        """One pending delivery per recipient."""
        for org_id, tlp in copies:
            self.session.add(ReportDeliveryRow(
                report_id=report_id, org_id=org_id, status=DeliveryStatus.PENDING.value,
                attempts=0, next_at=now, last_error="", tlp=tlp.value))
        self.session.flush()

    def deliveries(self, report_id: int) -> list[Delivery]:
        """Every recipient's copy of a report, by recipient."""
        query = (select(ReportDeliveryRow).where(ReportDeliveryRow.report_id == report_id)
                 .order_by(ReportDeliveryRow.org_id))
        return [_delivery(r) for r in self.session.scalars(query)]

    def delivery(self, report_id: int, org_id: str, lock: bool = False) -> Delivery | None:
        """One recipient's copy, or None."""
        query = select(ReportDeliveryRow).where(ReportDeliveryRow.report_id == report_id,
                                                ReportDeliveryRow.org_id == org_id)
        if lock:
            query = query.with_for_update(skip_locked=True)
        row = self.session.scalar(query)
        return _delivery(row) if row is not None else None

    def due(self, now: datetime, limit: int) -> list[tuple[int, str]]:
        """Pending deliveries whose next attempt is due, oldest first."""
        query = (select(ReportDeliveryRow.report_id, ReportDeliveryRow.org_id)
                 .where(ReportDeliveryRow.status == DeliveryStatus.PENDING.value,
                        ReportDeliveryRow.next_at <= now)
                 .order_by(ReportDeliveryRow.next_at, ReportDeliveryRow.report_id,
                           ReportDeliveryRow.org_id).limit(limit)
                 .with_for_update(skip_locked=True))
        return [(int(r), str(o)) for r, o in self.session.execute(query)]

    def claim(self, report_id: int, org_id: str, until: datetime) -> None:
        """Leave a copy to the sweep that took it until `until` (then it may be retried)."""
        self._set(report_id, org_id, next_at=until)

    def delivered(self, report_id: int, org_id: str, thread_id: int, now: datetime) -> None:
        """Record that a copy went out on `thread_id`."""
        self._set(report_id, org_id, status=DeliveryStatus.SENT.value, thread_id=thread_id,
                  sent_at=now, last_error="", attempts=ReportDeliveryRow.attempts + 1)

    def failed(self, report_id: int, org_id: str, error: str, retry_at: datetime) -> None:
        """Record a failed attempt; the copy stays pending until `retry_at`."""
        self._set(report_id, org_id, last_error=error[:500], next_at=retry_at,
                  attempts=ReportDeliveryRow.attempts + 1)

    def _set(self, report_id: int, org_id: str, **values: object) -> None:
        self.session.execute(update(ReportDeliveryRow).where(
            ReportDeliveryRow.report_id == report_id, ReportDeliveryRow.org_id == org_id
        ).values(**values))


def _report(row: ReportRow) -> StoredReport:
    spec = ReportSpec(row.title, Scope.from_json(json.loads(row.scope)),
                      tuple(r for r in row.recipients.split("\n") if r), row.as_of,
                      row.assessment, row.actions)
    return StoredReport(int(row.id), spec, ReportStatus(row.status), TLP(row.tlp),
                        row.author_org_id, row.author_user_id, row.approver_user_id,
                        row.created_at, row.approved_at, row.sent_at)


def _delivery(row: ReportDeliveryRow) -> Delivery:
    return Delivery(int(row.report_id), row.org_id, DeliveryStatus(row.status),
                    int(row.attempts), row.next_at, row.last_error, row.thread_id,
                    TLP(row.tlp), row.sent_at)
