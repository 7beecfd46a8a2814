"""Organisations and users of the network."""

from __future__ import annotations

import re

from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import Organisation, OrgKind, Principal, Role, User
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import Conflict, InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.i18n import LANGUAGES
from cyberfusion.services import audit
from cyberfusion.services.auth import hash_password
from cyberfusion.services.context import Context

_ORG_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_USERNAME = re.compile(r"^[a-zA-Z0-9._@-]{2,128}$")


def create_org(ctx: Context, principal: Principal | None, org: Organisation) -> Organisation:
    """Add an organisation (hub admins, or the operator's CLI when `principal` is None)."""
    if principal is not None:
        require(principal, Permission.ORG_MANAGE)
    issues = _org_issues(org)
    if issues:
        raise InvalidInput("the organisation is not valid", issues)
    with ctx.db.write() as tx:
        if tx.orgs.get(org.id):
            raise Conflict(f"organisation {org.id!r} exists already")
        if org.parent_id is not None and tx.orgs.get(org.parent_id) is None:
            raise InvalidInput("unknown parent", [Issue("parent_id", "no such organisation")])
        tx.orgs.add(org, ctx.now())
        audit.record(tx, ctx, principal, AuditAction.ORG_CREATE, "org", org.id, org.id,
                     {"kind": org.kind.value, "country": org.country})
    return org


def _org_issues(org: Organisation) -> list[Issue]:
    issues = []
    if not _ORG_ID.match(org.id):
        issues.append(Issue("id", "lower-case letters, digits, '.', '_' or '-', up to 64"))
    if not org.name.strip():
        issues.append(Issue("name", "must not be empty"))
    if org.kind in (OrgKind.NCB, OrgKind.UNIT) and not org.country:
        issues.append(Issue("country", f"a {org.kind.value} belongs to a country"))
    if org.country and not re.fullmatch(r"[A-Z]{2}", org.country):
        issues.append(Issue("country", "ISO 3166 alpha-2, upper case"))
    if org.kind is OrgKind.UNIT and not org.parent_id:
        issues.append(Issue("parent_id", "a unit belongs to its country's NCB"))
    return issues


def list_orgs(ctx: Context, principal: Principal | None = None) -> list[Organisation]:
    """Every organisation (not secret to members); `principal` None: the operator or a form."""
    if principal is not None:
        require(principal, Permission.ORG_READ)
    with ctx.db.read() as tx:
        return tx.orgs.all()


def get_org(ctx: Context, org_id: str, principal: Principal | None = None) -> Organisation:
    """One organisation or NotFound (`principal` None: the operator's CLI)."""
    if principal is not None:
        require(principal, Permission.ORG_READ)
    with ctx.db.read() as tx:
        org = tx.orgs.get(org_id)
    if org is None:
        raise NotFound(f"no organisation {org_id!r}")
    return org


def create_user(
    ctx: Context,
    principal: Principal | None,
    username: str,
    org_id: str,
    roles: frozenset[Role],
    password: str,
    display_name: str = "",
) -> User:
    """Add a user (org admins for their own organisation; the CLI for any)."""
    if principal is not None:
        require(principal, Permission.USER_MANAGE)
        if principal.org_id != org_id:
            raise PermissionDenied("admins add users to their own organisation only")
    if not _USERNAME.match(username):
        raise InvalidInput("bad username", [Issue("username", "2-128 of letters, digits, ._@-")])
    if not roles:
        raise InvalidInput("no roles", [Issue("roles", "give at least one role")])
    password_hash = hash_password(ctx, password)
    with ctx.db.write() as tx:
        if tx.orgs.get(org_id) is None:
            raise InvalidInput("unknown organisation", [Issue("org_id", "no such organisation")])
        if tx.users.by_username(username):
            raise Conflict(f"user {username!r} exists already")
        user = tx.users.add(username, org_id, roles, password_hash, ctx.now(), display_name)
        audit.record(tx, ctx, principal, AuditAction.USER_CREATE, "user", user.id, org_id,
                     {"username": username, "roles": sorted(r.value for r in roles)})
    return user


def set_language(ctx: Context, principal: Principal, language: str) -> None:
    """Remember the language a person chose for the pages (ar, en, fr or es)."""
    if language not in LANGUAGES:
        raise InvalidInput("unknown language", [Issue("language", "one of ar, en, fr, es")])
    if principal.user is None:
        raise PermissionDenied("only a signed-in person has a language preference")
    with ctx.db.write() as tx:
        tx.users.set_language(principal.user.id, language)


def list_users(ctx: Context, principal: Principal | None, org_id: str = "") -> list[User]:
    """Users of the caller's own organisation (or of `org_id`, for the operator's CLI)."""
    if principal is not None:
        require(principal, Permission.USER_READ)
        org_id = principal.org_id
    with ctx.db.read() as tx:
        return tx.users.all(org_id)
