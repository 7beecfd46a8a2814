"""Building blocks of the end-to-end walks on the demo world (issue 15): the seeded demo,
a reporter outside the planted ransomware network's countries, a ransomware incident that
carries the network's wallets and C2 servers, and the escalation of its urgent request."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta

from cyberfusion.demo.networks import RANSOMWARE
from cyberfusion.demo.world import World
from cyberfusion.domain.handling import TLP, Handling
from cyberfusion.domain.incidents import IncidentDraft, IncidentObservable
from cyberfusion.domain.model import CrimeType, OrgKind, Principal
from cyberfusion.services import auth, escalation, incidents, ransomware
from cyberfusion.services.context import Context
from cyberfusion.services.incidents import IncidentView


@dataclass
class Demo:
    """The seeded demo: context, generated world, and network name -> database case ids."""

    ctx: Context
    world: World
    truth: dict[str, list[int]]


def reporter(ctx: Context, world: World) -> Principal:
    """An analyst of a unit whose country holds none of the planted ransomware cases."""
    held = {world.cases[i].owner_org_id for i in world.truth[RANSOMWARE]}
    countries = {o.country for o in world.orgs if o.id in held}
    unit = next(o for o in world.orgs if o.kind is OrgKind.UNIT and o.country not in countries)
    return analyst_of(ctx, world, unit.id)


def analyst_of(ctx: Context, world: World, org_id: str) -> Principal:
    """A demo analyst of one organisation (an NCB's admin is its analyst too)."""
    name = next(u.username for u in world.users
                if u.org_id == org_id and any(r.value == "analyst" for r in u.roles))
    return auth.acting_as(ctx, name)


def report_on_network(demo: Demo, me: Principal) -> tuple[IncidentView, float]:
    """A ransomware incident in the reporter's country naming the planted network's ransom
    wallets and C2 servers; the view and the seconds from creation to urgent request."""
    ctx, world = demo.ctx, demo.world
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
    return view, time.perf_counter() - start


def escalate_unanswered(demo: Demo, me: Principal, thread_id: int) -> list[object]:
    """Three hours on with nobody acknowledging: the sweep escalates; the steps recorded."""
    ctx = demo.ctx
    later = ctx.now() + timedelta(hours=3)
    ctx.clock = lambda: later
    assert escalation.sweep(ctx).escalated >= 1
    with ctx.db.read() as tx:
        return list(tx.channel.escalations(thread_id, me.org_id))
