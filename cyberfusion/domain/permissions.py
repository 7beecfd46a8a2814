"""What each role may do: permissions as `scope:resource:action`, checked in one place."""

from __future__ import annotations

from enum import StrEnum

from cyberfusion.domain.model import OrgKind, Principal, Role
from cyberfusion.errors import PermissionDenied


class Permission(StrEnum):
    """Actions a principal may be allowed."""

    CASE_READ = "data:case:read"
    CASE_WRITE = "data:case:write"
    SEARCH = "data:observable:search"
    AUDIT_READ = "org:audit:read"
    USER_MANAGE = "org:user:manage"
    ORG_MANAGE = "network:org:manage"
    GRANT_MANAGE = "data:grant:manage"


_ALL_READ = {Permission.CASE_READ, Permission.SEARCH}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(_ALL_READ | {Permission.CASE_WRITE, Permission.AUDIT_READ,
                                       Permission.USER_MANAGE, Permission.GRANT_MANAGE}),
    Role.ANALYST: frozenset(_ALL_READ | {Permission.CASE_WRITE, Permission.GRANT_MANAGE}),
    Role.DUTY_OFFICER: frozenset(_ALL_READ | {Permission.CASE_WRITE}),
    Role.AUDITOR: frozenset(_ALL_READ | {Permission.AUDIT_READ}),
    Role.READER: frozenset(_ALL_READ),
}

#: Which API token scope a permission needs.
SCOPE_OF: dict[Permission, str] = {
    Permission.CASE_READ: "read",
    Permission.SEARCH: "read",
    Permission.AUDIT_READ: "read",
    Permission.CASE_WRITE: "write",
    Permission.GRANT_MANAGE: "write",
    Permission.USER_MANAGE: "admin",
    Permission.ORG_MANAGE: "admin",
}


def allowed(principal: Principal, permission: Permission) -> bool:
    """True if the principal's roles and token scopes allow `permission`."""
    if SCOPE_OF[permission] not in principal.scopes:
        return False
    if principal.user is None:
        return False
    if permission is Permission.ORG_MANAGE:
        return principal.org.kind is OrgKind.HUB and principal.user.has(Role.ADMIN)
    return any(permission in ROLE_PERMISSIONS[role] for role in principal.user.roles)


def require(principal: Principal, permission: Permission) -> None:
    """Raise PermissionDenied unless `permission` is allowed."""
    if not allowed(principal, permission):
        raise PermissionDenied(f"your roles do not allow {permission.value}")
