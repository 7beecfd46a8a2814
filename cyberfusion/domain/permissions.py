"""Who may do what: one `Permission` per action, one `RULES` table, one `require()`.

Each permission names the roles that may take the action, the API-token scope that
covers it (web sessions carry every scope) and, for network-wide actions, the kinds of
organisation whose users may take it. Services call `require(principal, Permission.X)`
before they act; pages and commands ask `allowed()` only to decide what to show.

Every HTTP route and every Typer command that acts for a user carries `@needs(Permission.X)`:
the permission the services it calls require. The mark does not check anything (the
services do, after the input was validated, so error precedence stays the same on every
entry point); it lets tests/unit/test_permission_table.py list every route and command
with its permission against an explicit table, so a new entry point cannot go undecided.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from cyberfusion.domain.model import OrgKind, Principal, Role
from cyberfusion.errors import PermissionDenied

F = TypeVar("F", bound=Callable[..., Any])


class Permission(StrEnum):
    """Every action a principal may be allowed, as `area:resource:action`."""

    CASE_READ = "data:case:read"
    CASE_WRITE = "data:case:write"
    SEARCH = "data:observable:search"
    EXPORT = "data:case:export"
    TAXII_READ = "data:taxii:read"
    IMPORT = "data:import:write"
    IMPORT_READ = "data:import:read"
    SOURCE_READ = "data:source:read"
    SOURCE_RUN = "data:source:run"
    SOURCE_MANAGE = "org:source:manage"
    GRANT_MANAGE = "data:grant:manage"
    HIT_READ = "data:hit:read"
    DISCLOSURE_REQUEST = "data:disclosure:request"
    DISCLOSURE_READ = "data:disclosure:read"
    RETENTION_READ = "data:review:read"
    RETENTION_CONFIRM = "data:review:confirm"
    NETWORK_READ = "data:network:read"
    ENTITY_READ = "data:entity:read"
    ENTITY_EDIT = "data:entity:write"
    BULLETIN_READ = "product:bulletin:read"
    BULLETIN_WRITE = "product:bulletin:write"
    BULLETIN_APPROVE = "product:bulletin:approve"
    INCIDENT_READ = "data:incident:read"
    INCIDENT_REPORT = "data:incident:write"
    RANSOMWARE_IDENTIFY = "data:ransomware:identify"
    OPERATION_READ = "data:operation:read"
    OPERATION_WRITE = "data:operation:write"
    NETWORK_RUNS_READ = "network:run:read"
    NETWORK_MANAGE = "network:network:manage"
    CHANNEL_READ = "channel:thread:read"
    CHANNEL_SEND = "channel:thread:send"
    DIRECTORY_READ = "channel:directory:read"
    DIRECTORY_MANAGE = "org:directory:manage"
    SETTINGS_READ = "org:settings:read"
    SETTINGS_MANAGE = "org:settings:manage"
    WEBHOOK_MANAGE = "org:webhook:manage"
    AUDIT_READ = "org:audit:read"
    USER_READ = "org:user:read"
    USER_MANAGE = "org:user:manage"
    ORG_READ = "network:org:read"
    ORG_MANAGE = "network:org:manage"
    AGREEMENT_READ = "network:agreement:read"
    AGREEMENT_MANAGE = "network:agreement:manage"
    ACCOUNT = "self:account:use"
    TOKEN_MANAGE = "self:token:manage"
    REPORT_READ = "product:report:read"
    REPORT_WRITE = "product:report:write"
    REPORT_APPROVE = "product:report:approve"
    REPORT_SEND = "product:report:send"
    COMMUNITY_READ = "community:community:read"
    COMMUNITY_POST = "community:thread:post"
    COMMUNITY_MODERATE = "community:member:moderate"


@dataclass(frozen=True, slots=True)
class Rule:
    """Who may take one action: any of `roles`, with token `scope`, in an org of `kinds`."""

    roles: frozenset[Role]
    scope: str
    kinds: frozenset[OrgKind] | None = None


_ALL = frozenset(Role)
_WRITERS = frozenset({Role.ADMIN, Role.ANALYST, Role.DUTY_OFFICER})
_ADMIN = frozenset({Role.ADMIN})
_HUB = frozenset({OrgKind.HUB})

#: The one permission table (DESIGN.md: roles admin, analyst, duty_officer, auditor, reader).
RULES: dict[Permission, Rule] = {
    Permission.CASE_READ: Rule(_ALL, "read"),
    Permission.CASE_WRITE: Rule(_WRITERS, "write"),
    Permission.SEARCH: Rule(_ALL, "read"),
    Permission.EXPORT: Rule(_ALL, "read"),
    Permission.TAXII_READ: Rule(_ALL, "read"),
    Permission.IMPORT: Rule(_WRITERS, "write"),
    Permission.IMPORT_READ: Rule(_ALL, "read"),
    Permission.SOURCE_READ: Rule(_ALL, "read"),
    Permission.SOURCE_RUN: Rule(_WRITERS, "write"),
    Permission.SOURCE_MANAGE: Rule(_ADMIN, "write"),
    Permission.GRANT_MANAGE: Rule(frozenset({Role.ADMIN, Role.ANALYST}), "write"),
    Permission.HIT_READ: Rule(_ALL, "read"),
    Permission.DISCLOSURE_REQUEST: Rule(_WRITERS, "write"),
    Permission.DISCLOSURE_READ: Rule(_ALL, "read"),
    Permission.RETENTION_READ: Rule(_ALL, "read"),
    Permission.RETENTION_CONFIRM: Rule(_WRITERS, "write"),
    Permission.NETWORK_READ: Rule(_ALL, "read"),
    Permission.ENTITY_READ: Rule(_ALL, "read"),
    Permission.ENTITY_EDIT: Rule(frozenset({Role.ADMIN, Role.ANALYST}), "write"),
    Permission.BULLETIN_READ: Rule(_ALL, "read", _HUB),
    Permission.BULLETIN_WRITE: Rule(frozenset({Role.ADMIN, Role.ANALYST}), "write", _HUB),
    Permission.BULLETIN_APPROVE: Rule(frozenset({Role.ADMIN, Role.ANALYST}), "write", _HUB),
    Permission.INCIDENT_READ: Rule(_ALL, "read"),
    Permission.INCIDENT_REPORT: Rule(_WRITERS, "write"),
    Permission.RANSOMWARE_IDENTIFY: Rule(_ALL, "read"),
    Permission.OPERATION_READ: Rule(_ALL, "read"),
    Permission.OPERATION_WRITE: Rule(_WRITERS, "write"),
    Permission.NETWORK_RUNS_READ: Rule(_ALL, "read", _HUB),
    Permission.NETWORK_MANAGE: Rule(_ADMIN, "admin", _HUB),
    Permission.CHANNEL_READ: Rule(_ALL, "read"),
    Permission.CHANNEL_SEND: Rule(_WRITERS, "write"),
    Permission.DIRECTORY_READ: Rule(_ALL, "read"),
    Permission.DIRECTORY_MANAGE: Rule(_ADMIN, "write"),
    Permission.SETTINGS_READ: Rule(_ALL, "read"),
    Permission.SETTINGS_MANAGE: Rule(_ADMIN, "write"),
    Permission.WEBHOOK_MANAGE: Rule(_ADMIN, "write"),
    Permission.AUDIT_READ: Rule(frozenset({Role.ADMIN, Role.AUDITOR}), "read"),
    Permission.USER_READ: Rule(_ALL, "read"),
    Permission.USER_MANAGE: Rule(_ADMIN, "admin"),
    Permission.ORG_READ: Rule(_ALL, "read"),
    Permission.ORG_MANAGE: Rule(_ADMIN, "admin", _HUB),
    Permission.AGREEMENT_READ: Rule(frozenset({Role.ADMIN, Role.AUDITOR}), "read", _HUB),
    Permission.AGREEMENT_MANAGE: Rule(_ADMIN, "admin", _HUB),
    Permission.ACCOUNT: Rule(_ALL, "read"),
    Permission.TOKEN_MANAGE: Rule(_ALL, "read"),
    Permission.REPORT_READ: Rule(_ALL, "read"),
    Permission.REPORT_WRITE: Rule(frozenset({Role.ADMIN, Role.ANALYST}), "write", _HUB),
    Permission.REPORT_APPROVE: Rule(frozenset({Role.ADMIN, Role.ANALYST}), "write", _HUB),
    Permission.REPORT_SEND: Rule(frozenset({Role.ADMIN, Role.ANALYST}), "write", _HUB),
    Permission.COMMUNITY_READ: Rule(_ALL, "read"),
    Permission.COMMUNITY_POST: Rule(_WRITERS, "write"),
    Permission.COMMUNITY_MODERATE: Rule(frozenset({Role.ADMIN, Role.ANALYST}), "write"),
}


def allowed(principal: Principal, permission: Permission) -> bool:
    """True if the principal's roles, token scopes and organisation kind allow `permission`."""
    rule = RULES[permission]
    if principal.user is None or rule.scope not in principal.scopes:
        return False
    if rule.kinds is not None and principal.org.kind not in rule.kinds:
        return False
    return principal.user.has(*rule.roles)


def require(principal: Principal, permission: Permission) -> None:
    """Raise PermissionDenied unless `permission` is allowed."""
    if not allowed(principal, permission):
        raise PermissionDenied(f"your roles or token do not allow {permission.value}")


def needs(permission: Permission) -> Callable[[F], F]:
    """Mark a route endpoint or CLI command with the permission its services require."""
    def mark(entry: F) -> F:
        entry.permission = permission  # type: ignore[attr-defined]
        return entry
    return mark


def needed_by(entry: Callable[..., Any]) -> Permission | None:
    """The permission an entry point was marked with, None for public or operator ones."""
    found = getattr(entry, "permission", None)
    return found if isinstance(found, Permission) else None
