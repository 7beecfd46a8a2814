"""End to end on the demo world (the incident half of issue 15's walk): a ransomware incident
in one country carrying the planted network's wallets and C2 servers gets hits on the
network's cases in several countries, its urgent assistance request reaches the hub and those
countries' NCBs in under a second, and it escalates when nobody acknowledges it.

The operation half is walked in test_operation_e2e.py from the same building blocks
(tests/e2e_support.py)."""

from __future__ import annotations

from e2e_support import Demo, escalate_unanswered, report_on_network, reporter

from cyberfusion.demo.networks import RANSOMWARE
from cyberfusion.domain.model import OrgKind
from cyberfusion.services import channel


def test_incident_hits_the_planted_network_and_the_request_escalates(demo: Demo) -> None:
    ctx, world = demo.ctx, demo.world
    me = reporter(ctx, world)
    view, elapsed = report_on_network(demo, me)
    assert elapsed < 1.0, f"creation to urgent request took {elapsed:.2f} s"
    owners = {a.owner_org_id for a in view.answers}
    network_owners = {world.cases[i].owner_org_id for i in world.truth[RANSOMWARE]}
    assert owners and owners <= network_owners
    by_id = {o.id: o for o in world.orgs}
    countries = {by_id[o].country for o in owners}
    assert len(countries) >= 2
    thread = channel.get_thread(ctx, me, view.incident.thread_id or 0).thread
    ncbs = {o.id for o in world.orgs if o.kind is OrgKind.NCB and o.country in countries}
    assert ncbs <= set(thread.addressees) and any(by_id[a].kind is OrgKind.HUB
                                                  for a in thread.addressees)
    assert escalate_unanswered(demo, me, thread.id)
