"""Cyber activity reports: scope, recipients, status and the generated content. Pure data.

A report is built only from items every recipient (and its author) may read in full; what
matched the scope but some recipient may not read is counted as withheld, never shown. The
per-country annexes go only to the recipients of that country (`for_recipient`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from cyberfusion.domain.handling import REGIONS, TLP
from cyberfusion.errors import InvalidInput, Issue

#: Most recipients one report may have (the benchmark's 20 and some room).
MAX_RECIPIENTS = 50
#: Longest period a report may cover, in days (ten years).
MAX_PERIOD_DAYS = 3660
#: Rows kept in each ranked table and in the indicator annex.
TOP_ROWS = 10
INDICATOR_ROWS = 200
#: Networks listed (the key figures count them all).
NETWORK_ROWS = 25
#: Rows of each list in a per-country annex (the counts say how many there are in all).
ANNEX_ROWS = 50
_CC = re.compile(r"^[A-Z]{2}$")
_ORG = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class ReportStatus(StrEnum):
    """Where a report is: written, approved by a second hub user, sent to its recipients."""

    DRAFT = "draft"
    APPROVED = "approved"
    SENT = "sent"


class DeliveryStatus(StrEnum):
    """One recipient's copy: waiting (and retried) or sent over the channel."""

    PENDING = "pending"
    SENT = "sent"


class ReportFormat(StrEnum):
    """What a report is written out as."""

    HTML = "html"
    PDF = "pdf"
    STIX21 = "stix21"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Scope:
    """What a report covers: a period, regions or countries, crime types, maybe a family or
    one network (as its author names it, `n<case>-<mac>`)."""

    date_from: date
    date_to: date
    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    crime_types: tuple[str, ...] = ()
    family: str = ""
    network: str = ""

    def to_json(self) -> dict[str, Any]:
        """The scope as a JSON-ready record (sorted, so equal scopes give equal text)."""
        return {"from": self.date_from.isoformat(), "to": self.date_to.isoformat(),
                "regions": sorted(self.regions), "countries": sorted(self.countries),
                "crime_types": sorted(self.crime_types), "family": self.family,
                "network": self.network}

    @staticmethod
    def from_json(data: dict[str, Any]) -> Scope:
        """The scope a record written by `to_json` describes."""
        return Scope(date.fromisoformat(data["from"]), date.fromisoformat(data["to"]),
                     tuple(data.get("regions", ())), tuple(data.get("countries", ())),
                     tuple(data.get("crime_types", ())), str(data.get("family", "")),
                     str(data.get("network", "")))


@dataclass(frozen=True, slots=True)
class ReportSpec:
    """What the analyst chose: title, scope, recipients, assessment, actions, as-of date."""

    title: str
    scope: Scope
    recipients: tuple[str, ...]
    as_of: date
    assessment: str = ""
    actions: str = ""


def normalise_spec(spec: ReportSpec) -> ReportSpec:
    """The spec in its one canonical form: sorted, de-duplicated, upper-case countries."""
    s = spec.scope
    scope = replace(s, regions=tuple(sorted({r.strip().lower() for r in s.regions})),
                    countries=tuple(sorted({c.strip().upper() for c in s.countries})),
                    crime_types=tuple(sorted({c.strip().lower() for c in s.crime_types})),
                    family=s.family.strip(), network=s.network.strip())
    return replace(spec, title=spec.title.strip(), scope=scope,
                   recipients=tuple(sorted({r.strip() for r in spec.recipients if r.strip()})),
                   assessment=spec.assessment.strip(), actions=spec.actions.strip())


def spec_issues(spec: ReportSpec, crime_types: frozenset[str]) -> list[Issue]:
    """Located problems of a (normalised) spec; empty when it may be built."""
    s, issues = spec.scope, []
    if not spec.title:
        issues.append(Issue("title", "a report needs a title"))
    if s.date_to < s.date_from:
        issues.append(Issue("scope.to", "the period ends before it starts"))
    elif (s.date_to - s.date_from).days > MAX_PERIOD_DAYS:
        issues.append(Issue("scope.to", f"a period is at most {MAX_PERIOD_DAYS} days"))
    issues += [Issue("scope.regions", f"unknown region {r!r}; one of {', '.join(REGIONS)}")
               for r in s.regions if r not in REGIONS]
    issues += [Issue("scope.countries", f"{c!r} is not an ISO 3166 alpha-2 code")
               for c in s.countries if not _CC.match(c)]
    issues += [Issue("scope.crime_types", f"unknown crime type {c!r}")
               for c in s.crime_types if c not in crime_types]
    if not spec.recipients:
        issues.append(Issue("recipients", "name at least one recipient organisation"))
    elif len(spec.recipients) > MAX_RECIPIENTS:
        issues.append(Issue("recipients", f"at most {MAX_RECIPIENTS} recipients"))
    issues += [Issue("recipients", f"malformed organisation id {r!r}")
               for r in spec.recipients if not _ORG.match(r)]
    return issues


