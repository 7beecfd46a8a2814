"""API: case export in every export format, filtered by the access decision and audited,
one page of a cursor walk at a time (the next page's address in `Link` and `X-Next-Cursor`)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from cyberfusion.domain.model import CaseFilter
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import NotFound
from cyberfusion.formats import base
from cyberfusion.services import exports, misp_feed
from cyberfusion.web.api.cases import filters_from
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.openapi_doc import (
    MISP_EVENTS,
    NDJSON_LINES,
    STIX_BUNDLE,
    TEXT,
    media_answer,
)
from cyberfusion.web.params import PageSize, Token

router = APIRouter()
EXPORT_CONTENT = {"application/x-ndjson": NDJSON_LINES,
                  "application/stix+json;version=2.1": STIX_BUNDLE,
                  "application/json": MISP_EVENTS, "text/csv": TEXT}
MANIFEST: dict[str, object] = {"schema": {
    "type": "object", "description": "event uuid -> the event's summary (MISP feed manifest)",
    "additionalProperties": {"type": "object"}}}


@router.get("/export/cases", response_class=StreamingResponse,
            responses=media_answer("The page of cases in the asked `format` (jsonl, stix21, "
                                   "misp, csv); `Link` names the next page", EXPORT_CONTENT))
@needs(Permission.EXPORT)
def export_cases(
    request: Request, ctx: CtxDep, principal: PrincipalDep, format: str = "jsonl",
    q: str = "", crime_type: str = "", country: str = "", owner: str = "", tlp: str = "",
    limit: PageSize = exports.MAX_EXPORT, after: Token = "",
) -> StreamingResponse:
    """Up to `limit` readable cases past the `after` cursor matching the filters, in any
    export format (audited)."""
    f = filters_from(q, crime_type, country, owner, tlp)
    found = exports.export_cases(ctx, principal, f, format, limit, after)
    exporter = base.EXPORTERS[format]()
    return StreamingResponse(exporter.export(found.cases, found.context),
                             media_type=exporter.media_type,
                             headers=_headers(request, exporter.extension, found.next))


@router.get("/export/misp-feed/manifest.json", response_class=StreamingResponse,
            responses=media_answer("The feed's manifest", {"application/json": MANIFEST}))
@needs(Permission.EXPORT)
def misp_feed_manifest(ctx: CtxDep, principal: PrincipalDep) -> StreamingResponse:
    """The MISP feed manifest (event uuid -> summary) of every case the caller reads in
    full, streamed page by page (audited as MISP exports)."""
    body = misp_feed.manifest(ctx, principal, CaseFilter())
    return StreamingResponse(body, media_type="application/json")


@router.get("/export/misp-feed/hashes.csv", response_class=StreamingResponse,
            responses=media_answer("`md5,uuid` lines", {"text/csv": TEXT}))
@needs(Permission.EXPORT)
def misp_feed_hashes(ctx: CtxDep, principal: PrincipalDep) -> StreamingResponse:
    """`md5,event uuid` of each attribute value of the feed, streamed."""
    body = misp_feed.hashes(ctx, principal, CaseFilter())
    return StreamingResponse(body, media_type="text/csv")


@router.get("/export/misp-feed/{name}", response_class=Response,
            responses=media_answer("One MISP event", {"application/json": MISP_EVENTS}))
@needs(Permission.EXPORT)
def misp_feed_event(ctx: CtxDep, principal: PrincipalDep, name: str) -> Response:
    """One event of the feed, `<uuid>.json`, as the feed folder holds it."""
    uid = name.removesuffix(".json")
    if uid == name:
        raise NotFound(f"no feed file {name}")
    return Response(misp_feed.event(ctx, principal, uid), media_type="application/json")


def _headers(request: Request, ext: str, cursor: str | None) -> dict[str, str]:
    """The attachment name and, unless this is the last page, where the next one is."""
    headers = {"Content-Disposition": f'attachment; filename="cases.{ext}"'}
    if cursor is not None:
        following = request.url.include_query_params(after=cursor)
        headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
        headers["X-Next-Cursor"] = cursor
    return headers
