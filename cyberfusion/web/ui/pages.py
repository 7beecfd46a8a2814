"""Server-rendered pages: login, dashboard, cases, case, search, organisations, audit."""

from __future__ import annotations

import secrets
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.dashboard import DEFAULT_MONTHS, MAX_MONTHS
from cyberfusion.domain.handling import TLP, strictest_tlp
from cyberfusion.domain.model import CrimeType, Principal, Role, User
from cyberfusion.domain.observables import ObservableType
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.errors import (
    AuthenticationFailed,
    CyberfusionError,
    InvalidInput,
    PermissionDenied,
    TooManyRequests,
)
from cyberfusion.services import audit, auth, cases, knowledge, orgs, retention, search
from cyberfusion.services import dashboard as dashboard_service
from cyberfusion.web.api.cases import filters_from
from cyberfusion.web.deps import (
    SESSION_COOKIE,
    CtxDep,
    client_address,
    secure_cookie,
    session_principal,
)
from cyberfusion.web.params import Id, Offset, OptionalCursor
from cyberfusion.web.ui.dashboard_tables import figure_tables
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
LOGIN_CSRF = "cf_login_csrf"


class LoginRequired(AuthenticationFailed):
    """Raised by page dependencies; the UI error handler redirects to /login."""


def ui_principal(request: Request, ctx: CtxDep) -> Principal:
    """The logged-in principal, or LoginRequired."""
    found = session_principal(request, ctx)
    if found is None:
        raise LoginRequired("please log in")
    return found[0]


UiPrincipal = Annotated[Principal, Depends(ui_principal)]



def check_csrf(request: Request, ctx: CtxDep, csrf_token: str) -> None:
    """Refuse a form post whose CSRF token does not match the session's."""
    found = session_principal(request, ctx)
    if found is None or not auth.csrf_ok(found[1], csrf_token):
        raise PermissionDenied("the form expired or did not come from this site; reload it")


def csrf_checked(request: Request, ctx: CtxDep,
                 csrf_token: Annotated[str, Form()] = "") -> None:
    """A form post's dependency (after its principal): `check_csrf` on its `csrf_token`."""
    check_csrf(request, ctx, csrf_token)


CsrfChecked = Annotated[None, Depends(csrf_checked)]


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The login form, with a fresh double-submit CSRF token."""
    token = secrets.token_urlsafe(24)
    response = page(request, "login.html", TLP.CLEAR, None, login_csrf=token,
                    next=_safe_next(next), username="", error="")
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict",
                        secure=secure_cookie(request, request.app.state.ctx.settings))
    return response


@router.post("/login")
def login(
    request: Request, ctx: CtxDep, username: Annotated[str, Form()],
    password: Annotated[str, Form()], csrf_token: Annotated[str, Form()],
    totp: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/",
) -> Response:
    """Check credentials, open a session, go on to `next`."""
    if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF, ""), csrf_token):
        raise PermissionDenied("the login form expired; reload it")
    try:
        user = auth.login(ctx, username, password, totp, client_address(request))
    except (AuthenticationFailed, TooManyRequests) as exc:
        response = page(request, "login.html", TLP.CLEAR, None, status=exc.status,
                        login_csrf=csrf_token, next=_safe_next(next), username=username,
                        error=_login_error(exc))
        if isinstance(exc, TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response
    session = auth.start_session(ctx, user)
    response = RedirectResponse(_landing(user, _safe_next(next)), status_code=303)
    response.set_cookie(SESSION_COOKIE, session.cookie, httponly=True, samesite="lax",
                        secure=secure_cookie(request, ctx.settings),
                        max_age=ctx.settings.session_hours * 3600)
    response.delete_cookie(LOGIN_CSRF)
    return response


def _login_error(exc: AuthenticationFailed | TooManyRequests) -> str:
    """What the login form says after a refused attempt (with the wait when throttled)."""
    if isinstance(exc, TooManyRequests):
        return f"{exc.detail} (in {exc.retry_after} seconds)"
    return exc.detail


@router.post("/logout")
def logout(request: Request, ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked) -> Response:
    """End the session."""
    auth.end_session(ctx, request.cookies.get(SESSION_COOKIE, ""), principal)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def _landing(user: User, target: str) -> str:
    """Where a login goes: the asked page, else a duty officer's inbox (requests wait there)."""
    if target == "/" and Role.DUTY_OFFICER in user.roles:
        return "/inbox"
    return target


