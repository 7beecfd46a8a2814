"""Presenters of an organisation, a user, and the caller."""

from __future__ import annotations

from typing import Any

from cyberfusion.domain.model import Organisation, Principal, User


def org_json(org: Organisation) -> dict[str, Any]:
    """An organisation as the member directory shows it."""
    return {"id": org.id, "name": org.name, "kind": org.kind.value, "country": org.country,
            "region": org.region.value if org.region else None, "parent_id": org.parent_id,
            "timezone": org.timezone}


def user_json(user: User) -> dict[str, Any]:
    """A user without secrets."""
    return {"id": user.id, "username": user.username, "org_id": user.org_id,
            "roles": sorted(r.value for r in user.roles), "display_name": user.display_name,
            "active": user.active, "totp_enabled": user.totp_enabled}


def me_json(principal: Principal) -> dict[str, Any]:
    """The caller: user, organisation and token scopes."""
    return {"user": user_json(principal.user) if principal.user else None,
            "organisation": org_json(principal.org), "scopes": sorted(principal.scopes)}
