"""API: health, the caller, organisations, users, tokens, and token login."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from cyberfusion import __version__
from cyberfusion.domain.model import Organisation, OrgKind, Region, Role
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.common import Items
from cyberfusion.presenters.orgs import MeDoc, OrgDoc, UserDoc, me_json, org_json, user_json
from cyberfusion.presenters.tokens import IssuedTokenDoc, TokenDoc, issued_token_json, token_json
from cyberfusion.services import auth, orgs
from cyberfusion.web.deps import CtxDep, PrincipalDep, client_address
from cyberfusion.web.params import Id

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


class HealthDoc(TypedDict):
    """The server is up: its version and database dialect."""

    status: str
    version: str
    database: str


@router.get("/health")
def health(ctx: CtxDep) -> HealthDoc:
    """Liveness and which database is in use."""
    return {"status": "ok", "version": __version__, "database": ctx.db.engine.dialect.name}


@router.get("/me")
def me(principal: PrincipalDep) -> MeDoc:
    """The caller: user, organisation and token scopes."""
    return me_json(principal)


@router.get("/organisations")
@needs(Permission.ORG_READ)
def list_organisations(ctx: CtxDep, principal: PrincipalDep) -> Items[OrgDoc]:
    """The member directory."""
    return {"items": [org_json(o) for o in orgs.list_orgs(ctx, principal)]}


@router.get("/organisations/{org_id}")
@needs(Permission.ORG_READ)
def get_organisation(ctx: CtxDep, principal: PrincipalDep, org_id: str) -> OrgDoc:
    """One organisation."""
    return org_json(orgs.get_org(ctx, org_id, principal))


@router.post("/organisations", status_code=201)
@needs(Permission.ORG_MANAGE)
def create_organisation(ctx: CtxDep, principal: PrincipalDep, body: OrgIn) -> OrgDoc:
    """Add an organisation (hub administrators)."""
    org = Organisation(id=body.id, name=body.name, kind=body.kind, country=body.country,
                       region=body.region, parent_id=body.parent_id, timezone=body.timezone)
    return org_json(orgs.create_org(ctx, principal, org))


@router.get("/users")
@needs(Permission.USER_READ)
def list_users(ctx: CtxDep, principal: PrincipalDep) -> Items[UserDoc]:
    """Users of the caller's organisation."""
    return {"items": [user_json(u) for u in orgs.list_users(ctx, principal)]}


@router.post("/users", status_code=201)
@needs(Permission.USER_MANAGE)
def create_user(ctx: CtxDep, principal: PrincipalDep, body: UserIn) -> UserDoc:
    """Add a user to the caller's organisation (organisation administrators)."""
    user = orgs.create_user(ctx, principal, body.username, principal.org_id,
                            frozenset(body.roles), body.password, body.display_name)
    return user_json(user)


@router.get("/tokens")
@needs(Permission.TOKEN_MANAGE)
def list_tokens(ctx: CtxDep, principal: PrincipalDep) -> Items[TokenDoc]:
    """The caller's API tokens."""
    return {"items": [token_json(t) for t in auth.list_tokens(ctx, principal)]}


@router.post("/tokens", status_code=201)
@needs(Permission.TOKEN_MANAGE)
def create_token(ctx: CtxDep, principal: PrincipalDep, body: TokenIn) -> IssuedTokenDoc:
    """A new token; the secret is in this response only."""
    return issued_token_json(auth.issue_token(ctx, principal, body.name,
                                              frozenset(body.scopes), body.days))


@router.delete("/tokens/{token_id}", status_code=204)
@needs(Permission.TOKEN_MANAGE)
def revoke_token(ctx: CtxDep, principal: PrincipalDep, token_id: Id) -> Response:
    """Revoke one of the caller's tokens."""
    auth.revoke_token(ctx, principal, token_id)
    return Response(status_code=204)


@router.post("/auth/token", status_code=201)
def login_for_token(ctx: CtxDep, request: Request, body: LoginIn) -> IssuedTokenDoc:
    """Exchange username, password (and TOTP) for a token; throttled like the login page."""
    user = auth.login(ctx, body.username, body.password, body.totp, client_address(request))
    principal = auth.principal_of(ctx, user)
    return issued_token_json(auth.issue_token(ctx, principal, body.token_name,
                                              frozenset(body.scopes), body.days))
