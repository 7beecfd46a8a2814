"""Presenters of the 24/7 network: a duty board row, and an organisation's directory.

Contacts and the directory document are the directory exchange format
(`formats.directory_json`, which `parse_directory` reads); adapters reach them through here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from typing_extensions import TypedDict

from cyberfusion.domain.duty import Contact, Shift
from cyberfusion.domain.model import Organisation
from cyberfusion.formats.directory_json import (
    ContactDoc,
    DirectoryDoc,
    contact_json,
    directory_json,
)
from cyberfusion.presenters.common import Items
from cyberfusion.services.directory import DutyRow


class DutyDoc(TypedDict):
    """One organisation on the duty board, in its own time zone."""

    org_id: str
    name: str
    kind: str
    country: str | None
    timezone: str
    local_time: str
    primary: list[ContactDoc]
    backup: list[ContactDoc]
    desk: list[ContactDoc]


class OrgDirectoryDoc(DirectoryDoc):
    """An organisation's 24/7 contacts and weekly rota, and whether partners may read them."""

    org_id: str
    timezone: str
    open_to_partners: bool


class PartnerAccessDoc(TypedDict):
    """Whether an organisation's contacts are open to partners."""

    org_id: str
    open_to_partners: bool


class PrefsDoc(TypedDict):
    """Per priority, the channels besides the in-app inbox."""

    flash: list[str]
    urgent: list[str]
    routine: list[str]


def duty_json(row: DutyRow) -> DutyDoc:
    """One organisation on the duty board, in its own time zone."""
    d = row.duty
    return {"org_id": row.org.id, "name": row.org.name, "kind": row.org.kind.value,
            "country": row.org.country, "timezone": d.timezone,
            "local_time": d.local_time.isoformat(timespec="minutes"),
            "primary": [contact_json(c) for c in d.primary],
            "backup": [contact_json(c) for c in d.backup],
            "desk": [contact_json(c) for c in d.desk]}


def duty_board_json(rows: Sequence[DutyRow]) -> Items[DutyDoc]:
    """Who is on duty, one row per organisation."""
    return {"items": [duty_json(r) for r in rows]}


def org_directory_json(org: Organisation, contacts: Sequence[Contact],
                       shifts: Sequence[Shift]) -> OrgDirectoryDoc:
    """An organisation's 24/7 contacts and weekly rota (times in its time zone), and whether
    it opened them to partners."""
    doc = directory_json(contacts, shifts)
    return {"org_id": org.id, "timezone": org.timezone,
            "open_to_partners": org.contacts_open_to_partners,
            "contacts": doc["contacts"], "shifts": doc["shifts"]}


def partner_access_json(org: Organisation) -> PartnerAccessDoc:
    """Whether an organisation's contacts are open to partners."""
    return {"org_id": org.id, "open_to_partners": org.contacts_open_to_partners}


def prefs_json(prefs: Mapping[str, frozenset[str]]) -> PrefsDoc:
    """Notification channels per priority, sorted."""
    return {"flash": sorted(prefs.get("flash", ())), "urgent": sorted(prefs.get("urgent", ())),
            "routine": sorted(prefs.get("routine", ()))}
