"""The 24/7 directory: contacts of an organisation and its weekly duty rota in local time.

A shift covers some weekdays from `start` to `end` in the organisation's time zone; a shift
whose end is not after its start runs past midnight into the next day (20:00-08:00).
`on_duty(...)` answers "who is on duty now" for one organisation; pure, no I/O.
`can_read_contacts(...)` says whose contacts a reader sees; `store/directory_sql.py` is its
SQL form, and the directory property suite checks that the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cyberfusion.domain.model import Organisation, OrgKind
from cyberfusion.errors import Issue

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$|^24:00$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+[1-9]\d{6,14}$")
_REF = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


class ShiftRole(StrEnum):
    """Who answers first (primary) and who if the primary does not (backup)."""

    PRIMARY = "primary"
    BACKUP = "backup"


@dataclass(frozen=True, slots=True)
class Contact:
    """A 24/7 point of contact: a person or the organisation's desk."""

    ref: str
    name: str
    email: str = ""
    phone: str = ""
    languages: tuple[str, ...] = ()
    position: str = ""
    desk: bool = False
    username: str = ""
    user_id: int | None = None
    id: int = 0


@dataclass(frozen=True, slots=True)
class Shift:
    """One recurring shift of the weekly rota, in the organisation's time zone."""

    contact_ref: str
    role: ShiftRole
    days: frozenset[int]
    start_minute: int
    end_minute: int

    def covers(self, local: datetime) -> bool:
        """True if the shift covers local wall-clock time `local`."""
        minute = local.hour * 60 + local.minute
        today, yesterday = local.weekday(), (local.weekday() - 1) % 7
        if self.start_minute < self.end_minute:
            return today in self.days and self.start_minute <= minute < self.end_minute
        return (today in self.days and minute >= self.start_minute) or \
            (yesterday in self.days and minute < self.end_minute)


@dataclass(frozen=True, slots=True)
class DutyNow:
    """Who answers for one organisation at one moment."""

    org_id: str
    timezone: str
    local_time: datetime
    primary: tuple[Contact, ...]
    backup: tuple[Contact, ...]
    desk: tuple[Contact, ...]


def can_read_contacts(reader: Organisation, owner: Organisation) -> bool:
    """Members read every directory; partners read their own, the hub's, and those whose
    organisation opened its contacts to partners (officers' names and phones stay inside
    law enforcement otherwise)."""
    return not reader.is_partner or reader.id == owner.id or owner.kind is OrgKind.HUB \
        or owner.contacts_open_to_partners


def zone(name: str) -> ZoneInfo:
    """The IANA zone `name`, UTC when unknown (organisations may carry free text)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def on_duty(org_id: str, timezone: str, contacts: Sequence[Contact], shifts: Iterable[Shift],
            now: datetime) -> DutyNow:
    """Primary and backup contacts whose shifts cover `now` in the organisation's zone."""
    local = now.astimezone(zone(timezone))
    by_ref = {c.ref: c for c in contacts}
    live = [s for s in shifts if s.covers(local) and s.contact_ref in by_ref]
    primary = _unique(by_ref[s.contact_ref] for s in live if s.role is ShiftRole.PRIMARY)
    backup = _unique(by_ref[s.contact_ref] for s in live if s.role is ShiftRole.BACKUP)
    backup = tuple(c for c in backup if c not in primary)
    desk = tuple(c for c in contacts if c.desk)
    return DutyNow(org_id, timezone, local, primary, backup, desk)


def _unique(contacts: Iterable[Contact]) -> tuple[Contact, ...]:
    seen: dict[str, Contact] = {}
    for contact in contacts:
        seen.setdefault(contact.ref, contact)
    return tuple(seen.values())


def parse_hhmm(text: str, location: str) -> tuple[int | None, list[Issue]]:
    """Minutes after midnight of `HH:MM` (24:00 allowed as an end)."""
    if not _HHMM.match(text):
        return None, [Issue(location, "expected HH:MM, 00:00 to 24:00")]
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes), []


def parse_days(values: Iterable[str], location: str) -> tuple[frozenset[int], list[Issue]]:
    """Weekday names (`mon` … `sun`, or `daily`) as numbers 0-6."""
    days: set[int] = set()
    issues = []
    for value in values:
        word = value.strip().lower()[:3]
        if value.strip().lower() == "daily":
            days.update(range(7))
        elif word in DAYS:
            days.add(DAYS.index(word))
        else:
            issues.append(Issue(location, f"{value!r} is not a weekday (mon … sun, daily)"))
    if not days and not issues:
        issues.append(Issue(location, "name at least one weekday"))
    return frozenset(days), issues


def contact_issues(contact: Contact, location: str) -> list[Issue]:
    """What is wrong with one contact."""
    issues = []
    if not _REF.match(contact.ref):
        issues.append(Issue(f"{location}.ref", "lower-case letters, digits, '.', '_', '-'"))
    if not contact.name.strip():
        issues.append(Issue(f"{location}.name", "must not be empty"))
    if contact.email and not _EMAIL.match(contact.email):
        issues.append(Issue(f"{location}.email", "not an e-mail address"))
    if contact.phone and not _PHONE.match(contact.phone):
        issues.append(Issue(f"{location}.phone", "E.164, e.g. +33140977000"))
    if not contact.email and not contact.phone and not contact.username:
        issues.append(Issue(location, "give an e-mail address, a phone number or a username"))
    issues += [Issue(f"{location}.languages", f"{lang!r} is not an ISO 639 code")
               for lang in contact.languages if not _LANG.match(lang)]
    return issues


def describe_days(days: frozenset[int]) -> str:
    """`daily`, or the weekday names in order."""
    return "daily" if len(days) == 7 else " ".join(DAYS[d] for d in sorted(days))


def minute_text(minute: int) -> str:
    """Minutes after midnight as HH:MM."""
    return f"{minute // 60:02d}:{minute % 60:02d}"


@dataclass(frozen=True, slots=True)
class StoredWebhook:
    """A webhook endpoint; `secret` is sealed."""

    id: int
    org_id: str
    url: str
    secret: str
    active: bool
    created_at: datetime
