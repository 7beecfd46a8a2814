"""The demo world generator: deterministic, realistic, valid, with known planted networks."""

from __future__ import annotations

import ipaddress
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import date, timedelta

import pytest

from cyberfusion.demo import DEMO_PASSWORD, World, generate_world
from cyberfusion.demo.networks import BEC, PHISHING, RANSOMWARE, RANSOMWARE_FAMILY
from cyberfusion.domain.handling import TLP, Handling, HitPolicy, validate_handling
from cyberfusion.domain.model import Occurrence, OrgKind, Region, Role
from cyberfusion.domain.observables import ObservableType, normalise

TODAY = date(2026, 6, 1)
STRONG = frozenset({"btc_wallet", "eth_wallet", "xmr_wallet", "iban", "md5", "sha1", "sha256",
                    "sha512", "email", "phone"})


@pytest.fixture(scope="module")
def world() -> World:
    """The full-size default world."""
    return generate_world(today=TODAY)


def share(world: World, predicate: Callable[[Handling], bool]) -> float:
    """Fraction of cases whose handling satisfies `predicate`."""
    return sum(1 for c in world.cases if predicate(c.draft.handling)) / len(world.cases)


def test_same_seed_gives_the_same_world() -> None:
    first = generate_world(seed=7, cases=300, today=TODAY)
    assert first == generate_world(seed=7, cases=300, today=TODAY)
    assert first != generate_world(seed=8, cases=300, today=TODAY)


def test_too_small_a_world_is_refused() -> None:
    with pytest.raises(ValueError):
        generate_world(cases=20)


def test_organisations(world: World) -> None:
    kinds = Counter(o.kind for o in world.orgs)
    assert kinds[OrgKind.HUB] == 1
    assert 18 <= kinds[OrgKind.NCB] == kinds[OrgKind.UNIT] <= 22
    assert kinds[OrgKind.PARTNER] == 3
    assert len({o.id for o in world.orgs}) == len(world.orgs)
    assert {o.region for o in world.orgs if o.kind is OrgKind.UNIT} == set(Region)
    by_id = {o.id: o for o in world.orgs}
    for org in world.orgs:
        if org.kind is OrgKind.UNIT:
            parent = by_id[org.parent_id or ""]
            assert parent.kind is OrgKind.NCB and parent.country == org.country
            assert org.id == f"{(org.country or '').lower()}-cyber"
        if org.kind is OrgKind.NCB:
            assert org.parent_id is None and org.name.startswith("NCB ")
        if org.kind in (OrgKind.HUB, OrgKind.PARTNER):
            assert org.country is None
    assert by_id["fr-ncb"].timezone == "Europe/Paris"


def test_time_zones_are_iana_names(world: World) -> None:
    if not zoneinfo.available_timezones():
        pytest.skip("no time zone database on this machine")
    for org in world.orgs:
        zoneinfo.ZoneInfo(org.timezone)


def test_every_org_has_an_admin_an_analyst_and_a_duty_officer(world: World) -> None:
    roles: dict[str, set[Role]] = defaultdict(set)
    for user in world.users:
        roles[user.org_id] |= user.roles
    for org in world.orgs:
        assert {Role.ADMIN, Role.ANALYST, Role.DUTY_OFFICER} <= roles[org.id], org.id
    assert Role.AUDITOR in roles["hub"]


def test_usernames_follow_the_scheme(world: World) -> None:
    names = {u.username: u for u in world.users}
    assert len(names) == len(world.users)
    for cc in ("fr", "ng", "jp", "us", "ae"):
        assert names[f"{cc}.analyst"].org_id == f"{cc}-cyber"
        assert names[f"{cc}.duty"].roles == frozenset({Role.DUTY_OFFICER})
        assert names[f"{cc}.admin"].roles == frozenset({Role.ADMIN})
        assert names[f"{cc}.ncb"].roles == frozenset({Role.ADMIN, Role.ANALYST})
    for name in ("hub.analyst", "hub.admin", "hub.duty", "hub.auditor", "sentinelridge.analyst"):
        assert name in names
    assert all(u.display_name for u in world.users)
    assert len(DEMO_PASSWORD) >= 10


def test_case_counts_and_content(world: World) -> None:
    assert len(world.cases) == 5000
    org_ids = {o.id for o in world.orgs}
    oldest = TODAY - timedelta(days=3 * 365)
    for case in world.cases:
        draft = case.draft
        assert case.owner_org_id in org_ids
        assert 2 <= len(draft.occurrences) <= 12
        assert draft.title and 1 <= draft.summary.count(". ") + 1 <= 3
        assert draft.first_seen and draft.last_seen and draft.countries
        filed = TODAY - timedelta(days=case.created_offset_days)
        assert oldest <= draft.first_seen <= draft.last_seen <= filed
        assert draft.victim_count >= 0 and draft.victim_sectors
    assert len({c.draft.crime_type for c in world.cases}) >= 10


def test_every_observable_normalises_to_itself(world: World) -> None:
    seen_types = set()
    for case in world.cases:
        assert len({o.key for o in case.draft.occurrences}) == len(case.draft.occurrences)
        for occ in case.draft.occurrences:
            obs = normalise(occ.type, occ.value)
            assert (obs.value, obs.key) == (occ.value, occ.key)
            assert occ.role
            seen_types.add(occ.type)
    assert seen_types == {t.value for t in ObservableType}


def _values(world: World, obs_type: str) -> list[str]:
    return [o.value for c in world.cases for o in c.draft.occurrences if o.type == obs_type]


