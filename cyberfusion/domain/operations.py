"""Operations: a coordinated multi-country action against a network.

An operation's own data (participants, tasks, action days, results, takedowns, the
after-action report) sits under one handling record owned by the lead organisation and
released to the participants only (`operation_handling`: a strict TLP, `org:` tokens, a
silent hit policy), so `decide()` admits exactly them. Its targets are cases; each
participant's target package holds only the targets that participant reads in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from cyberfusion.domain.handling import TLP, Handling, HitPolicy, Purpose
from cyberfusion.errors import Issue

MAX_TITLE_CHARS = 300
MAX_TEXT_CHARS = 4000
MAX_PARTICIPANTS = 60
MAX_TARGETS = 5000
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_CURRENCY = re.compile(r"^[A-Z0-9]{2,6}$")
#: TLP levels an operation may carry: both admit only the organisations named.
OPERATION_TLPS = (TLP.AMBER_STRICT, TLP.RED)


class OperationStatus(StrEnum):
    """Where an operation stands."""

    PLANNING = "planning"
    ACTIVE = "active"
    CLOSED = "closed"


class TaskStatus(StrEnum):
    """Where a task stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class ResultKind(StrEnum):
    """What the results ledger counts."""

    ARREST = "arrest"
    SEARCH = "search"
    SERVER_SEIZED = "server_seized"
    DOMAIN_TAKEN_DOWN = "domain_taken_down"
    ACCOUNT_FROZEN = "account_frozen"
    WALLET_FROZEN = "wallet_frozen"
    VICTIM_NOTIFIED = "victim_notified"

    @property
    def takes_amount(self) -> bool:
        """Frozen accounts and wallets carry an amount and a currency."""
        return self in (ResultKind.ACCOUNT_FROZEN, ResultKind.WALLET_FROZEN)


class TakedownStatus(StrEnum):
    """Where the takedown of one infrastructure item stands."""

    PLANNED = "planned"
    REQUESTED = "requested"
    DONE = "done"
    REFUSED = "refused"

    @property
    def final(self) -> bool:
        """Done and refused are not changed again."""
        return self in (TakedownStatus.DONE, TakedownStatus.REFUSED)


@dataclass(frozen=True, slots=True)
class OperationDraft:
    """What a creator gives: title, lead, participants, countries, targets."""

    title: str
    lead_org_id: str
    participants: tuple[str, ...]
    countries: tuple[str, ...] = ()
    summary: str = ""
    tlp: TLP = TLP.AMBER_STRICT
    network_ref: str = ""
    target_cases: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Task:
    """A task of an operation: owner (organisation, optionally a person), due date, status."""

    id: int
    title: str
    owner_org_id: str
    owner_user: str
    due: date | None
    status: TaskStatus
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True, slots=True)
class ActionDay:
    """A day of coordinated action in some countries."""

    id: int
    day: date
    countries: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class ResultEntry:
    """One line of the results ledger: what, how many, by whom, when, in which country."""

    id: int
    kind: ResultKind
    count: int
    country: str
    at: datetime
    by_org: str
    by_user: str
    amount: Decimal | None = None
    currency: str = ""
    note: str = ""


@dataclass(frozen=True, slots=True)
class Takedown:
    """The takedown of one infrastructure item: value, status, who, when."""

    id: int
    value_type: str
    value: str
    country: str
    status: TakedownStatus
    updated_at: datetime
    by_org: str
    by_user: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Operation:
    """A stored operation as its participants see it."""

    id: int
    handling_id: int
    handling: Handling
    lead_org_id: str
    title: str
    summary: str
    status: OperationStatus
    participants: tuple[str, ...]
    countries: tuple[str, ...]
    network_ref: str
    created_at: datetime
    created_by: str
    created_by_org: str = ""


#: What a participant other than the creator's organisation is told of the network: the
#: creator's name for it holds a case id that participant may not read.
NETWORK_NAMED_BY_CREATOR = "a network (named in its creator's copy)"


def as_seen_by(op: Operation, org_id: str) -> Operation:
    """The operation for one participant: the network's name only for its creator's org."""
    if not op.network_ref or org_id == op.created_by_org:
        return op
    return replace(op, network_ref=NETWORK_NAMED_BY_CREATOR)


@dataclass(frozen=True, slots=True)
class PackageCase:
    """A target case in one participant's package (a case the participant reads in full)."""

    id: int
    title: str
    owner_org_id: str
    crime_type: str
    countries: tuple[str, ...]
    tlp: str
    local: bool


@dataclass(frozen=True, slots=True)
class PackageValue:
    """A value of a package case, with its role there."""

    case_id: int
    type: str
    value: str
    role: str


@dataclass(frozen=True, slots=True)
class TargetPackage:
    """One participant's target package: its country's targets first, then the rest."""

    org_id: str
    country: str
    cases: tuple[PackageCase, ...]
    values: tuple[PackageValue, ...]


