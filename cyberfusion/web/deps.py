"""Request dependencies: the service context and the calling principal (token or session)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from cyberfusion.config import Settings
from cyberfusion.domain.model import Principal
from cyberfusion.errors import AuthenticationFailed, PermissionDenied
from cyberfusion.services import auth
from cyberfusion.services.context import Context

SESSION_COOKIE = "cf_session"
CSRF_HEADER = "x-csrf-token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


async def get_ctx(request: Request) -> Context:
    """The Context built by `create_app` (async: no worker thread needed to read it)."""
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(get_ctx)]


def session_principal(request: Request, ctx: Context) -> tuple[Principal, str] | None:
    """(principal, CSRF token) of the request's session cookie, cached on the request."""
    if hasattr(request.state, "session"):
        cached: tuple[Principal, str] | None = request.state.session
        return cached
    cookie = request.cookies.get(SESSION_COOKIE, "")
    found = auth.resolve_session(ctx, cookie) if cookie else None
    request.state.session = found
    return found


def api_principal(request: Request, ctx: CtxDep) -> Principal:
    """Bearer token, or a session cookie plus the CSRF header on unsafe methods."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() == "bearer" and secret:
        return auth.principal_from_token(ctx, secret.strip())
    found = session_principal(request, ctx)
    if found is None:
        raise AuthenticationFailed("send Authorization: Bearer <token>, or log in")
    principal, csrf = found
    if request.method in UNSAFE and not auth.csrf_ok(csrf, request.headers.get(CSRF_HEADER, "")):
        raise PermissionDenied("missing or wrong X-CSRF-Token header for a session request")
    return principal


PrincipalDep = Annotated[Principal, Depends(api_principal)]


def over_https(request: Request, settings: Settings) -> bool:
    """Whether the browser reached us over HTTPS: the scheme, or a trusted proxy's word."""
    if request.url.scheme == "https":
        return True
    if not settings.trust_proxy_headers:
        return False
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    first = request.headers.get("forwarded", "").split(",")[0].replace('"', "").lower()
    proto = [p.strip() for p in first.split(";") if p.strip().startswith("proto=")]
    return forwarded == "https" or proto == ["proto=https"]


def secure_cookie(request: Request, settings: Settings) -> bool:
    """The `Secure` flag of the cookies we set (`cookie_secure`: auto, always or never)."""
    if settings.cookie_secure == "auto":
        return over_https(request, settings)
    return settings.cookie_secure == "always"


def client_address(request: Request) -> str:
    """The peer address used for login throttling."""
    return request.client.host if request.client else "unknown"
