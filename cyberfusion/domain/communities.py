"""Communities: closed groups (the expert group on cybercrime, the ransomware forum) whose
members may be organisations of any kind, with moderators, signed discussion threads, a
shared library of products and meetings with agenda and minutes.

Everything in a community carries its own handling: a member reads an item only where
`decide()` gives FULL (so a partner member reads only what names it in `partners`), and a
non-member reads nothing of the community at all (`community_access`). Posts are signed
with the channel's document (`channel.signed_document`), addressed to `community:<id>`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cyberfusion.domain.access import Access, Governed, decide
from cyberfusion.domain.channel import MessageKind, signed_document
from cyberfusion.domain.handling import Handling
from cyberfusion.domain.model import DisclosureGrant, Organisation
from cyberfusion.errors import Issue

MAX_TITLE = 300
MAX_BODY = 20_000
MAX_DOCUMENT_BYTES = 5_000_000
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_ORG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class MemberRole(StrEnum):
    """What a member organisation may do in a community."""

    MEMBER = "member"
    MODERATOR = "moderator"


class LibraryKind(StrEnum):
    """What a library entry is: a link to a product, or a document uploaded to it."""

    REPORT = "report"
    BULLETIN = "bulletin"
    PLAYBOOK = "playbook"
    DOCUMENT = "document"


@dataclass(frozen=True, slots=True)
class Community:
    """A closed group: its short name, title and purpose."""

    id: int
    slug: str
    name: str
    purpose: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Member:
    """A member organisation of a community and its role."""

    org_id: str
    role: MemberRole
    added_at: datetime
    org_name: str = ""
    org_kind: str = ""


@dataclass(frozen=True, slots=True)
class Post:
    """One signed post in a community thread."""

    id: int
    thread_id: int
    org_id: str
    author: str
    body: str
    created_at: datetime
    key_id: str = ""
    signature: str = ""


@dataclass(frozen=True, slots=True)
class CommunityThread:
    """A discussion thread under its own handling; moderators pin and lock it."""

    id: int
    community_id: int
    title: str
    owner_org_id: str
    handling_id: int
    handling: Handling
    created_at: datetime
    pinned: bool = False
    locked: bool = False
    posts: int = 0


@dataclass(frozen=True, slots=True)
class LibraryItem:
    """A product in a community's library: a link (report, bulletin, playbook) or a document."""

    id: int
    community_id: int
    kind: LibraryKind
    title: str
    ref: str
    owner_org_id: str
    handling_id: int
    handling: Handling
    added_at: datetime
    filename: str = ""
    media_type: str = ""
    size: int = 0
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Meeting:
    """A community meeting: when, its agenda, and the minutes once written."""

    id: int
    community_id: int
    title: str
    starts_at: datetime
    agenda: str
    minutes: str
    owner_org_id: str
    handling_id: int
    handling: Handling


def can_moderate(role: MemberRole | None) -> bool:
    """Only moderators add and remove members and pin or lock threads."""
    return role is MemberRole.MODERATOR


def community_access(role: MemberRole | None, who: Organisation, item: Governed,
                     now: datetime, grants: Iterable[DisclosureGrant] = ()) -> Access:
    """FULL only for a member on whom `decide()` gives FULL; NONE otherwise (no HIT answers
    inside a closed group: a non-member learns nothing, a member nothing of the rest)."""
    if role is None:
        return Access.NONE
    return Access.FULL if decide(who, item, now, grants) is Access.FULL else Access.NONE


def post_document(post_id: int, thread_id: int, community_id: int, org_id: str,
                  created_at: datetime, body: str) -> bytes:
    """The bytes signed for a post: the channel's signed document, addressed to the
    community (so a post cannot pass for a channel message, nor move to another group)."""
    return signed_document(post_id, thread_id, org_id, [f"community:{community_id}"],
                           MessageKind.REPLY, created_at, body,
                           {"community": community_id}, [])


def text_issues(location: str, text: str, limit: int, required: bool = True) -> list[Issue]:
    """A required, bounded text field's problems."""
    if required and not text.strip():
        return [Issue(location, "is required")]
    if len(text) > limit:
        return [Issue(location, f"at most {limit} characters")]
    return []


def community_issues(slug: str, name: str) -> list[Issue]:
    """Problems of a new community's short name and title."""
    issues = [] if _SLUG.match(slug) else [Issue(
        "slug", "2-63 lower-case letters, digits and hyphens")]
    return issues + text_issues("name", name, MAX_TITLE)


def member_issue(org_id: str, role: str) -> list[Issue]:
    """Problems of a membership to add."""
    issues = [] if _ORG.match(org_id) else [Issue("org_id", "malformed organisation id")]
    if role not in {r.value for r in MemberRole}:
        issues.append(Issue("role", "member or moderator"))
    return issues


def library_issues(kind: LibraryKind, title: str, ref: str, size: int) -> list[Issue]:
    """Problems of a library entry: a link names its product, a document has content."""
    issues = text_issues("title", title, MAX_TITLE)
    if kind is LibraryKind.DOCUMENT:
        if size == 0:
            issues.append(Issue("document", "the uploaded document is empty"))
        elif size > MAX_DOCUMENT_BYTES:
            issues.append(Issue("document", f"at most {MAX_DOCUMENT_BYTES} bytes"))
    elif kind in (LibraryKind.REPORT, LibraryKind.BULLETIN) and not ref.isdigit():
        issues.append(Issue("ref", f"the {kind.value}'s number"))
    elif kind is LibraryKind.PLAYBOOK and not ref.strip():
        issues.append(Issue("ref", "the incident type of the playbook"))
    return issues


def last_removal_issue(members: Iterable[Member], org_id: str) -> Issue | None:
    """A community keeps at least one moderator: removing the last one is refused."""
    moderators = [m.org_id for m in members if m.role is MemberRole.MODERATOR]
    if moderators == [org_id]:
        return Issue("org_id", "the last moderator cannot be removed")
    return None
