"""TAXII 2.1 endpoints (docs.oasis-open.org/cti/taxii/v2.1/os, sections 4-5): thin
adapters over services.taxii (reads) and services.taxii_inbox (writes, status)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Request, Response

from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.taxii import API_ROOT, MEDIA_TAXII, ObjectQuery, job_of_status, object_query
from cyberfusion.presenters import taxii as present
from cyberfusion.services import taxii, taxii_inbox
from cyberfusion.services.taxii import Page
from cyberfusion.web.api.imports import start_job
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.taxii.media import TaxiiPrincipal, takes_taxii, taxii_doc, taxii_response

router = APIRouter(prefix="/taxii2")
ROOT = f"/{API_ROOT}"
ENVELOPE_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {MEDIA_TAXII: {
    "schema": {"type": "object", "required": ["objects"], "description": "A TAXII envelope",
               "properties": {"objects": {"type": "array", "items": {"type": "object"}}}}}}}}
COLLECTION = f"{ROOT}/collections/{{collection_id}}"


def _query(request: Request) -> ObjectQuery:
    """The filters and paging of the request (section 3.5)."""
    params = request.query_params
    return object_query(list(params.multi_items()), params.get("limit"),
                        params.get("added_after"), params.get("next"))


def _paged(as_json: Callable[[Page], Mapping[str, object]], page: Page) -> Response:
    """A page in TAXII JSON with its X-TAXII-Date-Added-First/-Last headers (section 3.3.1)."""
    return taxii_response(as_json(page), headers=present.date_headers(page))


@router.get("/", **taxii_doc(present.DiscoveryDoc))
def discovery(request: Request, principal: TaxiiPrincipal) -> Response:
    """Server discovery (section 4.1)."""
    del principal
    return taxii_response(present.discovery_json(str(request.url_for("api_root"))))


@router.get(f"{ROOT}/", **taxii_doc(present.ApiRootDoc))
def api_root(ctx: CtxDep, principal: TaxiiPrincipal) -> Response:
    """The API root (section 4.2)."""
    del principal
    return taxii_response(present.api_root_json(ctx.settings.max_body_bytes))


@router.get(f"{ROOT}/collections/", **taxii_doc(present.CollectionsDoc))
@needs(Permission.TAXII_READ)
def collections(ctx: CtxDep, principal: TaxiiPrincipal) -> Response:
    """The caller's collections (section 5.1)."""
    return taxii_response(present.collections_json(taxii.collections(ctx, principal)))


@router.get(f"{COLLECTION}/", **taxii_doc(present.CollectionDoc))
@needs(Permission.TAXII_READ)
def collection(ctx: CtxDep, principal: TaxiiPrincipal, collection_id: str) -> Response:
    """One collection (section 5.2)."""
    return taxii_response(present.collection_json(
        taxii.collection(ctx, principal, collection_id)))


@router.get(f"{COLLECTION}/objects/", **taxii_doc(present.EnvelopeDoc))
@needs(Permission.TAXII_READ)
def get_objects(ctx: CtxDep, principal: TaxiiPrincipal, collection_id: str,
                request: Request) -> Response:
    """A page of objects (section 5.3)."""
    page = taxii.objects(ctx, principal, collection_id, _query(request))
    return _paged(present.envelope_json, page)


@router.post(f"{COLLECTION}/objects/", **taxii_doc(present.StatusDoc, 202),
             openapi_extra=ENVELOPE_BODY)
@needs(Permission.IMPORT)
async def add_objects(ctx: CtxDep, principal: TaxiiPrincipal, collection_id: str,
                      request: Request, background: BackgroundTasks) -> Response:
    """Add the envelope's objects through the import (section 5.4): 202 with a status."""
    takes_taxii(request)
    body = await request.body()
    found = await run_blocking(taxii_inbox.add_objects, ctx, principal, collection_id, body)
    job_id = job_of_status(found.id)
    assert job_id is not None
    start_job(request, background, ctx, job_id)
    return taxii_response(present.status_json(found), status=202)


@router.get(f"{COLLECTION}/objects/{{object_id}}/", **taxii_doc(present.EnvelopeDoc))
@needs(Permission.TAXII_READ)
def get_object(ctx: CtxDep, principal: TaxiiPrincipal, collection_id: str, object_id: str,
               request: Request) -> Response:
    """The versions of one object (section 5.5)."""
    page = taxii.one_object(ctx, principal, collection_id, object_id, _query(request))
    return _paged(present.envelope_json, page)


@router.delete(f"{COLLECTION}/objects/{{object_id}}/", response_class=Response,
               responses={200: {"description": "Deleted (an empty answer, section 5.7)"}})
@needs(Permission.IMPORT)
def delete_object(ctx: CtxDep, principal: TaxiiPrincipal, collection_id: str,
                  object_id: str, request: Request) -> Response:
    """Delete one of the caller's own objects (section 5.7)."""
    taxii_inbox.delete_object(ctx, principal, collection_id, object_id, _query(request))
    return Response(status_code=200)


@router.get(f"{COLLECTION}/objects/{{object_id}}/versions/", **taxii_doc(present.VersionsDoc))
@needs(Permission.TAXII_READ)
def object_versions(ctx: CtxDep, principal: TaxiiPrincipal, collection_id: str,
                    object_id: str, request: Request) -> Response:
    """The versions of one object (section 5.8)."""
    page = taxii.versions(ctx, principal, collection_id, object_id, _query(request))
    return _paged(present.versions_json, page)


@router.get(f"{COLLECTION}/manifest/", **taxii_doc(present.ManifestDoc))
@needs(Permission.TAXII_READ)
def manifest(ctx: CtxDep, principal: TaxiiPrincipal, collection_id: str,
             request: Request) -> Response:
    """A page of the manifest (section 5.6)."""
    page = taxii.objects(ctx, principal, collection_id, _query(request))
    return _paged(present.manifest_json, page)


@router.get(f"{ROOT}/status/{{status_id}}/", **taxii_doc(present.StatusDoc))
@needs(Permission.IMPORT_READ)
def status(ctx: CtxDep, principal: TaxiiPrincipal, status_id: str) -> Response:
    """The status of an add-objects request (section 4.3)."""
    return taxii_response(present.status_json(taxii_inbox.status(ctx, principal, status_id)))
