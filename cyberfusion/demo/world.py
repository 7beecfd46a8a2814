"""The deterministic demo world: `generate_world(seed)` gives the same world every time.

Pure: no I/O, no clock, no global random state; everything is drawn from one
`random.Random(seed)`. `services.seed` loads a world into the store.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from cyberfusion.demo import geography as geo
from cyberfusion.demo.background import CaseMaker
from cyberfusion.demo.networks import PLANTED_CASES, plant_networks
from cyberfusion.demo.policies import OrgIndex
from cyberfusion.demo.records import DemoCase, DemoUser
from cyberfusion.demo.values import Values
from cyberfusion.domain.model import Organisation, OrgKind, Region, Role

__all__ = ["DEMO_PASSWORD", "DEMO_TODAY", "DemoCase", "DemoUser", "World", "generate_world"]

#: Every demo user's password (the seeding service hashes it once).
DEMO_PASSWORD = "demo-password-2026"
#: The default "today" of a world; pass the real date to keep review dates in the future.
DEMO_TODAY = date(2026, 6, 1)
#: Background cases per 1,000 that are already past their review date (at least one).
PAST_REVIEW_PER_MILLE = 1.5

_A, _N, _D, _AU = Role.ADMIN, Role.ANALYST, Role.DUTY_OFFICER, Role.AUDITOR
_STAFF = (("analyst", frozenset({_N})), ("duty", frozenset({_D})), ("admin", frozenset({_A})))
_HUB_NAMES = ("Mei Chen", "Samuel Okoye", "Lena Fischer", "Arjun Mehta")
_OTHER_NAMES = ("Jordan Blake", "Riley Moreno", "Casey Lindqvist", "Amara Nwosu", "Tomás Reyes")


@dataclass(frozen=True, slots=True)
class World:
    """Organisations, users, cases, the membership of the planted networks, and its `today`."""

    orgs: list[Organisation]
    users: list[DemoUser]
    cases: list[DemoCase]
    truth: dict[str, list[int]]
    today: date = DEMO_TODAY


def build_orgs() -> list[Organisation]:
    """Hub, each country's NCB and cybercrime unit, the partners and one regional agency."""
    orgs = [Organisation(geo.HUB_ID, geo.HUB_NAME, OrgKind.HUB, timezone=geo.HUB_TIMEZONE)]
    for c in geo.COUNTRIES:
        ncb = geo.ncb_id(c.code)
        orgs.append(Organisation(ncb, f"NCB {c.ncb_city}", OrgKind.NCB, c.code, c.region,
                                 None, c.timezone))
        orgs.append(Organisation(geo.unit_id(c.code), f"{c.name} {c.unit_name}", OrgKind.UNIT,
                                 c.code, c.region, ncb, c.timezone))
    orgs += [Organisation(p.id, p.name, OrgKind.PARTNER, timezone=p.timezone)
             for p in geo.PARTNERS]
    orgs.append(Organisation(geo.AGENCY_ID, geo.AGENCY_NAME, OrgKind.AGENCY,
                             region=Region.AFRICA,
                             timezone=geo.AGENCY_TIMEZONE))
    return orgs


def build_users(rng: random.Random) -> list[DemoUser]:
    """Analyst, duty officer and admin in every organisation; the hub also has an auditor."""
    hub = [("analyst", frozenset({_N})), ("admin", frozenset({_A})), ("duty", frozenset({_D})),
           ("auditor", frozenset({_AU}))]
    users = [DemoUser(f"hub.{job}", geo.HUB_ID, roles, f"{name} (hub {job})")
             for (job, roles), name in zip(hub, _HUB_NAMES, strict=True)]
    for c in geo.COUNTRIES:
        cc = c.code.lower()
        names = [f"{f} {last}" for f in c.first_names for last in c.last_names]
        picked = rng.sample(names, 5)
        users += [DemoUser(f"{cc}.{job}", geo.unit_id(c.code), roles, picked[i])
                  for i, (job, roles) in enumerate(_STAFF)]
        users.append(DemoUser(f"{cc}.ncb", geo.ncb_id(c.code), frozenset({_A, _N}), picked[3]))
        users.append(DemoUser(f"{cc}.ncb.duty", geo.ncb_id(c.code), frozenset({_D}), picked[4]))
    others = [(p.id, p.name) for p in geo.PARTNERS] + [(geo.AGENCY_ID, geo.AGENCY_NAME)]
    for (org_id, org_name), person in zip(others, rng.sample(_OTHER_NAMES, len(others)),
                                          strict=True):
        titles = {"analyst": person, "duty": f"{org_name} duty desk",
                  "admin": f"{org_name} administrator"}
        users += [DemoUser(f"{org_id}.{job}", org_id, roles, titles[job]) for job, roles in _STAFF]
    return users


def _owner_weights(rng: random.Random, orgs: list[Organisation]) -> list[float]:
    """How often each organisation files background cases: mostly units, some partners."""
    share = {OrgKind.UNIT: 85.0, OrgKind.PARTNER: 7.0, OrgKind.NCB: 3.0, OrgKind.HUB: 3.0,
             OrgKind.AGENCY: 2.0}
    counts = {kind: sum(1 for o in orgs if o.kind is kind) for kind in share}
    return [share[o.kind] / counts[o.kind] * rng.uniform(0.4, 1.8) for o in orgs]


def generate_world(seed: int = 2026, cases: int = 5000, today: date = DEMO_TODAY) -> World:
    """The demo world for `seed`: same seed, same world (cases include the planted ones)."""
    if cases < PLANTED_CASES + 10:
        raise ValueError(f"a demo world needs at least {PLANTED_CASES + 10} cases")
    rng = random.Random(seed)
    orgs = build_orgs()
    users = build_users(rng)
    maker = CaseMaker(Values(rng), OrgIndex.of(orgs), today)
    planted = plant_networks(maker)
    weights = _owner_weights(rng, orgs)
    count = cases - PLANTED_CASES
    stale = set(rng.sample(range(count), max(1, round(count * PAST_REVIEW_PER_MILLE / 1000))))
    tagged: list[tuple[DemoCase, str]] = [
        (maker.background(rng.choices(orgs, weights)[0], i in stale), "") for i in range(count)
    ]
    tagged += [(case, name) for name, members in planted.items() for case in members]
    order = sorted(range(len(tagged)), key=lambda i: (-tagged[i][0].created_offset_days, i))
    truth: dict[str, list[int]] = {name: [] for name in planted}
    for position, i in enumerate(order):
        if tagged[i][1]:
            truth[tagged[i][1]].append(position)
    return World(orgs, users, [tagged[i][0] for i in order], truth, today)
