"""Presenters of a case, a page of cases, a case's versions, grants and access list.

The case document is also the case exchange format (what `parse_case` reads and the JSONL
export writes), so its shape is the codec's in `formats.case_json`; every adapter reaches it
through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from typing_extensions import TypedDict

from cyberfusion.domain.access import Access
from cyberfusion.domain.model import Case, DisclosureGrant, Organisation
from cyberfusion.formats.case_json import CaseDoc, case_to_json
from cyberfusion.presenters.common import Items, Page, iso, page_json
from cyberfusion.services.cases import CaseHistory, CasePage

__all__ = ["CaseDoc"]


class CaseVersions(TypedDict):
    """Earlier versions as stored (each a case document of its time), and how many are hidden."""

    items: list[dict[str, Any]]
    hidden: int


class GrantDoc(TypedDict):
    """A disclosure grant on an own case."""

    id: int
    org_id: str
    reason: str
    created_at: str
    expires_at: str
    revoked_at: str | None


class AccessLine(TypedDict):
    """One organisation that can see a case, and how (full or hit)."""

    org_id: str
    name: str
    access: str


class ReviewLine(TypedDict):
    """An own case whose review date is near or past."""

    id: int
    title: str
    review_by: str


class ReviewConfirmed(TypedDict):
    """The new review date of a case its owner still needs."""

    review_by: str


def case_json(case: Case) -> CaseDoc:
    """One case with its observables (the caller has passed `decide()`)."""
    return case_to_json(case, with_observables=True)


def case_item_json(case: Case) -> CaseDoc:
    """A case as a list shows it: without its observables."""
    return case_to_json(case, with_observables=False)


def case_page_json(page: CasePage) -> Page[CaseDoc]:
    """A page of readable cases, newest first, with the total the caller may read."""
    return page_json([case_item_json(c) for c in page.items], page.total, page.offset,
                     page.limit)


def versions_json(history: CaseHistory) -> CaseVersions:
    """The earlier versions of a case the reader may read, each as it was stored, and how
    many others are withheld (a count, nothing more)."""
    return {"items": [dict(v.record) for v in history.versions], "hidden": history.hidden}


def grant_json(grant: DisclosureGrant) -> GrantDoc:
    """A disclosure grant on an own case."""
    return {"id": grant.id, "org_id": grant.org_id, "reason": grant.reason,
            "created_at": grant.created_at.isoformat(),
            "expires_at": grant.expires_at.isoformat(),
            "revoked_at": iso(grant.revoked_at)}


def access_json(answers: Sequence[tuple[Organisation, Access]]) -> Items[AccessLine]:
    """Who can see a case: each organisation `decide()` admits, with FULL or HIT."""
    return {"items": [{"org_id": o.id, "name": o.name, "access": a.value}
                      for o, a in answers]}


def reviews_json(due: Sequence[Case]) -> Items[ReviewLine]:
    """Own cases whose review date is near or past."""
    return {"items": [{"id": c.id, "title": c.title,
                       "review_by": c.handling.review_by.isoformat()} for c in due]}
