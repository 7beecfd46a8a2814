"""Pages of the secure channel: inbox, compose (typed request forms), thread, duty board.

Every form works without JavaScript; `static/inbox.js` only adds live updates (SSE).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from cyberfusion.domain.channel import (
    BOXES,
    MAX_PRESERVATION_DAYS,
    MIN_PRESERVATION_DAYS,
    REQUEST_FIELDS,
    AttachmentIn,
    PartyStatus,
    Priority,
    RequestType,
    ThreadFilter,
)
from cyberfusion.domain.handling import TLP, Purpose, strictest_tlp
from cyberfusion.domain.model import Principal
from cyberfusion.domain.permissions import Permission, needs, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats.channel_json import parse_draft, parse_handling
from cyberfusion.presenters.notifications import notification_json
from cyberfusion.services import channel, channel_actions, directory, inbox, orgs
from cyberfusion.services.context import Context
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import FormCursor, Id, Offset, whole_number
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
PAGE = 50


@router.get("/inbox")
@needs(Permission.CHANNEL_READ)
def inbox_page(request: Request, ctx: CtxDep, principal: UiPrincipal, box: str = "all",
               status: str = "", offset: Offset = 0) -> Response:
    """Threads of the organisation, most recently active first, and its notifications."""
    box = box if box in BOXES else "all"
    result = channel.list_threads(ctx, principal, ThreadFilter(box, status), offset, PAGE)
    notes, unread = inbox.notifications(ctx, principal, 0, 15)
    base = {k: v for k, v in {"box": box, "status": status}.items() if v}
    return page(request, "channel/inbox.html", strictest_tlp(t.tlp for t in result.items),
                principal, page=result, threads=result.items, box=box, chosen=status,
                statuses=[s for s in PartyStatus if s is not PartyStatus.SENDER],
                notes=[notification_json(n) for n in notes], unread=unread, now=ctx.now(),
                prev_url="/inbox?" + urlencode({**base, "offset": max(0, offset - PAGE)}),
                next_url="/inbox?" + urlencode({**base, "offset": offset + PAGE}))


@router.post("/inbox/read")
@needs(Permission.CHANNEL_READ)
def inbox_read(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked,
               up_to: FormCursor = 0) -> Response:
    """Mark the notifications shown read."""
    inbox.mark_read(ctx, principal, up_to)
    return RedirectResponse("/inbox", status_code=303)


def _compose(request: Request, ctx: CtxDep, principal: UiPrincipal, form: dict[str, Any],
             issues: list[Issue], status: int = 200) -> Response:
    kind = RequestType(form["type"])
    tlp = TLP(form["tlp"]) if form["tlp"] in {t.value for t in TLP} else TLP.AMBER
    members = [o for o in orgs.list_orgs(ctx) if o.id != principal.org_id]
    return page(request, "channel/compose.html", tlp, principal, status=status, form=form,
                issues=issues, kind=kind, kinds=list(RequestType), specs=REQUEST_FIELDS[kind],
                priorities=list(Priority), tlps=list(TLP), purposes=list(Purpose),
                orgs=members, max_bytes=ctx.settings.attachment_max_bytes,
                default_days=ctx.settings.preservation_days, min_days=MIN_PRESERVATION_DAYS,
                max_days=MAX_PRESERVATION_DAYS)


def _blank(kind: str, to: str) -> dict[str, Any]:
    urgent = kind == RequestType.PRESERVATION.value  # data may be deleted any hour
    return {"type": kind if kind in {k.value for k in RequestType} else "message", "to": [to],
            "priority": "urgent" if urgent else "routine", "subject": "", "body": "",
            "tlp": "amber", "purpose": "investigation", "preservation_days": "", "fields": {}}


@router.get("/compose")
@needs(Permission.CHANNEL_SEND)
def compose(request: Request, ctx: CtxDep, principal: UiPrincipal, type: str = "message",
            to: str = "") -> Response:
    """A blank form for one request type (Art. 29 fields for a preservation request)."""
    require(principal, Permission.CHANNEL_SEND)
    return _compose(request, ctx, principal, _blank(type, to), [])


@router.post("/compose")
@needs(Permission.CHANNEL_SEND)
async def send(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Send, or show the form again with every located problem (missing fields named)."""
    async with request.form() as data:
        files = await _files(data)
        return await run_blocking(_send, request, ctx, principal, data, files)


def _send(request: Request, ctx: Context, principal: Principal, data: FormData,
          files: tuple[AttachmentIn, ...]) -> Response:
    check_csrf(request, ctx, str(data.get("csrf_token", "")))
    form = _read_form(data)
    try:
        draft = parse_draft(_document(form), ctx.now().date(), ctx.settings.review_years)
        thread = channel.send(ctx, principal, replace(draft, attachments=files))
    except InvalidInput as exc:
        return _compose(request, ctx, principal, form, exc.issues, status=422)
    return RedirectResponse(f"/threads/{thread.id}", status_code=303)


