"""TAXII 2.1 media types (section 1.6.8) and credentials (section 1.6.7: HTTP Basic, and
our API tokens as Bearer or as a Basic password) for the /taxii2/ routes."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from typing import Annotated, Any

import orjson
from fastapi import Depends, Request, Response
from fastapi.responses import JSONResponse

from cyberfusion.domain.model import Principal
from cyberfusion.domain.taxii import MEDIA_TAXII
from cyberfusion.errors import AuthenticationFailed, NotAcceptable, UnsupportedMediaType
from cyberfusion.services import auth
from cyberfusion.web.deps import CtxDep, client_address

_TAXII = "application/taxii+json"


def _ranges(header: str) -> list[tuple[str, dict[str, str]]]:
    """The media ranges of an Accept or Content-Type header with their parameters."""
    found = []
    for part in header.split(","):
        kind, *params = [p.strip() for p in part.split(";")]
        values = {}
        for param in params:
            name, _, value = param.partition("=")
            values[name.strip().lower()] = value.strip().strip('"')
        if kind:
            found.append((kind.lower(), values))
    return found


def _ours(kind: str, params: dict[str, str]) -> bool:
    """TAXII JSON of version 2.1 (or of no stated version)."""
    return kind == _TAXII and params.get("version", "2.1") == "2.1"


def accepts(request: Request) -> None:
    """NotAcceptable unless the Accept header admits `application/taxii+json;version=2.1`."""
    header = request.headers.get("accept", "")
    if not header.strip():
        return
    for kind, params in _ranges(header):
        if params.get("q", "1").strip() in {"0", "0.0", "0.00", "0.000"}:
            continue
        if kind in {"*/*", "application/*"} or _ours(kind, params):
            return
    raise NotAcceptable(f"this server answers {MEDIA_TAXII}; the Accept header allows none")


def takes_taxii(request: Request) -> None:
    """UnsupportedMediaType unless the body is `application/taxii+json;version=2.1`."""
    found = _ranges(request.headers.get("content-type", ""))
    if len(found) != 1 or not _ours(*found[0]):
        raise UnsupportedMediaType(f"send the envelope as {MEDIA_TAXII}")


def taxii_principal(request: Request, ctx: CtxDep) -> Principal:
    """The caller, from a Bearer token or HTTP Basic (a password, or a token as password)."""
    accepts(request)
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return auth.principal_from_token(ctx, secret.strip())
    if scheme.lower() == "basic" and secret.strip():
        try:
            username, _, password = base64.b64decode(secret.strip()).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise AuthenticationFailed("malformed Basic credentials") from exc
        if password.startswith(auth.TOKEN_PREFIX):
            return auth.principal_from_token(ctx, password)
        user = auth.login(ctx, username, password, "", client_address(request))
        return auth.principal_of(ctx, user)
    raise AuthenticationFailed("send HTTP Basic credentials or Authorization: Bearer <token>")


TaxiiPrincipal = Annotated[Principal, Depends(taxii_principal)]


class TaxiiMedia(JSONResponse):
    """The media type TAXII answers in, for the OpenAPI document (`response_class=`)."""

    media_type = MEDIA_TAXII


def taxii_doc(model: Any, status: int = 200) -> dict[str, Any]:
    """Route arguments documenting a TAXII answer's model (never validated: it is built by
    a presenter mypy checks, and pages can be large)."""
    return {"response_class": TaxiiMedia, "response_model": None, "status_code": status,
            "responses": {status: {"model": model}}}


def taxii_response(body: Mapping[str, object], status: int = 200,
                   headers: dict[str, str] | None = None) -> Response:
    """A TAXII resource as `application/taxii+json;version=2.1`."""
    return Response(orjson.dumps(body), status_code=status, media_type=MEDIA_TAXII,
                    headers=headers)
