"""History property suite: random worlds whose cases change handling and content several
times after others searched, read and clustered them. For every organisation, every view of
history or derived data shows an earlier version only where `decide()` gives FULL under that
version's handling and the current one, and never what today's handling hides.

Runs CYBERFUSION_HISTORY_EXAMPLES worlds per backend (default 200).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest
from access_worlds import POOL, client_of, handlings, organisations
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from worlds import open_agreement

from cyberfusion.domain.access import Access, GovernedItem, decide, decide_version
from cyberfusion.domain.handling import Handling
from cyberfusion.domain.model import (
    CaseDraft,
    CrimeType,
    Occurrence,
    Organisation,
    OrgKind,
    Principal,
    Role,
)
from cyberfusion.errors import NotFound
from cyberfusion.services import audit, auth, cases, hits, networks, search
from cyberfusion.services.context import Context

EXAMPLES = int(os.environ.get("CYBERFUSION_HISTORY_EXAMPLES", "200"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
#: When the checks run: two days on, so a review date drawn as tomorrow has passed.
LATER = NOW + timedelta(days=2, hours=1)


@dataclass
class History:
    """One case's versions, oldest first: (handling, title, values) each."""

    owner: str
    versions: list[tuple[Handling, str, list[int]]]
    case_id: int = 0

    @property
    def current(self) -> Handling:
        """The handling of the newest version."""
        return self.versions[-1][0]


@dataclass
class HistoryWorld:
    """Organisations, case histories, and who searched which value before the changes."""

    orgs: list[Organisation]
    histories: list[History]
    searches: dict[str, int]
    principals: dict[str, Principal] = field(default_factory=dict)

    def level(self, org: Organisation, h: History) -> Access:
        """`decide()` on the case as it is now."""
        return decide(org, GovernedItem(0, h.owner, h.current), LATER)

    def readable_versions(self, org: Organisation, h: History) -> list[int]:
        """Numbers of the earlier versions `org` may read (by the domain rule alone)."""
        now = GovernedItem(0, h.owner, h.current)
        return [n for n, (handling, _, _) in enumerate(h.versions[:-1], start=1)
                if decide_version(org, now, handling, LATER) is Access.FULL]


@st.composite
def history_worlds(draw: st.DrawFn) -> HistoryWorld:
    """A world of 1-3 cases, each changed 1-3 times, and one early search per organisation."""
    orgs = draw(organisations())
    today = NOW.date()
    found = []
    for i in range(draw(st.integers(1, 3))):
        versions = []
        for k in range(draw(st.integers(2, 4))):
            handling = draw(handlings(orgs, today))
            review = today + timedelta(days=draw(st.sampled_from([1, 2, 400])))
            values = draw(st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=3,
                                   unique=True))
            versions.append((replace(handling, review_by=review), f"c{i}v{k}zq", values))
        found.append(History(draw(st.sampled_from([o.id for o in orgs])), versions))
    searches = {o.id: draw(st.integers(0, len(POOL) - 1)) for o in orgs}
    return HistoryWorld(orgs, found, searches)


def _draft(handling: Handling, title: str, values: list[int]) -> CaseDraft:
    occ = tuple(Occurrence(POOL[v].type.value, POOL[v].value, POOL[v].key, "role")
                for v in values)
    return CaseDraft(title, CrimeType.RANSOMWARE, "summary", handling, occurrences=occ)


def play(ctx: Context, world: HistoryWorld) -> None:
    """Create, let everyone read and search, cluster, then change every case through the
    services; leave the clock at LATER."""
    with ctx.db.write() as tx:
        for org in world.orgs:
            tx.orgs.add(org, NOW)
            if org.kind is OrgKind.PARTNER:  # partners read under an open agreement
                tx.agreements.add(open_agreement(org.id, f"GW-{org.id}"), NOW)
            user = tx.users.add(f"{org.id}.analyst", org.id,
                                frozenset({Role.ANALYST, Role.AUDITOR}), "unused", NOW)
            world.principals[org.id] = auth.principal_for(tx, user)
    for h in world.histories:
        h.case_id = cases.create_case(ctx, world.principals[h.owner], _draft(*h.versions[0])).id
    for org in world.orgs:
        for h in world.histories:
            with contextlib.suppress(NotFound):
                cases.get_case(ctx, world.principals[org.id], h.case_id)
        obs = POOL[world.searches[org.id]]
        search.search_value(ctx, world.principals[org.id], obs.value, obs.type.value)
    networks.recompute(ctx, full=True)
    for h in world.histories:
        for k, version in enumerate(h.versions[1:], start=1):
            cases.update_case(ctx, world.principals[h.owner], h.case_id, _draft(*version), k)
    ctx.clock = lambda: LATER


