"""Pages for operations: the list, the create form (filled from a network), an operation
(targets, the reader's own target package, tasks, action days, results, takedowns, the
after-action report), and the forms that change it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from cyberfusion.domain.handling import TLP, strictest_tlp
from cyberfusion.domain.model import Principal
from cyberfusion.domain.operations import (
    OPERATION_TLPS,
    OperationDraft,
    OperationStatus,
    ResultKind,
    TakedownStatus,
    TaskStatus,
)
from cyberfusion.domain.permissions import Permission, allowed, needs, require
from cyberfusion.errors import InvalidInput, Issue
from cyberfusion.formats import operation_report
from cyberfusion.formats.operation_report import MEDIA
from cyberfusion.services import operations, orgs
from cyberfusion.services.context import Context
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep
from cyberfusion.web.params import Id, Offset
from cyberfusion.web.ui.pages import CsrfChecked, UiPrincipal, check_csrf
from cyberfusion.web.ui.render import page

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]


def _list(text: str) -> list[str]:
    return [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]


def _day(text: str, location: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput("bad date", [Issue(location, "a date such as 2026-06-30")]) from None


@router.get("/operations")
@needs(Permission.OPERATION_READ)
def operations_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                    offset: Offset = 0) -> Response:
    """Operations your organisation takes part in, newest first."""
    found = operations.list_operations(ctx, principal, offset, 50)
    return page(request, "operations/list.html",
                strictest_tlp((o.handling.tlp for o in found.items), TLP.AMBER_STRICT),
                principal, page=found, can_create=allowed(principal, Permission.OPERATION_WRITE))


def _form_page(request: Request, ctx: Context, principal: Principal, form: dict[str, str],
               issues: list[Any], status: int = 200) -> Response:
    tlp = TLP(form["tlp"]) if form.get("tlp") in {t.value for t in OPERATION_TLPS} \
        else TLP.AMBER_STRICT
    return page(request, "operations/new.html", tlp, principal, status=status, form=form,
                issues=issues, tlps=OPERATION_TLPS, orgs=orgs.list_orgs(ctx))


@router.get("/operations/new")
@needs(Permission.OPERATION_WRITE)
def new_operation(request: Request, ctx: CtxDep, principal: UiPrincipal,
                  network: str = "") -> Response:
    """The create form, filled from a network when one is named."""
    require(principal, Permission.OPERATION_WRITE)
    draft = (operations.from_network(ctx, principal, network) if network
             else OperationDraft("", principal.org_id, (principal.org_id,)))
    form = {"title": draft.title, "network": draft.network_ref, "lead": draft.lead_org_id,
            "participants": ", ".join(draft.participants),
            "countries": ", ".join(draft.countries), "summary": "",
            "tlp": TLP.AMBER_STRICT.value}
    return _form_page(request, ctx, principal, form, [])


@router.post("/operations/new")
@needs(Permission.OPERATION_WRITE)
async def create_operation(request: Request, ctx: CtxDep, principal: UiPrincipal) -> Response:
    """Create the operation and go to its page, or show the form with every problem."""
    async with request.form() as data:
        fields = {k: v for k, v in data.items() if isinstance(v, str)}
    return await run_blocking(_create, request, ctx, principal, fields)


def _create(request: Request, ctx: Context, principal: Principal,
            data: dict[str, str]) -> Response:
    keys = ("title", "network", "lead", "participants", "countries", "summary", "tlp")
    form = {k: str(data.get(k) or "") for k in keys}
    check_csrf(request, ctx, data.get("csrf_token", ""))
    try:
        tlp = TLP(form["tlp"]) if form["tlp"] else TLP.AMBER_STRICT
    except ValueError:
        tlp = TLP.GREEN  # refused by the draft's rules, with its location
    draft = OperationDraft(form["title"].strip(), form["lead"].strip() or principal.org_id,
                           tuple(_list(form["participants"])),
                           tuple(c.upper() for c in _list(form["countries"])),
                           form["summary"].strip(), tlp, form["network"].strip())
    try:
        op = operations.create(ctx, principal, draft)
    except InvalidInput as exc:
        return _form_page(request, ctx, principal, form, exc.issues, status=422)
    return RedirectResponse(f"/operations/{op.id}", status_code=303)


@router.get("/operations/{operation_id}")
@needs(Permission.OPERATION_READ)
def operation_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                   operation_id: Id) -> Response:
    """One operation, in sections: targets, your package, tasks, action days, results,
    takedowns, after-action report."""
    view = operations.get_operation(ctx, principal, operation_id)
    pkg = operations.package(ctx, principal, operation_id)
    return page(request, "operations/operation.html", view.operation.handling.tlp, principal,
                v=view, op=view.operation, pkg=pkg,
                can_write=allowed(principal, Permission.OPERATION_WRITE),
                task_statuses=list(TaskStatus), result_kinds=list(ResultKind),
                takedown_statuses=list(TakedownStatus), statuses=list(OperationStatus))


def _back(operation_id: int, section: str) -> Response:
    return RedirectResponse(f"/operations/{operation_id}#{section}", status_code=303)


@router.post("/operations/{operation_id}/status")
@needs(Permission.OPERATION_WRITE)
def set_status(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, operation_id: Id,
               status: Annotated[OperationStatus, Form()]) -> Response:
    """The lead changes the operation's status."""
    operations.set_status(ctx, principal, operation_id, status)
    return _back(operation_id, "overview")


