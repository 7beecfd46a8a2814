"""The register of Gateway agreements: add, edit, end, and read them per partner."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cyberfusion.domain.gateway import Agreement, AgreementDraft, DataCategory, Direction
from cyberfusion.store.repositories.base import Repo
from cyberfusion.store.tables_gateway import AgreementRow


def _agreement(row: AgreementRow) -> Agreement:
    categories = {DataCategory(k): Direction(v) for k, v in sorted(row.categories.items())}
    return Agreement(id=row.id, reference=row.reference, partner_org_id=row.partner_org_id,
                     valid_from=row.valid_from, valid_until=row.valid_until,
                     categories=categories, onward_terms=row.onward_terms,
                     onward_allowed=row.onward_allowed, contact=row.contact,
                     created_at=row.created_at, ended_at=row.ended_at,
                     ended_reason=row.ended_reason)


def _fields(draft: AgreementDraft) -> dict[str, object]:
    return {"reference": draft.reference, "valid_from": draft.valid_from,
            "valid_until": draft.valid_until,
            "categories": {k.value: v.value for k, v in sorted(draft.categories.items())},
            "onward_terms": draft.onward_terms, "onward_allowed": draft.onward_allowed,
            "contact": draft.contact}


class AgreementRepo(Repo):
    """Reads and writes agreements; the services decide who may and check the rules."""

    def add(self, draft: AgreementDraft, now: datetime) -> Agreement:
        """Store a new agreement."""
        row = self._added(AgreementRow(partner_org_id=draft.partner_org_id, created_at=now,
                                       ended_reason="", **_fields(draft)))
        return _agreement(row)

    def update(self, agreement_id: int, draft: AgreementDraft) -> Agreement | None:
        """Replace an agreement's terms (not its partner); None if there is none."""
        row = self.session.get(AgreementRow, agreement_id)
        if row is None:
            return None
        for name, value in _fields(draft).items():
            setattr(row, name, value)
        self.session.flush()
        return _agreement(row)

    def end(self, agreement_id: int, now: datetime, reason: str) -> Agreement | None:
        """Mark an agreement ended now; None if there is none."""
        row = self.session.get(AgreementRow, agreement_id)
        if row is None:
            return None
        row.ended_at, row.ended_reason = now, reason
        self.session.flush()
        return _agreement(row)

    def get(self, agreement_id: int) -> Agreement | None:
        """One agreement by id."""
        row = self.session.get(AgreementRow, agreement_id)
        return _agreement(row) if row else None

    def by_reference(self, reference: str) -> Agreement | None:
        """One agreement by its reference."""
        row = self.session.scalar(select(AgreementRow).where(AgreementRow.reference == reference))
        return _agreement(row) if row else None

    def of_partner(self, partner_org_id: str) -> list[Agreement]:
        """Every agreement of one partner, oldest first."""
        rows = self.session.scalars(select(AgreementRow)
                                    .where(AgreementRow.partner_org_id == partner_org_id)
                                    .order_by(AgreementRow.valid_from, AgreementRow.id))
        return [_agreement(r) for r in rows]

    def all(self) -> list[Agreement]:
        """Every agreement, by partner then start."""
        rows = self.session.scalars(select(AgreementRow).order_by(
            AgreementRow.partner_org_id, AgreementRow.valid_from, AgreementRow.id))
        return [_agreement(r) for r in rows]
