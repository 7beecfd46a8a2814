"""Pages for TAXII sources: the organisation's sources with their runs, and "run now"."""

from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.permissions import Permission, allowed, needs
from cyberfusion.services import sources
from cyberfusion.web.api.sources import start_runs
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)


@router.get("/sources")
@needs(Permission.SOURCE_READ)
def sources_page(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Each source (where, how often, its bookmark) with its newest runs and their counts."""
    views = sources.listing(ctx, principal, runs_per_source=10)
    return page(request, "sources/list.html", TLP.AMBER, principal, views=views,
                can_run=allowed(principal, Permission.SOURCE_RUN))


@router.post("/sources/{name}/run")
@needs(Permission.SOURCE_RUN)
def run_now(request: Request, background: BackgroundTasks, ctx: CtxDep,
            principal: UiPrincipal, _csrf: CsrfChecked, name: str) -> Response:
    """Ask for a run of one source now; the page shows it when it is recorded."""
    sources.queue(ctx, principal, name)
    start_runs(request, background, ctx)
    return RedirectResponse("/sources", status_code=303)
