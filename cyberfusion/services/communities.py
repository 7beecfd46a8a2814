"""Communities: who belongs, what each member reads, signed threads and their moderation.

A non-member gets NotFound for everything of a community (its page, threads, library,
meetings), and sees no count or title of it; a member reads the items `decide()` gives it
in full (`store.repositories.communities` filters in SQL). Posts are signed like channel
messages (`signing.sign` over `communities.post_document`). Library and meetings are in
`services.community_library`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from cyberfusion.domain.access import Access, GovernedItem
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.communities import (
    MAX_BODY,
    MAX_TITLE,
    Community,
    CommunityThread,
    LibraryItem,
    Meeting,
    Member,
    MemberRole,
    Post,
    can_moderate,
    community_access,
    community_issues,
    last_removal_issue,
    member_issue,
    post_document,
    text_issues,
)
from cyberfusion.domain.handling import TLP, Handling, HitPolicy, check_review_by, strictest_tlp
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import Conflict, InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.services import audit, signing
from cyberfusion.services.cases import check_references
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx


@dataclass(frozen=True, slots=True)
class MyCommunity:
    """A community the caller's organisation belongs to, with what it may read there."""

    community: Community
    role: MemberRole
    counts: dict[str, int]


@dataclass(frozen=True, slots=True)
class CommunityView:
    """A community as one member sees it; `tlp` is the strictest of what is shown."""

    community: Community
    role: MemberRole
    members: list[Member]
    threads: list[CommunityThread]
    library: list[LibraryItem]
    meetings: list[Meeting]
    tlp: TLP


@dataclass(frozen=True, slots=True)
class ThreadView:
    """A thread with its posts and each post's signature check."""

    community: Community
    role: MemberRole
    thread: CommunityThread
    posts: list[Post]
    verdicts: dict[int, signing.Verdict]


def default_handling(ctx: Context, tlp: TLP = TLP.AMBER,
                     partners: frozenset[str] = frozenset()) -> Handling:
    """What a community item carries unless its author says otherwise: for members,
    partners only when named, no HIT answers outside the group."""
    review = ctx.now().date() + timedelta(days=365 * ctx.settings.review_years)
    return Handling(tlp, frozenset({"members"}), review, partners=partners,
                    hit_policy=HitPolicy.SILENT)


def membership(tx: Tx, principal: Principal, community_id: int) -> tuple[Community,
                                                                          MemberRole]:
    """The community and the caller's role; NotFound for non-members (nothing leaks)."""
    community = tx.communities.get(community_id)
    role = tx.communities.role(community_id, principal.org_id) if community else None
    if community is None or role is None:
        raise NotFound(f"no community {community_id}")
    return community, role


def create_community(ctx: Context, principal: Principal | None, slug: str, name: str,
                     purpose: str, moderators: tuple[str, ...]) -> Community:
    """A new community with its first moderators (hub administrators, or the operator's
    CLI and the demo seed when `principal` is None)."""
    if principal is not None:
        require(principal, Permission.ORG_MANAGE)
    issues = community_issues(slug, name)
    if not moderators:
        issues.append(Issue("moderators", "name at least one moderator organisation"))
    if issues:
        raise InvalidInput("the community has problems", issues)
    with ctx.db.write() as tx:
        if tx.communities.by_slug(slug) is not None:
            raise Conflict(f"a community {slug!r} exists")
        unknown = [m for m in moderators if tx.orgs.get(m) is None]
        if unknown:
            raise InvalidInput("unknown organisations", [Issue("moderators", ", ".join(unknown))])
        community_id = tx.communities.add(slug, name, purpose, ctx.now())
        for org_id in moderators:
            tx.communities.set_member(community_id, org_id, MemberRole.MODERATOR, ctx.now())
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_CREATE, "community",
                     community_id, principal.org_id if principal else None,
                     {"slug": slug, "moderators": list(moderators)})
        found = tx.communities.get(community_id)
    assert found is not None
    return found


