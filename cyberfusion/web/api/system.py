"""API: health, the caller, organisations, users, tokens, and token login."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from cyberfusion import __version__
from cyberfusion.domain.model import Organisation, OrgKind, Region, Role, StoredToken, User
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.services import auth, orgs
from cyberfusion.web.deps import CtxDep, PrincipalDep, client_address

router = APIRouter()


class OrgIn(BaseModel):
    """A new organisation."""

    id: str
    name: str
    kind: OrgKind
    country: str | None = None
    region: Region | None = None
    parent_id: str | None = None
    timezone: str = "UTC"


class UserIn(BaseModel):
    """A new user of the caller's organisation."""

    username: str
    password: str
    roles: list[Role] = Field(min_length=1)
    display_name: str = ""


class TokenIn(BaseModel):
    """A new API token of the caller."""

    name: str = Field(min_length=1, max_length=200)
    scopes: list[str] = ["read"]
    days: int = 90


class LoginIn(BaseModel):
    """Username, password and (if enabled) TOTP code, for a token."""

    username: str
    password: str
    totp: str = ""
    token_name: str = "api"
    scopes: list[str] = ["read", "write"]
    days: int = 30


def org_json(org: Organisation) -> dict[str, Any]:
    """An organisation as the API shows it."""
    return {"id": org.id, "name": org.name, "kind": org.kind.value, "country": org.country,
            "region": org.region.value if org.region else None, "parent_id": org.parent_id,
            "timezone": org.timezone}


def user_json(user: User) -> dict[str, Any]:
    """A user without secrets."""
    return {"id": user.id, "username": user.username, "org_id": user.org_id,
            "roles": sorted(r.value for r in user.roles), "display_name": user.display_name,
            "active": user.active, "totp_enabled": user.totp_enabled}


def token_json(token: StoredToken) -> dict[str, Any]:
    """Token metadata (never the secret)."""
    return {"id": token.id, "name": token.name, "prefix": token.prefix,
            "scopes": sorted(token.scopes), "created_at": token.created_at.isoformat(),
            "expires_at": token.expires_at.isoformat(),
            "revoked": token.revoked_at is not None,
            "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None}


@router.get("/health")
def health(ctx: CtxDep) -> dict[str, str]:
    """Liveness and which database is in use."""
    return {"status": "ok", "version": __version__, "database": ctx.db.engine.dialect.name}


@router.get("/me")
def me(principal: PrincipalDep) -> dict[str, Any]:
    """The caller: user, organisation and token scopes."""
    user = user_json(principal.user) if principal.user else None
    return {"user": user, "organisation": org_json(principal.org),
            "scopes": sorted(principal.scopes)}


@router.get("/organisations")
@needs(Permission.ORG_READ)
def list_organisations(ctx: CtxDep, principal: PrincipalDep) -> dict[str, Any]:
    """The member directory."""
    return {"items": [org_json(o) for o in orgs.list_orgs(ctx, principal)]}


@router.get("/organisations/{org_id}")
@needs(Permission.ORG_READ)
def get_organisation(ctx: CtxDep, principal: PrincipalDep, org_id: str) -> dict[str, Any]:
    """One organisation."""
    return org_json(orgs.get_org(ctx, org_id, principal))


@router.post("/organisations", status_code=201)
@needs(Permission.ORG_MANAGE)
def create_organisation(ctx: CtxDep, principal: PrincipalDep, body: OrgIn) -> dict[str, Any]:
    """Add an organisation (hub administrators)."""
    org = Organisation(id=body.id, name=body.name, kind=body.kind, country=body.country,
                       region=body.region, parent_id=body.parent_id, timezone=body.timezone)
    return org_json(orgs.create_org(ctx, principal, org))


@router.get("/users")
@needs(Permission.USER_READ)
def list_users(ctx: CtxDep, principal: PrincipalDep) -> dict[str, Any]:
    """Users of the caller's organisation."""
    return {"items": [user_json(u) for u in orgs.list_users(ctx, principal)]}


@router.post("/users", status_code=201)
@needs(Permission.USER_MANAGE)
def create_user(ctx: CtxDep, principal: PrincipalDep, body: UserIn) -> dict[str, Any]:
    """Add a user to the caller's organisation (organisation administrators)."""
    user = orgs.create_user(ctx, principal, body.username, principal.org_id,
                            frozenset(body.roles), body.password, body.display_name)
    return user_json(user)


@router.get("/tokens")
@needs(Permission.TOKEN_MANAGE)
def list_tokens(ctx: CtxDep, principal: PrincipalDep) -> dict[str, Any]:
    """The caller's API tokens."""
    return {"items": [token_json(t) for t in auth.list_tokens(ctx, principal)]}


@router.post("/tokens", status_code=201)
@needs(Permission.TOKEN_MANAGE)
def create_token(ctx: CtxDep, principal: PrincipalDep, body: TokenIn) -> dict[str, Any]:
    """A new token; the secret is in this response only."""
    issued = auth.issue_token(ctx, principal, body.name, frozenset(body.scopes), body.days)
    return {**token_json(issued.token), "secret": issued.secret}


@router.delete("/tokens/{token_id}", status_code=204)
@needs(Permission.TOKEN_MANAGE)
def revoke_token(ctx: CtxDep, principal: PrincipalDep, token_id: int) -> Response:
    """Revoke one of the caller's tokens."""
    auth.revoke_token(ctx, principal, token_id)
    return Response(status_code=204)


@router.post("/auth/token", status_code=201)
def login_for_token(ctx: CtxDep, request: Request, body: LoginIn) -> dict[str, Any]:
    """Exchange username, password (and TOTP) for a token; throttled like the login page."""
    user = auth.login(ctx, body.username, body.password, body.totp, client_address(request))
    principal = auth.principal_of(ctx, user)
    issued = auth.issue_token(ctx, principal, body.token_name, frozenset(body.scopes), body.days)
    return {**token_json(issued.token), "secret": issued.secret}
