"""Communities as JSON (API, CLI `--json`): a member's list, a community page, a thread
with its signed posts, a library entry and a meeting."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.communities import (
    Community,
    CommunityThread,
    LibraryItem,
    LibraryKind,
    Meeting,
    Member,
    Post,
)
from cyberfusion.formats.case_json import HandlingDoc, handling_to_json
from cyberfusion.presenters.channel import VerdictDoc, verdict_json
from cyberfusion.presenters.common import iso
from cyberfusion.services.communities import CommunityView, MyCommunity, ThreadView


class CommunityDoc(TypedDict):
    """A community's name and purpose."""

    id: int
    slug: str
    name: str
    purpose: str
    created_at: str | None


class MyCommunityDoc(CommunityDoc):
    """A community the caller belongs to: its role and what it may read there."""

    role: str
    threads: int
    library: int
    meetings: int


class CommunityMemberDoc(TypedDict):
    """A member organisation and its role."""

    org_id: str
    name: str
    kind: str
    role: str
    added_at: str | None


class CommunityThreadDoc(TypedDict):
    """A thread's heading, flags and handling."""

    id: int
    community_id: int
    title: str
    owner: str
    pinned: bool
    locked: bool
    posts: int
    created_at: str | None
    handling: HandlingDoc


class CommunityPostDoc(TypedDict):
    """A signed post and its signature check."""

    id: int
    org_id: str
    author: str
    body: str
    created_at: str | None
    signature: VerdictDoc


class CommunityThreadDetailDoc(TypedDict):
    """A thread with its posts."""

    thread: CommunityThreadDoc
    community: CommunityDoc
    role: str
    posts: list[CommunityPostDoc]


class CommunityLibraryItemDoc(TypedDict):
    """A library entry: a link to a product (`href`) or an uploaded document."""

    id: int
    kind: str
    title: str
    ref: str
    href: str
    owner: str
    added_at: str | None
    filename: str
    size: int
    sha256: str
    handling: HandlingDoc


class CommunityMeetingDoc(TypedDict):
    """A meeting with its agenda and minutes."""

    id: int
    community_id: int
    title: str
    starts_at: str | None
    agenda: str
    minutes: str
    owner: str
    handling: HandlingDoc


class CommunityDetailDoc(TypedDict):
    """A community page as one member sees it."""

    community: CommunityDoc
    role: str
    tlp: str
    members: list[CommunityMemberDoc]
    threads: list[CommunityThreadDoc]
    library: list[CommunityLibraryItemDoc]
    meetings: list[CommunityMeetingDoc]


def community_json(c: Community) -> CommunityDoc:
    """A community's name and purpose."""
    return {"id": c.id, "slug": c.slug, "name": c.name, "purpose": c.purpose,
            "created_at": iso(c.created_at)}


def my_community_json(m: MyCommunity) -> MyCommunityDoc:
    """One of the caller's communities with its role and readable counts."""
    return {**community_json(m.community), "role": m.role.value,
            "threads": m.counts["threads"], "library": m.counts["library"],
            "meetings": m.counts["meetings"]}


def member_json(m: Member) -> CommunityMemberDoc:
    """A member organisation."""
    return {"org_id": m.org_id, "name": m.org_name, "kind": m.org_kind, "role": m.role.value,
            "added_at": iso(m.added_at)}


def thread_json(t: CommunityThread) -> CommunityThreadDoc:
    """A thread's heading."""
    return {"id": t.id, "community_id": t.community_id, "title": t.title,
            "owner": t.owner_org_id, "pinned": t.pinned, "locked": t.locked, "posts": t.posts,
            "created_at": iso(t.created_at), "handling": handling_to_json(t.handling)}


def thread_detail_json(v: ThreadView) -> CommunityThreadDetailDoc:
    """A thread with its signed posts."""
    return {"thread": thread_json(v.thread), "community": community_json(v.community),
            "role": v.role.value,
            "posts": [post_json(p, v) for p in v.posts]}


def post_json(p: Post, v: ThreadView) -> CommunityPostDoc:
    """A post with its signature check."""
    return {"id": p.id, "org_id": p.org_id, "author": p.author, "body": p.body,
            "created_at": iso(p.created_at), "signature": verdict_json(v.verdicts[p.id])}


def library_href(i: LibraryItem) -> str:
    """Where a library entry leads: the product's page, or the document's bytes."""
    return {LibraryKind.REPORT: f"/reports/{i.ref}", LibraryKind.BULLETIN: f"/bulletins/{i.ref}",
            LibraryKind.PLAYBOOK: f"/api/v1/playbooks/{i.ref}",
            LibraryKind.DOCUMENT: f"/api/v1/communities/library/{i.id}/document"}[i.kind]


def library_json(i: LibraryItem) -> CommunityLibraryItemDoc:
    """A library entry."""
    return {"id": i.id, "kind": i.kind.value, "title": i.title, "ref": i.ref,
            "href": library_href(i), "owner": i.owner_org_id, "added_at": iso(i.added_at),
            "filename": i.filename, "size": i.size, "sha256": i.sha256,
            "handling": handling_to_json(i.handling)}


def meeting_json(m: Meeting) -> CommunityMeetingDoc:
    """A meeting."""
    return {"id": m.id, "community_id": m.community_id, "title": m.title,
            "starts_at": iso(m.starts_at), "agenda": m.agenda, "minutes": m.minutes,
            "owner": m.owner_org_id, "handling": handling_to_json(m.handling)}


def community_detail_json(v: CommunityView) -> CommunityDetailDoc:
    """A community page."""
    return {"community": community_json(v.community), "role": v.role.value,
            "tlp": v.tlp.value, "members": [member_json(m) for m in v.members],
            "threads": [thread_json(t) for t in v.threads],
            "library": [library_json(i) for i in v.library],
            "meetings": [meeting_json(m) for m in v.meetings]}
