"""API: who holds this value, autocomplete and dashboard counts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from cyberfusion.domain.dashboard import DEFAULT_MONTHS, MAX_MONTHS
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.presenters.common import Items
from cyberfusion.presenters.dashboard import DashboardDoc, dashboard_json
from cyberfusion.presenters.search import SearchAnswerDoc, search_answer_json
from cyberfusion.services import dashboard, search
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep, api_principal

router = APIRouter()


@router.get("/search", response_model=None, responses={200: {"model": SearchAnswerDoc}})
@needs(Permission.SEARCH)
async def search_value(
    request: Request, ctx: CtxDep, value: str, type: str | None = None,
    purpose: str = "investigation",
) -> SearchAnswerDoc:
    """Who holds this value: readable cases in full, others as 'held by <owner>'.

    The hot path of the API: authentication and the search share one worker-thread hop
    (a sync dependency, a sync endpoint and response validation would take three), so the
    answer's model is documented (`responses`) but not validated (`response_model=None`).
    """
    def authenticated_search() -> SearchAnswerDoc:
        principal = api_principal(request, ctx)
        return search_answer_json(search.search_value(ctx, principal, value, type, purpose))

    return await run_blocking(authenticated_search)


@router.get("/autocomplete")
@needs(Permission.SEARCH)
def autocomplete(
    ctx: CtxDep, principal: PrincipalDep, prefix: str,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Items[str]:
    """Completions drawn from readable cases only."""
    return {"items": search.autocomplete(ctx, principal, prefix, limit)}


@router.get("/stats")
@needs(Permission.CASE_READ)
def stats(ctx: CtxDep, principal: PrincipalDep,
          months: Annotated[int, Query(ge=1, le=MAX_MONTHS)] = DEFAULT_MONTHS) -> DashboardDoc:
    """Dashboard figures over what the caller may read: counts, monthly series of cases per
    crime type and region and of hits, disclosure and request response times."""
    return dashboard_json(dashboard.dashboard(ctx, principal, months))
