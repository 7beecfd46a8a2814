"""Prevention bulletins: TLP:CLEAR advice for the public, written by one hub user and
approved and published by another (DESIGN.md, products).

Rules kept here (pure): which fields a bulletin has and how long they may be, the status
a bulletin moves through, who may take each step (never its author for approval or
publication), that every source is TLP:CLEAR without personal data, and which observable
types found in the text are personal data (refused, with the field and what was found).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.observables import PERSONAL_TYPES, ObservableType
from cyberfusion.errors import Conflict, InvalidInput, Issue, PermissionDenied

#: Longest title, and longest text of each other field, in characters.
MAX_TITLE = 200
MAX_TEXT = 8000
MAX_SOURCES = 20
#: The text fields of a bulletin, in the order forms and pages show them.
TEXT_FIELDS = ("title", "threat", "affected", "actions")


class BulletinStatus(StrEnum):
    """Where a bulletin is: draft → approved → published → withdrawn."""

    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class SourceKind(StrEnum):
    """What a bulletin may cite: a case or an entity (e.g. a ransomware family)."""

    CASE = "case"
    ENTITY = "entity"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One cited source; `title` is filled when read (the case title or entity name)."""

    kind: SourceKind
    id: int
    title: str = ""


@dataclass(frozen=True, slots=True)
class SourceHandling:
    """What the rules need of a cited source: its TLP and personal-data flag (None when the
    author cannot read it or it does not exist)."""

    ref: SourceRef
    tlp: TLP | None
    personal_data: bool = False
    excludes: bool = False


@dataclass(frozen=True, slots=True)
class BulletinText:
    """What an author writes: title, the threat, who is affected, what to do, sources."""

    title: str
    threat: str
    affected: str
    actions: str
    sources: tuple[SourceRef, ...] = ()


@dataclass(frozen=True, slots=True)
class Bulletin:
    """A stored bulletin with its workflow stamps."""

    id: int
    text: BulletinText
    status: BulletinStatus
    author_user_id: int
    author_org_id: str
    created_at: datetime
    updated_at: datetime
    approver_user_id: int | None = None
    approved_at: datetime | None = None
    published_at: datetime | None = None
    withdrawn_at: datetime | None = None
    withdraw_reason: str = ""
    author_name: str = ""
    approver_name: str = ""

    @property
    def tlp(self) -> TLP:
        """Bulletins are always TLP:CLEAR."""
        return TLP.CLEAR


@dataclass(frozen=True, slots=True)
class Finding:
    """A personal-data observable found in one field of the text."""

    field: str
    type: ObservableType
    value: str


def text_issues(text: BulletinText) -> list[Issue]:
    """Empty or over-long fields and too many sources, each located by its field."""
    issues: list[Issue] = []
    for name in TEXT_FIELDS:
        value: str = getattr(text, name)
        limit = MAX_TITLE if name == "title" else MAX_TEXT
        if not value.strip():
            issues.append(Issue(name, "must not be empty"))
        elif len(value) > limit:
            issues.append(Issue(name, f"is {len(value)} characters long, the maximum is {limit}"))
    if len(text.sources) > MAX_SOURCES:
        issues.append(Issue("sources", f"{len(text.sources)} sources, the maximum is "
                                       f"{MAX_SOURCES}"))
    seen: set[tuple[SourceKind, int]] = set()
    for i, ref in enumerate(text.sources):
        if (ref.kind, ref.id) in seen:
            issues.append(Issue(f"sources[{i}]", f"{ref.kind.value} {ref.id} is cited twice"))
        seen.add((ref.kind, ref.id))
    return issues


def personal_issues(findings: Iterable[Finding]) -> list[Issue]:
    """One located issue per personal-data value found (e-mail, phone, IBAN, handle …)."""
    return [Issue(f.field, f"contains personal data: {f.type.value} {f.value!r}; "
                           "bulletins are public and never name or identify people")
            for f in findings if f.type in PERSONAL_TYPES]


def source_issues(sources: Sequence[SourceHandling]) -> list[Issue]:
    """Sources that are unreadable, not TLP:CLEAR, or carry personal data."""
    issues: list[Issue] = []
    for i, src in enumerate(sources):
        where, name = f"sources[{i}]", f"{src.ref.kind.value} {src.ref.id}"
        if src.tlp is None:
            issues.append(Issue(where, f"{name} does not exist or you may not read it"))
        elif src.tlp is not TLP.CLEAR:
            issues.append(Issue(where, f"{name} is {src.tlp.label}; a bulletin may cite "
                                       "TLP:CLEAR sources only"))
        elif src.personal_data:
            issues.append(Issue(where, f"{name} holds personal data; a bulletin may not "
                                       "cite it"))
        elif src.excludes:
            issues.append(Issue(where, f"{name} excludes some readers; a public bulletin "
                                       "may not cite it"))
    return issues


def check_text(text: BulletinText, findings: Iterable[Finding],
               sources: Sequence[SourceHandling]) -> None:
    """Raise InvalidInput with every located issue of a bulletin's text and sources."""
    issues = text_issues(text) + personal_issues(findings) + source_issues(sources)
    if issues:
        raise InvalidInput("the bulletin cannot be saved as written", issues)


def check_edit(bulletin: Bulletin) -> None:
    """Only a draft may be changed (an approved bulletin goes back to draft if edited)."""
    if bulletin.status not in (BulletinStatus.DRAFT, BulletinStatus.APPROVED):
        raise Conflict(f"bulletin {bulletin.id} is {bulletin.status.value}; it can no "
                       "longer be edited")


def check_approve(bulletin: Bulletin, user_id: int) -> None:
    """A second hub user approves a draft: never its author."""
    if bulletin.author_user_id == user_id:
        raise PermissionDenied("a bulletin is approved by a second hub user, not its author")
    if bulletin.status is not BulletinStatus.DRAFT:
        raise Conflict(f"bulletin {bulletin.id} is {bulletin.status.value}, not a draft")


def check_publish(bulletin: Bulletin, user_id: int) -> None:
    """An approved bulletin is published by a hub user other than its author."""
    if bulletin.author_user_id == user_id:
        raise PermissionDenied("a bulletin is published by a second hub user, not its author")
    if bulletin.status is not BulletinStatus.APPROVED:
        raise Conflict(f"bulletin {bulletin.id} is {bulletin.status.value}; approve it "
                       "before publishing")


def check_withdraw(bulletin: Bulletin, reason: str) -> None:
    """Only a published bulletin is withdrawn, and the reason is stated."""
    if bulletin.status is not BulletinStatus.PUBLISHED:
        raise Conflict(f"bulletin {bulletin.id} is {bulletin.status.value}, not published")
    if not reason.strip():
        raise InvalidInput("give a reason", [Issue("reason", "must not be empty")])
