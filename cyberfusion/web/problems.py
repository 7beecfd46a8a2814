"""The one place where errors become RFC 9457 problem+json responses (and, under /taxii2/,
TAXII 2.1 error messages: section 3.6.1 of docs.oasis-open.org/cti/taxii/v2.1/os)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from cyberfusion.domain.taxii import MEDIA_TAXII
from cyberfusion.errors import (
    AuthenticationFailed,
    CyberfusionError,
    InvalidInput,
    Issue,
    NotFound,
    TooManyRequests,
)
from cyberfusion.presenters.taxii import error_json

PROBLEM_TYPE = "application/problem+json"
TAXII_PREFIX = "/taxii2"
log = logging.getLogger("cyberfusion.web")


def problem_body(
    status: int, slug: str, title: str, detail: str, instance: str, issues: list[Issue]
) -> dict[str, Any]:
    """A problem document (RFC 9457 §3.1) with our `errors` extension member."""
    body: dict[str, Any] = {
        "type": f"urn:cyberfusion:problem:{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if issues:
        body["errors"] = [issue.as_dict() for issue in issues]
    return body


def error_document(status: int, slug: str, title: str, detail: str, path: str,
                   issues: list[Issue]) -> tuple[dict[str, Any], str]:
    """The error body and its media type: a TAXII error message under /taxii2, else a
    problem document."""
    if path.startswith(TAXII_PREFIX):
        located = {"errors": [i.as_dict() for i in issues]} if issues else None
        return error_json(status, title, detail, located), MEDIA_TAXII
    return problem_body(status, slug, title, detail, path, issues), PROBLEM_TYPE


def error_response(status: int, slug: str, title: str, detail: str, request: Request,
                   issues: list[Issue], headers: dict[str, str] | None = None) -> JSONResponse:
    """An error response in the shape the path's clients read."""
    body, media = error_document(status, slug, title, detail, request.url.path, issues)
    return JSONResponse(body, status_code=status, media_type=media, headers=headers)


def problem_response(exc: CyberfusionError, request: Request) -> JSONResponse:
    """Render a CyberfusionError; UI routes render it as a page instead (see ui.pages)."""
    headers = {}
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, AuthenticationFailed) and request.url.path.startswith(TAXII_PREFIX):
        headers["WWW-Authenticate"] = 'Basic realm="cyberfusion TAXII"'
    return error_response(exc.status, exc.slug, exc.title, exc.detail, request, exc.issues,
                          headers)


def _location(loc: tuple[Any, ...]) -> str:
    """FastAPI's ('query', 'limit') as `query.limit`; list indexes as [i]."""
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts)


HtmlRenderer = Callable[[Request, CyberfusionError], Response]


def page_error(exc: RequestValidationError, issues: list[Issue]) -> CyberfusionError:
    """A page's bad input as our error: a bad id in its path is no such page (404)."""
    if any(tuple(e["loc"])[:1] == ("path",) for e in exc.errors()):
        return NotFound("no such page: the address holds an id that cannot exist", issues)
    return InvalidInput(f"the request has {len(issues)} problem(s)", issues)


def wants_html(request: Request) -> bool:
    """Pages (not /api, not /static) answer errors with HTML."""
    path = request.url.path
    return not path.startswith(("/api/", "/static/", "/taxii"))


def install(app: FastAPI, html: HtmlRenderer | None = None) -> None:
    """Register the handlers that map every error to problem+json (or a page, for the UI)."""

    async def on_ours(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, CyberfusionError)
        if html is not None and wants_html(request):
            return html(request, exc)
        return problem_response(exc, request)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        issues = [Issue(_location(tuple(e["loc"])), e["msg"]) for e in exc.errors()]
        if html is not None and wants_html(request):
            return html(request, page_error(exc, issues))
        return error_response(422, "invalid-input", "Invalid input",
                              f"the request has {len(issues)} problem(s)", request, issues)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return error_response(exc.status_code, slug, str(exc.detail), str(exc.detail), request,
                              [], getattr(exc, "headers", None))

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path, exc_info=exc)
        return error_response(500, "internal-error", "Internal error",
                              "the server failed; the error was logged", request, [])

    app.add_exception_handler(CyberfusionError, on_ours)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_crash)