def test_values_look_real(world: World) -> None:
    for value in _values(world, "ipv4") + _values(world, "ipv6"):
        assert ipaddress.ip_address(value).is_global, value
    for value in _values(world, "cidr"):
        assert ipaddress.ip_network(value).is_global, value
    btc = _values(world, "btc_wallet")
    assert {v[:1] for v in btc} >= {"1", "3"} and {v[:4] for v in btc} >= {"bc1q", "bc1p"}
    eth = _values(world, "eth_wallet")
    assert sum(v != v.lower() for v in eth) >= 0.95 * len(eth)  # EIP-55 mixed case
    assert len({v[:2] for v in _values(world, "iban")}) >= 5
    assert len({v[:3] for v in _values(world, "phone")}) >= 10


def test_background_values_are_mostly_unique(world: World) -> None:
    planted = {i for members in world.truth.values() for i in members}
    cases_of: dict[str, set[int]] = defaultdict(set)
    for i, case in enumerate(world.cases):
        if i not in planted:
            for occ in case.draft.occurrences:
                if occ.type in STRONG:
                    cases_of[occ.key].add(i)
    shared = sum(1 for cases in cases_of.values() if len(cases) > 1)
    assert shared <= len(cases_of) // 200


def test_handling_is_valid_and_names_real_organisations(world: World) -> None:
    kinds = {o.id: o.kind for o in world.orgs}
    for case in world.cases:
        handling = validate_handling(case.draft.handling)
        for token in handling.release | handling.exclude:
            if token.startswith("org:"):
                assert token.removeprefix("org:") in kinds
        assert all(kinds[p] is OrgKind.PARTNER for p in handling.partners)
        if handling.partners:
            assert not handling.personal_data


def test_handling_mix(world: World) -> None:
    assert 0.05 <= share(world, lambda h: h.tlp is TLP.RED) <= 0.11
    assert 0.05 <= share(world, lambda h: bool(h.exclude)) <= 0.12
    assert 0.10 <= share(world, lambda h: h.hit_policy is HitPolicy.HIT) <= 0.22
    assert 0.02 <= share(world, lambda h: h.hit_policy is HitPolicy.SILENT) <= 0.12
    assert 0.03 <= share(world, lambda h: bool(h.partners)) <= 0.08
    assert 0.05 <= share(world, lambda h: h.personal_data) <= 0.4
    assert 0.5 <= share(world, lambda h: "members" in h.release) <= 0.8
    past = share(world, lambda h: h.review_by < TODAY) * len(world.cases)
    assert 1 <= past <= 20
    red = [c.draft.handling for c in world.cases if c.draft.handling.tlp is TLP.RED]
    assert all(h.release and all(t.startswith("org:") for t in h.release) for h in red)
    graded = {c.draft.handling.grading for c in world.cases}
    assert {"A1", "B2", "C3", "F6"} <= graded


def _owner_countries(world: World, members: list[int]) -> set[str]:
    country = {o.id: o.country for o in world.orgs}
    return {country[world.cases[i].owner_org_id] or "" for i in members}


def _shared_strong(world: World, members: list[int]) -> dict[int, set[str]]:
    """Per member, the strong keys it shares with at least one other member."""
    holders: dict[str, set[int]] = defaultdict(set)
    for i in members:
        for occ in world.cases[i].draft.occurrences:
            holders[occ.key].add(i)
    strong = {occ.key for i in members for occ in world.cases[i].draft.occurrences
              if occ.type in STRONG}
    return {i: {k for k in strong if i in holders[k] and len(holders[k]) > 1} for i in members}


@pytest.mark.parametrize(
    ("name", "size", "countries"), [(RANSOMWARE, 30, 6), (BEC, 16, 4), (PHISHING, 24, 8)]
)
def test_planted_networks(world: World, name: str, size: int, countries: int) -> None:
    members = world.truth[name]
    assert len(members) == size == len(set(members))
    assert len(_owner_countries(world, members)) == countries
    assert all(shared for shared in _shared_strong(world, members).values())
    others = {i for other, ids in world.truth.items() if other != name for i in ids}
    assert not others & set(members)


def test_ransomware_affiliates_share_wallets_and_c2(world: World) -> None:
    members = world.truth[RANSOMWARE]
    regions = {o.region for o in world.orgs if o.country in _owner_countries(world, members)
               and o.kind is OrgKind.UNIT}
    assert len(regions) >= 3
    holders: dict[Occurrence, set[int]] = defaultdict(set)
    for i in members:
        for occ in world.cases[i].draft.occurrences:
            if occ.role in ("ransom wallet", "C2 server"):
                holders[occ].add(i)
    pool = {occ for occ, cases in holders.items() if len(cases) > 1}
    assert len([o for o in pool if o.type == "btc_wallet"]) == 4
    assert len([o for o in pool if o.type == "ipv4"]) >= 3
    for i in members:
        held = {o for o in world.cases[i].draft.occurrences if o in pool}
        assert len(held) >= 2
        assert RANSOMWARE_FAMILY in world.cases[i].draft.title + world.cases[i].draft.summary


def test_planted_members_have_varied_handling(world: World) -> None:
    members = [i for ids in world.truth.values() for i in ids]
    policies = {world.cases[i].draft.handling.hit_policy for i in members}
    assert HitPolicy.HIT in policies and HitPolicy.VISIBLE in policies
    assert all(world.cases[i].draft.handling.review_by > TODAY for i in members)
