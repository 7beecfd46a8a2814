"""OpenAPI descriptions of bodies we parse ourselves (to report located errors)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from cyberfusion.domain.handling import REGIONS, TLP, HitPolicy, Purpose


def values(enum: type[StrEnum]) -> list[str]:
    """The wire values of a domain enum, for a schema's `enum` (never copied by hand)."""
    return [member.value for member in enum]


_HANDLING: dict[str, Any] = {
    "type": "object",
    "properties": {
        "tlp": {"enum": values(TLP)},
        "release": {"type": "array", "items": {"type": "string"},
                    "description": "members, region:<R> (" + ", ".join(REGIONS)
                    + "), country:<CC>, org:<id>"},
        "exclude": {"type": "array", "items": {"type": "string"}},
        "partners": {"type": "array", "items": {"type": "string"}},
        "hit_policy": {"enum": values(HitPolicy)},
        "purpose": {"enum": values(Purpose)},
        "review_by": {"type": "string", "format": "date"},
        "grading": {"type": "string", "pattern": "^[A-F][1-6]$"},
        "personal_data": {"type": "boolean"},
    },
}

CASE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["title"],
    "properties": {
        "title": {"type": "string", "minLength": 1, "maxLength": 300},
        "crime_type": {"type": "string"},
        "summary": {"type": "string"},
        "countries": {"type": "array", "items": {"type": "string"}},
        "first_seen": {"type": "string", "format": "date"},
        "last_seen": {"type": "string", "format": "date"},
        "victims": {"type": "object", "properties": {
            "count": {"type": "integer"}, "sectors": {"type": "array",
                                                      "items": {"type": "string"}}}},
        "handling": _HANDLING,
        "observables": {"type": "array", "items": {
            "type": "object", "required": ["type", "value"],
            "properties": {"type": {"type": "string"}, "value": {"type": "string"},
                           "role": {"type": "string"}, "comment": {"type": "string"}}}},
        "version": {"type": "integer", "description": "on update: the version you change"},
    },
}

CASE_BODY: dict[str, Any] = {
    "requestBody": {"required": True,
                    "content": {"application/json": {"schema": CASE_SCHEMA}}},
}


def _incident_body() -> dict[str, Any]:
    from cyberfusion.domain.incidents import VictimSize
    from cyberfusion.domain.model import CrimeType

    text = {"type": "string"}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["title", "type", "country"],
        "properties": {
            "title": text, "type": {"enum": values(CrimeType)},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
            "victim_sector": text, "victim_size": {"enum": values(VictimSize)},
            "summary": text, "note_text": text, "note_file_name": text, "extension": text,
            "ransom_amount": {"type": "string", "description": "a decimal, e.g. 250000"},
            "currency": text, "wallet": text, "assistance": text,
            "infrastructure_countries": {"type": "array", "items": text},
            "timeline": {"type": "array", "items": {"type": "object", "properties": {
                "at": {"type": "string", "format": "date-time"}, "text": text}}},
            "observables": {"type": "array", "items": {"type": "object", "properties": {
                "type": text, "value": text, "role": text}}},
            "handling": _HANDLING,
        }}}}}}


INCIDENT_BODY = _incident_body()
