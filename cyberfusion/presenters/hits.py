"""Presenters of a recorded match (hit) and of a line of the hit inbox."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.hits import hit_message
from cyberfusion.presenters.disclosure import DisclosureDoc
from cyberfusion.services.hits import HitView, InboxItem


class HitCaseDoc(TypedDict):
    """The case behind a match, when the caller may read it."""

    id: int
    title: str


class HitDoc(TypedDict):
    """A recorded match as the caller may see it."""

    id: str
    source: str
    at: str
    searcher: str
    owner: str
    answer: str
    type: str | None
    value: str | None
    case: HitCaseDoc | None
    source_case: int | None
    message: str | None


class NoticeDoc(TypedDict):
    """A line of the hit inbox: a HIT on the organisation's data, or a disclosure step."""

    id: int
    kind: str
    at: str
    read: bool
    hit: HitDoc | None
    request: str | None


class InboxDoc(TypedDict):
    """A page of the hit inbox, and how many notices are unread in all."""

    items: list[NoticeDoc]
    unread: int


class MarkedDoc(TypedDict):
    """How many notices were marked read."""

    marked: int


class HitGroupDoc(TypedDict):
    """The matches behind a reference, and the disclosure request made on it, if any."""

    reference: str
    items: list[HitDoc]
    disclosure: DisclosureDoc | None


def hit_json(view: HitView) -> HitDoc:
    """A recorded match as the caller may see it (no case unless the caller reads it)."""
    return {
        "id": view.id, "source": view.source, "at": view.at.isoformat(),
        "searcher": view.searcher_org_id, "owner": view.owner_org_id, "answer": view.answer,
        "type": view.obs_type or None, "value": view.value or None,
        "case": {"id": view.case_id, "title": view.case_title} if view.case_id else None,
        "source_case": view.source_case_id,
        "message": hit_message(view.owner_org_id) if view.answer == "hit" else None,
    }


def notice_json(item: InboxItem) -> NoticeDoc:
    """One line of the hit inbox: a HIT on the organisation's data, or a disclosure step."""
    return {"id": item.id, "kind": item.kind, "at": item.at.isoformat(), "read": item.read,
            "hit": hit_json(item.hit) if item.hit else None, "request": item.request_id}
