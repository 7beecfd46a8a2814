"""Community access property suite: on random worlds of communities (random members and
moderators of every kind of organisation, partners included) holding threads, library
documents and meetings under random handling (with grants), every read path (my list and
its counts, the community page, one thread, one document, one meeting, and the same over
the API and the pages) shows an item exactly when the reader's organisation is a member
and `decide()` gives it FULL; a non-member sees nothing of the community at all.

Runs CYBERFUSION_COMMUNITY_EXAMPLES worlds (default 15); raise it for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from access_worlds import client_of, handlings, organisations
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.communities import LibraryKind, MemberRole
from cyberfusion.domain.handling import Handling
from cyberfusion.domain.model import DisclosureGrant, Organisation, Principal, Role
from cyberfusion.errors import NotFound
from cyberfusion.services import auth, communities, community_library
from cyberfusion.services.context import Context

EXAMPLES = int(os.environ.get("CYBERFUSION_COMMUNITY_EXAMPLES", "15"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
KINDS = ("thread", "document", "meeting")


@dataclass
class ItemSpec:
    community: int
    kind: str
    owner: str
    handling: Handling
    grant_to: str | None
    id: int = 0
    grants: list[DisclosureGrant] = field(default_factory=list)


@dataclass
class CommunitySpec:
    members: dict[str, MemberRole]
    id: int = 0


@st.composite
def community_worlds(draw: st.DrawFn) -> tuple[list[Organisation], list[CommunitySpec],
                                               list[ItemSpec]]:
    orgs = draw(organisations())
    ids = [o.id for o in orgs]
    groups = []
    for _ in range(draw(st.integers(1, 2))):
        chosen = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
        groups.append(CommunitySpec({o: draw(st.sampled_from(list(MemberRole)))
                                     for o in chosen}))
    items = [ItemSpec(c, draw(st.sampled_from(KINDS)),
                      draw(st.sampled_from(sorted(groups[c].members))),
                      draw(handlings(orgs, NOW.date())), draw(st.none() | st.sampled_from(ids)))
             for c in (draw(st.integers(0, len(groups) - 1))
                       for _ in range(draw(st.integers(1, 7))))]
    return orgs, groups, items


def store(ctx: Context, orgs: list[Organisation], groups: list[CommunitySpec],
          items: list[ItemSpec]) -> None:
    with ctx.db.write() as tx:
        for org in orgs:
            tx.orgs.add(org, NOW)
        for n, group in enumerate(groups):
            group.id = tx.communities.add(f"group-{n}", f"Group {n}", "purpose", NOW)
            for org_id, role in group.members.items():
                tx.communities.set_member(group.id, org_id, role, NOW)
        for i, spec in enumerate(items):
            cid = groups[spec.community].id
            if spec.kind == "thread":
                spec.id = tx.communities.add_thread(cid, spec.owner, f"thread {i}",
                                                    spec.handling, NOW)
                tx.communities.add_post(spec.id, spec.owner, None, "someone", "hello", NOW)
                hid = tx.communities.thread(spec.id).handling_id  # type: ignore[union-attr]
            elif spec.kind == "document":
                spec.id = tx.communities.add_library(
                    cid, spec.owner, LibraryKind.DOCUMENT, f"doc {i}", "", spec.handling, NOW,
                    ("a.txt", "text/plain", b"secret", "00"))
                hid = tx.session.get(_library_row(), spec.id).handling_id
            else:
                spec.id = tx.communities.add_meeting(cid, spec.owner, f"meeting {i}", NOW,
                                                     "agenda", spec.handling)
                hid = tx.communities.meeting(spec.id).handling_id  # type: ignore[union-attr]
            if spec.grant_to is not None:
                spec.grants.append(tx.handlings.add_grant(
                    hid, spec.grant_to, spec.owner, "test", NOW, NOW + timedelta(days=3)))


def _library_row() -> type:
    from cyberfusion.store.tables_communities import CommunityLibraryRow
    return CommunityLibraryRow


def expected(viewer: Organisation, groups: list[CommunitySpec], spec: ItemSpec) -> bool:
    if viewer.id not in groups[spec.community].members:
        return False
    item = GovernedItem(0, spec.owner, spec.handling)
    return decide(viewer, item, NOW, spec.grants) is Access.FULL


def principal(ctx: Context, viewer: Organisation) -> tuple[Principal, str]:
    with ctx.db.write() as tx:
        user = tx.users.add(f"{viewer.id}.reader", viewer.id, frozenset({Role.ANALYST}),
                            "unused-hash", NOW)
        who = auth.principal_for(tx, user)
    return who, auth.start_session(ctx, user).cookie


@given(data=st.data())
@SETTINGS
def test_community_reads_show_exactly_members_items_decide_allows(
        fresh: Callable[[], Context], data: st.DataObject) -> None:
    ctx = fresh()
    orgs, groups, items = data.draw(community_worlds())
    store(ctx, orgs, groups, items)
    for viewer in orgs:
        who, cookie = principal(ctx, viewer)
        expect = {(s.kind, s.id) for s in items if expected(viewer, groups, s)}
        check_lists(ctx, who, groups, items, expect)
        check_one_by_one(ctx, who, items, expect)
        check_http(ctx, cookie, groups, items, expect, viewer)


def check_lists(ctx: Context, who: Principal, groups: list[CommunitySpec],
                items: list[ItemSpec], expect: set[tuple[str, int]]) -> None:
    mine = {m.community.id: m for m in communities.my_communities(ctx, who)}
    assert set(mine) == {g.id for g in groups if who.org_id in g.members}
    for n, group in enumerate(groups):
        own = {(s.kind, s.id) for s in items if s.community == n} & expect
        if group.id not in mine:
            with pytest.raises(NotFound):
                communities.get_community(ctx, who, group.id)
            continue
        counts = {"threads": sum(k == "thread" for k, _ in own),
                  "library": sum(k == "document" for k, _ in own),
                  "meetings": sum(k == "meeting" for k, _ in own)}
        assert mine[group.id].counts == counts
        view = communities.get_community(ctx, who, group.id)
        shown = ({("thread", t.id) for t in view.threads}
                 | {("document", i.id) for i in view.library}
                 | {("meeting", m.id) for m in view.meetings})
        assert shown == own


def check_one_by_one(ctx: Context, who: Principal, items: list[ItemSpec],
                     expect: set[tuple[str, int]]) -> None:
    reads = {"thread": lambda i: communities.get_thread(ctx, who, i),
             "document": lambda i: community_library.library_document(ctx, who, i),
             "meeting": lambda i: community_library.get_meeting(ctx, who, i)}
    for spec in items:
        if (spec.kind, spec.id) in expect:
            reads[spec.kind](spec.id)
        else:
            with pytest.raises(NotFound):
                reads[spec.kind](spec.id)
            if spec.kind == "thread":
                with pytest.raises(NotFound):
                    communities.post(ctx, who, spec.id, "let me in")


def check_http(ctx: Context, cookie: str, groups: list[CommunitySpec], items: list[ItemSpec],
               expect: set[tuple[str, int]], viewer: Organisation) -> None:
    client = client_of(ctx, cookie)
    listed = client.get("/api/v1/communities").json()["items"]
    assert {c["id"] for c in listed} == {g.id for g in groups if viewer.id in g.members}
    page = client.get("/communities")
    assert page.status_code == 200
    for group in groups:
        if viewer.id not in group.members:
            assert client.get(f"/api/v1/communities/{group.id}").status_code == 404
            assert client.get(f"/communities/{group.id}").status_code == 404
            assert f"Group {groups.index(group)}" not in page.text
            continue
        body = client.get(f"/api/v1/communities/{group.id}").json()
        assert {t["id"] for t in body["threads"]} == {i for k, i in expect if k == "thread"
                                                      and _in(items, k, i, groups, group)}
        html = client.get(f"/communities/{group.id}").text
        for spec in items:
            if groups[spec.community] is group:
                attr = {"thread": "thread", "document": "library", "meeting": "meeting"}[spec.kind]
                shown = f'data-{attr}="{spec.id}"' in html
                assert shown == ((spec.kind, spec.id) in expect)
    for spec in items:
        path = {"thread": f"/api/v1/communities/threads/{spec.id}",
                "document": f"/api/v1/communities/library/{spec.id}/document",
                "meeting": f"/api/v1/communities/meetings/{spec.id}"}[spec.kind]
        status = client.get(path).status_code
        assert status == (200 if (spec.kind, spec.id) in expect else 404)


def _in(items: list[ItemSpec], kind: str, item_id: int, groups: list[CommunitySpec],
        group: CommunitySpec) -> bool:
    return any(s.kind == kind and s.id == item_id and groups[s.community] is group
               for s in items)
