"""The 24/7 directory document of one organisation: contacts and the weekly rota.

    {"contacts": [{"ref": "desk", "name": "OFAC 24/7 desk", "desk": true,
                   "email": "247@ofac.example", "phone": "+33140000000",
                   "languages": ["fr", "en"]},
                  {"ref": "dupont", "name": "Lt. Dupont", "username": "fr.duty",
                   "email": "dupont@ofac.example", "languages": ["fr", "en"]}],
     "shifts": [{"contact": "dupont", "role": "primary", "days": ["mon", "tue", "wed",
                 "thu", "fri"], "start": "08:00", "end": "20:00"}]}

Times are in the organisation's time zone; `end` not after `start` runs past midnight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from typing_extensions import TypedDict

from cyberfusion.domain.duty import (
    Contact,
    Shift,
    ShiftRole,
    contact_issues,
    describe_days,
    minute_text,
    parse_days,
    parse_hhmm,
)
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.handling_json import read_text


def _str(item: dict[str, Any], key: str, loc: str, issues: list[Issue]) -> str:
    return read_text(item.get(key, ""), f"{loc}.{key}", issues)


def _contact(item: Any, loc: str, issues: list[Issue]) -> Contact | None:
    if not isinstance(item, dict):
        issues.append(Issue(loc, "must be an object"))
        return None
    languages = item.get("languages", [])
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        issues.append(Issue(f"{loc}.languages", "must be a list of ISO 639 codes"))
        languages = []
    contact = Contact(
        ref=_str(item, "ref", loc, issues), name=_str(item, "name", loc, issues),
        email=_str(item, "email", loc, issues), phone=_str(item, "phone", loc, issues),
        languages=tuple(x.strip().lower() for x in languages if x.strip()),
        position=_str(item, "position", loc, issues), desk=item.get("desk") is True,
        username=_str(item, "username", loc, issues))
    issues += contact_issues(contact, loc)
    return contact


def _shift(item: Any, loc: str, refs: set[str], issues: list[Issue]) -> Shift | None:
    if not isinstance(item, dict):
        issues.append(Issue(loc, "must be an object"))
        return None
    ref = _str(item, "contact", loc, issues)
    if ref not in refs:
        issues.append(Issue(f"{loc}.contact", f"no contact with ref {ref!r}"))
    try:
        role = ShiftRole(str(item.get("role") or "primary"))
    except ValueError:
        issues.append(Issue(f"{loc}.role", "primary or backup"))
        role = ShiftRole.PRIMARY
    days_given = item.get("days", ["daily"])
    if not isinstance(days_given, list):
        days_given = [str(days_given)]
    days, found = parse_days([str(d) for d in days_given], f"{loc}.days")
    start, bad_start = parse_hhmm(str(item.get("start", "00:00")), f"{loc}.start")
    end, bad_end = parse_hhmm(str(item.get("end", "24:00")), f"{loc}.end")
    issues += found + bad_start + bad_end
    if start is None or end is None:
        return None
    if start == 1440:
        issues.append(Issue(f"{loc}.start", "a shift starts before 24:00"))
    return Shift(ref, role, days, start, end)


def parse_directory(data: Any) -> tuple[list[Contact], list[Shift]]:
    """Read a directory document; raise InvalidInput listing every located problem."""
    if not isinstance(data, dict):
        raise InvalidInput("a directory is a JSON object", [Issue("$", "expected an object")])
    issues: list[Issue] = []
    items = data.get("contacts", [])
    shifts_in = data.get("shifts", [])
    if not isinstance(items, list):
        issues.append(Issue("contacts", "must be a list"))
        items = []
    if not isinstance(shifts_in, list):
        issues.append(Issue("shifts", "must be a list"))
        shifts_in = []
    contacts = [c for i, x in enumerate(items) if (c := _contact(x, f"contacts[{i}]", issues))]
    refs = [c.ref for c in contacts]
    for ref in sorted({r for r in refs if refs.count(r) > 1}):
        issues.append(Issue("contacts", f"ref {ref!r} is used twice"))
    shifts = [s for i, x in enumerate(shifts_in)
              if (s := _shift(x, f"shifts[{i}]", set(refs), issues))]
    if issues:
        raise InvalidInput(f"the directory has {len(issues)} problem(s)", issues)
    return contacts, shifts


class ContactDoc(TypedDict):
    """A 24/7 contact as the API shows it."""

    ref: str
    name: str
    position: str
    email: str
    phone: str
    languages: list[str]
    desk: bool
    username: str | None


class ShiftDoc(TypedDict):
    """One weekly shift of a contact, in the organisation's time zone."""

    contact: str
    role: str
    days: list[str]
    start: str
    end: str


class DirectoryDoc(TypedDict):
    """The directory document (the same shape `parse_directory` reads)."""

    contacts: list[ContactDoc]
    shifts: list[ShiftDoc]


def contact_json(c: Contact) -> ContactDoc:
    """A contact as the API shows it."""
    return {"ref": c.ref, "name": c.name, "position": c.position, "email": c.email,
            "phone": c.phone, "languages": list(c.languages), "desk": c.desk,
            "username": c.username or None}


def directory_json(contacts: Sequence[Contact], shifts: Sequence[Shift]) -> DirectoryDoc:
    """The directory document (the same shape `parse_directory` reads)."""
    return {"contacts": [contact_json(c) for c in contacts],
            "shifts": [{"contact": s.contact_ref, "role": s.role.value,
                        "days": describe_days(s.days).split(), "start":
                        minute_text(s.start_minute), "end": minute_text(s.end_minute)}
                       for s in shifts]}