@dataclass(frozen=True, slots=True)
class ResultTotal:
    """The ledger summed for one kind: count, and frozen amounts per currency."""

    kind: ResultKind
    count: int
    amounts: tuple[tuple[str, Decimal], ...]


def operation_handling(lead: str, participants: Iterable[str], partners: Iterable[str],
                       tlp: TLP, review_by: date) -> Handling:
    """The handling of an operation's data: released to its participants only."""
    named = frozenset({lead, *participants})
    return Handling(tlp if tlp in OPERATION_TLPS else TLP.AMBER_STRICT,
                    frozenset(f"org:{o}" for o in named), review_by,
                    partners=frozenset(partners) & named, hit_policy=HitPolicy.SILENT,
                    purpose=Purpose.OPERATION)


def draft_issues(draft: OperationDraft, known_orgs: Iterable[str]) -> list[Issue]:
    """Every located problem of an operation draft."""
    known = set(known_orgs)
    issues = []
    if not draft.title.strip():
        issues.append(Issue("title", "is required"))
    if len(draft.title) > MAX_TITLE_CHARS:
        issues.append(Issue("title", f"at most {MAX_TITLE_CHARS} characters"))
    if len(draft.summary) > MAX_TEXT_CHARS:
        issues.append(Issue("summary", f"at most {MAX_TEXT_CHARS} characters"))
    if draft.lead_org_id not in known:
        issues.append(Issue("lead", f"no organisation {draft.lead_org_id!r}"))
    issues += [Issue(f"participants[{i}]", f"no organisation {p!r}")
               for i, p in enumerate(draft.participants) if p not in known]
    if len(set(draft.participants)) > MAX_PARTICIPANTS:
        issues.append(Issue("participants", f"at most {MAX_PARTICIPANTS} organisations"))
    issues += [Issue(f"countries[{i}]", "ISO 3166 alpha-2 code expected")
               for i, c in enumerate(draft.countries) if not _COUNTRY.match(c)]
    if draft.tlp not in OPERATION_TLPS:
        issues.append(Issue("tlp", "amber+strict or red: operation data goes to its "
                                   "participants only"))
    if len(draft.target_cases) > MAX_TARGETS:
        issues.append(Issue("targets", f"at most {MAX_TARGETS} cases"))
    return issues


def country_issue(country: str, location: str = "country") -> Issue | None:
    """A located problem with a country code, or None."""
    return None if _COUNTRY.match(country) else Issue(location, "ISO 3166 alpha-2 code expected")


def result_issues(kind: ResultKind, count: int, amount: Decimal | None, currency: str,
                  country: str) -> list[Issue]:
    """Every located problem of a results ledger entry."""
    issues = [i for i in [country_issue(country)] if i]
    if not 1 <= count <= 1_000_000:
        issues.append(Issue("count", "a whole number from 1 to 1000000"))
    if amount is not None and not kind.takes_amount:
        issues.append(Issue("amount", "only frozen accounts and wallets carry an amount"))
    if amount is not None and not currency:
        issues.append(Issue("currency", "required with an amount"))
    if currency and not _CURRENCY.match(currency):
        issues.append(Issue("currency", "a code such as EUR, USD or BTC"))
    return issues


def takedown_issue(current: TakedownStatus, new: TakedownStatus) -> str | None:
    """Why a takedown cannot move from `current` to `new`, or None."""
    if current.final:
        return f"the takedown is already {current.value}"
    if new is TakedownStatus.PLANNED and current is TakedownStatus.REQUESTED:
        return "a requested takedown does not go back to planned"
    return None


def totals(entries: Iterable[ResultEntry]) -> list[ResultTotal]:
    """The ledger summed per kind (in the kinds' order), with amounts per currency."""
    counts: dict[ResultKind, int] = {}
    amounts: dict[ResultKind, dict[str, Decimal]] = {}
    for e in entries:
        counts[e.kind] = counts.get(e.kind, 0) + e.count
        if e.amount is not None:
            per = amounts.setdefault(e.kind, {})
            per[e.currency] = per.get(e.currency, Decimal(0)) + e.amount
    return [ResultTotal(k, counts[k], tuple(sorted(amounts.get(k, {}).items())))
            for k in ResultKind if k in counts]


def package_of(org_id: str, country: str, cases: Sequence[PackageCase],
               values: Sequence[PackageValue]) -> TargetPackage:
    """A participant's package from the cases it reads: local targets first, values of
    those cases only."""
    ordered = sorted(cases, key=lambda c: (not c.local, c.id))
    ids = {c.id for c in ordered}
    kept = sorted((v for v in values if v.case_id in ids),
                  key=lambda v: (v.case_id, v.type, v.value))
    return TargetPackage(org_id, country, tuple(ordered), tuple(kept))


def is_local(case_countries: Iterable[str], country: str) -> bool:
    """A target concerns the participant's country."""
    return bool(country) and country in set(case_countries)
