"""API: prevention bulletins for hub users: draft, change, approve, publish, withdraw, list.

The public reads them without credentials on the pages and the Atom feed
(`web/ui/bulletin_pages.py`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cyberfusion.domain.bulletins import (
    MAX_SOURCES,
    MAX_TEXT,
    MAX_TITLE,
    BulletinStatus,
    BulletinText,
    SourceKind,
    SourceRef,
)
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.bulletins import BulletinDoc, bulletin_json, bulletin_page_json
from cyberfusion.presenters.common import Page
from cyberfusion.services import bulletins
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import Id, Offset, RowId

router = APIRouter(prefix="/bulletins")


class SourceIn(BaseModel):
    """A TLP:CLEAR case or entity the bulletin cites."""

    kind: SourceKind
    id: RowId


class BulletinIn(BaseModel):
    """What the author writes: title, the threat, who is affected, what to do, sources."""

    title: str = Field(max_length=MAX_TITLE)
    threat: str = Field(max_length=MAX_TEXT)
    affected: str = Field(max_length=MAX_TEXT)
    actions: str = Field(max_length=MAX_TEXT)
    sources: list[SourceIn] = Field(default_factory=list, max_length=MAX_SOURCES)

    def text(self) -> BulletinText:
        """The domain text."""
        return BulletinText(self.title, self.threat, self.affected, self.actions,
                            tuple(SourceRef(s.kind, s.id) for s in self.sources))


class WithdrawIn(BaseModel):
    """Why the bulletin comes off the public page."""

    reason: str = Field(max_length=2000)


@router.get("")
@needs(Permission.BULLETIN_READ)
def list_bulletins(ctx: CtxDep, principal: PrincipalDep, status: BulletinStatus | None = None,
                   offset: Offset = 0,
                   limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Page[BulletinDoc]:
    """Bulletins in every state (or one), newest first."""
    return bulletin_page_json(bulletins.list_bulletins(ctx, principal, status, offset, limit))


@router.post("", status_code=201)
@needs(Permission.BULLETIN_WRITE)
def create_bulletin(ctx: CtxDep, principal: PrincipalDep, body: BulletinIn) -> BulletinDoc:
    """Save a draft (422 with the field for personal data or a source that is not CLEAR)."""
    return bulletin_json(bulletins.create_bulletin(ctx, principal, body.text()))


@router.get("/{bulletin_id}")
@needs(Permission.BULLETIN_READ)
def get_bulletin(ctx: CtxDep, principal: PrincipalDep, bulletin_id: Id) -> BulletinDoc:
    """One bulletin in any state."""
    return bulletin_json(bulletins.get_bulletin(ctx, principal, bulletin_id))


@router.put("/{bulletin_id}")
@needs(Permission.BULLETIN_WRITE)
def update_bulletin(ctx: CtxDep, principal: PrincipalDep, bulletin_id: Id,
                    body: BulletinIn) -> BulletinDoc:
    """Change an unpublished bulletin; it is a draft again and needs approval."""
    return bulletin_json(bulletins.update_bulletin(ctx, principal, bulletin_id, body.text()))


@router.post("/{bulletin_id}/approve")
@needs(Permission.BULLETIN_APPROVE)
def approve_bulletin(ctx: CtxDep, principal: PrincipalDep, bulletin_id: Id) -> BulletinDoc:
    """A second hub user (not the author) approves a draft."""
    return bulletin_json(bulletins.approve_bulletin(ctx, principal, bulletin_id))


@router.post("/{bulletin_id}/publish")
@needs(Permission.BULLETIN_APPROVE)
def publish_bulletin(ctx: CtxDep, principal: PrincipalDep, bulletin_id: Id) -> BulletinDoc:
    """A hub user other than the author publishes an approved bulletin."""
    return bulletin_json(bulletins.publish_bulletin(ctx, principal, bulletin_id))


@router.post("/{bulletin_id}/withdraw")
@needs(Permission.BULLETIN_APPROVE)
def withdraw_bulletin(ctx: CtxDep, principal: PrincipalDep, bulletin_id: Id,
                      body: WithdrawIn) -> BulletinDoc:
    """Take a published bulletin off the public page and feed."""
    return bulletin_json(bulletins.withdraw_bulletin(ctx, principal, bulletin_id, body.reason))
