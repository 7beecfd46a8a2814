"""API: the secure channel — threads, requests, actions, attachments, inbox and live events."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from cyberfusion.domain.channel import (
    BOXES,
    MAX_PRESERVATION_DAYS,
    MIN_PRESERVATION_DAYS,
    Priority,
    RequestType,
    ThreadFilter,
)
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.domain.safe_text import media_type_problem
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.channel_json import parse_attachments, parse_draft, parse_handling
from cyberfusion.presenters.channel import (
    ThreadDoc,
    ThreadViewDoc,
    thread_json,
    thread_page_json,
    thread_view_json,
)
from cyberfusion.presenters.common import Page
from cyberfusion.presenters.notifications import NotificationsDoc, event_text, notifications_json
from cyberfusion.services import channel, channel_actions, inbox
from cyberfusion.services.context import Context
from cyberfusion.web.api.body import read_json
from cyberfusion.web.api.schemas import values
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.openapi_doc import BINARY, TEXT, media_answer
from cyberfusion.web.params import (
    BodyCursor,
    Cursor,
    Id,
    Offset,
    OptionalCursor,
    whole_number,
)

router = APIRouter()

DRAFT_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "required": ["to", "subject"],
                                    "properties": {
        "to": {"type": "array", "items": {"type": "string"}},
        "type": {"enum": values(RequestType)},
        "priority": {"enum": values(Priority)},
        "subject": {"type": "string"}, "body": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "preservation_days": {"type": "integer", "minimum": MIN_PRESERVATION_DAYS,
                              "maximum": MAX_PRESERVATION_DAYS},
        "handling": {"type": "object"},
        "attachments": {"type": "array", "items": {"type": "object", "properties": {
            "filename": {"type": "string"}, "media_type": {"type": "string"},
            "content_base64": {"type": "string"}}}}}}}}}}


@router.get("/threads")
@needs(Permission.CHANNEL_READ)
def list_threads(
    ctx: CtxDep, principal: PrincipalDep, box: str = "all", status: str = "",
    priority: str = "", type: str = "",
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=channel.MAX_PAGE)] = 50,
) -> Page[ThreadDoc]:
    """Threads the caller's organisation sent or is addressed by; fetching delivers them."""
    if box not in BOXES:
        raise InvalidInput("unknown box", [Issue("query.box", "in, out or all")])
    page = channel.list_threads(ctx, principal, ThreadFilter(box, status, priority, type),
                                offset, limit)
    return thread_page_json(page, principal.org_id)


@router.post("/threads", status_code=201, openapi_extra=DRAFT_BODY)
@needs(Permission.CHANNEL_SEND)
async def send(ctx: CtxDep, principal: PrincipalDep, request: Request,
               response: Response) -> ThreadDoc:
    """Send a message or typed request (Art. 29 fields are required for preservation)."""
    draft = parse_draft(await read_json(request), ctx.now().date(), ctx.settings.review_years)
    thread = await run_blocking(channel.send, ctx, principal, draft)
    response.headers["Location"] = f"/api/v1/threads/{thread.id}"
    return thread_json(thread, principal.org_id)


@router.get("/threads/{thread_id}")
@needs(Permission.CHANNEL_READ)
def get_thread(ctx: CtxDep, principal: PrincipalDep, thread_id: Id) -> ThreadViewDoc:
    """One thread the caller takes part in (404 otherwise), with every message."""
    return thread_view_json(channel.get_thread(ctx, principal, thread_id), principal.org_id)

REPLY_BODY: dict[str, Any] = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"type": "object", "properties": {
        "body": {"type": "string"},
        "handling": {"type": "object"},
        "attachments": DRAFT_BODY["requestBody"]["content"]["application/json"]["schema"][
            "properties"]["attachments"]}}}}}}


class NoteIn(BaseModel):
    """An optional note with an acknowledgement or a closure."""

    note: str = ""


class DeclineIn(BaseModel):
    """Why a request is declined."""

    reason: str


class ExtendIn(BaseModel):
    """Days to add to a preservation period."""

    days: int


@router.post("/threads/{thread_id}/ack")
@needs(Permission.CHANNEL_SEND)
def acknowledge(ctx: CtxDep, principal: PrincipalDep, thread_id: Id,
                body: NoteIn | None = None) -> ThreadDoc:
    """Acknowledge a request addressed to the caller's organisation (stops escalation)."""
    thread = channel_actions.acknowledge(ctx, principal, thread_id, body.note if body else "")
    return thread_json(thread, principal.org_id)


async def _reply(ctx: Context, principal: Principal, request: Request, thread_id: int,
                 answer: bool) -> ThreadDoc:
    data = await read_json(request)
    if not isinstance(data, dict):
        raise InvalidInput("a reply is a JSON object", [Issue("$", "expected an object")])
    issues: list[Issue] = []
    handling = parse_handling(data.get("handling"), ctx.now().date(),
                              ctx.settings.review_years, issues)
    attachments = parse_attachments(data.get("attachments"), issues)
    if issues:
        raise InvalidInput("the reply is not valid", issues)
    thread = await run_blocking(channel_actions.reply, ctx, principal, thread_id,
                                str(data.get("body") or ""), handling, attachments, answer)
    return thread_json(thread, principal.org_id)


@router.post("/threads/{thread_id}/messages", status_code=201, openapi_extra=REPLY_BODY)
@needs(Permission.CHANNEL_SEND)
async def reply(ctx: CtxDep, principal: PrincipalDep, request: Request,
                thread_id: Id) -> ThreadDoc:
    """Add a message to a thread (from an addressee it also acknowledges)."""
    return await _reply(ctx, principal, request, thread_id, answer=False)


