"""API: TAXII sources — configure, list, remove, see runs, ask for a run."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request, Response

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.sources import draft_from_json
from cyberfusion.presenters.common import Items
from cyberfusion.presenters.sources import (
    SourceDoc,
    SourceRunDoc,
    SourceViewDoc,
    run_json,
    source_json,
    view_json,
)
from cyberfusion.services import imports, sources
from cyberfusion.services.context import Context
from cyberfusion.web.api.body import read_json
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep

router = APIRouter(prefix="/sources")


def options_of(defaults: dict[str, Any]) -> imports.ImportOptions:
    """The handling options of what arrives without ours."""
    def many(name: str, fallback: tuple[str, ...]) -> tuple[str, ...]:
        value = defaults.get(name)
        return tuple(str(v) for v in value) if isinstance(value, list) else fallback

    return imports.ImportOptions(
        codec="stix21", tlp=str(defaults.get("tlp", "amber")),
        release=many("release", ("members",)), partners=many("partners", ()),
        hit_policy=str(defaults.get("hit_policy", "hit")),
        purpose=str(defaults.get("purpose", "investigation")),
        tlp_floor=str(defaults.get("tlp_floor", "")))


_TEXT: dict[str, Any] = {"type": "string"}
# A source as `draft_from_json` reads it (credentials only by the environment variable's name).
SOURCE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["name", "api_root"],
                                    "properties": {
        "name": _TEXT, "direction": {"enum": ["pull", "push"]}, "api_root": _TEXT,
        "collection": _TEXT, "auth": _TEXT, "secret_env": _TEXT,
        "interval_seconds": {"type": "integer"}, "peer_org": _TEXT,
        "defaults": {"type": "object", "additionalProperties": _TEXT}}}}}}}

@router.get("")
@needs(Permission.SOURCE_READ)
def list_sources(ctx: CtxDep, principal: PrincipalDep) -> Items[SourceViewDoc]:
    """Your organisation's sources, each with its five newest runs."""
    return {"items": [view_json(v) for v in sources.listing(ctx, principal)]}


@router.post("", status_code=201, openapi_extra=SOURCE_BODY)
@needs(Permission.SOURCE_MANAGE)
async def add_source(ctx: CtxDep, principal: PrincipalDep, request: Request,
                     response: Response) -> SourceDoc:
    """Configure a source; credentials are named by an environment variable, never sent."""
    draft = draft_from_json(await read_json(request))
    source = await run_blocking(sources.add, ctx, principal, draft, options_of(draft.defaults))
    response.headers["Location"] = f"/api/v1/sources/{source.name}"
    return source_json(source)


@router.get("/{name}")
@needs(Permission.SOURCE_READ)
def get_source(ctx: CtxDep, principal: PrincipalDep, name: str) -> SourceDoc:
    """One source."""
    return source_json(sources.get(ctx, principal, name))


@router.delete("/{name}", status_code=204)
@needs(Permission.SOURCE_MANAGE)
def remove_source(ctx: CtxDep, principal: PrincipalDep, name: str) -> Response:
    """Forget a source with its runs and its record of pushed objects."""
    sources.remove(ctx, principal, name)
    return Response(status_code=204)


@router.get("/{name}/runs")
@needs(Permission.SOURCE_READ)
def source_runs(ctx: CtxDep, principal: PrincipalDep, name: str) -> Items[SourceRunDoc]:
    """The newest runs of one source, with counts and errors."""
    return {"items": [run_json(r) for r in sources.runs(ctx, principal, name)]}


def start_runs(request: Request, background: BackgroundTasks, ctx: Context) -> None:
    """Wake the source worker, or with none run due sources after the response."""
    worker = getattr(request.app.state, "source_worker", None)
    if worker is not None:
        worker.wake()
    else:
        background.add_task(sources.run_due, ctx)


@router.post("/{name}/run", status_code=202)
@needs(Permission.SOURCE_RUN)
def run_source(ctx: CtxDep, principal: PrincipalDep, name: str, request: Request,
               background: BackgroundTasks) -> SourceDoc:
    """Run a source (pull or push, as configured) now; its run appears under /runs."""
    source = sources.queue(ctx, principal, name)
    start_runs(request, background, ctx)
    return source_json(source)
