"""Gateway agreements: what a private-sector partner may send in and receive, and until when.

A partner organisation exchanges data only under an agreement registered by the hub: a
reference, a validity window (`valid_from` .. `valid_until`, both days included), the data
categories it covers with their direction, onward-sharing terms and a contact. Intake from
a partner and every outbound path to it (exports, TAXII objects, the MISP feed, search
results) ask `check()`; outside the agreement the transfer is refused with the agreement and
the rule that refused it. What a partner receives is still only what `decide()` gives it:
an agreement never widens access, it can only stop a transfer. Pure, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from cyberfusion.domain.imports import Batch
from cyberfusion.domain.model import CaseDraft
from cyberfusion.errors import Issue, PermissionDenied


class DataCategory(StrEnum):
    """The kinds of data an agreement covers (docs/user-guide.md, "Gateway")."""

    #: Observables: IPs, domains, URLs, hashes, wallets, accounts … (STIX SCOs, MISP attributes).
    TECHNICAL_INDICATORS = "technical_indicators"
    #: Threat knowledge: actors, intrusion sets, malware families, tools, techniques, relationships.
    THREAT_KNOWLEDGE = "threat_knowledge"
    #: What a case says: title, summary, crime type, countries, time span, victim figures.
    CASE_SUMMARIES = "case_summaries"
    #: Data naming or identifying people (the handling's `personal_data`): inbound only.
    PERSONAL_DATA = "personal_data"


class Direction(StrEnum):
    """Which way a category may travel: from the partner, to it, or both."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"
    BOTH = "both"

    def allows(self, way: Direction) -> bool:
        """True if this direction covers `way` (inbound or outbound)."""
        return self is Direction.BOTH or self is way


#: What each outbound path carries: a partner needs all of them permitted outbound.
#: Export also carries threat knowledge, but only when that is permitted (else left out).
CASE_CONTENT = frozenset({DataCategory.CASE_SUMMARIES, DataCategory.TECHNICAL_INDICATORS})
TAXII_CONTENT = CASE_CONTENT | {DataCategory.THREAT_KNOWLEDGE}
KNOWLEDGE_CONTENT = frozenset({DataCategory.THREAT_KNOWLEDGE})
MAX_REFERENCE = 64
MAX_TERMS = 4000
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,63}$")


class OutsideAgreement(PermissionDenied, slug="outside-agreement"):
    """A transfer to or from a partner that no valid agreement covers."""


@dataclass(frozen=True, slots=True)
class AgreementDraft:
    """What a hub admin registers or edits (the partner is fixed once registered)."""

    reference: str
    partner_org_id: str
    valid_from: date
    valid_until: date
    categories: Mapping[DataCategory, Direction]
    onward_terms: str = ""
    onward_allowed: bool = False
    contact: str = ""


@dataclass(frozen=True, slots=True)
class Agreement:
    """One registered agreement; `ended_at` set when a hub admin ended it early."""

    id: int
    reference: str
    partner_org_id: str
    valid_from: date
    valid_until: date
    categories: Mapping[DataCategory, Direction] = field(default_factory=dict)
    onward_terms: str = ""
    onward_allowed: bool = False
    contact: str = ""
    created_at: datetime | None = None
    ended_at: datetime | None = None
    ended_reason: str = ""

    def permits(self, category: DataCategory, way: Direction) -> bool:
        """True if the agreement lets `category` travel `way`."""
        held = self.categories.get(category)
        return held is not None and held.allows(way)

    def state(self, today: date) -> str:
        """`valid`, `ended`, `expired` or `not yet valid` on `today`."""
        if self.ended_at is not None and self.ended_at.date() <= today:
            return "ended"
        if today > self.valid_until:
            return "expired"
        if today < self.valid_from:
            return "not yet valid"
        return "valid"