@router.post("/threads/{thread_id}/answer", status_code=201, openapi_extra=REPLY_BODY)
@needs(Permission.CHANNEL_SEND)
async def answer(ctx: CtxDep, principal: PrincipalDep, request: Request,
                 thread_id: Id) -> ThreadDoc:
    """Answer a request addressed to the caller's organisation."""
    return await _reply(ctx, principal, request, thread_id, answer=True)


@router.post("/threads/{thread_id}/decline")
@needs(Permission.CHANNEL_SEND)
def decline(ctx: CtxDep, principal: PrincipalDep, thread_id: Id,
            body: DeclineIn) -> ThreadDoc:
    """Decline a request addressed to the caller's organisation, with the reason."""
    return thread_json(channel_actions.decline(ctx, principal, thread_id, body.reason),
                       principal.org_id)


@router.post("/threads/{thread_id}/close")
@needs(Permission.CHANNEL_SEND)
def close(ctx: CtxDep, principal: PrincipalDep, thread_id: Id,
          body: NoteIn | None = None) -> ThreadDoc:
    """Close a request the caller's organisation sent."""
    return thread_json(channel_actions.close(ctx, principal, thread_id,
                                             body.note if body else ""), principal.org_id)


@router.post("/threads/{thread_id}/extend")
@needs(Permission.CHANNEL_SEND)
def extend(ctx: CtxDep, principal: PrincipalDep, thread_id: Id,
           body: ExtendIn) -> ThreadDoc:
    """Extend the preservation period of an acknowledged Art. 29 request."""
    return thread_json(channel_actions.extend_preservation(ctx, principal, thread_id,
                                                           body.days), principal.org_id)


def attachment_response(ctx: Context, principal: Principal, attachment_id: int) -> Response:
    """The bytes as stored, always as a download, never rendered inline."""
    meta, content = channel.attachment(ctx, principal, attachment_id)
    # Rows stored before names were checked may hold anything: headers carry only safe text.
    media_type = "application/octet-stream" if media_type_problem(meta.media_type) \
        else meta.media_type
    return Response(content, media_type="application/octet-stream", headers={
        "Content-Disposition": content_disposition(meta.filename),
        "X-Content-SHA256": meta.sha256, "X-Original-Media-Type": media_type,
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "no-store"})


def content_disposition(filename: str) -> str:
    """RFC 6266: an ASCII `filename` for old clients and the exact name as `filename*`."""
    ascii_name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_"
                         for c in filename)
    return (f"attachment; filename=\"{ascii_name or 'attachment'}\"; "
            f"filename*=UTF-8''{quote(filename, safe='')}")


@router.get("/attachments/{attachment_id}", response_class=Response,
            responses=media_answer("The attachment's bytes, always as a download",
                                   {"application/octet-stream": BINARY}))
@needs(Permission.CHANNEL_READ)
def download(ctx: CtxDep, principal: PrincipalDep, attachment_id: Id) -> Response:
    """Download an attachment of a thread the caller takes part in."""
    return attachment_response(ctx, principal, attachment_id)


@router.get("/inbox")
@needs(Permission.CHANNEL_READ)
def notifications(
    ctx: CtxDep, principal: PrincipalDep, after: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> NotificationsDoc:
    """In-app notifications of the caller's organisation, newest first, and the unread count."""
    return notifications_json(*inbox.notifications(ctx, principal, after, limit))


class InboxReadIn(BaseModel):
    """Mark notifications read up to this id."""

    up_to: BodyCursor


@router.post("/inbox/read", status_code=204)
@needs(Permission.CHANNEL_READ)
def mark_read(ctx: CtxDep, principal: PrincipalDep, body: InboxReadIn) -> Response:
    """Mark the organisation's notifications read up to an id."""
    inbox.mark_read(ctx, principal, body.up_to)
    return Response(status_code=204)


@router.get("/events", response_class=StreamingResponse,
            responses=media_answer("Server-sent events, one `notification` event (a "
                                   "NotificationDoc as data) per new notification",
                                   {"text/event-stream": TEXT}))
@needs(Permission.CHANNEL_READ)
async def events(
    ctx: CtxDep, principal: PrincipalDep, request: Request,
    last_event_id: Annotated[str | None, Header()] = None,
    after: OptionalCursor = None,
    timeout: Annotated[float, Query(ge=0, le=3600)] = 300,
) -> StreamingResponse:
    """Server-sent events: each new notification of the caller's organisation, live.

    Resumes after `Last-Event-ID` (or `after`); without either, starts from now. The stream
    ends after `timeout` seconds (0: send what is pending and end); browsers reconnect.
    """
    start = after if after is not None else _event_id(last_event_id)
    if start is None:
        start = await run_blocking(inbox.latest_id, ctx, principal)
    return StreamingResponse(_stream(ctx, principal, request, start, timeout),
                             media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _event_id(value: str | None) -> int | None:
    return whole_number(value) if value else None


async def _stream(ctx: Context, principal: Principal, request: Request, after: int,
                  timeout: float) -> AsyncIterator[str]:
    """Poll the notification table (works across processes) and push what is new."""
    yield "retry: 3000\n\n"
    ends, beat = time.monotonic() + timeout, time.monotonic()
    while True:
        found, _ = await run_blocking(inbox.notifications, ctx, principal, after, 100)
        for item in reversed(found):
            after = max(after, item.id)
            yield event_text(item)
        if time.monotonic() >= ends or await request.is_disconnected():
            return
        if time.monotonic() - beat > 15:
            beat = time.monotonic()
            yield ": keep-alive\n\n"
        await asyncio.sleep(min(ctx.settings.sse_poll_seconds, max(0.0, ends - time.monotonic())))
