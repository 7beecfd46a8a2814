"""Handling records of demo cases: the mix of TLP, release, exclusion, hit policy and grading."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TypeVar

from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.domain.model import Organisation, OrgKind

#: Background handling categories and their weights (percent of cases).
CATEGORIES: dict[str, float] = {
    "members": 57, "regional": 14, "partner": 5, "hit_only": 10, "silent": 3, "red": 8,
    "strict": 3,
}  # fmt: skip
#: Share of all background cases that exclude a country; only these categories may.
EXCLUDE_SHARE = 0.09
_EXCLUDABLE = ("members", "regional", "hit_only", "silent")
_EXCLUDE_P = EXCLUDE_SHARE * 100 / sum(CATEGORIES[c] for c in _EXCLUDABLE)
_RELIABILITY = (("A", 5), ("B", 30), ("C", 35), ("D", 15), ("E", 5), ("F", 10))
_CREDIBILITY = ((1, 8), (2, 30), (3, 35), (4, 12), (5, 5), (6, 10))
_PURPOSES = ((Purpose.INVESTIGATION, 60), (Purpose.PREVENTION, 15), (Purpose.ANALYSIS, 15),
             (Purpose.OPERATION, 10))


@dataclass(frozen=True, slots=True)
class OrgIndex:
    """The organisations a handling record may name."""

    hub: str
    public: tuple[Organisation, ...]
    partners: tuple[str, ...]
    countries: tuple[str, ...]

    @classmethod
    def of(cls, orgs: list[Organisation]) -> OrgIndex:
        """Index `orgs` by kind."""
        hub = next(o.id for o in orgs if o.kind is OrgKind.HUB)
        public = tuple(o for o in orgs if o.kind in (OrgKind.UNIT, OrgKind.NCB, OrgKind.AGENCY))
        partners = tuple(o.id for o in orgs if o.kind is OrgKind.PARTNER)
        countries = tuple(sorted({o.country for o in orgs if o.country}))
        return cls(hub, public, partners, countries)


@dataclass(frozen=True, slots=True)
class Policy:
    """What the generator needs to build one handling record."""

    owner: Organisation
    today: date
    personal_data: bool
    past_review: bool = False


_T = TypeVar("_T")


def _pick(rng: random.Random, pairs: tuple[tuple[_T, int], ...]) -> _T:
    """One item of (item, weight) pairs."""
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def _base(rng: random.Random, policy: Policy, tlp: TLP, release: set[str]) -> Handling:
    """A handling record with grading, purpose and review date filled in."""
    if policy.past_review:
        review_by = policy.today - timedelta(days=rng.randint(1, 90))
    else:
        review_by = policy.today + timedelta(days=rng.randint(120, 5 * 365))
    graded = rng.random() < 0.95
    return Handling(
        tlp=tlp,
        release=frozenset(release),
        review_by=review_by,
        hit_policy=HitPolicy.VISIBLE,
        purpose=_pick(rng, _PURPOSES),
        reliability=_pick(rng, _RELIABILITY) if graded else None,
        credibility=_pick(rng, _CREDIBILITY) if graded else None,
        personal_data=policy.personal_data,
    )


def _named_orgs(rng: random.Random, index: OrgIndex, owner: Organisation, count: int) -> set[str]:
    """`org:` tokens for the hub or units/NCBs other than the owner."""
    others = [o.id for o in index.public if o.id != owner.id]
    chosen = {index.hub} if rng.random() < 0.5 and owner.id != index.hub else set()
    while len(chosen) < count:
        chosen.add(rng.choice(others))
    return {f"org:{org_id}" for org_id in chosen}


def _narrow(rng: random.Random, owner: Organisation, index: OrgIndex) -> set[str]:
    """Release to the owner's country, or to its NCB (and sometimes the hub)."""
    if owner.country and rng.random() < 0.6:
        return {f"country:{owner.country}"}
    named = [o for o in (owner.parent_id, index.hub) if o and o != owner.id]
    if not named:
        return _named_orgs(rng, index, owner, 1)
    return {f"org:{o}" for o in named[: rng.randint(1, len(named))]}


def _regional(owner: Organisation) -> set[str]:
    """Release to the owner's region, or to members when it has none."""
    return {f"region:{owner.region.value}"} if owner.region else {"members"}


def background_handling(rng: random.Random, index: OrgIndex, policy: Policy) -> Handling:
    """One handling record drawn from the background mix (see CATEGORIES)."""
    category = rng.choices(list(CATEGORIES), list(CATEGORIES.values()))[0]
    return category_handling(rng, index, policy, category)


def category_handling(
    rng: random.Random, index: OrgIndex, policy: Policy, category: str
) -> Handling:
    """A handling record of the given category."""
    owner = policy.owner
    soft = rng.choice((TLP.GREEN, TLP.AMBER))
    if category == "red":
        base = _base(rng, policy, TLP.RED, _named_orgs(rng, index, owner, rng.randint(1, 2)))
        return replace(base, hit_policy=rng.choice((HitPolicy.HIT, HitPolicy.SILENT)))
    if category == "strict":
        base = _base(rng, policy, TLP.AMBER_STRICT, _named_orgs(rng, index, owner, 2))
        return replace(base, hit_policy=HitPolicy.HIT)
    if category in ("hit_only", "silent"):
        base = _base(rng, policy, TLP.AMBER, _narrow(rng, owner, index))
        policy_value = HitPolicy.HIT if category == "hit_only" else HitPolicy.SILENT
        return _maybe_exclude(rng, index, owner, replace(base, hit_policy=policy_value))
    if category == "regional":
        return _maybe_exclude(rng, index, owner, _base(rng, policy, soft, _regional(owner)))
    if category == "partner":
        public = Policy(owner, policy.today, personal_data=False, past_review=policy.past_review)
        candidates = [p for p in index.partners if p != owner.id]
        partners = frozenset(rng.sample(candidates, rng.randint(1, 2)))
        return replace(_base(rng, public, soft, {"members"}), partners=partners)
    tlp = rng.choices((TLP.GREEN, TLP.AMBER, TLP.CLEAR), (55, 35, 10))[0]
    return _maybe_exclude(rng, index, owner, _base(rng, policy, tlp, {"members"}))


def _maybe_exclude(
    rng: random.Random, index: OrgIndex, owner: Organisation, handling: Handling
) -> Handling:
    """Exclude one other country (sometimes two) from a share of records."""
    if rng.random() >= _EXCLUDE_P:
        return handling
    others = [c for c in index.countries if c != owner.country]
    excluded = rng.sample(others, 1 if rng.random() < 0.8 else 2)
    return replace(handling, exclude=frozenset(f"country:{c}" for c in excluded))


def planted_handling(rng: random.Random, index: OrgIndex, policy: Policy) -> Handling:
    """Handling of a planted network member: mostly shared, some hit-only, a few RED to the hub."""
    category = rng.choices(("members", "regional", "hit_only", "partner"), (55, 15, 25, 5))[0]
    if rng.random() < 0.06:
        base = _base(rng, policy, TLP.RED, {f"org:{index.hub}"})
        return replace(base, hit_policy=HitPolicy.HIT)
    if category == "partner" and policy.personal_data:
        category = "members"
    return category_handling(rng, index, policy, category)