def _safe_next(target: str) -> str:
    """Only same-site paths; never `//host` or a scheme."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/")
@needs(Permission.CASE_READ)
def dashboard(request: Request, ctx: CtxDep, principal: UiPrincipal,
              months: Annotated[int, Query(ge=1, le=MAX_MONTHS)] = DEFAULT_MONTHS) -> Response:
    """Counts, monthly series, response times and recent cases, all filtered by the access
    decision."""
    board = dashboard_service.dashboard(ctx, principal, months)
    recent = cases.list_cases(ctx, principal, filters_from(), 0, 10).items
    due = retention.reviews_due(ctx, principal, 30, 20)
    tlp = strictest_tlp((c.handling.tlp for c in [*recent, *due]), TLP.AMBER)
    return page(request, "dashboard.html", tlp, principal, board=board, cases=recent, due=due,
                table=figure_tables(board))


@router.post("/cases/{case_id}/review")
@needs(Permission.RETENTION_CONFIRM)
def confirm_review(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
                   case_id: Id) -> Response:
    """The owner confirms a case is still needed for the full review term."""
    retention.confirm_review(ctx, principal, case_id)
    return RedirectResponse("/", status_code=303)


@router.get("/cases")
@needs(Permission.CASE_READ)
def case_list(
    request: Request, ctx: CtxDep, principal: UiPrincipal, q: str = "", crime_type: str = "",
    country: str = "", owner: str = "", tlp: str = "", offset: Offset = 0,
    include_revoked: bool = False,
) -> Response:
    """The case list with text search, filters and paging (withdrawn cases on request)."""
    f = filters_from(q, crime_type, country, owner, tlp, include_revoked)
    result = cases.list_cases(ctx, principal, f, offset, 50)
    params = {"q": q, "crime_type": crime_type, "country": country, "owner": owner, "tlp": tlp,
              "include_revoked": "true" if include_revoked else ""}
    base = {k: v for k, v in params.items() if v}
    return page(
        request, "cases.html", strictest_tlp(c.handling.tlp for c in result.items), principal,
        page=result, cases=result.items, f=f, crime_types=list(CrimeType), tlps=list(TLP),
        orgs=orgs.list_orgs(ctx),
        prev_url="/cases?" + urlencode({**base, "offset": max(0, offset - 50)}),
        next_url="/cases?" + urlencode({**base, "offset": offset + 50}),
    )


@router.get("/search")
@needs(Permission.SEARCH)
def search_page(request: Request, ctx: CtxDep, principal: UiPrincipal, value: str = "",
                type: str = "") -> Response:
    """Who holds this value: readable cases and per-owner hits; entities named like it."""
    answer, error = None, ""
    named = (knowledge.find_entities(ctx, principal, value) if value.strip() and not type
             and allowed(principal, Permission.ENTITY_READ) else [])
    if value.strip():
        try:
            answer = search.search_value(ctx, principal, value, type or None)
        except InvalidInput as exc:
            error = "; ".join(i.message for i in exc.issues) or exc.detail
    tlp = strictest_tlp([*(m.tlp for m in answer.full), *(e.tlp for e in named)]
                        if answer else (e.tlp for e in named))
    return page(request, "search.html", tlp, principal, answer=answer, error=error,
                value=value, type=type, types=list(ObservableType), entities=named)


@router.get("/observable")
@needs(Permission.SEARCH)
def observable_page(request: Request, ctx: CtxDep, principal: UiPrincipal, value: str,
                    type: str = "") -> Response:
    """The observable page: the same answer as a search for that value."""
    return search_page(request, ctx, principal, value, type)


@router.get("/organisations")
@needs(Permission.ORG_READ)
def organisations(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """The member directory."""
    return page(request, "organisations.html", TLP.GREEN, principal,
                orgs=orgs.list_orgs(ctx, principal))


@router.get("/audit")
@needs(Permission.AUDIT_READ)
def audit_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
               before: OptionalCursor = None, use: int = 0) -> Response:
    """The organisation's own audit trail, or only others' use of its data."""
    actions = audit.USE_OF_DATA if use else None
    events = audit.org_trail(ctx, principal, actions, before, 100)
    if use:
        events = [e for e in events if e.actor_org_id != principal.org_id]
    return page(request, "audit.html", TLP.AMBER, principal, events=events, use_only=bool(use))


def render_error(request: Request, exc: CyberfusionError) -> Response:
    """Errors on pages: a login redirect, or an error page with the located issues."""
    if isinstance(exc, AuthenticationFailed) and request.method == "GET":
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), 303)
    session = getattr(request.state, "session", None)
    principal = session[0] if session else None
    return page(request, "error.html", TLP.CLEAR, principal, status=exc.status,
                title=exc.title, detail=exc.detail, issues=exc.issues)
