"""Operations: plan and run a coordinated action against a network, participants only.

An operation is created from a network (its cases become the targets, its countries and
their national central bureaux fill the form) or by hand. Its data sits under a handling
record owned by the lead and released to the participants (`operation_handling`); every
read asks `decide()` on it and checks participation, and lists do both in SQL, so a
non-participant learns nothing, not even that the operation exists. A participant's target
package holds only the targets that participant reads in full (the SQL form of `decide()`
run for that participant), never what the creator could read. Every change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from cyberfusion.domain.access import Access, GovernedItem, decide
from cyberfusion.domain.audit import AuditAction
from cyberfusion.domain.model import OrgKind, Principal
from cyberfusion.domain.observables import normalise
from cyberfusion.domain.operations import (
    ActionDay,
    Operation,
    OperationDraft,
    OperationStatus,
    ResultEntry,
    ResultKind,
    ResultTotal,
    Takedown,
    TakedownStatus,
    TargetPackage,
    Task,
    TaskStatus,
    as_seen_by,
    country_issue,
    draft_issues,
    operation_handling,
    package_of,
    result_issues,
    takedown_issue,
    totals,
)
from cyberfusion.domain.paging import Page
from cyberfusion.domain.permissions import Permission, require
from cyberfusion.errors import InvalidInput, Issue, NotFound, PermissionDenied
from cyberfusion.formats import operation_report
from cyberfusion.services import audit, networks
from cyberfusion.services.context import Context
from cyberfusion.store.tx import Tx

MAX_PAGE = 200
OperationPage = Page[Operation]


@dataclass(frozen=True, slots=True)
class OperationView:
    """An operation as a participant sees it: tasks, action days, ledger, takedowns."""

    operation: Operation
    tasks: tuple[Task, ...]
    action_days: tuple[ActionDay, ...]
    results: tuple[ResultEntry, ...]
    totals: tuple[ResultTotal, ...]
    takedowns: tuple[Takedown, ...]
    is_lead: bool


def _name(principal: Principal) -> str:
    return principal.user.username if principal.user else principal.org_id


def from_network(ctx: Context, principal: Principal, ref: str) -> OperationDraft:
    """A draft filled from a network the caller sees: its countries, their NCBs as
    participants (with the caller's organisation as lead); targets are added on create."""
    detail = networks.network_detail(ctx, principal, ref)
    countries = detail.summary.countries
    with ctx.db.read() as tx:
        orgs = tx.orgs.all()
    ncbs = [o.id for c in countries for o in orgs if o.kind is OrgKind.NCB and o.country == c]
    return OperationDraft(f"Operation against network {ref}", principal.org_id,
                          tuple(dict.fromkeys([principal.org_id, *ncbs])), countries,
                          network_ref=ref)


def create(ctx: Context, principal: Principal, draft: OperationDraft) -> Operation:
    """Store an operation (targets: every case of its network, if it names one)."""
    require(principal, Permission.OPERATION_WRITE)
    participants = tuple(dict.fromkeys([draft.lead_org_id, *draft.participants,
                                        principal.org_id]))
    with ctx.db.write() as tx:
        orgs = {o.id: o for o in tx.orgs.all()}
        issues = draft_issues(draft, orgs)
        if issues:
            raise InvalidInput(f"the operation has {len(issues)} problem(s)", issues)
        targets = draft.target_cases
        if draft.network_ref:  # every case of it: packages cut them per participant, and
            # no figure about them is shown (not even in the audit trail: some are hidden
            # from the creator)
            cluster = networks.cluster_of(tx, ctx, principal, draft.network_ref)
            targets = tuple(tx.operations.cluster_cases(cluster))
        partners = [o for o in participants if orgs[o].kind is OrgKind.PARTNER]
        review_by = ctx.now().date() + timedelta(days=365 * ctx.settings.review_years)
        handling = operation_handling(draft.lead_org_id, participants, partners, draft.tlp,
                                      review_by)
        final = OperationDraft(draft.title.strip(), draft.lead_org_id, participants,
                               draft.countries, draft.summary, handling.tlp, draft.network_ref,
                               targets)
        op_id = tx.operations.add(final, handling, _name(principal), principal.org_id,
                                  ctx.now())
        audit.record(tx, ctx, principal, AuditAction.OPERATION_CREATE, "operation", op_id,
                     draft.lead_org_id, {"title": final.title, "participants": list(participants),
                                         "countries": list(final.countries),
                                         "network": draft.network_ref,
                                         "tlp": handling.tlp.value})
        found = tx.operations.get(op_id)
    assert found is not None
    return as_seen_by(found, principal.org_id)


def _readable(tx: Tx, ctx: Context, principal: Principal, operation_id: int) -> Operation:
    """The operation if the caller's organisation takes part and reads it; NotFound else."""
    op = tx.operations.get(operation_id)
    if op is None or principal.org_id not in op.participants or decide(
            principal.org, GovernedItem(op.handling_id, op.lead_org_id, op.handling),
            ctx.now()) is not Access.FULL:
        raise NotFound(f"no operation {operation_id}")
    return as_seen_by(op, principal.org_id)


def list_operations(ctx: Context, principal: Principal, offset: int = 0,
                    limit: int = 50) -> OperationPage:
    """A page of the operations the caller's organisation takes part in, newest first."""
    require(principal, Permission.OPERATION_READ)
    limit, offset = max(1, min(limit, MAX_PAGE)), max(0, offset)
    with ctx.db.read() as tx:
        items, total = tx.operations.page(principal.org, ctx.now(), offset, limit)
    return OperationPage([as_seen_by(o, principal.org_id) for o in items], total, offset,
                         limit)


def get_operation(ctx: Context, principal: Principal, operation_id: int) -> OperationView:
    """One operation with its tasks, action days, results ledger and takedown tracker."""
    require(principal, Permission.OPERATION_READ)
    with ctx.db.read() as tx:
        return _view(tx, ctx, principal, operation_id)


def _view(tx: Tx, ctx: Context, principal: Principal, operation_id: int) -> OperationView:
    op = _readable(tx, ctx, principal, operation_id)
    results = tuple(tx.operations.results(op.id))
    return OperationView(op, tuple(tx.operations.tasks(op.id)),
                         tuple(tx.operations.action_days(op.id)), results,
                         tuple(totals(results)), tuple(tx.operations.takedowns(op.id)),
                         op.lead_org_id == principal.org_id)


def package(ctx: Context, principal: Principal, operation_id: int) -> TargetPackage:
    """The caller's own target package: the targets its organisation reads in full."""
    require(principal, Permission.OPERATION_READ)
    with ctx.db.write() as tx:
        op = _readable(tx, ctx, principal, operation_id)
        cases, values = tx.operations.package(op.id, principal.org, ctx.now())
        audit.record(tx, ctx, principal, AuditAction.OPERATION_PACKAGE, "operation", op.id,
                     op.lead_org_id, {"cases": len(cases)})
    return package_of(principal.org_id, principal.org.country or "", cases, values)


def set_status(ctx: Context, principal: Principal, operation_id: int,
               status: OperationStatus) -> Operation:
    """The lead moves the operation to planning, active or closed."""
    require(principal, Permission.OPERATION_WRITE)
    with ctx.db.write() as tx:
        op = _readable(tx, ctx, principal, operation_id)
        if op.lead_org_id != principal.org_id:
            raise PermissionDenied("only the lead organisation changes the operation's status")
        tx.operations.set_status(op.id, status)
        audit.record(tx, ctx, principal, AuditAction.OPERATION_UPDATE, "operation", op.id,
                     op.lead_org_id, {"status": status.value})
        fresh = tx.operations.get(op.id)
    assert fresh is not None
    return as_seen_by(fresh, principal.org_id)


def add_task(ctx: Context, principal: Principal, operation_id: int, title: str,
             owner_org_id: str, owner_user: str = "", due: date | None = None) -> Task:
    """Add a task owned by a participant organisation (and optionally a person)."""
    require(principal, Permission.OPERATION_WRITE)
    title = title.strip()
    with ctx.db.write() as tx:
        op = _readable(tx, ctx, principal, operation_id)
        issues = [] if title else [Issue("title", "is required")]
        if len(title) > 300:
            issues.append(Issue("title", "at most 300 characters"))
        if owner_org_id not in op.participants:
            issues.append(Issue("owner", f"{owner_org_id!r} does not take part; one of "
                                         f"{', '.join(op.participants)}"))
        if issues:
            raise InvalidInput("cannot add the task", issues)
        task_id = tx.operations.add_task(op.id, title, owner_org_id, owner_user.strip()[:200],
                                         due, _name(principal), ctx.now())
        audit.record(tx, ctx, principal, AuditAction.OPERATION_TASK, "operation", op.id,
                     op.lead_org_id, {"task": task_id, "owner": owner_org_id,
                                      "due": due.isoformat() if due else None})
        return next(t for t in tx.operations.tasks(op.id) if t.id == task_id)


def set_task_status(ctx: Context, principal: Principal, operation_id: int, task_id: int,
                    status: TaskStatus) -> Task:
    """Move a task to a status, with who and when."""
    require(principal, Permission.OPERATION_WRITE)
    with ctx.db.write() as tx:
        op = _readable(tx, ctx, principal, operation_id)
        if not tx.operations.set_task_status(op.id, task_id, status, _name(principal),
                                             ctx.now()):
            raise NotFound(f"no task {task_id} in operation {op.id}")
        audit.record(tx, ctx, principal, AuditAction.OPERATION_TASK, "operation", op.id,
                     op.lead_org_id, {"task": task_id, "status": status.value})
        return next(t for t in tx.operations.tasks(op.id) if t.id == task_id)


def add_action_day(ctx: Context, principal: Principal, operation_id: int, day: date,
                   countries: tuple[str, ...], description: str) -> ActionDay:
    """Plan a day of coordinated action in some countries."""
    require(principal, Permission.OPERATION_WRITE)
    issues = [i for n, c in enumerate(countries) if (i := country_issue(c, f"countries[{n}]"))]
    if not countries:
        issues.append(Issue("countries", "name at least one country"))
    if len(description) > 4000:
        issues.append(Issue("description", "at most 4000 characters"))
    if issues:
        raise InvalidInput("cannot add the action day", issues)
    with ctx.db.write() as tx:
        op = _readable(tx, ctx, principal, operation_id)
        day_id = tx.operations.add_action_day(op.id, day, countries, description.strip())
        audit.record(tx, ctx, principal, AuditAction.OPERATION_ACTION_DAY, "operation", op.id,
                     op.lead_org_id, {"day": day.isoformat(), "countries": list(countries)})
        return next(d for d in tx.operations.action_days(op.id) if d.id == day_id)


def add_result(ctx: Context, principal: Principal, operation_id: int, kind: ResultKind,
               count: int, country: str, amount: Decimal | None = None, currency: str = "",
               note: str = "") -> ResultEntry:
    """Enter a line of the results ledger, by the caller, now, in `country`."""
    require(principal, Permission.OPERATION_WRITE)
    currency = currency.strip().upper()
    issues = result_issues(kind, count, amount, currency, country)
    if issues:
        raise InvalidInput("cannot enter the result", issues)
    with ctx.db.write() as tx:
        op = _readable(tx, ctx, principal, operation_id)
        entry = ResultEntry(0, kind, count, country, ctx.now(), principal.org_id,
                            _name(principal), amount, currency, note.strip()[:4000])
        result_id = tx.operations.add_result(op.id, entry)
        audit.record(tx, ctx, principal, AuditAction.OPERATION_RESULT, "operation", op.id,
                     op.lead_org_id, {"result": result_id, "kind": kind.value, "count": count,
                                      "country": country, "amount": str(amount or ""),
                                      "currency": currency})
        return next(r for r in tx.operations.results(op.id) if r.id == result_id)


def add_takedown(ctx: Context, principal: Principal, operation_id: int, value_type: str,
                 value: str, country: str = "",
                 status: TakedownStatus = TakedownStatus.PLANNED, note: str = "") -> Takedown:
    """Track the takedown of one infrastructure item (value checked and canonicalised)."""
    require(principal, Permission.OPERATION_WRITE)
    obs = normalise(value_type, value)
    problem = country_issue(country) if country else None
    if problem:
        raise InvalidInput("cannot track the takedown", [problem])
    with ctx.db.write() as tx:
        op = _readable(tx, ctx, principal, operation_id)
        item = Takedown(0, obs.type.value, obs.value, country, status, ctx.now(),
                        principal.org_id, _name(principal), note.strip()[:4000])
        takedown_id = tx.operations.add_takedown(op.id, item)
        audit.record(tx, ctx, principal, AuditAction.OPERATION_TAKEDOWN, "operation", op.id,
                     op.lead_org_id, {"takedown": takedown_id, "value": obs.value,
                                      "status": status.value})
        return next(t for t in tx.operations.takedowns(op.id) if t.id == takedown_id)


def set_takedown(ctx: Context, principal: Principal, operation_id: int, takedown_id: int,
                 status: TakedownStatus, note: str = "") -> Takedown:
    """Record a takedown's new status (requested, done, refused), with who and when."""
    require(principal, Permission.OPERATION_WRITE)
    with ctx.db.write() as tx:
        op = _readable(tx, ctx, principal, operation_id)
        found = next((t for t in tx.operations.takedowns(op.id) if t.id == takedown_id), None)
        if found is None:
            raise NotFound(f"no takedown {takedown_id} in operation {op.id}")
        problem = takedown_issue(found.status, status)
        if problem:
            raise InvalidInput("cannot change the takedown", [Issue("status", problem)])
        tx.operations.set_takedown(op.id, takedown_id, status, note.strip()[:4000] or found.note,
                                   principal.org_id, _name(principal), ctx.now())
        audit.record(tx, ctx, principal, AuditAction.OPERATION_TAKEDOWN, "operation", op.id,
                     op.lead_org_id, {"takedown": takedown_id, "status": status.value})
        return next(t for t in tx.operations.takedowns(op.id) if t.id == takedown_id)


def after_action(ctx: Context, principal: Principal, operation_id: int) -> OperationView:
    """What the after-action report is written from (participants only; audited)."""
    require(principal, Permission.OPERATION_READ)
    with ctx.db.write() as tx:
        view = _view(tx, ctx, principal, operation_id)
        audit.record(tx, ctx, principal, AuditAction.OPERATION_REPORT, "operation",
                     operation_id, view.operation.lead_org_id, {})
    return view


def after_action_document(ctx: Context, principal: Principal,
                          operation_id: int) -> dict[str, object]:
    """The after-action report's document (participants only; audited)."""
    view = after_action(ctx, principal, operation_id)
    return operation_report.document(view.operation, view.tasks, view.action_days,
                                     view.results, view.totals, view.takedowns,
                                     ctx.now().strftime("%Y-%m-%d %H:%M UTC"))


def after_action_report(ctx: Context, principal: Principal, operation_id: int,
                        fmt: str = "pdf") -> bytes:
    """The after-action report as HTML, PDF or JSON (participants only; audited)."""
    if fmt not in operation_report.MEDIA:
        raise InvalidInput("unknown format", [Issue("format", "one of html, pdf, json")])
    return operation_report.render(after_action_document(ctx, principal, operation_id), fmt)
