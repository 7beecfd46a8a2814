"""API: import jobs — upload (multipart or raw body), preview, status with counts, issues."""

from __future__ import annotations

import io
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Query, Request, Response
from starlette.datastructures import UploadFile

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.presenters.common import Items
from cyberfusion.presenters.imports import (
    ImportIssueDoc,
    JobDoc,
    PreviewDoc,
    issue_json,
    job_json,
    preview_json,
)
from cyberfusion.services import imports
from cyberfusion.services.context import Context
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import Id, Offset

router = APIRouter(prefix="/imports")
OPTION_NAMES = ("codec", "tlp", "tlp_floor", "release", "partners", "hit_policy", "purpose",
                "filename")
_OPTIONS = {name: {"type": "string"} for name in OPTION_NAMES}
# The file as a multipart `file` field or as the raw body; options as form fields or query.
UPLOAD: dict[str, Any] = {
    "requestBody": {"required": True, "content": {
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"],
                                           "properties": {"file": {"type": "string",
                                                                   "format": "binary"},
                                                          **_OPTIONS}}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
    "parameters": [{"name": name, "in": "query", "required": False, "schema": schema}
                   for name, schema in _OPTIONS.items()],
}


def _split(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in value.replace("\n", ",").split(",") if p.strip())


async def _upload(request: Request) -> tuple[str, Any, imports.ImportOptions]:
    """The file (multipart field `file`, or the raw body) and the stated options."""
    fields: dict[str, str] = {k: v for k, v in request.query_params.items() if k in OPTION_NAMES}
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_part_size=request.app.state.ctx.settings.max_body_bytes)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise InvalidInput("no file", [Issue("file", "send the file in a `file` field")])
        fields.update({k: str(v) for k, v in form.items() if k in OPTION_NAMES})
        name, stream = upload.filename or "upload", upload.file
    else:
        body = await request.body()
        if not body:
            raise InvalidInput("empty upload", [Issue("body", "send the file as the body")])
        name, stream = fields.get("filename", "upload"), io.BytesIO(body)
    options = imports.ImportOptions(
        codec=fields.get("codec") or None, tlp=fields.get("tlp", "amber"),
        tlp_floor=fields.get("tlp_floor", ""),
        release=_split(fields.get("release", "members")),
        partners=_split(fields.get("partners", "")),
        hit_policy=fields.get("hit_policy", "hit"), purpose=fields.get("purpose", "investigation"))
    return name, stream, options


def start_job(request: Request, background: BackgroundTasks, ctx: Context, job_id: int) -> None:
    """Hand the job to the import worker, or with none run it after the response (pool thread)."""
    worker = getattr(request.app.state, "import_worker", None)
    if worker is not None:
        worker.wake()
    else:
        background.add_task(imports.run, ctx, job_id)


@router.post("", status_code=202, openapi_extra=UPLOAD)
@needs(Permission.IMPORT)
async def submit(ctx: CtxDep, principal: PrincipalDep, request: Request, response: Response,
                 background: BackgroundTasks) -> JobDoc:
    """Upload a file (STIX, MISP, CSV, text …) to import; answers with the pending job."""
    try:
        name, stream, options = await _upload(request)
        job = await run_blocking(imports.submit, ctx, principal, name, stream, options)
    finally:
        await request.close()  # the spooled upload, also when it is refused
    start_job(request, background, ctx, job.id)
    response.headers["Location"] = f"/api/v1/imports/{job.id}"
    return job_json(job)


@router.post("/preview", openapi_extra=UPLOAD)
@needs(Permission.IMPORT)
async def preview(ctx: CtxDep, principal: PrincipalDep, request: Request) -> PreviewDoc:
    """What the upload would create and under which handling; nothing is written."""
    try:
        name, stream, options = await _upload(request)
        return preview_json(await run_blocking(imports.preview, ctx, principal, name, stream,
                                               options))
    finally:
        await request.close()


@router.get("")
@needs(Permission.IMPORT_READ)
def list_jobs(ctx: CtxDep, principal: PrincipalDep,
              limit: Annotated[int, Query(ge=1, le=500)] = 50) -> Items[JobDoc]:
    """The organisation's imports, newest first."""
    return {"items": [job_json(j) for j in imports.list_jobs(ctx, principal, limit)]}


@router.get("/{job_id}")
@needs(Permission.IMPORT_READ)
def get_job(ctx: CtxDep, principal: PrincipalDep, job_id: Id) -> JobDoc:
    """One import: status, counts and progress."""
    return job_json(imports.get_job(ctx, principal, job_id))


@router.get("/{job_id}/issues")
@needs(Permission.IMPORT_READ)
def job_issues(ctx: CtxDep, principal: PrincipalDep, job_id: Id,
               offset: Offset = 0,
               limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> Items[ImportIssueDoc]:
    """The located issues found while importing."""
    return {"items": [issue_json(i) for i in imports.job_issues(ctx, principal, job_id, offset,
                                                                 limit)]}
