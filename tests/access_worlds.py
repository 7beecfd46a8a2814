"""Random worlds for the access property suite: organisations, cases, handling, grants."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from fastapi.testclient import TestClient
from hypothesis import strategies as st
from worlds import open_agreement

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.domain.imports import SourceObject
from cyberfusion.domain.model import (
    CaseDraft,
    CrimeType,
    DisclosureGrant,
    Occurrence,
    Organisation,
    OrgKind,
    Principal,
    Region,
    Role,
)
from cyberfusion.domain.observables import normalise
from cyberfusion.services import auth
from cyberfusion.services.context import Context
from cyberfusion.web.app import create_app
from cyberfusion.web.deps import SESSION_COOKIE

COUNTRIES = [("FR", Region.EUROPE), ("DE", Region.EUROPE), ("BR", Region.AMERICAS),
             ("KE", Region.AFRICA), ("JP", Region.ASIA), ("AE", Region.MENA)]
POOL = [normalise(t, v) for t, v in [
    ("ipv4", "185.220.101.4"), ("domain", "evil-payments.com"),
    ("btc_wallet", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"),
    ("iban", "DE89370400440532013000"), ("email", "boss@evil-payments.com"),
]]


@dataclass
class CaseSpec:
    """One random case: owner, handling, values, revoked or not."""

    owner: str
    handling: Handling
    values: list[int]
    revoked: bool
    title: str


@dataclass
class GrantSpec:
    """One random grant: which case, to whom, in which state."""

    case: int
    org: str
    state: str


@dataclass
class WorldSpec:
    """A random world; `ids` are filled in once it is stored."""

    orgs: list[Organisation]
    cases: list[CaseSpec]
    grants: list[GrantSpec]
    #: Partners get an open Gateway agreement when stored (the gateway suite turns it off).
    agreements: bool = True
    case_ids: list[int] = field(default_factory=list)
    handling_ids: list[int] = field(default_factory=list)
    stored_grants: dict[int, list[DisclosureGrant]] = field(default_factory=dict)

    def access(self, org: Organisation, index: int, now: datetime) -> Access:
        """`decide()` for `org` on case `index`."""
        spec = self.cases[index]
        governed = GovernedItem(self.handling_ids[index], spec.owner, spec.handling)
        return decide(org, governed, now, self.stored_grants.get(self.handling_ids[index], []))


@st.composite
def organisations(draw: st.DrawFn) -> list[Organisation]:
    """Hub, 2-4 countries (NCB, maybe a unit), 0-2 partners, maybe an agency."""
    orgs = [Organisation("hub", "Hub", OrgKind.HUB)]
    picked = draw(st.lists(st.sampled_from(COUNTRIES), min_size=2, max_size=4, unique=True))
    for cc, region in picked:
        ncb = f"{cc.lower()}-ncb"
        orgs.append(Organisation(ncb, f"NCB {cc}", OrgKind.NCB, cc, region))
        if draw(st.booleans()):
            orgs.append(Organisation(f"{cc.lower()}-cyber", f"{cc} unit", OrgKind.UNIT, cc,
                                     region, ncb))
    for i in range(draw(st.integers(0, 2))):
        orgs.append(Organisation(f"partner-{i}", f"Partner {i}", OrgKind.PARTNER))
    if draw(st.booleans()):
        orgs.append(Organisation("agency", "Regional agency", OrgKind.AGENCY, None,
                                 Region.AFRICA))
    return orgs


def _tokens(orgs: list[Organisation]) -> list[str]:
    tokens = ["members", "country:XX"] + [f"region:{r.value}" for r in Region]
    tokens += sorted({f"country:{o.country}" for o in orgs if o.country})
    return tokens + [f"org:{o.id}" for o in orgs]


@st.composite
def handlings(draw: st.DrawFn, orgs: list[Organisation], today: date) -> Handling:
    """A random handling record over the world's tokens."""
    tokens = _tokens(orgs)
    excl = [t for t in tokens if t.startswith(("country:", "org:"))]
    partners = [o.id for o in orgs if o.kind is OrgKind.PARTNER]
    personal = draw(st.booleans())
    return Handling(
        tlp=draw(st.sampled_from(list(TLP))),
        release=frozenset(draw(st.sets(st.sampled_from(tokens), max_size=3))),
        exclude=frozenset(draw(st.sets(st.sampled_from(excl), max_size=2))),
        partners=frozenset() if personal or not partners else frozenset(
            draw(st.sets(st.sampled_from(partners), max_size=2))),
        hit_policy=draw(st.sampled_from(list(HitPolicy))),
        purpose=Purpose.INVESTIGATION,
        review_by=today + timedelta(days=draw(st.sampled_from([-30, -1, 0, 1, 400]))),
        personal_data=personal,
    )


