"""The OpenAPI document's error answers: one Problem schema (RFC 9457, as `problems.py` writes
it) and, per operation, the error statuses its shape can produce, derived from the route
(authenticated? path ids? a body?) so a new route is documented without anyone remembering.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, Field

from cyberfusion.domain.taxii import MEDIA_TAXII
from cyberfusion.web.deps import api_principal
from cyberfusion.web.problems import PROBLEM_TYPE, TAXII_PREFIX

API_PREFIX = "/api/v1"
BODY_METHODS = {"POST", "PUT", "PATCH"}
UNAUTHENTICATED = {"/api/v1/health", "/api/v1/auth/token"}
THROTTLED = {"/api/v1/auth/token"}

DESCRIPTIONS = {
    400: "Malformed body: not UTF-8 or not JSON (the issue says line and column)",
    401: "No valid credentials: send Authorization: Bearer <token>, or log in",
    403: "Authenticated, but this principal may not do this (or the CSRF header is missing)",
    404: "No such resource, or none the caller may read",
    406: "The Accept header allows none of the media types this endpoint answers",
    409: "Conflict with the current state (a stale version, a duplicate, a finished step)",
    413: "The body is larger than the server's limit",
    415: "The body's media type is not one this endpoint reads",
    422: "Invalid input; each problem is located in `errors`",
    429: "Too many attempts; wait for Retry-After seconds",
}


class ProblemIssue(BaseModel):
    """One located problem of a request (our `errors[]` extension member)."""

    location: str = Field(description="where: e.g. `query.limit`, `observables[2].value`")
    detail: str = Field(description="what is wrong there")


class Problem(BaseModel):
    """An RFC 9457 problem document, as every /api/v1 error answers."""

    type: str = Field(description="urn:cyberfusion:problem:<slug>")
    title: str
    status: int
    detail: str
    instance: str = Field(description="the request path")
    errors: list[ProblemIssue] | None = Field(default=None,
                                              description="located issues, when there are any")


class TaxiiError(BaseModel):
    """A TAXII 2.1 error message (section 3.6.1), as every /taxii2/ error answers."""

    title: str
    description: str
    http_status: str
    details: dict[str, Any] | None = None


def _uses(dependant: Dependant, call: Callable[..., Any]) -> bool:
    """Whether a route's dependency tree calls `call`."""
    return dependant.call is call or any(_uses(d, call) for d in dependant.dependencies)


def api_error_statuses(route: Any, method: str) -> set[int]:
    """The error statuses an /api/v1 operation can answer, from what the route is made of,
    plus those its decorator names in `responses=` (e.g. a 404 for an unknown filter)."""
    statuses = {422} | {int(s) for s in route.responses if str(s).startswith("4")}
    if route.path_format not in UNAUTHENTICATED or _uses(route.dependant, api_principal):
        statuses |= {401, 403}
    if route.path_format in THROTTLED:
        statuses |= {401, 429}
    if "{" in route.path_format:
        statuses.add(404)
    if method in BODY_METHODS:
        statuses |= {400, 409, 413, 415}
    elif method == "DELETE":
        statuses.add(409)
    return statuses


def taxii_error_statuses(method: str) -> set[int]:
    """TAXII endpoints: authentication, permissions, content negotiation and ids."""
    statuses = {400, 401, 403, 404, 406, 422}
    if method in BODY_METHODS:
        statuses |= {413, 415}
    return statuses


def _error_answer(status: int, media: str, schema: str) -> dict[str, Any]:
    return {"description": DESCRIPTIONS.get(status, "Error"),
            "content": {media: {"schema": {"$ref": f"#/components/schemas/{schema}"}}}}


def _schemas() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for model in (Problem, TaxiiError):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def _api_routes(app: FastAPI) -> Iterable[Any]:
    """Every documented API operation's route as mounted (FastAPI resolves included routers'
    prefixes and dependencies into a route context: path_format, methods, dependant)."""
    return (r for r in iter_route_contexts(app.routes) if isinstance(r.original_route, APIRoute)
            and str(r.path_format).startswith((API_PREFIX, TAXII_PREFIX)) and r.include_in_schema)


def document_errors(spec: dict[str, Any], app: FastAPI) -> dict[str, Any]:
    """Add the error answers of every API operation to a generated OpenAPI document."""
    spec.setdefault("components", {}).setdefault("schemas", {}).update(_schemas())
    for route in _api_routes(app):
        for method in route.methods:
            op = spec["paths"].get(route.path_format, {}).get(method.lower())
            if op is None:
                continue
            responses = op.setdefault("responses", {})
            if route.path_format.startswith(TAXII_PREFIX):
                wanted, media, name = taxii_error_statuses(method), MEDIA_TAXII, "TaxiiError"
            else:
                wanted, media, name = api_error_statuses(route, method), PROBLEM_TYPE, "Problem"
            for status in sorted(wanted):
                responses[str(status)] = _error_answer(status, media, name)
    for unused in ("HTTPValidationError", "ValidationError"):
        spec["components"]["schemas"].pop(unused, None)
    _retitle_generics(spec["components"]["schemas"])
    return spec


def _retitle_generics(schemas: dict[str, Any]) -> None:
    """`Page[CaseDoc]` is titled `Page` like every other page; generators name classes by
    title, so each takes its component name instead (`PageCaseDoc`)."""
    for name, schema in schemas.items():
        if name.endswith("_") and "_" in name[:-1]:
            schema["title"] = name.replace("_", "")


def install(app: FastAPI) -> None:
    """Make `app.openapi()` return the document with its error answers (built once)."""
    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(plain(), app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]



BINARY: dict[str, Any] = {"schema": {"type": "string", "format": "binary"}}
TEXT: dict[str, Any] = {"schema": {"type": "string"}}


def media_answer(description: str, content: dict[str, dict[str, Any]],
                 status: int = 200) -> dict[int | str, dict[str, Any]]:
    """`responses=` for an answer that is not JSON: each media type and its schema (use with
    `response_class=Response`, so FastAPI adds no application/json of its own)."""
    return {status: {"description": description, "content": content}}

# Interchange documents are described by their own standards; the document names their outer
# shape so a client knows what it holds (STIX 2.1 §8, MISP core format §2).
STIX_BUNDLE: dict[str, Any] = {"schema": {
    "type": "object", "required": ["type", "id", "objects"], "description": "A STIX 2.1 bundle",
    "properties": {"type": {"const": "bundle"}, "id": {"type": "string"},
                   "objects": {"type": "array", "items": {"type": "object"}}}}}
MISP_EVENT: dict[str, Any] = {"type": "object", "required": ["Event"],
                              "properties": {"Event": {"type": "object"}}}
MISP_EVENTS: dict[str, Any] = {"schema": {
    "description": "One MISP event, or several as `response`",
    "anyOf": [MISP_EVENT, {"type": "object", "required": ["response"], "properties": {
        "response": {"type": "array", "items": MISP_EVENT}}}]}}
NDJSON_LINES: dict[str, Any] = {"schema": {
    "type": "string", "description": "one JSON object per line (see docs/formats.md)"}}
