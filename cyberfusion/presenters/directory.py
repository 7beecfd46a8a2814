"""Presenters of the 24/7 network: a duty board row, and an organisation's directory.

Contacts and the directory document are the directory exchange format
(`formats.directory_json`, which `parse_directory` reads); adapters reach them through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cyberfusion.domain.duty import Contact, Shift
from cyberfusion.domain.model import Organisation
from cyberfusion.formats.directory_json import contact_json, directory_json
from cyberfusion.services.directory import DutyRow


def duty_json(row: DutyRow) -> dict[str, Any]:
    """One organisation on the duty board, in its own time zone."""
    d = row.duty
    return {"org_id": row.org.id, "name": row.org.name, "kind": row.org.kind.value,
            "country": row.org.country, "timezone": d.timezone,
            "local_time": d.local_time.isoformat(timespec="minutes"),
            "primary": [contact_json(c) for c in d.primary],
            "backup": [contact_json(c) for c in d.backup],
            "desk": [contact_json(c) for c in d.desk]}


def duty_board_json(rows: Sequence[DutyRow]) -> dict[str, Any]:
    """Who is on duty, one row per organisation."""
    return {"items": [duty_json(r) for r in rows]}


def org_directory_json(org: Organisation, contacts: Sequence[Contact],
                       shifts: Sequence[Shift]) -> dict[str, Any]:
    """An organisation's 24/7 contacts and weekly rota (times in its time zone), and whether
    it opened them to partners."""
    return {"org_id": org.id, "timezone": org.timezone,
            "open_to_partners": org.contacts_open_to_partners,
            **directory_json(contacts, shifts)}