@st.composite
def worlds(draw: st.DrawFn, today: date) -> WorldSpec:
    """A whole random world."""
    orgs = draw(organisations())
    ids = [o.id for o in orgs]
    cases = []
    for i in range(draw(st.integers(1, 8))):
        cases.append(CaseSpec(
            owner=draw(st.sampled_from(ids)), handling=draw(handlings(orgs, today)),
            values=draw(st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=3,
                                 unique=True)),
            revoked=draw(st.integers(0, 9)) == 0, title=f"ttl{i:03d}zq"))
    grants = draw(st.lists(st.builds(
        GrantSpec, st.integers(0, len(cases) - 1), st.sampled_from(ids),
        st.sampled_from(["active", "expired", "revoked"])), max_size=3))
    return WorldSpec(orgs, cases, grants)


def store_world(ctx: Context, world: WorldSpec) -> None:
    """Write the world through the repositories; fill in ids and grants."""
    now = ctx.now()
    with ctx.db.write() as tx:
        for org in world.orgs:
            tx.orgs.add(org, now)
            if org.kind is OrgKind.PARTNER and world.agreements:
                tx.agreements.add(open_agreement(org.id, f"GW-{org.id}"), now)
        for spec in world.cases:
            occ = tuple(Occurrence(POOL[v].type.value, POOL[v].value, POOL[v].key, "role")
                        for v in spec.values)
            draft = CaseDraft(spec.title, CrimeType.OTHER, "summary", spec.handling,
                              occurrences=occ)
            case_id = tx.cases.add(spec.owner, draft, None, now)
            if spec.revoked:
                tx.cases.set_revoked(case_id, now)
            world.case_ids.append(case_id)
            case = tx.cases.get(case_id, with_occurrences=False)
            assert case is not None
            world.handling_ids.append(case.handling_id)
        for g in world.grants:
            hid = world.handling_ids[g.case]
            expires = now + (timedelta(days=3) if g.state != "expired" else timedelta(0))
            grant = tx.handlings.add_grant(hid, g.org, world.cases[g.case].owner, "test",
                                           now, expires)
            if g.state == "revoked":
                grant = tx.handlings.revoke_grant(grant.id, now) or grant
            world.stored_grants.setdefault(hid, []).append(grant)


def technique(index: int) -> dict[str, object]:
    """A kept STIX attack-pattern, one per random case."""
    return {"type": "attack-pattern", "spec_version": "2.1",
            "id": f"attack-pattern--{uuid.uuid5(uuid.NAMESPACE_URL, str(index))}",
            "created": "2026-01-01T00:00:00.000Z", "modified": "2026-01-01T00:00:00.000Z",
            "name": f"technique {index}"}


def keep_knowledge(ctx: Context, world: WorldSpec, now: datetime) -> None:
    """Store one object outside any case under each case's handling record."""
    with ctx.db.write() as tx:
        for index, spec in enumerate(world.cases):
            body = technique(index)
            obj = SourceObject(str(body["id"]), "attack-pattern", now, False, body)
            tx.source_objects.upsert_many(spec.owner, [(obj, world.handling_ids[index])], None,
                                           now)


def knowledge_world(ctx: Context, world: WorldSpec,
                    now: datetime) -> list[tuple[Organisation, Principal]]:
    """Store the world with one kept object per case; a user of each organisation acting."""
    store_world(ctx, world)
    keep_knowledge(ctx, world, now)
    found = []
    for org in world.orgs:
        with ctx.db.write() as tx:
            user = tx.users.add(f"{org.id}.acting", org.id, frozenset({Role.ANALYST}),
                                "unused-hash", now)
            found.append((org, auth.principal_for(tx, user)))
    return found


#: One started app per context: the examples of a suite share the context (`fresh` empties
#: it, and closes the app at the end). Building the app and its routes cost more than a whole
#: example of the access suite, and a client that is not started runs every request on a new
#: event loop in a new thread.
_CLIENTS: dict[int, tuple[Context, TestClient]] = {}


def client_of(ctx: Context, session_cookie: str) -> TestClient:
    """The in-process client of `ctx`'s app, holding only the given session cookie."""
    if id(ctx) not in _CLIENTS:
        _CLIENTS[id(ctx)] = (ctx, TestClient(create_app(ctx)).__enter__())
    client = _CLIENTS[id(ctx)][1]
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, session_cookie)
    return client


def close_client(ctx: Context) -> None:
    """Stop the app `client_of` started for `ctx`, if it did."""
    if id(ctx) in _CLIENTS:
        _CLIENTS.pop(id(ctx))[1].__exit__(None, None, None)