@given(data=st.data())
@SETTINGS
def test_every_history_path_follows_both_handlings(fresh: Callable[[], Context],
                                                   data: st.DataObject) -> None:
    ctx = fresh()
    world = data.draw(history_worlds())
    play(ctx, world)
    for org in world.orgs:
        principal = world.principals[org.id]
        check_versions(ctx, world, org, principal)
        check_audit(ctx, world, org, principal)
        check_hits(ctx, world, org, principal)
        check_networks(ctx, world, org, principal)
    check_versions_over_http(ctx, world, data.draw(st.sampled_from(world.orgs)))


def check_versions(ctx: Context, world: HistoryWorld, org: Organisation,
                   principal: Principal) -> None:
    """The service shows exactly the versions the domain rule admits, and counts the rest."""
    for h in world.histories:
        if world.level(org, h) is not Access.FULL:
            with pytest.raises(NotFound):
                cases.case_history(ctx, principal, h.case_id)
            continue
        history = cases.case_history(ctx, principal, h.case_id)
        wanted = world.readable_versions(org, h)
        assert [v.version for v in history.versions] == wanted, (org.id, h)
        assert [v.record["title"] for v in history.versions] == \
            [h.versions[n - 1][1] for n in wanted]
        assert history.hidden == len(h.versions) - 1 - len(wanted)


def check_versions_over_http(ctx: Context, world: HistoryWorld, org: Organisation) -> None:
    """The API answers what the service does, and names no hidden version."""
    token = auth.issue_token(ctx, world.principals[org.id], "t", frozenset({"read"})).secret
    user = world.principals[org.id].user
    assert user is not None
    client = client_of(ctx, auth.start_session(ctx, user).cookie)
    for h in world.histories:
        got = client.get(f"/api/v1/cases/{h.case_id}/versions",
                         headers={"Authorization": f"Bearer {token}"})
        if world.level(org, h) is not Access.FULL:
            assert got.status_code == 404
            continue
        wanted = world.readable_versions(org, h)
        assert [v["version"] for v in got.json()["items"]] == wanted
        hidden = [t for n, (_, t, _) in enumerate(h.versions[:-1], start=1) if n not in wanted]
        assert not [t for t in hidden if t in got.text]
        html = client.get(f"/cases/{h.case_id}").text
        assert f'data-case-id="{h.case_id}"' in html
        assert not [t for t in hidden if t in html]
        assert all(h.versions[n - 1][1] in html for n in wanted)


def check_audit(ctx: Context, world: HistoryWorld, org: Organisation,
                principal: Principal) -> None:
    """Events on other organisations' cases name them only while they are readable now."""
    by_id = {h.case_id: h for h in world.histories}
    for event in audit.org_trail(ctx, principal, limit=1000):
        if event.owner_org_id in (None, org.id):
            continue
        if event.item_type == "case" and event.item_id:
            assert world.level(org, by_id[int(event.item_id)]) is Access.FULL, event
        if event.item_type == "hit":
            assert any(h.owner == event.owner_org_id and world.level(org, h) is not Access.NONE
                       for h in world.histories), event


def check_hits(ctx: Context, world: HistoryWorld, org: Organisation,
               principal: Principal) -> None:
    """A searcher's hits follow today's handling; titles and values are today's."""
    by_id = {h.case_id: h for h in world.histories}
    for view in hits.outgoing(ctx, principal, limit=500):
        if view.owner_org_id == org.id:
            continue
        if view.case_id is not None:
            h = by_id[view.case_id]
            assert world.level(org, h) is Access.FULL and view.case_title == h.versions[-1][1]
        if view.answer == Access.FULL.value:
            assert view.case_id is not None, view
        assert any(h.owner == view.owner_org_id and world.level(org, h) is not Access.NONE
                   for h in world.histories), view
    for item in hits.inbox(ctx, principal, limit=500):
        view = item.hit
        if view is None or not view.value or view.owner_org_id == org.id:
            continue
        h = by_id[view.case_id] if view.case_id is not None else None
        assert h is not None and world.level(org, h) is Access.FULL, view
        assert any(POOL[v].value == view.value for v in h.versions[-1][2]), view


def check_networks(ctx: Context, world: HistoryWorld, org: Organisation,
                   principal: Principal) -> None:
    """Networks clustered before the changes show only cases readable now, as they are now."""
    by_id = {h.case_id: h for h in world.histories}
    summaries, _ = networks.list_networks(ctx, principal)
    for summary in summaries:
        detail = networks.network_detail(ctx, principal, summary.ref)
        for facts in detail.cases:
            h = by_id[facts.id]
            assert world.level(org, h) is Access.FULL
            assert facts.title == h.versions[-1][1]
        assert set(summary.owners) <= {h.owner for h in world.histories
                                       if world.level(org, h) is Access.HIT}
