"""Rule-by-rule tests of `decide()`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from cyberfusion.domain.access import Access, GovernedItem, decide, decide_version
from cyberfusion.domain.handling import TLP, Handling, HitPolicy
from cyberfusion.domain.model import DisclosureGrant, Organisation, OrgKind, Region

NOW = datetime(2026, 6, 1, tzinfo=UTC)
HUB = Organisation("hub", "Hub", OrgKind.HUB)
FR_NCB = Organisation("fr-ncb", "NCB FR", OrgKind.NCB, "FR", Region.EUROPE)
FR_UNIT = Organisation("fr-cyber", "FR unit", OrgKind.UNIT, "FR", Region.EUROPE, "fr-ncb")
DE_UNIT = Organisation("de-cyber", "DE unit", OrgKind.UNIT, "DE", Region.EUROPE, "de-ncb")
BR_UNIT = Organisation("br-cyber", "BR unit", OrgKind.UNIT, "BR", Region.AMERICAS, "br-ncb")
PARTNER = Organisation("acme", "Acme", OrgKind.PARTNER)


def item(owner: str = "de-cyber", **kw: object) -> GovernedItem:
    """A governed item owned by `owner` with handling overrides."""
    fields: dict[str, object] = {"tlp": TLP.AMBER, "release": frozenset({"members"}),
                                 "review_by": date(2030, 1, 1)}
    fields.update(kw)
    return GovernedItem(1, owner, Handling(**fields))  # type: ignore[arg-type]


def test_owner_always_reads_even_past_review_and_excluded() -> None:
    it = item(owner="fr-cyber", review_by=date(2020, 1, 1), exclude=frozenset({"country:FR"}))
    assert decide(FR_UNIT, it, NOW) is Access.FULL


@pytest.mark.parametrize(("release", "org", "expected"), [
    ({"members"}, HUB, Access.FULL),
    ({"members"}, PARTNER, Access.NONE),
    ({"region:europe"}, FR_UNIT, Access.FULL),
    ({"region:europe"}, BR_UNIT, Access.HIT),
    ({"country:FR"}, FR_NCB, Access.FULL),
    ({"country:FR"}, DE_UNIT, Access.HIT),
    ({"org:fr-ncb"}, FR_UNIT, Access.FULL),  # AMBER: children of a named organisation
])
def test_amber_release_tokens(release: set[str], org: Organisation, expected: Access) -> None:
    assert decide(org, item(owner="other", release=frozenset(release)), NOW) is expected


def test_red_admits_only_named_orgs_not_children_or_countries() -> None:
    red = item(owner="other", tlp=TLP.RED, release=frozenset({"org:fr-ncb", "country:DE"}))
    assert decide(FR_NCB, red, NOW) is Access.FULL
    assert decide(FR_UNIT, red, NOW) is Access.HIT
    assert decide(DE_UNIT, red, NOW) is Access.HIT


def test_amber_strict_admits_only_named_orgs() -> None:
    strict = item(owner="other", tlp=TLP.AMBER_STRICT, release=frozenset({"org:fr-ncb"}))
    assert decide(FR_NCB, strict, NOW) is Access.FULL
    assert decide(FR_UNIT, strict, NOW) is Access.HIT


def test_exclude_wins_over_release_grant_and_visible() -> None:
    grant = DisclosureGrant(1, 1, "fr-cyber", "de-cyber", "ok", NOW, NOW + timedelta(days=1))
    it = item(exclude=frozenset({"country:FR"}), hit_policy=HitPolicy.VISIBLE)
    assert decide(FR_UNIT, it, NOW, [grant]) is Access.NONE
    assert decide(FR_NCB, item(exclude=frozenset({"org:fr-ncb"})), NOW) is Access.NONE


def test_partners_need_naming_and_never_get_personal_data() -> None:
    named = item(partners=frozenset({"acme"}))
    assert decide(PARTNER, named, NOW) is Access.FULL
    assert decide(PARTNER, item(partners=frozenset({"acme"}), personal_data=True),
                  NOW) is Access.NONE
    assert decide(PARTNER, item(hit_policy=HitPolicy.VISIBLE), NOW) is Access.NONE
    red = item(tlp=TLP.RED, partners=frozenset({"acme"}), release=frozenset({"org:x"}))
    assert decide(PARTNER, red, NOW) is Access.HIT


def test_past_review_is_owner_only() -> None:
    assert decide(FR_UNIT, item(review_by=date(2026, 5, 31)), NOW) is Access.NONE
    assert decide(FR_UNIT, item(review_by=date(2026, 6, 1)), NOW) is Access.FULL


def test_grants_admit_until_expiry_or_revocation() -> None:
    it = item(release=frozenset({"country:DE"}), hit_policy=HitPolicy.SILENT)
    active = DisclosureGrant(1, 1, "fr-cyber", "de-cyber", "r", NOW, NOW + timedelta(hours=1))
    expired = DisclosureGrant(2, 1, "fr-cyber", "de-cyber", "r", NOW, NOW)
    revoked = DisclosureGrant(3, 1, "fr-cyber", "de-cyber", "r", NOW, NOW + timedelta(days=1),
                              revoked_at=NOW)
    other = DisclosureGrant(4, 1, "br-cyber", "de-cyber", "r", NOW, NOW + timedelta(days=1))
    assert decide(FR_UNIT, it, NOW, [active]) is Access.FULL
    assert decide(FR_UNIT, it, NOW, [expired, revoked, other]) is Access.NONE


@pytest.mark.parametrize(("policy", "tlp", "expected"), [
    (HitPolicy.VISIBLE, TLP.AMBER, Access.FULL),
    (HitPolicy.VISIBLE, TLP.RED, Access.HIT),
    (HitPolicy.HIT, TLP.GREEN, Access.HIT),
    (HitPolicy.SILENT, TLP.GREEN, Access.NONE),
])
def test_hit_policy_outside_release(policy: HitPolicy, tlp: TLP, expected: Access) -> None:
    it = item(release=frozenset({"country:DE"}), hit_policy=policy, tlp=tlp)
    assert decide(FR_UNIT, it, NOW) is expected


def test_earlier_version_needs_full_under_its_own_and_the_current_handling() -> None:
    red_then = item(tlp=TLP.RED, release=frozenset({"org:fr-ncb"})).handling
    green_now = item(tlp=TLP.GREEN)
    assert decide(FR_UNIT, green_now, NOW) is Access.FULL
    assert decide_version(FR_UNIT, green_now, red_then, NOW) is Access.NONE
    assert decide_version(FR_NCB, green_now, red_then, NOW) is Access.FULL
    assert decide_version(DE_UNIT, green_now, red_then, NOW) is Access.FULL
    red_now = item(tlp=TLP.RED, release=frozenset({"org:fr-ncb"}))
    open_then = item(tlp=TLP.CLEAR).handling
    assert decide_version(BR_UNIT, red_now, open_then, NOW) is Access.NONE


def test_earlier_version_hit_is_not_enough_and_grants_open_only_the_current_one() -> None:
    hit_then = item(release=frozenset({"country:DE"}), hit_policy=HitPolicy.HIT).handling
    assert decide_version(FR_UNIT, item(), hit_then, NOW) is Access.NONE
    silent_now = item(release=frozenset({"country:DE"}), hit_policy=HitPolicy.SILENT)
    grant = DisclosureGrant(1, 1, "fr-cyber", "de-cyber", "r", NOW, NOW + timedelta(hours=1))
    assert decide(FR_UNIT, silent_now, NOW, [grant]) is Access.FULL
    assert decide_version(FR_UNIT, silent_now, hit_then, NOW, [grant]) is Access.NONE
    assert decide_version(FR_UNIT, silent_now, item().handling, NOW, [grant]) is Access.FULL


def test_earlier_version_with_personal_data_never_reaches_partners() -> None:
    personal_then = item(personal_data=True).handling
    shared_now = item(tlp=TLP.GREEN, partners=frozenset({"acme"}))
    assert decide(PARTNER, shared_now, NOW) is Access.FULL
    assert decide_version(PARTNER, shared_now, personal_then, NOW) is Access.NONE
