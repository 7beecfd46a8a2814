"""End to end on the demo world (the incident half of issue 15's walk): a ransomware incident
in one country carrying the planted network's wallets and C2 servers gets hits on the
network's cases in several countries, its urgent assistance request reaches the hub and those
countries' NCBs in under a second, and it escalates when nobody acknowledges it.

The operation half (an operation from the network, target packages, tasks, results, the
after-action report) belongs to the operations work and is not walked here."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from cyberfusion.config import Settings
from cyberfusion.demo import generate_world
from cyberfusion.demo.networks import PLANTED_CASES, RANSOMWARE
from cyberfusion.demo.world import World
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.incidents import IncidentDraft, IncidentObservable
from cyberfusion.domain.model import CrimeType, OrgKind, Principal
from cyberfusion.services import auth, channel, escalation, incidents, ransomware
from cyberfusion.services.context import Context, build_context
from cyberfusion.services.seed import seed_demo
from cyberfusion.store import schema


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[Context, World]]:
    ctx = build_context(Settings(data_dir=tmp_path, warninglists=False, import_workers=0,
                                 sweep_interval_seconds=0), fast_hashing=True)
    schema.upgrade(ctx.db)
    world = generate_world(cases=PLANTED_CASES + 20, today=ctx.now().date())
    seed_demo(ctx, world)
    yield ctx, world
    ctx.db.dispose()


def reporter(ctx: Context, world: World) -> Principal:
    """An analyst of a unit whose country holds none of the planted ransomware cases."""
    held = {world.cases[i].owner_org_id for i in world.truth[RANSOMWARE]}
    countries = {o.country for o in world.orgs if o.id in held}
    unit = next(o for o in world.orgs if o.kind is OrgKind.UNIT and o.country not in countries)
    name = next(u.username for u in world.users
                if u.org_id == unit.id and u.username.endswith(".analyst"))
    return auth.acting_as(ctx, name)


def test_incident_hits_the_planted_network_and_the_request_escalates(
        demo: tuple[Context, World]) -> None:
    ctx, world = demo
    me = reporter(ctx, world)
    shared = {(o.type, o.value, o.key, o.role) for i in world.truth[RANSOMWARE]
              for o in world.cases[i].draft.occurrences
              if o.role in ("ransom wallet", "C2 server")}
    draft = IncidentDraft(
        "Ransomware at a university hospital", CrimeType.RANSOMWARE, me.org.country or "",
        Handling(TLP.AMBER, frozenset({"members"}), ctx.now().date() + timedelta(days=400)),
        victim_sector="health", observables=tuple(IncidentObservable(*o)
                                                  for o in sorted(shared)))
    ransomware.galaxy_index()  # built once per process, at the first identification
    start = time.perf_counter()
    view = incidents.report(ctx, me, draft)
    elapsed = time.perf_counter() - start
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
    later = ctx.now() + timedelta(hours=3)
    ctx.clock = lambda: later
    assert escalation.sweep(ctx).escalated >= 1
    with ctx.db.read() as tx:
        steps = tx.channel.escalations(thread.id, me.org_id)
    assert steps
