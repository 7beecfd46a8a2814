"""TAXII 2.1 resources as JSON (docs.oasis-open.org/cti/taxii/v2.1/os): discovery (4.1.1),
API root (4.2.1), status (4.3.1), collections (5.1.1, 5.2.1), envelope (3.7), manifest
(5.6.1), versions (5.8.1) and the error message (3.6.1)."""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from cyberfusion.domain.taxii import MEDIA_STIX, MEDIA_TAXII, Collection, stamp
from cyberfusion.services.taxii import Page
from cyberfusion.services.taxii_inbox import AddStatus, Detail


class DiscoveryDoc(TypedDict):
    """The discovery resource (4.1.1)."""

    title: str
    description: str
    default: str
    api_roots: list[str]


class ApiRootDoc(TypedDict):
    """The API root resource (4.2.1)."""

    title: str
    description: str
    versions: list[str]
    max_content_length: int


class CollectionDoc(TypedDict):
    """A collection resource (5.2.1)."""

    id: str
    title: str
    description: str
    alias: str
    can_read: bool
    can_write: bool
    media_types: list[str]


class CollectionsDoc(TypedDict):
    """The collections resource (5.1.1)."""

    collections: list[CollectionDoc]


class PagingDoc(TypedDict):
    """`more`, and while there is more, `next`."""

    more: bool
    next: NotRequired[str]


class EnvelopeDoc(PagingDoc):
    """An envelope of STIX 2.1 objects (3.7)."""

    objects: list[dict[str, Any]]


class ManifestRecordDoc(TypedDict):
    """One object version in a manifest."""

    id: str
    date_added: str
    version: str
    media_type: str


class ManifestDoc(PagingDoc):
    """A manifest (5.6.1): one record per object version."""

    objects: list[ManifestRecordDoc]


class VersionsDoc(PagingDoc):
    """The versions of one object (5.8.1)."""

    versions: list[str]


class StatusDetailDoc(TypedDict):
    """One object of an add request and, on failure, why."""

    id: str
    version: str
    message: NotRequired[str]


class StatusDoc(TypedDict):
    """The status resource (4.3.1); its counts add up to `total_count`."""

    id: str
    status: str
    request_timestamp: str
    total_count: int
    success_count: int
    successes: list[StatusDetailDoc]
    failure_count: int
    failures: list[StatusDetailDoc]
    pending_count: int
    pendings: list[StatusDetailDoc]


def discovery_json(api_root: str) -> DiscoveryDoc:
    """The server's discovery resource: one API root, the default."""
    return {"title": "cyberfusion TAXII 2.1",
            "description": "The pool of cyberfusion as TAXII 2.1 collections; each caller "
                           "sees what it may read in full.",
            "default": api_root, "api_roots": [api_root]}


def api_root_json(max_content_length: int) -> ApiRootDoc:
    """The API root resource."""
    return {"title": "cyberfusion pool",
            "description": "Collections over what your organisation may read.",
            "versions": [MEDIA_TAXII], "max_content_length": max_content_length}


def collection_json(found: Collection) -> CollectionDoc:
    """One collection resource."""
    return {"id": found.id, "title": found.title, "description": found.description,
            "alias": found.alias, "can_read": True, "can_write": found.can_write,
            "media_types": [MEDIA_STIX]}


def collections_json(found: list[Collection]) -> CollectionsDoc:
    """The collections resource."""
    return {"collections": [collection_json(c) for c in found]}


def _paging(page: Page) -> PagingDoc:
    """`more` and, while there is more, `next`."""
    if page.next is None:
        return {"more": False}
    return {"more": True, "next": page.next.encode()}


def envelope_json(page: Page) -> EnvelopeDoc:
    """An envelope of STIX objects."""
    return {**_paging(page), "objects": [item.obj for item in page.items]}


def manifest_json(page: Page) -> ManifestDoc:
    """A manifest: one record per object version."""
    return {**_paging(page), "objects": [
        {"id": item.obj["id"], "date_added": stamp(item.added), "version": item.version,
         "media_type": MEDIA_STIX} for item in page.items]}


def versions_json(page: Page) -> VersionsDoc:
    """The versions of one object."""
    return {**_paging(page), "versions": [item.version for item in page.items]}


def date_headers(page: Page) -> dict[str, str]:
    """X-TAXII-Date-Added-First and -Last of a page (section 3.3.1)."""
    if not page.items:
        return {}
    return {"X-TAXII-Date-Added-First": stamp(page.items[0].added),
            "X-TAXII-Date-Added-Last": stamp(page.items[-1].added)}


def _detail(d: Detail) -> StatusDetailDoc:
    out: StatusDetailDoc = {"id": d.id, "version": d.version}
    if d.message:
        out["message"] = d.message
    return out


def _details(details: list[Detail]) -> list[StatusDetailDoc]:
    return [_detail(d) for d in details]


def status_json(found: AddStatus) -> StatusDoc:
    """The status resource; its counts add up to `total_count`."""
    return {"id": found.id, "status": "complete" if found.complete else "pending",
            "request_timestamp": stamp(found.requested_at), "total_count": found.total,
            "success_count": len(found.successes), "successes": _details(found.successes),
            "failure_count": len(found.failures), "failures": _details(found.failures),
            "pending_count": len(found.pendings), "pendings": _details(found.pendings)}


def error_json(status: int, title: str, description: str,
               details: dict[str, Any] | None = None) -> dict[str, Any]:
    """A TAXII error message (section 3.6.1): `title`, `description`, and `http_status` as
    the string the specification types it as."""
    body: dict[str, Any] = {"title": title, "description": description,
                            "http_status": str(status)}
    if details:
        body["details"] = details
    return body
