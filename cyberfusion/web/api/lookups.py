"""API: batch lookup of up to a million values, one answer per value, same shape for all."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from fastapi.responses import StreamingResponse

from cyberfusion.domain.hits import MAX_LOOKUP_VALUES
from cyberfusion.domain.model import Principal
from cyberfusion.domain.observables import ObservableType
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.errors import InvalidInput, Issue, MalformedDocument
from cyberfusion.presenters.lookups import LookupsDoc, lookup_answer_json
from cyberfusion.services import lookups
from cyberfusion.services.context import Context
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep

router = APIRouter()
NDJSON = "application/x-ndjson"

LOOKUP_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["values"], "properties": {
        "values": {"type": "array", "maxItems": MAX_LOOKUP_VALUES, "items": {
            "oneOf": [{"type": "string"}, {"type": "object", "required": ["value"],
                                           "properties": {"type": {"type": "string"},
                                                          "value": {"type": "string"}}}]}},
        "type": {"type": "string", "description": "type of values given without one"},
        "purpose": {"type": "string"}}}},
    "text/plain": {"schema": {"type": "string",
                              "description": "one value per line, or type,value"}}}}}

# Up to a million answers: documented, never validated on the way out (orjson writes them).
LOOKUP_ANSWERS: dict[int | str, dict[str, Any]] = {200: {
    "model": LookupsDoc,
    "description": "One answer per value; with `Accept: application/x-ndjson`, one "
                   "LookupAnswerDoc per line instead",
    "content": {NDJSON: {"schema": {"$ref": "#/components/schemas/LookupAnswerDoc"}}}}}


def _default_type(name: object) -> ObservableType | None:
    if name in (None, ""):
        return None
    try:
        return ObservableType(str(name))
    except ValueError:
        raise InvalidInput("unknown type", [Issue("type", f"{name!r} is no observable type")]
                           ) from None


def _from_json(raw: bytes) -> tuple[list[tuple[ObservableType | None, str]], str]:
    """(type, value) items and purpose from a JSON body; located errors for bad items."""
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedDocument(f"the body is not valid JSON: {exc}",
                                [Issue("body", str(exc))]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("values"), list):
        raise InvalidInput("no values", [Issue("values", "give a list of values")])
    default = _default_type(doc.get("type"))
    if len(doc["values"]) > MAX_LOOKUP_VALUES:
        raise lookups.too_many(len(doc["values"]))
    items: list[tuple[ObservableType | None, str]] = []
    for i, entry in enumerate(doc["values"]):
        if isinstance(entry, str):
            items.append((default, entry))
        elif isinstance(entry, dict) and isinstance(entry.get("value"), str):
            given = entry.get("type")
            items.append((_default_type(given) if given else default, entry["value"]))
        else:
            raise InvalidInput("bad value", [Issue(f"values[{i}]",
                                                   "a string or {type, value}")])
    return items, str(doc.get("purpose") or "investigation")


def _ndjson(answers: Sequence[lookups.LookupAnswer]) -> Iterator[bytes]:
    for start in range(0, len(answers), 5000):
        chunk = answers[start : start + 5000]
        yield b"".join(orjson.dumps(lookup_answer_json(a)) + b"\n" for a in chunk)


@router.post("/lookups", openapi_extra=LOOKUP_BODY, responses=LOOKUP_ANSWERS)
@needs(Permission.SEARCH)
async def lookup(ctx: CtxDep, principal: PrincipalDep, request: Request) -> Response:
    """Check many values at once; NDJSON out when asked with `Accept: application/x-ndjson`."""
    return await run_blocking(_answer, ctx, principal, request, await request.body())


def _answer(ctx: Context, principal: Principal, request: Request, raw: bytes) -> Response:
    """Parse the values, look them up and shape the answer (off the event loop: it is big)."""
    if request.headers.get("content-type", "").startswith("text/plain"):
        items = lookups.parse_lines(raw.decode("utf-8", errors="replace").splitlines())
        purpose = request.query_params.get("purpose", "investigation")
    else:
        items, purpose = _from_json(raw)
    answers = lookups.lookup(ctx, principal, items, purpose)
    if NDJSON in request.headers.get("accept", ""):
        return StreamingResponse(_ndjson(answers), media_type=NDJSON)
    body = {"count": len(answers), "answers": [lookup_answer_json(a) for a in answers]}
    return Response(orjson.dumps(body), media_type="application/json")
