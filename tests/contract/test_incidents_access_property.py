"""Incident access property suite: on random worlds of incidents (with grants), every
incident read path (list, filters, one incident, ticking, the wallet board, the
post-incident report) shows exactly what `decide()` gives in full, for every
organisation; hits stay with the reporter.

Runs CYBERFUSION_INCIDENT_EXAMPLES worlds (default 30); raise it for a longer run.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from access_worlds import WorldSpec, handlings, store_world, worlds
from conftest import NOW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.handling import Handling, strictest_tlp
from cyberfusion.domain.incidents import AnswerRef, IncidentDraft, IncidentFilter
from cyberfusion.domain.model import CrimeType, DisclosureGrant, Organisation, Principal, Role
from cyberfusion.errors import NotFound, PermissionDenied
from cyberfusion.services import auth, incidents, post_incident
from cyberfusion.services.context import Context

EXAMPLES = int(os.environ.get("CYBERFUSION_INCIDENT_EXAMPLES", "30"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=False,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])
WALLETS = ["", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"]
FAMILIES = ["", "LockBit", "Conti"]


@dataclass
class IncidentSpec:
    owner: str
    handling: Handling
    wallet: str
    family: str
    kind: CrimeType
    grant_to: str | None
    id: int = 0
    grants: list[DisclosureGrant] = field(default_factory=list)


@st.composite
def incident_worlds(draw: st.DrawFn) -> tuple[WorldSpec, list[IncidentSpec]]:
    world = draw(worlds(NOW.date()))
    ids = [o.id for o in world.orgs]
    found = [IncidentSpec(draw(st.sampled_from(ids)), draw(handlings(world.orgs, NOW.date())),
                          draw(st.sampled_from(WALLETS)), draw(st.sampled_from(FAMILIES)),
                          draw(st.sampled_from([CrimeType.RANSOMWARE, CrimeType.DDOS])),
                          draw(st.none() | st.sampled_from(ids)))
             for _ in range(draw(st.integers(1, 6)))]
    return world, found


def store(ctx: Context, world: WorldSpec, specs: list[IncidentSpec]) -> None:
    store_world(ctx, world)
    with ctx.db.write() as tx:
        for i, spec in enumerate(specs):
            draft = IncidentDraft(f"incident {i}", spec.kind, "FR", spec.handling,
                                  wallet=spec.wallet)
            spec.id = tx.incidents.add(spec.owner, draft, spec.family, ["isolate", "preserve"],
                                       None, NOW)
            tx.incidents.set_response(spec.id, [AnswerRef(spec.wallet or "x", "btc_wallet",
                                                           None, "hub", "ref")], None)
            if spec.grant_to is not None:
                hid = tx.incidents.get(spec.id).handling_id  # type: ignore[union-attr]
                spec.grants.append(tx.handlings.add_grant(
                    hid, spec.grant_to, spec.owner, "test", NOW, NOW + timedelta(days=3)))


def readable(viewer: Organisation, spec: IncidentSpec) -> bool:
    return decide(viewer, GovernedItem(0, spec.owner, spec.handling), NOW,
                  spec.grants) is Access.FULL


def principal(ctx: Context, viewer: Organisation) -> Principal:
    with ctx.db.write() as tx:
        user = tx.users.add(f"{viewer.id}.reader", viewer.id, frozenset({Role.ANALYST}),
                            "unused-hash", NOW)
        return auth.principal_for(tx, user)


@given(data=st.data())
@SETTINGS
def test_incident_reads_show_exactly_what_decide_allows(fresh: Callable[[], Context],
                                                        data: st.DataObject) -> None:
    ctx = fresh()
    world, specs = data.draw(incident_worlds())
    store(ctx, world, specs)
    for viewer in world.orgs:
        who = principal(ctx, viewer)
        expect = {s.id for s in specs if readable(viewer, s)}
        page = incidents.list_incidents(ctx, who, IncidentFilter(), 0, 200)
        assert page.total == len(expect) and {i.id for i in page.items} == expect
        for wallet in WALLETS[1:]:
            got = incidents.list_incidents(ctx, who, IncidentFilter(wallet=wallet), 0, 200)
            assert {i.id for i in got.items} == {s.id for s in specs
                                                 if s.id in expect and s.wallet == wallet}
        got = incidents.list_incidents(ctx, who, IncidentFilter(family="lockbit"), 0, 200)
        assert {i.id for i in got.items} == {s.id for s in specs
                                             if s.id in expect and s.family == "LockBit"}
        for spec in specs:
            check_one(ctx, who, spec, spec.id in expect)
        check_wallets(ctx, who, [s for s in specs if s.id in expect])


def check_wallets(ctx: Context, who: Principal, readable_specs: list[IncidentSpec]) -> None:
    board = incidents.wallet_board(ctx, who)
    assert {(w.wallet, w.incident_ids) for w in board.wallets} == {
        (w, tuple(sorted(s.id for s in readable_specs if s.wallet == w)))
        for w in {s.wallet for s in readable_specs if s.wallet}}
    assert {(f.family, f.incident_ids) for f in board.families} == {
        (f, tuple(sorted(s.id for s in readable_specs if s.family == f)))
        for f in {s.family for s in readable_specs if s.family}}
    named = [s.handling.tlp for s in readable_specs if s.wallet or s.family]
    assert board.tlp == strictest_tlp(named)


def check_one(ctx: Context, who: Principal, spec: IncidentSpec, full: bool) -> None:
    if not full:
        with pytest.raises(NotFound):
            incidents.get_incident(ctx, who, spec.id)
        with pytest.raises(NotFound):
            incidents.tick_step(ctx, who, spec.id, 1)
        with pytest.raises(NotFound):
            post_incident.build(ctx, who, spec.id)
        return
    view = incidents.get_incident(ctx, who, spec.id)
    owner = spec.owner == who.org_id
    assert view.is_owner is owner and bool(view.answers) is owner
    report = post_incident.build(ctx, who, spec.id)
    assert report["is_owner"] is owner and bool(report["hits"]) is owner
    if not owner:
        with pytest.raises(PermissionDenied):
            incidents.tick_step(ctx, who, spec.id, 1)
