"""Pages for TAXII sources: the organisation's sources with their runs, "run now", and for
administrators a form to configure a source and a button to remove one."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.domain.sources import AuthKind, Direction, draft_from_json
from cyberfusion.errors import InvalidInput
from cyberfusion.services import sources
from cyberfusion.services.context import Context
from cyberfusion.web.api.sources import options_of, start_runs
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)


def _render(request: Request, ctx: Context, principal: Principal, status: int = 200,
            **values: Any) -> Response:
    views = sources.listing(ctx, principal, runs_per_source=10)
    return page(request, "sources/list.html", TLP.AMBER, principal, status=status,
                views=views, can_run=allowed(principal, Permission.SOURCE_RUN),
                can_manage=allowed(principal, Permission.SOURCE_MANAGE),
                directions=list(Direction), auths=list(AuthKind),
                **{"issues": [], "form": {}, **values})


@router.get("/sources")
@needs(Permission.SOURCE_READ)
def sources_page(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Each source (where, how often, its bookmark) with its newest runs and their counts."""
    return _render(request, ctx, principal)


@router.post("/sources")
@needs(Permission.SOURCE_MANAGE)
async def add_source(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Configure a source from the form; a bad field comes back located, the form filled in."""
    return await run_blocking(_add, request, ctx, principal, await request.form())


def _add(request: Request, ctx: Context, principal: Principal, form: FormData) -> Response:
    check_csrf(request, ctx, str(form.get("csrf_token", "")))
    try:
        draft = draft_from_json(_document(form))
        sources.add(ctx, principal, draft, options_of(draft.defaults))
    except InvalidInput as exc:
        echo = {k: str(v) for k, v in form.items() if k != "csrf_token"}
        return _render(request, ctx, principal, status=422, issues=exc.issues, form=echo)
    return RedirectResponse("/sources", status_code=303)


def _document(form: FormData) -> dict[str, Any]:
    """The source document the form's fields describe (as the API takes it)."""
    text = {k: str(form.get(k, "")).strip() for k in (
        "name", "direction", "api_root", "collection", "auth", "secret_env", "peer_org")}
    interval = str(form.get("interval_seconds", "") or "0").strip()
    defaults = {"tlp": str(form.get("tlp", "amber")),
                "release": [r.strip() for r in str(form.get("release", "")).split(",")
                            if r.strip()] or ["members"]}
    return {**text, "interval_seconds": int(interval) if interval.isdigit() else -1,
            "defaults": defaults}


@router.post("/sources/{name}/remove")
@needs(Permission.SOURCE_MANAGE)
def remove_source(request: Request, ctx: CtxDep, principal: UiPrincipal,
                  _csrf: CsrfChecked, name: str) -> Response:
    """Forget a source with its runs; what it landed stays in the pool."""
    sources.remove(ctx, principal, name)
    return RedirectResponse("/sources", status_code=303)


@router.post("/sources/{name}/run")
@needs(Permission.SOURCE_RUN)
def run_now(request: Request, background: BackgroundTasks, ctx: CtxDep,
            principal: UiPrincipal, _csrf: CsrfChecked, name: str) -> Response:
    """Ask for a run of one source now; the page shows it when it is recorded."""
    sources.queue(ctx, principal, name)
    start_runs(request, background, ctx)
    return RedirectResponse("/sources", status_code=303)
