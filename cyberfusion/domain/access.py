"""The one access decision: `decide(principal, item) -> FULL | HIT | NONE` (DESIGN.md).

`store.access_sql` holds the SQL form of the same rules; the access property suite checks
that both agree on random worlds. Rules, in order:

1. the owner organisation always reads (FULL);
2. a record past `review_by` is the owner's only; `exclude` always wins;
3. partners read only what names them in `partners`, never `personal_data`;
4. RED and AMBER+STRICT admit only organisations named as `org:` in `release`;
   AMBER, GREEN and CLEAR admit `members`, `region:`, `country:` and `org:` (plus the
   children of a named organisation);
5. an active disclosure grant admits its organisation;
6. outside release, `hit_policy` decides: `visible` reads as if released (but never
   past a strict TLP), `hit` learns that a match exists and whom to ask, `silent` nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from cyberfusion.domain.handling import TLP, Handling, HitPolicy
from cyberfusion.domain.model import DisclosureGrant, Organisation, Principal


class Access(StrEnum):
    """What a principal gets of an item."""

    FULL = "full"
    HIT = "hit"
    NONE = "none"


class Governed(Protocol):
    """Anything that carries a handling record and an owner."""

    @property
    def owner_org_id(self) -> str: ...

    @property
    def handling(self) -> Handling: ...


@dataclass(frozen=True, slots=True)
class GovernedItem:
    """A bare governed item: what `decide()` needs of a case, entity or message."""

    handling_id: int
    owner_org_id: str
    handling: Handling


def release_tokens(org: Organisation, strict: bool) -> frozenset[str]:
    """The release tokens that admit `org` (strict: only its own `org:` token)."""
    own = f"org:{org.id}"
    if strict:
        return frozenset({own})
    tokens = {own}
    if org.parent_id:
        tokens.add(f"org:{org.parent_id}")
    if org.is_partner:
        return frozenset(tokens)
    tokens.add("members")
    if org.country:
        tokens.add(f"country:{org.country}")
    if org.region:
        tokens.add(f"region:{org.region.value}")
    return frozenset(tokens)


def exclude_tokens(org: Organisation) -> frozenset[str]:
    """The exclude tokens that shut `org` out."""
    tokens = {f"org:{org.id}"}
    if org.country:
        tokens.add(f"country:{org.country}")
    return frozenset(tokens)


def decide(
    who: Principal | Organisation,
    item: Governed,
    now: datetime,
    grants: Iterable[DisclosureGrant] = (),
) -> Access:
    """FULL, HIT or NONE for `who` on `item` at `now`, given the item's grants."""
    org = who.org if isinstance(who, Principal) else who
    if item.owner_org_id == org.id:
        return Access.FULL
    handling = item.handling
    if _blocked(org, handling, now):
        return Access.NONE
    if org.is_partner and org.id not in handling.partners:
        return Access.NONE
    if _released(org, handling) or _granted(org, grants, now):
        return Access.FULL
    if handling.hit_policy is HitPolicy.VISIBLE and not handling.tlp.strict:
        return Access.FULL
    if handling.hit_policy is HitPolicy.SILENT:
        return Access.NONE
    return Access.HIT


def decide_version(
    who: Principal | Organisation,
    current: Governed,
    earlier: Handling,
    now: datetime,
    grants: Iterable[DisclosureGrant] = (),
) -> Access:
    """FULL for an earlier version of `current` only where `decide()` gives FULL under the
    version's own handling and under the current one; NONE otherwise (history is data too).

    A disclosure grant opens the item as it is now, so it counts for the current handling
    only: the owner who approved it did not approve what an earlier version said.
    """
    if decide(who, current, now, grants) is not Access.FULL:
        return Access.NONE
    then = GovernedItem(0, current.owner_org_id, earlier)
    return Access.FULL if decide(who, then, now) is Access.FULL else Access.NONE


def shown_publicly(handling: Handling, now: datetime) -> bool:
    """Whether an item may be shown to anyone, signed in or not (a published bulletin's
    source): TLP:CLEAR, no personal data, not past review and no exclusion. The SQL form
    is `store.access_sql.public_clause`."""
    return (handling.tlp is TLP.CLEAR and not handling.personal_data
            and now.date() <= handling.review_by and not handling.exclude)


def _blocked(org: Organisation, handling: Handling, now: datetime) -> bool:
    """Past review, excluded, or personal data asked for by a partner."""
    if now.date() > handling.review_by:
        return True
    if handling.exclude & exclude_tokens(org):
        return True
    return org.is_partner and handling.personal_data


def _released(org: Organisation, handling: Handling) -> bool:
    """True if `release` (and, for partners, `partners`) admits `org` at this TLP."""
    tokens = release_tokens(org, handling.tlp.strict)
    if org.is_partner:
        return not handling.tlp.strict or bool(handling.release & tokens)
    return bool(handling.release & tokens)


def _granted(org: Organisation, grants: Iterable[DisclosureGrant], now: datetime) -> bool:
    """True if an active disclosure grant names `org`."""
    return any(grant.org_id == org.id and grant.active(now) for grant in grants)