def draft_issues(draft: AgreementDraft) -> list[Issue]:
    """Located problems of an agreement draft (empty when it may be stored)."""
    issues = []
    if not _REFERENCE.fullmatch(draft.reference):
        issues.append(Issue("reference", "1-64 letters, digits, '.', '/', '_' or '-'"))
    if draft.valid_until < draft.valid_from:
        issues.append(Issue("valid_until", "must not be before valid_from"))
    if not draft.categories:
        issues.append(Issue("categories", "name at least one data category"))
    personal = draft.categories.get(DataCategory.PERSONAL_DATA)
    if personal is not None and personal.allows(Direction.OUTBOUND):
        issues.append(Issue("categories.personal_data",
                            "personal data never goes to partners: inbound only"))
    if not draft.contact.strip():
        issues.append(Issue("contact", "name a contact for the agreement"))
    if len(draft.onward_terms) > MAX_TERMS or len(draft.contact) > 400:
        issues.append(Issue("onward_terms", f"at most {MAX_TERMS} characters"))
    return issues


def current(agreements: Iterable[Agreement], today: date) -> Agreement | None:
    """The agreement valid on `today` (the latest starting one if several overlap)."""
    valid = [a for a in agreements if a.state(today) == "valid"]
    return max(valid, key=lambda a: (a.valid_from, a.id)) if valid else None


#: Where each category sits in a case document (locates a refused case intake).
CASE_FIELDS: Mapping[DataCategory, str] = {
    DataCategory.CASE_SUMMARIES: "summary", DataCategory.TECHNICAL_INDICATORS: "observables",
    DataCategory.PERSONAL_DATA: "handling.personal_data",
    DataCategory.THREAT_KNOWLEDGE: "entities",
}


def check(agreements: Iterable[Agreement], partner_id: str, way: Direction,
          categories: Iterable[DataCategory], today: date, where: str = "",
          fields: Mapping[DataCategory, str] | None = None) -> Agreement:
    """The valid agreement covering `categories` travelling `way` for the partner, or
    OutsideAgreement naming the agreement and the rule that refuses the transfer (located
    at `where`, or at each refused category's place in `fields`)."""
    held = list(agreements)
    found = current(held, today)
    if found is None:
        reason = _why_none(held, partner_id, today)
        raise OutsideAgreement(reason, [Issue(where or "agreement", reason)])
    missing = sorted((c for c in set(categories) if not found.permits(c, way)),
                     key=lambda c: c.value)
    if missing:
        reason = (f"agreement {found.reference} with {partner_id} does not permit "
                  f"{way.value} {', '.join(c.value for c in missing)}")
        places = fields or {}
        raise OutsideAgreement(reason, [
            Issue(where or places.get(c, "agreement"),
                  f"{c.value} is not permitted {way.value} by agreement {found.reference}")
            for c in missing])
    return found


def _why_none(held: list[Agreement], partner_id: str, today: date) -> str:
    """Why no agreement covers today: none at all, or the latest one's state."""
    if not held:
        return f"no gateway agreement is registered for partner {partner_id}"
    latest = max(held, key=lambda a: (a.valid_from, a.id))
    state = latest.state(today)
    when = {"ended": latest.ended_at.date().isoformat() if latest.ended_at else "",
            "expired": latest.valid_until.isoformat(),
            "not yet valid": latest.valid_from.isoformat()}[state]
    verb = {"ended": "was ended on", "expired": "expired on",
            "not yet valid": "is valid only from"}[state]
    return f"agreement {latest.reference} with {partner_id} {verb} {when}"


def case_categories(draft: CaseDraft) -> frozenset[DataCategory]:
    """The data categories a case carries: its summary, its observables, personal data."""
    found = {DataCategory.CASE_SUMMARIES}
    if draft.occurrences:
        found.add(DataCategory.TECHNICAL_INDICATORS)
    if draft.handling.personal_data:
        found.add(DataCategory.PERSONAL_DATA)
    return frozenset(found)


def batch_categories(batch: Batch) -> list[tuple[str, frozenset[DataCategory]]]:
    """(source ref, categories) of what an import batch lands: each case, then its knowledge."""
    found = [(c.ref, case_categories(c.draft)) for c in batch.cases]
    if batch.entities or batch.relationships:
        found.append(("", frozenset({DataCategory.THREAT_KNOWLEDGE})))
    return found
