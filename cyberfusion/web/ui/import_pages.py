"""Pages for imports: upload with handling defaults, preview before landing, job status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.handling import TLP, HitPolicy, Purpose, strictest_tlp
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats import base
from cyberfusion.services import imports
from cyberfusion.web.api.imports import start_job
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Id
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)


@router.get("/imports")
@needs(Permission.IMPORT_READ)
def imports_page(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """The upload form and the organisation's recent imports."""
    base.load_builtins()
    return page(request, "imports/list.html", TLP.AMBER, principal,
                jobs=imports.list_jobs(ctx, principal, 50), codecs=sorted(base.CODECS),
                tlps=list(TLP), policies=list(HitPolicy), purposes=list(Purpose))


@router.post("/imports")
@needs(Permission.IMPORT)
def upload(
    ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, file: UploadFile,
    codec: Annotated[str, Form()] = "", tlp: Annotated[str, Form()] = "amber",
    tlp_floor: Annotated[str, Form()] = "",
    release: Annotated[str, Form()] = "members", partners: Annotated[str, Form()] = "",
    hit_policy: Annotated[str, Form()] = "hit", purpose: Annotated[str, Form()] = "investigation",
) -> Response:
    """Keep the upload as a held job and show its preview."""
    if not file.filename:
        raise InvalidInput("no file", [Issue("file", "choose a file to import")])
    options = imports.ImportOptions(codec=codec or None, tlp=tlp, tlp_floor=tlp_floor,
                                   release=_split(release),
                                   partners=_split(partners), hit_policy=hit_policy,
                                   purpose=purpose)
    job = imports.submit(ctx, principal, file.filename, file.file, options, hold=True)
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.replace("\n", ",").split(",") if p.strip())


@router.get("/imports/{job_id}")
@needs(Permission.IMPORT_READ)
def job_page(request: Request, ctx: CtxDep, principal: UiPrincipal, job_id: Id) -> Response:
    """A held job's preview, or a running/finished job's counts and issues."""
    job = imports.get_job(ctx, principal, job_id)
    preview = imports.preview_job(ctx, principal, job_id) if job.status == "held" else None
    issues = imports.job_issues(ctx, principal, job_id, 0, 500)
    landed = (imports.landed_cases(ctx, principal, job_id)
              if job.status in ("done", "partial") else None)
    levels = [c["handling"].tlp for c in preview.cases] if preview else []
    levels += [c.handling.tlp for c in landed.items] if landed else []
    return page(request, "imports/job.html", strictest_tlp(levels, TLP.AMBER), principal, job=job,
                preview=preview, issues=preview.issues if preview else issues,
                refresh=job.status in ("pending", "running"), landed=landed)


@router.post("/imports/{job_id}/start")
@needs(Permission.IMPORT)
def start(request: Request, background: BackgroundTasks, ctx: CtxDep, principal: UiPrincipal,
          _csrf: CsrfChecked, job_id: Id, reviewed: Annotated[str, Form()] = "",
          keep: Annotated[list[str] | None, Form()] = None) -> Response:
    """Confirm a held import: the worker (or a pool thread, after this response) runs it,
    without the listed values the analyst unticked at the review step."""
    dropped: frozenset[str] = frozenset()
    if reviewed:
        listed = imports.preview_job(ctx, principal, job_id).values
        dropped = frozenset(listed) - frozenset(keep or ())
    imports.release_job(ctx, principal, job_id, dropped)
    start_job(request, background, ctx, job_id)
    return RedirectResponse(f"/imports/{job_id}", status_code=303)


@router.post("/imports/{job_id}/discard")
@needs(Permission.IMPORT)
def discard(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, job_id: Id) -> Response:
    """Drop a held import without landing anything."""
    imports.discard_job(ctx, principal, job_id)
    return RedirectResponse("/imports", status_code=303)
