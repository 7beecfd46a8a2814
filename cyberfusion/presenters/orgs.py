"""Presenters of an organisation, a user, and the caller."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.model import Organisation, Principal, User


class OrgDoc(TypedDict):
    """An organisation as the member directory shows it."""

    id: str
    name: str
    kind: str
    country: str | None
    region: str | None
    parent_id: str | None
    timezone: str


class UserDoc(TypedDict):
    """A user without secrets."""

    id: int
    username: str
    org_id: str
    roles: list[str]
    display_name: str
    active: bool
    totp_enabled: bool


class MeDoc(TypedDict):
    """The caller: user, organisation and token scopes."""

    user: UserDoc | None
    organisation: OrgDoc
    scopes: list[str]


def org_json(org: Organisation) -> OrgDoc:
    """An organisation as the member directory shows it."""
    return {"id": org.id, "name": org.name, "kind": org.kind.value, "country": org.country,
            "region": org.region.value if org.region else None, "parent_id": org.parent_id,
            "timezone": org.timezone}


def user_json(user: User) -> UserDoc:
    """A user without secrets."""
    return {"id": user.id, "username": user.username, "org_id": user.org_id,
            "roles": sorted(r.value for r in user.roles), "display_name": user.display_name,
            "active": user.active, "totp_enabled": user.totp_enabled}


def me_json(principal: Principal) -> MeDoc:
    """The caller: user, organisation and token scopes."""
    return {"user": user_json(principal.user) if principal.user else None,
            "organisation": org_json(principal.org), "scopes": sorted(principal.scopes)}