def my_communities(ctx: Context, principal: Principal) -> list[MyCommunity]:
    """The communities the caller's organisation belongs to, with readable counts."""
    require(principal, Permission.COMMUNITY_READ)
    with ctx.db.read() as tx:
        return [MyCommunity(c, role, tx.communities.counts(c.id, principal.org, ctx.now()))
                for c, role in tx.communities.mine(principal.org_id)]


def get_community(ctx: Context, principal: Principal, community_id: int) -> CommunityView:
    """A community page: members, and the threads, library and meetings the caller reads."""
    require(principal, Permission.COMMUNITY_READ)
    now = ctx.now()
    with ctx.db.read() as tx:
        community, role = membership(tx, principal, community_id)
        repo = tx.communities
        threads = repo.threads(community_id, principal.org, now)
        library = repo.library(community_id, principal.org, now)
        meetings = repo.meetings(community_id, principal.org, now)
        members = repo.members(community_id)
    shown = [*(t.handling.tlp for t in threads), *(x.handling.tlp for x in library),
             *(m.handling.tlp for m in meetings)]
    return CommunityView(community, role, members, threads, library, meetings,
                         strictest_tlp(shown, TLP.GREEN))


def set_member(ctx: Context, principal: Principal, community_id: int, org_id: str,
               role: str) -> list[Member]:
    """Add a member organisation (or change its role): moderators only."""
    require(principal, Permission.COMMUNITY_MODERATE)
    issues = member_issue(org_id, role)
    if issues:
        raise InvalidInput("cannot add the member", issues)
    with ctx.db.write() as tx:
        _moderating(tx, principal, community_id)
        if tx.orgs.get(org_id) is None:
            raise InvalidInput("cannot add the member", [Issue("org_id", "no such "
                                                                          "organisation")])
        tx.communities.set_member(community_id, org_id, MemberRole(role), ctx.now())
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_MEMBER, "community",
                     community_id, principal.org_id, {"add": org_id, "role": role})
        return tx.communities.members(community_id)


def remove_member(ctx: Context, principal: Principal, community_id: int,
                  org_id: str) -> list[Member]:
    """Remove a member organisation (moderators only; the last moderator stays)."""
    require(principal, Permission.COMMUNITY_MODERATE)
    with ctx.db.write() as tx:
        _moderating(tx, principal, community_id)
        problem = last_removal_issue(tx.communities.members(community_id), org_id)
        if problem:
            raise InvalidInput("cannot remove the member", [problem])
        if not tx.communities.remove_member(community_id, org_id):
            raise NotFound(f"{org_id} is not a member")
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_MEMBER, "community",
                     community_id, principal.org_id, {"remove": org_id})
        return tx.communities.members(community_id)


def _moderating(tx: Tx, principal: Principal, community_id: int) -> Community:
    community, role = membership(tx, principal, community_id)
    if not can_moderate(role):
        raise PermissionDenied("only the community's moderators do that")
    return community


def start_thread(ctx: Context, principal: Principal, community_id: int, title: str,
                 body: str, handling: Handling) -> ThreadView:
    """Open a thread under `handling` with its first signed post."""
    require(principal, Permission.COMMUNITY_POST)
    issues = text_issues("title", title, MAX_TITLE) + text_issues("body", body, MAX_BODY)
    if issues:
        raise InvalidInput("the thread has problems", issues)
    check_review_by(handling, ctx.now().date())
    with ctx.db.write() as tx:
        membership(tx, principal, community_id)
        check_references(tx, handling)
        thread_id = tx.communities.add_thread(community_id, principal.org_id, title.strip(),
                                              handling, ctx.now())
        _sign_post(tx, ctx, principal, community_id, thread_id, body.strip())
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_POST, "community_thread",
                     thread_id, principal.org_id, {"community": community_id,
                                                   "tlp": handling.tlp.value})
    return get_thread(ctx, principal, thread_id)


