"""Presenters of operations: as listed, as shown (tasks, action days, results, takedowns),
a participant's target package, and the parts added one by one."""

from __future__ import annotations

from typing_extensions import TypedDict

from cyberfusion.domain.operations import (
    ActionDay,
    Operation,
    ResultEntry,
    ResultTotal,
    Takedown,
    TargetPackage,
    Task,
)
from cyberfusion.presenters.common import Page, iso, page_json
from cyberfusion.services.operations import OperationPage, OperationView


class OperationDoc(TypedDict):
    """An operation as a list shows it, and the fields every view shares."""

    id: int
    title: str
    status: str
    lead: str
    participants: list[str]
    countries: list[str]
    network: str | None
    tlp: str
    created_at: str | None
    created_by: str


class TaskDoc(TypedDict):
    """A task: owner, due date, status and its last change."""

    id: int
    title: str
    owner: str
    owner_user: str | None
    due: str | None
    status: str
    updated_at: str | None
    updated_by: str


class ActionDayDoc(TypedDict):
    """A day of coordinated action."""

    id: int
    day: str | None
    countries: list[str]
    description: str


class ResultDoc(TypedDict):
    """A results ledger line: what, how many, by whom, when, where."""

    id: int
    kind: str
    count: int
    country: str
    amount: str | None
    currency: str | None
    note: str
    by_org: str
    by_user: str
    at: str | None


class TotalDoc(TypedDict):
    """The ledger summed for one kind, with amounts per currency."""

    kind: str
    count: int
    amounts: dict[str, str]


class TakedownDoc(TypedDict):
    """The takedown of one infrastructure item."""

    id: int
    type: str
    value: str
    country: str | None
    status: str
    note: str
    by_org: str
    by_user: str
    updated_at: str | None


class OperationDetailDoc(OperationDoc):
    """An operation in full, as one participant sees it."""

    summary: str
    is_lead: bool
    tasks: list[TaskDoc]
    action_days: list[ActionDayDoc]
    results: list[ResultDoc]
    totals: list[TotalDoc]
    takedowns: list[TakedownDoc]


class PackageCaseDoc(TypedDict):
    """A target case in a participant's package."""

    id: int
    title: str
    owner: str
    crime_type: str
    countries: list[str]
    tlp: str
    local: bool


class PackageValueDoc(TypedDict):
    """A value of a package case."""

    case_id: int
    type: str
    value: str
    role: str


class PackageDoc(TypedDict):
    """A participant's target package: only what that participant reads in full."""

    org: str
    country: str | None
    cases: list[PackageCaseDoc]
    values: list[PackageValueDoc]


def operation_json(op: Operation) -> OperationDoc:
    """An operation's shared fields."""
    return {"id": op.id, "title": op.title, "status": op.status.value, "lead": op.lead_org_id,
            "participants": list(op.participants), "countries": list(op.countries),
            "network": op.network_ref or None, "tlp": op.handling.tlp.value,
            "created_at": iso(op.created_at), "created_by": op.created_by}


def operation_page_json(page: OperationPage) -> Page[OperationDoc]:
    """A page of the caller's operations with the total it takes part in."""
    return page_json([operation_json(o) for o in page.items], page.total, page.offset,
                     page.limit)


def task_json(t: Task) -> TaskDoc:
    """One task."""
    return {"id": t.id, "title": t.title, "owner": t.owner_org_id,
            "owner_user": t.owner_user or None, "due": iso(t.due), "status": t.status.value,
            "updated_at": iso(t.updated_at), "updated_by": t.updated_by}


def action_day_json(d: ActionDay) -> ActionDayDoc:
    """One action day."""
    return {"id": d.id, "day": iso(d.day), "countries": list(d.countries),
            "description": d.description}


def result_json(r: ResultEntry) -> ResultDoc:
    """One results ledger line."""
    return {"id": r.id, "kind": r.kind.value, "count": r.count, "country": r.country,
            "amount": str(r.amount) if r.amount is not None else None,
            "currency": r.currency or None, "note": r.note, "by_org": r.by_org,
            "by_user": r.by_user, "at": iso(r.at)}


def total_json(t: ResultTotal) -> TotalDoc:
    """One kind's total."""
    return {"kind": t.kind.value, "count": t.count,
            "amounts": {c: str(a) for c, a in t.amounts}}


def takedown_json(t: Takedown) -> TakedownDoc:
    """One tracked takedown."""
    return {"id": t.id, "type": t.value_type, "value": t.value, "country": t.country or None,
            "status": t.status.value, "note": t.note, "by_org": t.by_org, "by_user": t.by_user,
            "updated_at": iso(t.updated_at)}


def operation_detail_json(view: OperationView) -> OperationDetailDoc:
    """An operation in full, as one participant sees it."""
    op = view.operation
    return {**operation_json(op), "summary": op.summary, "is_lead": view.is_lead,
            "tasks": [task_json(t) for t in view.tasks],
            "action_days": [action_day_json(d) for d in view.action_days],
            "results": [result_json(r) for r in view.results],
            "totals": [total_json(t) for t in view.totals],
            "takedowns": [takedown_json(t) for t in view.takedowns]}


def package_json(p: TargetPackage) -> PackageDoc:
    """A participant's target package."""
    return {"org": p.org_id, "country": p.country or None,
            "cases": [{"id": c.id, "title": c.title, "owner": c.owner_org_id,
                       "crime_type": c.crime_type, "countries": list(c.countries),
                       "tlp": c.tlp, "local": c.local} for c in p.cases],
            "values": [{"case_id": v.case_id, "type": v.type, "value": v.value,
                        "role": v.role} for v in p.values]}
