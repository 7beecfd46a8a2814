"""Incidents: an attack under way reported by a member, with its response checklist.

An incident carries handling like every record (`decide()` governs who reads it); its type
is a `CrimeType`. Its playbook (kept as data, one per type) is copied onto it as checklist
steps, each ticked with who and when. Who is asked for urgent assistance follows from the
hits on its observables and the countries of its infrastructure (`assistance_countries`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from cyberfusion.domain.handling import Handling
from cyberfusion.domain.model import CrimeType
from cyberfusion.errors import InvalidInput, Issue

MAX_TIMELINE = 200
MAX_OBSERVABLES = 1000
MAX_NOTE_CHARS = 200_000
MAX_TITLE_CHARS = 300
MAX_STEP_CHARS = 500
#: Currency codes: ISO 4217 (EUR, USD) or a crypto-asset ticker (BTC, XMR, USDT).
_CURRENCY = re.compile(r"^[A-Z0-9]{2,6}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class VictimSize(StrEnum):
    """How big the victim organisation is (EU SME bands; critical for essential services)."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    CRITICAL = "critical_infrastructure"
    INDIVIDUAL = "individual"


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """Something that happened, and when."""

    at: datetime
    text: str


@dataclass(frozen=True, slots=True)
class IncidentObservable:
    """A value seen in the incident (normalised), with its role (C2, leak site, wallet …)."""

    type: str
    value: str
    key: str
    role: str = ""


@dataclass(frozen=True, slots=True)
class IncidentDraft:
    """What a member reports."""

    title: str
    incident_type: CrimeType
    country: str
    handling: Handling
    victim_sector: str = ""
    victim_size: VictimSize | None = None
    summary: str = ""
    timeline: tuple[TimelineEntry, ...] = ()
    observables: tuple[IncidentObservable, ...] = ()
    note_text: str = ""
    note_file_name: str = ""
    extension: str = ""
    ransom_amount: Decimal | None = None
    currency: str = ""
    wallet: str = ""
    infrastructure_countries: tuple[str, ...] = ()
    assistance: str = ""


@dataclass(frozen=True, slots=True)
class ChecklistStep:
    """One playbook step on an incident; `done_at` set once someone ticked it."""

    position: int
    text: str
    done_at: datetime | None = None
    done_by: str = ""
    done_by_org: str = ""

    @property
    def done(self) -> bool:
        """Whether the step was ticked."""
        return self.done_at is not None


@dataclass(frozen=True, slots=True)
class AnswerRef:
    """A hit on an incident's observable, as the reporting organisation was answered."""

    value: str
    type: str
    case_id: int | None = None
    owner_org_id: str = ""
    reference: str = ""
    title: str = ""


@dataclass(frozen=True, slots=True)
class Incident:
    """A stored incident with its checklist."""

    id: int
    owner_org_id: str
    handling_id: int
    handling: Handling
    draft: IncidentDraft
    family: str
    created_at: datetime
    created_by: str = ""
    thread_id: int | None = None
    steps: tuple[ChecklistStep, ...] = ()
    answers: tuple[AnswerRef, ...] = field(default_factory=tuple)

    @property
    def title(self) -> str:
        """The incident's title."""
        return self.draft.title


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    """What an incident list is narrowed to."""

    incident_type: CrimeType | None = None
    country: str = ""
    wallet: str = ""
    family: str = ""


def check_amount(text: str, location: str = "ransom_amount") -> Decimal | None:
    """A demanded amount: a non-negative decimal, or None when blank."""
    if not text.strip():
        return None
    try:
        amount = Decimal(text.strip().replace(",", ""))
    except InvalidOperation:
        raise InvalidInput("bad amount", [Issue(location, "a number such as 250000 or 1.5")]
                           ) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("1e15"):
        raise InvalidInput("bad amount", [Issue(location, "a number from 0 to 10^15")])
    return amount


