"""API: cases — create, read, list with filters and paging, update with versions, revoke."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel

from cyberfusion.domain.model import CaseFilter
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.case_json import parse_case
from cyberfusion.presenters.cases import (
    AccessLine,
    CaseDoc,
    CaseVersions,
    GrantDoc,
    ReviewConfirmed,
    ReviewLine,
    access_json,
    case_json,
    case_page_json,
    grant_json,
    reviews_json,
    versions_json,
)
from cyberfusion.presenters.common import Items, Page
from cyberfusion.services import cases, grants, retention
from cyberfusion.web.api.body import read_json
from cyberfusion.web.api.schemas import CASE_BODY
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.params import Id, Offset, whole_number

router = APIRouter(prefix="/cases")
REVOKE_BODY: dict[str, Any] = {"requestBody": {"required": False, "content": {
    "application/json": {"schema": {"type": "object", "properties": {
        "reason": {"type": "string", "description": "why the case is withdrawn"}}}}}}}


def filters_from(
    q: str = "", crime_type: str = "", country: str = "", owner: str = "", tlp: str = "",
    include_revoked: bool = False,
) -> CaseFilter:
    """Query parameters as a CaseFilter (shared with the UI)."""
    return CaseFilter(text=q.strip(), crime_type=crime_type, country=country,
                      owner_org_id=owner, tlp=tlp, include_revoked=include_revoked)


@router.get("")
@needs(Permission.CASE_READ)
def list_cases(
    ctx: CtxDep,
    principal: PrincipalDep,
    q: str = "",
    crime_type: str = "",
    country: str = "",
    owner: str = "",
    tlp: str = "",
    include_revoked: bool = False,
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> Page[CaseDoc]:
    """Cases the caller may read, newest first; `total` counts only those."""
    f = filters_from(q, crime_type, country, owner, tlp, include_revoked)
    page = cases.list_cases(ctx, principal, f, offset, limit)
    return case_page_json(page)


@router.post("", status_code=201, openapi_extra=CASE_BODY)
@needs(Permission.CASE_WRITE)
async def create_case(ctx: CtxDep, principal: PrincipalDep, request: Request,
                      response: Response) -> CaseDoc:
    """Submit a case; every problem in the document is reported with its JSON path."""
    draft = parse_case(await read_json(request), ctx.now().date(), ctx.settings.review_years)
    case = await run_blocking(cases.create_case, ctx, principal, draft)
    response.headers["Location"] = f"/api/v1/cases/{case.id}"
    return case_json(case)


@router.get("/{case_id}")
@needs(Permission.CASE_READ)
def get_case(ctx: CtxDep, principal: PrincipalDep, case_id: Id) -> CaseDoc:
    """One case, if the caller may read it in full (404 otherwise)."""
    return case_json(cases.get_case(ctx, principal, case_id))


@router.put("/{case_id}", openapi_extra=CASE_BODY)
@needs(Permission.CASE_WRITE)
async def update_case(
    ctx: CtxDep, principal: PrincipalDep, request: Request, case_id: Id,
    if_match: Annotated[str | None, Header()] = None,
) -> CaseDoc:
    """Replace an own case with a new version; `If-Match` or body `version` must be current."""
    data = await read_json(request)
    version = _expected_version(if_match, data)
    draft = parse_case(data, ctx.now().date(), ctx.settings.review_years)
    return case_json(await run_blocking(cases.update_case, ctx, principal, case_id, draft,
                                        version))


def _expected_version(if_match: str | None, data: Any) -> int:
    raw = if_match.strip('"W/ ') if if_match else (data.get("version")
                                                   if isinstance(data, dict) else None)
    version = whole_number(str(raw))
    if version is None:
        raise InvalidInput("which version do you change?",
                           [Issue("version", "send If-Match: <version> or a version field")])
    return version


@router.post("/{case_id}/revoke", status_code=204, openapi_extra=REVOKE_BODY)
@needs(Permission.CASE_WRITE)
async def revoke_case(ctx: CtxDep, principal: PrincipalDep, request: Request,
                      case_id: Id) -> Response:
    """Withdraw an own case."""
    data = await read_json(request) if await request.body() else {}
    reason = str(data.get("reason", "")) if isinstance(data, dict) else ""
    await run_blocking(cases.revoke_case, ctx, principal, case_id, reason)
    return Response(status_code=204)


@router.get("/{case_id}/versions")
@needs(Permission.CASE_READ)
def case_versions(ctx: CtxDep, principal: PrincipalDep, case_id: Id) -> CaseVersions:
    """Earlier versions of a readable case that the caller may read under their own handling
    and the current one, and how many others are withheld."""
    return versions_json(cases.case_history(ctx, principal, case_id))


@router.get("/{case_id}/access")
@needs(Permission.CASE_READ)
def case_access(ctx: CtxDep, principal: PrincipalDep, case_id: Id) -> Items[AccessLine]:
    """Who can see this: every organisation `decide()` admits, with FULL or HIT."""
    return access_json(cases.who_can_see(ctx, principal, case_id))


class GrantIn(BaseModel):
    """A disclosure grant on an own case."""

    org_id: str
    reason: str
    days: int = 90


@router.get("/{case_id}/grants")
@needs(Permission.CASE_READ)
def list_grants(ctx: CtxDep, principal: PrincipalDep, case_id: Id) -> Items[GrantDoc]:
    """Disclosure grants on an own case."""
    return {"items": [grant_json(g) for g in grants.list_grants(ctx, principal, case_id)]}


@router.post("/{case_id}/grants", status_code=201)
@needs(Permission.GRANT_MANAGE)
def create_grant(ctx: CtxDep, principal: PrincipalDep, case_id: Id,
                 body: GrantIn) -> GrantDoc:
    """Open an own case to one organisation until the grant expires or is revoked."""
    return grant_json(grants.grant_case(ctx, principal, case_id, body.org_id, body.reason,
                                        body.days))


@router.delete("/{case_id}/grants/{grant_id}", status_code=204)
@needs(Permission.GRANT_MANAGE)
def revoke_grant(ctx: CtxDep, principal: PrincipalDep, case_id: Id, grant_id: Id) -> Response:
    """End a grant at once."""
    grants.revoke_grant(ctx, principal, case_id, grant_id)
    return Response(status_code=204)


class ReviewIn(BaseModel):
    """The owner's confirmation that a case is still needed."""

    review_by: date | None = None


@router.post("/{case_id}/review")
@needs(Permission.RETENTION_CONFIRM)
def confirm_review(ctx: CtxDep, principal: PrincipalDep, case_id: Id,
                   body: ReviewIn) -> ReviewConfirmed:
    """Confirm an own case is still needed until `review_by` (default: the full term)."""
    return {"review_by": retention.confirm_review(ctx, principal, case_id,
                                                  body.review_by).isoformat()}


reviews_router = APIRouter()


@reviews_router.get("/reviews")
@needs(Permission.RETENTION_READ)
def reviews_due(ctx: CtxDep, principal: PrincipalDep,
                within_days: Annotated[int, Query(ge=0, le=3650)] = 30) -> Items[ReviewLine]:
    """Own cases whose review date is near or past: confirm them or they will be deleted."""
    return reviews_json(retention.reviews_due(ctx, principal, within_days))