def _document(form: dict[str, Any]) -> dict[str, Any]:
    """The request document (as the API takes it) for the form's fields."""
    doc = {k: form[k] for k in ("to", "type", "priority", "subject", "body", "fields")}
    doc["handling"] = {"tlp": form["tlp"], "purpose": form["purpose"]}
    days = str(form["preservation_days"])
    if days:
        number = whole_number(days)
        doc["preservation_days"] = -1 if number is None else number
    return doc


def _read_form(data: FormData) -> dict[str, Any]:
    kind = str(data.get("type") or "message")
    kind = kind if kind in {k.value for k in RequestType} else "message"
    names = {s.name for s in REQUEST_FIELDS[RequestType(kind)]}
    return {"type": kind, "to": [str(v) for v in data.getlist("to") if str(v)],
            "priority": str(data.get("priority") or "routine"),
            "subject": str(data.get("subject") or ""), "body": str(data.get("body") or ""),
            "tlp": str(data.get("tlp") or "amber"),
            "purpose": str(data.get("purpose") or "investigation"),
            "preservation_days": str(data.get("preservation_days") or ""),
            "fields": {n: str(data.get(f"field_{n}") or "") for n in names}}


async def _files(data: FormData) -> tuple[AttachmentIn, ...]:
    found = []
    for item in data.getlist("files"):
        if isinstance(item, UploadFile) and item.filename:
            content = await item.read()
            found.append(AttachmentIn(item.filename, item.content_type or
                                      "application/octet-stream", content))
    return tuple(found)


@router.get("/threads/{thread_id}")
@needs(Permission.CHANNEL_READ)
def thread_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                thread_id: Id) -> Response:
    """One thread: status per addressee, deadlines, escalation, signed messages, actions."""
    view = channel.get_thread(ctx, principal, thread_id)
    mine = view.thread.party(principal.org_id)
    return page(request, "channel/thread.html", view.thread.tlp, principal, view=view,
                t=view.thread, mine=mine, specs=REQUEST_FIELDS[view.thread.request_type],
                tlps=list(TLP), now=ctx.now(), max_days=MAX_PRESERVATION_DAYS)


def _act(request: Request, ctx: Context, principal: Principal, thread_id: int, action: str,
         data: FormData, files: tuple[AttachmentIn, ...]) -> Response:
    check_csrf(request, ctx, str(data.get("csrf_token", "")))
    text = str(data.get("text") or "")
    if action == "ack":
        channel_actions.acknowledge(ctx, principal, thread_id, text)
    elif action == "decline":
        channel_actions.decline(ctx, principal, thread_id, text)
    elif action == "close":
        channel_actions.close(ctx, principal, thread_id, text)
    elif action == "extend":
        days = whole_number(str(data.get("days") or ""))
        channel_actions.extend_preservation(ctx, principal, thread_id, days or 0)
    else:
        _reply(ctx, principal, thread_id, data, text, files, action == "answer")
    return RedirectResponse(f"/threads/{thread_id}", status_code=303)


def _reply(ctx: Context, principal: Principal, thread_id: int, data: FormData, text: str,
           files: tuple[AttachmentIn, ...], answer: bool) -> None:
    issues: list[Issue] = []
    handling = parse_handling({"tlp": str(data.get("tlp") or "amber")}, ctx.now().date(),
                              ctx.settings.review_years, issues)
    if issues:
        raise InvalidInput("the reply is not valid", issues)
    channel_actions.reply(ctx, principal, thread_id, text, handling, files, answer=answer)


@router.post("/threads/{thread_id}/{action}")
@needs(Permission.CHANNEL_SEND)
async def thread_action(request: Request, ctx: CtxDep, principal: UiPrincipal, thread_id: Id,
                        action: str) -> Response:
    """Acknowledge, reply, answer, decline, close or extend, then back to the thread."""
    if action not in ("ack", "reply", "answer", "decline", "close", "extend"):
        raise InvalidInput("unknown action", [Issue("action", action)])
    async with request.form() as data:
        files = await _files(data) if action in ("reply", "answer") else ()
        return await run_blocking(_act, request, ctx, principal, thread_id, action, data, files)


@router.get("/duty")
@needs(Permission.DIRECTORY_READ)
def duty_page(request: Request, ctx: CtxDep, principal: UiPrincipal, country: str = "",
              org: str = "") -> Response:
    """The duty board: who is on duty now in every organisation, in its own time."""
    rows = directory.duty_board(ctx, principal, country.strip(), org.strip())
    countries = sorted({o.country for o in orgs.list_orgs(ctx) if o.country})
    return page(request, "channel/duty.html", TLP.AMBER, principal, rows=rows,
                country=country.strip().upper(), org=org, countries=countries,
                now=ctx.now())
