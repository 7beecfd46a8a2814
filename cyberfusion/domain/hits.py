"""Hits: a search, lookup or submission matching another organisation's item, and disclosure.

Every match is answered by `decide()` (through its SQL form) and recorded. What the asker
gets has one shape whatever matched: per value, the readable cases (FULL) and one
"a match is held by <owner>; request disclosure" reference per owner (HIT); NONE matches
never reach an answer. `assemble` builds answers by walking every asked value, so a value
with no match takes the same path as one with matches. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from cyberfusion.domain.access import Access
from cyberfusion.domain.observables import (
    Observable,
    ObservableType,
    guess_type,
    normalise,
    normalise_many,
)
from cyberfusion.errors import InvalidInput, InvalidObservable, Issue

#: Values one batch lookup may check.
MAX_LOOKUP_VALUES = 1_000_000
MAX_REASON = 2000
DISCLOSURE_DAYS = 90
MAX_DISCLOSURE_DAYS = 365


class HitSource(StrEnum):
    """What the asker did when the match was found."""

    SEARCH = "search"
    SUBMISSION = "submission"
    LOOKUP = "lookup"


class NoticeKind(StrEnum):
    """What an organisation is told about hits and disclosure."""

    HIT = "hit"
    DISCLOSURE_REQUESTED = "disclosure.requested"
    DISCLOSURE_APPROVED = "disclosure.approved"
    DISCLOSURE_DECLINED = "disclosure.declined"


class DisclosureStatus(StrEnum):
    """Where a disclosure request stands."""

    REQUESTED = "requested"
    APPROVED = "approved"
    DECLINED = "declined"


class HitAction(StrEnum):
    """Audit actions of this feature (the trail stores the action as text)."""

    LOOKUP = "lookup"
    DISCLOSURE_REQUEST = "disclosure.request"
    DISCLOSURE_APPROVE = "disclosure.approve"
    DISCLOSURE_DECLINE = "disclosure.decline"
    NETWORK_RECOMPUTE = "network.recompute"


def hit_message(owner_org_id: str) -> str:
    """What a HIT answer says, and nothing more."""
    return f"a match is held by {owner_org_id}; request disclosure"


class FullRef(NamedTuple):
    """A readable case holding the value."""

    case_id: int
    title: str
    owner_org_id: str
    role: str
    crime_type: str
    tlp: str


class HitRef(NamedTuple):
    """'A match is held by <owner>; request disclosure', with the recorded hit's id."""

    owner_org_id: str
    reference: str


class ValueAnswer(NamedTuple):
    """The answer for one value: the same fields whether or not anything matched."""

    observable: Observable
    full: tuple[FullRef, ...]
    hits: tuple[HitRef, ...]
    warninglists: tuple[str, ...]


class MatchRow(NamedTuple):
    """One matched case as the store reports it, with its access level for the asker."""

    key: str
    answer: str
    owner_org_id: str
    reference: str
    case_id: int
    title: str
    role: str
    crime_type: str
    tlp: str


def assemble(observables: Sequence[Observable], rows: Iterable[MatchRow],
             flags: dict[str, str]) -> list[ValueAnswer]:
    """One answer per asked value, in order; NONE rows are dropped, HIT rows fold per owner."""
    by_key: dict[str, list[MatchRow]] = {}
    for row in rows:
        by_key.setdefault(row.key, []).append(row)
    answers = []
    for obs in observables:
        if obs.key not in by_key and obs.key not in flags:  # nothing the asker may learn of
            answers.append(ValueAnswer(obs, (), (), ()))  # (silent matches never get here)
            continue
        full: dict[int, FullRef] = {}
        owners: dict[str, str] = {}
        for row in by_key.get(obs.key, ()):
            if row.answer == Access.FULL.value:
                full.setdefault(row.case_id, FullRef(row.case_id, row.title, row.owner_org_id,
                                                     row.role, row.crime_type, row.tlp))
            elif row.answer == Access.HIT.value:
                held = owners.get(row.owner_org_id, row.reference)
                owners[row.owner_org_id] = min(held, row.reference)
        lists = tuple(w for w in flags.get(obs.key, "").split("; ") if w)
        answers.append(ValueAnswer(obs, tuple(full[c] for c in sorted(full)),
                                   tuple(HitRef(o, r) for o, r in sorted(owners.items())),
                                   lists))
    return answers


# --- disclosure ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DisclosureRequest:
    """A searcher's request to the owner of a HIT, and the owner's decision."""

    id: str
    hit_ref: str
    requester_org_id: str
    requester_user_id: int | None
    owner_org_id: str
    reason: str
    status: DisclosureStatus
    created_at: datetime
    decided_at: datetime | None = None
    decided_by_user_id: int | None = None
    decision_reason: str = ""
    days: int | None = None
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DisclosureStep:
    """One step of a request's history, shown to both sides."""

    at: datetime
    org_id: str
    user_id: int | None
    action: str
    reason: str


def check_reason(reason: str, location: str = "reason") -> str:
    """The stripped reason, or InvalidInput when it is empty or too long."""
    text = reason.strip()
    if not text:
        raise InvalidInput("a reason is needed", [Issue(location, "say why")])
    if len(text) > MAX_REASON:
        raise InvalidInput("the reason is too long",
                           [Issue(location, f"at most {MAX_REASON} characters")])
    return text


def check_days(days: int, location: str = "days") -> int:
    """The grant length in days, or InvalidInput outside 1..MAX_DISCLOSURE_DAYS."""
    if not 1 <= days <= MAX_DISCLOSURE_DAYS:
        raise InvalidInput("the grant length is not valid",
                           [Issue(location, f"between 1 and {MAX_DISCLOSURE_DAYS} days")])
    return days


# --- lookups ------------------------------------------------------------------------------


class LookupItem(NamedTuple):
    """One value of a batch lookup: as given, and normalised or with the reason it is not."""

    given: str
    observable: Observable | None
    error: str


_TYPE_NAMES = {t.value: t for t in ObservableType}


def split_line(line: str) -> tuple[ObservableType | None, str]:
    """`type,value` or `type<TAB>value` when the prefix names a type; else a bare value."""
    for sep in ("\t", ","):
        head, found, rest = line.partition(sep)
        if found and head.strip().lower() in _TYPE_NAMES:
            return _TYPE_NAMES[head.strip().lower()], rest.strip()
    return None, line.strip()


def lookup_items(given: Sequence[str], obs_type: ObservableType | None) -> list[LookupItem]:
    """`lookup_item` of many values of one type (or of none: each is guessed)."""
    if obs_type is None:
        return [lookup_item(value, None) for value in given]
    return [LookupItem(value, None, made.detail) if isinstance(made, InvalidObservable)
            else LookupItem(value, made, "")
            for value, made in zip(given, normalise_many(obs_type, given), strict=True)]


def lookup_item(given: str, obs_type: ObservableType | None) -> LookupItem:
    """Normalise one value (guessing its type when none is given), never raising."""
    chosen = obs_type or guess_type(given)
    if chosen is None:
        return LookupItem(given, None, "could not tell the type; give type,value")
    try:
        return LookupItem(given, normalise(chosen, given), "")
    except InvalidObservable as exc:
        return LookupItem(given, None, exc.detail)