def post(ctx: Context, principal: Principal, thread_id: int, body: str) -> Post:
    """Add a signed post to a thread the caller reads (not when locked, unless moderator)."""
    require(principal, Permission.COMMUNITY_POST)
    issues = text_issues("body", body, MAX_BODY)
    if issues:
        raise InvalidInput("the post has problems", issues)
    with ctx.db.write() as tx:
        thread, role = _readable_thread(tx, ctx, principal, thread_id)
        if thread.locked and not can_moderate(role):
            raise Conflict(f"thread {thread_id} is locked")
        post_id = _sign_post(tx, ctx, principal, thread.community_id, thread_id, body.strip())
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_POST, "community_thread",
                     thread_id, thread.owner_org_id, {"post": post_id})
        return next(p for p in tx.communities.posts(thread_id) if p.id == post_id)


def _sign_post(tx: Tx, ctx: Context, principal: Principal, community_id: int,
               thread_id: int, body: str) -> int:
    """Store a post and sign it with the organisation's key (the channel's signing)."""
    now = ctx.now()
    name = principal.user.username if principal.user else principal.org_id
    user_id = principal.user.id if principal.user else None
    post_id = tx.communities.add_post(thread_id, principal.org_id, user_id, name, body, now)
    key = signing.ensure_key(tx, ctx, principal.org_id)
    document = post_document(post_id, thread_id, community_id, principal.org_id, now, body)
    tx.communities.sign_post(post_id, key.key_id, signing.sign(ctx, key, document))
    return post_id


def _readable_thread(tx: Tx, ctx: Context, principal: Principal,
                     thread_id: int) -> tuple[CommunityThread, MemberRole]:
    """The thread and the caller's role; NotFound unless a member reading it in full."""
    thread = tx.communities.thread(thread_id)
    if thread is None:
        raise NotFound(f"no thread {thread_id}")
    role = tx.communities.role(thread.community_id, principal.org_id)
    item = GovernedItem(thread.handling_id, thread.owner_org_id, thread.handling)
    grants = tx.handlings.grants_for([thread.handling_id]).get(thread.handling_id, [])
    if community_access(role, principal.org, item, ctx.now(), grants) is not Access.FULL:
        raise NotFound(f"no thread {thread_id}")
    assert role is not None
    return thread, role


def get_thread(ctx: Context, principal: Principal, thread_id: int) -> ThreadView:
    """A thread with its posts and their signature checks (reads by others are audited)."""
    require(principal, Permission.COMMUNITY_READ)
    with ctx.db.write() as tx:
        thread, role = _readable_thread(tx, ctx, principal, thread_id)
        community = tx.communities.get(thread.community_id)
        assert community is not None
        posts = tx.communities.posts(thread_id)
        verdicts = {p.id: signing.verify(tx.keys.get(p.key_id), p.org_id, post_document(
            p.id, thread_id, thread.community_id, p.org_id, p.created_at, p.body),
            p.signature) for p in posts}
        if thread.owner_org_id != principal.org_id:
            audit.record(tx, ctx, principal, AuditAction.COMMUNITY_READ, "community_thread",
                         thread_id, thread.owner_org_id, {"tlp": thread.handling.tlp.value})
    return ThreadView(community, role, thread, posts, verdicts)


def moderate_thread(ctx: Context, principal: Principal, thread_id: int,
                    pinned: bool | None = None, locked: bool | None = None) -> CommunityThread:
    """Pin or lock a thread (moderators of its community only)."""
    require(principal, Permission.COMMUNITY_MODERATE)
    with ctx.db.write() as tx:
        thread, role = _readable_thread(tx, ctx, principal, thread_id)
        if not can_moderate(role):
            raise PermissionDenied("only the community's moderators pin and lock threads")
        tx.communities.set_flags(thread_id, pinned, locked)
        audit.record(tx, ctx, principal, AuditAction.COMMUNITY_MODERATE, "community_thread",
                     thread_id, thread.owner_org_id, {"pinned": pinned, "locked": locked})
        fresh = tx.communities.thread(thread_id)
    assert fresh is not None
    return fresh


def meeting_time(text: str) -> datetime:
    """A meeting's start as ISO 8601 with a time zone (a located error otherwise)."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise InvalidInput("bad meeting time", [Issue(
            "starts_at", "ISO 8601 with a time zone, such as 2026-06-10T14:00Z")])
    return moment
