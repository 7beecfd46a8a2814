"""Presenter of a Gateway agreement (API, CLI --json)."""

from __future__ import annotations

from datetime import date

from typing_extensions import TypedDict

from cyberfusion.domain.gateway import Agreement


class OnwardSharingDoc(TypedDict):
    """Whether the partner may share onward, and on which terms."""

    allowed: bool
    terms: str


class AgreementDoc(TypedDict):
    """An agreement with its state on a day (valid, not yet valid, expired, ended)."""

    id: int
    reference: str
    partner: str
    valid_from: str
    valid_until: str
    state: str
    categories: dict[str, str]
    onward_sharing: OnwardSharingDoc
    contact: str
    created_at: str | None
    ended_at: str | None
    ended_reason: str


def agreement_json(agreement: Agreement, today: date) -> AgreementDoc:
    """An agreement with its state on `today` (valid, not yet valid, expired, ended)."""
    return {
        "id": agreement.id, "reference": agreement.reference,
        "partner": agreement.partner_org_id,
        "valid_from": agreement.valid_from.isoformat(),
        "valid_until": agreement.valid_until.isoformat(),
        "state": agreement.state(today),
        "categories": {k.value: v.value for k, v in sorted(agreement.categories.items())},
        "onward_sharing": {"allowed": agreement.onward_allowed,
                           "terms": agreement.onward_terms},
        "contact": agreement.contact,
        "created_at": agreement.created_at.isoformat() if agreement.created_at else None,
        "ended_at": agreement.ended_at.isoformat() if agreement.ended_at else None,
        "ended_reason": agreement.ended_reason,
    }
