"""API: operations (create from a network or by hand, list, show), a participant's target
package, tasks, action days, results, takedowns and the after-action report."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from cyberfusion.domain.handling import TLP
from cyberfusion.domain.operations import (
    OperationDraft,
    OperationStatus,
    ResultKind,
    TakedownStatus,
    TaskStatus,
)
from cyberfusion.domain.permissions import Permission, needs
from cyberfusion.formats.operation_report import MEDIA
from cyberfusion.presenters.common import Page
from cyberfusion.presenters.operations import (
    ActionDayDoc,
    OperationDetailDoc,
    OperationDoc,
    PackageDoc,
    ResultDoc,
    TakedownDoc,
    TaskDoc,
    action_day_json,
    operation_detail_json,
    operation_json,
    operation_page_json,
    package_json,
    result_json,
    takedown_json,
    task_json,
)
from cyberfusion.services import operations
from cyberfusion.web.blocking import run_blocking
from cyberfusion.web.deps import CtxDep, PrincipalDep
from cyberfusion.web.openapi_doc import BINARY, TEXT, media_answer
from cyberfusion.web.params import Id, Offset

router = APIRouter(prefix="/operations")
Limit = Annotated[int, Query(ge=1, le=200)]
Org = Annotated[str, Field(min_length=1, max_length=64)]
Country = Annotated[str, Field(min_length=2, max_length=2)]


class OperationIn(BaseModel):
    """A new operation: from a network (targets, countries and their NCBs filled in) or by
    hand; the caller's organisation always takes part."""

    title: str = Field("", max_length=300)
    network: str = Field("", max_length=64)
    lead: str = Field("", max_length=64)
    participants: list[Org] = Field(default_factory=list, max_length=60)
    countries: list[Country] = Field(default_factory=list, max_length=250)
    summary: str = Field("", max_length=4000)
    tlp: TLP = TLP.AMBER_STRICT


@router.post("", status_code=201,
             responses={404: {"description": "No such network, or none the caller sees"}})
@needs(Permission.OPERATION_WRITE)
def create(ctx: CtxDep, principal: PrincipalDep, body: OperationIn,
           response: Response) -> OperationDoc:
    """Create an operation; only its participants will ever see it."""
    base = (operations.from_network(ctx, principal, body.network) if body.network
            else OperationDraft("", principal.org_id, ()))
    draft = OperationDraft(
        body.title or base.title, body.lead or base.lead_org_id,
        tuple(dict.fromkeys([*base.participants, *body.participants])),
        tuple(c.upper() for c in body.countries) or base.countries, body.summary, body.tlp,
        body.network)
    op = operations.create(ctx, principal, draft)
    response.headers["Location"] = f"/api/v1/operations/{op.id}"
    return operation_json(op)


@router.get("")
@needs(Permission.OPERATION_READ)
def list_operations(ctx: CtxDep, principal: PrincipalDep, offset: Offset = 0,
                    limit: Limit = 50) -> Page[OperationDoc]:
    """Operations the caller's organisation takes part in, newest first."""
    return operation_page_json(operations.list_operations(ctx, principal, offset, limit))


@router.get("/{operation_id}")
@needs(Permission.OPERATION_READ)
def show(ctx: CtxDep, principal: PrincipalDep, operation_id: Id) -> OperationDetailDoc:
    """One operation with tasks, action days, results (and totals) and takedowns."""
    return operation_detail_json(operations.get_operation(ctx, principal, operation_id))


@router.get("/{operation_id}/package")
@needs(Permission.OPERATION_READ)
def package(ctx: CtxDep, principal: PrincipalDep, operation_id: Id) -> PackageDoc:
    """The caller's target package: the targets its organisation reads in full."""
    return package_json(operations.package(ctx, principal, operation_id))


class StatusIn(BaseModel):
    """A new status for the operation."""

    status: OperationStatus


@router.post("/{operation_id}/status")
@needs(Permission.OPERATION_WRITE)
def set_status(ctx: CtxDep, principal: PrincipalDep, operation_id: Id,
               body: StatusIn) -> OperationDoc:
    """The lead moves the operation to planning, active or closed."""
    return operation_json(operations.set_status(ctx, principal, operation_id, body.status))


class TaskIn(BaseModel):
    """A task for a participant organisation (and optionally a person)."""

    title: str = Field(min_length=1, max_length=300)
    owner: Org
    owner_user: str = Field("", max_length=200)
    due: date | None = None


@router.post("/{operation_id}/tasks", status_code=201)
@needs(Permission.OPERATION_WRITE)
def add_task(ctx: CtxDep, principal: PrincipalDep, operation_id: Id, body: TaskIn) -> TaskDoc:
    """Add a task."""
    return task_json(operations.add_task(ctx, principal, operation_id, body.title, body.owner,
                                         body.owner_user, body.due))


class TaskStatusIn(BaseModel):
    """A task's new status."""

    status: TaskStatus


