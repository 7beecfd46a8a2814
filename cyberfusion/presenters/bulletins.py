"""Presenters of prevention bulletins: the hub's view (workflow and people) and the public
one (the advice and its CLEAR sources only, never who wrote or approved it)."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.bulletins import Bulletin, SourceRef
from cyberfusion.domain.paging import Page
from cyberfusion.presenters.common import Page as PageDoc
from cyberfusion.presenters.common import iso, page_json


class BulletinSourceDoc(TypedDict):
    """A cited case or entity, with its title where the reader may see it."""

    kind: str
    id: int
    title: str | None


class PublicBulletinDoc(TypedDict):
    """A published bulletin as anyone may read it."""

    id: int
    tlp: str
    title: str
    threat: str
    affected: str
    actions: str
    sources: list[BulletinSourceDoc]
    published_at: str | None


class AuthorDoc(TypedDict):
    """Who wrote a bulletin."""

    user_id: int
    username: str
    org_id: str


class ApproverDoc(TypedDict):
    """Who approved a bulletin."""

    user_id: int
    username: str


class BulletinDoc(PublicBulletinDoc):
    """A bulletin as hub users see it: the advice, its state and who took each step."""

    status: str
    author: AuthorDoc
    approver: ApproverDoc | None
    created_at: str | None
    updated_at: str | None
    approved_at: str | None
    withdrawn_at: str | None
    withdraw_reason: str


def source_json(ref: SourceRef) -> BulletinSourceDoc:
    """A cited case or entity, with its title where the reader may see it."""
    return {"kind": ref.kind.value, "id": ref.id, "title": ref.title}


def public_bulletin_json(b: Bulletin) -> PublicBulletinDoc:
    """A published bulletin as anyone may read it."""
    return {"id": b.id, "tlp": b.tlp.value, "title": b.text.title, "threat": b.text.threat,
            "affected": b.text.affected, "actions": b.text.actions,
            "sources": [source_json(s) for s in b.text.sources],
            "published_at": iso(b.published_at)}


def bulletin_json(b: Bulletin) -> BulletinDoc:
    """A bulletin as hub users see it: the advice, its state and who took each step."""
    return {**public_bulletin_json(b), "status": b.status.value,
            "author": {"user_id": b.author_user_id, "username": b.author_name,
                       "org_id": b.author_org_id},
            "approver": ({"user_id": b.approver_user_id, "username": b.approver_name}
                         if b.approver_user_id is not None else None),
            "created_at": iso(b.created_at), "updated_at": iso(b.updated_at),
            "approved_at": iso(b.approved_at), "withdrawn_at": iso(b.withdrawn_at),
            "withdraw_reason": b.withdraw_reason}


def bulletin_page_json(page: Page[Bulletin]) -> PageDoc[BulletinDoc]:
    """A page of bulletins in the hub's view."""
    return page_json([bulletin_json(b) for b in page.items], page.total, page.offset,
                     page.limit)
