"""Disclosure requests: the cases each covers, the grants made for them, their history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update

from cyberfusion.domain.hits import DisclosureRequest, DisclosureStatus, DisclosureStep
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables_hits import DisclosureCaseRow, DisclosureRequestRow, DisclosureStepRow


def _request(row: DisclosureRequestRow) -> DisclosureRequest:
    return DisclosureRequest(
        id=row.id, hit_ref=row.hit_id, requester_org_id=row.requester_org_id,
        requester_user_id=row.requester_user_id, owner_org_id=row.owner_org_id,
        reason=row.reason, status=DisclosureStatus(row.status), created_at=row.created_at,
        decided_at=row.decided_at, decided_by_user_id=row.decided_by_user_id,
        decision_reason=row.decision_reason, days=row.days, expires_at=row.expires_at)


class DisclosureRepo(Repo):
    """Disclosure requests, the cases they cover, their grants and their history."""

    def add(self, request: DisclosureRequest, case_ids: Sequence[int]) -> None:
        """Store a new request and the cases it covers."""
        self.session.add(DisclosureRequestRow(
            id=request.id, hit_id=request.hit_ref, requester_org_id=request.requester_org_id,
            requester_user_id=request.requester_user_id, owner_org_id=request.owner_org_id,
            reason=request.reason, status=request.status.value, created_at=request.created_at,
            decision_reason=""))
        self.session.flush()
        for case_id in sorted(set(case_ids)):
            self.session.add(DisclosureCaseRow(request_id=request.id, case_id=case_id))

    def get(self, request_id: str, lock: bool = False) -> DisclosureRequest | None:
        """One request (locked for the decision when `lock`)."""
        query = select(DisclosureRequestRow).where(DisclosureRequestRow.id == request_id)
        row = self.session.scalar(query.with_for_update() if lock else query)
        return _request(row) if row else None

    def for_hit(self, hit_ids: Sequence[str]) -> DisclosureRequest | None:
        """The open or decided request made on any of these hits, if one exists."""
        query = (select(DisclosureRequestRow).where(DisclosureRequestRow.hit_id.in_(hit_ids))
                 .order_by(DisclosureRequestRow.created_at.desc()))
        row = self.session.scalars(query).first()
        return _request(row) if row else None

    def of_org(self, org_id: str, role: str, status: str | None, limit: int
               ) -> list[DisclosureRequest]:
        """Requests the organisation made (`requester`) or must decide (`owner`)."""
        column = (DisclosureRequestRow.owner_org_id if role == "owner"
                  else DisclosureRequestRow.requester_org_id)
        query = select(DisclosureRequestRow).where(column == org_id)
        if status:
            query = query.where(DisclosureRequestRow.status == status)
        query = query.order_by(DisclosureRequestRow.created_at.desc()).limit(limit)
        return [_request(r) for r in self.session.scalars(query)]

    def cases(self, request_id: str) -> list[tuple[int, int | None]]:
        """(case id, grant id) of the cases a request covers."""
        query = (select(DisclosureCaseRow.case_id, DisclosureCaseRow.grant_id)
                 .where(DisclosureCaseRow.request_id == request_id)
                 .order_by(DisclosureCaseRow.case_id))
        return [(int(c), int(g) if g is not None else None) for c, g in self.session.execute(query)]

    def decide(self, request_id: str, status: DisclosureStatus, at: datetime,
               user_id: int | None, reason: str, days: int | None,
               expires_at: datetime | None) -> None:
        """Record the owner's decision on a request."""
        row = self.session.get(DisclosureRequestRow, request_id)
        if row is None:
            raise LookupError(f"no disclosure request {request_id}")
        row.status, row.decided_at, row.decided_by_user_id = status.value, at, user_id
        row.decision_reason, row.days, row.expires_at = reason, days, expires_at

    def set_grant(self, request_id: str, case_id: int, grant_id: int) -> None:
        """Link a covered case to the grant made for it."""
        self.session.execute(update(DisclosureCaseRow).where(
            DisclosureCaseRow.request_id == request_id, DisclosureCaseRow.case_id == case_id)
            .values(grant_id=grant_id))

    def add_step(self, request_id: str, step: DisclosureStep) -> None:
        """Append a step to the request's history."""
        self.session.add(DisclosureStepRow(request_id=request_id, at=step.at, org_id=step.org_id,
                                           user_id=step.user_id, action=step.action,
                                           reason=step.reason))

    def steps(self, request_id: str) -> list[DisclosureStep]:
        """The request's history, oldest first."""
        query = (select(DisclosureStepRow).where(DisclosureStepRow.request_id == request_id)
                 .order_by(DisclosureStepRow.id))
        return [DisclosureStep(r.at, r.org_id, r.user_id, r.action, r.reason)
                for r in self.session.scalars(query)]
