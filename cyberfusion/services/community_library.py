"""A community's shared library (links to reports, bulletins, playbooks; uploaded
documents) and its meetings with agenda and minutes.

A link is kept only if its author may read the product (a report written by or sent to its
organisation, a published bulletin, a known playbook); every reader then sees it only where
it reads both the entry (member, `decide()` FULL) and the product, in SQL.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from cyberfusion.domain.access import Access, GovernedItem
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.communities import (
    MAX_BODY,
    MAX_TITLE,
    LibraryItem,
    LibraryKind,
    Meeting,
    can_moderate,
    community_access,
    library_issues,
    text_issues,
)
from cyberfusion.domain.handling import Handling, check_review_by
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.formats.playbooks import known_types
from cyberfusion.services import audit
from cyberfusion.services.cases import check_references
from cyberfusion.services.communities import membership
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx


def add_to_library(ctx: Context, principal: Principal, community_id: int, kind: LibraryKind,
                   title: str, handling: Handling, ref: str = "",
                   document: tuple[str, str, bytes] | None = None) -> LibraryItem:
    """Add a link to a product the caller reads, or an uploaded (filename, type, bytes)."""
    require(principal, Permission.COMMUNITY_POST)
    ref = ref.strip()
    issues = library_issues(kind, title, ref, len(document[2]) if document else 0)
    if kind is LibraryKind.PLAYBOOK and ref and ref not in {*known_types(), "default"}:
        issues.append(Issue("ref", f"no playbook {ref!r}; one of {', '.join(known_types())}"))
    if issues:
        raise InvalidInput("the library entry has problems", issues)
    check_review_by(handling, ctx.now().date())
    stored = None
    if document is not None and kind is LibraryKind.DOCUMENT:
        name, media, content = document
        stored = (name[:255] or "document", media[:100] or "application/octet-stream",
                  content, hashlib.sha256(content).hexdigest())
    with ctx.db.write() as tx:
        membership(tx, principal, community_id)
        check_references(tx, handling)
        item_id = tx.communities.add_library(community_id, principal.org_id, kind,
                                             title.strip(), ref, handling, ctx.now(), stored)
        item = tx.communities.library_item(item_id, principal.org, ctx.now())
        if item is None:
            raise InvalidInput("cannot link that product", [Issue(
                "ref", f"no {kind.value} {ref} that your organisation may read")])
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_LIBRARY, "community",
                     community_id, principal.org_id, {"kind": kind.value, "ref": ref,
                                                      "item": item_id})
    return item


def library_document(ctx: Context, principal: Principal,
                     item_id: int) -> tuple[LibraryItem, bytes]:
    """An uploaded document the caller may read, with its bytes (audited for others)."""
    require(principal, Permission.COMMUNITY_READ)
    with ctx.db.write() as tx:
        item = tx.communities.library_item(item_id, principal.org, ctx.now())
        if item is None or item.kind is not LibraryKind.DOCUMENT:
            raise NotFound(f"no document {item_id}")
        if item.owner_org_id != principal.org_id:
            audit.record(tx, ctx, principal, AuditAction.COMMUNITY_READ, "community_library",
                         item_id, item.owner_org_id, {"tlp": item.handling.tlp.value})
        return item, tx.communities.document(item_id)


def add_meeting(ctx: Context, principal: Principal, community_id: int, title: str,
                starts_at: datetime, agenda: str, handling: Handling) -> Meeting:
    """Plan a meeting with its agenda (moderators only)."""
    require(principal, Permission.COMMUNITY_MODERATE)
    issues = text_issues("title", title, MAX_TITLE) + text_issues("agenda", agenda, MAX_BODY,
                                                                  required=False)
    if issues:
        raise InvalidInput("the meeting has problems", issues)
    check_review_by(handling, ctx.now().date())
    with ctx.db.write() as tx:
        _, role = membership(tx, principal, community_id)
        if not can_moderate(role):
            raise PermissionDenied("only the community's moderators plan meetings")
        check_references(tx, handling)
        meeting_id = tx.communities.add_meeting(community_id, principal.org_id, title.strip(),
                                                starts_at, agenda.strip(), handling)
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_MEETING, "community",
                     community_id, principal.org_id, {"meeting": meeting_id})
        found = tx.communities.meeting(meeting_id)
    assert found is not None
    return found


def _readable_meeting(tx: Tx, ctx: Context, principal: Principal, meeting_id: int) -> Meeting:
    meeting = tx.communities.meeting(meeting_id)
    if meeting is None:
        raise NotFound(f"no meeting {meeting_id}")
    role = tx.communities.role(meeting.community_id, principal.org_id)
    item = GovernedItem(meeting.handling_id, meeting.owner_org_id, meeting.handling)
    grants = tx.handlings.grants_for([meeting.handling_id]).get(meeting.handling_id, [])
    if community_access(role, principal.org, item, ctx.now(), grants) is not Access.FULL:
        raise NotFound(f"no meeting {meeting_id}")
    return meeting


def get_meeting(ctx: Context, principal: Principal, meeting_id: int) -> Meeting:
    """One meeting the caller may read (NotFound otherwise)."""
    require(principal, Permission.COMMUNITY_READ)
    with ctx.db.read() as tx:
        return _readable_meeting(tx, ctx, principal, meeting_id)


def write_minutes(ctx: Context, principal: Principal, meeting_id: int,
                  minutes: str) -> Meeting:
    """Write a meeting's minutes (moderators, or the organisation that planned it)."""
    require(principal, Permission.COMMUNITY_MODERATE)
    issues = text_issues("minutes", minutes, MAX_BODY)
    if issues:
        raise InvalidInput("the minutes have problems", issues)
    with ctx.db.write() as tx:
        meeting = _readable_meeting(tx, ctx, principal, meeting_id)
        role = tx.communities.role(meeting.community_id, principal.org_id)
        if role is None or (not can_moderate(role)
                            and meeting.owner_org_id != principal.org_id):
            raise PermissionDenied("only moderators or the organiser write the minutes")
        tx.communities.set_minutes(meeting_id, minutes.strip())
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_MEETING, "community_meeting",
                     meeting_id, meeting.owner_org_id, {"minutes": len(minutes)})
        fresh = tx.communities.meeting(meeting_id)
    assert fresh is not None
    return fresh
