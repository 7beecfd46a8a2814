"""API: communities (my list, a community, members), signed threads and posts, the
library and meetings. A non-member gets 404 for everything of a community."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from cyberfusion.domain.communities import MAX_BODY, MAX_TITLE, LibraryKind
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.community_json import parse_item_handling
from cyberfusion.presenters.common import Items
from cyberfusion.presenters.communities import (
    CommunityDetailDoc,
    CommunityDoc,
    CommunityLibraryItemDoc,
    CommunityMeetingDoc,
    CommunityMemberDoc,
    CommunityPostDoc,
    CommunityThreadDetailDoc,
    CommunityThreadDoc,
    MyCommunityDoc,
    community_detail_json,
    community_json,
    library_json,
    meeting_json,
    member_json,
    my_community_json,
    post_json,
    thread_detail_json,
    thread_json,
)
from cyberfusion.services import communities, community_library
from cyberfusion.services.context import Context
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.openapi_doc import BINARY, media_answer
from cyberfusion.web.params import Id

router = APIRouter()
OrgId = Annotated[str, Path(min_length=1, max_length=64)]


def _handling(ctx: Context, data: Any) -> Any:
    return parse_item_handling(data, ctx.now().date(), ctx.settings.review_years)


class CommunityBody(BaseModel):
    """A new community and its first moderator organisations."""

    slug: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=MAX_TITLE)
    purpose: str = Field("", max_length=MAX_BODY)
    moderators: list[str] = Field(min_length=1, max_length=50)


@router.get("/communities")
@needs(Permission.COMMUNITY_READ)
def my_communities(ctx: CtxDep, principal: PrincipalDep) -> Items[MyCommunityDoc]:
    """The communities your organisation belongs to, with what you may read there."""
    return {"items": [my_community_json(m)
                      for m in communities.my_communities(ctx, principal)]}


@router.post("/communities", status_code=201)
@needs(Permission.ORG_MANAGE)
def create_community(ctx: CtxDep, principal: PrincipalDep, body: CommunityBody) -> CommunityDoc:
    """Create a community (hub administrators)."""
    return community_json(communities.create_community(
        ctx, principal, body.slug, body.name, body.purpose, tuple(body.moderators)))


@router.get("/communities/{community_id}")
@needs(Permission.COMMUNITY_READ)
def get_community(ctx: CtxDep, principal: PrincipalDep, community_id: Id) -> CommunityDetailDoc:
    """A community: members, and the threads, library and meetings you may read."""
    return community_detail_json(communities.get_community(ctx, principal, community_id))


class MemberBody(BaseModel):
    """An organisation to add, and its role."""

    org_id: str = Field(min_length=1, max_length=64)
    role: str = Field("member", max_length=16)


@router.post("/communities/{community_id}/members", status_code=201)
@needs(Permission.COMMUNITY_MODERATE)
def add_member(ctx: CtxDep, principal: PrincipalDep, community_id: Id,
               body: MemberBody) -> Items[CommunityMemberDoc]:
    """Add a member organisation or change its role (moderators)."""
    found = communities.set_member(ctx, principal, community_id, body.org_id, body.role)
    return {"items": [member_json(m) for m in found]}


@router.delete("/communities/{community_id}/members/{org_id}")
@needs(Permission.COMMUNITY_MODERATE)
def remove_member(ctx: CtxDep, principal: PrincipalDep, community_id: Id,
                  org_id: OrgId) -> Items[CommunityMemberDoc]:
    """Remove a member organisation (moderators; the last moderator stays)."""
    found = communities.remove_member(ctx, principal, community_id, org_id)
    return {"items": [member_json(m) for m in found]}


class ThreadBody(BaseModel):
    """A new thread: title, first post and handling (default AMBER for members)."""

    title: str = Field(max_length=MAX_TITLE)
    body: str = Field(max_length=MAX_BODY)
    handling: dict[str, Any] | None = None


@router.post("/communities/{community_id}/threads", status_code=201)
@needs(Permission.COMMUNITY_POST)
def start_thread(ctx: CtxDep, principal: PrincipalDep, community_id: Id, body: ThreadBody,
                 response: Response) -> CommunityThreadDetailDoc:
    """Open a thread with its first signed post."""
    view = communities.start_thread(ctx, principal, community_id, body.title, body.body,
                                    _handling(ctx, body.handling))
    response.headers["Location"] = f"/api/v1/communities/threads/{view.thread.id}"
    return thread_detail_json(view)


@router.get("/communities/threads/{thread_id}")
@needs(Permission.COMMUNITY_READ)
def get_thread(ctx: CtxDep, principal: PrincipalDep, thread_id: Id) -> CommunityThreadDetailDoc:
    """A thread with its posts and their signature checks."""
    return thread_detail_json(communities.get_thread(ctx, principal, thread_id))


class PostBody(BaseModel):
    """A post's text."""

    body: str = Field(max_length=MAX_BODY)


