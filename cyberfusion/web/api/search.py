"""API: who holds this value, autocomplete, dashboard counts, and case export."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from cyberfusion.formats import base
from cyberfusion.presenters.cases import case_json
from cyberfusion.presenters.search import dashboard_json, search_answer_json
from cyberfusion.services import exports, search
from cyberfusion.web.api.cases import filters_from
from cyberfusion.web.deps import CtxDep, PrincipalDep, api_principal

router = APIRouter()


@router.get("/search", response_model=None)
async def search_value(
    request: Request, ctx: CtxDep, value: str, type: str | None = None,
    purpose: str = "investigation",
) -> dict[str, Any]:
    """Who holds this value: readable cases in full, others as 'held by <owner>'.

    The hot path of the API: authentication and the search share one worker-thread hop
    (a sync dependency, a sync endpoint and response validation would take three).
    """
    def authenticated_search() -> dict[str, Any]:
        principal = api_principal(request, ctx)
        return search_answer_json(search.search_value(ctx, principal, value, type, purpose))

    return await run_in_threadpool(authenticated_search)


@router.get("/autocomplete")
def autocomplete(
    ctx: CtxDep, principal: PrincipalDep, prefix: str,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> dict[str, Any]:
    """Completions drawn from readable cases only."""
    return {"items": search.autocomplete(ctx, principal, prefix, limit)}


@router.get("/stats")
def stats(ctx: CtxDep, principal: PrincipalDep) -> dict[str, Any]:
    """Dashboard counts over what the caller may read."""
    return dashboard_json(search.dashboard(ctx, principal))


@router.get("/export/cases")
def export_cases(
    ctx: CtxDep, principal: PrincipalDep, format: str = "jsonl", q: str = "",
    crime_type: str = "", country: str = "", owner: str = "", tlp: str = "",
) -> StreamingResponse:
    """Every readable case matching the filters, in any export format (audited)."""
    f = filters_from(q, crime_type, country, owner, tlp)
    found = exports.export_cases(ctx, principal, f, format)
    if format == exports.JSONL:
        lines = (json.dumps(case_json(c)) + "\n" for c in found.cases)
        return StreamingResponse(lines, media_type="application/x-ndjson",
                                 headers=_attach("jsonl"))
    exporter = base.EXPORTERS[format]()
    return StreamingResponse(exporter.export(found.cases, found.context),
                             media_type=exporter.media_type,
                             headers=_attach(exporter.extension))


def _attach(ext: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="cases.{ext}"'}