@router.post("/{operation_id}/tasks/{task_id}")
@needs(Permission.OPERATION_WRITE)
def set_task(ctx: CtxDep, principal: PrincipalDep, operation_id: Id, task_id: Id,
             body: TaskStatusIn) -> TaskDoc:
    """Move a task to a status (who and when are kept)."""
    return task_json(operations.set_task_status(ctx, principal, operation_id, task_id,
                                                body.status))


class ActionDayIn(BaseModel):
    """A day of coordinated action."""

    day: date
    countries: list[Country] = Field(min_length=1, max_length=250)
    description: str = Field("", max_length=4000)


@router.post("/{operation_id}/action-days", status_code=201)
@needs(Permission.OPERATION_WRITE)
def add_action_day(ctx: CtxDep, principal: PrincipalDep, operation_id: Id,
                   body: ActionDayIn) -> ActionDayDoc:
    """Plan an action day."""
    return action_day_json(operations.add_action_day(
        ctx, principal, operation_id, body.day, tuple(c.upper() for c in body.countries),
        body.description))


class ResultIn(BaseModel):
    """A results ledger line (amount and currency for frozen accounts and wallets)."""

    kind: ResultKind
    count: int = Field(1, ge=1, le=1_000_000)
    country: Country
    amount: Decimal | None = Field(None, ge=0, le=Decimal("1e15"))
    currency: str = Field("", max_length=6)
    note: str = Field("", max_length=4000)


@router.post("/{operation_id}/results", status_code=201)
@needs(Permission.OPERATION_WRITE)
def add_result(ctx: CtxDep, principal: PrincipalDep, operation_id: Id,
               body: ResultIn) -> ResultDoc:
    """Enter a result: by the caller, now, in the country given."""
    return result_json(operations.add_result(ctx, principal, operation_id, body.kind,
                                             body.count, body.country.upper(), body.amount,
                                             body.currency, body.note))


class TakedownIn(BaseModel):
    """An infrastructure item to take down."""

    type: str = Field(min_length=1, max_length=32)
    value: str = Field(min_length=1, max_length=2048)
    country: str = Field("", max_length=2)
    status: TakedownStatus = TakedownStatus.PLANNED
    note: str = Field("", max_length=4000)


@router.post("/{operation_id}/takedowns", status_code=201)
@needs(Permission.OPERATION_WRITE)
def add_takedown(ctx: CtxDep, principal: PrincipalDep, operation_id: Id,
                 body: TakedownIn) -> TakedownDoc:
    """Track the takedown of an infrastructure item."""
    return takedown_json(operations.add_takedown(ctx, principal, operation_id, body.type,
                                                 body.value, body.country.upper(),
                                                 body.status, body.note))


class TakedownStatusIn(BaseModel):
    """A takedown's new status."""

    status: TakedownStatus
    note: str = Field("", max_length=4000)


@router.post("/{operation_id}/takedowns/{takedown_id}")
@needs(Permission.OPERATION_WRITE)
def set_takedown(ctx: CtxDep, principal: PrincipalDep, operation_id: Id, takedown_id: Id,
                 body: TakedownStatusIn) -> TakedownDoc:
    """Record a takedown's new status (who and when are kept)."""
    return takedown_json(operations.set_takedown(ctx, principal, operation_id, takedown_id,
                                                 body.status, body.note))


_LIST = {"type": "array", "items": {"type": "object", "additionalProperties": True}}
AFTER_ACTION_SCHEMA = {"type": "object", "title": "AfterActionDocument", "properties": {
    "version": {"type": "integer"}, "operation_id": {"type": "integer"},
    "title": {"type": "string"}, "as_of": {"type": "string"}, "tlp": {"type": "string"},
    "status": {"type": "string"}, "lead": {"type": "string"},
    "participants": {"type": "array", "items": {"type": "string"}},
    "countries": {"type": "array", "items": {"type": "string"}},
    "network": {"type": "string"}, "summary": {"type": "string"}, "totals": _LIST,
    "timeline": _LIST, "tasks": _LIST, "takedowns": _LIST, "results": _LIST},
    "required": ["version", "operation_id", "title", "tlp", "totals", "timeline", "tasks",
                 "takedowns", "results"]}


@router.get("/{operation_id}/report", response_class=Response, responses=media_answer(
    "The after-action report", {"application/pdf": BINARY, "text/html": TEXT,
                                "application/json": {"schema": AFTER_ACTION_SCHEMA}}))
@needs(Permission.OPERATION_READ)
async def report(ctx: CtxDep, principal: PrincipalDep, operation_id: Id,
                 format: Annotated[str, Query(pattern="^(pdf|html|json)$")] = "pdf"
                 ) -> Response:
    """The after-action report (results totals, timeline, tasks, takedowns)."""
    data = await run_blocking(operations.after_action_report, ctx, principal, operation_id,
                              format)
    name = f"after-action-report-{operation_id}.{format}"
    return Response(data, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
