"""Communities on SQLite and PostgreSQL: membership, signed threads, moderation, library,
meetings, what partners and non-members see, and the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from worlds import World, build_world

from cyberfusion.domain.communities import LibraryKind, MemberRole
from cyberfusion.domain.handling import TLP
from cyberfusion.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from cyberfusion.services import audit, communities, community_library
from cyberfusion.services.context import Context


@pytest.fixture
def world(ctx: Context) -> World:
    return build_world(ctx)


def forum(world: World) -> int:
    """The ransomware forum: hub moderates; FR, DE units and the partner are members."""
    ctx, p = world.ctx, world.principals
    made = communities.create_community(ctx, None, "ransomware-forum", "Ransomware forum",
                                        "Global response to ransomware", ("hub",))
    for org in ("fr-cyber", "de-cyber", "acme-sec"):
        communities.set_member(ctx, p["hub"], made.id, org, "member")
    return made.id


def test_members_post_signed_threads_and_non_members_see_nothing(world: World) -> None:
    ctx, p = world.ctx, world.principals
    cid = forum(world)
    view = communities.start_thread(ctx, p["fr-cyber"], cid, "LockBit affiliates in 2026",
                                    "What do you see of the new builder?",
                                    communities.default_handling(ctx))
    communities.post(ctx, p["de-cyber"], view.thread.id, "Three victims in DE this month.")
    seen = communities.get_thread(ctx, p["hub"], view.thread.id)
    assert [x.org_id for x in seen.posts] == ["fr-cyber", "de-cyber"]
    assert all(seen.verdicts[x.id].ok for x in seen.posts)
    assert [c.community.id for c in communities.my_communities(ctx, p["de-cyber"])] == [cid]
    assert communities.my_communities(ctx, p["br-cyber"]) == []
    for call in (lambda: communities.get_community(ctx, p["br-cyber"], cid),
                 lambda: communities.get_thread(ctx, p["br-cyber"], view.thread.id),
                 lambda: communities.post(ctx, p["br-cyber"], view.thread.id, "hello")):
        with pytest.raises(NotFound):
            call()
    # the partner member reads only what names it in `partners`
    with pytest.raises(NotFound):
        communities.get_thread(ctx, p["acme-sec"], view.thread.id)
    shared = communities.start_thread(ctx, p["fr-cyber"], cid, "Indicators for partners",
                                      "Wallets attached.", communities.default_handling(
                                          ctx, TLP.GREEN, frozenset({"acme-sec"})))
    page = communities.get_community(ctx, p["acme-sec"], cid)
    assert [t.id for t in page.threads] == [shared.thread.id]
    assert communities.my_communities(ctx, p["acme-sec"])[0].counts["threads"] == 1
    assert communities.my_communities(ctx, p["hub"])[0].counts["threads"] == 2


def test_a_tampered_post_fails_its_signature_check(world: World) -> None:
    ctx, p = world.ctx, world.principals
    cid = forum(world)
    view = communities.start_thread(ctx, p["fr-cyber"], cid, "Thread", "Original text",
                                    communities.default_handling(ctx))
    from cyberfusion.store.tables_communities import CommunityPostRow
    with ctx.db.write() as tx:
        tx.session.query(CommunityPostRow).update({"body": "Altered text"})
    seen = communities.get_thread(ctx, p["de-cyber"], view.thread.id)
    assert not seen.verdicts[seen.posts[0].id].ok


def test_moderators_pin_lock_and_manage_members(world: World) -> None:
    ctx, p = world.ctx, world.principals
    cid = forum(world)
    view = communities.start_thread(ctx, p["fr-cyber"], cid, "Thread", "Body",
                                    communities.default_handling(ctx))
    with pytest.raises(PermissionDenied):
        communities.moderate_thread(ctx, p["de-cyber"], view.thread.id, locked=True)
    with pytest.raises(PermissionDenied):
        communities.set_member(ctx, p["de-cyber"], cid, "br-cyber", "member")
    thread = communities.moderate_thread(ctx, p["hub"], view.thread.id, pinned=True,
                                         locked=True)
    assert thread.pinned and thread.locked
    with pytest.raises(Conflict):
        communities.post(ctx, p["fr-cyber"], view.thread.id, "more")
    communities.post(ctx, p["hub"], view.thread.id, "Moderators still post.")
    with pytest.raises(InvalidInput):
        communities.remove_member(ctx, p["hub"], cid, "hub")
    members = communities.remove_member(ctx, p["hub"], cid, "de-cyber")
    assert "de-cyber" not in {m.org_id for m in members}
    with pytest.raises(NotFound):
        communities.get_thread(ctx, p["de-cyber"], view.thread.id)
    members = communities.set_member(ctx, p["hub"], cid, "fr-cyber", "moderator")
    assert {m.org_id: m.role for m in members}["fr-cyber"] is MemberRole.MODERATOR
    hub = {str(e.action) for e in audit.org_trail(ctx, p["hub"], limit=200)}
    assert {"community.member", "community.moderate", "community.post"} <= hub
    assert "community.post" in {str(e.action) for e in audit.org_trail(ctx, p["fr-cyber"])}


def test_library_keeps_only_readable_products_and_documents(world: World) -> None:
    ctx, p = world.ctx, world.principals
    cid = forum(world)
    handling = communities.default_handling(ctx)
    book = community_library.add_to_library(ctx, p["fr-cyber"], cid, LibraryKind.PLAYBOOK,
                                            "Ransomware playbook", handling, "ransomware")
    doc = community_library.add_to_library(ctx, p["de-cyber"], cid, LibraryKind.DOCUMENT,
                                           "Decryptor notes", handling,
                                           document=("notes.txt", "text/plain", b"keys"))
    with pytest.raises(InvalidInput):
        community_library.add_to_library(ctx, p["fr-cyber"], cid, LibraryKind.REPORT,
                                         "Someone's report", handling, "999")
    with pytest.raises(InvalidInput):
        community_library.add_to_library(ctx, p["fr-cyber"], cid, LibraryKind.PLAYBOOK,
                                         "No such", handling, "nonsense")
    page = communities.get_community(ctx, p["hub"], cid)
    assert {i.id for i in page.library} == {book.id, doc.id}
    item, content = community_library.library_document(ctx, p["fr-cyber"], doc.id)
    assert content == b"keys" and item.sha256 and item.size == 4
    assert communities.get_community(ctx, p["acme-sec"], cid).library == []
    with pytest.raises(NotFound):
        community_library.library_document(ctx, p["acme-sec"], doc.id)
    with pytest.raises(NotFound):
        community_library.library_document(ctx, p["br-cyber"], doc.id)


def test_meetings_have_agenda_and_minutes(world: World) -> None:
    ctx, p = world.ctx, world.principals
    cid = forum(world)
    when = datetime(2026, 6, 10, 14, 0, tzinfo=UTC)
    with pytest.raises(PermissionDenied):
        community_library.add_meeting(ctx, p["fr-cyber"], cid, "Quarterly", when, "1. Trends",
                                      communities.default_handling(ctx))
    meeting = community_library.add_meeting(ctx, p["hub"], cid, "Quarterly", when,
                                            "1. Trends\n2. Decryptors",
                                            communities.default_handling(ctx))
    done = community_library.write_minutes(ctx, p["hub"], meeting.id, "Agreed to share keys.")
    assert done.minutes == "Agreed to share keys." and done.starts_at == when
    assert [m.id for m in communities.get_community(ctx, p["de-cyber"], cid).meetings] == [
        meeting.id]
    with pytest.raises(NotFound):
        community_library.get_meeting(ctx, p["br-cyber"], meeting.id)
    with pytest.raises(NotFound):
        community_library.get_meeting(ctx, p["acme-sec"], meeting.id)