def draft_issues(draft: IncidentDraft) -> list[Issue]:
    """Every located problem of a draft (the parsers catch the malformed ones first)."""
    issues = []
    if not draft.title.strip():
        issues.append(Issue("title", "is required"))
    if len(draft.title) > MAX_TITLE_CHARS:
        issues.append(Issue("title", f"at most {MAX_TITLE_CHARS} characters"))
    if not _COUNTRY.match(draft.country):
        issues.append(Issue("country", "ISO 3166 alpha-2 code expected"))
    issues += [Issue(f"infrastructure_countries[{i}]", "ISO 3166 alpha-2 code expected")
               for i, c in enumerate(draft.infrastructure_countries) if not _COUNTRY.match(c)]
    if draft.currency and not _CURRENCY.match(draft.currency):
        issues.append(Issue("currency", "a code such as EUR, USD or BTC"))
    if draft.ransom_amount is not None and not draft.currency:
        issues.append(Issue("currency", "required with an amount"))
    if len(draft.note_text) > MAX_NOTE_CHARS:
        issues.append(Issue("note_text", f"at most {MAX_NOTE_CHARS} characters"))
    if len(draft.timeline) > MAX_TIMELINE:
        issues.append(Issue("timeline", f"at most {MAX_TIMELINE} entries"))
    if len(draft.observables) > MAX_OBSERVABLES:
        issues.append(Issue("observables", f"at most {MAX_OBSERVABLES} values"))
    return issues


def assistance_countries(answers: Iterable[AnswerRef], owner_countries: dict[str, str],
                         infrastructure: Iterable[str]) -> list[str]:
    """Countries to ask for help: where hit owners are, and where the infrastructure is."""
    found = {owner_countries[a.owner_org_id] for a in answers
             if owner_countries.get(a.owner_org_id)}
    return sorted(found | {c.upper() for c in infrastructure if c})


def step_position_issue(steps: Sequence[ChecklistStep], position: int) -> str | None:
    """Why `position` cannot be ticked, or None."""
    found = next((s for s in steps if s.position == position), None)
    if found is None:
        return f"no step {position}; the checklist has steps 1 to {len(steps)}"
    if found.done:
        return f"step {position} was already ticked by {found.done_by} at {found.done_at}"
    return None


@dataclass(frozen=True, slots=True)
class PaymentStop:
    """A payment-stop request made from an incident: to whom, by when, and how it stands."""

    thread_id: int
    target: str
    deadline: datetime | None
    to: tuple[str, ...]
    status: str
    outcome: str = ""
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class WalletRow:
    """One wallet across the incidents a reader may read: families, countries, incidents."""

    wallet: str
    currencies: tuple[str, ...]
    families: tuple[str, ...]
    countries: tuple[str, ...]
    incident_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """One family across the incidents a reader may read: countries, wallets, incidents."""

    family: str
    countries: tuple[str, ...]
    wallets: tuple[str, ...]
    incident_ids: tuple[int, ...]


def fold_wallets(rows: Iterable[tuple[str, str, str, str, int]]
                 ) -> tuple[list[WalletRow], list[FamilyRow]]:
    """(wallet, currency, family, country, incident) rows as one row per wallet and per
    family (families compared without case), the most incidents first."""
    by_wallet: dict[str, list[tuple[str, str, str, int]]] = {}
    by_family: dict[str, list[tuple[str, str, str, int]]] = {}
    for wallet, currency, family, country, incident_id in rows:
        if wallet:
            by_wallet.setdefault(wallet, []).append((currency, family, country, incident_id))
        if family:
            by_family.setdefault(family.casefold(), []).append(
                (family, wallet, country, incident_id))
    wallets = [WalletRow(w, _sorted(r[0] for r in rs), _sorted(r[1] for r in rs),
                         _sorted(r[2] for r in rs), tuple(sorted({r[3] for r in rs})))
               for w, rs in by_wallet.items()]
    families = [FamilyRow(rs[0][0], _sorted(r[2] for r in rs), _sorted(r[1] for r in rs),
                          tuple(sorted({r[3] for r in rs})))
                for rs in by_family.values()]
    return (sorted(wallets, key=lambda w: (-len(w.incident_ids), w.wallet)),
            sorted(families, key=lambda f: (-len(f.incident_ids), f.family.casefold())))


def _sorted(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}))
