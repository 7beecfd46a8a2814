"""The demo world's 24/7 network: every organisation gets a desk, three officers and a rota.

Pure: directory documents (the shape `formats.directory_json` reads) built from a world.
The organisation's `.duty` user is on duty on weekdays 08:00-20:00 local time; a second
officer holds nights and weekends; a third is the backup around the clock.
"""

from __future__ import annotations

import zlib
from typing import Any

from cyberfusion.demo import geography as geo
from cyberfusion.demo.records import DemoUser
from cyberfusion.domain.model import Organisation

_LANGUAGES = {"FR": ["fr", "en"], "DE": ["de", "en"], "GB": ["en"], "NL": ["nl", "en"],
              "ES": ["es", "en"], "PL": ["pl", "en"], "US": ["en", "es"], "BR": ["pt", "en"],
              "CA": ["en", "fr"], "MX": ["es", "en"], "JP": ["ja", "en"],
              "SG": ["en", "zh", "ms"], "IN": ["en", "hi"], "AU": ["en"], "NG": ["en"],
              "KE": ["en", "sw"], "ZA": ["en", "af"], "AE": ["ar", "en"], "EG": ["ar", "en"],
              "JO": ["ar", "en"]}
_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def _phone(org_id: str, n: int) -> str:
    """A fictional, well-formed E.164 number, stable per organisation and line."""
    digits = zlib.crc32(f"{org_id}:{n}".encode()) % 10**8
    return f"+999{digits:08d}"


def _names(org: Organisation) -> list[str]:
    country = next((c for c in geo.COUNTRIES if c.code == org.country), None)
    if country is None:
        return ["Alex Morgan", "Sam Taylor"]
    first, last = country.first_names, country.last_names
    return [f"{first[-1]} {last[-1]}", f"{first[-2]} {last[-2]}"]


def directory_for(org: Organisation, duty_user: DemoUser | None) -> dict[str, Any]:
    """The directory document of one demo organisation."""
    languages = _LANGUAGES.get(org.country or "", ["en"])
    mail = f"{org.id}.example"
    night, backup = _names(org)
    contacts = [
        {"ref": "desk", "name": f"{org.name} 24/7 desk", "desk": True, "email": f"247@{mail}",
         "phone": _phone(org.id, 0), "languages": languages, "position": "24/7 desk"},
        {"ref": "night", "name": night, "email": f"night@{mail}", "phone": _phone(org.id, 2),
         "languages": languages, "position": "Duty officer (nights and weekends)"},
        {"ref": "backup", "name": backup, "email": f"backup@{mail}",
         "phone": _phone(org.id, 3), "languages": languages, "position": "Backup officer"},
    ]
    shifts = [{"contact": "night", "role": "primary", "days": ["daily"], "start": "20:00",
               "end": "08:00"},
              {"contact": "night", "role": "primary", "days": ["sat", "sun"], "start": "08:00",
               "end": "20:00"},
              {"contact": "backup", "role": "backup", "days": ["daily"], "start": "00:00",
               "end": "24:00"}]
    if duty_user is not None:
        contacts.insert(1, {"ref": "duty", "name": duty_user.display_name or duty_user.username,
                            "username": duty_user.username, "email": f"duty@{mail}",
                            "phone": _phone(org.id, 1), "languages": languages,
                            "position": "Duty officer (weekdays)"})
        shifts.insert(0, {"contact": "duty", "role": "primary", "days": _WEEKDAYS,
                          "start": "08:00", "end": "20:00"})
    return {"contacts": contacts, "shifts": shifts}


def directories(orgs: list[Organisation], users: list[DemoUser]) -> dict[str, dict[str, Any]]:
    """org id -> directory document, for every organisation of a world."""
    duty = {u.org_id: u for u in users if u.username.endswith(".duty")}
    return {o.id: directory_for(o, duty.get(o.id)) for o in orgs}
