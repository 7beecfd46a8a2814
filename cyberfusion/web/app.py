"""`create_app(ctx)`: the FastAPI application with API, UI and static files; no module-level app."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from cyberfusion import __version__
from cyberfusion.jobs.channel import Sweeper
from cyberfusion.jobs.checkpoint import CheckpointWorker
from cyberfusion.jobs.imports import ImportWorkers
from cyberfusion.jobs.networks import NetworkWorker
from cyberfusion.jobs.retention import RetentionWorker
from cyberfusion.jobs.sources import SourceWorker
from cyberfusion.services.context import Context, utcnow
from cyberfusion.services.flags import matcher_for
from cyberfusion.web import openapi_doc, problems
from cyberfusion.web.api import (
    agreements,
    audit,
    bulletins,
    cases,
    channel,
    communities,
    directory,
    entities,
    exports,
    imports,
    incidents,
    operations,
    search,
    system,
)
from cyberfusion.web.api import hits as hits_api
from cyberfusion.web.api import lookups as lookups_api
from cyberfusion.web.api import networks as networks_api
from cyberfusion.web.api import reports as reports_api
from cyberfusion.web.api import sources as sources_api
from cyberfusion.web.middleware import BodyLimit, SecurityHeaders
from cyberfusion.web.taxii import routes as taxii_routes
from cyberfusion.web.ui import (
    account_pages,
    agreement_pages,
    bulletin_pages,
    case_form,
    case_pages,
    channel_pages,
    community_pages,
    entity_pages,
    hit_pages,
    import_pages,
    incident_pages,
    language_pages,
    network_pages,
    operation_pages,
    pages,
    report_pages,
    settings_pages,
    source_pages,
)

STATIC = Path(__file__).parent / "ui" / "static"


def api_router() -> APIRouter:
    """Everything under /api/v1."""
    router = APIRouter(prefix="/api/v1")
    for module in (system, cases, search, exports, audit, imports, channel, directory,
                   hits_api, lookups_api, networks_api, entities, bulletins, incidents,
                   sources_api, reports_api, agreements, operations,
                   communities):
        router.include_router(module.router)
    router.include_router(cases.reviews_router)
    return router


class Worker(Protocol):
    """A background loop the application starts and stops with itself."""

    def start(self) -> None: ...

    def stop(self, timeout: float = 10.0) -> None: ...


def background_workers(app: FastAPI, ctx: Context) -> list[Worker]:
    """The loops this instance runs (import jobs, …), as the settings ask."""
    workers: list[Worker] = []
    if ctx.settings.import_workers > 0:
        app.state.import_worker = ImportWorkers(ctx, ctx.settings.import_workers)
        workers.append(app.state.import_worker)
    # The channel sweep runs on the real clock only: a context whose clock a test or tool
    # drives sweeps by calling `jobs.channel.run_once` itself.
    if ctx.settings.sweep_interval_seconds > 0 and ctx.clock is utcnow:
        workers.append(Sweeper(ctx, ctx.settings.sweep_interval_seconds))
    if ctx.db.is_sqlite and ctx.settings.sqlite_checkpoint_seconds > 0:
        workers.append(CheckpointWorker(ctx, ctx.settings.sqlite_checkpoint_seconds))
    # Retention runs on the real clock too (tests call jobs.retention.sweep with theirs).
    if ctx.settings.retention_sweep_hours > 0 and ctx.clock is utcnow:
        workers.append(RetentionWorker(ctx, ctx.settings.retention_sweep_hours * 3600))
    # Scheduled TAXII pulls and pushes run on the real clock (tests run sources directly).
    if ctx.settings.source_poll_seconds > 0 and ctx.clock is utcnow:
        app.state.source_worker = SourceWorker(ctx, ctx.settings.source_poll_seconds)
        workers.append(app.state.source_worker)
    # Networks follow imports incrementally on the real clock (tests call jobs.networks).
    if ctx.clock is utcnow:
        workers.append(NetworkWorker(ctx))
    return workers


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the background workers with the server and stop them with it."""
    ctx: Context = app.state.ctx
    workers = background_workers(app, ctx)
    for worker in workers:
        worker.start()
    if ctx.clock is utcnow and ctx.settings.warninglists:
        # Map (or build) the warning lists now, off the request path: the first case
        # written waits for this one load instead of paying for it inside its transaction.
        threading.Thread(target=matcher_for, args=(ctx,), name="cyberfusion-warninglists",
                         daemon=True).start()
    yield
    for worker in workers:
        worker.stop()


def create_app(ctx: Context) -> FastAPI:
    """Build the application around an already-built service Context."""
    app = FastAPI(
        title="cyberfusion",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    problems.install(app, html=pages.render_error)
    app.include_router(api_router())
    app.include_router(taxii_routes.router)
    app.include_router(case_form.router)
    app.include_router(case_pages.router)
    app.include_router(pages.router)
    app.include_router(language_pages.router)
    app.include_router(import_pages.router)
    app.include_router(source_pages.router)
    app.include_router(channel_pages.router)
    app.include_router(settings_pages.router)
    app.include_router(account_pages.router)
    app.include_router(hit_pages.router)
    app.include_router(network_pages.router)
    app.include_router(entity_pages.router)
    app.include_router(bulletin_pages.public_router)
    app.include_router(bulletin_pages.router)
    app.include_router(incident_pages.router)
    app.include_router(operation_pages.router)
    app.include_router(community_pages.router)
    app.include_router(report_pages.router)
    app.include_router(agreement_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(BodyLimit, limit=ctx.settings.max_body_bytes)
    app.add_middleware(SecurityHeaders)
    openapi_doc.install(app)
    return app
