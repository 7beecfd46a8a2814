"""The records a demo world is made of: users and cases, before they have database ids."""

from __future__ import annotations

from dataclasses import dataclass

from cyberfusion.domain.model import CaseDraft, Role


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A demo login: everyone shares `DEMO_PASSWORD`."""

    username: str
    org_id: str
    roles: frozenset[Role]
    display_name: str


@dataclass(frozen=True, slots=True)
class DemoCase:
    """A case to load: its owner, its content and how many days before `today` it was filed."""

    owner_org_id: str
    draft: CaseDraft
    created_offset_days: int