@router.post("/communities/threads/{thread_id}/posts", status_code=201)
@needs(Permission.COMMUNITY_POST)
def post(ctx: CtxDep, principal: PrincipalDep, thread_id: Id, body: PostBody) -> CommunityPostDoc:
    """Add a signed post (not to a locked thread, unless you moderate)."""
    made = communities.post(ctx, principal, thread_id, body.body)
    view = communities.get_thread(ctx, principal, thread_id)
    return post_json(made, view)


class ModerationBody(BaseModel):
    """Pin or lock (absent: unchanged)."""

    pinned: bool | None = None
    locked: bool | None = None


@router.post("/communities/threads/{thread_id}/moderation")
@needs(Permission.COMMUNITY_MODERATE)
def moderate(ctx: CtxDep, principal: PrincipalDep, thread_id: Id,
             body: ModerationBody) -> CommunityThreadDoc:
    """Pin or lock a thread (moderators)."""
    return thread_json(communities.moderate_thread(ctx, principal, thread_id, body.pinned,
                                                   body.locked))


class LibraryBody(BaseModel):
    """A link to a product (`kind` report, bulletin or playbook with `ref`) or a document
    (`kind` document with `filename`, `media_type` and `content_base64`)."""

    kind: LibraryKind
    title: str = Field(max_length=MAX_TITLE)
    ref: str = Field("", max_length=64)
    filename: str = Field("", max_length=255)
    media_type: str = Field("", max_length=100)
    content_base64: str = Field("", max_length=7_000_000)
    handling: dict[str, Any] | None = None


@router.post("/communities/{community_id}/library", status_code=201)
@needs(Permission.COMMUNITY_POST)
def add_to_library(ctx: CtxDep, principal: PrincipalDep, community_id: Id,
                   body: LibraryBody) -> CommunityLibraryItemDoc:
    """Share a product you may read, or upload a document, with the community."""
    document = None
    if body.kind is LibraryKind.DOCUMENT:
        try:
            content = base64.b64decode(body.content_base64, validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("bad document", [Issue("content_base64", "not base64")]
                               ) from None
        document = (body.filename, body.media_type, content)
    return library_json(community_library.add_to_library(
        ctx, principal, community_id, body.kind, body.title, _handling(ctx, body.handling),
        body.ref, document))


@router.get("/communities/library/{item_id}/document", response_class=Response,
            responses=media_answer("The document's bytes",
                                   {"application/octet-stream": BINARY}))
@needs(Permission.COMMUNITY_READ)
def library_document(ctx: CtxDep, principal: PrincipalDep, item_id: Id) -> Response:
    """The bytes of an uploaded document you may read."""
    item, content = community_library.library_document(ctx, principal, item_id)
    safe = "".join(c for c in item.filename if c.isalnum() or c in "._-") or "document"
    return Response(content, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="{safe}"',
        "X-Content-SHA256": item.sha256})


class MeetingBody(BaseModel):
    """A meeting: title, start (with a time zone), agenda, handling."""

    title: str = Field(max_length=MAX_TITLE)
    starts_at: datetime
    agenda: str = Field("", max_length=MAX_BODY)
    handling: dict[str, Any] | None = None


@router.post("/communities/{community_id}/meetings", status_code=201)
@needs(Permission.COMMUNITY_MODERATE)
def add_meeting(ctx: CtxDep, principal: PrincipalDep, community_id: Id,
                body: MeetingBody) -> CommunityMeetingDoc:
    """Plan a meeting with its agenda (moderators)."""
    if body.starts_at.tzinfo is None:
        raise InvalidInput("bad meeting time", [Issue("starts_at", "give a time zone")])
    return meeting_json(community_library.add_meeting(
        ctx, principal, community_id, body.title, body.starts_at, body.agenda,
        _handling(ctx, body.handling)))


@router.get("/communities/meetings/{meeting_id}")
@needs(Permission.COMMUNITY_READ)
def get_meeting(ctx: CtxDep, principal: PrincipalDep, meeting_id: Id) -> CommunityMeetingDoc:
    """One meeting with its agenda and minutes."""
    return meeting_json(community_library.get_meeting(ctx, principal, meeting_id))


class MinutesBody(BaseModel):
    """A meeting's minutes."""

    minutes: str = Field(max_length=MAX_BODY)


@router.put("/communities/meetings/{meeting_id}/minutes")
@needs(Permission.COMMUNITY_MODERATE)
def write_minutes(ctx: CtxDep, principal: PrincipalDep, meeting_id: Id,
                  body: MinutesBody) -> CommunityMeetingDoc:
    """Write the minutes (moderators or the organiser)."""
    return meeting_json(community_library.write_minutes(ctx, principal, meeting_id,
                                                        body.minutes))