def check_spec(spec: ReportSpec, crime_types: frozenset[str]) -> ReportSpec:
    """The normalised spec, or InvalidInput naming each problem."""
    spec = normalise_spec(spec)
    issues = spec_issues(spec, crime_types)
    if issues:
        raise InvalidInput(f"the report has {len(issues)} problem(s)", issues)
    return spec


# --- generated content --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeyFigures:
    """Headline counts over the included cases, and how many matching cases were withheld."""

    cases: int
    victims: int
    countries: int
    crime_types: int
    networks: int
    withheld: int


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """Cases of one crime type first seen in one month (`YYYY-MM`)."""

    month: str
    crime_type: str
    cases: int


@dataclass(frozen=True, slots=True)
class Technique:
    """An ATT&CK technique (id and name) a family or actor uses."""

    external_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Actor:
    """A ransomware family, malware or threat actor linked to included cases."""

    name: str
    kind: str
    cases: int
    techniques: tuple[Technique, ...] = ()
    tlp: TLP = TLP.CLEAR


@dataclass(frozen=True, slots=True)
class Ranked:
    """One row of a ranked table: a sector or a country, with case and victim counts."""

    name: str
    cases: int
    victims: int = 0


@dataclass(frozen=True, slots=True)
class NetworkRow:
    """A network some included cases belong to: their count, countries, crime types."""

    ref: str
    cases: int
    countries: tuple[str, ...]
    crime_types: tuple[str, ...]
    families: tuple[str, ...]
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Action:
    """A recommended action: a course of action that mitigates a technique, or the analyst's."""

    text: str
    technique: str = ""
    source: str = "analyst"


@dataclass(frozen=True, slots=True)
class Indicator:
    """An observable of included cases, with its role and in how many cases it was seen."""

    type: str
    value: str
    role: str
    cases: int
    country: str = ""


@dataclass(frozen=True, slots=True)
class CaseLine:
    """An included case as an annex lists it."""

    id: int
    owner_org_id: str
    title: str
    crime_type: str
    first_seen: date | None
    victims: int


@dataclass(frozen=True, slots=True)
class Annex:
    """What concerns one country: victims there, infrastructure there (its recipients only)."""

    country: str
    victims: tuple[CaseLine, ...]
    infrastructure: tuple[Indicator, ...]
    victim_cases: int = 0
    infrastructure_values: int = 0


@dataclass(frozen=True, slots=True)
class Content:
    """A built report: every figure and table, and why it is empty when it is."""

    spec: ReportSpec
    tlp: TLP
    figures: KeyFigures
    trend: tuple[TrendPoint, ...] = ()
    families: tuple[Actor, ...] = ()
    actors: tuple[Actor, ...] = ()
    sectors: tuple[Ranked, ...] = ()
    victim_countries: tuple[Ranked, ...] = ()
    infrastructure_countries: tuple[Ranked, ...] = ()
    networks: tuple[NetworkRow, ...] = ()
    actions: tuple[Action, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    annexes: tuple[Annex, ...] = ()
    case_refs: tuple[tuple[str, int], ...] = ()
    empty: str = ""
    audience: str = ""
    recipient_countries: dict[str, str] = field(default_factory=dict)


def empty_reason(included: int, withheld: int) -> str:
    """What an empty report says: nothing in scope, or nothing every recipient may read."""
    if included:
        return ""
    if withheld:
        return (f"No item in this scope may be read in full by every recipient: {withheld} "
                "matching item(s) were withheld by their handling.")
    return "No data matches this scope (period, places and crime types)."


def for_recipient(content: Content, org_id: str, country: str | None) -> Content:
    """The copy one recipient receives: only its own country's annex."""
    annexes = tuple(a for a in content.annexes if country and a.country == country)
    return replace(content, annexes=annexes, audience=org_id)


_CCTLD_ALIASES = {"UK": "GB"}


def infrastructure_country(obs_type: str, value: str) -> str:
    """The country an indicator's infrastructure is registered in, where its value says so:
    an IBAN's country code, a country-code top-level domain of a domain, URL or address."""
    if obs_type == "iban" and len(value) >= 2 and value[:2].isalpha():
        return value[:2].upper()
    host = value
    if obs_type == "url":
        host = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    elif obs_type == "email":
        host = value.rpartition("@")[2]
    elif obs_type != "domain":
        return ""
    tld = host.rstrip(".").rpartition(".")[2].upper()
    if len(tld) == 2 and tld.isalpha():
        return _CCTLD_ALIASES.get(tld, tld)
    return ""


@dataclass(frozen=True, slots=True)
class Delivery:
    """One recipient's copy: its state, attempts and the channel thread that carried it."""

    report_id: int
    org_id: str
    status: DeliveryStatus
    attempts: int
    next_at: datetime
    last_error: str
    thread_id: int | None
    tlp: TLP
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoredReport:
    """A report as stored: its spec, status, TLP and who wrote and approved it when."""

    id: int
    spec: ReportSpec
    status: ReportStatus
    tlp: TLP
    author_org_id: str
    author_user_id: int | None
    approver_user_id: int | None
    created_at: datetime
    approved_at: datetime | None
    sent_at: datetime | None