@router.post("/operations/{operation_id}/tasks")
@needs(Permission.OPERATION_WRITE)
def add_task(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, operation_id: Id,
             title: Text = "", owner: Text = "", owner_user: Text = "",
             due: Text = "") -> Response:
    """Add a task, then back to the tasks."""
    operations.add_task(ctx, principal, operation_id, title, owner.strip(), owner_user,
                        _day(due, "due"))
    return _back(operation_id, "tasks")


@router.post("/operations/{operation_id}/tasks/{task_id}")
@needs(Permission.OPERATION_WRITE)
def set_task(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, operation_id: Id,
             task_id: Id, status: Annotated[TaskStatus, Form()]) -> Response:
    """Change a task's status, then back to the tasks."""
    operations.set_task_status(ctx, principal, operation_id, task_id, status)
    return _back(operation_id, "tasks")


@router.post("/operations/{operation_id}/action-days")
@needs(Permission.OPERATION_WRITE)
def add_action_day(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, operation_id: Id,
                   day: Text = "", countries: Text = "", description: Text = "") -> Response:
    """Plan an action day, then back to the action days."""
    when = _day(day, "day")
    if when is None:
        raise InvalidInput("bad date", [Issue("day", "is required")])
    operations.add_action_day(ctx, principal, operation_id, when,
                              tuple(c.upper() for c in _list(countries)), description)
    return _back(operation_id, "action-days")


@router.post("/operations/{operation_id}/results")
@needs(Permission.OPERATION_WRITE)
def add_result(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, operation_id: Id,
               kind: Annotated[ResultKind, Form()],
               count: Annotated[int, Form(ge=1, le=1_000_000)] = 1, country: Text = "",
               amount: Text = "", currency: Text = "", note: Text = "") -> Response:
    """Enter a result, then back to the ledger."""
    try:
        value = Decimal(amount.strip()) if amount.strip() else None
    except InvalidOperation:
        raise InvalidInput("bad amount", [Issue("amount", "a number such as 2.5")]) from None
    operations.add_result(ctx, principal, operation_id, kind, count, country.strip().upper(),
                          value, currency, note)
    return _back(operation_id, "results")


@router.post("/operations/{operation_id}/takedowns")
@needs(Permission.OPERATION_WRITE)
def add_takedown(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, operation_id: Id,
                 type: Text = "", value: Text = "", country: Text = "") -> Response:
    """Track an infrastructure item's takedown, then back to the tracker."""
    operations.add_takedown(ctx, principal, operation_id, type.strip(), value,
                            country.strip().upper())
    return _back(operation_id, "takedowns")


@router.post("/operations/{operation_id}/takedowns/{takedown_id}")
@needs(Permission.OPERATION_WRITE)
def set_takedown(ctx: CtxDep, principal: UiPrincipal, _csrf: CsrfChecked, operation_id: Id,
                 takedown_id: Id, status: Annotated[TakedownStatus, Form()],
                 note: Text = "") -> Response:
    """Record a takedown's new status, then back to the tracker."""
    operations.set_takedown(ctx, principal, operation_id, takedown_id, status, note)
    return _back(operation_id, "takedowns")


@router.get("/operations/{operation_id}/after-action")
@needs(Permission.OPERATION_READ)
def after_action_page(request: Request, ctx: CtxDep, principal: UiPrincipal,
                      operation_id: Id) -> Response:
    """The after-action report in the page, with its PDF to download."""
    doc = operations.after_action_document(ctx, principal, operation_id)
    return page(request, "operations/after_action.html", TLP(str(doc["tlp"])), principal,
                doc=doc, body=operation_report.body(doc), operation_id=operation_id)


@router.get("/operations/{operation_id}/after-action.pdf")
@needs(Permission.OPERATION_READ)
async def after_action_pdf(ctx: CtxDep, principal: UiPrincipal, operation_id: Id) -> Response:
    """The after-action report as PDF."""
    data = await run_blocking(operations.after_action_report, ctx, principal, operation_id,
                              "pdf")
    return Response(data, media_type=MEDIA["pdf"], headers={
        "Content-Disposition": f'attachment; filename="after-action-report-{operation_id}.pdf"'})
